//! Peers (chan_sip, IAX2 devices that register here) and PJSIP contacts.
//!
//! Why it exists: reachability arrives in four shapes that must land on one
//! row per device: `PeerStatus` events (`Peer: SIP/2001`), the `PeerStatus`
//! items of `SIPpeerstatus` (same headers plus an ActionID), `PeerEntry`
//! items of `SIPpeers`/`IAXpeers` (`Channeltype` + `ObjectName`, `Status:
//! OK (1 ms)`), and PJSIP's per-contact `ContactStatus` events and
//! `ContactList` items.

use serde::Serialize;

use super::states::{PeerState, latency_in_status};
use crate::ami::Message;
use crate::model::fields::{self, set_text};

/// One peer, or one contact of a PJSIP endpoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Peer {
    /// `TECH/name`, as in `Peer: SIP/2001`.
    pub id: String,
    pub technology: String,
    pub name: String,
    /// The PJSIP contact URI; empty for chan_sip and IAX2 peers.
    pub contact: String,
    /// `ip:port` the peer registered from, or "".
    pub address: String,
    pub state: PeerState,
    /// The status as the server wrote it (`OK (1 ms)`, `Reachable`).
    pub state_text: String,
    /// Qualify round trip in milliseconds.
    pub latency_ms: Option<f64>,
    /// Why it went down (`Expired`, `AUTH_SECRET_FAILED`), or "".
    pub cause: String,
    pub description: String,
    /// Epoch seconds of the last state change seen live (not from a list).
    #[serde(skip)]
    pub changed_at: Option<f64>,
    #[serde(skip)]
    pub seen: u64,
}

/// Where a peer lives in the registry: its id and, for PJSIP, the contact.
pub(super) type PeerKey = (String, String);

impl Peer {
    fn new(technology: &str, name: &str, contact: &str) -> Peer {
        Peer {
            id: format!("{technology}/{name}"),
            technology: technology.to_owned(),
            name: name.to_owned(),
            contact: contact.to_owned(),
            address: String::new(),
            state: PeerState::Unknown,
            state_text: String::new(),
            latency_ms: None,
            cause: String::new(),
            description: String::new(),
            changed_at: None,
            seen: 0,
        }
    }

    fn set_state(&mut self, state: PeerState, text: &str) {
        self.state = state;
        text.clone_into(&mut self.state_text);
        if !state.is_up() {
            self.latency_ms = None;
        }
    }
}

/// What an event says about one peer, before it is applied.
pub(super) struct PeerReport {
    technology: String,
    name: String,
    contact: String,
}

impl PeerReport {
    pub(super) fn key(&self) -> PeerKey {
        (
            format!("{}/{}", self.technology, self.name),
            self.contact.clone(),
        )
    }

    pub(super) fn new_peer(&self) -> Peer {
        Peer::new(&self.technology, &self.name, &self.contact)
    }

    /// Names the peer of a `PeerStatus` event or `SIPpeerstatus` item:
    /// `Peer: SIP/2001` (the technology also in `ChannelType`, or
    /// `ChannelDriver` before AMI 1.1).
    pub(super) fn from_peer_status(msg: &Message) -> Option<PeerReport> {
        let peer = msg.get("Peer")?;
        let driver = msg.get_any(&["ChannelType", "ChannelDriver"]);
        let (technology, name) = match peer.split_once('/') {
            Some((tech, name)) => (tech.to_owned(), name.to_owned()),
            None => (driver?.into_owned(), peer.into_owned()),
        };
        Some(PeerReport {
            technology,
            name,
            contact: String::new(),
        })
    }

    /// Names the peer of a `PeerEntry` item (`Channeltype` + `ObjectName`).
    pub(super) fn from_peer_entry(msg: &Message) -> Option<PeerReport> {
        Some(PeerReport {
            technology: fields::text(msg, &["Channeltype"])?,
            name: fields::text(msg, &["ObjectName"])?,
            contact: String::new(),
        })
    }

