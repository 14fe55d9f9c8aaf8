//! The registrations and peers pane: outbound registrations (this server
//! registering elsewhere), peers/contacts (phones registering here) and
//! DAHDI channels (the ports of telephony cards, with their alarms).

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::model::registry::{Peer, PeerState, Registration, RegistrationState};
use crate::model::{DahdiChannel, State};
use crate::ui::panes::TableId;
use crate::ui::selection::RowId;
use crate::ui::table::Column;
use crate::ui::tables::Sorted;
use crate::ui::text;
use crate::ui::theme::peer_tone;
use crate::ui::view::View;

/// One row: a registration or a peer, with its registry key, or a DAHDI
/// channel.
#[derive(Clone, Copy, Debug)]
pub enum Row<'a> {
    Registration(&'a (String, String), &'a Registration),
    Peer(&'a (String, String), &'a Peer),
    Dahdi(&'a DahdiChannel),
}

impl<'a> Row<'a> {
    pub fn target(&self) -> RowId {
        match self {
            Row::Registration(key, _) => RowId::Registration(key.0.clone(), key.1.clone()),
            Row::Peer(key, _) => RowId::Peer(key.0.clone(), key.1.clone()),
            Row::Dahdi(port) => RowId::Dahdi(port.number),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Row::Registration(..) => "reg",
            Row::Peer(..) => "peer",
            Row::Dahdi(..) => "dahdi",
        }
    }

    fn name(&self) -> Cow<'a, str> {
        match self {
            Row::Registration(_, r) => Cow::Owned(format!("{}/{}", r.technology, r.name)),
            Row::Peer(_, p) => Cow::Borrowed(&p.id),
            Row::Dahdi(port) => Cow::Owned(port.id()),
        }
    }

    /// The state as the server wrote it, else its normalised label;
    /// without the round trip of `OK (1 ms)`, which the Latency column
    /// beside it shows.
    fn state(&self) -> &'a str {
        let (text, label) = match self {
            Row::Registration(_, r) => (&r.state_text, r.state.label()),
            Row::Peer(_, p) => (&p.state_text, p.state.label()),
            Row::Dahdi(port) => (&port.alarm, "unknown"),
        };
        let text = match text.split_once(" (") {
            Some((word, round_trip)) if round_trip.ends_with("ms)") => word,
            _ => text.as_str(),
        };
        if text.is_empty() { label } else { text }
    }

    fn trouble(&self) -> u8 {
        match self {
            Row::Registration(_, r) => trouble_of_registration(r.state),
            Row::Peer(_, p) => trouble_of_peer(p.state),
            Row::Dahdi(port) => trouble_of_dahdi(port),
        }
    }

    fn latency_ms(&self) -> Option<f64> {
        match self {
            Row::Registration(..) | Row::Dahdi(..) => None,
            Row::Peer(_, p) => p.latency_ms,
        }
    }

    /// `12 ms`, or nothing.
    fn latency(&self) -> Cow<'static, str> {
        self.latency_ms()
            .map_or(Cow::Borrowed(""), |ms| Cow::Owned(format!("{ms:.0} ms")))
    }

    /// A DAHDI port's signalling and description (`FXS Kewlstart, Line 1`).
    fn description(&self) -> Cow<'a, str> {
        match self {
            Row::Registration(..) => Cow::Borrowed(""),
            Row::Peer(_, p) => Cow::Borrowed(&p.description),
            Row::Dahdi(port) if port.description.is_empty() => Cow::Borrowed(&port.signalling),
            Row::Dahdi(port) => Cow::Owned(format!("{}, {}", port.signalling, port.description)),
        }
    }

    fn tone_text(&self) -> &'static str {
        match self {
            Row::Registration(_, r) => r.state.label(),
            Row::Peer(_, p) => p.state.label(),
            Row::Dahdi(port) if port.in_alarm() => "unreachable",
            Row::Dahdi(_) => "reachable",
        }
    }

    fn host(&self) -> Cow<'a, str> {
        match self {
            Row::Registration(_, r) => match r.port {
                Some(port) => Cow::Owned(format!("{}:{port}", r.host)),
                None => Cow::Borrowed(&r.host),
            },
            Row::Peer(_, p) => Cow::Borrowed(&p.address),
            Row::Dahdi(port) => Cow::Borrowed(&port.context),
        }
    }

    /// A DAHDI port's channel while it is in a call.
    fn user(&self) -> &'a str {
        match self {
            Row::Registration(_, r) => &r.username,
            Row::Peer(_, p) => &p.contact,
            Row::Dahdi(port) => &port.channel,
        }
    }

    /// Registrations: when they last registered; peers: latency or cause.
    /// When the state last changed, or for a registration when it last
    /// succeeded; with the cause of a failure.
    fn info(&self, now: f64) -> Cow<'a, str> {
        match (self.changed(), self.cause()) {
            (Some(t), "") => Cow::Owned(format!("{} ago", text::duration(now - t))),
            (Some(t), cause) => Cow::Owned(format!("{} ago, {cause}", text::duration(now - t))),
            (None, cause) => Cow::Borrowed(cause),
        }
    }

    fn changed(&self) -> Option<f64> {
        match self {
            // The server's own registration time is the better clock.
            Row::Registration(_, r) if r.state == RegistrationState::Registered => {
                r.registered_at.or(r.changed_at)
            }
            Row::Registration(_, r) => r.changed_at,
            Row::Peer(_, p) => p.changed_at,
            Row::Dahdi(_) => None,
        }
    }

    fn cause(&self) -> &'a str {
        match self {
            Row::Registration(_, r) => &r.cause,
            Row::Peer(_, p) => &p.cause,
            Row::Dahdi(port) if port.dnd => "do not disturb",
            Row::Dahdi(_) => "",
        }
    }
}

