//! The channels pane: every live channel, one row each.

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::model::{Channel, State};
use crate::ui::kept_order::{FilterStamp, Followed, KeptOrder};
use crate::ui::panes::TableId;
use crate::ui::selection::{RowId, TableState};
use crate::ui::sort_key::KeyWriter;
use crate::ui::table::{self, CellContext, Column, VisibleRows};
use crate::ui::tables::Table;
use crate::ui::text;
use crate::ui::theme::channel_tone;
use crate::ui::view::View;

type Row<'a> = &'a Channel;

/// `Alice <1001>`, or whichever half is known.
pub fn caller_id<'a>(name: &'a str, number: &'a str) -> Cow<'a, str> {
    match (name.is_empty(), number.is_empty()) {
        (false, false) if name != number => Cow::Owned(format!("{name} <{number}>")),
        (false, _) => Cow::Borrowed(name),
        _ => Cow::Borrowed(number),
    }
}

/// What the channel is doing: `Dial(SIP/bob)`, else `1001@default`.
pub fn activity(channel: &Channel) -> Cow<'_, str> {
    if !channel.application.is_empty() {
        Cow::Owned(format!("{}({})", channel.application, channel.app_data))
    } else if !channel.exten.is_empty() || !channel.context.is_empty() {
        Cow::Owned(format!("{}@{}", channel.exten, channel.context))
    } else {
        Cow::Borrowed("")
    }
}

/// `hold`, `moh`, both, or nothing.
pub fn hold_flags(channel: &Channel) -> &'static str {
    match (channel.hold, channel.music_on_hold) {
        (true, true) => "hold+moh",
        (true, false) => "hold",
        (false, true) => "moh",
        (false, false) => "",
    }
}

/// The marks of a supervised channel, put before its name: `●` it is
/// being recorded, `◉` a supervisor listens to it.
pub fn supervision_mark(state: &State, uniqueid: &str) -> &'static str {
    let recorded = state.supervision.recording(uniqueid).is_some();
    let spied = state.is_spied(uniqueid);
    match (recorded, spied) {
        (true, true) => "●◉ ",
        (true, false) => "● ",
        (false, true) => "◉ ",
        (false, false) => "",
    }
}

/// `text` after the marks of the channels `uniqueids` (see
/// [`supervision_mark`]), the first channel's marks first.
pub fn marked<'a>(state: &State, uniqueids: &[&str], text: Cow<'a, str>) -> Cow<'a, str> {
    let mark = (uniqueids.iter())
        .map(|id| supervision_mark(state, id))
        .find(|mark| !mark.is_empty());
    match mark {
        Some(mark) => Cow::Owned(format!("{mark}{text}")),
        None => text,
    }
}

/// Seconds since the channel was created (0 when unknown).
pub fn age(channel: &Channel, now: f64) -> f64 {
    channel.created.map_or(0.0, |created| now - created)
}

/// Shortest first, like every column ascending: the newest channel (and
/// one of unknown age, shown as 0s) on top.
fn by_created(a: &Channel, b: &Channel) -> Ordering {
    b.created
        .unwrap_or(f64::MAX)
        .total_cmp(&a.created.unwrap_or(f64::MAX))
}

/// Whom the channel talks to (its bridge peers), else whom it is
/// dialling (`→ Bob`), named as the calls pane names them: a queue call's
/// agent, a peer by its own identity rather than an echo of ours; a
/// caller alone in a queue, where it waits.
pub fn bridged_to(channel: &Channel, state: &State) -> String {
    let ids = if channel.peers.is_empty() {
        &channel.dialing
    } else {
        &channel.peers
    };
    let others: Vec<&Channel> = ids.iter().filter_map(|id| state.channels.get(id)).collect();
    state.talking_to(channel, &others)
}

