//! Parking, conferences, hints, voicemail, peer detail and DAHDI actions,
//! answered with the layouts of `e1`-`e4`, `e7` and `s4` (modern) and of
//! Asterisk 11's features.c, app_meetme, app_voicemail and chan_dahdi
//! (AMI 1.1).

use super::{Reply, Request};
use crate::sim::channel::device_of_channel;
use crate::sim::features::{self, PARKING_CONTEXT, PARKING_LOT, PARKING_SPACES, PARKING_TIMEOUT};
use crate::sim::pbx::PHONES;
use crate::sim::vocab::Dialect;
use crate::sim::wire::Fields;

pub(super) fn park(r: &mut Request) -> Reply {
    let channel = r.header("Channel").unwrap_or_default();
    let parker = match r.dialect() {
        Dialect::Modern => r.header("TimeoutChannel"),
        Dialect::Ami11 => match r.header("Channel2") {
            Some(parker) => Some(parker),
            None => return r.error("Channel2 not specified"),
        },
    };
    if channel.is_empty() {
        return r.error("Channel not specified");
    }
    let result = r.shared.change(|pbx| pbx.park(&channel, parker.as_deref()));
    match result {
        Ok(_) => r.success("Park successful"),
        Err(message) => r.error(&message),
    }
}

pub(super) fn parked_calls(r: &mut Request) -> Reply {
    let (id, dialect) = (r.id(), r.dialect());
    let items = r.shared.read(|pbx| {
        let now = pbx.uptime().as_secs();
        pbx.features()
            .parked
            .iter()
            .filter_map(|parked| {
                let chan = pbx
                    .channels()
                    .iter()
                    .find(|c| c.uniqueid == parked.uniqueid)?;
                Some(features::parked_item(dialect, parked, chan, now, id))
            })
            .collect()
    });
    Reply::list_in(
        dialect,
        id,
        "Parked calls will follow",
        items,
        "ParkedCallsComplete",
        |f, count| f.with("Total", count.to_string()),
    )
}

pub(super) fn parking_lots(r: &mut Request) -> Reply {
    let id = r.id();
    let lot = Fields::event("Parkinglot")
        .with_action_id(id)
        .with("Name", PARKING_LOT)
        .with("StartSpace", PARKING_SPACES.start().to_string())
        .with("StopSpace", PARKING_SPACES.end().to_string())
        .with("Timeout", PARKING_TIMEOUT.to_string());
    Reply::list(
        id,
        "Parking lots will follow",
        vec![lot],
        "ParkinglotsComplete",
        |f, _| f,
    )
}

/// The room an action names, or the error Asterisk answers.
fn room(r: &Request, key: &str) -> Result<features::Room, Reply> {
    let name = r.header(key).unwrap_or_default();
    let room = r.shared.read(|pbx| pbx.features().room.clone());
    match room {
        Some(room) if room.name == name => Ok(room),
        _ => Err(r.error("No Conference by that name found.")),
    }
}

pub(super) fn confbridge_list(r: &mut Request) -> Reply {
    let room = match room(r, "Conference") {
        Ok(room) => room,
        Err(reply) => return reply,
    };
    let id = r.id();
    let items = r.shared.read(|pbx| {
        room.members
            .iter()
            .filter_map(|m| {
                let chan = pbx.channels().iter().find(|c| c.uniqueid == m.uniqueid)?;
                Some(features::member_item(Dialect::Modern, &room, m, chan, id))
            })
            .collect()
    });
    Reply::list(
        id,
        "Confbridge user list will follow",
        items,
        "ConfbridgeListComplete",
        |f, _| f,
    )
}

pub(super) fn meetme_list(r: &mut Request) -> Reply {
    let id = r.id();
    let items = r.shared.read(|pbx| {
        let Some(room) = &pbx.features().room else {
            return Vec::new();
        };
        room.members
            .iter()
            .filter_map(|m| {
                let chan = pbx.channels().iter().find(|c| c.uniqueid == m.uniqueid)?;
                Some(features::member_item(Dialect::Ami11, room, m, chan, id))
            })
            .collect()
    });
    Reply::list(
        id,
        "Meetme user list will follow",
        items,
        "MeetmeListComplete",
        |f, _| f,
    )
}

pub(super) fn confbridge_list_rooms(r: &mut Request) -> Reply {
    let Some(room) = r.shared.read(|pbx| pbx.features().room.clone()) else {
        return r.error("No active conferences.");
    };
    let yes_no = |on: bool| if on { "Yes" } else { "No" };
    let item = Fields::event("ConfbridgeListRooms")
        .with_action_id(r.id())
        .with("Conference", room.name.clone())
        .with("Parties", room.members.len().to_string())
        .with("Marked", "0")
        .with("Locked", yes_no(room.locked))
        .with("Muted", "No");
    Reply::list(
        r.id(),
        "Confbridge conferences will follow",
        vec![item],
        "ConfbridgeListRoomsComplete",
        |f, _| f,
    )
}

