//! The conferences pane: each ConfBridge or MeetMe room (locked,
//! recording, how many are in it) followed by its members (talking,
//! muted, admin or marked, since when), what `confbridge list` shows.
//!
//! Rooms and members share one table so a room's lock and its members'
//! mute are acted on from the same place. Every column orders by room
//! first, the room's own row before its members, so a sort only reorders
//! the members within their room.

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::model::{Conference, ConferenceApp, ConferenceMember, State};
use crate::ui::panes::TableId;
use crate::ui::panes::channels::caller_id;
use crate::ui::selection::RowId;
use crate::ui::table::{CellContext, Column};
use crate::ui::tables::Sorted;
use crate::ui::text;
use crate::ui::theme::Tone;
use crate::ui::view::View;

/// One row: a room, or one of its members.
#[derive(Clone, Copy, Debug)]
pub enum Row<'a> {
    Room(&'a Conference),
    Member(&'a Conference, &'a ConferenceMember),
}

impl<'a> Row<'a> {
    fn room(&self) -> &'a Conference {
        match self {
            Row::Room(room) | Row::Member(room, _) => room,
        }
    }

    fn member(&self) -> Option<&'a ConferenceMember> {
        match self {
            Row::Room(_) => None,
            Row::Member(_, member) => Some(member),
        }
    }

    /// The room's name on its own row, indented on its members' (still
    /// there, so a filter on the room keeps its members).
    fn room_text(&self) -> Cow<'a, str> {
        match self {
            Row::Room(room) => Cow::Borrowed(&room.name),
            Row::Member(room, _) => Cow::Owned(format!("  {}", room.name)),
        }
    }

    /// A member's caller ID (else its channel); a room's size and kind.
    fn who(&self) -> Cow<'a, str> {
        match self {
            Row::Room(room) => Cow::Owned(room_size(room)),
            Row::Member(_, member) => {
                let id = caller_id(&member.caller_id_name, &member.caller_id_num);
                if id.is_empty() {
                    Cow::Borrowed(&member.channel)
                } else {
                    id
                }
            }
        }
    }

    fn channel(&self) -> &'a str {
        self.member().map_or("", |m| m.channel.as_str())
    }

    /// `talking muted admin`, `locked recording`: what is true, in words.
    fn flags(&self) -> String {
        let flags: &[(bool, &str)] = match self {
            Row::Room(room) => &[(room.locked, "locked"), (room.recording, "recording")],
            Row::Member(_, m) => &[
                (m.talking, "talking"),
                (m.muted, "muted"),
                (m.admin, "admin"),
                (m.marked, "marked"),
                (m.waiting, "waiting"),
            ],
        };
        flags
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, word)| *word)
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn tone(&self) -> Tone {
        match self {
            Row::Room(room) if room.locked => Tone::Alert,
            Row::Room(_) => Tone::Neutral,
            Row::Member(_, m) if m.talking => Tone::Good,
            Row::Member(_, m) if m.muted => Tone::Idle,
            Row::Member(..) => Tone::Neutral,
        }
    }

    fn joined(&self, now: f64) -> Cow<'static, str> {
        match self.member().and_then(|m| m.joined_at) {
            Some(at) => Cow::Owned(text::duration(now - at)),
            None => Cow::Borrowed(""),
        }
    }

    /// Orders by room, the room's row first, then by `then` on members.
    fn grouped(a: &Row, b: &Row, then: impl Fn(&Row, &Row) -> Ordering) -> Ordering {
        (a.room().name.cmp(&b.room().name))
            .then_with(|| a.member().is_some().cmp(&b.member().is_some()))
            .then_with(|| then(a, b))
    }
}

/// `ConfBridge, 3 members (+1 hidden)`: the hidden ones are the room's
/// announcer and recorder channels, counted by its bridge only.
fn room_size(room: &Conference) -> String {
    let app = match room.app {
        ConferenceApp::ConfBridge => "ConfBridge",
        ConferenceApp::MeetMe => "MeetMe",
    };
    let members = match room.members.len() {
        1 => "1 member".to_owned(),
        n => format!("{n} members"),
    };
    match room.hidden_channels() {
        0 => format!("{app}, {members}"),
        hidden => format!("{app}, {members} (+{hidden} hidden)"),
    }
}

fn joined_at(row: &Row) -> f64 {
    row.member()
        .and_then(|m| m.joined_at)
        .unwrap_or(f64::INFINITY)
}

pub fn columns<'a>() -> [Column<Row<'a>>; 5] {
    [
        Column::<Row>::new("Room", 14, 0, |r, _| r.room_text())
            .styled(|r, env: &CellContext| match r {
                Row::Room(_) => env.theme.heading(),
                Row::Member(..) => env.theme.dim(),
            })
            .sorted_by(|a, b| Row::grouped(a, b, |_, _| Ordering::Equal)),
        Column::<Row>::new("Member", 24, 0, |r, _| r.who())
            .sorted_by(|a, b| Row::grouped(a, b, |a, b| a.who().cmp(&b.who()))),
        Column::<Row>::new("Channel", 22, 2, |r, _| Cow::Borrowed(r.channel()))
            .styled(|_, env| env.theme.dim())
            .sorted_by(|a, b| Row::grouped(a, b, |a, b| a.channel().cmp(b.channel()))),
        Column::<Row>::new("State", 20, 0, |r, _| Cow::Owned(r.flags()))
            .styled(|r, env| env.theme.tone(r.tone()))
            .sorted_by(|a, b| Row::grouped(a, b, |a, b| a.flags().cmp(&b.flags()))),
        Column::<Row>::new("Joined", 8, 1, |r, env| r.joined(env.now))
            // The longest in the room first.
            .sorted_by(|a, b| Row::grouped(a, b, |a, b| joined_at(a).total_cmp(&joined_at(b)))),
    ]
}

/// Every conference room, each followed by its members.
pub struct Conferences;

impl Sorted for Conferences {
    type Row<'a> = Row<'a>;
    const ID: TableId = TableId::Conferences;
    const EMPTY: &'static str = "no conference rooms";

    fn columns<'a>(&self) -> Vec<Column<Row<'a>>> {
        columns().into()
    }

    fn all<'a>(&self, state: &'a State, _: &View) -> Vec<Row<'a>> {
        state
            .conferences
            .rooms
            .values()
            .flat_map(|room| {
                std::iter::once(Row::Room(room))
                    .chain(room.members.values().map(move |m| Row::Member(room, m)))
            })
            .collect()
    }

    fn tiebreak(a: &Row<'_>, b: &Row<'_>) -> Ordering {
        Row::grouped(a, b, |a, b| a.channel().cmp(b.channel()))
    }

    fn identity(&self, row: &Row<'_>, _: &View) -> RowId {
        match row {
            Row::Room(room) => RowId::Conference(room.name.clone()),
            Row::Member(room, member) => RowId::ConferenceMember {
                room: room.name.clone(),
                uniqueid: member.uniqueid.clone(),
            },
        }
    }
}
