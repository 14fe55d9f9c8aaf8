//! Conference rooms (ConfBridge on 12+, MeetMe on 1.x) and their members.
//!
//! Why it exists: a conference is a call of many, with per-member state
//! (talking, muted, admin, marked) no bridge event carries. ConfBridge
//! events name the room (`Conference`) and carry the bridge headers and,
//! per member, a channel snapshot; `ConfbridgeList`/`ConfbridgeListRooms`
//! items resync the same. A lock raises no event, so `locked` is only as
//! fresh as the last `ConfbridgeListRooms`. `BridgeNumChannels` counts the
//! room's own announcer and recorder channels (`CBAnn/...`, `CBRec/...`),
//! which never get a Newchannel: they are counted, never made channels.
//! MeetMe names the room `Meetme` (`Conference` in its list) and members
//! by `Usernum`; a 1.4 room has no end event and goes with its last member.

use std::collections::BTreeMap;

use serde::Serialize;

use super::State;
use super::fields;
use super::snapshot::Snapshot;
use crate::ami::Message;

/// Which application runs the room.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConferenceApp {
    ConfBridge,
    MeetMe,
}

/// One member of a room.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ConferenceMember {
    /// Uniqueid of the member's channel (a live channel of the model).
    pub uniqueid: String,
    pub channel: String,
    pub caller_id_num: String,
    pub caller_id_name: String,
    pub admin: bool,
    /// A marked user (`MarkedUser`, from the lists only).
    pub marked: bool,
    pub muted: bool,
    pub talking: bool,
    /// Waiting for a marked user to arrive.
    pub waiting: bool,
    /// MeetMe's user number, used to mute or kick on 1.x.
    pub user_number: Option<u32>,
    /// Epoch seconds the member joined, when known.
    pub joined_at: Option<f64>,
    #[serde(skip)]
    pub seen: u64,
}

/// One conference room.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Conference {
    pub name: String,
    pub app: ConferenceApp,
    /// The room's bridge (ConfBridge), or "".
    pub bridge: String,
    pub locked: bool,
    pub recording: bool,
    /// Channels in the room's bridge as the last event counted them,
    /// hidden announcer/recorder channels included.
    pub bridge_channels: Option<u32>,
    /// Parties as the last `ConfbridgeListRooms` counted them.
    pub parties: Option<u32>,
    /// Members, by Uniqueid.
    #[serde(serialize_with = "super::registry::as_list")]
    pub members: BTreeMap<String, ConferenceMember>,
    /// The server said the room exists (`ConfbridgeStart`, a list item),
    /// so it stays when empty until its end; a room known only from its
    /// members goes with the last one.
    #[serde(skip)]
    pub started: bool,
    #[serde(skip)]
    pub seen: u64,
}

impl Conference {
    fn new(name: &str, app: ConferenceApp) -> Conference {
        Conference {
            name: name.to_owned(),
            app,
            bridge: String::new(),
            locked: false,
            recording: false,
            bridge_channels: None,
            parties: None,
            members: BTreeMap::new(),
            started: false,
            seen: 0,
        }
    }

    /// Whether the room stays when empty: a started ConfBridge room lasts
    /// until its `ConfbridgeEnd`; other rooms go with their last member.
    fn outlives_members(&self) -> bool {
        !self.members.is_empty() || (self.app == ConferenceApp::ConfBridge && self.started)
    }

    /// Channels in the room's bridge that are no member: the announcer
    /// and recorder ConfBridge adds.
    pub fn hidden_channels(&self) -> u32 {
        let members = u32::try_from(self.members.len()).unwrap_or(u32::MAX);
        self.bridge_channels.unwrap_or(0).saturating_sub(members)
    }
}

/// Every room, by name.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(transparent)]
pub struct Conferences {
    #[serde(serialize_with = "super::registry::as_list")]
    pub rooms: BTreeMap<String, Conference>,
}

impl Conferences {
    /// The room channel `uniqueid` is in, if any.
    pub fn room_of(&self, uniqueid: &str) -> Option<&Conference> {
        self.rooms
            .values()
            .find(|room| room.members.contains_key(uniqueid))
    }

