//! The call centre's queues: members (agents) with penalty, pause and
//! status, waiting callers, counters; the `Queue*` actions' rules and exact
//! error texts (`tests/fixtures/ami/b3_queues.ami`), and how each dialect
//! writes queue events and list items (`c3_queue.ami`, Asterisk 11 names).

use std::time::Duration;

use super::channel::{Channel, Party};
use super::vocab::{Dialect, channel_fields};
use super::wire::Fields;

/// Member status codes (Asterisk device states).
pub const NOT_INUSE: u8 = 1;
pub const INUSE: u8 = 2;
pub const INVALID: u8 = 4;
pub const UNAVAILABLE: u8 = 5;
pub const RINGING: u8 = 6;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    pub interface: String,
    pub state_interface: String,
    /// Added with `QueueAdd` (removable) rather than configured.
    pub dynamic: bool,
    pub penalty: u32,
    pub calls_taken: u32,
    pub last_call: u64,
    pub last_pause: u64,
    pub login_time: u64,
    pub in_call: bool,
    pub status: u8,
    pub paused: bool,
    pub paused_reason: String,
    pub ring_in_use: bool,
}

impl Member {
    pub fn new(name: &str, interface: &str, penalty: u32, login_time: u64) -> Self {
        Member {
            name: name.into(),
            interface: interface.into(),
            state_interface: interface.into(),
            dynamic: false,
            penalty,
            calls_taken: 0,
            last_call: 0,
            last_pause: 0,
            login_time,
            in_call: false,
            status: NOT_INUSE,
            paused: false,
            paused_reason: String::new(),
            ring_in_use: false,
        }
    }

    /// Counted in `LoggedIn`: a device that is neither unavailable nor
    /// invalid.
    pub fn logged_in(&self) -> bool {
        !matches!(self.status, INVALID | UNAVAILABLE)
    }

    /// Free to take a call (`Available`).
    pub fn available(&self) -> bool {
        !self.paused && self.status == NOT_INUSE
    }
}

/// A caller waiting in a queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueCaller {
    pub uniqueid: String,
    pub channel: String,
    pub caller: Party,
    pub joined: Duration,
    pub original_position: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queue {
    pub name: String,
    pub strategy: &'static str,
    pub service_level: u32,
    pub members: Vec<Member>,
    pub callers: Vec<QueueCaller>,
    pub completed: u32,
    pub abandoned: u32,
    /// Of those, how many were answered (or hung up) within `service_level`.
    pub completed_in_sl: u32,
    pub abandoned_in_sl: u32,
    /// Running averages in seconds, weighted as Asterisk weighs them.
    pub hold_time: u64,
    pub talk_time: u64,
}

impl Queue {
    fn new(name: &str, strategy: &'static str, service_level: u32, members: Vec<Member>) -> Self {
        Queue {
            name: name.into(),
            strategy,
            service_level,
            members,
            callers: Vec::new(),
            completed: 0,
            abandoned: 0,
            completed_in_sl: 0,
            abandoned_in_sl: 0,
            hold_time: 0,
            talk_time: 0,
        }
    }

    fn within_service_level(&self, seconds: u64) -> bool {
        seconds <= u64::from(self.service_level)
    }

    /// An agent answered a caller who waited `hold` seconds; true when
    /// that was within the service level. The hold average starts over
    /// while no call has been completed or abandoned.
    pub fn record_answer(&mut self, hold: u64) -> bool {
        self.hold_time = if self.completed == 0 && self.abandoned == 0 {
            hold
        } else {
            weigh_in(self.hold_time, hold)
        };
        self.within_service_level(hold)
    }

    /// An answered call of `talk` seconds ended.
    pub fn record_completion(&mut self, talk: u64, answered_in_time: bool) {
        self.completed += 1;
        self.completed_in_sl += u32::from(answered_in_time);
        self.talk_time = if self.completed == 1 {
            talk
        } else {
            weigh_in(self.talk_time, talk)
        };
    }

