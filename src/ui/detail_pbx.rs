//! The detail view's lines for peers (with what the driver told when
//! asked), DAHDI ports, hints and voicemail boxes.
//!
//! Why it exists apart from `detail.rs`: these rows gather what several
//! sub-models say about one thing (a hint's devices and presence, a
//! peer's `SIPshowpeer` answer), where the other rows show one model
//! object as it is.

use crate::model::State;
use crate::model::registry::{ExtensionHint, Peer};
use crate::model::voicemail::Mailbox;
use crate::model::{Channel, DahdiChannel, PeerDetail, Spy, SpyMode};
use crate::ui::detail_lines::{Item, fields_of, flatten, to_value};
use crate::ui::panes::hints;

/// Who listens to the channel (and in which mode), whom it listens to,
/// and its recording (the file amitop asked for); nothing when none.
pub fn supervision(state: &State, channel: &Channel) -> Vec<Item> {
    let mode = |spy: &Spy| spy.mode.map_or("mode not told", SpyMode::word);
    let mut fields: Vec<(&str, String)> = Vec::new();
    for spy in state.spied_by(&channel.uniqueid) {
        fields.push((
            "spied on by",
            format!("{} ({})", spy.spyer_channel, mode(&spy)),
        ));
    }
    let spying = state
        .spies()
        .into_iter()
        .find(|s| s.spyer == channel.uniqueid);
    if let Some(spy) = spying {
        fields.push((
            "spying on",
            format!("{} ({})", spy.spyee_channel, mode(&spy)),
        ));
    }
    if let Some(recording) = state.supervision.recording(&channel.uniqueid) {
        let file = recording.file.as_deref();
        let file = file.unwrap_or("not started by amitop: file not told");
        fields.push(("recording to", file.to_owned()));
        if !recording.muted.is_empty() {
            fields.push(("recording muted", recording.muted.join(", ")));
        }
    }
    if fields.is_empty() {
        return Vec::new();
    }
    let mut items = vec![Item::Section("supervision".into())];
    items.extend(fields.into_iter().map(|(k, v)| Item::Field(k.into(), v)));
    items
}

/// A peer's row, then every field its driver reported when asked.
pub fn peer(state: &State, peer: &Peer) -> Vec<Item> {
    let mut items = fields_of(peer);
    match state.peer_details.get(&peer.id) {
        Some(detail) => server_detail(detail, &mut items),
        None => items.push(Item::Section(
            "from the server: not read yet (i reads it)".into(),
        )),
    }
    items
}

fn server_detail(detail: &PeerDetail, items: &mut Vec<Item>) {
    items.push(Item::Section("from the server".into()));
    let field = |(key, value): &(String, String)| Item::Field(key.clone(), value.clone());
    items.extend(detail.fields.iter().map(field));
    for section in &detail.sections {
        items.push(Item::Section(format!("{} {}", section.kind, section.name)));
        items.extend(section.fields.iter().map(field));
    }
}

/// A DAHDI port's fields.
pub fn dahdi(port: &DahdiChannel) -> Vec<Item> {
    let mut items = fields_of(port);
    items.push(Item::Field(
        "in alarm".into(),
        if port.in_alarm() { "yes" } else { "no" }.into(),
    ));
    items
}

/// A hint, the state of each device it watches and its presence.
pub fn hint(state: &State, hint: &ExtensionHint) -> Vec<Item> {
    // The presence gets a section of its own, from whichever source has it.
    let mut items = fields_except(hint, &["presence"]);
    let devices: Vec<&str> = hints::devices(&hint.hint).collect();
    if !devices.is_empty() {
        items.push(Item::Section("devices".into()));
    }
    for device in devices {
        let state = state.registry.devices.get(device);
        let text = state.map_or("not reported", |d| d.state_text.as_str());
        items.push(Item::Field(device.to_owned(), text.to_owned()));
    }
    if let Some(provider) = hints::presence_provider(&hint.hint) {
        items.push(Item::Section(format!("presence {provider}")));
        match hints::presence(state, hint) {
            Some(presence) => items.extend(fields_except(presence, &["presentity"])),
            None => items.push(Item::Field("status".into(), "not reported".into())),
        }
    }
    items
}

/// A mailbox: counts, settings, and the messages last read.
pub fn mailbox(mailbox: &Mailbox) -> Vec<Item> {
    let mut items = fields_except(mailbox, &["settings", "messages"]);
    match &mailbox.settings {
        Some(settings) => {
            items.push(Item::Section("settings (VoicemailUsersList)".into()));
            items.extend(fields_of(settings));
        }
        None => items.push(Item::Section("settings: not listed".into())),
    }
    items.push(Item::Section(format!(
        "messages ({}, as VoicemailBoxSummary listed them when this view opened)",
        mailbox.messages.len()
    )));
    for message in &mailbox.messages {
        let duration = message.duration.map_or("-".into(), |d| format!("{d} s"));
        items.push(Item::Field(
            message.folder.clone(),
            format!(
                "{} · {} · {duration} · {}",
                message.caller_id, message.date, message.id
            ),
        ));
    }
    items
}

/// The fields of `value` but those named (which get sections of their own).
fn fields_except(value: &impl serde::Serialize, left_out: &[&str]) -> Vec<Item> {
    let mut value = to_value(value);
    if let Some(fields) = value.as_object_mut() {
        for name in left_out {
            fields.remove(*name);
        }
    }
    let mut items = Vec::new();
    flatten("", &value, &mut items);
    items
}
