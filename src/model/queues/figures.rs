//! A queue's call statistics, kept as app_queue keeps them.
//!
//! Why it exists: `QueueParams` and `QueueSummary` report the counters only
//! when asked, so a pane built from them alone shows figures that never
//! move. These take the server's values as a base (at resync and at each
//! periodic refresh) and move them with the events app_queue sends at the
//! moments it changes its own counters (apps/app_queue.c):
//! - `AgentConnect`: the hold time average takes the caller's wait
//!   (`recalc_holdtime`: the first sample, while nothing was completed or
//!   abandoned, sets it), and whether the wait was within the service level
//!   is noted for the call;
//! - `AgentComplete`: one more completed call, in the service level if
//!   noted so at connect; the talk time average takes the call's length
//!   (`update_queue`: the first completed call sets it);
//! - `QueueCallerAbandon`: one more abandoned call, in the service level
//!   when its `HoldTime` is at most the queue's `ServiceLevel`.
//!
//! Both averages are `(3 * old + sample) / 4` in whole seconds.

use serde::Serialize;

use crate::ami::Message;
use crate::model::fields;

/// Completed and abandoned calls, the averages and the service level of one
/// queue, since the server last reset them (a reload, `QueueReset`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct QueueFigures {
    pub completed: u64,
    pub abandoned: u64,
    /// Completed calls whose caller waited at most `service_level` seconds.
    pub completed_in_sl: u64,
    /// Abandoned calls that hung up within `service_level` seconds; `None`
    /// where the server reports no `ServicelevelPerf2` (before Asterisk 13),
    /// so the count cannot be based.
    pub abandoned_in_sl: Option<u64>,
    /// Average seconds a caller waited before being answered.
    pub hold_time: u64,
    /// Average seconds of an answered call.
    pub talk_time: u64,
    /// The queue's `servicelevel` in seconds (0 when not yet listed).
    pub service_level: u64,
}

/// The average app_queue keeps: the sample alone when `first`.
fn exponential_average(old: u64, sample: u64, first: bool) -> u64 {
    if first {
        sample
    } else {
        (3 * old + sample) / 4
    }
}

/// `100 * part / whole` as app_queue computes it (in `float`), 0 when
/// `whole` is 0.
fn percentage(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        f64::from(100.0 * (part as f32 / whole as f32))
    }
}

/// The count whose share of `whole` the server printed as `percent` (one
/// decimal), so the base of the service level counts can be moved on.
/// Exact while `whole` is below 1000.
fn count_from_percent(percent: f64, whole: u64) -> u64 {
    ((percent * whole as f64 / 100.0).round().max(0.0) as u64).min(whole)
}

impl QueueFigures {
    /// `ServicelevelPerf`: percentage of completed calls answered within
    /// the service level.
    pub fn service_level_perf(&self) -> f64 {
        percentage(self.completed_in_sl, self.completed)
    }

    /// `ServicelevelPerf2`: percentage of completed and abandoned calls
    /// answered or abandoned within the service level; `None` where the
    /// server does not report it.
    pub fn service_level_perf2(&self) -> Option<f64> {
        let in_sl = self.abandoned_in_sl? + self.completed_in_sl;
        Some(percentage(in_sl, self.abandoned + self.completed))
    }

    /// A `QueueParams` list item: the base of every figure.
    pub(super) fn base_on_params(&mut self, msg: &Message) {
        let number = |keys: &[&str]| fields::number::<u64>(msg, keys);
        self.completed = number(&["Completed"]).unwrap_or(self.completed);
        self.abandoned = number(&["Abandoned"]).unwrap_or(self.abandoned);
        self.hold_time = number(&["Holdtime", "HoldTime"]).unwrap_or(self.hold_time);
        self.talk_time = number(&["TalkTime"]).unwrap_or(self.talk_time);
        self.service_level = number(&["ServiceLevel"]).unwrap_or(self.service_level);
        if let Some(perf) = fields::number::<f64>(msg, &["ServicelevelPerf"]) {
            self.completed_in_sl = count_from_percent(perf, self.completed);
        }
        self.abandoned_in_sl = fields::number::<f64>(msg, &["ServicelevelPerf2"]).map(|perf2| {
            let both = count_from_percent(perf2, self.completed + self.abandoned);
            both.saturating_sub(self.completed_in_sl)
                .min(self.abandoned)
        });
    }

    /// A `QueueSummary` list item: the averages only (its member and
    /// caller counts are derived from the lists).
    pub(super) fn base_on_summary(&mut self, msg: &Message) {
        let number = |keys: &[&str]| fields::number::<u64>(msg, keys);
        self.hold_time = number(&["HoldTime", "Holdtime"]).unwrap_or(self.hold_time);
        self.talk_time = number(&["TalkTime"]).unwrap_or(self.talk_time);
    }

    /// `AgentConnect` after `hold` seconds of waiting: true when the call
    /// counts as answered within the service level.
    pub(super) fn connected(&mut self, hold: u64) -> bool {
        let first = self.completed + self.abandoned == 0;
        self.hold_time = exponential_average(self.hold_time, hold, first);
        hold <= self.service_level
    }

    /// `AgentComplete` of a call of `talk` seconds.
    pub(super) fn completed(&mut self, talk: u64, in_sl: bool) {
        self.completed += 1;
        if in_sl {
            self.completed_in_sl += 1;
        }
        self.talk_time = exponential_average(self.talk_time, talk, self.completed == 1);
    }

    /// `QueueCallerAbandon` after `hold` seconds of waiting.
    pub(super) fn abandoned(&mut self, hold: u64) {
        self.abandoned += 1;
        if hold <= self.service_level
            && let Some(in_sl) = self.abandoned_in_sl.as_mut()
        {
            *in_sl += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_follow_app_queue() {
        let mut f = QueueFigures {
            service_level: 30,
            abandoned_in_sl: Some(0),
            ..QueueFigures::default()
        };
        assert!(f.connected(7), "7 s is within 30 s");
        assert_eq!(f.hold_time, 7, "the first sample sets it");
        f.completed(8, true);
        assert_eq!(f.talk_time, 8);
        assert!(!f.connected(40));
        assert_eq!(f.hold_time, (3 * 7 + 40) / 4);
        f.completed(2, false);
        assert_eq!(f.talk_time, (3 * 8 + 2) / 4);
        f.abandoned(3);
        f.abandoned(31);
        assert_eq!((f.completed, f.abandoned), (2, 2));
        assert_eq!(f.service_level_perf(), 50.0);
        assert_eq!(f.service_level_perf2(), Some(50.0));
    }

    #[test]
    fn an_abandon_before_the_first_answer_makes_it_an_average() {
        let mut f = QueueFigures::default();
        f.abandoned(1);
        f.connected(8);
        assert_eq!(f.hold_time, 2, "(3 * 0 + 8) / 4");
    }

    #[test]
    fn the_base_recovers_the_service_level_counts() {
        let msg = Message::from_pairs([
            ("Completed", "3"),
            ("Abandoned", "1"),
            ("ServiceLevel", "30"),
            ("ServicelevelPerf", "66.7"),
            ("ServicelevelPerf2", "75.0"),
        ]);
        let mut f = QueueFigures::default();
        f.base_on_params(&msg);
        assert_eq!((f.completed_in_sl, f.abandoned_in_sl), (2, Some(1)));
        assert_eq!(format!("{:.1}", f.service_level_perf()), "66.7");
        let legacy = Message::from_pairs([("Completed", "3"), ("ServicelevelPerf", "0.0")]);
        f.base_on_params(&legacy);
        assert_eq!(f.service_level_perf2(), None);
    }
}
