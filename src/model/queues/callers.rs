//! Callers waiting in a queue, with their position and wait.
//!
//! Why it exists: callers come from `Join`/`QueueCallerJoin` (live) and
//! `QueueEntry` (list items) and go with `Leave`/`QueueCallerLeave`/
//! `QueueCallerAbandon`. When one goes, Asterisk moves everyone behind it up
//! one place without saying so; the wait is derived from the join time and
//! the clock passed in, since the server reports it only in list items.

use serde::Serialize;

use crate::ami::Message;
use crate::model::fields;

/// One caller waiting in a queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueCaller {
    /// 1 is next to be served.
    pub position: Option<u32>,
    pub uniqueid: String,
    pub channel: String,
    pub caller_id_num: String,
    pub caller_id_name: String,
    /// Whole seconds waited so far.
    pub wait: Option<u64>,
    /// Epoch seconds the caller joined, when known.
    #[serde(skip)]
    pub joined_at: Option<f64>,
    #[serde(skip)]
    pub seen: u64,
}

impl QueueCaller {
    /// True when `msg` names this caller: by Uniqueid when both have one,
    /// else by channel name (1.4 `Join` has no Uniqueid).
    fn is_named_by(&self, uniqueid: &str, channel: &str) -> bool {
        if !uniqueid.is_empty() && !self.uniqueid.is_empty() {
            self.uniqueid == uniqueid
        } else {
            !channel.is_empty() && self.channel == channel
        }
    }

    /// Whole seconds waited at `now`: from the join time when known, else
    /// the last listed `Wait`.
    pub fn wait_at(&self, now: f64) -> Option<u64> {
        match self.joined_at {
            // The epsilon absorbs float error so `now - (now - 3)` is 3.
            Some(joined) => Some(((now - joined).max(0.0) + 1e-6).floor() as u64),
            None => self.wait,
        }
    }

    /// Recomputes `wait` from the join time.
    pub(super) fn tick(&mut self, now: f64) {
        self.wait = self.wait_at(now);
    }
}

/// The callers of one queue, kept in position order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Callers(Vec<QueueCaller>);

impl Callers {
    pub fn iter(&self) -> impl Iterator<Item = &QueueCaller> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(super) fn tick(&mut self, now: f64) {
        self.0.iter_mut().for_each(|c| c.tick(now));
    }

    pub(super) fn retain_seen(&mut self, generation: u64) {
        self.0.retain(|c| c.seen >= generation);
    }

    /// A caller joined (`Join`, `QueueCallerJoin`) at `now`, or was listed
    /// (`QueueEntry`, whose `Wait` gives the join time).
    pub(super) fn arrive(&mut self, msg: &Message, now: f64, generation: u64) {
        let uniqueid = msg.get_any(&["Uniqueid", "UniqueID"]).unwrap_or_default();
        let channel = msg.get_or_empty("Channel");
        let index = match self
            .0
            .iter()
            .position(|c| c.is_named_by(&uniqueid, &channel))
        {
            Some(index) => index,
            None => {
                self.0.push(QueueCaller {
                    position: None,
                    uniqueid: uniqueid.into_owned(),
                    channel: channel.into_owned(),
                    caller_id_num: String::new(),
                    caller_id_name: String::new(),
                    wait: None,
                    joined_at: (now > 0.0).then_some(now),
                    seen: 0,
                });
                self.0.len() - 1
            }
        };
        let caller = &mut self.0[index];
        caller.seen = generation;
        caller.position = fields::number(msg, &["Position"]).or(caller.position);
        if msg.has("CallerIDNum") || msg.has("CallerID") {
            caller.caller_id_num = fields::caller_id(msg, &["CallerIDNum", "CallerID"]);
        }
        if msg.has("CallerIDName") {
            caller.caller_id_name = fields::caller_id(msg, &["CallerIDName"]);
        }
        if let Some(wait) = fields::number::<u64>(msg, &["Wait"]) {
            caller.wait = Some(wait);
            caller.joined_at = (now > 0.0).then_some(now - wait as f64);
        } else {
            caller.tick(now);
        }
        self.0.sort_by_key(|c| c.position.unwrap_or(u32::MAX));
    }

    /// The caller channel `uniqueid` has a new Caller ID (`NewCallerid`).
    pub(super) fn caller_id_changed(&mut self, uniqueid: &str, num: &str, name: &str) {
        for caller in self.0.iter_mut().filter(|c| c.uniqueid == uniqueid) {
            caller.caller_id_num.replace_range(.., num);
            caller.caller_id_name.replace_range(.., name);
        }
    }

    /// A caller left (`Leave`, `QueueCallerLeave`, `QueueCallerAbandon`):
    /// removes it and moves those behind it up. Its Uniqueid when it was
    /// here.
    pub(super) fn depart(&mut self, msg: &Message) -> Option<String> {
        let uniqueid = msg.get_any(&["Uniqueid", "UniqueID"]).unwrap_or_default();
        let channel = msg.get_or_empty("Channel");
        let index = self
            .0
            .iter()
            .position(|c| c.is_named_by(&uniqueid, &channel))?;
        let gone = self.0.remove(index);
        if let Some(left) = gone.position {
            for caller in &mut self.0 {
                if let Some(p) = caller.position.as_mut().filter(|p| **p > left) {
                    *p -= 1;
                }
            }
        }
        Some(gone.uniqueid)
    }
}

/// What a waiting caller is going through, in one phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallerState {
    /// Waiting for a member (music while queued is waiting, not hold).
    Waiting,
    /// These members' phones ring for the caller, by name (else device).
    Ringing(Vec<String>),
}

impl std::fmt::Display for CallerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallerState::Waiting => f.write_str("waiting"),
            CallerState::Ringing(names) => write!(f, "ringing {}", names.join(", ")),
        }
    }
}
