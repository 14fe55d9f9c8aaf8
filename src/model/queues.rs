//! Queues: parameters, summary, members, waiting callers and queue rules.
//!
//! Why it exists: the queue pane needs one picture built from three kinds
//! of input that overlap: list items (`QueueParams`, `QueueMember`,
//! `QueueEntry` from `QueueStatus`; `QueueSummary`), live events in both
//! vocabularies (1.x `Join`/`Leave`, `QueueMemberPaused` with `Location`;
//! 12+ `QueueCaller*`, `QueueMemberPause` with `Interface`), and the
//! `Agent*` events of each offered call. A `QueueRule` reply is a response,
//! not an event: it arrives with an empty event name.

mod callers;
mod members;

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use crate::ami::Message;
use crate::model::fields;
pub use callers::{Callers, QueueCaller};
pub use members::QueueMember;

/// `QueueParams` as last listed (`QueueStatus`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct QueueParams {
    /// `ringall`, `linear`, `leastrecent`, ...; "" until listed.
    pub strategy: String,
    /// Most callers allowed to wait (0: no limit).
    pub max: Option<u64>,
    pub calls: Option<u64>,
    pub hold_time: Option<u64>,
    pub talk_time: Option<u64>,
    pub completed: Option<u64>,
    pub abandoned: Option<u64>,
    /// Seconds within which a call counts as answered in time.
    pub service_level: Option<u64>,
    /// Percentage of calls answered within the service level.
    pub service_level_perf: Option<f64>,
    pub weight: Option<i64>,
}

impl QueueParams {
    fn absorb(&mut self, msg: &Message) {
        fields::set_text(&mut self.strategy, msg, &["Strategy"]);
        self.max = fields::number(msg, &["Max"]);
        self.calls = fields::number(msg, &["Calls"]);
        self.hold_time = fields::number(msg, &["Holdtime", "HoldTime"]);
        self.talk_time = fields::number(msg, &["TalkTime"]);
        self.completed = fields::number(msg, &["Completed"]);
        self.abandoned = fields::number(msg, &["Abandoned"]);
        self.service_level = fields::number(msg, &["ServiceLevel"]);
        self.service_level_perf = fields::number(msg, &["ServicelevelPerf"]);
        self.weight = fields::number(msg, &["Weight"]);
    }
}

/// `QueueSummary` as last listed; `callers` also follows the `Count` of
/// join and leave events.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct QueueSummary {
    pub logged_in: Option<u64>,
    pub available: Option<u64>,
    pub callers: Option<u64>,
    /// Average seconds a caller waits.
    pub hold_time: Option<u64>,
    /// Average seconds of a call.
    pub talk_time: Option<u64>,
    pub longest_hold_time: Option<u64>,
}

impl QueueSummary {
    fn absorb(&mut self, msg: &Message) {
        self.logged_in = fields::number(msg, &["LoggedIn"]);
        self.available = fields::number(msg, &["Available"]);
        self.callers = fields::number(msg, &["Callers"]);
        self.hold_time = fields::number(msg, &["HoldTime"]);
        self.talk_time = fields::number(msg, &["TalkTime"]);
        self.longest_hold_time = fields::number(msg, &["LongestHoldTime"]);
    }
}

/// One queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Queue {
    pub name: String,
    pub summary: QueueSummary,
    /// In the order the server first reported them.
    pub members: Vec<QueueMember>,
    /// In position order.
    pub callers: Callers,
    pub params: QueueParams,
    #[serde(skip)]
    pub seen: u64,
}

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
}

impl Change {
    fn of(event: &str) -> Option<Change> {
        Some(match event {
            "QueueParams" => Change::Params,
            "QueueSummary" => Change::Summary,
            "QueueMember"
            | "QueueMemberAdded"
            | "QueueMemberStatus"
            | "QueueMemberPenalty"
            | "QueueMemberRinginuse" => Change::Member,
            "QueueMemberPause" | "QueueMemberPaused" => Change::Pause,
            "QueueMemberRemoved" => Change::MemberRemoved,
            "AgentCalled" => Change::Called,
            "AgentConnect" => Change::Connected,
            "AgentComplete" => Change::Completed,
            "AgentDump" => Change::Dumped,
            "AgentRingNoAnswer" => Change::RingNoAnswer,
            "Join" | "QueueCallerJoin" | "QueueEntry" => Change::CallerArrived,
            "Leave" | "QueueCallerLeave" | "QueueCallerAbandon" => Change::CallerLeft,
            _ => return None,
        })
    }
}

impl Queue {
    fn new(name: &str) -> Queue {
        Queue {
            name: name.to_owned(),
            summary: QueueSummary::default(),
            members: Vec::new(),
            callers: Callers::default(),
            params: QueueParams::default(),
            seen: 0,
        }
    }

    /// The member a message names, created if new.
    fn member(&mut self, msg: &Message, generation: u64) -> Option<&mut QueueMember> {
        let interface = members::interface_of(msg)?;
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

    fn apply(&mut self, change: Change, msg: &Message, now: f64, generation: u64) {
        match change {
            Change::Params => self.params.absorb(msg),
            Change::Summary => self.summary.absorb(msg),
            Change::MemberRemoved => {
                if let Some(interface) = members::interface_of(msg) {
                    self.members.retain(|m| m.interface != interface);
                }
            }
            Change::CallerArrived => {
                self.callers.arrive(msg, now, generation);
                self.count_callers(msg, false);
            }
            Change::CallerLeft => {
                let left = self.callers.depart(msg);
                self.count_callers(msg, left);
            }
            _ => {
                let Some(member) = self.member(msg, generation) else {
                    return;
                };
                match change {
                    Change::Member => member.absorb(msg),
                    Change::Pause => member.pause(msg),
                    Change::Called => member.name_from(msg),
                    Change::Connected => {
                        member.name_from(msg);
                        member.connected();
                    }
                    Change::Completed => member.completed(now),
                    Change::Dumped => member.dumped(),
                    Change::RingNoAnswer => member.rang_out(),
                    _ => {}
                }
            }
        }
    }

    /// Keeps `summary.callers` current: join and leave events carry the
    /// new `Count`; an abandon does not, so one that removed a caller
    /// counts down.
    fn count_callers(&mut self, msg: &Message, removed: bool) {
        if let Some(count) = fields::number(msg, &["Count"]) {
            self.summary.callers = Some(count);
        } else if removed {
            self.summary.callers = self.summary.callers.map(|n| n.saturating_sub(1));
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
    /// The resync generation stamped on whatever is touched.
    generation: u64,
    /// The latest `now` seen, for the waits.
    clock: f64,
}

impl Queues {
    /// Applies a queue event, queue list item or `QueueRule` reply (with
    /// `event` empty); true when it was one.
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
