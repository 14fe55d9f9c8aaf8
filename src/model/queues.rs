//! Queues: parameters, summary, members, waiting callers and queue rules.
//!
//! Why it exists: the queue pane needs one picture built from three kinds
//! of input that overlap: list items (`QueueParams`, `QueueMember`,
//! `QueueEntry` from `QueueStatus`; `QueueSummary`), live events in both
//! vocabularies (1.x `Join`/`Leave`, `QueueMemberPaused` with `Location`;
//! 12+ `QueueCaller*`, `QueueMemberPause` with `Interface`), and the
//! `Agent*` events of each offered call. A `QueueRule` reply is a response,
//! not an event: it arrives with an empty event name.

mod agents;
mod callers;
mod figures;
mod members;
mod thresholds;

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use crate::ami::Message;
use crate::model::fields;
pub use agents::{Agent, AgentQueue, MemberState};
pub use callers::{CallerState, Callers, QueueCaller};
pub use figures::QueueFigures;
pub use members::{MemberCall, Party, QueueMember};
pub use thresholds::{Breaches, QueueLimits, Thresholds};

/// A queue's settings as `QueueParams` last listed them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct QueueParams {
    /// `ringall`, `linear`, `leastrecent`, ...; "" until listed.
    pub strategy: String,
    /// Most callers allowed to wait (0: no limit).
    pub max: Option<u64>,
    pub weight: Option<i64>,
}

impl QueueParams {
    fn absorb(&mut self, msg: &Message) {
        fields::set_text(&mut self.strategy, msg, &["Strategy"]);
        self.max = fields::number(msg, &["Max"]);
        self.weight = fields::number(msg, &["Weight"]);
    }
}

/// One queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Queue {
    pub name: String,
    /// Live call statistics; see [`QueueFigures`].
    pub figures: QueueFigures,
    /// In the order the server first reported them.
    pub members: Vec<QueueMember>,
    /// In position order.
    pub callers: Callers,
    pub params: QueueParams,
    #[serde(skip)]
    pub seen: u64,
    /// Interfaces removed by `QueueMemberRemoved` (newest last, bounded):
    /// a later `Agent*` event about their call must not bring them back.
    #[serde(skip)]
    removed: Vec<String>,
}

/// Removed interfaces remembered per queue.
const REMOVED_KEPT: usize = 64;

/// What an event does to a queue.
#[derive(Clone, Copy, Debug)]
enum Change {
    Params,
    Summary,
    Member,
    Pause,
    MemberRemoved,
    Called,
    Connected,
    Completed,
    Dumped,
    RingNoAnswer,
    CallerArrived,
    CallerLeft,
    CallerAbandoned,
}

impl Change {
    fn of(event: &str) -> Option<Change> {
        Some(match event {
            "queueparams" => Change::Params,
            "queuesummary" => Change::Summary,
            "queuemember"
            | "queuememberadded"
            | "queuememberstatus"
            | "queuememberpenalty"
            | "queuememberringinuse" => Change::Member,
            "queuememberpause" | "queuememberpaused" => Change::Pause,
            "queuememberremoved" => Change::MemberRemoved,
            "agentcalled" => Change::Called,
            "agentconnect" => Change::Connected,
            "agentcomplete" => Change::Completed,
            "agentdump" => Change::Dumped,
            "agentringnoanswer" => Change::RingNoAnswer,
            "join" | "queuecallerjoin" | "queueentry" => Change::CallerArrived,
            "leave" | "queuecallerleave" => Change::CallerLeft,
            "queuecallerabandon" => Change::CallerAbandoned,
            _ => return None,
        })
    }
}

impl Queue {
    fn new(name: &str) -> Queue {
        Queue {
            name: name.to_owned(),
            figures: QueueFigures::default(),
            members: Vec::new(),
            callers: Callers::default(),
            params: QueueParams::default(),
            seen: 0,
            removed: Vec::new(),
        }
    }

    /// `LoggedIn` as app_queue counts it: members whose device is neither
    /// unavailable nor invalid.
    pub fn logged_in(&self) -> usize {
        self.members.iter().filter(|m| m.is_logged_in()).count()
    }

    /// `Available` as app_queue counts it: members not paused whose device
    /// is not in use (or unknown).
    pub fn available(&self) -> usize {
        self.members
            .iter()
            .filter(|m| m.is_logged_in() && m.is_available())
            .count()
    }

