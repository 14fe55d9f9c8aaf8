//! Registrations, peers, extension hints and device states.
//!
//! Why it exists: the "who is reachable" half of the dashboard. Each kind is
//! kept cheaply (a map keyed the way its events name it) with a normalised
//! state for colouring and the raw text for display. Live events and list
//! items go through the same [`Registry::apply`]; resync is mark-and-sweep
//! on the `seen` generation of registrations and peers.

mod peers;
mod presence;
mod registrations;
mod states;

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use crate::ami::Message;
use crate::model::ListKind;
use crate::model::fields;

pub use peers::Peer;
use peers::{PeerKey, PeerReport};
pub use presence::Presence;
pub use registrations::Registration;
use registrations::{RegistrationKey, RegistrationReport};
pub use states::{DeviceState, ExtensionState, PeerState, RegistrationState};

/// A dialplan hint and its state (`ExtensionStatus`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtensionHint {
    pub exten: String,
    pub context: String,
    /// The devices behind the hint, e.g. `SIP/2001&Custom:dnd`.
    pub hint: String,
    pub state: ExtensionState,
    /// `StatusText` (Asterisk 12+) or `StatusDesc` (1.x), as sent.
    pub state_text: String,
    /// The presence of the hint's provider (`PresenceStatus`): status,
    /// subtype and message; empty when none was reported.
    pub presence: Presence,
    #[serde(skip)]
    pub seen: u64,
}

/// A device and its state (`DeviceStateChange`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Device {
    pub name: String,
    pub state: DeviceState,
    /// The state as sent (`NOT_INUSE`).
    pub state_text: String,
    #[serde(skip)]
    pub seen: u64,
}

/// Everything about registrations, peers and hints the server reported.
#[derive(Default, Debug, Clone, Serialize)]
pub struct Registry {
    /// Outbound registrations, by (username, host).
    #[serde(serialize_with = "as_list")]
    pub registrations: BTreeMap<(String, String), Registration>,
    /// Peers and PJSIP contacts, by (`TECH/name`, contact URI).
    #[serde(serialize_with = "as_list")]
    pub peers: BTreeMap<(String, String), Peer>,
    /// Hints, by (context, exten).
    #[serde(serialize_with = "as_list")]
    pub extensions: BTreeMap<(String, String), ExtensionHint>,
    /// Device states, by device name.
    #[serde(serialize_with = "as_list")]
    pub devices: BTreeMap<String, Device>,
    /// Presence states, by presentity.
    #[serde(serialize_with = "as_list")]
    pub presence: BTreeMap<String, Presence>,
    /// The resync generation stamped on whatever is touched.
    #[serde(skip)]
    generation: u64,
}

impl Registry {
    /// Applies a registration, peer, hint or device event (or list item);
    /// true when `event` (the lower-cased name, as for every sub-model, see
    /// `State::apply_event`) is one of those.
    pub fn apply(&mut self, msg: &Message, event: &str, now: f64) -> bool {
        // A list item (it carries the ActionID of the list) reports a state,
        // not the moment it changed. Read only by the arms that use it: most
        // events reaching here are none of these, and the lookup scans the
        // whole message when it has no ActionID.
        let changed_at = || msg.action_id().is_none().then_some(now);
        match event {
            "registryentry" => {
                self.registration(RegistrationReport::from_entry(msg), changed_at(), |r| {
                    r.apply_entry(msg)
                })
            }
            "registry" => {
                self.registration(RegistrationReport::from_event(msg), changed_at(), |r| {
                    r.apply_event(msg, now)
                })
            }
            "outboundregistrationdetail" => self.registration(
                RegistrationReport::from_pjsip_detail(msg),
                changed_at(),
                |r| r.apply_pjsip_detail(msg),
            ),
            "peerstatus" => self.peer(PeerReport::from_peer_status(msg), changed_at(), |p| {
                peers::apply_peer_status(p, msg);
                true
            }),
            "peerentry" => self.peer(PeerReport::from_peer_entry(msg), changed_at(), |p| {
                peers::apply_peer_entry(p, msg);
                true
            }),
            "contactstatus" | "contactlist" => {
                self.peer(PeerReport::from_contact(msg), changed_at(), |p| {
                    peers::apply_contact(p, msg)
                })
            }
            "extensionstatus" => self.apply_extension(msg),
            "devicestatechange" => self.apply_device(msg),
            "presencestatechange" => self.apply_presence(msg),
            "presencestatus" => self.apply_hint_presence(msg),
            _ => return false,
        }
        true
    }

    /// Starts a resync: whatever is touched from now on is stamped with
    /// `generation`, so [`Registry::sweep`] keeps it.
    pub fn begin_resync(&mut self, generation: u64) {
        self.generation = generation;
    }

