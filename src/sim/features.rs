//! The PBX's other objects: a parking lot, conference rooms, voicemail
//! boxes and a DAHDI span, with the events each dialect sends for them.
//!
//! Modern (Asterisk 12+, `e1_parking`, `e2_confbridge`, `e4_voicemail`):
//! res_parking's `ParkedCall`/`ParkedCallGiveUp`/`UnParkedCall` with a
//! `Parkee*` snapshot, ConfBridge's `Confbridge*` with the bridge headers.
//! AMI 1.1 (Asterisk 1.6-11, features.c and app_meetme): `ParkedCall` with
//! `Exten`/`Channel`/`From`/`Timeout`, `UnParkedCall`, `ParkedCallGiveUp`,
//! and `MeetmeJoin` (with the caller ID the seed adds) / `MeetmeLeave` /
//! `MeetmeEnd`. Calling extension [`CONFERENCE_EXTEN`] joins the room; a
//! call to [`VOICEMAIL_EXTEN`] leaves a message for the first box; the
//! `Park` action parks a call; an Originate to a space of
//! [`PARKING_CONTEXT`] picks it up.

use super::channel::Channel;
use super::pbx::{OFFICE_PHONES, PHONES, Pbx};
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
    next_usernum: u32,
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

impl Default for Features {
    fn default() -> Self {
        // Every office phone has a box under its owner's name; (new, old).
        let counts = [(0, 1), (2, 1), (0, 1), (1, 0), (0, 3), (0, 0)];
        let mailboxes = PHONES[..OFFICE_PHONES]
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
}

impl Features {
    pub fn parked_in(&self, space: u32) -> Option<&Parked> {
        self.parked.iter().find(|p| p.space == space)
    }

