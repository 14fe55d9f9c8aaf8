//! The calls pane: the model's calls (see [`crate::model::calls`]), so you
//! see who talks to whom.
//!
//! The table's order is kept in the view between frames and follows the
//! grouping's journal: after an event only the calls it touched move in
//! the order, so a frame on a busy PBX costs the rows it shows, not the
//! ten thousand channels behind them.

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::model::{Bridge, CallGroups, CallKey, Channel, State};
use crate::ui::kept_order::{FilterStamp, Followed, KeptOrder};
use crate::ui::panes::TableId;
use crate::ui::panes::channels::{caller_id, marked};
use crate::ui::selection::{RowId, TableState};
use crate::ui::sort_key::KeyWriter;
use crate::ui::table::{self, CellContext, Column, VisibleRows};
use crate::ui::tables::Table;
use crate::ui::text;
use crate::ui::theme::{Tone, channel_tone};
use crate::ui::view::View;

/// One call: its channels, the caller first.
#[derive(Debug)]
pub struct Call<'a> {
    pub key: CallKey,
    pub bridge: Option<&'a Bridge>,
    pub members: Vec<&'a Channel>,
}

impl<'a> Call<'a> {
    pub fn caller(&self) -> &'a Channel {
        self.members[0]
    }

    /// Everyone but the caller: who it talks to, or who is being rung.
    pub fn others(&self) -> &[&'a Channel] {
        &self.members[1..]
    }

    pub fn is_ringing(&self) -> bool {
        self.members
            .iter()
            .any(|c| channel_tone(&c.state) == Tone::Alert)
            || (self.bridge.is_none() && self.members.iter().any(|c| !c.dialing.is_empty()))
    }

    /// A one-word state: ringing, talking, on hold, or the caller's state.
    pub fn state(&self) -> Cow<'a, str> {
        if self.is_ringing() {
            Cow::Borrowed("ringing")
        } else if self.members.iter().any(|c| c.hold || c.music_on_hold) {
            Cow::Borrowed("on hold")
        } else if self.bridge.is_some() && self.members.len() > 1 {
            Cow::Borrowed("talking")
        } else {
            Cow::Borrowed(self.caller().state.as_str())
        }
    }

    fn tone(&self) -> Tone {
        match self.state().as_ref() {
            "ringing" => Tone::Alert,
            "on hold" => Tone::Busy,
            "talking" => Tone::Good,
            other => channel_tone(other),
        }
    }

    /// Epoch seconds the oldest channel was created.
    pub fn started(&self) -> Option<f64> {
        self.members
            .iter()
            .filter_map(|c| c.created)
            .min_by(f64::total_cmp)
    }

    /// Bridge type and technology, e.g. `basic/simple_bridge`.
    pub fn bridge_kind(&self) -> Cow<'a, str> {
        match self.bridge {
            Some(b) if !b.technology.is_empty() && !b.bridge_type.is_empty() => {
                Cow::Owned(format!("{}/{}", b.bridge_type, b.technology))
            }
            Some(b) if !b.technology.is_empty() => Cow::Borrowed(&b.technology),
            Some(b) => Cow::Borrowed(&b.bridge_type),
            None => Cow::Borrowed(""),
        }
    }
}

/// How a channel is named in a call: its caller ID, else its channel name.
pub fn party(channel: &Channel) -> Cow<'_, str> {
    let id = caller_id(&channel.caller_id_name, &channel.caller_id_num);
    if id.is_empty() {
        Cow::Borrowed(&channel.name)
    } else {
        id
    }
}

/// Call `key` of `groups` as the panes show it.
fn call<'a>(state: &'a State, groups: &CallGroups, key: &CallKey) -> Option<Call<'a>> {
    let members: Vec<&Channel> = groups
        .members(key)?
        .iter()
        .filter_map(|id| state.channels.get(id))
        .collect();
    if members.is_empty() {
        return None;
    }
    let bridge = match key {
        CallKey::Bridge(id) => state.bridges.get(id),
        _ => None,
    };
    Some(Call {
        key: key.clone(),
        bridge,
        members,
    })
}

