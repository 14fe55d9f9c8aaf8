//! Queue members: state, pause, penalty and per-member call counts.
//!
//! Why it exists: a member is described by list items (`QueueMember`), by
//! member events that carry a full snapshot on Asterisk 12+ and a partial
//! one on 1.x (`Location` instead of `Interface`, `Reason` instead of
//! `PausedReason`), and by the `Agent*` events of the calls it is offered.
//! All of them are folded into one [`QueueMember`] here.

use serde::Serialize;

use crate::ami::Message;
use crate::model::fields;
use crate::model::registry::DeviceState;

/// Headers naming a member's interface, across versions and events:
/// member events (12+), member events and list items (1.x), `Agent*`
/// events (1.x), and `AgentCalled` (1.x).
const INTERFACE: [&str; 4] = ["Interface", "Location", "Member", "AgentCalled"];
/// Headers naming a member: events, list items, `AgentCalled` (1.x).
const NAME: [&str; 3] = ["MemberName", "Name", "AgentName"];

/// One member (agent) of a queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueMember {
    /// The interface dialled, e.g. `Local/101@test/n` or `SIP/2001`.
    pub interface: String,
    pub name: String,
    /// Where the member's device state comes from; "" when not reported.
    pub state_interface: String,
    /// `static`, `dynamic` or `realtime`; "" when not reported.
    pub membership: String,
    pub status: DeviceState,
    pub paused: bool,
    pub paused_reason: String,
    pub penalty: Option<u32>,
    /// The server's count when it reported one, kept current from
    /// `AgentComplete` in between.
    pub calls_taken: Option<u64>,
    /// `AgentRingNoAnswer` events seen for this member.
    pub ring_no_answer: u64,
    /// Epoch seconds of the end of the member's last call.
    pub last_call: Option<f64>,
    pub in_call: bool,
    pub ring_in_use: Option<bool>,
    /// `calls_taken` when the current call was connected.
    #[serde(skip)]
    calls_at_connect: Option<u64>,
    #[serde(skip)]
    pub seen: u64,
}

/// The member's interface named by a member or agent event.
pub(super) fn interface_of(msg: &Message) -> Option<String> {
    fields::text(msg, &INTERFACE).filter(|i| !i.is_empty())
}

impl QueueMember {
    pub(super) fn new(interface: String) -> QueueMember {
        QueueMember {
            interface,
            name: String::new(),
            state_interface: String::new(),
            membership: String::new(),
            status: DeviceState::Unknown,
            paused: false,
            paused_reason: String::new(),
            penalty: None,
            calls_taken: None,
            ring_no_answer: 0,
            last_call: None,
            in_call: false,
            ring_in_use: None,
            calls_at_connect: None,
            seen: 0,
        }
    }

    /// Takes whatever member headers `msg` carries; absent ones leave the
    /// value as it was. Used for list items and every member event.
    pub(super) fn absorb(&mut self, msg: &Message) {
        fields::set_text(&mut self.name, msg, &NAME);
        fields::set_text(&mut self.state_interface, msg, &["StateInterface"]);
        fields::set_text(&mut self.membership, msg, &["Membership"]);
        if let Some(code) = fields::number(msg, &["Status"]) {
            self.status = DeviceState::from_code(code);
        }
        if let Some(paused) = fields::flag(msg, "Paused") {
            self.paused = paused;
            if !paused {
                self.paused_reason.clear();
            }
        }
        fields::set_text(&mut self.paused_reason, msg, &["PausedReason"]);
        self.penalty = fields::number(msg, &["Penalty"]).or(self.penalty);
        self.calls_taken = fields::number(msg, &["CallsTaken"]).or(self.calls_taken);
        if msg.has("LastCall") {
            self.last_call = fields::epoch(msg, "LastCall");
        }
        self.in_call = fields::flag(msg, "InCall").unwrap_or(self.in_call);
        self.ring_in_use = fields::flag(msg, "Ringinuse").or(self.ring_in_use);
    }

    /// A pause event: `QueueMemberPause` (12+) or `QueueMemberPaused`
    /// (1.x, whose reason header is `Reason`).
    pub(super) fn pause(&mut self, msg: &Message) {
        self.absorb(msg);
        if self.paused && !msg.has("PausedReason") {
            fields::set_text(&mut self.paused_reason, msg, &["Reason"]);
        }
    }

    /// Only the name, from an `Agent*` event (which says nothing else
    /// about the member's state).
    pub(super) fn name_from(&mut self, msg: &Message) {
        fields::set_text(&mut self.name, msg, &NAME);
    }

    /// `AgentConnect`: the member answered a caller.
    pub(super) fn connected(&mut self) {
        self.in_call = true;
        self.calls_at_connect = Some(self.calls_taken.unwrap_or(0));
    }

    /// `AgentComplete`: the call ended. Asterisk 22 reports the new
    /// `CallsTaken` just before this event, older versions may not, so the
    /// count becomes at least one more than at connect time (at least one
    /// when the connect was not seen), and never goes down.
    pub(super) fn completed(&mut self, now: f64) {
        self.in_call = false;
        let floor = self.calls_at_connect.take().map_or(1, |at| at + 1);
        self.calls_taken = Some(self.calls_taken.unwrap_or(0).max(floor));
        if now > 0.0 {
            self.last_call = Some(now);
        }
    }

    /// `AgentDump`: the caller was dropped before or during the call.
    pub(super) fn dumped(&mut self) {
        self.in_call = false;
        self.calls_at_connect = None;
    }

    /// `AgentRingNoAnswer`.
    pub(super) fn rang_out(&mut self) {
        self.ring_no_answer += 1;
    }
}