fn confbridge_mute(r: &mut Request, muted: bool) -> Reply {
    if let Err(reply) = room(r, "Conference") {
        return reply;
    }
    let channel = r.header("Channel").unwrap_or_default();
    if !r.shared.change(|pbx| pbx.mute_member(&channel, muted)) {
        return r.error("No Channel by that name found in Conference.");
    }
    r.success(if muted { "User muted" } else { "User unmuted" })
}

pub(super) fn confbridge_mute_on(r: &mut Request) -> Reply {
    confbridge_mute(r, true)
}

pub(super) fn confbridge_mute_off(r: &mut Request) -> Reply {
    confbridge_mute(r, false)
}

/// `MeetmeMute` / `MeetmeUnmute`: app_meetme's checks and answers (1.4
/// and 1.8 alike). The room is `Meetme`, the member its `Usernum`; the
/// member's `MeetmeMute` event (Status on/off) follows the answer, and
/// only when its state changes.
fn meetme_mute(r: &mut Request, muted: bool) -> Reply {
    let Some(name) = r.header("Meetme") else {
        return r.error("Meetme conference not specified");
    };
    let Some(usernum) = r.header("Usernum") else {
        return r.error("Meetme user number not specified");
    };
    let Ok(usernum) = usernum.parse::<u32>() else {
        return r.error("Invalid user number");
    };
    let outcome = r.shared.change(|pbx| {
        let room = pbx.features().room.clone();
        let room = room
            .filter(|room| room.name == name)
            .ok_or("Meetme conference does not exist")?;
        let member = room
            .members
            .iter()
            .find(|m| m.usernum == usernum)
            .ok_or("User number not found")?;
        let channel = pbx.index_of_uid(&member.uniqueid);
        if let Some(index) = channel.filter(|_| member.muted != muted) {
            let channel = pbx.channels()[index].name.clone();
            pbx.mute_member(&channel, muted);
        }
        Ok(())
    });
    r.outcome(outcome.map(|()| if muted { "User muted" } else { "User unmuted" }))
}

pub(super) fn meetme_mute_on(r: &mut Request) -> Reply {
    meetme_mute(r, true)
}

pub(super) fn meetme_mute_off(r: &mut Request) -> Reply {
    meetme_mute(r, false)
}

pub(super) fn confbridge_kick(r: &mut Request) -> Reply {
    if let Err(reply) = room(r, "Conference") {
        return reply;
    }
    let channel = r.header("Channel").unwrap_or_default();
    let kicked = r.shared.change(|pbx| {
        let index = pbx.index_of(&channel)?;
        pbx.leave_conference(index).then(|| {
            // A kicked member's dialplan goes on to hang up.
            if let Some(index) = pbx.index_of(&channel) {
                pbx.end_channel(index, crate::sim::channel::NORMAL_CLEARING, false);
            }
        })
    });
    match kicked {
        Some(()) => r.success("User kicked"),
        None => r.error("No Channel by that name found in Conference."),
    }
}

fn confbridge_lock(r: &mut Request, locked: bool) -> Reply {
    if let Err(reply) = room(r, "Conference") {
        return reply;
    }
    r.shared.change(|pbx| {
        if let Some(room) = pbx.features.room.as_mut() {
            room.locked = locked;
        }
    });
    r.success(if locked {
        "Conference locked"
    } else {
        "Conference unlocked"
    })
}

pub(super) fn confbridge_lock_on(r: &mut Request) -> Reply {
    confbridge_lock(r, true)
}

pub(super) fn confbridge_lock_off(r: &mut Request) -> Reply {
    confbridge_lock(r, false)
}

/// The mailbox an action names (`1001` or `1001@default`).
fn mailbox(r: &Request) -> Option<features::Mailbox> {
    let wanted = r.header("Mailbox")?;
    let wanted = if wanted.contains('@') {
        wanted
    } else {
        format!("{wanted}@default")
    };
    r.shared.read(|pbx| {
        pbx.features()
            .mailboxes
            .iter()
            .find(|m| m.id() == wanted)
            .cloned()
    })
}

pub(super) fn mailbox_count(r: &mut Request) -> Reply {
    let Some(mailbox) = mailbox(r) else {
        return r.error("Mailbox not specified");
    };
    Reply::one(
        Fields::response("Success", r.id())
            .with("Message", "Mailbox Message Count")
            .with("Mailbox", mailbox.id())
            .with("UrgMessages", "0")
            .with("NewMessages", mailbox.new_messages.to_string())
            .with("OldMessages", mailbox.old_messages.to_string())
            .build(),
    )
}

