//! The model: a pure reducer from AMI messages to what the PBX looks like now.
//!
//! [`State::apply`] takes every message the server sends (events, list items
//! and replies alike) and the current time, and never does I/O or reads a
//! clock, so any recorded stream can be replayed into the same state. It
//! understands the three generations of the protocol: Asterisk 1.4 (AMI 1.0),
//! 1.6-11 (AMI 1.1-1.3) and 12+ (AMI 2.x and later).
//!
//! After a (re)connection the app resyncs by mark and sweep:
//! [`State::begin_resync`], send the list actions, and [`State::sweep`] each
//! kind when its list completes. What the list did not report, and no live
//! event touched since the resync began, is removed.

mod bridges;
pub mod calls;
mod changes;
mod channel_events;
mod channels;
pub mod conferences;
pub mod dahdi;
mod dial;
mod event_log;
pub(crate) mod fields;
pub mod parking;
mod parties;
mod pbx_objects;
pub mod peer_detail;
pub mod queues;
pub mod registry;
mod replay;
mod server;
mod small_map;
mod snapshot;
pub mod spy_target;
pub mod supervision;
pub mod voicemail;

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::ami::{Banner, Malformed, Message};

pub use bridges::{Bridge, Bridges, legacy_id};
pub use calls::{CallGroups, CallKey};
pub use changes::{Changes, Mark};
pub use channels::{Channel, Channels, RemovedChannel};
pub use conferences::{Conference, ConferenceApp, ConferenceMember, Conferences};
pub use dahdi::{Dahdi, DahdiChannel};
pub use event_log::{EventLog, LogEntry};
pub use parking::{ParkedCall, Parking, ParkingLot};
pub use peer_detail::{DetailSection, PeerDetail, PeerDetails};
pub use queues::Queues;
pub use registry::Registry;
pub use replay::{ReplayOptions, ReplayOutcome, replay, replay_from};
pub use server::{ModuleActivity, ModuleLoadReport, Server};
pub use small_map::SmallMap;
pub use supervision::{Recording, Spy, SpyMode, Supervision};
pub use voicemail::{Mailbox, MailboxSettings, Voicemail, VoicemailMessage};

/// Which list a resync sweep is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ListKind {
    Channels,
    Bridges,
    Queues,
    Registrations,
    Peers,
    /// `ParkedCalls` (`ParkedCallsComplete`).
    ParkedCalls,
    /// `Parkinglots` (`ParkinglotsComplete`).
    ParkingLots,
    /// `ConfbridgeListRooms`, 1.x `MeetmeListRooms`.
    Conferences,
    /// `ConfbridgeList` / `MeetmeList`: sweep once every room's list is read.
    ConferenceMembers,
    /// `ExtensionStateList`.
    Hints,
    /// `DeviceStateList`.
    Devices,
    /// `PresenceStateList`.
    Presence,
    /// `VoicemailUsersList` (`VoicemailUserEntryComplete`).
    Mailboxes,
    /// `DAHDIShowChannels`.
    Dahdi,
}

impl ListKind {
    /// The kinds one list rebuilds, so its end may sweep: all but
    /// [`ListKind::ConferenceMembers`], which takes one list per room.
    pub const SWEPT_ON_COMPLETION: [ListKind; 13] = [
        ListKind::Channels,
        ListKind::Bridges,
        ListKind::Queues,
        ListKind::Registrations,
        ListKind::Peers,
        ListKind::ParkedCalls,
        ListKind::ParkingLots,
        ListKind::Conferences,
        ListKind::Hints,
        ListKind::Devices,
        ListKind::Presence,
        ListKind::Mailboxes,
        ListKind::Dahdi,
    ];

    /// The list kind whose rebuild an end-of-list event completes, for the
    /// lists a resync sends (`CoreShowChannelsComplete`, `StatusComplete`,
    /// `BridgeListComplete`, `QueueStatusComplete`, `RegistrationsComplete`,
    /// `PeerlistComplete`, ...).
    pub fn completed_by(event: &str) -> Option<ListKind> {
        ListKind::completed_by_name(event.as_bytes())
    }

