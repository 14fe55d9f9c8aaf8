//! DAHDI channels (analog ports and digital timeslots), shown as peers.
//!
//! Why it exists: on a server with telephony cards the trunks are DAHDI
//! channels, and their alarms are what an operator watches. The
//! `DAHDIShowChannels` list (1.6+; its items name the port `DAHDIChannel`,
//! and a port in a call adds `Channel` and `Uniqueid`; the end event adds
//! `Items`) is the source; chan_dahdi's `Alarm`/`AlarmClear` events (the
//! port in `DAHDIChannel`, `Channel` before 12) and `DNDState` update it.

use std::collections::BTreeMap;

use serde::Serialize;

use super::fields;
use crate::ami::Message;

/// One DAHDI port.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DahdiChannel {
    /// The port number (`DAHDIChannel: 1`).
    pub number: u32,
    /// `FXS Kewlstart`, `ISDN PRI`...
    pub signalling: String,
    pub context: String,
    /// `No Alarm`, `Red Alarm`...
    pub alarm: String,
    pub dnd: bool,
    pub description: String,
    /// The channel in a call on this port, or "".
    pub channel: String,
    pub uniqueid: String,
    #[serde(skip)]
    pub seen: u64,
}

impl DahdiChannel {
    /// The port is in an alarm (anything but `No Alarm`).
    pub fn in_alarm(&self) -> bool {
        !self.alarm.is_empty() && !self.alarm.eq_ignore_ascii_case("No Alarm")
    }

    /// The id the peers rows use, `DAHDI/1`.
    pub fn id(&self) -> String {
        format!("DAHDI/{}", self.number)
    }
}

/// Every DAHDI port, by number.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(transparent)]
pub struct Dahdi {
    #[serde(serialize_with = "super::registry::as_list")]
    pub channels: BTreeMap<u32, DahdiChannel>,
}

impl Dahdi {
    pub(super) fn sweep(&mut self, generation: u64) {
        self.channels.retain(|_, c| c.seen >= generation);
    }

    /// DAHDI list items and events; false when `event` is none of them.
    pub(super) fn apply(&mut self, msg: &Message, event: &str, generation: u64) -> bool {
        match event {
            "dahdishowchannels" => self.list_item(msg, generation),
            "alarm" | "alarmclear" | "dndstate" => {
                let number = fields::number(msg, &["DAHDIChannel", "Channel"]);
                let Some(port) = number.and_then(|n| self.channels.get_mut(&n)) else {
                    return true;
                };
                match event {
                    "alarm" => fields::set_text(&mut port.alarm, msg, &["Alarm"]),
                    "alarmclear" => "No Alarm".clone_into(&mut port.alarm),
                    _ => port.dnd = msg.is("Status", "enabled"),
                }
            }
            _ => return false,
        }
        true
    }

    fn list_item(&mut self, msg: &Message, generation: u64) {
        let Some(number) = fields::number::<u32>(msg, &["DAHDIChannel"]) else {
            return;
        };
        let port = self.channels.entry(number).or_insert_with(|| DahdiChannel {
            number,
            ..DahdiChannel::default()
        });
        let text = |key: &str| msg.get_or_empty(key).into_owned();
        port.signalling = text("Signalling");
        port.context = text("Context");
        port.alarm = text("Alarm");
        port.dnd = msg.is("DND", "Enabled");
        port.description = text("Description");
        port.channel = text("Channel");
        port.uniqueid = text("Uniqueid");
        port.seen = generation;
    }
}