    /// Names the contact of a PJSIP `ContactStatus` event (`EndpointName`,
    /// else `AOR`, and `URI`) or `ContactList` item (`Endpoint`, `Uri`).
    pub(super) fn from_contact(msg: &Message) -> Option<PeerReport> {
        let endpoint = msg
            .get_any(&["EndpointName", "Endpoint", "AOR"])
            .filter(|name| !name.is_empty())?;
        Some(PeerReport {
            technology: "PJSIP".to_owned(),
            name: endpoint.into_owned(),
            contact: fields::text(msg, &["URI"])?,
        })
    }
}

/// Applies a `PeerStatus` event or list item.
pub(super) fn apply_peer_status(peer: &mut Peer, msg: &Message) {
    let text = msg.get_or_empty("PeerStatus");
    let Some(state) = PeerState::parse(&text) else {
        return;
    };
    // A refused attempt (often someone else guessing the secret) must not
    // hide a working registration.
    if state == PeerState::Rejected && peer.state.is_up() {
        return;
    }
    // chan_sip repeats `Registered` on every REGISTER refresh but reports
    // `Reachable`/`Lagged` only when the qualify result changes: a refresh
    // of a qualified peer leaves its reachability and latency as they are.
    let qualified = matches!(peer.state, PeerState::Reachable | PeerState::Lagged);
    if state == PeerState::Registered && qualified {
        if let Some(address) = msg.get("Address") {
            peer.address = with_port(&address, msg.get("Port").as_deref());
        }
        return;
    }
    peer.set_state(state, &text);
    peer.cause.clear();
    set_text(&mut peer.cause, msg, &["Cause"]);
    match state {
        PeerState::Registered => {
            if let Some(address) = msg.get("Address") {
                peer.address = with_port(&address, msg.get("Port").as_deref());
            }
        }
        PeerState::Unregistered => peer.address.clear(),
        _ => {}
    }
    if let Some(ms) = fields::number::<f64>(msg, &["Time"]).filter(|ms| *ms >= 0.0)
        && state.is_up()
    {
        peer.latency_ms = Some(ms);
    }
}

/// Applies a `PeerEntry` list item. A peer with no address
/// (`IPaddress: -none-`) cannot be qualified: it is neither reachable nor
/// unreachable, whatever its last qualify result (the `Status`) says.
pub(super) fn apply_peer_entry(peer: &mut Peer, msg: &Message) {
    let status = msg.get_or_empty("Status");
    let ip = msg.get_or_empty("IPaddress");
    let no_address = ip.is_empty() || ip == "-none-" || ip == "(null)";
    if no_address {
        peer.address.clear();
        peer.set_state(PeerState::Unknown, "no address");
    } else {
        let port = msg.get("IPport").filter(|p| p.trim() != "0");
        peer.address = with_port(&ip, port.as_deref());
        peer.set_state(PeerState::parse(&status).unwrap_or_default(), &status);
        peer.latency_ms = latency_in_status(&status);
    }
    set_text(&mut peer.description, msg, &["Description"]);
}

/// Applies a PJSIP `ContactStatus` event or `ContactList` item; false when
/// the contact was removed and the row should go.
pub(super) fn apply_contact(peer: &mut Peer, msg: &Message) -> bool {
    let text = msg.get_or_empty(if msg.has("ContactStatus") {
        "ContactStatus"
    } else {
        "Status"
    });
    if text.eq_ignore_ascii_case("Removed") {
        return false;
    }
    if let Some(state) = PeerState::parse(&text) {
        peer.set_state(state, &text);
    }
    if let Some(usec) = fields::number::<f64>(msg, &["RoundtripUsec"]).filter(|u| *u > 0.0)
        && peer.state.is_up()
    {
        peer.latency_ms = Some(usec / 1000.0);
    }
    true
}

/// `ip` with `:port` appended when the port is given separately.
fn with_port(ip: &str, port: Option<&str>) -> String {
    match port.map(str::trim).filter(|p| !p.is_empty()) {
        Some(port) if !ip.contains(':') => format!("{ip}:{port}"),
        _ => ip.to_owned(),
    }
}
