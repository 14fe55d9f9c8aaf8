//! Whole call flows built from the PBX's primitive steps: calls to phones
//! and queues, `Originate`, `Redirect`, blind and attended transfers, queue
//! agents being rung, and the queue and registration changes that actions
//! and the traffic generator share. Each either completes or leaves state
//! that a later step (or a hangup) finishes.

use super::channel::{
    ChannelState, NO_ANSWER, NORMAL_CLEARING, Party, device_of, device_of_channel,
};
use super::features::{PARKING_CONTEXT, PARKING_LOT};
use super::pbx::{AgentLeg, OFFICE_PHONES, PHONES, Pbx};
use super::queues::{self, AgentEvent, Member, MemberChange, Refusal};
use super::registry;
use super::vocab::{self, Dialect, Transfer};
use super::wire::Fields;

/// Where calls started from the test side run their dialplan.
pub const DEFAULT_CONTEXT: &str = "default";

/// The extensions that lead to queues.
pub const QUEUE_EXTENS: [(&str, &str); 2] = [("600", "support"), ("601", "sales")];

/// Where dialling an extension leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// A device to ring, with the callee's caller ID.
    Device {
        device: String,
        party: Party,
    },
    Queue(String),
}

/// Where `exten` leads: a registered phone, a queue, or `PJSIP/<exten>`.
pub fn route(exten: &str) -> Route {
    if let Some((_, queue)) = QUEUE_EXTENS.iter().find(|(e, _)| *e == exten) {
        return Route::Queue((*queue).into());
    }
    match PHONES.iter().find(|(e, _)| *e == exten) {
        Some((num, name)) => Route::Device {
            device: format!("SIP/{num}"),
            party: Party::new(*num, *name),
        },
        None => Route::Device {
            device: device_of(exten),
            party: Party::new(exten, ""),
        },
    }
}

/// The caller ID of an office phone or agent by extension.
pub fn phone_party(exten: &str) -> Party {
    match PHONES.iter().find(|(e, _)| *e == exten) {
        Some((num, name)) => Party::new(*num, *name),
        None => Party::new(exten, ""),
    }
}

/// What an `Originate` connects the new channel to once it answers.
#[derive(Clone, Debug)]
pub enum OriginateTarget {
    /// Dialplan: the extension is dialled (a phone, a queue).
    Exten { context: String, exten: String },
    /// An application runs on the channel alone.
    App { application: String, data: String },
}

/// An `Originate` request, parsed.
#[derive(Clone, Debug)]
pub struct Originate {
    /// The device to call first (`PJSIP/100`, `Local/200@test/n`).
    pub device: String,
    pub target: OriginateTarget,
    pub caller_id: Option<Party>,
    pub account: Option<String>,
    pub variables: Vec<(String, String)>,
    /// For `Async: true`: report the outcome in an `OriginateResponse` event
    /// carrying this ActionID (`None` when the request had no ActionID).
    pub report: Option<Option<String>>,
}

/// An attended transfer under way: the transferer talks to the target
/// while the transferee waits on hold in the original bridge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consultation {
    pub transferer: String,
    pub transferee: String,
    pub target: String,
    pub bridge: String,
}

impl Pbx {
    /// A phone (`caller`, an extension or a device like `SIP/alice`; the
    /// office's extensions are `SIP/`) dials `callee`, who answers at once.
    /// Returns the call's linkedid.
    pub fn start_call(&mut self, caller: &str, callee: &str, caller_id_name: &str) -> String {
        let caller_num = caller.rsplit('/').next().unwrap_or(caller);
        let device = match route(caller) {
            Route::Device { device, .. } => device,
            Route::Queue(_) => device_of(caller),
        };
        let a = self.new_channel(
            &device,
            ChannelState::Ring,
            Party::new(caller_num, caller_id_name),
            DEFAULT_CONTEXT,
            callee,
            None,
        );
        let linkedid = self.channels[a].linkedid.clone();
        self.connect(a, callee);
        linkedid
    }

