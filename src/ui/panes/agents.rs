//! The agents pane: each queue member once (by its interface), with every
//! queue it is in, what it is doing and its counts; problems first.
//!
//! The words for a member's state live here too, so the queue drill-down
//! says "paused 5:00: lunch" exactly as this pane does.

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::model::State;
use crate::model::queues::{Agent, MemberState};
use crate::ui::panes::TableId;
use crate::ui::selection::RowId;
use crate::ui::table::Column;
use crate::ui::tables::Sorted;
use crate::ui::text;
use crate::ui::theme::{Tone, peer_tone};
use crate::ui::view::View;

/// What a member is doing, in words: `in call with K. Novak 1:05`,
/// `ringing for K. Novak`, `paused 5:00: lunch`, `wrap-up 0:10 left`,
/// `busy (in use)`, `free`, `unavailable`.
pub fn state_text(state: &MemberState<'_>, now: f64) -> String {
    let since = |t: Option<f64>| t.map(|t| text::duration((now - t).max(0.0)));
    match state {
        MemberState::InCall { with, since: t } => {
            let mut words = String::from("in call");
            if let Some(party) = with.filter(|p| !p.label().is_empty()) {
                words.push_str(" with ");
                words.push_str(party.label());
            }
            if let Some(lasted) = since(*t) {
                words.push(' ');
                words.push_str(&lasted);
            }
            words
        }
        MemberState::Ringing { caller } if caller.label().is_empty() => "ringing".into(),
        MemberState::Ringing { caller } => format!("ringing for {}", caller.label()),
        MemberState::Paused { since: t, reason } => {
            let mut words = String::from("paused");
            if let Some(lasted) = since(*t) {
                words.push(' ');
                words.push_str(&lasted);
            }
            if !reason.is_empty() {
                words.push_str(": ");
                words.push_str(reason);
            }
            words
        }
        MemberState::WrapUp { until } => {
            format!("wrap-up {} left", text::duration((until - now).max(0.0)))
        }
        MemberState::Busy(device) => format!("busy ({})", device.label()),
        MemberState::Free => "free".into(),
        MemberState::Unavailable => "unavailable".into(),
    }
}

/// How a state looks: rings and pauses call for attention.
pub fn state_tone(state: &MemberState<'_>) -> Tone {
    match state {
        MemberState::InCall { .. } | MemberState::Busy(_) => Tone::Busy,
        MemberState::Ringing { .. } | MemberState::Paused { .. } => Tone::Alert,
        MemberState::WrapUp { .. } => Tone::Neutral,
        MemberState::Free => Tone::Good,
        MemberState::Unavailable => peer_tone("unavailable"),
    }
}

/// Orders states by urgency, then the longest-standing first (the
/// earliest pause, the oldest call).
pub fn state_order(a: &MemberState<'_>, b: &MemberState<'_>) -> Ordering {
    let since = |s: &MemberState<'_>| match s {
        MemberState::InCall { since, .. } | MemberState::Paused { since, .. } => {
            since.unwrap_or(f64::MAX)
        }
        _ => f64::MAX,
    };
    a.urgency()
        .cmp(&b.urgency())
        .then_with(|| since(a).total_cmp(&since(b)))
}

/// `5:00 ago`, or `-` for never.
pub fn ago(time: Option<f64>, now: f64) -> Cow<'static, str> {
    time.map_or(Cow::Borrowed("-"), |t| {
        Cow::Owned(format!("{} ago", text::duration((now - t).max(0.0))))
    })
}

/// The most recent first, never last.
pub fn recent_first(a: Option<f64>, b: Option<f64>) -> Ordering {
    b.unwrap_or(0.0).total_cmp(&a.unwrap_or(0.0))
}

/// One agent and its state now (worked out once per frame).
pub struct AgentRow<'a> {
    pub agent: Agent<'a>,
    pub state: MemberState<'a>,
}

