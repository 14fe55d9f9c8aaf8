//! The calls pane: channels grouped into calls, so you see who talks to whom.
//!
//! A call is the channels of one bridge; a channel in no bridge joins the
//! call of whoever is dialling it (so a ringing call shows its caller and
//! every destination being rung), else groups by Linkedid, else stands alone.

use std::borrow::Cow;
use std::cmp::Ordering;

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::model::{Bridge, Channel, State};
use crate::ui::fasthash::FastMap;
use crate::ui::panes::channels::caller_id;
use crate::ui::sort_key::SortKeys;
use crate::ui::table::{self, Column, Env, Look, Window, plain};
use crate::ui::text;
use crate::ui::theme::{Tone, channel_tone};
use crate::ui::view::{TableId, TableState, View};

/// What holds a call together; stable while the call lasts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CallKey<'a> {
    Bridge(&'a str),
    Linkedid(&'a str),
    /// A channel on its own (no bridge, no Linkedid: AMI 1.x).
    Channel(&'a str),
}

impl std::fmt::Display for CallKey<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallKey::Bridge(id) => write!(f, "bridge:{id}"),
            CallKey::Linkedid(id) => write!(f, "linkedid:{id}"),
            CallKey::Channel(id) => write!(f, "channel:{id}"),
        }
    }
}

/// One call: its channels, the caller first.
#[derive(Debug)]
pub struct Call<'a> {
    pub key: CallKey<'a>,
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

/// Every call, in no particular order: a bridged channel joins its
/// bridge's call; the others join the call of whoever rings them, else
/// group by Linkedid, else stand alone.
pub fn calls(state: &State) -> Vec<Call<'_>> {
    let lookup = Lookup::of(state);
    let grouping = Grouping::of(state, &lookup);
    (0..grouping.calls.len())
        .filter_map(|call| grouping.call(call, &lookup))
        .collect()
}

/// The model's channels and bridges in its iteration order, which stays
/// the same while the model does: a [`Grouping`] names them by position,
/// so it can be kept between frames without borrowing the model.
struct Lookup<'a> {
    channels: Vec<&'a Channel>,
    bridges: Vec<&'a Bridge>,
}

impl<'a> Lookup<'a> {
    fn of(state: &'a State) -> Lookup<'a> {
        Lookup {
            channels: state.channels.iter().collect(),
            bridges: state.bridges.iter().collect(),
        }
    }

    fn channel(&self, position: u32) -> Option<&'a Channel> {
        self.channels.get(position as usize).copied()
    }
}

/// Where a call's key comes from.
#[derive(Clone, Copy, Debug)]
enum KeyAt {
    /// The bridge at this position.
    Bridge(u32),
    /// The own key of the channel at this position (see [`own_key`]).
    Channel(u32),
}

/// One call of a [`Grouping`].
#[derive(Clone, Copy, Debug)]
struct Slot {
    key: KeyAt,
    bridge: Option<u32>,
    /// Its channels: `members[start..end]` of the grouping.
    start: u32,
    end: u32,
}

/// Channels grouped into calls, by position in a [`Lookup`].
#[derive(Debug, Default)]
struct Grouping {
    calls: Vec<Slot>,
    /// Channel positions, call after call, each call's caller first.
    members: Vec<u32>,
}