    /// Channel `a` runs the dialplan of `exten`: a phone rings and answers
    /// at once (bridged), or the caller joins a queue.
    pub(super) fn connect(&mut self, a: usize, exten: &str) {
        if self.feature_route(a, exten) {
            return;
        }
        let a_uid = self.uid(a);
        if let Some(b) = self.ring(a, exten)
            && let (Some(a), Some(b)) = (self.index_of_uid(&a_uid), self.index_of_uid(&b))
        {
            self.answer_and_bridge(a, b);
        }
    }

    /// Channel `a` dials `exten`: returns the uniqueid of the ringing
    /// callee, or None when the caller went into a queue instead.
    pub(super) fn ring(&mut self, a: usize, exten: &str) -> Option<String> {
        match route(exten) {
            Route::Queue(queue) => {
                self.run_app(a, "Queue", &queue);
                if self.channels[a].state != ChannelState::Up {
                    self.set_state(a, ChannelState::Up);
                }
                self.join_queue(a, &queue);
                None
            }
            Route::Device { device, party } => {
                self.run_app(a, "Dial", &format!("{device},30"));
                let b = self.dial(a, &device, exten, party);
                Some(self.uid(b))
            }
        }
    }

    /// The ringing `b` answers `a`: into `a`'s bridge if it has one (a
    /// transferee waiting), else a new bridge for the two.
    pub(super) fn answer_and_bridge(&mut self, a: usize, b: usize) {
        self.answer(a, b);
        match self.channels[a].bridge.clone() {
            Some(bridge) => self.join_bridge(b, &bridge),
            None => self.bridge_pair(a, b),
        }
    }

    /// The ringing `b` rings out.
    pub(super) fn ring_out(&mut self, a: usize, b: usize) {
        self.dial_failed(a, b, "NOANSWER", NO_ANSWER);
    }

    /// The `Originate` action: calls `device`; once it answers, connects it
    /// to the target. Returns the linkedid of the new call.
    pub fn originate(&mut self, request: &Originate) -> String {
        let (context, exten) = match &request.target {
            OriginateTarget::Exten { context, exten } => (context.as_str(), exten.as_str()),
            OriginateTarget::App { .. } => (DEFAULT_CONTEXT, ""),
        };
        let a = self.new_channel(
            &request.device,
            ChannelState::Down,
            Party::default(),
            context,
            exten,
            None,
        );
        for (name, value) in &request.variables {
            self.set_variable(a, name, value);
        }
        if let Some(account) = &request.account {
            self.set_account_code(a, account);
        }
        if let Some(caller_id) = &request.caller_id {
            self.set_caller_id(a, caller_id.clone());
        }
        self.set_state(a, ChannelState::Up);
        if let Some(action_id) = &request.report {
            self.originate_response(a, &request.target, action_id.as_deref());
        }
        let linkedid = self.channels[a].linkedid.clone();
        match &request.target {
            OriginateTarget::Exten { context, exten } if context == PARKING_CONTEXT => {
                let space = exten.parse().unwrap_or(0);
                if !self.pick_up(a, space) {
                    self.end_channel(a, super::channel::NORMAL_CLEARING, false);
                }
            }
            OriginateTarget::Exten { exten, .. } => self.connect(a, exten),
            OriginateTarget::App { application, data } => {
                let chan = &mut self.channels[a];
                chan.application = application.clone();
                chan.app_data = data.clone();
                if application.eq_ignore_ascii_case("ChanSpy") {
                    self.start_spy(a, data);
                }
            }
        }
        linkedid
    }

    fn originate_response(
        &mut self,
        index: usize,
        target: &OriginateTarget,
        action_id: Option<&str>,
    ) {
        let chan = &self.channels[index];
        let mut event = Fields::event("OriginateResponse")
            .with("Privilege", "call,all")
            .with_action_id(action_id)
            .with("Response", "Success")
            .with("Channel", chan.name.clone());
        match target {
            OriginateTarget::Exten { context, exten } => {
                event.push("Context", context.clone());
                event.push("Exten", exten.clone());
            }
            OriginateTarget::App { application, data } => {
                event.push("Application", application.clone());
                event.push("Data", data.clone());
            }
        }
        let unknown = |v: &str| {
            if v.is_empty() {
                super::channel::UNKNOWN.to_owned()
            } else {
                v.to_owned()
            }
        };
        let event = event
            .with("Reason", "4")
            .with("Uniqueid", chan.uniqueid.clone())
            .with("CallerIDNum", unknown(&chan.caller.num))
            .with("CallerIDName", unknown(&chan.caller.name));
        self.emit(event);
    }

