//! The PBX's other objects: a parking lot, conference rooms, voicemail
//! boxes and a DAHDI span, with the events each dialect sends for them.
//!
//! Modern (Asterisk 12+, `e1_parking`, `e2_confbridge`, `e4_voicemail`):
//! res_parking's `ParkedCall`/`ParkedCallGiveUp`/`UnParkedCall` with a
//! `Parkee*` snapshot, ConfBridge's `Confbridge*` with the bridge headers.
//! AMI 1.1 (Asterisk 1.6-11, features.c and app_meetme): `ParkedCall` with
//! `Exten`/`Channel`/`From`/`Timeout`, `UnParkedCall`, `ParkedCallGiveUp`,
//! and `MeetmeJoin` (with the caller ID the seed adds; 1.4's without) /
//! `MeetmeLeave` / `MeetmeEnd`. Calling extension [`CONFERENCE_EXTEN`] joins the room; a
//! call to [`VOICEMAIL_EXTEN`] leaves a message for the first box; the
//! `Park` action parks a call; an Originate to a space of
//! [`PARKING_CONTEXT`] picks it up.
//!
//! The objects and their events are here; the changes the PBX makes to
//! them are in `feature_changes`.

use super::channel::Channel;
use super::profile::ServerProfile;
use super::vocab::{Dialect, channel_fields};
use super::wire::Fields;

/// The lot's name, its context and its spaces.
pub const PARKING_LOT: &str = "default";
pub const PARKING_CONTEXT: &str = "parkedcalls";
pub const PARKING_SPACES: std::ops::RangeInclusive<u32> = 701..=720;
/// Seconds a call may stay parked.
pub const PARKING_TIMEOUT: u64 = 45;
/// The extension of the conference room, and the room's name.
pub const CONFERENCE_EXTEN: &str = "800";
/// The extension that leaves a voicemail for the first mailbox.
pub const VOICEMAIL_EXTEN: &str = "8500";

/// Office phones whose people set a presence (res_presencestate's
/// `CustomPresence:` provider): extension, status, subtype, message.
pub const PRESENCE: &[(&str, &str, &str, &str)] = &[
    ("2001", "available", "", ""),
    ("2003", "dnd", "", "In a meeting"),
    ("2005", "away", "lunch", "Back at 14:00"),
];

/// A phone's hint string: its device, and its presence provider after
/// a comma where the person sets one (as in `e3_hints_presence`).
pub fn hint_of(exten: &str) -> String {
    if PRESENCE.iter().any(|(e, ..)| *e == exten) {
        format!("SIP/{exten},CustomPresence:{exten}")
    } else {
        format!("SIP/{exten}")
    }
}

/// A call waiting in the lot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parked {
    pub space: u32,
    pub uniqueid: String,
    /// The parker's dial string (modern) or channel name (1.x `From`).
    pub parker: String,
    /// Simulated seconds since start when it was parked.
    pub parked_at: u64,
}

/// A member of the conference room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub uniqueid: String,
    pub admin: bool,
    pub muted: bool,
    /// MeetMe's user number.
    pub usernum: u32,
}

/// The conference room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Room {
    pub name: String,
    pub bridge: String,
    pub locked: bool,
    pub members: Vec<Member>,
    pub(super) next_usernum: u32,
}

/// A voicemail box.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mailbox {
    pub number: String,
    pub context: String,
    pub full_name: String,
    pub new_messages: u32,
    pub old_messages: u32,
}

impl Mailbox {
    pub fn id(&self) -> String {
        format!("{}@{}", self.number, self.context)
    }
}

/// A port of the DAHDI span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DahdiPort {
    pub number: u32,
    pub signalling: &'static str,
    pub alarm: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Features {
    pub parked: Vec<Parked>,
    pub room: Option<Room>,
    pub mailboxes: Vec<Mailbox>,
    pub dahdi: Vec<DahdiPort>,
    /// Phones whose hint was last reported InUse.
    pub busy_hints: Vec<String>,
}