pub fn columns<'a>() -> [Column<Row<'a>>; 8] {
    [
        Column::<Row>::new("State", 11, 0, |r, _| Cow::Borrowed(r.state()))
            .styled(|r, env| env.theme.tone(peer_tone(r.tone_text())))
            // Trouble first: the default sort shows what is down on top.
            .sorted_by(|a, b| (a.trouble(), a.tone_text()).cmp(&(b.trouble(), b.tone_text()))),
        Column::<Row>::new("Latency", 7, 2, |r, _| r.latency()).sorted_by(|a, b| {
            let ms = |r: &Row| r.latency_ms().unwrap_or(f64::INFINITY);
            ms(a).total_cmp(&ms(b))
        }),
        Column::<Row>::new("Name", 16, 0, |r, _| r.name())
            .sorted_by(|a, b| a.name().cmp(&b.name())),
        Column::<Row>::new("Kind", 4, 5, |r, _| Cow::Borrowed(r.kind()))
            .styled(|_, env| env.theme.dim()),
        Column::<Row>::new("Description", 14, 3, |r, _| r.description())
            .sorted_by(|a, b| a.description().cmp(&b.description())),
        Column::<Row>::new("Host", 16, 1, |r, _| r.host())
            .sorted_by(|a, b| a.host().cmp(&b.host())),
        Column::new("User / contact", 14, 4, |r, _| Cow::Borrowed(r.user())),
        Column::<Row>::new("Last change", 18, 0, |r, env| r.info(env.now))
            .styled(|_, env| env.theme.dim())
            .sorted_by(|a, b| {
                // The most recent change ("5s ago") first.
                let at = |r: &Row| r.changed().unwrap_or(f64::NEG_INFINITY);
                at(b).total_cmp(&at(a))
            }),
    ]
}

/// How bad a row's state is, worst first: a refused registration, an
/// unreachable peer or a failed outbound registration, a lagged peer,
/// then what is merely not there, and last what works.
fn trouble_of_peer(state: PeerState) -> u8 {
    match state {
        PeerState::Rejected => 0,
        PeerState::Unreachable => 1,
        PeerState::Lagged => 2,
        PeerState::Unregistered => 3,
        PeerState::Unknown => 4,
        PeerState::Unmonitored => 5,
        PeerState::Registered | PeerState::Reachable => 6,
    }
}

/// A DAHDI port in alarm (red, yellow, blue...) is down.
fn trouble_of_dahdi(port: &DahdiChannel) -> u8 {
    if port.in_alarm() { 1 } else { 6 }
}

fn trouble_of_registration(state: RegistrationState) -> u8 {
    match state {
        RegistrationState::Failed => 1,
        RegistrationState::Unregistered | RegistrationState::Pending => 3,
        RegistrationState::Unknown => 4,
        RegistrationState::Registered => 6,
    }
}

/// Rows of trouble rank up to this are down.
const DOWN: u8 = 1;
const LAGGED: u8 = 2;

/// Registrations, peers and DAHDI ports that are down (refused,
/// unreachable, failed, in alarm), and peers that answer slowly: what the
/// header counts.
pub fn trouble_counts(state: &State) -> (usize, usize) {
    let registry = &state.registry;
    let ranks = registry
        .registrations
        .values()
        .map(|r| trouble_of_registration(r.state))
        .chain(registry.peers.values().map(|p| trouble_of_peer(p.state)))
        .chain(state.dahdi.channels.values().map(trouble_of_dahdi));
    ranks.fold((0, 0), |(down, lagged), rank| {
        (
            down + usize::from(rank <= DOWN),
            lagged + usize::from(rank == LAGGED),
        )
    })
}

/// Outbound registrations, then peers and contacts, then DAHDI channels.
pub struct Registrations;

impl Sorted for Registrations {
    type Row<'a> = Row<'a>;
    const ID: TableId = TableId::Registrations;
    const EMPTY: &'static str = "no registrations or peers";

    fn columns<'a>(&self) -> Vec<Column<Row<'a>>> {
        columns().into()
    }

    fn all<'a>(&self, state: &'a State, _: &View) -> Vec<Row<'a>> {
        let registry = &state.registry;
        registry
            .registrations
            .iter()
            .map(|(k, r)| Row::Registration(k, r))
            .chain(registry.peers.iter().map(|(k, p)| Row::Peer(k, p)))
            .chain(state.dahdi.channels.values().map(Row::Dahdi))
            .collect()
    }

    fn tiebreak(a: &Row<'_>, b: &Row<'_>) -> Ordering {
        (a.kind(), a.name()).cmp(&(b.kind(), b.name()))
    }

    fn identity(&self, row: &Row<'_>, _: &View) -> RowId {
        row.target()
    }
}
