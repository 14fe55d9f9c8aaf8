//! The queues pane: one row per queue, and the drill-down into one queue's
//! members and waiting callers.

use std::borrow::Cow;
use std::cmp::Ordering;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::model::State;
use crate::model::queues::{Breaches, Queue, QueueCaller, QueueMember};
use crate::ui::layout;
use crate::ui::panes::TableId;
use crate::ui::panes::agents;
use crate::ui::panes::channels::caller_id;
use crate::ui::selection::RowId;
use crate::ui::table::{CellContext, Column};
use crate::ui::tables::Sorted;
use crate::ui::text;
use crate::ui::theme::{Tone, peer_tone};
use crate::ui::view::{Drill, View};

fn count(value: Option<u64>) -> Cow<'static, str> {
    value.map_or(Cow::Borrowed("-"), |v| Cow::Owned(v.to_string()))
}

fn seconds(value: Option<u64>) -> Cow<'static, str> {
    value.map_or(Cow::Borrowed("-"), |v| Cow::Owned(text::duration(v as f64)))
}

/// Seconds a caller has waited, from its join time when known.
pub fn wait(caller: &QueueCaller, now: f64) -> Option<u64> {
    caller
        .joined_at
        .map(|joined| (now - joined).max(0.0) as u64)
        .or(caller.wait)
}

/// Members logged in, as app_queue counts them.
pub fn logged_in(queue: &Queue) -> u64 {
    queue.logged_in() as u64
}

/// Members free to take a call, as app_queue counts them.
pub fn available(queue: &Queue) -> u64 {
    queue.available() as u64
}

/// Average hold time (live: see `QueueFigures`).
fn hold_time(queue: &Queue) -> Option<u64> {
    Some(queue.figures.hold_time)
}

/// Average talk time (live).
fn talk_time(queue: &Queue) -> Option<u64> {
    Some(queue.figures.talk_time)
}

/// The longest wait among the callers now in the queue.
pub fn longest_wait(queue: &Queue, now: f64) -> Option<u64> {
    queue.callers.iter().filter_map(|c| wait(c, now)).max()
}

/// When the longest-waiting caller joined (`f64::MAX` when nobody waits),
/// to sort by longest wait without a clock.
fn earliest_join(queue: &Queue) -> f64 {
    queue
        .callers
        .iter()
        .filter_map(|c| c.joined_at)
        .fold(f64::MAX, f64::min)
}

/// Which of the config's `[thresholds]` the queue is over now.
fn breaches(queue: &Queue, env: &CellContext) -> Breaches {
    env.state.queues.thresholds.breaches(queue, env.now)
}

/// The alarm colour for a figure over its threshold.
fn over_when(over: bool, env: &CellContext) -> Style {
    if over {
        env.theme.tone(Tone::Bad)
    } else {
        Style::default()
    }
}

/// `ServicelevelPerf` as a whole percentage: `85%`; `-` before the first
/// completed call.
fn service_level(queue: &Queue) -> Cow<'static, str> {
    if queue.figures.completed == 0 {
        return Cow::Borrowed("-");
    }
    Cow::Owned(format!("{:.0}%", queue.figures.service_level_perf()))
}

type QueueRow<'a> = &'a Queue;

