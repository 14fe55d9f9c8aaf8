//! Queue members: state, pause, penalty and per-member call counts.
//!
//! Why it exists: a member is described by list items (`QueueMember`), by
//! member events that carry a full snapshot on Asterisk 12+ and a partial
//! one on 1.x (`Location` instead of `Interface`, `Reason` instead of
//! `PausedReason`), and by the `Agent*` events of the calls it is offered.
//! All of them are folded into one [`QueueMember`] here.
//!
//! An `Agent*` event about a member removed by `QueueMemberRemoved` is
//! about a call that outlived the member, and must not bring it back.

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
    /// `InCall` of the last `QueueStatus` item (events always say 0), or
    /// an `AgentConnect` seen since.
    pub in_call: bool,
    pub ring_in_use: Option<bool>,
    /// Epoch seconds of the last pause (`LastPause`, else when amitop saw
    /// it); kept after an unpause, as Asterisk keeps it.
    pub last_pause: Option<f64>,
    /// Epoch seconds the member joined the queue (`LoginTime`, else when
    /// amitop first saw it).
    pub login_time: Option<f64>,
    /// The member's own wrap-up seconds (`Wrapuptime`; 0: the queue's,
    /// which the server does not report).
    pub wrapup_time: Option<u64>,
    /// The waiting caller this member is being rung for (`AgentCalled`).
    pub ringing_for: Option<Party>,
    /// The queue call the member is in (`AgentConnect`).
    pub call: Option<MemberCall>,
    #[serde(skip)]
    pub seen: u64,
}

/// The caller side of a queue call, as the `Agent*` events name it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Party {
    pub uniqueid: String,
    pub num: String,
    pub name: String,
}

impl Party {
    /// The caller channel an `Agent*` event names: its own snapshot on
    /// 12+ (`Uniqueid`, `CallerIDNum`...), `Uniqueid` and the caller ID
    /// on 1.x.
    fn of(msg: &Message) -> Party {
        Party {
            uniqueid: fields::text(msg, &["Uniqueid", "UniqueID"]).unwrap_or_default(),
            num: fields::caller_id(msg, &["CallerIDNum", "CallerID"]),
            name: fields::caller_id(msg, &["CallerIDName"]),
        }
    }

    /// Name, else number, else "".
    pub fn label(&self) -> &str {
        if self.name.is_empty() {
            &self.num
        } else {
            &self.name
        }
    }
}

