//! Outbound registrations: this server registering itself to another.
//!
//! Why it exists: one registration is reported by a list item and by live
//! events whose headers differ per driver, and they must meet on one row:
//! - chan_sip `RegistryEntry` (`Host`, `Port`, `Username`, `Domain`,
//!   `Refresh`, `State`, `RegistrationTime`) and the `Registry` event
//!   (`ChannelType: SIP`, `Username`, `Domain` = the host, `Status`);
//! - IAX2 `RegistryEntry` (`Host: ip:port`, `DNSmanager`, `Perceived`) and
//!   its `Registry` event (`Domain: ip:port`);
//! - PJSIP `OutboundRegistrationDetail` (`ObjectName`, `ClientUri`,
//!   `ServerUri`, `Status`) and its `Registry` event, which carries the
//!   client URI as `Username` and the server URI as `Domain`.
//!
//! So a registration is keyed by (user, host) as each side spells them.

use serde::Serialize;

use super::states::RegistrationState;
use crate::ami::Message;
use crate::model::fields;

/// One outbound registration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Registration {
    /// `SIP`, `IAX2` or `PJSIP`.
    pub technology: String,
    /// The PJSIP object name; the username for the other drivers.
    pub name: String,
    /// The user registered as (PJSIP: the client URI).
    pub username: String,
    /// The registrar (PJSIP: the server URI; IAX2: `ip:port`).
    pub host: String,
    pub port: Option<u16>,
    pub domain: String,
    /// Seconds between refreshes.
    pub refresh: Option<u64>,
    pub state: RegistrationState,
    /// The state as the server wrote it (`Request Sent`, `Registered`).
    pub state_text: String,
    /// Epoch seconds of the last successful registration.
    pub registered_at: Option<f64>,
    /// Why it failed, when the server says (`Cause`), or "".
    pub cause: String,
    /// Epoch seconds of the last state change seen live (not from a list).
    #[serde(skip)]
    pub changed_at: Option<f64>,
    #[serde(skip)]
    pub seen: u64,
}

/// (username, host): what a list item and an event agree on.
pub(super) type RegistrationKey = (String, String);

/// A registration as one message describes it.
pub(super) struct RegistrationReport {
    technology: String,
    name: Option<String>,
    username: String,
    host: String,
}

impl RegistrationReport {
    pub(super) fn key(&self) -> RegistrationKey {
        (self.username.clone(), self.host.clone())
    }

    pub(super) fn new_registration(&self) -> Registration {
        Registration {
            technology: self.technology.clone(),
            name: self.name.clone().unwrap_or_else(|| self.username.clone()),
            username: self.username.clone(),
            host: self.host.clone(),
            port: None,
            domain: String::new(),
            refresh: None,
            state: RegistrationState::Unknown,
            state_text: String::new(),
            registered_at: None,
            cause: String::new(),
            changed_at: None,
            seen: 0,
        }
    }

    /// A chan_sip or IAX2 `RegistryEntry` item. The item names no driver:
    /// only IAX2 sends `Perceived`/`DNSmanager`.
    pub(super) fn from_entry(msg: &Message) -> Option<RegistrationReport> {
        let technology = if msg.has("Perceived") || msg.has("DNSmanager") {
            "IAX2"
        } else {
            "SIP"
        };
        Some(RegistrationReport {
            technology: technology.to_owned(),
            name: None,
            username: msg.get_or_empty("Username").into_owned(),
            host: fields::text(msg, &["Host"])?,
        })
    }

    /// A `Registry` event (`ChannelType`, or `ChannelDriver` before 1.1).
    pub(super) fn from_event(msg: &Message) -> Option<RegistrationReport> {
        Some(RegistrationReport {
            technology: msg
                .get_any(&["ChannelType", "ChannelDriver"])
                .unwrap_or_default()
                .into_owned(),
            name: None,
            username: msg.get_or_empty("Username").into_owned(),
            host: fields::text(msg, &["Domain"])?,
        })
    }

    /// A PJSIP `OutboundRegistrationDetail` item.
    pub(super) fn from_pjsip_detail(msg: &Message) -> Option<RegistrationReport> {
        Some(RegistrationReport {
            technology: "PJSIP".to_owned(),
            name: fields::text(msg, &["ObjectName"]),
            username: fields::text(msg, &["ClientUri"])?,
            host: fields::text(msg, &["ServerUri"])?,
        })
    }
}

impl Registration {
    fn set_state(&mut self, text: &str) {
        self.state = RegistrationState::parse(text);
        text.clone_into(&mut self.state_text);
    }

    /// Applies a `RegistryEntry` item.
    pub(super) fn apply_entry(&mut self, msg: &Message) {
        self.set_state(&msg.get_or_empty("State"));
        self.port = fields::number(msg, &["Port"]).or(self.port);
        fields::set_text(&mut self.domain, msg, &["Domain"]);
        self.refresh = fields::number(msg, &["Refresh"]).or(self.refresh);
        if msg.has("RegistrationTime") {
            self.registered_at = fields::epoch(msg, "RegistrationTime");
        }
    }

    /// Applies a `Registry` event.
    pub(super) fn apply_event(&mut self, msg: &Message, now: f64) {
        self.set_state(&msg.get_or_empty("Status"));
        self.cause.clear();
        fields::set_text(&mut self.cause, msg, &["Cause"]);
        if self.state == RegistrationState::Registered && now > 0.0 {
            self.registered_at = Some(now);
        }
    }

    /// Applies a PJSIP `OutboundRegistrationDetail` item.
    pub(super) fn apply_pjsip_detail(&mut self, msg: &Message) {
        self.set_state(&msg.get_or_empty("Status"));
        self.refresh = fields::number(msg, &["Expiration"]).or(self.refresh);
    }
}