    /// The `Redirect` action: the channel leaves its call (the party left
    /// behind hangs up, as a Dial bridge dissolves) and runs `exten@context`.
    pub fn redirect(&mut self, name: &str, context: &str, exten: &str) -> bool {
        let Some(index) = self.index_of(name) else {
            return false;
        };
        let uid = self.uid(index);
        self.leave_queue(index);
        let peer = self.bridge_peer(index).map(|p| self.uid(p));
        self.leave_bridge(index);
        if let Some(peer) = peer.and_then(|p| self.index_of_uid(&p)) {
            self.end_channel(peer, NORMAL_CLEARING, false);
        }
        let Some(index) = self.index_of_uid(&uid) else {
            return true;
        };
        let chan = &mut self.channels[index];
        chan.context = context.into();
        chan.exten = exten.into();
        chan.priority = 1;
        self.connect(index, exten);
        true
    }

    /// A caller leaving a queue without hanging up (redirected elsewhere).
    fn leave_queue(&mut self, index: usize) {
        let uid = self.uid(index);
        for q in 0..self.queues.queues.len() {
            let Some(position) = self.queues.queues[q].position_of(&uid) else {
                continue;
            };
            self.queues.queues[q].callers.remove(position);
            let queue = &self.queues.queues[q];
            let leave = queues::caller_event(
                self.dialect,
                false,
                &queue.name,
                &self.channels[index],
                position + 1,
                queue.callers.len(),
            );
            self.emit(leave);
        }
    }

    /// A blind transfer by `transferer`: its bridge peer is sent to `exten`
    /// (which starts ringing) and the transferer hangs up. Returns the
    /// transferee and the ringing target (None for a queue).
    pub(super) fn blind_transfer(
        &mut self,
        transferer: &str,
        exten: &str,
    ) -> Option<(String, Option<String>)> {
        let t = self.index_of_uid(transferer)?;
        let e = self.bridge_peer(t)?;
        let bridge = self.channels[t].bridge.clone()?;
        let context = self.channels[t].context.clone();
        let event = vocab::transfer(
            self.dialect,
            &Transfer {
                transferer: &self.channels[t],
                transferee: &self.channels[e],
                target: None,
                exten,
                context: &context,
                bridge: &bridge,
            },
        );
        self.emit(event);
        let transferee = self.uid(e);
        self.end_channel(t, NORMAL_CLEARING, false);
        let e = self.index_of_uid(&transferee)?;
        if matches!(route(exten), Route::Queue(_)) {
            self.leave_bridge(e);
        }
        let target = self.ring(e, exten);
        Some((transferee, target))
    }

    /// The first half of an attended transfer: `transferer` puts its peer
    /// on hold, leaves the bridge, and calls `exten`, who answers.
    pub(super) fn consult(&mut self, transferer: &str, exten: &str) -> Option<Consultation> {
        let t = self.index_of_uid(transferer)?;
        let e = self.bridge_peer(t)?;
        let Route::Device { .. } = route(exten) else {
            return None;
        };
        let bridge = self.channels[t].bridge.clone()?;
        let transferee = self.uid(e);
        self.hold(t, true);
        self.leave_bridge(t);
        let target = self.ring(t, exten)?;
        let (t, x) = (self.index_of_uid(transferer)?, self.index_of_uid(&target)?);
        self.answer_and_bridge(t, x);
        Some(Consultation {
            transferer: transferer.to_owned(),
            transferee,
            target,
            bridge,
        })
    }

