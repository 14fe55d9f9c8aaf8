//! Voicemail boxes: message counts and settings.
//!
//! Why it exists: "who has messages" is a glance an operator wants. Counts
//! arrive live as `MessageWaiting` (`Mailbox: 1001@default`, `Waiting`, and
//! since 1.6 `New`/`Old`), and on request as the `MailboxCount` and
//! `MailboxStatus` replies (plain responses naming the `Mailbox`; a comma
//! list of boxes is summed by the server, so it names no one box and is
//! ignored). `VoicemailUsersList` items (`VoicemailUserEntry`, also
//! `VoicemailUserDetail` of `VoicemailUserStatus`) carry the settings. The
//! `VoicemailBoxDetail` items of `VoicemailBoxSummary` do not name their
//! box: whoever sends the action tells the model which box its ActionID is
//! about ([`State::expect_mailbox_summary`]). Note that a failed voicemail
//! action may still answer `Success`: nothing here guesses from the reply.

use std::collections::BTreeMap;

use foldhash::HashMap;
use serde::Serialize;

use super::State;
use super::fields;
use crate::ami::Message;

/// Box summaries awaited at once; more means the caller forgot them.
const MAX_PENDING_SUMMARIES: usize = 64;

/// One message in a box, as `VoicemailBoxSummary` lists it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct VoicemailMessage {
    /// `INBOX`, `Old`, `Urgent`...
    pub folder: String,
    pub caller_id: String,
    /// The date as the server wrote it.
    pub date: String,
    pub duration: Option<u32>,
    pub flag: String,
    pub id: String,
}

/// A box's settings, as `VoicemailUsersList` reports them.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MailboxSettings {
    pub email: String,
    pub pager: String,
    pub language: String,
    pub time_zone: String,
    pub say_envelope: Option<bool>,
    pub say_cid: Option<bool>,
    pub attach_message: Option<bool>,
    pub attachment_format: String,
    pub delete_message: Option<bool>,
    pub can_review: Option<bool>,
    pub call_operator: Option<bool>,
    pub max_messages: Option<u32>,
}

/// One voicemail box.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Mailbox {
    /// `box@context`.
    pub mailbox: String,
    pub full_name: String,
    pub new_messages: Option<u32>,
    pub old_messages: Option<u32>,
    pub urgent_messages: Option<u32>,
    /// Messages waiting (`Waiting`), as the server says.
    pub waiting: Option<bool>,
    /// From the user list; `None` until one was read.
    pub settings: Option<MailboxSettings>,
    /// The last summary read (`VoicemailBoxSummary`).
    pub messages: Vec<VoicemailMessage>,
    #[serde(skip)]
    pub seen: u64,
}

/// Every known box, and the summaries being read.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(transparent)]
pub struct Voicemail {
    #[serde(serialize_with = "super::registry::as_list")]
    pub boxes: BTreeMap<String, Mailbox>,
    /// ActionID of a `VoicemailBoxSummary` -> its box and the items so far.
    #[serde(skip)]
    pending: HashMap<String, (String, Vec<VoicemailMessage>)>,
}

/// `1001` and `1001@default` name the same box.
pub fn mailbox_key(mailbox: &str) -> String {
    if mailbox.contains('@') {
        mailbox.to_owned()
    } else {
        format!("{mailbox}@default")
    }
}

impl Voicemail {
    pub(super) fn sweep(&mut self, generation: u64) {
        self.boxes.retain(|_, b| b.seen >= generation);
    }

    fn touch(&mut self, mailbox: &str, generation: u64) -> &mut Mailbox {
        let key = mailbox_key(mailbox);
        let entry = self.boxes.entry(key.clone()).or_insert_with(|| Mailbox {
            mailbox: key,
            ..Mailbox::default()
        });
        entry.seen = generation;
        entry
    }

