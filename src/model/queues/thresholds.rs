//! When a queue needs a supervisor: the `[thresholds]` of the config file.
//!
//! Why it exists: "45 s longest wait" is fine for one queue and an alarm
//! for another, so the limits have defaults and per-queue overrides
//! (`[thresholds.queues.NAME]`, any key, the rest inherited). Panes colour
//! against them and the header counts the queues over one; the decision is
//! made here, once.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Queue, Queues};

/// Limits of one queue; an absent key means "no limit" here, or "the
/// default" in a per-queue override.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct QueueLimits {
    /// Most seconds the longest-waiting caller may wait.
    pub longest_wait: Option<u64>,
    /// Least `ServicelevelPerf` (percent of completed calls answered
    /// within the queue's service level); checked once a call completed.
    pub service_level: Option<f64>,
    /// Most callers waiting at once.
    pub waiting: Option<u64>,
}

/// `[thresholds]`: the default limits and the per-queue overrides.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    pub longest_wait: Option<u64>,
    pub service_level: Option<f64>,
    pub waiting: Option<u64>,
    /// `[thresholds.queues.NAME]`.
    pub queues: BTreeMap<String, QueueLimits>,
}

impl Default for Thresholds {
    /// 60 s longest wait, 80 % service level, 5 callers waiting.
    fn default() -> Thresholds {
        Thresholds {
            longest_wait: Some(60),
            service_level: Some(80.0),
            waiting: Some(5),
            queues: BTreeMap::new(),
        }
    }
}

/// Which limits a queue is over.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Breaches {
    pub longest_wait: bool,
    pub service_level: bool,
    pub waiting: bool,
}

impl Breaches {
    pub fn any(&self) -> bool {
        self.longest_wait || self.service_level || self.waiting
    }
}

impl Thresholds {
    /// The limits that apply to the queue `name`.
    pub fn limits(&self, name: &str) -> QueueLimits {
        let own = self.queues.get(name);
        QueueLimits {
            longest_wait: own.and_then(|q| q.longest_wait).or(self.longest_wait),
            service_level: own.and_then(|q| q.service_level).or(self.service_level),
            waiting: own.and_then(|q| q.waiting).or(self.waiting),
        }
    }

    /// Which limits `queue` is over at `now` (epoch seconds).
    pub fn breaches(&self, queue: &Queue, now: f64) -> Breaches {
        let limits = self.limits(&queue.name);
        let figures = &queue.figures;
        Breaches {
            longest_wait: limits
                .longest_wait
                .is_some_and(|most| queue.longest_wait(now) > most),
            service_level: limits
                .service_level
                .is_some_and(|least| figures.completed > 0 && figures.service_level_perf() < least),
            waiting: limits
                .waiting
                .is_some_and(|most| queue.callers.len() as u64 > most),
        }
    }
}

impl Queues {
    /// How many queues are over one of `thresholds` at `now`.
    pub fn over_threshold(&self, thresholds: &Thresholds, now: f64) -> usize {
        self.by_name
            .values()
            .filter(|q| thresholds.breaches(q, now).any())
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ami::Message;

    fn queue(name: &str, completed: &str, perf: &str, waits: &[&str]) -> Queues {
        let mut queues = Queues::default();
        let params = Message::from_pairs([
            ("Queue", name),
            ("Completed", completed),
            ("ServicelevelPerf", perf),
        ]);
        queues.apply(&params, "queueparams", 100.0);
        for (i, wait) in waits.iter().enumerate() {
            let id = format!("1.{i}");
            let entry = Message::from_pairs([("Queue", name), ("Uniqueid", &id), ("Wait", wait)]);
            queues.apply(&entry, "queueentry", 100.0);
        }
        queues
    }

    #[test]
    fn defaults_apply_unless_the_queue_overrides_them() {
        let mut thresholds: Thresholds =
            toml::from_str("waiting = 1\n[queues.vip]\nlongest_wait = 10\n").unwrap();
        assert_eq!(
            thresholds.longest_wait,
            Some(60),
            "unset keys keep their default"
        );
        let calm = queue("sales", "4", "100.0", &["30"]);
        assert!(!thresholds.breaches(calm.get("sales").unwrap(), 100.0).any());
        let vip = queue("vip", "4", "100.0", &["30"]);
        let breaches = thresholds.breaches(vip.get("vip").unwrap(), 100.0);
        assert_eq!(
            breaches,
            Breaches {
                longest_wait: true,
                ..Breaches::default()
            }
        );
        let slow = queue("sales", "4", "75.0", &["1", "2"]);
        let breaches = thresholds.breaches(slow.get("sales").unwrap(), 100.0);
        assert!(breaches.service_level && breaches.waiting && !breaches.longest_wait);
        assert_eq!(slow.over_threshold(&thresholds, 100.0), 1);
        thresholds.service_level = None;
        thresholds.waiting = None;
        assert_eq!(slow.over_threshold(&thresholds, 100.0), 0);
        let fresh = queue("idle", "0", "0.0", &[]);
        assert_eq!(
            fresh.over_threshold(&Thresholds::default(), 100.0),
            0,
            "no calls yet"
        );
    }

    #[test]
    fn a_typo_is_refused() {
        assert!(toml::from_str::<Thresholds>("longest_wiat = 3").is_err());
        assert!(toml::from_str::<Thresholds>("[queues.a]\nwait = 3").is_err());
    }
}