    /// `LongestHoldTime`: the longest wait of the callers now waiting,
    /// at `now` (epoch seconds); 0 when nobody waits.
    pub fn longest_wait(&self, now: f64) -> u64 {
        self.callers
            .iter()
            .filter_map(|c| c.wait_at(now))
            .max()
            .unwrap_or(0)
    }

    /// The member whose interface is `interface`.
    pub fn member(&self, interface: &str) -> Option<&QueueMember> {
        self.members.iter().find(|m| m.interface == interface)
    }

    /// The member a member event or list item names, created if new.
    fn member_entry(&mut self, msg: &Message, generation: u64) -> Option<&mut QueueMember> {
        let interface = members::interface_of(msg)?;
        self.removed.retain(|gone| *gone != interface);
        self.entry_of(interface, generation)
    }

    fn entry_of(&mut self, interface: String, generation: u64) -> Option<&mut QueueMember> {
        let index = match self.members.iter().position(|m| m.interface == interface) {
            Some(index) => index,
            None => {
                self.members.push(QueueMember::new(interface));
                self.members.len() - 1
            }
        };
        let member = &mut self.members[index];
        member.seen = generation;
        Some(member)
    }

    /// The member an `Agent*` event names (created if new: a capture may
    /// start without a member list), unless it was removed: then the event
    /// is about a call that outlived the member.
    fn agent_member(&mut self, msg: &Message, generation: u64) -> Option<&mut QueueMember> {
        let interface = members::interface_of(msg)?;
        if self.removed.contains(&interface) {
            return None;
        }
        self.entry_of(interface, generation)
    }

    fn apply(&mut self, change: Change, msg: &Message, now: f64, generation: u64) {
        let seconds = |key: &str| fields::number::<u64>(msg, &[key]).unwrap_or(0);
        match change {
            Change::Params => {
                self.params.absorb(msg);
                self.figures.base_on_params(msg);
            }
            Change::Summary => self.figures.base_on_summary(msg),
            Change::Member | Change::Pause => {
                if let Some(member) = self.member_entry(msg, generation) {
                    match change {
                        Change::Pause => member.pause(msg, now),
                        _ => member.absorb(msg, now),
                    }
                }
            }
            Change::MemberRemoved => {
                if let Some(interface) = members::interface_of(msg) {
                    self.members.retain(|m| m.interface != interface);
                    if self.removed.len() == REMOVED_KEPT {
                        self.removed.remove(0);
                    }
                    self.removed.push(interface);
                }
            }
            Change::Called => {
                if let Some(member) = self.agent_member(msg, generation) {
                    member.called(msg);
                }
            }
            Change::Connected => {
                let in_sl = self.figures.connected(seconds("HoldTime"));
                if let Some(member) = self.agent_member(msg, generation) {
                    member.connected(msg, now, in_sl);
                }
            }
            Change::Completed => {
                let hold = seconds("HoldTime");
                let call = self
                    .agent_member(msg, generation)
                    .and_then(|m| m.completed(now));
                let in_sl = call.map_or(hold <= self.figures.service_level, |c| c.in_service_level);
                self.figures.completed(seconds("TalkTime"), in_sl);
            }
            Change::Dumped => {
                if let Some(member) = self.agent_member(msg, generation) {
                    member.dumped();
                }
            }
            Change::RingNoAnswer => {
                if let Some(member) = self.agent_member(msg, generation) {
                    member.rang_out();
                }
            }
            Change::CallerArrived => self.callers.arrive(msg, now, generation),
            Change::CallerLeft => {
                if let Some(gone) = self.callers.depart(msg) {
                    self.members.iter_mut().for_each(|m| m.caller_left(&gone));
                }
            }
            Change::CallerAbandoned => {
                self.figures.abandoned(seconds("HoldTime"));
                if let Some(gone) = self.callers.depart(msg) {
                    self.members.iter_mut().for_each(|m| m.caller_left(&gone));
                }
            }
        }
    }
}

/// Every queue the server reported, and its queue rules.
#[derive(Debug, Clone, Default)]
pub struct Queues {
    /// Queues by name.
    pub by_name: BTreeMap<String, Queue>,
    /// Penalty-change rules from `QueueRule` replies: rule name to its
    /// `Rule:` lines (`10,+1,+0`), in order. Rules belong to the server,
    /// not to a queue.
    pub rules: BTreeMap<String, Vec<String>>,
    /// When a queue counts as needing attention (from the config file).
    pub thresholds: Thresholds,
    /// The resync generation stamped on whatever is touched.
    generation: u64,
    /// The latest `now` seen, for the waits.
    clock: f64,
}