impl Grouping {
    fn of<'a>(state: &'a State, lookup: &Lookup<'a>) -> Grouping {
        let mut keys: Vec<(KeyAt, Option<u32>)> = Vec::with_capacity(lookup.bridges.len() + 16);
        let mut index: FastMap<CallKey<'a>, u32> = FastMap::default();
        index.reserve(lookup.bridges.len());
        for (position, bridge) in (0..).zip(&lookup.bridges) {
            index.insert(CallKey::Bridge(&bridge.id), position);
            keys.push((KeyAt::Bridge(position), Some(position)));
        }
        // One pass over the channels (they are large: every pass costs a
        // cache miss per channel), noting what orders a call's members and
        // the few channels that dial.
        let mut call_of: Vec<u32> = Vec::with_capacity(lookup.channels.len());
        let mut rank: Vec<(bool, f64)> = Vec::with_capacity(lookup.channels.len());
        let mut diallers: Vec<&Channel> = Vec::new();
        for (position, channel) in (0..).zip(&lookup.channels) {
            let call = *index.entry(own_key(channel)).or_insert_with(|| {
                keys.push((KeyAt::Channel(position), None));
                keys.len() as u32 - 1
            });
            call_of.push(call);
            // The dialler first, then the oldest.
            rank.push((
                channel.dialing.is_empty(),
                channel.created.unwrap_or(f64::MAX),
            ));
            if !channel.dialing.is_empty() {
                diallers.push(channel);
            }
        }
        if !diallers.is_empty() {
            join_diallers(state, lookup, &diallers, &index, &mut call_of);
        }
        Grouping::from_assignment(lookup, &keys, &call_of, &rank)
    }

    /// Lays the channels out call after call (a counting sort by call),
    /// puts each call's members in order and leaves out calls nobody is in
    /// (a holding bridge).
    fn from_assignment(
        lookup: &Lookup<'_>,
        keys: &[(KeyAt, Option<u32>)],
        call_of: &[u32],
        rank: &[(bool, f64)],
    ) -> Grouping {
        let mut starts = vec![0u32; keys.len() + 1];
        for &call in call_of {
            starts[call as usize + 1] += 1;
        }
        for call in 1..starts.len() {
            starts[call] += starts[call - 1];
        }
        let mut members = vec![0u32; call_of.len()];
        let mut next = starts.clone();
        for (position, &call) in (0..).zip(call_of) {
            members[next[call as usize] as usize] = position;
            next[call as usize] += 1;
        }
        let mut calls = Vec::with_capacity(keys.len());
        for (call, &(key, bridge)) in keys.iter().enumerate() {
            let (start, end) = (starts[call], starts[call + 1]);
            if start == end {
                continue;
            }
            let group = &mut members[start as usize..end as usize];
            if group.len() > 1 {
                group.sort_by(|&a, &b| {
                    let (rank_a, rank_b) = (rank[a as usize], rank[b as usize]);
                    rank_a
                        .0
                        .cmp(&rank_b.0)
                        .then_with(|| rank_a.1.total_cmp(&rank_b.1))
                        .then_with(|| {
                            let id = |p| lookup.channel(p).map(|c| c.uniqueid.as_str());
                            id(a).cmp(&id(b))
                        })
                });
            }
            calls.push(Slot {
                key,
                bridge,
                start,
                end,
            });
        }
        Grouping { calls, members }
    }

    /// Call `call` as the panes show it.
    fn call<'a>(&self, call: usize, lookup: &Lookup<'a>) -> Option<Call<'a>> {
        let mut members = Vec::new();
        self.call_into(call, lookup, &mut members)
    }

    /// Like [`Grouping::call`], reusing `members` for the channel list.
    fn call_into<'a>(
        &self,
        call: usize,
        lookup: &Lookup<'a>,
        members: &mut Vec<&'a Channel>,
    ) -> Option<Call<'a>> {
        let slot = self.calls.get(call)?;
        let key = match slot.key {
            KeyAt::Bridge(position) => CallKey::Bridge(&lookup.bridges.get(position as usize)?.id),
            KeyAt::Channel(position) => own_key(lookup.channel(position)?),
        };
        let bridge = match slot.bridge {
            Some(position) => Some(*lookup.bridges.get(position as usize)?),
            None => None,
        };
        members.clear();
        for &position in self.members.get(slot.start as usize..slot.end as usize)? {
            members.push(lookup.channel(position)?);
        }
        Some(Call {
            key,
            bridge,
            members: std::mem::take(members),
        })
    }
}

