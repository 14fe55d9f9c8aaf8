//! The simulated PBX's own state (channels, bridges, queues, registrations,
//! modules) and the primitive changes a call is made of, each appending the
//! events its dialect sends to an outbox the server drains and broadcasts.
//!
//! It knows nothing of sockets or wall-clock time: `now` is simulated time,
//! advanced by whoever drives it, and ids come from a seeded generator, so
//! one seed gives one event sequence. Whole call flows (a call, a transfer,
//! a queue caller) are built from these steps in `flows`.

use std::time::Duration;

use crate::ami::Message;

use super::channel::{Channel, ChannelState, Party, channel_name};
use super::features::Features;
use super::modules::Modules;
use super::profile::ServerProfile;
use super::queues::{self, AgentEvent, MemberChange, QueueCaller, Queues};
use super::random::SeededRng;
use super::registry::Registry;
use super::supervision::Supervision;
use super::vocab::{self, ChannelEvent, Dialect, channel_fields};
use super::wire::Fields;

/// The office's phones (`SIP/<ext>`), then the call centre's agents.
pub const PHONES: [(&str, &str); 10] = [
    ("2001", "Anna Reception"),
    ("2002", "Ben Sales"),
    ("2003", "Chloe Accounts"),
    ("2004", "Dan Workshop"),
    ("2005", "Emma Manager"),
    ("2006", "Finn Warehouse"),
    ("3001", "Alice"),
    ("3002", "Bob"),
    ("3003", "Carol"),
    ("3004", "Dave"),
];

/// The office phones that are not agents.
pub const OFFICE_PHONES: usize = 6;

/// A mixing bridge and the uniqueids of its members, in joining order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bridge {
    pub id: String,
    pub members: Vec<String>,
}

/// A queue member being rung for, or talking to, a queue caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentLeg {
    pub queue: String,
    pub interface: String,
    pub caller: String,
    pub agent: String,
    pub rang_at: Duration,
    /// When the agent answered.
    pub connected_at: Option<Duration>,
    /// How long the caller waited before the agent answered, in seconds.
    pub hold: u64,
    /// That wait was within the queue's service level.
    pub answered_in_time: bool,
}

/// The PBX: live state, counters, and events not yet sent.
#[derive(Debug)]
pub struct Pbx {
    pub(super) dialect: Dialect,
    /// The server imitated, where its events differ within a dialect.
    pub(super) profile: ServerProfile,
    /// Simulated time since the PBX started.
    pub(super) now: Duration,
    /// Wall-clock time (since the Unix epoch) at which the PBX started.
    pub(super) epoch: Duration,
    pub(super) channels: Vec<Channel>,
    pub(super) bridges: Vec<Bridge>,
    pub(super) queues: Queues,
    pub(super) legs: Vec<AgentLeg>,
    pub(super) registry: Registry,
    pub(super) modules: Modules,
    pub(super) ids: SeededRng,
    pub(super) features: Features,
    pub(super) supervision: Supervision,
    next_channel_seq: u32,
    next_unique_seq: u64,
    calls_processed: u64,
    outbox: Vec<Message>,
}

impl Pbx {
    pub fn new(dialect: Dialect, seed: u64, epoch: Duration) -> Self {
        let start = epoch.as_secs();
        Pbx {
            dialect,
            profile: ServerProfile::default(),
            now: Duration::ZERO,
            epoch,
            channels: Vec::new(),
            bridges: Vec::new(),
            queues: Queues::call_centre(start),
            legs: Vec::new(),
            registry: Registry::office(&PHONES, start),
            modules: Modules::default(),
            ids: SeededRng::new(seed ^ 0x05ee_d1d5),
            features: Features::office(&PHONES[..OFFICE_PHONES]),
            supervision: Supervision::default(),
            next_channel_seq: 0,
            next_unique_seq: 1,
            calls_processed: 0,
            outbox: Vec::new(),
        }
    }

    /// Simulated time since the PBX started.
    pub fn uptime(&self) -> Duration {
        self.now
    }

    /// Moves simulated time forward.
    pub(super) fn advance(&mut self, by: Duration) {
        self.now += by;
    }

    /// Simulated wall-clock time, in seconds since the Unix epoch.
    pub fn epoch_secs(&self) -> u64 {
        (self.epoch + self.now).as_secs()
    }