    /// A caller hung up after waiting `hold` seconds.
    pub fn record_abandon(&mut self, hold: u64) {
        self.abandoned += 1;
        self.abandoned_in_sl += u32::from(self.within_service_level(hold));
    }

    /// `ServicelevelPerf` and `ServicelevelPerf2` as Asterisk prints them.
    fn service_levels(&self) -> (String, String) {
        let share = |part: u32, whole: u32| {
            let percent = if whole == 0 {
                0.0
            } else {
                100.0 * (part as f32 / whole as f32)
            };
            format!("{percent:.1}")
        };
        (
            share(self.completed_in_sl, self.completed),
            share(
                self.completed_in_sl + self.abandoned_in_sl,
                self.completed + self.abandoned,
            ),
        )
    }

    pub fn member(&self, interface: &str) -> Option<&Member> {
        self.members
            .iter()
            .find(|m| m.interface.eq_ignore_ascii_case(interface))
    }

    pub fn position_of(&self, uniqueid: &str) -> Option<usize> {
        self.callers.iter().position(|c| c.uniqueid == uniqueid)
    }
}

/// A new sample weighs a quarter against the old average.
fn weigh_in(average: u64, sample: u64) -> u64 {
    (average * 3 + sample) / 4
}

/// A queue rule from queuerules.conf: name and its lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueRule {
    pub name: &'static str,
    pub rules: &'static [&'static str],
}

/// Every queue and rule of the PBX.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queues {
    pub queues: Vec<Queue>,
    pub rules: Vec<QueueRule>,
}

/// A refused queue action: the `Message` Asterisk answers with.
pub type Refusal = &'static str;

impl Queues {
    /// The call centre: `support` (linear) and `sales` (ringall), agents on
    /// SIP phones, and the rules of the captures.
    pub fn call_centre(login_time: u64) -> Self {
        let agent = |name: &str, ext: &str, penalty| {
            Member::new(name, &format!("SIP/{ext}"), penalty, login_time)
        };
        Queues {
            queues: vec![
                Queue::new(
                    "support",
                    "linear",
                    30,
                    vec![
                        agent("Bob", "3002", 0),
                        agent("Alice", "3001", 0),
                        agent("Carol", "3003", 2),
                    ],
                ),
                Queue::new(
                    "sales",
                    "ringall",
                    0,
                    vec![agent("Dave", "3004", 3), agent("Alice", "3001", 1)],
                ),
            ],
            rules: vec![
                QueueRule {
                    name: "escalate",
                    rules: &["10,+1,+0", "20,+2,0"],
                },
                QueueRule {
                    name: "strict",
                    rules: &["30,0,0"],
                },
            ],
        }
    }

    pub fn get(&self, name: &str) -> Option<&Queue> {
        self.queues
            .iter()
            .find(|q| q.name.eq_ignore_ascii_case(name))
    }

    pub fn get_mut(&mut self, name: &str) -> Option<&mut Queue> {
        self.queues
            .iter_mut()
            .find(|q| q.name.eq_ignore_ascii_case(name))
    }

    /// The queues `queue` names (or all), for actions that default to all.
    fn selected(&mut self, queue: Option<&str>) -> impl Iterator<Item = &mut Queue> {
        self.queues
            .iter_mut()
            .filter(move |q| queue.is_none_or(|name| q.name.eq_ignore_ascii_case(name)))
    }

    /// `QueuePenalty`: the (queue, member) pairs changed.
    pub fn set_penalty(
        &mut self,
        interface: &str,
        penalty: &str,
        queue: Option<&str>,
    ) -> Result<Vec<(String, Member)>, Refusal> {
        const INVALID: Refusal = "Invalid interface, queuename or penalty";
        let penalty: u32 = penalty.trim().parse().map_err(|_| INVALID)?;
        let mut changed = Vec::new();
        for q in self.selected(queue) {
            if let Some(member) = member_in(&mut q.members, interface) {
                member.penalty = penalty;
                changed.push((q.name.clone(), member.clone()));
            }
        }
        if changed.is_empty() {
            Err(INVALID)
        } else {
            Ok(changed)
        }
    }

