//! The registrations and peers pane: outbound registrations (this server
//! registering elsewhere) and peers/contacts (phones registering here).

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::model::State;
use crate::model::registry::{Peer, Registration, RegistrationState};
use crate::ui::table::{Column, plain};
use crate::ui::tables::Sorted;
use crate::ui::text;
use crate::ui::theme::peer_tone;
use crate::ui::view::{TableId, Target, View};

/// One row: a registration or a peer, with its registry key.
#[derive(Clone, Copy, Debug)]
pub enum Row<'a> {
    Registration(&'a (String, String), &'a Registration),
    Peer(&'a (String, String), &'a Peer),
}

impl<'a> Row<'a> {
    pub fn target(&self) -> Target {
        match self {
            Row::Registration(key, _) => Target::Registration(key.0.clone(), key.1.clone()),
            Row::Peer(key, _) => Target::Peer(key.0.clone(), key.1.clone()),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Row::Registration(..) => "reg",
            Row::Peer(..) => "peer",
        }
    }

    fn name(&self) -> Cow<'a, str> {
        match self {
            Row::Registration(_, r) => Cow::Owned(format!("{}/{}", r.technology, r.name)),
            Row::Peer(_, p) => Cow::Borrowed(&p.id),
        }
    }

    /// The state as the server wrote it, else its normalised label.
    fn state(&self) -> &'a str {
        let (text, label) = match self {
            Row::Registration(_, r) => (&r.state_text, r.state.label()),
            Row::Peer(_, p) => (&p.state_text, p.state.label()),
        };
        if text.is_empty() { label } else { text }
    }

    fn tone_text(&self) -> &'static str {
        match self {
            Row::Registration(_, r) => r.state.label(),
            Row::Peer(_, p) => p.state.label(),
        }
    }

    fn host(&self) -> Cow<'a, str> {
        match self {
            Row::Registration(_, r) => match r.port {
                Some(port) => Cow::Owned(format!("{}:{port}", r.host)),
                None => Cow::Borrowed(&r.host),
            },
            Row::Peer(_, p) => Cow::Borrowed(&p.address),
        }
    }

    fn user(&self) -> &'a str {
        match self {
            Row::Registration(_, r) => &r.username,
            Row::Peer(_, p) => &p.contact,
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
        }
    }

    fn cause(&self) -> &'a str {
        match self {
            Row::Registration(_, r) => &r.cause,
            Row::Peer(_, p) => &p.cause,
        }
    }
}

pub fn columns<'a>() -> [Column<Row<'a>>; 6] {
    [
        Column {
            title: "Name",
            width: 16,
            flex: true,
            drop: 0,
            text: |r, _| r.name(),
            style: plain,
            cmp: |a, b| a.name().cmp(&b.name()),
        },
        Column {
            title: "Kind",
            width: 4,
            flex: false,
            drop: 2,
            text: |r, _| Cow::Borrowed(r.kind()),
            style: |_, env| env.theme.dim(),
            cmp: |a, b| a.kind().cmp(b.kind()),
        },
        Column {
            title: "State",
            width: 12,
            flex: false,
            drop: 0,
            text: |r, _| Cow::Borrowed(r.state()),
            style: |r, env| env.theme.tone(peer_tone(r.tone_text())),
            cmp: |a, b| a.tone_text().cmp(b.tone_text()),
        },
        Column {
            title: "Host",
            width: 16,
            flex: true,
            drop: 1,
            text: |r, _| r.host(),
            style: plain,
            cmp: |a, b| a.host().cmp(&b.host()),
        },
        Column {
            title: "User / contact",
            width: 14,
            flex: true,
            drop: 3,
            text: |r, _| Cow::Borrowed(r.user()),
            style: plain,
            cmp: |a, b| a.user().cmp(b.user()),
        },
        Column {
            title: "Last change",
            width: 18,
            flex: false,
            drop: 0,
            text: |r, env| r.info(env.now),
            style: |_, env| env.theme.dim(),
            cmp: |a, b| {
                let at = |r: &Row| r.changed().unwrap_or(f64::NEG_INFINITY);
                at(a).total_cmp(&at(b))
            },
        },
    ]
}

/// Outbound registrations, then peers and contacts.
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
            .collect()
    }

    fn tiebreak(a: &Row<'_>, b: &Row<'_>) -> Ordering {
        (a.kind(), a.name()).cmp(&(b.kind(), b.name()))
    }

    fn identity(&self, row: &Row<'_>, _: &View) -> Target {
        row.target()
    }
}