pub fn columns<'a>() -> [Column<Row<'a>>; 9] {
    [
        // Sorted by the name alone, not by the marks before it.
        Column::<Row>::new("Channel", 18, 0, |c, env| {
            marked(env.state, &[&c.uniqueid], Cow::Borrowed(&c.name))
        })
        .sorted_by(|a, b| a.name.cmp(&b.name)),
        Column::<Row>::new("State", 7, 0, |c, _| Cow::Borrowed(&c.state))
            .styled(|c, env| env.theme.tone(channel_tone(&c.state))),
        Column::<Row>::new("Caller ID", 16, 1, |c, _| {
            caller_id(&c.caller_id_name, &c.caller_id_num)
        })
        .sorted_by(|a, b| {
            (&a.caller_id_num, &a.caller_id_name).cmp(&(&b.caller_id_num, &b.caller_id_name))
        }),
        Column::<Row>::new("Connected", 14, 5, |c, _| {
            caller_id(&c.connected_name, &c.connected_num)
        })
        .sorted_by(|a, b| a.connected_num.cmp(&b.connected_num)),
        Column::<Row>::new("App / exten", 16, 4, |c, _| activity(c))
            .sorted_by(|a, b| (&a.application, &a.exten).cmp(&(&b.application, &b.exten))),
        Column::<Row>::new("Time", 7, 0, |c, env| {
            Cow::Owned(text::duration(age(c, env.now)))
        })
        .sorted_by(|a, b| by_created(a, b)),
        Column::<Row>::new("Talking to", 16, 2, |c, env| {
            Cow::Owned(bridged_to(c, env.state))
        })
        .sorted_by(|a, b| (&a.peers, &a.dialing).cmp(&(&b.peers, &b.dialing))),
        Column::<Row>::new("Hold", 4, 3, |c, _| Cow::Borrowed(hold_flags(c)))
            .styled(|_, env| env.theme.tone(crate::ui::theme::Tone::Busy))
            .sorted_by(|a, b| (a.hold, a.music_on_hold).cmp(&(b.hold, b.music_on_hold))),
        Column::new("Account", 8, 6, |c, _| Cow::Borrowed(&c.account_code)),
    ]
}

/// The order for `table`, up to date with `state`.
fn order<'k>(
    kept: &'k mut Followed<String>,
    state: &State,
    table: &TableState,
) -> &'k mut KeptOrder<String> {
    let changes = state.channels.changes();
    kept.follow(
        table,
        changes.mark(),
        |read| Some(changes.since(read)?.map(str::to_owned)),
        || state.channels.iter().map(|c| c.uniqueid.clone()),
        |column, id, keys| {
            let channel = state.channels.get(id);
            if let Some(channel) = channel {
                sort_key(column, channel, keys);
            }
            channel.is_some()
        },
    )
}
/// What a channel's filter is matched at, and how.
fn stamp(state: &State, env: &CellContext) -> FilterStamp {
    FilterStamp {
        now: env.now,
        revision: state.revision(),
    }
}

fn matches(state: &State, env: &CellContext, id: &str, needle: &str) -> bool {
    state
        .channels
        .get(id)
        .is_some_and(|c| table::matches(&columns(), &c, env, needle))
}

/// The table of every live channel.
pub struct Channels;

impl Table for Channels {
    type Row<'a> = Row<'a>;
    const ID: TableId = TableId::Channels;
    const EMPTY: &'static str = "no channels";

    fn columns<'a>(&self) -> Vec<Column<Row<'a>>> {
        columns().into()
    }

    fn rows<'a>(&self, view: &View, env: &CellContext<'a>, page: usize) -> VisibleRows<Row<'a>> {
        let state = env.state;
        let table = view.table(Self::ID);
        let mut memo = view.cache.channels.borrow_mut();
        let ids =
            order(&mut memo, state, table).window(table, stamp(state, env), page, |id, needle| {
                matches(state, env, id, needle)
            });
        VisibleRows {
            total: ids.total,
            first: ids.first,
            window: ids
                .window
                .iter()
                .filter_map(|id| state.channels.get(id))
                .collect(),
        }
    }

    fn identity(&self, row: &Row<'_>, _: &View) -> RowId {
        RowId::Channel(row.uniqueid.clone())
    }

    fn position(&self, view: &View, env: &CellContext, target: &RowId) -> Option<usize> {
        let state = env.state;
        let RowId::Channel(id) = target else {
            return None;
        };
        let table = view.table(Self::ID);
        let mut memo = view.cache.channels.borrow_mut();
        order(&mut memo, state, table).position(table, stamp(state, env), id, |id, needle| {
            matches(state, env, id, needle)
        })
    }
}

/// Writes the sort key of `channel` for `column`, in the order of that
/// column's `cmp`, then its tiebreak (its Uniqueid), into `keys`.
fn sort_key(column: usize, channel: &Channel, keys: &mut KeyWriter) {
    let list = |keys: &mut KeyWriter, ids: &[String]| {
        for id in ids {
            keys.present(true).text(id);
        }
        keys.present(false);
    };
    match column {
        0 => {
            keys.text(&channel.name);
        }
        1 => {
            keys.text(&channel.state);
        }
        2 => {
            keys.text(&channel.caller_id_num)
                .text(&channel.caller_id_name);
        }
        3 => {
            keys.text(&channel.connected_num);
        }
        4 => {
            keys.text(&channel.application).text(&channel.exten);
        }
        5 => {
            // As [`by_created`]: the newest first.
            keys.number(-channel.created.unwrap_or(f64::MAX));
        }
        6 => {
            list(keys, &channel.peers);
            list(keys, &channel.dialing);
        }
        7 => {
            keys.present(channel.hold).present(channel.music_on_hold);
        }
        8 => {
            keys.text(&channel.account_code);
        }
        // No such column: the tiebreak alone orders.
        _ => {}
    }
    keys.then().text(&channel.uniqueid);
}