pub fn queue_columns<'a>() -> [Column<QueueRow<'a>>; 10] {
    [
        Column::new("Queue", 14, 0, |q, _| Cow::Borrowed(&q.name)),
        Column::<QueueRow>::new("In", 4, 0, |q, _| Cow::Owned(logged_in(q).to_string()))
            .sorted_by(|a, b| logged_in(a).cmp(&logged_in(b))),
        Column::<QueueRow>::new("Free", 4, 0, |q, _| Cow::Owned(available(q).to_string()))
            .sorted_by(|a, b| available(a).cmp(&available(b))),
        Column::<QueueRow>::new("Wait", 4, 0, |q, _| Cow::Owned(q.callers.len().to_string()))
            .styled(|q, env| {
                if q.callers.is_empty() {
                    Default::default()
                } else {
                    env.theme.tone(Tone::Alert)
                }
            })
            .sorted_by(|a, b| a.callers.len().cmp(&b.callers.len())),
        Column::<QueueRow>::new("Longest", 7, 0, |q, env| seconds(longest_wait(q, env.now)))
            .styled(|q, env| over_when(breaches(q, env).longest_wait, env))
            .sorted_by(|a, b| earliest_join(b).total_cmp(&earliest_join(a))),
        Column::<QueueRow>::new("SL", 4, 1, |q, _| service_level(q))
            .styled(|q, env| over_when(breaches(q, env).service_level, env))
            .sorted_by(|a, b| {
                let perf = |q: &Queue| (q.figures.completed > 0, q.figures.service_level_perf());
                let (a, b) = (perf(a), perf(b));
                a.0.cmp(&b.0).then(a.1.total_cmp(&b.1))
            }),
        Column::<QueueRow>::new("Hold", 6, 1, |q, _| seconds(hold_time(q)))
            .sorted_by(|a, b| hold_time(a).cmp(&hold_time(b))),
        Column::<QueueRow>::new("Talk", 6, 2, |q, _| seconds(talk_time(q)))
            .sorted_by(|a, b| talk_time(a).cmp(&talk_time(b))),
        Column::<QueueRow>::new("Done", 5, 3, |q, _| count(Some(q.figures.completed)))
            .sorted_by(|a, b| a.figures.completed.cmp(&b.figures.completed)),
        Column::<QueueRow>::new("Abandoned", 9, 4, |q, _| count(Some(q.figures.abandoned)))
            .sorted_by(|a, b| a.figures.abandoned.cmp(&b.figures.abandoned)),
    ]
}

type MemberRow<'a> = &'a QueueMember;

/// How a member is named: its name, else its interface.
pub fn member_name(member: &QueueMember) -> &str {
    if member.name.is_empty() {
        &member.interface
    } else {
        &member.name
    }
}

pub fn member_columns<'a>() -> [Column<MemberRow<'a>>; 8] {
    [
        Column::new("Member", 16, 0, |m, _| Cow::Borrowed(member_name(m))),
        Column::<MemberRow>::new("State", 20, 0, |m, env| {
            Cow::Owned(agents::state_text(&m.state(env.now), env.now))
        })
        .styled(|m, env| env.theme.tone(agents::state_tone(&m.state(env.now))))
        .sorted_by(|a, b| {
            let now = f64::MAX / 2.0; // no wrap-up outlasts it: only urgency counts
            agents::state_order(&a.state(now), &b.state(now))
        }),
        Column::<MemberRow>::new("Pen", 3, 2, |m, _| count(m.penalty.map(u64::from)))
            .sorted_by(|a, b| a.penalty.cmp(&b.penalty)),
        Column::<MemberRow>::new("Calls", 5, 0, |m, _| count(m.calls_taken))
            .sorted_by(|a, b| a.calls_taken.cmp(&b.calls_taken)),
        Column::<MemberRow>::new("Last call", 9, 1, |m, env| {
            agents::ago(m.last_call, env.now)
        })
        .sorted_by(|a, b| agents::recent_first(a.last_call, b.last_call)),
        Column::<MemberRow>::new("RNA", 3, 1, |m, _| Cow::Owned(m.ring_no_answer.to_string()))
            .sorted_by(|a, b| a.ring_no_answer.cmp(&b.ring_no_answer)),
        Column::<MemberRow>::new("Device", 11, 3, |m, _| Cow::Borrowed(m.status.label()))
            .styled(|m, env| env.theme.tone(peer_tone(m.status.label()))),
        Column::new("Interface", 14, 4, |m, _| Cow::Borrowed(&m.interface)),
    ]
}

type CallerRow<'a> = &'a QueueCaller;

/// `waiting`, or `ringing Alice, Bob`: who is rung for the caller.
fn caller_state(caller: &QueueCaller, env: &CellContext) -> String {
    env.state.queues.waiting(&caller.uniqueid).map_or_else(
        || "waiting".to_owned(),
        |(queue, c)| queue.caller_state(c).to_string(),
    )
}