    /// [`ListKind::completed_by`] on the raw `Event` value.
    pub(crate) fn completed_by_name(event: &[u8]) -> Option<ListKind> {
        // Asked about every event: most are no list's end.
        const SUFFIX: &[u8] = b"complete";
        let tail = event.len().checked_sub(SUFFIX.len())?;
        if !event[tail..].eq_ignore_ascii_case(SUFFIX) {
            return None;
        }
        let kind = match lowercase(event, &mut [0; EVENT_NAME_MAX]) {
            b"coreshowchannelscomplete" | b"statuscomplete" => ListKind::Channels,
            b"bridgelistcomplete" => ListKind::Bridges,
            b"queuestatuscomplete" => ListKind::Queues,
            b"registrationscomplete" | b"outboundregistrationdetailcomplete" => {
                ListKind::Registrations
            }
            b"peerlistcomplete" | b"contactlistcomplete" => ListKind::Peers,
            b"parkedcallscomplete" => ListKind::ParkedCalls,
            b"parkinglotscomplete" => ListKind::ParkingLots,
            b"confbridgelistroomscomplete" | b"meetmelistroomscomplete" => ListKind::Conferences,
            b"confbridgelistcomplete" | b"meetmelistcomplete" => ListKind::ConferenceMembers,
            b"extensionstatelistcomplete" => ListKind::Hints,
            b"devicestatelistcomplete" => ListKind::Devices,
            b"presencestatelistcomplete" => ListKind::Presence,
            b"voicemailuserentrycomplete" => ListKind::Mailboxes,
            b"dahdishowchannelscomplete" => ListKind::Dahdi,
            _ => return None,
        };
        Some(kind)
    }
}

/// Longest event name matched by name; longer ones match nothing.
const EVENT_NAME_MAX: usize = 48;

/// `name` lower-cased into `buf`, without allocating; empty when too long.
fn lowercase<'a>(name: &[u8], buf: &'a mut [u8; EVENT_NAME_MAX]) -> &'a [u8] {
    match buf.get_mut(..name.len()) {
        Some(lower) => {
            lower.copy_from_slice(name);
            lower.make_ascii_lowercase();
            lower
        }
        None => b"",
    }
}

/// The key every handler matches an event on: its `Event` header
/// lower-cased (see [`State::apply_event`]). `None` for a name no handler
/// can have: longer than any, or not text.
fn event_key<'a>(name: &[u8], buf: &'a mut [u8; EVENT_NAME_MAX]) -> Option<&'a str> {
    let lower = lowercase(name, buf);
    let key = if lower.is_ascii() {
        // SAFETY: ASCII is UTF-8. Nearly every name is ASCII, and this test
        // costs a fraction of `from_utf8`'s, which runs on every event.
        unsafe { std::str::from_utf8_unchecked(lower) }
    } else {
        std::str::from_utf8(lower).ok()?
    };
    Some(key).filter(|key| !key.is_empty())
}

/// Everything amitop knows about the server, serialised as the `--json`
/// document of `amitop replay` and `amitop snapshot`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct State {
    pub server: Server,
    pub channels: Channels,
    pub bridges: Bridges,
    pub queues: Queues,
    #[serde(flatten)]
    pub registry: Registry,
    pub parking: Parking,
    pub conferences: Conferences,
    pub voicemail: Voicemail,
    pub peer_details: PeerDetails,
    pub dahdi: Dahdi,
    /// Spies and recordings.
    pub supervision: Supervision,
    /// Events no sub-model handles, counted by name.
    pub unknown_events: BTreeMap<String, u64>,
    #[serde(skip)]
    pub log: EventLog,
    /// Frames the codec could not read and skipped (see
    /// [`State::note_malformed`]).
    #[serde(skip)]
    pub skipped_frames: u64,
    /// Resync generation; see [`State::begin_resync`].
    #[serde(skip)]
    pub generation: u64,
    /// Bumped by every change, so views can cache what they derive.
    #[serde(skip)]
    revision: u64,
    /// The channels grouped into calls; read with [`State::calls`].
    #[serde(skip)]
    calls: calls::Calls,
}