    /// `QueuePause`: pauses or unpauses the member in `queue` (or all its queues).
    pub fn set_paused(
        &mut self,
        interface: &str,
        paused: bool,
        queue: Option<&str>,
        reason: &str,
        now_epoch: u64,
    ) -> Result<Vec<(String, Member)>, Refusal> {
        let mut changed = Vec::new();
        for q in self.selected(queue) {
            if let Some(member) = member_in(&mut q.members, interface) {
                member.paused = paused;
                member.paused_reason = if paused { reason.into() } else { String::new() };
                if paused {
                    member.last_pause = now_epoch;
                }
                changed.push((q.name.clone(), member.clone()));
            }
        }
        if changed.is_empty() {
            Err("Interface not found")
        } else {
            Ok(changed)
        }
    }

    /// `QueueAdd` of a dynamic member.
    pub fn add(&mut self, queue: &str, member: Member) -> Result<Member, Refusal> {
        let q = self
            .get_mut(queue)
            .ok_or("Unable to add interface to queue: No such queue")?;
        if q.member(&member.interface).is_some() {
            return Err("Unable to add interface to queue: Already there");
        }
        // Asterisk keeps members in a hash container; a new member shows first.
        q.members.insert(0, member.clone());
        Ok(member)
    }

    /// `QueueRemove` of a dynamic member.
    pub fn remove(&mut self, queue: &str, interface: &str) -> Result<Member, Refusal> {
        let q = self
            .get_mut(queue)
            .ok_or("Unable to remove interface from queue: No such queue")?;
        let index = q
            .members
            .iter()
            .position(|m| m.interface.eq_ignore_ascii_case(interface))
            .ok_or("Unable to remove interface: Not there")?;
        if !q.members[index].dynamic {
            return Err("Unable to remove interface: Not dynamic");
        }
        Ok(q.members.remove(index))
    }

    /// The member's status in every queue it is in, for device changes.
    pub fn set_status(&mut self, interface: &str, status: u8) -> Vec<(String, Member)> {
        let mut changed = Vec::new();
        for q in &mut self.queues {
            if let Some(member) = member_in(&mut q.members, interface)
                && member.status != status
            {
                member.status = status;
                changed.push((q.name.clone(), member.clone()));
            }
        }
        changed
    }
}

fn member_in<'a>(members: &'a mut [Member], interface: &str) -> Option<&'a mut Member> {
    members
        .iter_mut()
        .find(|m| m.interface.eq_ignore_ascii_case(interface))
}

/// What happened to a member, for its event's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberChange {
    Status,
    Pause,
    Penalty,
    Added,
    Removed,
}

/// A member event (`QueueMemberPause`, ...) in the dialect's layout.
pub fn member_event(dialect: Dialect, change: MemberChange, queue: &str, m: &Member) -> Fields {
    match dialect {
        Dialect::Modern => {
            let name = match change {
                MemberChange::Status => "QueueMemberStatus",
                MemberChange::Pause => "QueueMemberPause",
                MemberChange::Penalty => "QueueMemberPenalty",
                MemberChange::Added => "QueueMemberAdded",
                MemberChange::Removed => "QueueMemberRemoved",
            };
            let head = Fields::event(name)
                .with("Privilege", "agent,all")
                .with("Queue", queue)
                .with("MemberName", m.name.clone())
                .with("Interface", m.interface.clone());
            member_figures(head, Dialect::Modern, m)
                .with("Ringinuse", flag(m.ring_in_use))
                .with("Wrapuptime", "0")
        }
        Dialect::Ami11 => {
            let head = |name: &str| {
                Fields::event(name)
                    .with("Privilege", "agent,all")
                    .with("Queue", queue)
                    .with("Location", m.interface.clone())
                    .with("MemberName", m.name.clone())
            };
            match change {
                MemberChange::Status | MemberChange::Added => {
                    let name = if change == MemberChange::Added {
                        "QueueMemberAdded"
                    } else {
                        "QueueMemberStatus"
                    };
                    let mut fields = head(name);
                    if change == MemberChange::Added {
                        fields.push("StateInterface", m.state_interface.clone());
                    }
                    member_figures(fields, Dialect::Ami11, m)
                }
                MemberChange::Pause => head("QueueMemberPaused")
                    .with("Paused", flag(m.paused))
                    .with("Reason", m.paused_reason.clone()),
                MemberChange::Penalty => Fields::event("QueueMemberPenalty")
                    .with("Privilege", "agent,all")
                    .with("Queue", queue)
                    .with("Location", m.interface.clone())
                    .with("Penalty", m.penalty.to_string()),
                MemberChange::Removed => head("QueueMemberRemoved"),
            }
        }
    }
}

