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
use crate::ui::table::{self, Column, Env, Look, plain};
use crate::ui::text;
use crate::ui::theme::{Tone, channel_tone};
use crate::ui::view::{TableId, View};

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

/// Sort key of a channel as a party, compared without formatting.
fn party_key(channel: &Channel) -> (&str, &str, &str) {
    (
        &channel.caller_id_name,
        &channel.caller_id_num,
        &channel.name,
    )
}

/// Every call, in no particular order: a bridged channel joins its
/// bridge's call; the others join the call of whoever rings them, else
/// group by Linkedid, else stand alone.
pub fn calls(state: &State) -> Vec<Call<'_>> {
    let mut calls: Vec<Call<'_>> = Vec::with_capacity(state.bridges.len() + 16);
    let mut index: FastMap<CallKey<'_>, usize> = FastMap::default();
    index.reserve(state.bridges.len());
    for bridge in state.bridges.iter() {
        index.insert(CallKey::Bridge(&bridge.id), calls.len());
        calls.push(Call {
            key: CallKey::Bridge(&bridge.id),
            bridge: Some(bridge),
            members: Vec::new(),
        });
    }
    // One pass over the channels (they are large: a second pass costs a
    // cache miss per channel); the few that dial are remembered.
    let mut diallers: Vec<&Channel> = Vec::new();
    for channel in state.channels.iter() {
        let key = own_key(channel);
        let slot = *index.entry(key).or_insert_with(|| {
            calls.push(Call {
                key,
                bridge: None,
                members: Vec::new(),
            });
            calls.len() - 1
        });
        calls[slot].members.push(channel);
        if !channel.dialing.is_empty() {
            diallers.push(channel);
        }
    }
    // A channel being rung, in no bridge yet, belongs to its dialler's call.
    for dialler in diallers {
        let target = own_key(dialler);
        for dest in dialler
            .dialing
            .iter()
            .filter_map(|id| state.channels.get(id))
        {
            let from = own_key(dest);
            if dest.bridge.is_some() || from == target {
                continue;
            }
            let (Some(&from), Some(&to)) = (index.get(&from), index.get(&target)) else {
                continue;
            };
            calls[from].members.retain(|c| !std::ptr::eq(*c, dest));
            calls[to].members.push(dest);
        }
    }
    // Empty bridges (a holding bridge nobody is in) are not calls.
    calls.retain(|call| !call.members.is_empty());
    for call in &mut calls {
        if call.members.len() > 1 {
            // The dialler first, then the oldest.
            call.members.sort_by(|a, b| {
                a.dialing
                    .is_empty()
                    .cmp(&b.dialing.is_empty())
                    .then_with(|| {
                        a.created
                            .unwrap_or(f64::MAX)
                            .total_cmp(&b.created.unwrap_or(f64::MAX))
                    })
                    .then_with(|| a.uniqueid.cmp(&b.uniqueid))
            });
        }
    }
    calls
}

/// The call a channel belongs to on its own account.
fn own_key(channel: &Channel) -> CallKey<'_> {
    match &channel.bridge {
        Some(bridge) => CallKey::Bridge(bridge),
        None if !channel.linkedid.is_empty() => CallKey::Linkedid(&channel.linkedid),
        None => CallKey::Channel(&channel.uniqueid),
    }
}

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

pub fn columns<'a>() -> [Column<Row<'a>>; 6] {
    [
        Column {
            title: "Caller",
            width: 18,
            flex: true,
            drop: 0,
            text: |c, _| party(c.caller()),
            style: plain,
            cmp: |a, b| party_key(a.caller()).cmp(&party_key(b.caller())),
        },
        Column {
            title: "Talking to / ringing",
            width: 20,
            flex: true,
            drop: 0,
            text: |c, _| Cow::Owned(others(c)),
            style: plain,
            cmp: |a, b| {
                a.others()
                    .first()
                    .map(|c| party_key(c))
                    .cmp(&b.others().first().map(|c| party_key(c)))
            },
        },
        Column {
            title: "State",
            width: 8,
            flex: false,
            drop: 0,
            text: |c, _| c.state(),
            style: |c, env| env.theme.tone(c.tone()),
            cmp: |a, b| a.state().cmp(&b.state()),
        },
        Column {
            title: "Time",
            width: 7,
            flex: false,
            drop: 0,
            text: |c, env| Cow::Owned(text::duration(duration(c, env.now))),
            style: plain,
            cmp: |a, b| {
                a.started()
                    .unwrap_or(f64::MAX)
                    .total_cmp(&b.started().unwrap_or(f64::MAX))
            },
        },
        Column {
            title: "Bridge",
            width: 18,
            flex: false,
            drop: 2,
            text: |c, _| c.bridge_kind(),
            style: plain,
            cmp: |a, b| {
                a.bridge
                    .map(|x| (&x.bridge_type, &x.technology))
                    .cmp(&b.bridge.map(|x| (&x.bridge_type, &x.technology)))
            },
        },
        Column {
            title: "Chans",
            width: 5,
            flex: false,
            drop: 1,
            text: |c, _| Cow::Owned(c.members.len().to_string()),
            style: plain,
            cmp: |a, b| a.members.len().cmp(&b.members.len()),
        },
    ]
}

/// The calls as the table shows them: filtered and sorted.
pub fn rows<'a>(state: &'a State, view: &View, env: &Env, page: usize) -> Vec<Row<'a>> {
    let mut rows = calls(state);
    let tiebreak: fn(&Row<'a>, &Row<'a>) -> Ordering = |a, b| a.key.cmp(&b.key);
    table::filter_sort(
        &mut rows,
        &columns(),
        view.table(TableId::Calls),
        env,
        tiebreak,
        page,
    );
    rows
}

pub fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    rows: &[Row<'_>],
    view: &View,
    env: &Env,
    focused: bool,
) {
    let look = Look {
        focused,
        theme: env.theme,
        empty: "no calls",
    };
    table::draw(
        frame,
        area,
        rows,
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