    fn free_space(&self) -> Option<u32> {
        PARKING_SPACES
            .clone()
            .find(|s| self.parked_in(*s).is_none())
    }
}

/// How a parking event names the call, in each dialect; `retriever` is
/// who picks it up (`UnParkedCall`).
fn parking_event(
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
fn room_fields(fields: Fields, room: &Room) -> Fields {
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
fn member_event(
    dialect: Dialect,
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
                _ => fields
                    .with("CallerIDnum", chan.caller.num.clone())
                    .with("CallerIDname", chan.caller.name.clone())
                    .with("ConnectedLineNum", chan.connected.num.clone())
                    .with("ConnectedLineName", chan.connected.name.clone()),
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

impl Pbx {
    pub fn features(&self) -> &Features {
        &self.features
    }

    fn now_secs(&self) -> u64 {
        self.now.as_secs()
    }

    /// The `Park` action: `channel` leaves its call for a free space; its
    /// bridge peer (the parker) is hung up, as res_parking does.
    pub(super) fn park(&mut self, channel: &str, parker: Option<&str>) -> Result<u32, String> {
        let index = self
            .index_of(channel)
            .ok_or_else(|| format!("Channel does not exist: {channel}"))?;
        let space = self.features.free_space().ok_or("No free parking space")?;
        let uid = self.uid(index);
        let peer = self.bridge_peer(index).map(|p| self.uid(p));
        self.leave_bridge(index);
        let parker_name = parker
            .map(str::to_owned)
            .or_else(|| {
                peer.as_ref()
                    .and_then(|p| self.index_of_uid(p))
                    .map(|p| self.channels[p].name.clone())
            })
            .unwrap_or_default();
        let parker = match self.dialect {
            // ParkerDialString: the parker's device, not its channel.
            Dialect::Modern => parker_name
                .rsplit_once('-')
                .map_or(parker_name.clone(), |(d, _)| d.to_owned()),
            Dialect::Ami11 => parker_name,
        };
        let parked = Parked {
            space,
            uniqueid: uid.clone(),
            parker,
            parked_at: self.now_secs(),
        };
        self.features.parked.push(parked.clone());
        if let Some(index) = self.index_of_uid(&uid) {
            let event = parking_event(
                self.dialect,
                "ParkedCall",
                &parked,
                &self.channels[index],
                None,
                self.now_secs(),
            );
            self.emit(event);
        }
        if let Some(peer) = peer.and_then(|p| self.index_of_uid(&p)) {
            self.end_channel(peer, super::channel::NORMAL_CLEARING, false);
        }
        Ok(space)
    }

    /// Channel `index` calls parking space `space`: the parked call leaves
    /// the lot and the two talk. False when the space is empty.
    pub(super) fn pick_up(&mut self, index: usize, space: u32) -> bool {
        let Some(position) = self.features.parked.iter().position(|p| p.space == space) else {
            return false;
        };
        let parked = self.features.parked.remove(position);
        let retriever = self.uid(index);
        if let Some(parkee) = self.index_of_uid(&parked.uniqueid) {
            let event = parking_event(
                self.dialect,
                "UnParkedCall",
                &parked,
                &self.channels[parkee],
                Some(&self.channels[index]),
                self.now_secs(),
            );
            self.emit(event);
            if let (Some(a), Some(b)) = (
                self.index_of_uid(&retriever),
                self.index_of_uid(&parked.uniqueid),
            ) {
                self.bridge_pair(a, b);
            }
        }
        true
    }

    /// When the first parked call's timeout fires, in simulated time
    /// since start.
    pub(super) fn next_park_timeout(&self) -> Option<std::time::Duration> {
        let first = self.features.parked.iter().map(|p| p.parked_at).min()?;
        Some(std::time::Duration::from_secs(first + PARKING_TIMEOUT))
    }

    /// The parked calls whose timeout has fired leave the lot
    /// (`ParkedCallTimeOut`); returned for the caller to send back to
    /// whoever parked them.
    pub(super) fn time_out_parked(&mut self) -> Vec<Parked> {
        let now = self.now_secs();
        let (due, waiting) = std::mem::take(&mut self.features.parked)
            .into_iter()
            .partition(|p| p.parked_at + PARKING_TIMEOUT <= now);
        self.features.parked = waiting;
        let due: Vec<Parked> = due;
        for parked in &due {
            if let Some(index) = self.index_of_uid(&parked.uniqueid) {
                let event = parking_event(
                    self.dialect,
                    "ParkedCallTimeOut",
                    parked,
                    &self.channels[index],
                    None,
                    now,
                );
                self.emit(event);
            }
        }
        due
    }

    /// Channel `index` joins the conference room (created on first use).
    pub(super) fn join_conference(&mut self, index: usize) {
        if self.features.room.as_ref().is_some_and(|r| r.locked) {
            // Turned away while locked: no Confbridge event.
            self.end_channel(index, super::channel::NORMAL_CLEARING, false);
            return;
        }
        if self.features.room.is_none() {
            let room = Room {
                name: CONFERENCE_EXTEN.into(),
                bridge: self.ids.uuid(),
                locked: false,
                members: Vec::new(),
                next_usernum: 1,
            };
            if self.dialect == Dialect::Modern {
                let start = room_fields(
                    Fields::event("ConfbridgeStart").with("Privilege", "call,all"),
                    &room,
                );
                self.emit(start);
            }
            self.features.room = Some(room);
        }
        let Some(room) = self.features.room.as_mut() else {
            return;
        };
        let member = Member {
            uniqueid: self.channels[index].uniqueid.clone(),
            admin: room.members.is_empty(),
            muted: false,
            usernum: room.next_usernum,
        };
        room.next_usernum += 1;
        room.members.push(member.clone());
        let event = member_event(
            self.dialect,
            "ConfbridgeJoin",
            room,
            &member,
            &self.channels[index],
        );
        self.emit(event);
    }

    /// Mutes or unmutes `channel` in the room (all non-admins for
    /// `participants`); false when no such member.
    pub(super) fn mute_member(&mut self, channel: &str, muted: bool) -> bool {
        let Some(room) = self.features.room.clone() else {
            return false;
        };
        let targets: Vec<usize> = room
            .members
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                let name = self
                    .index_of_uid(&m.uniqueid)
                    .map(|i| self.channels[i].name.as_str());
                if channel == "participants" {
                    !m.admin
                } else {
                    name == Some(channel)
                }
            })
            .map(|(i, _)| i)
            .collect();
        for &position in &targets {
            let Some(room) = self.features.room.as_mut() else {
                break;
            };
            room.members[position].muted = muted;
            let member = room.members[position].clone();
            let room = room.clone();
            if let Some(index) = self.index_of_uid(&member.uniqueid) {
                let event = if muted {
                    "ConfbridgeMute"
                } else {
                    "ConfbridgeUnmute"
                };
                let fields =
                    member_event(self.dialect, event, &room, &member, &self.channels[index]);
                self.emit(fields);
            }
        }
        !targets.is_empty()
    }

    /// Takes channel `index` out of the room (kick or hangup); the room
    /// ends with its last member.
    pub(super) fn leave_conference(&mut self, index: usize) -> bool {
        let uid = self.uid(index);
        let Some(room) = self.features.room.as_mut() else {
            return false;
        };
        let Some(position) = room.members.iter().position(|m| m.uniqueid == uid) else {
            return false;
        };
        let member = room.members.remove(position);
        let room = room.clone();
        let event = member_event(
            self.dialect,
            "ConfbridgeLeave",
            &room,
            &member,
            &self.channels[index],
        );
        self.emit(event);
        if room.members.is_empty() {
            self.features.room = None;
            let end = match self.dialect {
                Dialect::Modern => room_fields(
                    Fields::event("ConfbridgeEnd").with("Privilege", "call,all"),
                    &room,
                ),
                Dialect::Ami11 => Fields::event("MeetmeEnd")
                    .with("Privilege", "call,all")
                    .with("Meetme", room.name.clone()),
            };
            self.emit(end);
        }
        true
    }

    /// Before channel `index` hangs up: it gives up its space and leaves
    /// the room.
    pub(super) fn features_hangup(&mut self, index: usize) {
        let uid = self.uid(index);
        if let Some(position) = self.features.parked.iter().position(|p| p.uniqueid == uid) {
            let parked = self.features.parked.remove(position);
            let event = parking_event(
                self.dialect,
                "ParkedCallGiveUp",
                &parked,
                &self.channels[index],
                None,
                self.now_secs(),
            );
            self.emit(event);
        }
        self.leave_conference(index);
    }

    /// A caller leaves a message in the first box.
    pub(super) fn leave_voicemail(&mut self, index: usize) {
        let Some(mailbox) = self.features.mailboxes.first_mut() else {
            return;
        };
        mailbox.new_messages += 1;
        let mailbox = mailbox.clone();
        let head = Fields::event("MessageWaiting").with("Privilege", "call,all");
        let fields = match self.dialect {
            Dialect::Modern => channel_fields(head, "", &self.channels[index]),
            Dialect::Ami11 => head,
        };
        let event = fields
            .with("Mailbox", mailbox.id())
            .with("Waiting", "1")
            .with("New", mailbox.new_messages.to_string())
            .with("Old", mailbox.old_messages.to_string());
        self.emit(event);
        self.end_channel(index, super::channel::NORMAL_CLEARING, false);
    }

    /// A phone's hint (office phones' and agents' alike, as
    /// `ExtensionStateList` lists them all) follows its calls:
    /// `ExtensionStatus` InUse (1) while the phone has a channel, Idle (0)
    /// after, sent on change, after the device's `DeviceStateChange`.
    pub(super) fn hint_follows(&mut self, device: &str) {
        let Some((exten, _)) = PHONES
            .iter()
            .find(|(exten, _)| device.strip_prefix("SIP/") == Some(*exten))
        else {
            return;
        };
        let busy = self.device_busy(device);
        let known = self.features.busy_hints.iter().any(|e| e == exten);
        if busy == known {
            return;
        }
        if busy {
            self.features.busy_hints.push((*exten).to_owned());
        } else {
            self.features.busy_hints.retain(|e| e != exten);
        }
        if self.dialect == Dialect::Modern {
            // The device's own state comes first (Asterisk 12+ only).
            self.device_state(device, if busy { "INUSE" } else { "NOT_INUSE" });
        }
        let event = Fields::event("ExtensionStatus")
            .with("Privilege", "call,all")
            .with("Exten", *exten)
            .with("Context", "default")
            .with("Hint", hint_of(exten))
            .with("Status", if busy { "1" } else { "0" });
        let event = match self.dialect {
            Dialect::Modern => event.with("StatusText", if busy { "InUse" } else { "Idle" }),
            Dialect::Ami11 => event,
        };
        self.emit(event);
    }

    /// Where dialling `exten` leads among these objects; true when it was
    /// one of them.
    pub(super) fn feature_route(&mut self, index: usize, exten: &str) -> bool {
        match exten {
            CONFERENCE_EXTEN => {
                let app = if self.dialect == Dialect::Modern {
                    "ConfBridge"
                } else {
                    "MeetMe"
                };
                self.run_app(index, app, CONFERENCE_EXTEN);
                self.join_conference(index);
                true
            }
            VOICEMAIL_EXTEN => {
                self.run_app(index, "VoiceMail", "2001@default,u");
                self.leave_voicemail(index);
                true
            }
            _ => false,
        }
    }
}
