//! The parking, conference, voicemail and hint changes of the simulated
//! PBX (the objects and their events are in `features`).

use super::features::{
    CONFERENCE_EXTEN, Features, Member, PARKING_TIMEOUT, Parked, Room, VOICEMAIL_EXTEN, hint_of,
    member_event, parking_event, room_fields,
};
use super::pbx::{PHONES, Pbx};
use super::vocab::{Dialect, channel_fields};
use super::wire::Fields;

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
            self.profile,
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
                let fields = member_event(
                    self.dialect,
                    self.profile,
                    event,
                    &room,
                    &member,
                    &self.channels[index],
                );
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
            self.profile,
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