    /// After the list of `kind` completed: drops the registrations or peers
    /// neither listed nor touched by an event since `generation` began.
    pub fn sweep(&mut self, kind: ListKind, generation: u64) {
        match kind {
            ListKind::Registrations => self.registrations.retain(|_, r| r.seen >= generation),
            ListKind::Peers => self.peers.retain(|_, p| p.seen >= generation),
            ListKind::Hints => self.extensions.retain(|_, h| h.seen >= generation),
            ListKind::Devices => self.devices.retain(|_, d| d.seen >= generation),
            ListKind::Presence => self.presence.retain(|_, p| p.seen >= generation),
            _ => {}
        }
    }

    /// Creates or updates a registration; `changed_at` (for live events)
    /// stamps a change of state.
    fn registration(
        &mut self,
        report: Option<RegistrationReport>,
        changed_at: Option<f64>,
        update: impl FnOnce(&mut Registration),
    ) {
        let Some(report) = report else { return };
        let key: RegistrationKey = report.key();
        let registration = self
            .registrations
            .entry(key)
            .or_insert_with(|| report.new_registration());
        let before = registration.state;
        update(registration);
        if changed_at.is_some() && registration.state != before {
            registration.changed_at = changed_at;
        }
        registration.seen = self.generation;
    }

    /// Creates or updates a peer; `update` returns false when the peer is
    /// gone (a removed PJSIP contact).
    fn peer(
        &mut self,
        report: Option<PeerReport>,
        changed_at: Option<f64>,
        update: impl FnOnce(&mut Peer) -> bool,
    ) {
        let Some(report) = report else { return };
        let key: PeerKey = report.key();
        let peer = self
            .peers
            .entry(key.clone())
            .or_insert_with(|| report.new_peer());
        let before = peer.state;
        if update(peer) {
            if changed_at.is_some() && peer.state != before {
                peer.changed_at = changed_at;
            }
            peer.seen = self.generation;
        } else {
            self.peers.remove(&key);
        }
    }

    /// The hint an `Exten` + `Context` message is about, created if new.
    fn hint(&mut self, msg: &Message) -> Option<&mut ExtensionHint> {
        let (Some(exten), Some(context)) = (msg.get("Exten"), msg.get("Context")) else {
            return None;
        };
        let key = (context.into_owned(), exten.into_owned());
        let hint = self
            .extensions
            .entry(key)
            .or_insert_with_key(|(context, exten)| ExtensionHint {
                exten: exten.clone(),
                context: context.clone(),
                hint: String::new(),
                state: ExtensionState::Unknown,
                state_text: String::new(),
                presence: Presence::default(),
                seen: 0,
            });
        hint.seen = self.generation;
        fields::set_text(&mut hint.hint, msg, &["Hint"]);
        Some(hint)
    }

    fn apply_extension(&mut self, msg: &Message) {
        let Some(code) = fields::number::<i32>(msg, &["Status"]) else {
            return;
        };
        if code < 0 {
            // -1 and -2: the hint was removed or deactivated.
            if let (Some(exten), Some(context)) = (msg.get("Exten"), msg.get("Context")) {
                self.extensions
                    .remove(&(context.into_owned(), exten.into_owned()));
            }
            return;
        }
        let Some(hint) = self.hint(msg) else { return };
        hint.state = ExtensionState::from_code(code);
        hint.state_text.clear();
        fields::set_text(&mut hint.state_text, msg, &["StatusText", "StatusDesc"]);
    }

    /// `PresenceStatus`: the presence of one hint's provider.
    fn apply_hint_presence(&mut self, msg: &Message) {
        if let Some(hint) = self.hint(msg) {
            hint.presence.update(msg);
        }
    }

    /// `PresenceStateChange` (event or `PresenceStateList` item).
    fn apply_presence(&mut self, msg: &Message) {
        let Some(name) = msg.get("Presentity") else {
            return;
        };
        let generation = self.generation;
        let presence = self
            .presence
            .entry(name.to_string())
            .or_insert_with(|| Presence {
                presentity: name.into_owned(),
                ..Presence::default()
            });
        presence.update(msg);
        presence.seen = generation;
    }

    fn apply_device(&mut self, msg: &Message) {
        let (Some(name), Some(text)) = (msg.get("Device"), msg.get("State")) else {
            return;
        };
        let state = DeviceState::from_name(&text);
        match self.devices.get_mut(name.as_ref()) {
            Some(device) => {
                device.state = state;
                text.as_ref().clone_into(&mut device.state_text);
                device.seen = self.generation;
            }
            None => {
                self.devices.insert(
                    name.to_string(),
                    Device {
                        name: name.into_owned(),
                        state,
                        state_text: text.into_owned(),
                        seen: self.generation,
                    },
                );
            }
        }
    }
}

/// Serialises a map as the list of its values, in key order.
pub(crate) fn as_list<K, V: Serialize, S: Serializer>(
    map: &BTreeMap<K, V>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(map.values())
}