/// The call `key`, if it still exists.
pub fn find<'a>(state: &'a State, key: &CallKey) -> Option<Call<'a>> {
    call(state, &state.calls(), key)
}

/// The order for `table`, up to date with the model's calls.
fn order<'k>(
    kept: &'k mut Followed<CallKey>,
    state: &State,
    groups: &CallGroups,
    table: &TableState,
) -> &'k mut KeptOrder<CallKey> {
    kept.follow(
        table,
        groups.mark(),
        |read| groups.changed_since(read),
        || groups.keys().cloned(),
        |column, key, keys| {
            let call = call(state, groups, key);
            if let Some(call) = &call {
                sort_key(column, call, keys);
            }
            call.is_some()
        },
    )
}
fn stamp(state: &State, env: &CellContext) -> FilterStamp {
    FilterStamp {
        now: env.now,
        revision: state.revision(),
    }
}

fn matches(
    state: &State,
    groups: &CallGroups,
    env: &CellContext,
    key: &CallKey,
    needle: &str,
) -> bool {
    call(state, groups, key).is_some_and(|call| table::matches(&columns(), &call, env, needle))
}

/// The table of calls.
pub struct Calls;

impl Table for Calls {
    type Row<'a> = Call<'a>;
    const ID: TableId = TableId::Calls;
    const EMPTY: &'static str = "no calls";

    fn columns<'a>(&self) -> Vec<Column<Row<'a>>> {
        columns().into()
    }

    /// Only the window is built.
    fn rows<'a>(&self, view: &View, env: &CellContext<'a>, page: usize) -> VisibleRows<Row<'a>> {
        let state = env.state;
        let table = view.table(Self::ID);
        let groups = state.calls();
        let mut memo = view.cache.calls.borrow_mut();
        let keys = order(&mut memo, state, &groups, table).window(
            table,
            stamp(state, env),
            page,
            |key, needle| matches(state, &groups, env, key, needle),
        );
        let window = keys
            .window
            .iter()
            .filter_map(|key| call(state, &groups, key))
            .collect();
        VisibleRows {
            total: keys.total,
            first: keys.first,
            window,
        }
    }

    fn identity(&self, row: &Row<'_>, _: &View) -> RowId {
        RowId::Call(row.key.clone())
    }

    fn position(&self, view: &View, env: &CellContext, target: &RowId) -> Option<usize> {
        let state = env.state;
        let RowId::Call(key) = target else {
            return None;
        };
        let table = view.table(Self::ID);
        let groups = state.calls();
        let mut memo = view.cache.calls.borrow_mut();
        order(&mut memo, state, &groups, table).position(
            table,
            stamp(state, env),
            key,
            |key, needle| matches(state, &groups, env, key, needle),
        )
    }
}

/// Writes the sort key of `call` for `column` (the table's order), then
/// its tiebreak (its [`CallKey`]), into `keys`.
fn sort_key(column: usize, call: &Call<'_>, keys: &mut KeyWriter) {
    let party = |keys: &mut KeyWriter, channel: &Channel| {
        keys.text(&channel.caller_id_name)
            .text(&channel.caller_id_num)
            .text(&channel.name);
    };
    match column {
        CALLER => party(keys, call.caller()),
        TALKING_TO => {
            let first = call.others().first();
            keys.present(first.is_some());
            if let Some(first) = first {
                party(keys, first);
            }
        }
        STATE => {
            keys.text(&call.state());
        }
        TIME => {
            // Shortest first: the newest call (unknown start: 0s) on top.
            keys.number(-call.started().unwrap_or(f64::MAX));
        }
        BRIDGE => {
            keys.present(call.bridge.is_some());
            if let Some(bridge) = call.bridge {
                keys.text(&bridge.bridge_type).text(&bridge.technology);
            }
        }
        CHANS => {
            keys.count(call.members.len() as u64);
        }
        // No such column: the tiebreak alone orders.
        _ => {}
    }
    keys.then();
    let (kind, id) = match &call.key {
        CallKey::Bridge(id) => (0, id),
        CallKey::Linkedid(id) => (1, id),
        CallKey::Channel(id) => (2, id),
    };
    keys.count(kind).text(id);
}