impl Features {
    /// The office's objects: a box for each of `phones` (extension, name)
    /// under its owner's name, an empty lot and room, a DAHDI span.
    pub fn office(phones: &[(&str, &str)]) -> Self {
        // Some boxes hold messages from before: (new, old).
        let counts = [(0, 1), (2, 1), (0, 1), (1, 0), (0, 3)];
        let counts = counts.into_iter().chain(std::iter::repeat((0, 0)));
        let mailboxes = phones
            .iter()
            .zip(counts)
            .map(|((number, name), (new, old))| Mailbox {
                number: (*number).into(),
                context: "default".into(),
                full_name: (*name).into(),
                new_messages: new,
                old_messages: old,
            })
            .collect();
        // A span of four FXO ports to the street, the last one unplugged.
        let port = |number, alarm| DahdiPort {
            number,
            signalling: "FXS Kewlstart",
            alarm,
        };
        Features {
            parked: Vec::new(),
            room: None,
            mailboxes,
            dahdi: vec![
                port(1, "No Alarm"),
                port(2, "No Alarm"),
                port(3, "No Alarm"),
                port(4, "Red Alarm"),
            ],
            busy_hints: Vec::new(),
        }
    }

    pub fn parked_in(&self, space: u32) -> Option<&Parked> {
        self.parked.iter().find(|p| p.space == space)
    }

    pub(super) fn free_space(&self) -> Option<u32> {
        PARKING_SPACES
            .clone()
            .find(|s| self.parked_in(*s).is_none())
    }
}

/// How a parking event names the call, in each dialect; `retriever` is
/// who picks it up (`UnParkedCall`).
pub(super) fn parking_event(
    dialect: Dialect,
    event: &str,
    parked: &Parked,
    chan: &Channel,
    retriever: Option<&Channel>,
    now: u64,
) -> Fields {
    let waited = now.saturating_sub(parked.parked_at);
    let left = PARKING_TIMEOUT.saturating_sub(waited);
    match dialect {
        Dialect::Modern => {
            let head = Fields::event(event).with("Privilege", "call,all");
            let fields = channel_fields(head, "Parkee", chan);
            let fields = match retriever {
                Some(retriever) => channel_fields(fields, "Retriever", retriever),
                None => fields,
            };
            fields
                .with("ParkerDialString", parked.parker.clone())
                .with("Parkinglot", PARKING_LOT)
                .with("ParkingSpace", parked.space.to_string())
                .with("ParkingTimeout", left.to_string())
                .with("ParkingDuration", waited.to_string())
        }
        Dialect::Ami11 => {
            let mut fields = Fields::event(event)
                .with("Privilege", "call,all")
                .with("Exten", parked.space.to_string())
                .with("Channel", chan.name.clone())
                .with("Parkinglot", PARKING_LOT);
            match (event, retriever) {
                ("ParkedCall", _) => {
                    fields.push("From", parked.parker.clone());
                    fields.push("Timeout", left.to_string());
                }
                (_, Some(retriever)) => fields.push("From", retriever.name.clone()),
                _ => {}
            }
            // features.c's post_manager_event spells it so.
            let uniqueid = if matches!(event, "ParkedCallGiveUp" | "ParkedCallTimeOut") {
                "UniqueID"
            } else {
                "Uniqueid"
            };
            fields
                .with("CallerIDNum", chan.caller.num.clone())
                .with("CallerIDName", chan.caller.name.clone())
                .with("ConnectedLineNum", chan.connected.num.clone())
                .with("ConnectedLineName", chan.connected.name.clone())
                .with(uniqueid, chan.uniqueid.clone())
        }
    }
}

/// The `ParkedCalls` list item of a parked call.
pub(super) fn parked_item(
    dialect: Dialect,
    parked: &Parked,
    chan: &Channel,
    now: u64,
    id: Option<&str>,
) -> Fields {
    let waited = now.saturating_sub(parked.parked_at);
    let left = PARKING_TIMEOUT.saturating_sub(waited);
    match dialect {
        Dialect::Modern => parking_event(dialect, "ParkedCall", parked, chan, None, now)
            .without("Privilege")
            .with_action_id(id),
        Dialect::Ami11 => Fields::event("ParkedCall")
            .with("Parkinglot", PARKING_LOT)
            .with("Exten", parked.space.to_string())
            .with("Channel", chan.name.clone())
            .with("From", parked.parker.clone())
            .with("Timeout", left.to_string())
            .with("Duration", waited.to_string())
            .with("CallerIDNum", chan.caller.num.clone())
            .with("CallerIDName", chan.caller.name.clone())
            .with("ConnectedLineNum", chan.connected.num.clone())
            .with("ConnectedLineName", chan.connected.name.clone())
            .with_action_id(id),
    }
}