impl Queues {
    /// Applies a queue event, queue list item or `QueueRule` reply (with
    /// `event` empty); true when it was one. `event` is the lower-cased
    /// name, as for every sub-model (see `State::apply_event`).
    pub fn apply(&mut self, msg: &Message, event: &str, now: f64) -> bool {
        if event.is_empty() {
            return self.apply_rules(msg);
        }
        let Some(change) = Change::of(event) else {
            return false;
        };
        self.tick(now);
        let Some(name) = msg.get("Queue").filter(|n| !n.is_empty()) else {
            return true;
        };
        let generation = self.generation;
        let queue = match self.by_name.get_mut(name.as_ref()) {
            Some(queue) => queue,
            None => self
                .by_name
                .entry(name.to_string())
                .or_insert_with(|| Queue::new(&name)),
        };
        queue.seen = generation;
        queue.apply(change, msg, now, generation);
        true
    }

    /// Brings every caller's wait up to `now` (epoch seconds). `apply`
    /// does this too; a UI calls it on its own clock tick.
    pub fn tick(&mut self, now: f64) {
        if now > self.clock {
            self.clock = now;
            for queue in self.by_name.values_mut() {
                queue.callers.tick(now);
            }
        }
    }

    /// The latest `now` an event or [`Queues::tick`] brought (epoch
    /// seconds): the moment member states are judged at.
    pub fn clock(&self) -> f64 {
        self.clock
    }

    /// Starts a resync: whatever is touched from now on is stamped with
    /// `generation`, so [`Queues::sweep`] keeps it.
    pub fn begin_resync(&mut self, generation: u64) {
        self.generation = generation;
    }

    /// After `QueueStatus` completed: drops queues, members and callers
    /// neither listed nor touched by an event since `generation` began.
    pub fn sweep(&mut self, generation: u64) {
        self.by_name.retain(|_, queue| queue.seen >= generation);
        for queue in self.by_name.values_mut() {
            queue.members.retain(|m| m.seen >= generation);
            queue.callers.retain_seen(generation);
        }
    }

    /// `NewCallerid`: a waiting caller's number and name follow its
    /// channel's.
    pub fn caller_id_changed(&mut self, msg: &Message) {
        // One pass over the headers, values borrowed: this runs on every
        // `NewCallerid`, whether or not a queue holds the channel.
        let [uniqueid, num, old_num, name] =
            msg.get_each(["Uniqueid", "CallerIDNum", "CallerID", "CallerIDName"]);
        let Some(uniqueid) = uniqueid.map(|raw| msg.text(raw)) else {
            return;
        };
        let (num, name) = (
            shown_caller_id(msg, num.or(old_num)),
            shown_caller_id(msg, name),
        );
        for queue in self.by_name.values_mut() {
            queue.callers.caller_id_changed(&uniqueid, &num, &name);
        }
    }

    /// The queue named `name`.
    pub fn get(&self, name: &str) -> Option<&Queue> {
        self.by_name.get(name)
    }

    /// A `QueueRule` reply: `RuleList: <name>` then its `Rule:` lines, for
    /// one rule or all of them.
    fn apply_rules(&mut self, msg: &Message) -> bool {
        let mut current: Option<&mut Vec<String>> = None;
        let mut any = false;
        for (key, value) in msg.headers() {
            if key.eq_ignore_ascii_case("RuleList") {
                let rules = self.rules.entry(value.into_owned()).or_default();
                rules.clear();
                current = Some(rules);
                any = true;
            } else if key.eq_ignore_ascii_case("Rule")
                && let Some(rules) = current.as_mut()
            {
                rules.push(value.into_owned());
            }
        }
        any
    }
}

/// The `--json` shape: the list of queues, in name order.
impl Serialize for Queues {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.by_name.values())
    }
}

/// A caller ID header's value (borrowed), with Asterisk's `<unknown>`
/// made empty, as [`fields::caller_id`] does.
fn shown_caller_id<'a>(msg: &'a Message, raw: Option<&'a [u8]>) -> Cow<'a, str> {
    raw.map(|raw| msg.text(raw))
        .filter(|v| v != "<unknown>")
        .unwrap_or_default()
}