/// A member's figures as member events and `QueueMember` items both carry
/// them in the dialect's order: from `StateInterface` to `PausedReason` in
/// 12+, from `Membership` to `Paused` in 1.1.
fn member_figures(fields: Fields, dialect: Dialect, m: &Member) -> Fields {
    let fields = match dialect {
        Dialect::Modern => fields.with("StateInterface", m.state_interface.clone()),
        Dialect::Ami11 => fields,
    };
    let fields = fields
        .with("Membership", membership(m))
        .with("Penalty", m.penalty.to_string())
        .with("CallsTaken", m.calls_taken.to_string())
        .with("LastCall", m.last_call.to_string());
    match dialect {
        Dialect::Modern => fields
            .with("LastPause", m.last_pause.to_string())
            .with("LoginTime", m.login_time.to_string())
            .with("InCall", flag(m.in_call))
            .with("Status", m.status.to_string())
            .with("Paused", flag(m.paused))
            .with("PausedReason", m.paused_reason.clone()),
        Dialect::Ami11 => fields
            .with("Status", m.status.to_string())
            .with("Paused", flag(m.paused)),
    }
}

fn membership(m: &Member) -> &'static str {
    if m.dynamic { "dynamic" } else { "static" }
}

fn flag(on: bool) -> &'static str {
    if on { "1" } else { "0" }
}

// --- list items of QueueStatus and QueueSummary ---

/// `QueueParams` for one queue.
pub fn params_item(dialect: Dialect, q: &Queue, id: Option<&str>) -> Fields {
    let (perf, perf2) = q.service_levels();
    let fields = Fields::event("QueueParams")
        .with("Queue", q.name.clone())
        .with("Max", "0")
        .with("Strategy", q.strategy)
        .with("Calls", q.callers.len().to_string())
        .with("Holdtime", q.hold_time.to_string())
        .with("TalkTime", q.talk_time.to_string())
        .with("Completed", q.completed.to_string())
        .with("Abandoned", q.abandoned.to_string())
        .with("ServiceLevel", q.service_level.to_string())
        .with("ServicelevelPerf", perf);
    let fields = match dialect {
        Dialect::Modern => fields.with("ServicelevelPerf2", perf2),
        Dialect::Ami11 => fields,
    };
    fields.with("Weight", "0").with_action_id(id)
}

/// `QueueMember` for one member.
pub fn member_item(dialect: Dialect, queue: &str, m: &Member, id: Option<&str>) -> Fields {
    let fields = Fields::event("QueueMember")
        .with("Queue", queue)
        .with("Name", m.name.clone())
        .with("Location", m.interface.clone());
    let fields = member_figures(fields, dialect, m);
    let fields = match dialect {
        Dialect::Modern => fields.with("Wrapuptime", "0"),
        Dialect::Ami11 => fields,
    };
    fields.with_action_id(id)
}

/// `QueueEntry` for one waiting caller.
pub fn entry_item(q: &Queue, position: usize, now: Duration, id: Option<&str>) -> Fields {
    let c = &q.callers[position];
    Fields::event("QueueEntry")
        .with("Queue", q.name.clone())
        .with("Position", (position + 1).to_string())
        .with("Channel", c.channel.clone())
        .with("Uniqueid", c.uniqueid.clone())
        .with("CallerIDNum", c.caller.num.clone())
        .with("CallerIDName", c.caller.name.clone())
        .with("ConnectedLineNum", c.caller.num.clone())
        .with("ConnectedLineName", c.caller.name.clone())
        .with("Wait", now.saturating_sub(c.joined).as_secs().to_string())
        .with("Priority", "0")
        .with_action_id(id)
}