    /// The second half: the transferer hangs up and the target joins the
    /// transferee. False if one of them is gone.
    pub(super) fn complete_consultation(&mut self, c: &Consultation) -> bool {
        let (Some(t), Some(e), Some(x)) = (
            self.index_of_uid(&c.transferer),
            self.index_of_uid(&c.transferee),
            self.index_of_uid(&c.target),
        ) else {
            return false;
        };
        if self.channels[e].bridge.as_deref() != Some(c.bridge.as_str()) {
            return false;
        }
        let (exten, context) = (
            self.channels[x].exten.clone(),
            self.channels[t].context.clone(),
        );
        let event = vocab::transfer(
            self.dialect,
            &Transfer {
                transferer: &self.channels[t],
                transferee: &self.channels[e],
                target: Some(&self.channels[x]),
                exten: &exten,
                context: &context,
                bridge: &c.bridge,
            },
        );
        self.emit(event);
        if self.dialect == Dialect::Ami11 {
            // Asterisk 11 masquerades the transferer's leg away before it hangs up.
            let zombie = format!("{}<ZOMBIE>", self.channels[t].name);
            let rename = vocab::legacy_rename(&self.channels[t], &zombie);
            self.emit(rename);
            self.channels[t].name = zombie;
        }
        self.end_channel(t, NORMAL_CLEARING, false);
        let (Some(e), Some(x)) = (
            self.index_of_uid(&c.transferee),
            self.index_of_uid(&c.target),
        ) else {
            return true;
        };
        self.channel_event(e, vocab::ChannelEvent::Music { on: false });
        self.leave_bridge(x);
        self.channels[x].connected = self.channels[e].caller.clone();
        self.channels[e].connected = self.channels[x].caller.clone();
        self.join_bridge(x, &c.bridge);
        true
    }

    /// Office phone `exten` dials parking space `space` and talks to the
    /// call waiting there. Returns the phone's uniqueid, or None when the
    /// space was empty (the phone hangs up).
    pub(super) fn call_parked(&mut self, exten: &str, space: u32) -> Option<String> {
        let a = self.new_channel(
            &format!("SIP/{exten}"),
            ChannelState::Ring,
            phone_party(exten),
            PARKING_CONTEXT,
            &space.to_string(),
            None,
        );
        let uid = self.uid(a);
        self.run_app(a, "ParkedCall", &format!("{PARKING_LOT},{space}"));
        self.set_state(a, ChannelState::Up);
        if self.pick_up(a, space) {
            return Some(uid);
        }
        self.end_channel(a, NORMAL_CLEARING, false);
        None
    }

    /// Parked calls whose time is up come back to the phone that parked
    /// them (features.c's `comebacktoorigin`, res_parking's `park-dial`),
    /// or hang up when that phone is busy or no office phone. Returns
    /// (parkee, ringing phone) of each call that rings.
    pub(super) fn park_comebacks(&mut self) -> Vec<(String, String)> {
        let mut ringing = Vec::new();
        for parked in self.time_out_parked() {
            let Some(index) = self.index_of_uid(&parked.uniqueid) else {
                continue;
            };
            // `SIP/2001` (a dial string) or `SIP/2001-0000000a` (1.x `From`).
            let device = device_of_channel(&parked.parker);
            let phone = PHONES
                .iter()
                .find(|(exten, _)| device.strip_prefix("SIP/") == Some(*exten));
            match phone {
                Some((exten, _)) if !self.device_busy(device) => {
                    self.channels[index].context = "park-dial".into();
                    if let Some(callee) = self.ring(index, exten) {
                        ringing.push((parked.uniqueid, callee));
                    }
                }
                _ => self.end_channel(index, NORMAL_CLEARING, false),
            }
        }
        ringing
    }

    /// The `Atxfer` action, both halves at once.
    pub fn attended_transfer(&mut self, name: &str, exten: &str) -> Option<Consultation> {
        let transferer = self.uid(self.index_of(name)?);
        let consultation = self.consult(&transferer, exten)?;
        self.complete_consultation(&consultation);
        Some(consultation)
    }

    // --- queue agents ---

