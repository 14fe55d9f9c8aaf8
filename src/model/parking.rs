//! Parked calls and parking lots.
//!
//! Why it exists: a parked call is a channel waiting in a lot's space for
//! someone to pick it up, and the operator needs to see who waits where and
//! for how long. Asterisk 12+ (res_parking) describes the parkee with a full
//! `Parkee*` channel snapshot in `ParkedCall`, `ParkedCallSwap` (another
//! channel took the space), `ParkedCallTimeOut`, `ParkedCallGiveUp` and
//! `UnParkedCall`; the `ParkedCalls` list sends the same `ParkedCall` items.
//! Asterisk 1.x (features.c) sends `Exten` (the space), `Channel`,
//! `Parkinglot` (1.8+), `From`, `Timeout` and a bare `Uniqueid`/`UniqueID`.
//!
//! A lot's holding bridge (`BridgeType: parking`) is not a call: it is
//! never destroyed and is reused (BridgeEnter without BridgeCreate), and the
//! calls waiting in it do not talk to each other, so they are not peers.

use std::collections::BTreeMap;

use serde::Serialize;

use super::State;
use super::bridges::Bridge;
use super::fields;
use super::snapshot::Snapshot;
use crate::ami::Message;

/// The lot a 1.4 server (no `Parkinglot` header) parks in.
const DEFAULT_LOT: &str = "default";

/// One call waiting in a parking space.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParkedCall {
    pub lot: String,
    /// The space, e.g. `701`.
    pub space: String,
    /// Uniqueid of the parked channel (a live channel of the model).
    pub parkee: String,
    pub parkee_channel: String,
    pub caller_id_num: String,
    pub caller_id_name: String,
    /// Who parked it: the parker's channel name when the server sends a
    /// `Parker` snapshot (1.x `From`), else `ParkerDialString`.
    pub parker: String,
    /// Epoch seconds it was parked (`now - ParkingDuration`), when known.
    pub parked_at: Option<f64>,
    /// Epoch seconds its timeout fires (`now + ParkingTimeout`), when the
    /// lot has a timeout.
    pub timeout_at: Option<f64>,
    #[serde(skip)]
    pub seen: u64,
}

impl ParkedCall {
    /// Seconds parked so far.
    pub fn parked_for(&self, now: f64) -> Option<f64> {
        self.parked_at.map(|t| (now - t).max(0.0))
    }

    /// Seconds until the call comes back (times out).
    pub fn timeout_left(&self, now: f64) -> Option<f64> {
        self.timeout_at.map(|t| (t - now).max(0.0))
    }
}

/// A parking lot as `Parkinglots` lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParkingLot {
    pub name: String,
    pub start_space: String,
    pub stop_space: String,
    /// Seconds a call may stay parked.
    pub timeout: Option<u32>,
    #[serde(skip)]
    pub seen: u64,
}

/// Every parked call and known lot.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Parking {
    /// Lots, by name.
    #[serde(serialize_with = "super::registry::as_list")]
    pub lots: BTreeMap<String, ParkingLot>,
    /// Parked calls, by (lot, space).
    #[serde(serialize_with = "super::registry::as_list")]
    pub calls: BTreeMap<(String, String), ParkedCall>,
}

impl Parking {
    /// The parked call of channel `uniqueid`, if it is parked.
    pub fn of_channel(&self, uniqueid: &str) -> Option<&ParkedCall> {
        self.calls.values().find(|c| c.parkee == uniqueid)
    }

    /// Takes channel `uniqueid` out of whatever space it is in.
    pub(super) fn forget_channel(&mut self, uniqueid: &str) {
        self.calls.retain(|_, c| c.parkee != uniqueid);
    }

    pub(super) fn sweep_calls(&mut self, generation: u64) {
        self.calls.retain(|_, c| c.seen >= generation);
    }

    pub(super) fn sweep_lots(&mut self, generation: u64) {
        self.lots.retain(|_, l| l.seen >= generation);
    }

    fn lot_item(&mut self, msg: &Message, generation: u64) {
        let Some(name) = msg.get("Name") else { return };
        let lot = self
            .lots
            .entry(name.to_string())
            .or_insert_with(|| ParkingLot {
                name: name.into_owned(),
                start_space: String::new(),
                stop_space: String::new(),
                timeout: None,
                seen: 0,
            });
        fields::set_text(&mut lot.start_space, msg, &["StartSpace"]);
        fields::set_text(&mut lot.stop_space, msg, &["StopSpace"]);
        lot.timeout = fields::number(msg, &["Timeout"]).or(lot.timeout);
        lot.seen = generation;
    }
}