pub fn caller_columns<'a>() -> [Column<CallerRow<'a>>; 5] {
    [
        Column::<CallerRow>::new("Pos", 4, 0, |c, _| count(c.position.map(u64::from)))
            .sorted_by(|a, b| a.position.cmp(&b.position)),
        Column::<CallerRow>::new("Caller ID", 16, 0, |c, _| {
            caller_id(&c.caller_id_name, &c.caller_id_num)
        })
        .sorted_by(|a, b| a.caller_id_num.cmp(&b.caller_id_num)),
        Column::<CallerRow>::new("Wait", 7, 0, |c, env| seconds(wait(c, env.now)))
            .styled(|_, env| env.theme.tone(Tone::Alert))
            .sorted_by(|a, b| {
                b.joined_at
                    .unwrap_or(0.0)
                    .total_cmp(&a.joined_at.unwrap_or(0.0))
            }),
        Column::<CallerRow>::new("State", 14, 0, |c, env| Cow::Owned(caller_state(c, env)))
            .styled(|c, env| {
                if c.uniqueid.is_empty() || caller_state(c, env) == "waiting" {
                    Style::default()
                } else {
                    env.theme.tone(Tone::Alert)
                }
            })
            // The order of callers ringing someone is by their position.
            .sorted_by(|a, b| a.position.cmp(&b.position)),
        Column::new("Channel", 16, 1, |c, _| Cow::Borrowed(&c.channel)),
    ]
}

/// One row per queue.
pub struct Queues;

impl Sorted for Queues {
    type Row<'a> = QueueRow<'a>;
    const ID: TableId = TableId::Queues;
    const EMPTY: &'static str = "no queues";

    fn columns<'a>(&self) -> Vec<Column<QueueRow<'a>>> {
        queue_columns().into()
    }

    fn all<'a>(&self, state: &'a State, _: &View) -> Vec<QueueRow<'a>> {
        state.queues.by_name.values().collect()
    }

    fn tiebreak(a: &QueueRow<'_>, b: &QueueRow<'_>) -> Ordering {
        a.name.cmp(&b.name)
    }

    fn identity(&self, row: &QueueRow<'_>, _: &View) -> RowId {
        RowId::Queue(row.name.clone())
    }
}

/// The drilled-down queue, if it still exists.
pub fn drilled<'a>(state: &'a State, view: &View) -> Option<&'a Queue> {
    state.queues.get(&view.drill.as_ref()?.queue)
}

/// The name of the drilled-down queue.
fn drilled_name(view: &View) -> String {
    view.drill
        .as_ref()
        .map(|d| d.queue.clone())
        .unwrap_or_default()
}

/// The members of the drilled-down queue.
pub struct Members;

impl Sorted for Members {
    type Row<'a> = MemberRow<'a>;
    const ID: TableId = TableId::Members;
    const EMPTY: &'static str = "no members";

    fn columns<'a>(&self) -> Vec<Column<MemberRow<'a>>> {
        member_columns().into()
    }

    fn all<'a>(&self, state: &'a State, view: &View) -> Vec<MemberRow<'a>> {
        drilled(state, view).map_or_else(Vec::new, |q| q.members.iter().collect())
    }

    fn tiebreak(a: &MemberRow<'_>, b: &MemberRow<'_>) -> Ordering {
        a.interface.cmp(&b.interface)
    }

    fn identity(&self, row: &MemberRow<'_>, view: &View) -> RowId {
        RowId::Member {
            queue: drilled_name(view),
            interface: row.interface.clone(),
        }
    }
}

/// The callers waiting in the drilled-down queue.
pub struct Callers;

impl Sorted for Callers {
    type Row<'a> = CallerRow<'a>;
    const ID: TableId = TableId::Callers;
    const EMPTY: &'static str = "no callers waiting";

    fn columns<'a>(&self) -> Vec<Column<CallerRow<'a>>> {
        caller_columns().into()
    }

    fn all<'a>(&self, state: &'a State, view: &View) -> Vec<CallerRow<'a>> {
        drilled(state, view).map_or_else(Vec::new, |q| q.callers.iter().collect())
    }

    fn tiebreak(a: &CallerRow<'_>, b: &CallerRow<'_>) -> Ordering {
        a.uniqueid.cmp(&b.uniqueid)
    }

    fn identity(&self, row: &CallerRow<'_>, view: &View) -> RowId {
        RowId::Caller {
            queue: drilled_name(view),
            uniqueid: row.uniqueid.clone(),
        }
    }
}