    /// `MessageWaiting` and the `MailboxCount`/`MailboxStatus` replies.
    fn counts(&mut self, msg: &Message, generation: u64) {
        let Some(name) = msg.get("Mailbox").filter(|m| !m.contains(',')) else {
            return;
        };
        let mailbox = self.touch(&name, generation);
        let number = |keys: &[&str]| fields::number::<u32>(msg, keys);
        if let Some(new) = number(&["New", "NewMessages"]) {
            mailbox.new_messages = Some(new);
        }
        if let Some(old) = number(&["Old", "OldMessages"]) {
            mailbox.old_messages = Some(old);
        }
        if let Some(urgent) = number(&["UrgMessages"]) {
            mailbox.urgent_messages = Some(urgent);
        }
        if let Some(waiting) = fields::flag(msg, "Waiting") {
            mailbox.waiting = Some(waiting);
        }
    }

    /// A `VoicemailUserEntry` or `VoicemailUserDetail` item.
    fn user_entry(&mut self, msg: &Message, generation: u64) {
        let (Some(number), Some(context)) = (msg.get("VoiceMailbox"), msg.get("VMContext")) else {
            return;
        };
        let mailbox = self.touch(&format!("{number}@{context}"), generation);
        fields::set_text(&mut mailbox.full_name, msg, &["Fullname"]);
        let text = |key: &str| msg.get_or_empty(key).into_owned();
        mailbox.settings = Some(MailboxSettings {
            email: text("Email"),
            pager: text("Pager"),
            language: text("Language"),
            time_zone: text("TimeZone"),
            say_envelope: fields::flag(msg, "SayEnvelope"),
            say_cid: fields::flag(msg, "SayCID"),
            attach_message: fields::flag(msg, "AttachMessage"),
            attachment_format: text("AttachmentFormat"),
            delete_message: fields::flag(msg, "DeleteMessage"),
            can_review: fields::flag(msg, "CanReview"),
            call_operator: fields::flag(msg, "CallOperator"),
            max_messages: fields::number(msg, &["MaxMessageCount"]),
        });
        if let Some(new) = fields::number(msg, &["NewMessageCount"]) {
            mailbox.new_messages = Some(new);
        }
        if let Some(old) = fields::number(msg, &["OldMessageCount"]) {
            mailbox.old_messages = Some(old);
        }
    }

    fn box_detail(&mut self, msg: &Message) {
        let Some(action) = msg.action_id() else {
            return;
        };
        let Some((_, items)) = self.pending.get_mut(action.as_ref()) else {
            return;
        };
        let text = |key: &str| msg.get_or_empty(key).into_owned();
        items.push(VoicemailMessage {
            folder: text("Folder"),
            caller_id: text("CallerID"),
            date: text("Date"),
            duration: fields::number(msg, &["Duration"]),
            flag: text("Flag"),
            id: text("ID"),
        });
    }

    fn box_detail_complete(&mut self, msg: &Message, generation: u64) {
        let Some(action) = msg.action_id() else {
            return;
        };
        let Some((mailbox, items)) = self.pending.remove(action.as_ref()) else {
            return;
        };
        self.touch(&mailbox, generation).messages = items;
    }
}

impl State {
    /// Tells the model that the `VoicemailBoxSummary` sent with `action_id`
    /// is about `mailbox` (`1001@default`), so its items land there.
    pub fn expect_mailbox_summary(&mut self, action_id: &str, mailbox: &str) {
        let pending = &mut self.voicemail.pending;
        if pending.len() >= MAX_PENDING_SUMMARIES {
            pending.clear();
        }
        pending.insert(action_id.to_owned(), (mailbox.to_owned(), Vec::new()));
    }

    /// Voicemail events and list items; false when `event` is none.
    pub(super) fn apply_voicemail(&mut self, msg: &Message, event: &str) -> bool {
        let generation = self.generation;
        let voicemail = &mut self.voicemail;
        match event {
            "messagewaiting" => voicemail.counts(msg, generation),
            "voicemailuserentry" | "voicemailuserdetail" => voicemail.user_entry(msg, generation),
            "voicemailboxdetail" => voicemail.box_detail(msg),
            "voicemailboxdetailcomplete" => voicemail.box_detail_complete(msg, generation),
            _ => return false,
        }
        true
    }

    /// The `MailboxCount` and `MailboxStatus` replies.
    pub(super) fn apply_voicemail_reply(&mut self, msg: &Message) {
        if msg.is("Response", "Success") && msg.has("Mailbox") {
            self.voicemail.counts(msg, self.generation);
        }
    }
}