    /// The queue rings `interface` for the waiting caller `caller`.
    pub(super) fn ring_agent(
        &mut self,
        queue: &str,
        caller: &str,
        interface: &str,
    ) -> Option<String> {
        let c = self.index_of_uid(caller)?;
        let member = self.queues.get(queue)?.member(interface)?.clone();
        let (party, context, exten, linkedid) = {
            let chan = &self.channels[c];
            (
                chan.caller.clone(),
                chan.context.clone(),
                chan.exten.clone(),
                chan.linkedid.clone(),
            )
        };
        let a = self.new_channel(
            interface,
            ChannelState::Down,
            party.clone(),
            &context,
            &exten,
            Some(&linkedid),
        );
        self.channels[a].connected = party;
        self.channels[a].application = "AppQueue".into();
        self.channels[a].app_data = "(Outgoing Line)".into();
        let c = self.index_of_uid(caller)?;
        self.emit_agent_event(AgentEvent::Called, queue, &member, c, a);
        let begin = vocab::dial_begin(
            self.dialect,
            &self.channels[c],
            &self.channels[a],
            interface,
        );
        self.emit(begin);
        self.member_status(interface, queues::RINGING);
        self.set_state(a, ChannelState::Ringing);
        let agent = self.uid(a);
        self.legs.push(AgentLeg {
            queue: queue.into(),
            interface: interface.into(),
            caller: caller.into(),
            agent: agent.clone(),
            rang_at: self.now,
            connected_at: None,
            hold: 0,
            answered_in_time: false,
        });
        Some(agent)
    }

    fn ringing_leg(&self, agent: &str) -> Option<(AgentLeg, usize, usize, Member)> {
        let leg = self
            .legs
            .iter()
            .find(|l| l.agent == agent && l.connected_at.is_none())?;
        let c = self.index_of_uid(&leg.caller)?;
        let a = self.index_of_uid(&leg.agent)?;
        let member = self.queues.get(&leg.queue)?.member(&leg.interface)?.clone();
        Some((leg.clone(), c, a, member))
    }

    /// The agent rang out.
    pub(super) fn agent_no_answer(&mut self, agent: &str) {
        let Some((leg, c, a, member)) = self.ringing_leg(agent) else {
            return;
        };
        let ring = self.now.saturating_sub(leg.rang_at);
        let event = AgentEvent::RingNoAnswer { ring };
        self.emit_agent_event(event, &leg.queue, &member, c, a);
        self.dial_failed(c, a, "NOANSWER", NO_ANSWER);
    }

    /// The agent answered: the caller leaves the queue and they talk.
    pub(super) fn agent_answer(&mut self, agent: &str) {
        let Some((leg, c, a, member)) = self.ringing_leg(agent) else {
            return;
        };
        self.set_state(a, ChannelState::Up);
        self.channels[c].connected = self.channels[a].caller.clone();
        let end = vocab::dial_end(self.dialect, &self.channels[c], &self.channels[a], "ANSWER");
        self.emit(end);
        let mut hold = 0;
        let mut answered_in_time = false;
        let now = self.now;
        if let Some(queue) = self.queues.get_mut(&leg.queue)
            && let Some(position) = queue.position_of(&leg.caller)
        {
            hold = now.saturating_sub(queue.callers[position].joined).as_secs();
            answered_in_time = queue.record_answer(hold);
            // Asterisk's `InCall` is for the queue that delivered the call.
            if let Some(m) = queue
                .members
                .iter_mut()
                .find(|m| m.interface == leg.interface)
            {
                m.in_call = true;
            }
        }
        self.leave_queue(c);
        if self.dialect == Dialect::Modern {
            self.channel_event(c, vocab::ChannelEvent::Music { on: false });
        }
        let ring = self.now.saturating_sub(leg.rang_at);
        let event = AgentEvent::Connect { hold, ring };
        self.emit_agent_event(event, &leg.queue, &member, c, a);
        self.bridge_pair(c, a);
        self.member_status(&leg.interface, queues::INUSE);
        if let Some(l) = self.legs.iter_mut().find(|l| l.agent == agent) {
            l.connected_at = Some(now);
            l.hold = hold;
            l.answered_in_time = answered_in_time;
        }
    }

    // --- queue changes shared by actions and traffic ---