pub(super) fn mailbox_status(r: &mut Request) -> Reply {
    let Some(mailbox) = mailbox(r) else {
        return r.error("Mailbox not specified");
    };
    let waiting = u32::from(mailbox.new_messages > 0);
    Reply::one(
        Fields::response("Success", r.id())
            .with("Message", "Mailbox Status")
            .with("Mailbox", mailbox.id())
            .with("Waiting", waiting.to_string())
            .build(),
    )
}

/// `VoicemailBoxSummary`: one `VoicemailBoxDetail` per message, new ones
/// in INBOX and old ones in Old, shaped as in `e4_voicemail`. An unknown
/// box answers `Success` with no list, as app_voicemail does.
pub(super) fn voicemail_box_summary(r: &mut Request) -> Reply {
    let (number, context) = (r.header("Mailbox"), r.header("Context"));
    let wanted = format!(
        "{}@{}",
        number.unwrap_or_default(),
        context.unwrap_or_default()
    );
    let found = r.shared.read(|pbx| {
        let boxes = &pbx.features().mailboxes;
        boxes.iter().find(|m| m.id() == wanted).cloned()
    });
    let Some(mailbox) = found else {
        return r.success("There is no voicemail user of the given info.");
    };
    let id = r.id();
    let folders = std::iter::repeat_n("INBOX", mailbox.new_messages as usize)
        .chain(std::iter::repeat_n("Old", mailbox.old_messages as usize));
    let items = folders
        .enumerate()
        .map(|(n, folder)| {
            Fields::event("VoicemailBoxDetail")
                .with_action_id(id)
                .with("Folder", folder)
                .with("CallerID", format!("\"Caller {n}\" <55530{n:02}>"))
                .with("Date", "Tue Dec  1 08:35:16 PM UTC 2026")
                .with("Duration", (12 + n * 7).to_string())
                .with("Flag", "")
                .with("ID", format!("1796157316-{n:08}"))
        })
        .collect();
    Reply::list(
        id,
        "Voicemail box detail will follow",
        items,
        "VoicemailBoxDetailComplete",
        |f, _| f,
    )
}

pub(super) fn voicemail_users(r: &mut Request) -> Reply {
    let id = r.id();
    let items = r.shared.read(|pbx| {
        pbx.features()
            .mailboxes
            .iter()
            .map(|m| voicemail_user_entry(m, id))
            .collect()
    });
    Reply::list(
        id,
        "Voicemail user list will follow",
        items,
        "VoicemailUserEntryComplete",
        |f, _| f,
    )
}

/// A `VoicemailUserEntry`, in the order of `e4_voicemail`.
fn voicemail_user_entry(m: &features::Mailbox, id: Option<&str>) -> Fields {
    let settings = [
        ("Email", format!("{}@office.example", m.number)),
        ("Pager", String::new()),
        ("ServerEmail", "pbx@office.example".into()),
        ("FromString", "Office PBX".into()),
        ("MailCommand", "/usr/sbin/sendmail -t".into()),
        ("Language", String::new()),
        ("TimeZone", "central".into()),
        ("Callback", String::new()),
        ("Dialout", String::new()),
        ("UniqueID", String::new()),
        ("ExitContext", String::new()),
        ("SayDurationMinimum", "2".into()),
        ("SayEnvelope", "Yes".into()),
        ("SayCID", "No".into()),
        ("AttachMessage", "Yes".into()),
        ("AttachmentFormat", String::new()),
        ("DeleteMessage", "No".into()),
        ("VolumeGain", "0.00".into()),
        ("CanReview", "No".into()),
        ("CanMarkUrgent", "Yes".into()),
        ("CallOperator", "No".into()),
        ("MaxMessageCount", "100".into()),
        ("MaxMessageLength", "300".into()),
        ("NewMessageCount", m.new_messages.to_string()),
        ("OldMessageCount", m.old_messages.to_string()),
    ];
    let mut fields = Fields::event("VoicemailUserEntry")
        .with_action_id(id)
        .with("VMContext", m.context.clone())
        .with("VoiceMailbox", m.number.clone())
        .with("Fullname", m.full_name.clone());
    for (key, value) in settings {
        fields.push(key, value);
    }
    fields
}

