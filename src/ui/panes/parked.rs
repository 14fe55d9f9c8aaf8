//! The parked calls pane: who waits in which space of which lot, who
//! parked it, for how long, and how long until it rings the parker again
//! (what `parking show` prints on the Asterisk CLI).

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::model::{ParkedCall, State};
use crate::ui::panes::TableId;
use crate::ui::panes::channels::caller_id;
use crate::ui::selection::RowId;
use crate::ui::table::{Column, plain};
use crate::ui::tables::Sorted;
use crate::ui::text;
use crate::ui::theme::Tone;
use crate::ui::view::View;

type Row<'a> = &'a ParkedCall;

/// Seconds of timeout left under which the row turns alert-coloured: the
/// call is about to come back.
const SOON: f64 = 10.0;

/// `Alice <1001>`, else the parked channel's name.
fn parkee(call: &ParkedCall) -> Cow<'_, str> {
    let id = caller_id(&call.caller_id_name, &call.caller_id_num);
    if id.is_empty() {
        Cow::Borrowed(&call.parkee_channel)
    } else {
        id
    }
}

/// Spaces are numbers (`701`) in every lot seen; compared as numbers so
/// `710` comes after `79`, any other text after them.
fn space_order(a: &str, b: &str) -> Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

fn seconds(value: Option<f64>) -> Cow<'static, str> {
    value.map_or(Cow::Borrowed(""), |s| Cow::Owned(text::duration(s)))
}

pub fn columns<'a>() -> [Column<Row<'a>>; 7] {
    [
        Column::<Row>::new("Space", 6, 0, |c, _| Cow::Borrowed(&c.space))
            .styled(|_, env| env.theme.tone(Tone::Busy))
            .sorted_by(|a, b| space_order(&a.space, &b.space)),
        Column::new("Lot", 12, 3, |c, _| Cow::Borrowed(&c.lot)),
        Column::new("Parked call", 22, 0, |c, _| parkee(c)),
        Column::<Row>::new("Channel", 22, 2, |c, _| Cow::Borrowed(&c.parkee_channel))
            .styled(|_, env| env.theme.dim()),
        Column::new("Parked by", 18, 1, |c, _| Cow::Borrowed(&c.parker)),
        Column::<Row>::new("Parked", 8, 0, |c, env| seconds(c.parked_for(env.now)))
            // The longest wait first, like an operator's panel.
            .sorted_by(|a, b| {
                let at = |c: &ParkedCall| c.parked_at.unwrap_or(f64::INFINITY);
                at(a).total_cmp(&at(b))
            }),
        Column::<Row>::new("Timeout in", 10, 0, |c, env| {
            seconds(c.timeout_left(env.now))
        })
        .styled(|c, env| match c.timeout_left(env.now) {
            Some(left) if left <= SOON => env.theme.tone(Tone::Alert),
            _ => plain(&c, env),
        })
        .sorted_by(|a, b| {
            let at = |c: &ParkedCall| c.timeout_at.unwrap_or(f64::INFINITY);
            at(a).total_cmp(&at(b))
        }),
    ]
}

/// Every call waiting in a parking space.
pub struct Parked;

impl Sorted for Parked {
    type Row<'a> = Row<'a>;
    const ID: TableId = TableId::Parked;
    const EMPTY: &'static str = "no parked calls (park one with K on a channel)";

    fn columns<'a>(&self) -> Vec<Column<Row<'a>>> {
        columns().into()
    }

    fn all<'a>(&self, state: &'a State, _: &View) -> Vec<Row<'a>> {
        state.parking.calls.values().collect()
    }

    fn tiebreak(a: &Row<'_>, b: &Row<'_>) -> Ordering {
        a.lot
            .cmp(&b.lot)
            .then_with(|| space_order(&a.space, &b.space))
    }

    fn identity(&self, row: &Row<'_>, _: &View) -> RowId {
        RowId::Parked {
            lot: row.lot.clone(),
            space: row.space.clone(),
        }
    }
}