/// Events the model knows and deliberately only logs.
const LOG_ONLY: &[&str] = &[
    "attendedtransfer",
    "blindtransfer",
    "cdr",
    "cel",
    "dialstate",
    "hangupchannel",
    "hanguprequest",
    "softhanguprequest",
    "localoptimizationbegin",
    "localoptimizationend",
    "masquerade",
    "transfer",
    "userevent",
    // Security events.
    "authmethodnotallowed",
    "challengeresponsefailed",
    "challengesent",
    "failedacl",
    "invalidaccountid",
    "invalidpassword",
    "invalidtransport",
    "loadaveragelimit",
    "memorylimit",
    "requestbadformat",
    "requestnotallowed",
    "sessionlimit",
    "successfulauth",
    "unexpectedaddress",
];

impl State {
    pub fn new() -> State {
        State::default()
    }

    /// A state whose event log keeps `capacity` entries.
    pub fn with_log_capacity(capacity: usize) -> State {
        State {
            log: EventLog::with_capacity(capacity),
            ..State::default()
        }
    }

    /// A (re)connection greeting.
    pub fn apply_banner(&mut self, banner: &Banner) {
        self.revision += 1;
        self.server.apply_banner(banner);
    }

    /// A number that changes whenever the state may have changed: what a
    /// view derives from the state (call grouping, sorted rows) stays valid
    /// while it is the same.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Applies one message from the server; `now` is the epoch time it
    /// arrived. Events are logged; an event nobody handles is counted in
    /// `unknown_events`, never an error.
    pub fn apply(&mut self, msg: &Message, now: f64) {
        self.revision += 1;
        let Some(event) = msg.get_bytes("Event") else {
            // Replies: CoreSettings/CoreStatus for the server, QueueRule
            // for the queues (an empty event name says "a reply").
            self.server.apply_response(msg);
            self.queues.apply(msg, "", now);
            self.apply_pbx_reply(msg);
            return;
        };
        let mut buf = [0; EVENT_NAME_MAX];
        let handled = event_key(event, &mut buf).is_some_and(|key| self.apply_event(msg, key, now));
        if !handled {
            let name = msg.text(event);
            match self.unknown_events.get_mut(name.as_ref()) {
                Some(count) => *count += 1,
                None => {
                    self.unknown_events.insert(name.into_owned(), 1);
                }
            }
        }
        self.log.push(now, msg);
    }

    /// A frame the codec skipped: counted, and put in the event log as a
    /// `SkippedFrame` entry with the reason and the frame's first bytes, so
    /// a loss on the wire is never silent.
    pub fn note_malformed(&mut self, bad: &Malformed, now: f64) {
        self.revision += 1;
        self.skipped_frames += 1;
        let reason = bad.reason.to_string();
        let entry = Message::from_pairs([
            ("Event", "SkippedFrame"),
            ("Reason", reason.as_str()),
            ("Preview", bad.preview.as_str()),
        ]);
        self.log.push(now, &entry);
    }