pub(super) fn dahdi_show_channels(r: &mut Request) -> Reply {
    let (id, dialect) = (r.id(), r.dialect());
    let only: Option<u32> = r.header("DAHDIChannel").and_then(|c| c.parse().ok());
    let items = r.shared.read(|pbx| {
        pbx.features()
            .dahdi
            .iter()
            .filter(|port| only.is_none_or(|n| n == port.number))
            .map(|port| {
                Fields::event("DAHDIShowChannels")
                    .with("DAHDIChannel", port.number.to_string())
                    .with("Signalling", port.signalling)
                    .with("SignallingCode", "2")
                    .with("Context", "from-pstn")
                    .with("DND", "Disabled")
                    .with("Alarm", port.alarm)
                    .with("Description", format!("Line {}", port.number))
                    .with_action_id(id)
            })
            .collect()
    });
    Reply::list_in(
        dialect,
        id,
        "DAHDI channel status will follow",
        items,
        "DAHDIShowChannelsComplete",
        |f, count| f.with("Items", count.to_string()),
    )
}

pub(super) fn sip_show_peer(r: &mut Request) -> Reply {
    let name = r.header("Peer").unwrap_or_default();
    let peer = r.shared.read(|pbx| {
        pbx.registry()
            .peers
            .iter()
            .find(|p| p.name == name)
            .cloned()
    });
    let Some(peer) = peer else {
        return r.error(&format!("Peer {name} not found."));
    };
    let caller = PHONES
        .iter()
        .find(|(num, _)| *num == peer.name)
        .map_or(String::new(), |(num, who)| format!("\"{who}\" <{num}>"));
    let (address, port, status) = match peer.port {
        Some(port) => ("127.0.0.1", port.to_string(), "OK (1 ms)"),
        None => ("(null)", "0".to_owned(), "UNKNOWN"),
    };
    Reply::one(
        Fields::response("Success", r.id())
            .with("Channeltype", "SIP")
            .with("ObjectName", peer.name.clone())
            .with("ChanObjectType", "peer")
            .with("SecretExist", "Y")
            .with("Context", "from-sip")
            .with("Callerid", caller)
            .with("Dynamic", "Y")
            .with("Address-IP", address)
            .with("Address-Port", port)
            .with("Status", status)
            .with("Parkinglot", "")
            .with("Description", peer.description.clone())
            .build(),
    )
}

pub(super) fn iax_peer_list(r: &mut Request) -> Reply {
    // The office has no IAX2 peers, only its IAX2 registration.
    Reply::list(
        r.id(),
        "IAX Peer status list will follow",
        Vec::new(),
        "PeerlistComplete",
        |f, _| f,
    )
}

/// A phone's hint: `Status` 1 (InUse) while it has a channel.
pub(super) fn extension_state_list(r: &mut Request) -> Reply {
    let id = r.id();
    let items = r.shared.read(|pbx| {
        PHONES
            .iter()
            .map(|(num, _)| {
                let busy = pbx.device_busy(&format!("SIP/{num}"));
                Fields::event("ExtensionStatus")
                    .with_action_id(id)
                    .with("Exten", *num)
                    .with("Context", "default")
                    .with("Hint", features::hint_of(num))
                    .with("Status", if busy { "1" } else { "0" })
                    .with("StatusText", if busy { "InUse" } else { "Idle" })
            })
            .collect()
    });
    Reply::list(
        id,
        "Extension Statuses will follow",
        items,
        "ExtensionStateListComplete",
        |f, _| f,
    )
}

pub(super) fn device_state_list(r: &mut Request) -> Reply {
    let id = r.id();
    let items = r.shared.read(|pbx| {
        let mut devices: Vec<(String, &str)> = PHONES
            .iter()
            .map(|(num, _)| {
                let device = format!("SIP/{num}");
                let busy = pbx
                    .channels()
                    .iter()
                    .any(|c| device_of_channel(&c.name) == device);
                (device, if busy { "INUSE" } else { "NOT_INUSE" })
            })
            .collect();
        for space in PARKING_SPACES {
            if pbx.features().parked_in(space).is_some() {
                devices.push((format!("park:{space}@{PARKING_CONTEXT}"), "INUSE"));
            }
        }
        devices
            .into_iter()
            .map(|(device, state)| {
                Fields::event("DeviceStateChange")
                    .with_action_id(id)
                    .with("Device", device)
                    .with("State", state)
            })
            .collect()
    });
    Reply::list(
        id,
        "Device State Changes will follow",
        items,
        "DeviceStateListComplete",
        |f, _| f,
    )
}

pub(super) fn presence_state_list(r: &mut Request) -> Reply {
    let id = r.id();
    let items = features::PRESENCE
        .iter()
        .map(|(exten, status, subtype, message)| {
            Fields::event("PresenceStateChange")
                .with_action_id(id)
                .with("Presentity", format!("CustomPresence:{exten}"))
                .with("Status", *status)
                .with("Subtype", *subtype)
                .with("Message", *message)
        })
        .collect();
    Reply::list(
        id,
        "Presence State Changes will follow",
        items,
        "PresenceStateListComplete",
        |f, _| f,
    )
}