/// A member's queue call: with whom, since when, and whether it was
/// answered within the service level (counted when it completes).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberCall {
    pub caller: Party,
    /// Epoch seconds of the `AgentConnect`.
    pub since: Option<f64>,
    #[serde(skip)]
    pub(super) in_service_level: bool,
    /// `calls_taken` when the call was connected.
    #[serde(skip)]
    calls_at_connect: u64,
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
            last_pause: None,
            login_time: None,
            wrapup_time: None,
            ringing_for: None,
            call: None,
            seen: 0,
        }
    }

    /// Takes whatever member headers `msg` carries; absent ones leave the
    /// value as it was. Used for list items and every member event; `now`
    /// stands in for the times the server does not send.
    pub(super) fn absorb(&mut self, msg: &Message, now: f64) {
        let was_paused = self.paused;
        fields::set_text(&mut self.name, msg, &NAME);
        fields::set_text(&mut self.state_interface, msg, &["StateInterface"]);
        fields::set_text(&mut self.membership, msg, &["Membership"]);
        if let Some(code) = fields::number(msg, &["Status"]) {
            self.status = DeviceState::from_code(code);
        }
        if let Some(paused) = fields::flag(msg, "Paused") {
            self.paused = paused;
        }
        // An unpause with a Reason echoes it, but the member keeps none.
        if self.paused {
            fields::set_text(&mut self.paused_reason, msg, &["PausedReason"]);
        } else {
            self.paused_reason.clear();
        }
        self.penalty = fields::number(msg, &["Penalty"]).or(self.penalty);
        self.calls_taken = fields::number(msg, &["CallsTaken"]).or(self.calls_taken);
        if msg.has("LastCall") {
            self.last_call = fields::epoch(msg, "LastCall");
        }
        // Events say `InCall: 0` even during a call: only list items count.
        if msg.get_bytes("Event") == Some(b"QueueMember".as_slice()) {
            self.in_call = fields::flag(msg, "InCall").unwrap_or(self.in_call);
        }
        self.ring_in_use = fields::flag(msg, "Ringinuse").or(self.ring_in_use);
        self.wrapup_time = fields::number(msg, &["Wrapuptime", "WrapupTime"]).or(self.wrapup_time);
        let seen = (now > 0.0).then_some(now);
        if msg.has("LastPause") {
            self.last_pause = fields::epoch(msg, "LastPause");
        } else if self.paused && !was_paused {
            self.last_pause = seen;
        }
        if msg.has("LoginTime") {
            self.login_time = fields::epoch(msg, "LoginTime");
        } else if self.login_time.is_none() {
            self.login_time = seen;
        }
    }

    /// A pause event: `QueueMemberPause` (12+) or `QueueMemberPaused`
    /// (1.x, whose reason header is `Reason`).
    pub(super) fn pause(&mut self, msg: &Message, now: f64) {
        self.absorb(msg, now);
        if self.paused && !msg.has("PausedReason") {
            fields::set_text(&mut self.paused_reason, msg, &["Reason"]);
        }
    }

    /// Only the name, from an `Agent*` event (which says nothing else
    /// about the member's state).
    pub(super) fn name_from(&mut self, msg: &Message) {
        fields::set_text(&mut self.name, msg, &NAME);
    }

    /// `AgentCalled`: the member's phone rings for this caller.
    pub(super) fn called(&mut self, msg: &Message) {
        self.name_from(msg);
        self.ringing_for = Some(Party::of(msg));
    }

    /// `AgentConnect`: the member answered a caller at `now`; the wait
    /// was within the service level or not.
    pub(super) fn connected(&mut self, msg: &Message, now: f64, in_service_level: bool) {
        self.name_from(msg);
        self.ringing_for = None;
        self.in_call = true;
        self.call = Some(MemberCall {
            caller: Party::of(msg),
            since: (now > 0.0).then_some(now),
            in_service_level,
            calls_at_connect: self.calls_taken.unwrap_or(0),
        });
    }

    /// `AgentComplete`: the call ended; returns it, when its connect was
    /// seen. Asterisk 22 reports the new `CallsTaken` just before this
    /// event, older versions may not, so the count becomes at least one
    /// more than at connect time (at least one when the connect was not
    /// seen), and never goes down.
    pub(super) fn completed(&mut self, now: f64) -> Option<MemberCall> {
        self.in_call = false;
        self.ringing_for = None;
        let call = self.call.take();
        let floor = call.as_ref().map_or(1, |c| c.calls_at_connect + 1);
        self.calls_taken = Some(self.calls_taken.unwrap_or(0).max(floor));
        if now > 0.0 {
            self.last_call = Some(now);
        }
        call
    }

    /// `AgentDump`: the caller was dropped before or during the call.
    pub(super) fn dumped(&mut self) {
        self.in_call = false;
        self.ringing_for = None;
        self.call = None;
    }

    /// `AgentRingNoAnswer`.
    pub(super) fn rang_out(&mut self) {
        self.ring_no_answer += 1;
        self.ringing_for = None;
    }

    /// The caller `uniqueid` left the queue: stop ringing for it.
    pub(super) fn caller_left(&mut self, uniqueid: &str) {
        if self
            .ringing_for
            .as_ref()
            .is_some_and(|p| p.uniqueid == uniqueid)
        {
            self.ringing_for = None;
        }
    }

    /// Counted in `LoggedIn` (app_queue: device neither unavailable nor
    /// invalid).
    pub fn is_logged_in(&self) -> bool {
        !matches!(self.status, DeviceState::Unavailable | DeviceState::Invalid)
    }

    /// Counted in `Available` (app_queue: logged in, device not in use or
    /// unknown, and not paused).
    pub fn is_available(&self) -> bool {
        !self.paused && matches!(self.status, DeviceState::NotInUse | DeviceState::Unknown)
    }
}