    /// Takes channel `uniqueid` out of its room; a room that is not known
    /// to outlive its members (MeetMe has no end event before 1.8) goes
    /// with the last one.
    pub(super) fn forget_channel(&mut self, uniqueid: &str) {
        self.forget_channel_elsewhere(uniqueid, None);
    }

    pub(super) fn sweep_rooms(&mut self, generation: u64) {
        self.rooms.retain(|_, room| room.seen >= generation);
    }

    /// Members neither listed nor touched since `generation` began; run it
    /// after every room's member list has been read.
    pub(super) fn sweep_members(&mut self, generation: u64) {
        self.rooms.retain(|_, room| {
            let before = room.members.len();
            room.members.retain(|_, m| m.seen >= generation);
            room.members.len() == before || room.outlives_members()
        });
    }

    fn room(&mut self, name: &str, app: ConferenceApp, generation: u64) -> &mut Conference {
        let room = self
            .rooms
            .entry(name.to_owned())
            .or_insert_with(|| Conference::new(name, app));
        room.seen = generation;
        room
    }
}

impl State {
    /// ConfBridge and MeetMe events and list items; false when `event` is
    /// none of them.
    pub(super) fn apply_conference(&mut self, msg: &Message, event: &str, now: f64) -> bool {
        match event {
            "confbridgestart" | "confbridgerecord" | "confbridgestoprecord" => {
                if let Some(room) = self.confbridge_room(msg) {
                    room.started = true;
                    match event {
                        "confbridgerecord" => room.recording = true,
                        "confbridgestoprecord" => room.recording = false,
                        _ => {}
                    }
                }
            }
            "confbridgeend" | "meetmeend" => {
                if let Some(name) = msg.get_any(&["Conference", "Meetme"]) {
                    self.conferences.rooms.remove(name.as_ref());
                }
            }
            "confbridgelistrooms" | "meetmelistrooms" => self.room_item(msg, event),
            "confbridgejoin" | "confbridgelist" | "meetmejoin" | "meetmelist" => {
                self.member_joins(msg, event, now)
            }
            "confbridgeleave" | "meetmeleave" => self.member_leaves(msg),
            "confbridgetalking" | "confbridgemute" | "confbridgeunmute" | "meetmetalking"
            | "meetmemute" => self.member_changes(msg, event),
            _ => return false,
        }
        true
    }

    /// The ConfBridge room an event names, created if new, with its bridge
    /// headers copied.
    fn confbridge_room(&mut self, msg: &Message) -> Option<&mut Conference> {
        let name = msg.get("Conference")?;
        let room = self
            .conferences
            .room(&name, ConferenceApp::ConfBridge, self.generation);
        fields::set_text(&mut room.bridge, msg, &["BridgeUniqueid"]);
        if let Some(count) = fields::number(msg, &["BridgeNumChannels"]) {
            room.bridge_channels = Some(count);
        }
        Some(room)
    }

    /// The room of a per-member event: ConfBridge's `Conference`, MeetMe's
    /// `Meetme` (events) or `Conference` (MeetmeList items).
    fn member_room(&mut self, msg: &Message, event: &str) -> Option<&mut Conference> {
        if event.starts_with("confbridge") {
            return self.confbridge_room(msg);
        }
        let name = msg.get_any(&["Meetme", "Conference"])?;
        Some(
            self.conferences
                .room(&name, ConferenceApp::MeetMe, self.generation),
        )
    }

    fn room_item(&mut self, msg: &Message, event: &str) {
        let app = if event.starts_with("confbridge") {
            ConferenceApp::ConfBridge
        } else {
            ConferenceApp::MeetMe
        };
        let Some(name) = msg.get("Conference") else {
            return;
        };
        let room = self.conferences.room(&name, app, self.generation);
        room.started = true;
        if let Some(locked) = fields::flag(msg, "Locked") {
            room.locked = locked;
        }
        if let Some(parties) = fields::number(msg, &["Parties"]) {
            room.parties = Some(parties);
        }
    }