/// `sales 1, support 0`: each queue with the agent's penalty there.
fn queues_text(agent: &Agent<'_>) -> String {
    agent
        .queues
        .iter()
        .map(|q| match q.member.penalty {
            Some(penalty) => format!("{} {penalty}", q.queue),
            None => q.queue.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

type Row<'a> = AgentRow<'a>;

pub fn columns<'a>() -> [Column<Row<'a>>; 8] {
    [
        Column::<Row>::new("State", 22, 0, |r, env| {
            Cow::Owned(state_text(&r.state, env.now))
        })
        .styled(|r, env| env.theme.tone(state_tone(&r.state)))
        .sorted_by(|a, b| state_order(&a.state, &b.state)),
        Column::new("Agent", 14, 0, |r, _| Cow::Borrowed(r.agent.name())),
        Column::<Row>::new("Queues, penalty", 18, 0, |r, _| {
            Cow::Owned(queues_text(&r.agent))
        })
        .sorted_by(|a, b| queues_text(&a.agent).cmp(&queues_text(&b.agent))),
        Column::<Row>::new("Calls", 5, 1, |r, _| {
            Cow::Owned(r.agent.calls_taken().to_string())
        })
        .sorted_by(|a, b| a.agent.calls_taken().cmp(&b.agent.calls_taken())),
        Column::<Row>::new("Last call", 9, 2, |r, env| {
            ago(r.agent.last_call(), env.now)
        })
        .sorted_by(|a, b| recent_first(a.agent.last_call(), b.agent.last_call())),
        Column::<Row>::new("RNA", 3, 1, |r, _| {
            Cow::Owned(r.agent.ring_no_answer().to_string())
        })
        .styled(|r, env| {
            if r.agent.ring_no_answer() > 0 {
                env.theme.tone(Tone::Alert)
            } else {
                Default::default()
            }
        })
        .sorted_by(|a, b| a.agent.ring_no_answer().cmp(&b.agent.ring_no_answer())),
        Column::new("Interface", 14, 3, |r, _| Cow::Borrowed(r.agent.interface)),
        Column::<Row>::new("Login", 9, 4, |r, env| ago(r.agent.login_time(), env.now))
            .sorted_by(|a, b| recent_first(a.agent.login_time(), b.agent.login_time())),
    ]
}

/// Every queue member once.
pub struct Agents;

impl Sorted for Agents {
    type Row<'a> = Row<'a>;
    const ID: TableId = TableId::Agents;
    const EMPTY: &'static str = "no queue members";

    fn columns<'a>(&self) -> Vec<Column<Row<'a>>> {
        columns().into()
    }

    fn all<'a>(&self, state: &'a State, _: &View) -> Vec<Row<'a>> {
        // The queues' clock: the latest event or tick, as the waits use.
        let now = state.queues.clock();
        state
            .queues
            .agents()
            .into_iter()
            .map(|agent| AgentRow {
                state: agent.state(now).0,
                agent,
            })
            .collect()
    }

    fn tiebreak(a: &Row<'_>, b: &Row<'_>) -> Ordering {
        a.agent.interface.cmp(b.agent.interface)
    }

    fn identity(&self, row: &Row<'_>, _: &View) -> RowId {
        RowId::Agent(row.agent.interface.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::queues::Party;
    use crate::model::registry::DeviceState;

    #[test]
    fn states_read_as_a_supervisor_says_them() {
        let caller = Party {
            uniqueid: "1.1".into(),
            num: "+3215550475".into(),
            name: "K. Novak".into(),
        };
        let now = 1_000.0;
        let says = |state: MemberState<'_>| state_text(&state, now);
        assert_eq!(
            says(MemberState::InCall {
                with: Some(&caller),
                since: Some(935.0)
            }),
            "in call with K. Novak 1:05"
        );
        assert_eq!(
            says(MemberState::InCall {
                with: None,
                since: None
            }),
            "in call"
        );
        assert_eq!(
            says(MemberState::Ringing { caller: &caller }),
            "ringing for K. Novak"
        );
        assert_eq!(
            says(MemberState::Paused {
                since: Some(700.0),
                reason: "lunch"
            }),
            "paused 5:00: lunch"
        );
        assert_eq!(
            says(MemberState::Paused {
                since: None,
                reason: ""
            }),
            "paused"
        );
        assert_eq!(
            says(MemberState::WrapUp { until: 1_010.0 }),
            "wrap-up 10s left"
        );
        assert_eq!(says(MemberState::Busy(DeviceState::InUse)), "busy (in use)");
        assert_eq!(says(MemberState::Free), "free");
    }

    #[test]
    fn the_longest_pause_comes_before_a_newer_one() {
        let old = MemberState::Paused {
            since: Some(100.0),
            reason: "",
        };
        let new = MemberState::Paused {
            since: Some(900.0),
            reason: "",
        };
        assert_eq!(state_order(&old, &new), Ordering::Less);
        assert_eq!(state_order(&MemberState::Free, &new), Ordering::Greater);
    }
}