    pub(super) fn queue_penalty(
        &mut self,
        interface: &str,
        penalty: &str,
        queue: Option<&str>,
    ) -> Result<(), Refusal> {
        let changed = self.queues.set_penalty(interface, penalty, queue)?;
        for (queue, member) in changed {
            self.emit(queues::member_event(
                self.dialect,
                MemberChange::Penalty,
                &queue,
                &member,
            ));
        }
        Ok(())
    }

    pub(super) fn queue_pause(
        &mut self,
        interface: &str,
        paused: bool,
        queue: Option<&str>,
        reason: &str,
    ) -> Result<(), Refusal> {
        let now = self.epoch_secs();
        let changed = self
            .queues
            .set_paused(interface, paused, queue, reason, now)?;
        for (queue, member) in changed {
            if self.dialect == Dialect::Modern {
                let state = if paused { "INUSE" } else { "NOT_INUSE" };
                self.device_state(&format!("Queue:{queue}_pause_{}", member.interface), state);
                if !paused {
                    self.device_state(&format!("Queue:{queue}_avail"), "NOT_INUSE");
                }
            }
            self.emit(queues::member_event(
                self.dialect,
                MemberChange::Pause,
                &queue,
                &member,
            ));
        }
        Ok(())
    }

    pub(super) fn queue_add(&mut self, queue: &str, member: Member) -> Result<(), Refusal> {
        let member = self.queues.add(queue, member)?;
        let queue = self
            .queues
            .get(queue)
            .map(|q| q.name.clone())
            .unwrap_or_default();
        if self.dialect == Dialect::Modern {
            self.device_state(
                &format!("Queue:{queue}_pause_{}", member.interface),
                "NOT_INUSE",
            );
        }
        self.emit(queues::member_event(
            self.dialect,
            MemberChange::Added,
            &queue,
            &member,
        ));
        if self.dialect == Dialect::Modern {
            self.device_state(&format!("Queue:{queue}_avail"), "NOT_INUSE");
        }
        Ok(())
    }

    pub(super) fn queue_remove(&mut self, queue: &str, interface: &str) -> Result<(), Refusal> {
        let member = self.queues.remove(queue, interface)?;
        let queue = self
            .queues
            .get(queue)
            .map(|q| q.name.clone())
            .unwrap_or_default();
        self.emit(queues::member_event(
            self.dialect,
            MemberChange::Removed,
            &queue,
            &member,
        ));
        Ok(())
    }

    pub(super) fn device_state(&mut self, device: &str, state: &str) {
        self.emit(
            Fields::event("DeviceStateChange")
                .with("Privilege", "call,all")
                .with("Device", device)
                .with("State", state),
        );
    }

    // --- registrations ---

    /// The trunk (the first outbound registration) goes down or comes back.
    pub(super) fn set_trunk_registered(&mut self, registered: bool) {
        let now = self.epoch_secs();
        let Some(trunk) = self.registry.registrations.first_mut() else {
            return;
        };
        trunk.registered = registered;
        if registered {
            trunk.registered_at = now;
        }
        let event = registry::registry_event(trunk);
        self.emit(event);
    }

    pub(super) fn trunk_registered(&self) -> bool {
        self.registry
            .registrations
            .first()
            .is_some_and(|r| r.registered)
    }

    /// Phone `index` re-registers (or its registration expires).
    pub(super) fn set_peer_registered(&mut self, index: usize, registered: bool) {
        let Some(peer) = self.registry.peers.get_mut(index) else {
            return;
        };
        peer.port = registered.then_some(5061 + index as u16);
        let event = registry::peer_status(peer);
        self.emit(event);
    }