/// Above the drilled-down queue's tables: what the queue is doing.
pub fn draw_drill_summary(frame: &mut Frame<'_>, pane_area: Rect, view: &View, env: &CellContext) {
    if let Some(drill) = &view.drill {
        let area = layout::drill_summary(pane_area);
        let callers_page = view
            .pane_tables(crate::ui::panes::Pane::Queues, pane_area)
            .into_iter()
            .find(|(id, _)| *id == TableId::Callers)
            .map_or(0, |(_, area)| layout::body_rows(area));
        let hidden = drill.rows.callers.saturating_sub(callers_page);
        draw_summary(frame, area, drilled(env.state, view), drill, hidden, env);
    }
}

/// `▸ support · 2 in · 1 free · 5 waiting (longest 1:05) · ringall`, and
/// how many callers are out of sight (the callers table scrolls to them).
fn draw_summary(
    frame: &mut Frame<'_>,
    area: Rect,
    queue: Option<&Queue>,
    drill: &Drill,
    hidden: usize,
    env: &CellContext,
) {
    let line = match queue {
        None => Line::styled(format!("▸ {}: gone", drill.queue), env.theme.dim()),
        Some(q) => {
            let mut facts = format!(
                " · {} in · {} free · {} waiting",
                logged_in(q),
                available(q),
                q.callers.len()
            );
            if let Some(longest) = longest_wait(q, env.now) {
                facts.push_str(&format!(" (longest {})", text::duration(longest as f64)));
            }
            let mut spans = vec![
                Span::styled(format!("▸ {}", q.name), env.theme.heading()),
                Span::raw(facts),
            ];
            if hidden > 0 {
                spans.push(Span::styled(
                    format!(" · {hidden} not shown, Tab ↓"),
                    env.theme.tone(Tone::Alert),
                ));
            }
            if !q.params.strategy.is_empty() {
                spans.push(Span::raw(format!(" · {}", q.params.strategy)));
            }
            Line::from(spans)
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ami::Message;
    use crate::ui::theme::Theme;

    fn apply(state: &mut State, pairs: &[(&str, &str)]) {
        state.apply(&Message::from_pairs(pairs.iter().copied()), 1_000.0);
    }

    /// Longest wait and service level turn red past `[thresholds]` (60 s,
    /// 80 % by default), and only then.
    #[test]
    fn figures_over_a_threshold_are_coloured() {
        let mut state = State::new();
        let params = |queue, perf| {
            [
                ("Event", "QueueParams"),
                ("Queue", queue),
                ("Completed", "10"),
                ("ServiceLevel", "30"),
                ("ServicelevelPerf", perf),
            ]
        };
        apply(&mut state, &params("calm", "90.0"));
        apply(&mut state, &params("late", "70.0"));
        for (queue, wait) in [("calm", "20"), ("late", "75")] {
            let entry = [
                ("Event", "QueueEntry"),
                ("Queue", queue),
                ("Uniqueid", queue),
                ("Position", "1"),
                ("Wait", wait),
            ];
            apply(&mut state, &entry);
        }
        let env = CellContext {
            state: &state,
            now: 1_000.0,
            theme: Theme::new(true),
        };
        let columns = queue_columns();
        let style = |title: &str, queue: &str| {
            let column = columns.iter().find(|c| c.title == title).unwrap();
            (column.style)(&state.queues.get(queue).unwrap(), &env)
        };
        let alarm = Theme::new(true).tone(Tone::Bad);
        for title in ["Longest", "SL"] {
            assert_eq!(style(title, "late"), alarm, "{title}");
            assert_eq!(style(title, "calm"), Style::default(), "{title}");
        }
        let text = |title: &str, queue: &str| {
            let column = columns.iter().find(|c| c.title == title).unwrap();
            (column.text)(&state.queues.get(queue).unwrap(), &env).into_owned()
        };
        assert_eq!(text("SL", "late"), "70%");
        assert_eq!(text("Longest", "late"), "1:15");
    }
}