/// `QueueSummary` for one queue.
pub fn summary_item(q: &Queue, now: Duration, id: Option<&str>) -> Fields {
    let logged_in = q.members.iter().filter(|m| m.logged_in()).count();
    let available = q.members.iter().filter(|m| m.available()).count();
    let longest = q
        .callers
        .iter()
        .map(|c| now.saturating_sub(c.joined).as_secs())
        .max()
        .unwrap_or(0);
    Fields::event("QueueSummary")
        .with("Queue", q.name.clone())
        .with("LoggedIn", logged_in.to_string())
        .with("Available", available.to_string())
        .with("Callers", q.callers.len().to_string())
        .with("HoldTime", q.hold_time.to_string())
        .with("TalkTime", q.talk_time.to_string())
        .with("LongestHoldTime", longest.to_string())
        .with_action_id(id)
}

// --- caller and agent events ---

/// A caller joins or leaves the queue (`QueueCallerJoin`/`Leave`, 1.1 `Join`/`Leave`).
pub fn caller_event(
    dialect: Dialect,
    joined: bool,
    queue: &str,
    chan: &Channel,
    position: usize,
    count: usize,
) -> Fields {
    match dialect {
        Dialect::Modern => {
            let name = if joined {
                "QueueCallerJoin"
            } else {
                "QueueCallerLeave"
            };
            channel_fields(Fields::event(name).with("Privilege", "agent,all"), "", chan)
                .with("Queue", queue)
                .with("Position", position.to_string())
                .with("Count", count.to_string())
        }
        Dialect::Ami11 if joined => Fields::event("Join")
            .with("Privilege", "call,all")
            .with("Channel", chan.name.clone())
            .with("CallerIDNum", chan.caller.num.clone())
            .with("CallerIDName", chan.caller.name.clone())
            .with("ConnectedLineNum", chan.connected.num.clone())
            .with("ConnectedLineName", chan.connected.name.clone())
            .with("Queue", queue)
            .with("Position", position.to_string())
            .with("Count", count.to_string())
            .with("Uniqueid", chan.uniqueid.clone()),
        Dialect::Ami11 => Fields::event("Leave")
            .with("Privilege", "call,all")
            .with("Channel", chan.name.clone())
            .with("Queue", queue)
            .with("Count", count.to_string())
            .with("Position", position.to_string())
            .with("Uniqueid", chan.uniqueid.clone()),
    }
}

/// A caller hung up while waiting.
pub fn abandon_event(
    dialect: Dialect,
    queue: &str,
    chan: &Channel,
    caller: &QueueCaller,
    position: usize,
    hold: u64,
) -> Fields {
    let head = Fields::event("QueueCallerAbandon").with("Privilege", "agent,all");
    let fields = match dialect {
        Dialect::Modern => channel_fields(head, "", chan).with("Queue", queue),
        Dialect::Ami11 => head
            .with("Queue", queue)
            .with("Uniqueid", chan.uniqueid.clone()),
    };
    fields
        .with("Position", position.to_string())
        .with("OriginalPosition", caller.original_position.to_string())
        .with("HoldTime", hold.to_string())
}

/// What happened between a waiting caller and an agent.
#[derive(Clone, Copy, Debug)]
pub enum AgentEvent {
    Called,
    RingNoAnswer { ring: Duration },
    Connect { hold: u64, ring: Duration },
    Complete { hold: u64, talk: u64 },
}