    /// Office phones (not agents) that are registered and idle.
    pub(super) fn idle_office_phones(&self) -> Vec<&'static str> {
        PHONES[..OFFICE_PHONES]
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                self.registry
                    .peers
                    .get(*i)
                    .is_some_and(|p| p.port.is_some())
            })
            .map(|(_, (ext, _))| *ext)
            .filter(|ext| !self.device_busy(&format!("SIP/{ext}")))
            .collect()
    }

    /// Whether a channel of this device is up or ringing.
    pub(super) fn device_busy(&self, device: &str) -> bool {
        self.channels
            .iter()
            .any(|c| super::channel::device_of_channel(&c.name) == device)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn names(events: &[crate::ami::Message]) -> Vec<String> {
        events
            .iter()
            .map(|e| e.event().unwrap_or_default().into_owned())
            .collect()
    }

    fn pbx(dialect: Dialect) -> Pbx {
        Pbx::new(dialect, 1, Duration::from_secs(1_795_730_000))
    }

    #[test]
    fn a_call_bridges_two_channels_and_hangup_empties_the_pbx() {
        let mut pbx = pbx(Dialect::Modern);
        let linkedid = pbx.start_call("100", "200", "Alice");
        assert_eq!(pbx.channels().len(), 2);
        let bridge = pbx.channels()[0].bridge.clone();
        assert!(bridge.is_some());
        assert_eq!(pbx.channels()[1].bridge, bridge);
        assert!(pbx.channels()[0].name.starts_with("PJSIP/100-"));
        pbx.take_events();
        assert!(pbx.hangup_call(&linkedid));
        assert!(pbx.channels().is_empty() && pbx.bridges().is_empty());
        assert_eq!(
            names(&pbx.take_events()),
            [
                "HangupRequest",
                "BridgeLeave",
                "Hangup",
                "HangupRequest",
                "BridgeLeave",
                "BridgeDestroy",
                "Hangup"
            ]
        );
    }

    #[test]
    fn legacy_calls_link_and_unlink_instead_of_bridge_objects() {
        let mut pbx = pbx(Dialect::Ami11);
        let linkedid = pbx.start_call("2001", "2002", "Anna");
        let setup = names(&pbx.take_events());
        assert!(setup.contains(&"Dial".to_owned()) && setup.contains(&"Bridge".to_owned()));
        assert!(
            !setup
                .iter()
                .any(|n| n.starts_with("Bridge") && n != "Bridge")
        );
        pbx.hangup_call(&linkedid);
        assert_eq!(
            names(&pbx.take_events()),
            // Each phone's hint goes back to Idle once its channel is gone.
            [
                "HangupRequest",
                "Bridge",
                "Hangup",
                "ExtensionStatus",
                "HangupRequest",
                "Hangup",
                "ExtensionStatus"
            ]
        );
    }

    #[test]
    fn attended_transfer_joins_transferee_and_target() {
        let mut pbx = pbx(Dialect::Modern);
        pbx.start_call("2001", "2002", "Anna");
        let transferer = pbx.channels()[1].name.clone();
        let c = pbx.attended_transfer(&transferer, "2003").unwrap();
        assert!(pbx.index_of_uid(&c.transferer).is_none());
        let bridge = &pbx.bridges()[0];
        assert_eq!(pbx.bridges().len(), 1);
        assert_eq!(bridge.members, [c.transferee.clone(), c.target.clone()]);
    }

    #[test]
    fn a_waiting_caller_who_hangs_up_abandons_and_cancels_the_agent() {
        let mut pbx = pbx(Dialect::Modern);
        let linkedid = pbx.start_call("SIP/trunk", "600", "Caller");
        let caller = pbx.channels()[0].uniqueid.clone();
        assert_eq!(pbx.queues().get("support").unwrap().callers.len(), 1);
        let agent = pbx.ring_agent("support", &caller, "SIP/3002").unwrap();
        assert_eq!(
            pbx.queues()
                .get("support")
                .unwrap()
                .member("SIP/3002")
                .unwrap()
                .status,
            queues::RINGING
        );
        pbx.take_events();
        pbx.hangup_call(&linkedid);
        let events = names(&pbx.take_events());
        assert!(
            events.contains(&"QueueCallerAbandon".to_owned()),
            "{events:?}"
        );
        assert!(pbx.index_of_uid(&agent).is_none());
        let support = pbx.queues().get("support").unwrap();
        assert!(support.callers.is_empty() && support.abandoned == 1);
        assert_eq!(
            support.member("SIP/3002").unwrap().status,
            queues::NOT_INUSE
        );
    }
}