/// A channel being rung, in no bridge yet, belongs to its dialler's call.
fn join_diallers<'a>(
    state: &'a State,
    lookup: &Lookup<'a>,
    diallers: &[&'a Channel],
    index: &FastMap<CallKey<'a>, u32>,
    call_of: &mut [u32],
) {
    // Positions by address: the model answers a Uniqueid with a reference.
    let mut by_address: Vec<(usize, u32)> = (0..)
        .zip(&lookup.channels)
        .map(|(position, channel)| (std::ptr::from_ref(*channel) as usize, position))
        .collect();
    by_address.sort_unstable();
    for dialler in diallers {
        let own = own_key(dialler);
        let Some(&target) = index.get(&own) else {
            continue;
        };
        for dest in dialler
            .dialing
            .iter()
            .filter_map(|id| state.channels.get(id))
        {
            if dest.bridge.is_some() || own_key(dest) == own {
                continue;
            }
            let address = std::ptr::from_ref(dest) as usize;
            if let Ok(found) = by_address.binary_search_by_key(&address, |&(a, _)| a) {
                call_of[by_address[found].1 as usize] = target;
            }
        }
    }
}

/// The call a channel belongs to on its own account.
fn own_key(channel: &Channel) -> CallKey<'_> {
    match &channel.bridge {
        Some(bridge) => CallKey::Bridge(bridge),
        None if !channel.linkedid.is_empty() => CallKey::Linkedid(&channel.linkedid),
        None => CallKey::Channel(&channel.uniqueid),
    }
}

/// What the calls table keeps between frames: the grouping, for as long as
/// the model stays the same, and the order of its rows for the table's
/// current sort and filter.
#[derive(Debug, Default)]
pub struct Memo {
    grouping: Grouping,
    order: Option<Order>,
}

/// The calls that pass the filter, ordered up to `sorted`.
#[derive(Debug)]
struct Order {
    sort: usize,
    reverse: bool,
    filter: String,
    /// When filtering, the time the texts were matched at (durations are
    /// texts too); `None` when not filtering.
    now: Option<u64>,
    keys: SortKeys,
    /// Indexes into `grouping.calls`.
    rows: Vec<u32>,
    sorted: usize,
}

impl Order {
    fn matches(&self, table: &TableState, env: &Env) -> bool {
        let now = (!table.filter.is_empty()).then(|| env.now.to_bits());
        self.sort == table.sort
            && self.reverse == table.reverse
            && self.filter == table.filter
            && self.now == now
    }

    /// Filters the calls and writes each one's sort key, once.
    fn new(grouping: &Grouping, lookup: &Lookup<'_>, table: &TableState, env: &Env) -> Order {
        let columns = columns();
        let needle = table.filter.to_lowercase();
        let mut keys = SortKeys::with_capacity(grouping.calls.len());
        let mut rows = Vec::with_capacity(grouping.calls.len());
        let mut scratch = Vec::new();
        for index in 0..grouping.calls.len() {
            let Some(call) = grouping.call_into(index, lookup, &mut scratch) else {
                continue;
            };
            if table::matches(&columns, &call, env, &needle) {
                sort_key(table.sort, &call, &mut keys);
                rows.push(index as u32);
            }
            scratch = call.members;
        }
        Order {
            sort: table.sort,
            reverse: table.reverse,
            filter: table.filter.clone(),
            now: (!needle.is_empty()).then(|| env.now.to_bits()),
            keys,
            rows,
            sorted: 0,
        }
    }
}

