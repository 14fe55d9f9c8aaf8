//! Everything a server says about one peer when asked: the detail view.
//!
//! Why it exists: the peers list carries a status line per device; the
//! operator who opens one wants the rest. chan_sip answers `SIPshowpeer`
//! with one plain `Response: Success` of some sixty headers (`Channeltype`,
//! `ObjectName`, ..., `Parkinglot` since 1.6, repeated `ChanVariable`);
//! chan_iax2's `IAXpeerlist`/`IAXpeers` items (`PeerEntry`) carry a few
//! more fields than the peers row keeps; PJSIP answers `PJSIPShowEndpoint`
//! with an `EndpointDetail` item and, under the same ActionID, its
//! `AorDetail`, `AuthDetail`, `TransportDetail`, `IdentifyDetail` and
//! `ContactStatusDetail` items. The headers are kept in order, as sent,
//! and a later report of a peer updates the same-named fields.

use std::collections::BTreeMap;

use foldhash::HashMap;
use serde::Serialize;

use crate::ami::Message;

/// Endpoint replies read at once; more means their ends were lost.
const MAX_PENDING: usize = 64;
/// Headers kept per peer (a malformed reply must not grow memory).
const MAX_FIELDS: usize = 256;
/// Headers that describe the message, not the peer.
const ENVELOPE: [&str; 5] = ["Event", "Response", "ActionID", "Privilege", "EventList"];

/// One named part of a PJSIP endpoint's detail (`AorDetail`, ...).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DetailSection {
    /// The event name, e.g. `AorDetail`.
    pub kind: String,
    pub name: String,
    pub fields: Vec<(String, String)>,
}

/// What the server said about one peer.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PeerDetail {
    /// `TECH/name`, as the peers rows name it (`SIP/2001`, `IAX2/trunk`).
    pub id: String,
    /// Headers in the order sent; repeated names (`ChanVariable`) repeat.
    pub fields: Vec<(String, String)>,
    /// PJSIP's per-object parts.
    pub sections: Vec<DetailSection>,
}

impl PeerDetail {
    /// The first value of header `key` (any case).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    /// The peer's parking lot (`SIPshowpeer` since 1.6; empty = the
    /// default lot).
    pub fn parkinglot(&self) -> Option<&str> {
        self.get("Parkinglot")
    }

    /// Replaces the fields the report names (all values of a repeated
    /// name, in place of the old ones) and appends the new names.
    fn merge(&mut self, report: Vec<(String, String)>) {
        let named = |key: &str| report.iter().any(|(k, _)| k.eq_ignore_ascii_case(key));
        let mut merged: Vec<(String, String)> = Vec::with_capacity(report.len());
        let mut placed: Vec<String> = Vec::new();
        for (key, value) in std::mem::take(&mut self.fields) {
            if !named(&key) {
                merged.push((key, value));
            } else if !placed.iter().any(|p| p.eq_ignore_ascii_case(&key)) {
                let same = report.iter().filter(|(k, _)| k.eq_ignore_ascii_case(&key));
                merged.extend(same.cloned());
                placed.push(key);
            }
        }
        for (key, value) in &report {
            if !placed.iter().any(|p| p.eq_ignore_ascii_case(key)) {
                merged.push((key.clone(), value.clone()));
            }
        }
        merged.truncate(MAX_FIELDS);
        self.fields = merged;
    }
}

/// Peer details, by peer id.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(transparent)]
pub struct PeerDetails {
    #[serde(serialize_with = "super::registry::as_list")]
    pub peers: BTreeMap<String, PeerDetail>,
    /// ActionID of a `PJSIPShowEndpoint` -> the endpoint it is about.
    #[serde(skip)]
    pending: HashMap<String, String>,
}

/// `IAX` (IAXpeerlist) and `IAX2` (IAXpeers, PeerStatus) are one driver.
fn technology(raw: &str) -> &str {
    if raw.eq_ignore_ascii_case("IAX") {
        "IAX2"
    } else {
        raw
    }
}

/// The message's headers without its envelope.
fn body(msg: &Message) -> Vec<(String, String)> {
    msg.headers()
        .filter(|(k, _)| !ENVELOPE.iter().any(|e| e.eq_ignore_ascii_case(k)))
        .take(MAX_FIELDS)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

impl PeerDetails {
    /// The detail of peer `id` (`SIP/2001`; `IAX/x` finds `IAX2/x`).
    pub fn get(&self, id: &str) -> Option<&PeerDetail> {
        match id.split_once('/') {
            Some((tech, name)) => self.peers.get(&format!("{}/{name}", technology(tech))),
            None => self.peers.get(id),
        }
    }

    fn entry(&mut self, id: String) -> &mut PeerDetail {
        self.peers.entry(id.clone()).or_insert_with(|| PeerDetail {
            id,
            ..PeerDetail::default()
        })
    }

    /// A `SIPshowpeer` reply or a `PeerEntry` item: `Channeltype` and
    /// `ObjectName` name the peer. True when it was one.
    pub(super) fn peer_report(&mut self, msg: &Message) -> bool {
        let (Some(tech), Some(name)) = (msg.get("Channeltype"), msg.get("ObjectName")) else {
            return false;
        };
        let id = format!("{}/{name}", technology(&tech));
        self.entry(id).merge(body(msg));
        true
    }

    /// PJSIP `*Detail` items of a `PJSIPShowEndpoint` reply.
    pub(super) fn endpoint_item(&mut self, msg: &Message, event: &str) -> bool {
        let action = msg.action_id().unwrap_or_default().into_owned();
        if event == "endpointdetail" {
            let Some(name) = msg.get("ObjectName") else {
                return true;
            };
            let id = format!("PJSIP/{name}");
            let detail = self.entry(id.clone());
            detail.fields = body(msg);
            detail.sections.clear();
            if self.pending.len() >= MAX_PENDING {
                self.pending.clear();
            }
            self.pending.insert(action, id);
            return true;
        }
        if event == "endpointdetailcomplete" {
            self.pending.remove(&action);
            return true;
        }
        let Some(id) = self.pending.get(&action) else {
            return false;
        };
        let section = DetailSection {
            // The section keeps the name as the server spelled it.
            kind: msg.event().unwrap_or_default().into_owned(),
            name: msg.get_or_empty("ObjectName").into_owned(),
            fields: body(msg),
        };
        if let Some(detail) = self.peers.get_mut(id)
            && detail.sections.len() < MAX_FIELDS
        {
            detail.sections.push(section);
        }
        true
    }
}