    /// When the PBX started, since the Unix epoch.
    pub fn started_at(&self) -> Duration {
        self.epoch
    }

    /// Live channels, oldest first.
    pub fn channels(&self) -> &[Channel] {
        &self.channels
    }

    pub fn bridges(&self) -> &[Bridge] {
        &self.bridges
    }

    pub fn queues(&self) -> &Queues {
        &self.queues
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub fn modules(&self) -> &Modules {
        &self.modules
    }

    /// How long a channel has existed.
    pub fn age(&self, chan: &Channel) -> Duration {
        self.now.saturating_sub(chan.created)
    }

    /// Calls in progress (channels grouped by linkedid).
    pub fn active_calls(&self) -> usize {
        let mut linkedids: Vec<&str> = self.channels.iter().map(|c| c.linkedid.as_str()).collect();
        linkedids.sort_unstable();
        linkedids.dedup();
        linkedids.len()
    }

    /// Calls started since the PBX started.
    pub fn calls_processed(&self) -> u64 {
        self.calls_processed
    }

    /// The events produced since the last call, oldest first.
    pub fn take_events(&mut self) -> Vec<Message> {
        std::mem::take(&mut self.outbox)
    }

    pub(super) fn index_of(&self, name: &str) -> Option<usize> {
        self.channels.iter().position(|c| c.name == name)
    }

    pub(super) fn index_of_uid(&self, uniqueid: &str) -> Option<usize> {
        self.channels.iter().position(|c| c.uniqueid == uniqueid)
    }

    pub(super) fn uid(&self, index: usize) -> String {
        self.channels[index].uniqueid.clone()
    }

    /// The other member of a channel's bridge, if any.
    pub(super) fn bridge_peer(&self, index: usize) -> Option<usize> {
        let uid = &self.channels[index].uniqueid;
        let bridge = self.channels[index].bridge.as_ref()?;
        let bridge = self.bridges.iter().find(|b| &b.id == bridge)?;
        let peer = bridge.members.iter().find(|m| *m != uid)?;
        self.index_of_uid(peer)
    }

    // --- channel steps ---

    pub(super) fn new_channel(
        &mut self,
        device: &str,
        state: ChannelState,
        caller: Party,
        context: &str,
        exten: &str,
        linkedid: Option<&str>,
    ) -> usize {
        let seq = self.next_channel_seq;
        self.next_channel_seq += 1;
        let uniqueid = format!("{}.{}", self.epoch_secs(), self.next_unique_seq);
        self.next_unique_seq += 1;
        if linkedid.is_none() {
            self.calls_processed += 1;
        }
        self.channels.push(Channel {
            name: channel_name(device, seq),
            linkedid: linkedid.unwrap_or(&uniqueid).to_owned(),
            uniqueid,
            state,
            caller,
            connected: Party::default(),
            account_code: String::new(),
            context: context.into(),
            exten: exten.into(),
            priority: 1,
            application: String::new(),
            app_data: String::new(),
            bridge: None,
            on_hold: false,
            created: self.now,
        });
        let index = self.channels.len() - 1;
        self.channel_event(index, ChannelEvent::New);
        self.hint_follows(device);
        index
    }

    pub(super) fn channel_event(&mut self, index: usize, event: ChannelEvent) {
        let fields = vocab::channel_event(self.dialect, &event, &self.channels[index]);
        self.emit(fields);
    }

    pub(super) fn set_state(&mut self, index: usize, state: ChannelState) {
        self.channels[index].state = state;
        self.channel_event(index, ChannelEvent::State);
    }

    /// The channel runs a dialplan application.
    pub(super) fn run_app(&mut self, index: usize, application: &str, data: &str) {
        let chan = &mut self.channels[index];
        chan.application = application.into();
        chan.app_data = data.into();
        self.channel_event(index, ChannelEvent::Exten { application, data });
    }

    pub(super) fn set_variable(&mut self, index: usize, name: &str, value: &str) {
        self.channel_event(index, ChannelEvent::VarSet { name, value });
    }

    pub(super) fn set_account_code(&mut self, index: usize, account: &str) {
        let old = std::mem::replace(&mut self.channels[index].account_code, account.into());
        self.channel_event(index, ChannelEvent::AccountCode { old: &old });
    }

    pub(super) fn set_caller_id(&mut self, index: usize, caller: Party) {
        self.channels[index].caller = caller;
        self.channel_event(index, ChannelEvent::CallerId);
    }

    /// Channel `a` dials `device`: a new channel that starts ringing.
    pub(super) fn dial(&mut self, a: usize, device: &str, exten: &str, callee: Party) -> usize {
        let (context, linkedid, caller) = {
            let chan = &self.channels[a];
            (
                chan.context.clone(),
                chan.linkedid.clone(),
                chan.caller.clone(),
            )
        };
        let b = self.new_channel(
            device,
            ChannelState::Down,
            callee,
            &context,
            exten,
            Some(&linkedid),
        );
        {
            let chan = &mut self.channels[b];
            chan.connected = caller;
            chan.application = "AppDial".into();
            chan.app_data = "(Outgoing Line)".into();
        }
        let begin = vocab::dial_begin(self.dialect, &self.channels[a], &self.channels[b], exten);
        self.emit(begin);
        self.set_state(b, ChannelState::Ringing);
        b
    }

    /// The dialled channel `b` answers: both up, connected lines set.
    pub(super) fn answer(&mut self, a: usize, b: usize) {
        self.set_state(b, ChannelState::Up);
        self.channels[a].connected = self.channels[b].caller.clone();
        let end = vocab::dial_end(self.dialect, &self.channels[a], &self.channels[b], "ANSWER");
        self.emit(end);
        if self.channels[a].state != ChannelState::Up {
            self.set_state(a, ChannelState::Up);
        }
    }

    /// The dialled channel `b` gives up ringing with `status`; it hangs up.
    pub(super) fn dial_failed(&mut self, a: usize, b: usize, status: &str, cause: u32) {
        let end = vocab::dial_end(self.dialect, &self.channels[a], &self.channels[b], status);
        self.emit(end);
        self.end_channel(b, cause, false);
    }

    /// Hold (or unhold) by the channel's own side; its peer hears music.
    pub(super) fn hold(&mut self, index: usize, on: bool) {
        if self.channels[index].on_hold == on {
            return;
        }
        self.channels[index].on_hold = on;
        self.channel_event(index, ChannelEvent::Hold { on });
        if let Some(peer) = self.bridge_peer(index) {
            self.channel_event(peer, ChannelEvent::Music { on });
        }
    }

    // --- bridges ---

    pub(super) fn create_bridge(&mut self) -> String {
        let bridge = Bridge {
            id: self.ids.uuid(),
            members: Vec::new(),
        };
        if self.dialect == Dialect::Modern {
            let fields = bridge_fields(Fields::event("BridgeCreate"), &bridge);
            self.emit(fields);
        }
        let id = bridge.id.clone();
        self.bridges.push(bridge);
        id
    }

    pub(super) fn join_bridge(&mut self, index: usize, bridge_id: &str) {
        let Some(position) = self.bridges.iter().position(|b| b.id == bridge_id) else {
            return;
        };
        let uid = self.uid(index);
        self.bridges[position].members.push(uid);
        self.channels[index].bridge = Some(bridge_id.to_owned());
        match self.dialect {
            Dialect::Modern => {
                let head = bridge_fields(Fields::event("BridgeEnter"), &self.bridges[position]);
                let fields = channel_fields(head, "", &self.channels[index]);
                self.emit(fields);
            }
            Dialect::Ami11 => {
                let first = self.bridges[position].members.first().cloned();
                if let Some(first) = first.and_then(|f| self.index_of_uid(&f))
                    && first != index
                {
                    let link =
                        vocab::legacy_bridge(true, &self.channels[first], &self.channels[index]);
                    self.emit(link);
                }
            }
        }
    }

    /// A new bridge with `a` and `b`, as Dial makes when the callee answers.
    pub(super) fn bridge_pair(&mut self, a: usize, b: usize) {
        let id = self.create_bridge();
        self.join_bridge(a, &id);
        self.join_bridge(b, &id);
        for (member, peer) in [(a, b), (b, a)] {
            let peer_name = self.channels[peer].name.clone();
            self.set_variable(member, "BRIDGEPEER", &peer_name);
        }
    }

    pub(super) fn leave_bridge(&mut self, index: usize) {
        let Some(bridge_id) = self.channels[index].bridge.take() else {
            return;
        };
        let Some(position) = self.bridges.iter().position(|b| b.id == bridge_id) else {
            return;
        };
        let uid = self.uid(index);
        if self.dialect == Dialect::Ami11 {
            // Unlink names the pair as Link did: in joining order.
            let pair: Vec<usize> = self.bridges[position]
                .members
                .iter()
                .filter_map(|m| self.index_of_uid(m))
                .collect();
            if let [one, two] = pair[..] {
                let unlink = vocab::legacy_bridge(false, &self.channels[one], &self.channels[two]);
                self.emit(unlink);
            }
        }
        self.bridges[position].members.retain(|m| *m != uid);
        if self.dialect == Dialect::Modern {
            let head = bridge_fields(Fields::event("BridgeLeave"), &self.bridges[position]);
            let fields = channel_fields(head, "", &self.channels[index]);
            self.emit(fields);
        }
        if self.bridges[position].members.is_empty() {
            let bridge = self.bridges.remove(position);
            if self.dialect == Dialect::Modern {
                self.emit(bridge_fields(Fields::event("BridgeDestroy"), &bridge));
            }
        }
    }

    // --- hangup ---

    /// Ends one channel: request, queue bookkeeping, bridge, `Hangup`.
    /// Agent channels still ringing for a caller that leaves go too, and
    /// spies told to exit with the channel they listen to.
    pub(super) fn end_channel(&mut self, index: usize, cause: u32, soft: bool) {
        self.features_hangup(index);
        let spies_exiting = self.supervision_hangup(index);
        self.channel_event(index, ChannelEvent::HangupRequest { soft, cause });
        let uid = self.uid(index);
        self.abandon_if_waiting(index);
        let orphans = self.close_legs_of(&uid);
        self.leave_bridge(index);
        self.channel_event(index, ChannelEvent::Hangup { cause });
        let gone = self.channels.remove(index);
        self.hint_follows(super::channel::device_of_channel(&gone.name));
        for orphan in orphans.into_iter().chain(spies_exiting) {
            if let Some(agent) = self.index_of_uid(&orphan) {
                self.end_channel(agent, cause, false);
            }
        }
    }

    /// A waiting caller hanging up abandons the queue.
    fn abandon_if_waiting(&mut self, index: usize) {
        let uid = self.uid(index);
        let found = self
            .queues
            .queues
            .iter()
            .enumerate()
            .find_map(|(q, queue)| queue.position_of(&uid).map(|p| (q, p)));
        let Some((q, position)) = found else {
            return;
        };
        let queue = &mut self.queues.queues[q];
        let caller = queue.callers.remove(position);
        let hold = self.now.saturating_sub(caller.joined).as_secs();
        queue.record_abandon(hold);
        let (name, count) = (queue.name.clone(), queue.callers.len());
        let chan = &self.channels[index];
        let abandon = queues::abandon_event(self.dialect, &name, chan, &caller, position + 1, hold);
        let leave = queues::caller_event(self.dialect, false, &name, chan, position + 1, count);
        self.emit(abandon);
        self.emit(leave);
    }

    /// Ends the agent legs `uid` takes part in; returns the agent channels
    /// that were still ringing for a caller who is going away.
    fn close_legs_of(&mut self, uid: &str) -> Vec<String> {
        let (closing, kept): (Vec<AgentLeg>, Vec<AgentLeg>) = std::mem::take(&mut self.legs)
            .into_iter()
            .partition(|leg| leg.caller == uid || leg.agent == uid);
        self.legs = kept;
        let mut orphans = Vec::new();
        for leg in closing {
            if let Some(connected_at) = leg.connected_at {
                let talk = self.now.saturating_sub(connected_at).as_secs();
                self.complete_leg(&leg, talk);
            } else if leg.caller == uid {
                orphans.push(leg.agent.clone());
            }
            self.member_status(&leg.interface, queues::NOT_INUSE);
        }
        orphans
    }

    fn complete_leg(&mut self, leg: &AgentLeg, talk: u64) {
        let now_epoch = self.epoch_secs();
        let mut member = None;
        if let Some(queue) = self.queues.get_mut(&leg.queue) {
            queue.record_completion(talk, leg.answered_in_time);
            for m in queue
                .members
                .iter_mut()
                .filter(|m| m.interface == leg.interface)
            {
                m.calls_taken += 1;
                m.last_call = now_epoch;
                m.in_call = false;
                member = Some(m.clone());
            }
        }
        let caller = self.index_of_uid(&leg.caller);
        let agent = self.index_of_uid(&leg.agent);
        if let (Some(member), Some(caller), Some(agent)) = (member, caller, agent) {
            let event = AgentEvent::Complete {
                hold: leg.hold,
                talk,
            };
            self.emit_agent_event(event, &leg.queue, &member, caller, agent);
        }
    }

    /// A member's device changed state: `QueueMemberStatus` in each queue.
    pub(super) fn member_status(&mut self, interface: &str, status: u8) {
        for (queue, member) in self.queues.set_status(interface, status) {
            let fields = queues::member_event(self.dialect, MemberChange::Status, &queue, &member);
            self.emit(fields);
        }
    }

    /// Hangs up the channel named `name` and the rest of its call.
    /// False if there is no such channel.
    pub fn hangup(&mut self, name: &str, cause: u32, soft: bool) -> bool {
        let Some(index) = self.index_of(name) else {
            return false;
        };
        let linkedid = self.channels[index].linkedid.clone();
        self.end_channel(index, cause, soft);
        while let Some(peer) = self.channels.iter().position(|c| c.linkedid == linkedid) {
            self.end_channel(peer, cause, false);
        }
        true
    }

    /// Ends the call with this linkedid, as if its first channel hung up.
    pub fn hangup_call(&mut self, linkedid: &str) -> bool {
        let first = self.channels.iter().find(|c| c.linkedid == linkedid);
        match first.map(|c| c.name.clone()) {
            Some(name) => self.hangup(&name, super::channel::NORMAL_CLEARING, false),
            None => false,
        }
    }

    // --- queues ---

    /// The caller `index` joins `queue` (which must exist).
    pub(super) fn join_queue(&mut self, index: usize, queue: &str) {
        let Some(q) = self.queues.queues.iter().position(|q| q.name == queue) else {
            return;
        };
        let chan = &self.channels[index];
        let position = self.queues.queues[q].callers.len() + 1;
        self.queues.queues[q].callers.push(QueueCaller {
            uniqueid: chan.uniqueid.clone(),
            channel: chan.name.clone(),
            caller: chan.caller.clone(),
            joined: self.now,
            original_position: position,
        });
        let join = queues::caller_event(self.dialect, true, queue, chan, position, position);
        self.emit(join);
        if self.dialect == Dialect::Modern {
            self.channel_event(index, ChannelEvent::Music { on: true });
        }
    }

    pub(super) fn emit(&mut self, fields: Fields) {
        self.outbox.push(fields.build());
    }

    /// Announces an agent event between a queue caller's channel and the
    /// channel ringing (or talking to) the member, by index.
    pub(super) fn emit_agent_event(
        &mut self,
        event: AgentEvent,
        queue: &str,
        member: &queues::Member,
        caller: usize,
        agent: usize,
    ) {
        let fields = queues::agent_event(
            self.dialect,
            event,
            queue,
            member,
            &self.channels[caller],
            &self.channels[agent],
        );
        self.emit(fields);
    }
}

fn bridge_fields(fields: Fields, bridge: &Bridge) -> Fields {
    fields
        .with("Privilege", "call,all")
        .with("BridgeUniqueid", bridge.id.clone())
        .with("BridgeType", "basic")
        .with("BridgeTechnology", "simple_bridge")
        .with("BridgeCreator", super::channel::UNKNOWN)
        .with("BridgeName", super::channel::UNKNOWN)
        .with("BridgeNumChannels", bridge.members.len().to_string())
        .with("BridgeVideoSourceMode", "none")
}

/// The bridge fields of a `BridgeListItem` / `BridgeInfo` reply.
pub(super) fn bridge_item(event: &str, bridge: &Bridge, id: Option<&str>) -> Fields {
    let head = Fields::event(event).with_action_id(id);
    // List items carry no Privilege header.
    bridge_fields(head, bridge).without("Privilege")
}