/// Writes the sort key of `call` for `column` (the table's order), then
/// its tiebreak (its [`CallKey`]), into `keys`.
fn sort_key(column: usize, call: &Call<'_>, keys: &mut SortKeys) {
    let party = |keys: &mut SortKeys, channel: &Channel| {
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
            keys.number(call.started().unwrap_or(f64::MAX));
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
    let (kind, id) = match call.key {
        CallKey::Bridge(id) => (0, id),
        CallKey::Linkedid(id) => (1, id),
        CallKey::Channel(id) => (2, id),
    };
    keys.count(kind).text(id).row();
}

/// `a` against `b` in the order of `column`, as the table sorts them.
fn compare(column: usize, a: &Call<'_>, b: &Call<'_>) -> Ordering {
    let mut keys = SortKeys::default();
    sort_key(column, a, &mut keys);
    sort_key(column, b, &mut keys);
    keys.cmp(0, 1, false)
}

const CALLER: usize = 0;
const TALKING_TO: usize = 1;
const STATE: usize = 2;
const TIME: usize = 3;
const BRIDGE: usize = 4;
const CHANS: usize = 5;

type Row<'a> = Call<'a>;

fn others(call: &Call<'_>) -> String {
    let names: Vec<Cow<'_, str>> = call.others().iter().map(|c| party(c)).collect();
    let names = names.join(", ");
    if call.is_ringing() && !names.is_empty() {
        format!("→ {names}")
    } else {
        names
    }
}

/// The table's columns; their order is the one [`sort_key`] numbers.
pub fn columns<'a>() -> [Column<Row<'a>>; 6] {
    [
        Column {
            title: "Caller",
            width: 18,
            flex: true,
            drop: 0,
            text: |c, _| party(c.caller()),
            style: plain,
            cmp: |a, b| compare(CALLER, a, b),
        },
        Column {
            title: "Talking to / ringing",
            width: 20,
            flex: true,
            drop: 0,
            text: |c, _| Cow::Owned(others(c)),
            style: plain,
            cmp: |a, b| compare(TALKING_TO, a, b),
        },
        Column {
            title: "State",
            width: 8,
            flex: false,
            drop: 0,
            text: |c, _| c.state(),
            style: |c, env| env.theme.tone(c.tone()),
            cmp: |a, b| compare(STATE, a, b),
        },
        Column {
            title: "Time",
            width: 7,
            flex: false,
            drop: 0,
            text: |c, env| Cow::Owned(text::duration(duration(c, env.now))),
            style: plain,
            cmp: |a, b| compare(TIME, a, b),
        },
        Column {
            title: "Bridge",
            width: 18,
            flex: false,
            drop: 2,
            text: |c, _| c.bridge_kind(),
            style: plain,
            cmp: |a, b| compare(BRIDGE, a, b),
        },
        Column {
            title: "Chans",
            width: 5,
            flex: false,
            drop: 1,
            text: |c, _| Cow::Owned(c.members.len().to_string()),
            style: plain,
            cmp: |a, b| compare(CHANS, a, b),
        },
    ]
}

/// The calls as the table shows them: how many pass the filter, and those
/// of the visible window (`page` rows tall), in order. Only the window is
/// built; the grouping and the order are kept in the view between frames
/// and redone only when the model, the sort or the filter changes.
pub struct CallRows<'a> {
    total: usize,
    first: usize,
    window: Vec<Call<'a>>,
}

impl<'a> CallRows<'a> {
    /// How many calls pass the filter.
    pub fn len(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The call at `index` in table order, if it is in the visible window.
    pub fn get(&self, index: usize) -> Option<&Call<'a>> {
        self.window.get(index.checked_sub(self.first)?)
    }
}

pub fn rows<'a>(state: &'a State, view: &View, env: &Env, page: usize) -> CallRows<'a> {
    let table = view.table(TableId::Calls);
    let lookup = Lookup::of(state);
    let mut memo = view.cache.calls.get(state, || Memo {
        grouping: Grouping::of(state, &lookup),
        order: None,
    });
    let Memo { grouping, order } = &mut *memo;
    let order = match order {
        Some(order) if order.matches(table, env) => order,
        _ => order.insert(Order::new(grouping, &lookup, table, env)),
    };
    let (_, first) = table.window(order.rows.len(), page);
    let end = (first + page).min(order.rows.len());
    order.sorted = order
        .keys
        .order(&mut order.rows, order.sorted, end, table.reverse);
    let window = order.rows[first.min(end)..end]
        .iter()
        .filter_map(|&call| grouping.call(call as usize, &lookup))
        .collect();
    CallRows {
        total: order.rows.len(),
        first,
        window,
    }
}

pub fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    rows: &CallRows<'_>,
    view: &View,
    env: &Env,
    focused: bool,
) {
    let look = Look {
        focused,
        theme: env.theme,
        empty: "no calls",
    };
    let window = Window {
        total: rows.total,
        first: rows.first,
        rows: &rows.window,
    };
    table::draw_window(
        frame,
        area,
        window,
        &columns(),
        view.table(TableId::Calls),
        env,
        &look,
    );
}

/// Seconds the call has lasted.
pub fn duration(call: &Call<'_>, now: f64) -> f64 {
    call.started().map_or(0.0, |t| now - t)
}