/// An agent event between `caller` (the queue caller) and `agent` (the channel ringing the member).
pub fn agent_event(
    dialect: Dialect,
    event: AgentEvent,
    queue: &str,
    member: &Member,
    caller: &Channel,
    agent: &Channel,
) -> Fields {
    let name = match event {
        AgentEvent::Called => "AgentCalled",
        AgentEvent::RingNoAnswer { .. } => "AgentRingNoAnswer",
        AgentEvent::Connect { .. } => "AgentConnect",
        AgentEvent::Complete { .. } => "AgentComplete",
    };
    let head = Fields::event(name).with("Privilege", "agent,all");
    match dialect {
        Dialect::Modern => {
            let fields = channel_fields(channel_fields(head, "", caller), "Dest", agent)
                .with("Queue", queue)
                .with("Interface", member.interface.clone())
                .with("MemberName", member.name.clone());
            match event {
                AgentEvent::Called => fields,
                AgentEvent::RingNoAnswer { ring } => {
                    fields.with("RingTime", ring.as_millis().to_string())
                }
                AgentEvent::Connect { hold, ring } => fields
                    .with("HoldTime", hold.to_string())
                    .with("RingTime", ring.as_secs().to_string()),
                AgentEvent::Complete { hold, talk } => fields
                    .with("HoldTime", hold.to_string())
                    .with("TalkTime", talk.to_string())
                    .with("Reason", "agent"),
            }
        }
        Dialect::Ami11 => match event {
            AgentEvent::Called => head
                .with("Queue", queue)
                .with("AgentCalled", member.interface.clone())
                .with("AgentName", member.name.clone())
                .with("ChannelCalling", caller.name.clone())
                .with("DestinationChannel", agent.name.clone())
                .with("CallerIDNum", caller.caller.num.clone())
                .with("CallerIDName", caller.caller.name.clone())
                .with("ConnectedLineNum", caller.connected.num.clone())
                .with("ConnectedLineName", caller.connected.name.clone())
                .with("Context", caller.context.clone())
                .with("Extension", caller.exten.clone())
                .with("Priority", caller.priority.to_string())
                .with("Uniqueid", caller.uniqueid.clone()),
            _ => {
                let fields = head
                    .with("Queue", queue)
                    .with("Uniqueid", caller.uniqueid.clone())
                    .with("Channel", agent.name.clone())
                    .with("Member", member.interface.clone())
                    .with("MemberName", member.name.clone());
                match event {
                    AgentEvent::RingNoAnswer { ring } => {
                        fields.with("Ringtime", ring.as_secs().to_string())
                    }
                    AgentEvent::Connect { hold, ring } => fields
                        .with("HoldTime", hold.to_string())
                        .with("BridgedChannel", agent.uniqueid.clone())
                        .with("RingTime", ring.as_secs().to_string()),
                    AgentEvent::Complete { hold, talk } => fields
                        .with("HoldTime", hold.to_string())
                        .with("TalkTime", talk.to_string())
                        .with("Reason", "agent"),
                    AgentEvent::Called => fields,
                }
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn penalty_pause_add_remove_follow_asterisks_rules() {
        let mut queues = Queues::call_centre(100);
        assert_eq!(
            queues.set_penalty("SIP/9999", "1", None),
            Err("Invalid interface, queuename or penalty")
        );
        assert_eq!(
            queues.set_penalty("SIP/3003", "-5", None),
            Err("Invalid interface, queuename or penalty")
        );
        let changed = queues.set_penalty("SIP/3001", "4", None).unwrap();
        assert_eq!(changed.len(), 2, "Alice is in both queues");
        let paused = queues
            .set_paused("SIP/3003", true, Some("support"), "lunch", 200)
            .unwrap();
        assert!(paused[0].1.paused && paused[0].1.last_pause == 200);
        assert_eq!(
            queues.set_paused("SIP/9", true, None, "", 0),
            Err("Interface not found")
        );
        let mut eve = Member::new("Eve", "SIP/3005", 0, 300);
        eve.dynamic = true;
        assert!(queues.add("sales", eve.clone()).is_ok());
        assert_eq!(
            queues.add("sales", eve),
            Err("Unable to add interface to queue: Already there")
        );
        assert!(queues.remove("sales", "SIP/3005").is_ok());
        assert_eq!(
            queues.remove("sales", "SIP/3005"),
            Err("Unable to remove interface: Not there")
        );
        assert_eq!(
            queues.remove("sales", "SIP/3004"),
            Err("Unable to remove interface: Not dynamic")
        );
    }
}
