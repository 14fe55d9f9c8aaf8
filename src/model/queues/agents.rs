//! Agents: each queue member once, with every queue it is in.
//!
//! Why it exists: app_queue keeps a member per queue (its own penalty,
//! pause, calls), but a supervisor watches people. The member's identity
//! is its `Interface` (`Local/101@test/n`, `SIP/3001`, `Agent/1001` of
//! app_agent_pool); this folds the per-queue members into one [`Agent`]
//! and says in one [`MemberState`] what it is doing.

use std::collections::BTreeMap;

use super::members::{Party, QueueMember};
use super::{Queue, Queues};
use crate::model::registry::DeviceState;

/// What a member is doing, most pressing first when ordered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MemberState<'a> {
    /// In a queue call; `with` is the caller when the connect was seen
    /// (a call already up at login shows only in the list's `InCall`).
    InCall {
        with: Option<&'a Party>,
        since: Option<f64>,
    },
    /// Its phone rings for this waiting caller.
    Ringing { caller: &'a Party },
    /// Paused since `since` (`LastPause`), for `reason` ("" when none).
    Paused { since: Option<f64>, reason: &'a str },
    /// After a call, within the member's own wrap-up time.
    WrapUp { until: f64 },
    /// In use outside the queue (device in use, busy, on hold).
    Busy(DeviceState),
    /// Can take a call.
    Free,
    /// Device unavailable or invalid: not logged in for app_queue.
    Unavailable,
}

impl MemberState<'_> {
    /// 0 for the most pressing state: sort by this so a supervisor sees
    /// calls and rings first, then pauses.
    pub fn urgency(&self) -> u8 {
        match self {
            MemberState::InCall { .. } => 0,
            MemberState::Ringing { .. } => 1,
            MemberState::Paused { .. } => 2,
            MemberState::WrapUp { .. } => 3,
            MemberState::Busy(_) => 4,
            MemberState::Free => 5,
            MemberState::Unavailable => 6,
        }
    }
}

impl QueueMember {
    /// What this member is doing in its queue at `now` (epoch seconds).
    pub fn state(&self, now: f64) -> MemberState<'_> {
        if let Some(call) = &self.call {
            return MemberState::InCall {
                with: Some(&call.caller),
                since: call.since,
            };
        }
        if self.in_call {
            return MemberState::InCall {
                with: None,
                since: None,
            };
        }
        if let Some(caller) = &self.ringing_for {
            return MemberState::Ringing { caller };
        }
        if self.paused {
            return MemberState::Paused {
                since: self.last_pause,
                reason: &self.paused_reason,
            };
        }
        if let (Some(last), Some(wrapup)) = (self.last_call, self.wrapup_time.filter(|w| *w > 0)) {
            let until = last + wrapup as f64;
            if now < until {
                return MemberState::WrapUp { until };
            }
        }
        match self.status {
            DeviceState::Unavailable | DeviceState::Invalid => MemberState::Unavailable,
            DeviceState::NotInUse | DeviceState::Unknown => MemberState::Free,
            other => MemberState::Busy(other),
        }
    }

    /// Its name, else its interface.
    pub fn label(&self) -> &str {
        if self.name.is_empty() {
            &self.interface
        } else {
            &self.name
        }
    }
}

/// One queue an agent is in, with its membership there.
#[derive(Debug, Clone, Copy)]
pub struct AgentQueue<'a> {
    pub queue: &'a str,
    pub member: &'a QueueMember,
}

/// One member across all its queues.
#[derive(Debug, Clone)]
pub struct Agent<'a> {
    pub interface: &'a str,
    /// In queue name order.
    pub queues: Vec<AgentQueue<'a>>,
}

impl<'a> Agent<'a> {
    fn members(&self) -> impl Iterator<Item = &'a QueueMember> + '_ {
        self.queues.iter().map(|q| q.member)
    }

    /// The first name any queue knows it by, else its interface.
    pub fn name(&self) -> &'a str {
        self.members()
            .map(|m| m.name.as_str())
            .find(|n| !n.is_empty())
            .unwrap_or(self.interface)
    }

    /// Its most pressing state over all its queues, with the queue where
    /// that holds.
    pub fn state(&self, now: f64) -> (MemberState<'a>, &'a str) {
        self.queues
            .iter()
            .map(|q| (q.member.state(now), q.queue))
            .min_by_key(|(state, _)| state.urgency())
            .unwrap_or((MemberState::Unavailable, ""))
    }

    /// Calls taken: the highest per-queue `CallsTaken` (with app_queue's
    /// `shared_lastcall`, every queue of the member counts every call, so
    /// a sum would count them twice).
    pub fn calls_taken(&self) -> u64 {
        self.members()
            .filter_map(|m| m.calls_taken)
            .max()
            .unwrap_or(0)
    }

    /// When its last call ended, in any queue.
    pub fn last_call(&self) -> Option<f64> {
        self.members().filter_map(|m| m.last_call).reduce(f64::max)
    }

    /// Rings it did not answer, over all its queues.
    pub fn ring_no_answer(&self) -> u64 {
        self.members().map(|m| m.ring_no_answer).sum()
    }

    /// When it joined its first queue.
    pub fn login_time(&self) -> Option<f64> {
        self.members().filter_map(|m| m.login_time).reduce(f64::min)
    }
}

impl Queues {
    /// Every member once, by interface (in interface order), with the
    /// queues it is in.
    pub fn agents(&self) -> Vec<Agent<'_>> {
        let mut by_interface: BTreeMap<&str, Agent<'_>> = BTreeMap::new();
        for queue in self.by_name.values() {
            for member in &queue.members {
                by_interface
                    .entry(member.interface.as_str())
                    .or_insert_with(|| Agent {
                        interface: &member.interface,
                        queues: Vec::new(),
                    })
                    .queues
                    .push(AgentQueue {
                        queue: &queue.name,
                        member,
                    });
            }
        }
        by_interface.into_values().collect()
    }

    /// The queue caller `uniqueid` is waiting in, with its entry.
    pub fn waiting(&self, uniqueid: &str) -> Option<(&Queue, &super::QueueCaller)> {
        self.by_name.values().find_map(|queue| {
            let caller = queue.callers.iter().find(|c| c.uniqueid == uniqueid)?;
            Some((queue, caller))
        })
    }
}

impl Queue {
    /// What the waiting `caller` is going through: the members being rung
    /// for it, else waiting.
    pub fn caller_state(&self, caller: &super::QueueCaller) -> super::CallerState {
        let ringing: Vec<String> = self
            .members
            .iter()
            .filter(|m| {
                m.ringing_for
                    .as_ref()
                    .is_some_and(|p| !p.uniqueid.is_empty() && p.uniqueid == caller.uniqueid)
            })
            .map(|m| m.label().to_owned())
            .collect();
        if ringing.is_empty() {
            super::CallerState::Waiting
        } else {
            super::CallerState::Ringing(ringing)
        }
    }
}