impl Bridge {
    /// A parking lot's holding bridge: its members wait, they do not talk.
    pub fn is_parking_lot(&self) -> bool {
        self.bridge_type.eq_ignore_ascii_case("parking")
    }
}

/// Where a parking event puts or takes a call.
struct Space {
    lot: String,
    space: String,
}

impl Space {
    fn of(msg: &Message) -> Option<Space> {
        let space = msg.get_any(&["ParkingSpace", "Exten"])?.into_owned();
        let lot = msg
            .get("Parkinglot")
            .filter(|l| !l.is_empty())
            .map_or_else(|| DEFAULT_LOT.to_owned(), |l| l.into_owned());
        Some(Space { lot, space })
    }

    fn key(&self) -> (String, String) {
        (self.lot.clone(), self.space.clone())
    }
}

impl State {
    /// Parking events and list items; false when `event` is none of them.
    pub(super) fn apply_parking(&mut self, msg: &Message, event: &str, now: f64) -> bool {
        match event {
            "parkedcall" | "parkedcallswap" => self.park(msg, now),
            "parkedcalltimeout" | "parkedcallgiveup" | "unparkedcall" => self.unpark(msg),
            "parkinglot" => self.parking.lot_item(msg, self.generation),
            _ => return false,
        }
        true
    }

    /// The parkee's Uniqueid, its channel created or refreshed: a 12+
    /// `Parkee*` snapshot, or the 1.x `Channel`/`Uniqueid` (whose `Exten`
    /// is the space, not the channel's extension, so it is not copied).
    fn parkee(&mut self, msg: &Message) -> Option<String> {
        if msg.has("ParkeeUniqueid") {
            let snap = Snapshot::parse(msg, "Parkee");
            return self.channels.upsert(&snap, true, self.generation);
        }
        let mut pairs = vec![("Channel", msg.get("Channel")?.into_owned())];
        for (key, from) in [
            ("Uniqueid", &["Uniqueid", "UniqueID"][..]),
            ("CallerIDNum", &["CallerIDNum"]),
            ("CallerIDName", &["CallerIDName"]),
        ] {
            if let Some(value) = msg.get_any(from) {
                pairs.push((key, value.into_owned()));
            }
        }
        let bare = Message::from_pairs(pairs);
        self.channels
            .upsert(&Snapshot::parse(&bare, ""), true, self.generation)
    }

    /// `ParkedCall` (event or list item) and `ParkedCallSwap`: the parkee
    /// is now in the space, and in no other.
    fn park(&mut self, msg: &Message, now: f64) {
        let Some(space) = Space::of(msg) else { return };
        let Some(parkee) = self.parkee(msg) else {
            return;
        };
        self.parking.forget_channel(&parkee);
        let channel = self.channels.get(&parkee);
        let parker = msg
            .get_any(&["ParkerChannel", "From"])
            .filter(|p| !p.is_empty())
            .or_else(|| msg.get("ParkerDialString"))
            .unwrap_or_default()
            .into_owned();
        let duration = fields::number::<f64>(msg, &["ParkingDuration", "Duration"]);
        let timeout = fields::number::<f64>(msg, &["ParkingTimeout", "Timeout"]);
        let call = ParkedCall {
            lot: space.lot.clone(),
            space: space.space.clone(),
            parkee: parkee.clone(),
            parkee_channel: channel.map(|c| c.name.clone()).unwrap_or_default(),
            caller_id_num: channel
                .map(|c| c.caller_id_num.to_string())
                .unwrap_or_default(),
            caller_id_name: channel
                .map(|c| c.caller_id_name.to_string())
                .unwrap_or_default(),
            parker,
            parked_at: duration.map(|d| now - d).or(Some(now)),
            timeout_at: timeout.filter(|t| *t > 0.0).map(|t| now + t),
            seen: self.generation,
        };
        self.parking.calls.insert(space.key(), call);
    }

    /// The call leaves its space (picked up, timed out or gave up).
    fn unpark(&mut self, msg: &Message) {
        if let Some(space) = Space::of(msg) {
            self.parking.calls.remove(&space.key());
        }
        let uniqueid = msg.get_any(&["ParkeeUniqueid", "Uniqueid", "UniqueID"]);
        if let Some(id) = uniqueid {
            self.parking.forget_channel(&id);
        }
    }
}
