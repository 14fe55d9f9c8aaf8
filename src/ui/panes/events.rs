//! The event log pane: the model's ring of recent events, newest first.
//!
//! Entries are numbered by sequence (1 = the first event ever logged), so a
//! paused view and a detail view keep pointing at the same entry while new
//! events push old ones out of the ring.

use std::borrow::Cow;
use std::cmp::Ordering;

use ratatui::text::Span;

use crate::event_filter::EventFilter;
use crate::model::{LogEntry, State};
use crate::ui::panes::TableId;
use crate::ui::selection::RowId;
use crate::ui::table::Column;
use crate::ui::tables::Sorted;
use crate::ui::text;
use crate::ui::theme::Theme;
use crate::ui::view::View;

/// One logged event and its sequence number.
pub type Row<'a> = (u64, &'a LogEntry);

/// Every entry still in the ring, oldest first, with its sequence number.
pub fn entries(state: &State) -> impl DoubleEndedIterator<Item = Row<'_>> {
    let first = state.log.total() - state.log.len() as u64 + 1;
    state
        .log
        .iter()
        .enumerate()
        .map(move |(i, entry)| (first + i as u64, entry))
}

/// The entry with sequence number `seq`, if still kept.
pub fn entry(state: &State, seq: u64) -> Option<&LogEntry> {
    entries(state).find(|(s, _)| *s == seq).map(|(_, e)| e)
}

fn name<'r>(row: &'r Row<'_>) -> Cow<'r, str> {
    row.1.message.event().unwrap_or_default()
}

/// The border title's note of the type filter and of a paused log.
pub fn title_extras(view: &View, theme: Theme) -> Vec<Span<'static>> {
    let mut extras = Vec::new();
    if !view.event_type.is_empty() {
        extras.push(Span::styled(
            format!(" event:{}", view.event_type),
            theme.prompt(),
        ));
    }
    if view.paused_at.is_some() {
        extras.push(Span::styled(" ⏸ paused", theme.prompt()));
    }
    extras
}

pub fn columns<'a>() -> [Column<Row<'a>>; 3] {
    [
        Column::<Row>::new("Age", 7, 0, |r, env| {
            Cow::Owned(text::duration(env.now - r.1.time))
        })
        .styled(|_, env| env.theme.dim())
        .sorted_by(|a, b| b.0.cmp(&a.0)),
        Column::<Row>::new("Event", 22, 0, |r, _| name(r)).styled(|_, env| env.theme.key()),
        Column::<Row>::new("Summary", 20, 0, |r, _| Cow::Owned(r.1.summary()))
            .sorted_by(|a, b| a.1.summary().cmp(&b.1.summary())),
    ]
}

/// The event log: entries up to the pause point, of the chosen event types
/// (globs, see [`EventFilter::typed`](crate::event_filter::EventFilter::typed)),
/// newest first.
pub struct Events;

impl Sorted for Events {
    type Row<'a> = Row<'a>;
    const ID: TableId = TableId::Events;
    const EMPTY: &'static str = "no events yet";

    fn columns<'a>(&self) -> Vec<Column<Row<'a>>> {
        columns().into()
    }

    fn all<'a>(&self, state: &'a State, view: &View) -> Vec<Row<'a>> {
        let event_type = EventFilter::typed(&view.event_type);
        let until = view.paused_at.unwrap_or(u64::MAX);
        entries(state)
            .rev()
            .filter(|(seq, _)| *seq <= until)
            .filter(|row| event_type.matches(Some(&name(row))))
            .collect()
    }

    fn tiebreak(a: &Row<'_>, b: &Row<'_>) -> Ordering {
        b.0.cmp(&a.0)
    }

    fn identity(&self, row: &Row<'_>, _: &View) -> RowId {
        RowId::Event(row.0)
    }
}