    /// Dispatches an event; false when nothing handled it.
    ///
    /// The event-name convention: `key` is the `Event` header lower-cased
    /// once, here, and every handler, in this match and in the sub-models
    /// it hands `key` to (`server`, `queues`, `registry`, the PBX objects),
    /// matches that same key against lower-case names (`"queuecallerjoin"`).
    /// A sub-model that shows the name reads it from the message. So the
    /// spelling on the wire never matters, and `grep -rin queuecallerjoin
    /// src/model` finds each handler of an event.
    fn apply_event(&mut self, msg: &Message, key: &str, now: f64) -> bool {
        match key {
            "newcallerid" => {
                self.update_channel(msg, true);
                self.queues.caller_id_changed(msg);
            }
            "newchannel" | "newstate" | "newconnectedline" | "newaccountcode" | "newexten" => {
                self.update_channel(msg, true)
            }
            "hangup" => self.hangup(msg),
            "rename" => self.rename(msg),
            "hold" => self.hold(msg, true),
            "unhold" => self.hold(msg, false),
            "musiconholdstart" => self.music_on_hold(msg, Some(true)),
            "musiconholdstop" => self.music_on_hold(msg, Some(false)),
            "musiconhold" => self.music_on_hold(msg, None),
            "varset" => self.var_set(msg),
            "channelupdate" => self.channel_update(msg),
            "localbridge" => self.local_bridge(msg),
            "coreshowchannel" => self.core_show_channel(msg),
            "status" => self.status_item(msg),
            "dial" => self.dial_legacy(msg),
            "dialbegin" => self.dial_begin(msg),
            "dialend" => self.dial_end(msg),
            "bridgecreate" => self.bridge_create(msg),
            "bridgeenter" => self.bridge_enter(msg),
            "bridgeleave" => self.bridge_leave(msg),
            "bridgedestroy" => self.bridge_destroy(msg),
            "bridgemerge" => self.bridge_merge(msg),
            "bridgelistitem" => self.bridge_list_item(msg),
            "bridgeinfochannel" => self.bridge_info_channel(msg),
            "bridgeinfocomplete" => self.bridge_info_complete(msg),
            "bridge" => {
                let (a, b) = self.legacy_link_ends(msg);
                if let (Some(a), Some(b)) = (a, b) {
                    if msg.is("Bridgestate", "Unlink") {
                        self.legacy_unlink(&a, &b);
                    } else {
                        self.legacy_link(&a, &b, &msg.get_or_empty("Bridgetype"));
                    }
                }
            }
            "link" | "unlink" => {
                if let (Some(a), Some(b)) = self.legacy_link_ends(msg) {
                    if key == "link" {
                        self.legacy_link(&a, &b, "");
                    } else {
                        self.legacy_unlink(&a, &b);
                    }
                }
            }
            "voicemailboxdetailcomplete" | "endpointdetailcomplete" => {
                return self.apply_pbx_object(msg, key, now);
            }
            // End-of-list events carry nothing to keep; `AgentComplete` is
            // a queue member finishing a call, not the end of a list.
            _ if LOG_ONLY.contains(&key)
                || (key.ends_with("complete") && key != "agentcomplete") => {}
            _ => {
                if key == "peerentry" {
                    // Also the peers row's: the detail keeps every field.
                    self.peer_details.peer_report(msg);
                }
                return self.server.apply_event(msg, key, now)
                    || self.queues.apply(msg, key, now)
                    || self.registry.apply(msg, key, now)
                    || self.apply_pbx_object(msg, key, now);
            }
        }
        true
    }

    /// The two Uniqueids of a 1.x link event (`Uniqueid1/2`, else the
    /// channels named by `Channel1/2`).
    fn legacy_link_ends<'m>(
        &self,
        msg: &'m Message,
    ) -> (Option<Cow<'m, str>>, Option<Cow<'m, str>>) {
        let end = |id_key: &str, name_key: &str| {
            let name = msg.get(name_key);
            self.channels.resolve_cow(msg.get(id_key), name.as_deref())
        };
        (end("Uniqueid1", "Channel1"), end("Uniqueid2", "Channel2"))
    }

    /// Starts a resync: from now on, every entity a live event or a list
    /// item touches is marked with the new generation.
    pub fn begin_resync(&mut self) {
        self.revision += 1;
        self.generation += 1;
        self.queues.begin_resync(self.generation);
        self.registry.begin_resync(self.generation);
    }

    /// A list of `kind` has completed: removes what it did not report and
    /// no live event touched since [`State::begin_resync`]. Swept channels
    /// are remembered as dead, so a late event cannot bring them back.
    pub fn sweep(&mut self, kind: ListKind) {
        self.revision += 1;
        match kind {
            ListKind::Channels => {
                for id in self.channels.stale(self.generation) {
                    bridges::leave(&mut self.bridges, &mut self.channels, &id);
                    self.forget_in_pbx_objects(&id);
                    self.channels.remove(&id);
                }
            }
            ListKind::Bridges => self.sweep_bridges(),
            ListKind::Queues => self.queues.sweep(self.generation),
            ListKind::Registrations
            | ListKind::Peers
            | ListKind::Hints
            | ListKind::Devices
            | ListKind::Presence => self.registry.sweep(kind, self.generation),
            ListKind::ParkedCalls => self.parking.sweep_calls(self.generation),
            ListKind::ParkingLots => self.parking.sweep_lots(self.generation),
            ListKind::Conferences => self.conferences.sweep_rooms(self.generation),
            ListKind::ConferenceMembers => self.conferences.sweep_members(self.generation),
            ListKind::Mailboxes => self.voicemail.sweep(self.generation),
            ListKind::Dahdi => self.dahdi.sweep(self.generation),
        }
    }
}