    /// A member's channel: a 12+ snapshot, or 1.x `Channel` + `Uniqueid`
    /// (MeetmeList items name the channel only).
    fn member_channel(&mut self, msg: &Message, create: bool) -> Option<String> {
        let snap = Snapshot::parse(msg, "");
        if snap.uniqueid.is_some() {
            return self.channels.upsert(&snap, create, self.generation);
        }
        self.channels.resolve(None, msg.get("Channel").as_deref())
    }

    /// `ConfbridgeJoin`, `MeetmeJoin` and the member list items: the channel
    /// is in this room now, and in no other.
    fn member_joins(&mut self, msg: &Message, event: &str, now: f64) {
        let Some(uniqueid) = self.member_channel(msg, true) else {
            return;
        };
        let channel = self.channels.get(&uniqueid).cloned().unwrap_or_default();
        let generation = self.generation;
        let Some(room) = self.member_room(msg, event) else {
            return;
        };
        let name = room.name.clone();
        self.conferences
            .forget_channel_elsewhere(&uniqueid, Some(&name));
        let Some(room) = self.conferences.rooms.get_mut(&name) else {
            return;
        };
        let member = room
            .members
            .entry(uniqueid.clone())
            .or_insert_with(|| ConferenceMember {
                uniqueid,
                joined_at: Some(now),
                ..ConferenceMember::default()
            });
        member.channel = channel.name;
        member.caller_id_num = channel.caller_id_num.into();
        member.caller_id_name = channel.caller_id_name.into();
        member.seen = generation;
        if let Some(admin) = fields::flag(msg, "Admin") {
            member.admin = admin;
        }
        if let Some(marked) = fields::flag(msg, "MarkedUser") {
            member.marked = marked;
        }
        if let Some(waiting) = fields::flag(msg, "Waiting") {
            member.waiting = waiting;
        }
        // MeetMe says `By admin` / `By self` / `No`.
        if let Some(muted) = msg.get("Muted") {
            member.muted = !muted.eq_ignore_ascii_case("no");
        }
        if let Some(talking) = fields::flag(msg, "Talking") {
            member.talking = talking;
        }
        if let Some(number) = fields::number(msg, &["Usernum", "UserNumber"]) {
            member.user_number = Some(number);
        }
        if let Some(answered) = fields::number::<f64>(msg, &["AnsweredTime"]) {
            member.joined_at = Some(now - answered);
        }
    }

    fn member_leaves(&mut self, msg: &Message) {
        let Some(uniqueid) = self.member_channel(msg, false) else {
            return;
        };
        let room_name = msg.get_any(&["Conference", "Meetme"]);
        if let Some(name) = room_name
            && let Some(room) = self.conferences.rooms.get_mut(name.as_ref())
            && let Some(count) = fields::number(msg, &["BridgeNumChannels"])
        {
            room.bridge_channels = Some(count);
        }
        self.conferences.forget_channel(&uniqueid);
    }

    /// Talking and mute changes of a member already in the room.
    fn member_changes(&mut self, msg: &Message, event: &str) {
        let Some(uniqueid) = self.member_channel(msg, false) else {
            return;
        };
        let name = msg.get_any(&["Conference", "Meetme"]).unwrap_or_default();
        let Some(room) = self.conferences.rooms.get_mut(name.as_ref()) else {
            return;
        };
        if let Some(count) = fields::number(msg, &["BridgeNumChannels"]) {
            room.bridge_channels = Some(count);
        }
        let Some(member) = room.members.get_mut(&uniqueid) else {
            return;
        };
        let on = msg
            .get_any(&["TalkingStatus", "Status"])
            .is_some_and(|s| s.eq_ignore_ascii_case("on"));
        match event {
            "confbridgetalking" | "meetmetalking" => member.talking = on,
            "confbridgemute" => member.muted = true,
            "confbridgeunmute" => member.muted = false,
            _ => member.muted = on,
        }
    }
}

impl Conferences {
    /// Takes `uniqueid` out of every room but `keep`; see
    /// [`Conferences::forget_channel`].
    fn forget_channel_elsewhere(&mut self, uniqueid: &str, keep: Option<&str>) {
        self.rooms.retain(|name, room| {
            if Some(name.as_str()) == keep {
                return true;
            }
            room.members.remove(uniqueid).is_none() || room.outlives_members()
        });
    }
}