/// The bridge headers of a ConfBridge event.
pub(super) fn room_fields(fields: Fields, room: &Room) -> Fields {
    fields
        .with("Conference", room.name.clone())
        .with("BridgeUniqueid", room.bridge.clone())
        .with("BridgeType", "base")
        .with("BridgeTechnology", "softmix")
        .with("BridgeCreator", "ConfBridge")
        .with("BridgeName", room.name.clone())
        // The announcer channel is in the bridge too.
        .with("BridgeNumChannels", (room.members.len() + 1).to_string())
        .with("BridgeVideoSourceMode", "none")
}

fn yes_no(on: bool) -> &'static str {
    if on { "Yes" } else { "No" }
}

/// A per-member conference event.
pub(super) fn member_event(
    dialect: Dialect,
    profile: ServerProfile,
    event: &str,
    room: &Room,
    member: &Member,
    chan: &Channel,
) -> Fields {
    match dialect {
        Dialect::Modern => {
            let head = room_fields(Fields::event(event).with("Privilege", "call,all"), room);
            let fields = channel_fields(head, "", chan).with("Admin", yes_no(member.admin));
            if event == "ConfbridgeJoin" {
                fields.with("Muted", yes_no(member.muted))
            } else {
                fields
            }
        }
        Dialect::Ami11 => {
            let meetme = match event {
                "ConfbridgeJoin" => "MeetmeJoin",
                "ConfbridgeLeave" => "MeetmeLeave",
                _ => "MeetmeMute",
            };
            let fields = Fields::event(meetme)
                .with("Privilege", "call,all")
                .with("Channel", chan.name.clone())
                .with("Uniqueid", chan.uniqueid.clone())
                .with("Meetme", room.name.clone())
                .with("Usernum", member.usernum.to_string());
            match meetme {
                "MeetmeMute" => fields.with("Status", if member.muted { "on" } else { "off" }),
                // 1.4's app_meetme names the caller only on leaving and
                // knows no connected line (the seed: 1.1 added the first).
                "MeetmeJoin" if profile.is_1_4() => fields,
                _ => {
                    let fields = fields
                        .with("CallerIDnum", chan.caller.num.clone())
                        .with("CallerIDname", chan.caller.name.clone());
                    if profile.is_1_4() {
                        return fields;
                    }
                    fields
                        .with("ConnectedLineNum", chan.connected.num.clone())
                        .with("ConnectedLineName", chan.connected.name.clone())
                }
            }
        }
    }
}

/// A `ConfbridgeList` / `MeetmeList` item.
pub(super) fn member_item(
    dialect: Dialect,
    room: &Room,
    member: &Member,
    chan: &Channel,
    id: Option<&str>,
) -> Fields {
    match dialect {
        Dialect::Modern => {
            let head = Fields::event("ConfbridgeList")
                .with_action_id(id)
                .with("Conference", room.name.clone())
                .with("Admin", yes_no(member.admin))
                .with("MarkedUser", "No")
                .with("WaitMarked", "No")
                .with("EndMarked", "No")
                .with("EndMarkedAny", "No")
                .with("Waiting", "No")
                .with("Muted", yes_no(member.muted))
                .with("Talking", "No")
                .with("AnsweredTime", "0");
            channel_fields(head, "", chan)
        }
        Dialect::Ami11 => Fields::event("MeetmeList")
            .with_action_id(id)
            .with("Conference", room.name.clone())
            .with("UserNumber", member.usernum.to_string())
            .with("CallerIDNum", chan.caller.num.clone())
            .with("CallerIDName", chan.caller.name.clone())
            .with("ConnectedLineNum", chan.connected.num.clone())
            .with("ConnectedLineName", chan.connected.name.clone())
            .with("Channel", chan.name.clone())
            .with("Admin", yes_no(member.admin))
            .with("Role", "Talk and listen")
            .with("MarkedUser", "No")
            .with("Muted", if member.muted { "By admin" } else { "No" })
            .with("Talking", "Not monitored"),
    }
}