/// `a` against `b` in the order of `column`, as the table sorts them.
fn compare(column: usize, a: &Call<'_>, b: &Call<'_>) -> Ordering {
    let key = |call| {
        let mut writer = KeyWriter::default();
        sort_key(column, call, &mut writer);
        writer.finish(false)
    };
    key(a).cmp(&key(b))
}

const CALLER: usize = 0;
const TALKING_TO: usize = 1;
const STATE: usize = 2;
const TIME: usize = 3;
const BRIDGE: usize = 4;
const CHANS: usize = 5;

type Row<'a> = Call<'a>;

fn others(call: &Call<'_>, state: &State) -> String {
    state.talking_to(call.caller(), call.others())
}

/// The table's columns; their order is the one [`sort_key`] numbers.
pub fn columns<'a>() -> [Column<Row<'a>>; 6] {
    [
        Column::<Row>::new("Caller", 18, 0, |c, env| {
            let ids: Vec<&str> = c.members.iter().map(|m| m.uniqueid.as_str()).collect();
            marked(env.state, &ids, party(c.caller()))
        })
        .sorted_by(|a, b| compare(CALLER, a, b)),
        Column::<Row>::new("Talking to / ringing", 20, 0, |c, env| {
            Cow::Owned(others(c, env.state))
        })
        .sorted_by(|a, b| compare(TALKING_TO, a, b)),
        Column::<Row>::new("State", 8, 0, |c, env| {
            env.state
                .queue_call_state(&c.members)
                .map_or_else(|| c.state(), Cow::Owned)
        })
        .styled(|c, env| env.theme.tone(c.tone()))
        .sorted_by(|a, b| compare(STATE, a, b)),
        Column::<Row>::new("Time", 7, 0, |c, env| {
            Cow::Owned(text::duration(duration(c, env.now)))
        })
        .sorted_by(|a, b| compare(TIME, a, b)),
        Column::<Row>::new("Bridge", 18, 2, |c, _| c.bridge_kind())
            .sorted_by(|a, b| compare(BRIDGE, a, b)),
        Column::<Row>::new("Chans", 5, 1, |c, _| {
            Cow::Owned(c.members.len().to_string())
        })
        .sorted_by(|a, b| compare(CHANS, a, b)),
    ]
}

/// Seconds the call has lasted.
pub fn duration(call: &Call<'_>, now: f64) -> f64 {
    call.started().map_or(0.0, |t| now - t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ami::Message;

    /// Every call, in no particular order.
    fn calls(state: &State) -> Vec<Call<'_>> {
        let groups = state.calls();
        groups
            .keys()
            .filter_map(|key| call(state, &groups, key))
            .collect()
    }

    fn apply(state: &mut State, pairs: &[(&str, &str)]) {
        state.apply(&Message::from_pairs(pairs.iter().copied()), 100.0);
    }

    #[test]
    fn a_caller_alone_in_a_queue_shows_where_it_waits() {
        let mut state = State::new();
        apply(
            &mut state,
            &[
                ("Event", "Newchannel"),
                ("Channel", "SIP/trunk-00000001"),
                ("ChannelState", "6"),
                ("ChannelStateDesc", "Up"),
                ("CallerIDNum", "5551000"),
                ("Uniqueid", "1.1"),
                ("Linkedid", "1.1"),
            ],
        );
        let alone = calls(&state);
        assert_eq!(others(&alone[0], &state), "");

        apply(
            &mut state,
            &[
                ("Event", "QueueCallerJoin"),
                ("Queue", "sales"),
                ("Channel", "SIP/trunk-00000001"),
                ("Uniqueid", "1.1"),
                ("CallerIDNum", "5551000"),
                ("Position", "2"),
                ("Count", "2"),
            ],
        );
        let queued = calls(&state);
        assert_eq!(others(&queued[0], &state), "waiting in sales (#2)");
    }
}
