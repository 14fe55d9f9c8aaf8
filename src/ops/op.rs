//! The operations the operator can start, what each needs selected, why
//! one may not start, and the requests they make: the plain data that the
//! forms, the features and `start.rs` share.

use std::fmt;

use crate::ami::Action;

use super::detail_query::detail_query;
use super::parking::ParkingApi;
use super::read_only::read_only_allows;
use super::supervise::RecordingSetup;

/// Something the operator can do to the PBX.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// Place a new call (form).
    Originate,
    /// Attended transfer of the selected channel (form).
    Atxfer,
    /// Blind transfer of the selected channel (form).
    Redirect,
    /// Hang up the selected channel (asks first).
    Hangup,
    /// Change a queue member's penalty (form).
    QueuePenalty,
    /// Pause or unpause a queue member, with a reason (form).
    QueuePause,
    /// Add a member to the selected queue (form).
    QueueAdd,
    /// Remove the selected member from a queue (form, then asks first).
    QueueRemove,
    /// List the queue rules of queuerules.conf.
    QueueRules,
    /// Ask for a fresh summary of every queue.
    QueueSummary,
    /// Load, unload, reload or check a module (form).
    Module,
    /// Run a CLI command (form).
    Console,
    /// Park the selected channel; the one it talks to gets it back on
    /// timeout.
    Park,
    /// Ring a phone the operator names and connect it to the selected
    /// parked call (form).
    PickUp,
    /// Mute or unmute the selected conference member.
    ConferenceMute,
    /// Kick the selected member out of its room (asks first).
    ConferenceKick,
    /// Lock or unlock the selected room.
    ConferenceLock,
    /// Read the selected peer's, DAHDI port's or mailbox's details from
    /// the server (also sent when its detail view opens).
    ReadDetail,
    /// Ring the supervisor's phone to hear the selected call, unheard.
    Listen,
    /// Ring the supervisor's phone to talk to the selected channel only.
    Whisper,
    /// Ring the supervisor's phone to talk to both sides (asks first).
    Barge,
    /// Record the selected channel or call (asks first).
    Record,
    /// Mute or unmute the selected channel's recording.
    MuteRecording,
    /// Stop the selected channel's recording.
    StopRecording,
    /// Any AMI action, with headers typed as lines (form).
    AnyAction,
}

impl Op {
    pub const ALL: [Op; 25] = [
        Op::Originate,
        Op::Atxfer,
        Op::Redirect,
        Op::Hangup,
        Op::QueuePenalty,
        Op::QueuePause,
        Op::QueueAdd,
        Op::QueueRemove,
        Op::QueueRules,
        Op::QueueSummary,
        Op::Module,
        Op::Console,
        Op::Park,
        Op::PickUp,
        Op::ConferenceMute,
        Op::ConferenceKick,
        Op::ConferenceLock,
        Op::ReadDetail,
        Op::Listen,
        Op::Whisper,
        Op::Barge,
        Op::Record,
        Op::MuteRecording,
        Op::StopRecording,
        Op::AnyAction,
    ];

    /// A short title for forms, confirmations and help.
    pub fn title(self) -> &'static str {
        match self {
            Op::Originate => "Originate a call",
            Op::Atxfer => "Attended transfer",
            Op::Redirect => "Redirect (blind transfer)",
            Op::Hangup => "Hang up",
            Op::QueuePenalty => "Set member penalty",
            Op::QueuePause => "Pause / unpause member",
            Op::QueueAdd => "Add queue member",
            Op::QueueRemove => "Remove queue member",
            Op::QueueRules => "List queue rules",
            Op::QueueSummary => "Refresh queue summary",
            Op::Module => "Module load / unload / reload / check",
            Op::Console => "CLI command",
            Op::Park => "Park the call",
            Op::PickUp => "Pick up a parked call",
            Op::ConferenceMute => "Mute / unmute member",
            Op::ConferenceKick => "Kick member",
            Op::ConferenceLock => "Lock / unlock room",
            Op::ReadDetail => "Read details",
            Op::Listen => "Listen to the call",
            Op::Whisper => "Whisper to the channel",
            Op::Barge => "Barge into the call",
            Op::Record => "Record",
            Op::MuteRecording => "Mute / unmute recording",
            Op::StopRecording => "Stop recording",
            Op::AnyAction => "Any action",
        }
    }

    /// The AMI actions this operation may send, so read-only mode can tell
    /// which operations still have something harmless to do.
    pub fn actions(self) -> &'static [&'static str] {
        match self {
            Op::Originate => &["Originate"],
            Op::Atxfer => &["Atxfer"],
            Op::Redirect => &["Redirect"],
            Op::Hangup => &["Hangup"],
            Op::QueuePenalty => &["QueuePenalty"],
            Op::QueuePause => &["QueuePause"],
            Op::QueueAdd => &["QueueAdd"],
            Op::QueueRemove => &["QueueRemove"],
            Op::QueueRules => &["QueueRule"],
            Op::QueueSummary => &["QueueSummary"],
            Op::Module => &["ModuleCheck", "ModuleLoad"],
            Op::Console => &["Command"],
            Op::Park => &["Park"],
            Op::PickUp => &["Originate"],
            Op::ConferenceMute => &[
                "ConfbridgeMute",
                "ConfbridgeUnmute",
                "MeetmeMute",
                "MeetmeUnmute",
            ],
            Op::ConferenceKick => &["ConfbridgeKick"],
            Op::ConferenceLock => &["ConfbridgeLock", "ConfbridgeUnlock"],
            Op::ReadDetail => &[
                "SIPshowpeer",
                "IAXpeerlist",
                "PJSIPShowEndpoint",
                "DAHDIShowChannels",
                "VoicemailBoxSummary",
            ],
            Op::Listen | Op::Whisper | Op::Barge => &["Originate ChanSpy"],
            Op::Record => &["MixMonitor"],
            Op::MuteRecording => &["MixMonitorMute"],
            Op::StopRecording => &["StopMixMonitor"],
            Op::AnyAction => &["any"],
        }
    }

    /// Whether read-only mode leaves this operation anything to send.
    pub fn allowed_read_only(self) -> bool {
        // Any action may be one of the reads: what is typed is checked
        // when it is sent.
        self == Op::AnyAction || self.actions().iter().any(|action| read_only_allows(action))
    }

    /// What must be selected for this operation to start.
    pub fn needs(self) -> RowKind {
        match self {
            Op::Atxfer | Op::Redirect | Op::Hangup => RowKind::Channel,
            Op::QueuePenalty | Op::QueuePause | Op::QueueRemove => RowKind::Member,
            Op::QueueAdd => RowKind::Queue,
            Op::Park => RowKind::TalkingChannel,
            Op::PickUp => RowKind::Parked,
            Op::ConferenceMute | Op::ConferenceKick => RowKind::ConferenceMember,
            Op::ConferenceLock => RowKind::Conference,
            Op::ReadDetail => RowKind::Object,
            Op::Listen | Op::Whisper | Op::Barge => RowKind::Heard,
            Op::Record => RowKind::Recordable,
            Op::MuteRecording | Op::StopRecording => RowKind::Recorded,
            Op::Originate
            | Op::QueueRules
            | Op::QueueSummary
            | Op::Module
            | Op::Console
            | Op::AnyAction => RowKind::Nothing,
        }
    }
}

/// The kind of row an operation works on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    Nothing,
    Channel,
    /// A queue member: its interface and its queue.
    Member,
    Queue,
    /// A channel in a call: its name and the channel it talks to.
    TalkingChannel,
    /// A parked call: its space and its lot's context.
    Parked,
    /// A conference room.
    Conference,
    /// A member of a conference room.
    ConferenceMember,
    /// A peer, a DAHDI port or a voicemail box.
    Object,
    /// A channel, a call or an agent in a call: something a spy can hear.
    Heard,
    /// A channel or a call's legs, to record.
    Recordable,
    /// A channel (or a call's leg) being recorded.
    Recorded,
}

/// The selected row, as plain strings (so this module never depends on
/// the model's types). Fill in what the row has; leave the rest `None`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    /// A channel name, e.g. `PJSIP/100-00000001`.
    pub channel: Option<String>,
    /// A queue name (the selected queue, or the selected member's queue).
    pub queue: Option<String>,
    /// A queue member's interface, e.g. `PJSIP/2001` or `Local/103@test/n`.
    pub interface: Option<String>,
    /// Whether that member is paused now (the pause form offers the opposite).
    pub paused: Option<bool>,
    /// That member's penalty now.
    pub penalty: Option<u32>,
    /// The channels of the selected call, its caller first (a call row
    /// has no one channel).
    pub legs: Vec<String>,
    /// The dialplan context the selected channel is in.
    pub context: Option<String>,
    /// The channel the selected one talks to (a parked call goes back to
    /// it on timeout).
    pub peer: Option<String>,
    /// How this server parks calls (from its version).
    pub parking_api: ParkingApi,
    /// The selected parked call's space, and the context of its lot's
    /// spaces (where a call to the space picks it up).
    pub parked_space: Option<String>,
    pub parking_context: Option<String>,
    /// The selected conference room (or the selected member's room).
    pub conference: Option<String>,
    /// That room is a MeetMe room (1.x), not ConfBridge.
    pub meetme: bool,
    /// Whether that room is locked now (the lock key does the opposite).
    pub locked: Option<bool>,
    /// Whether the selected member is muted now.
    pub muted: Option<bool>,
    /// The selected member's MeetMe user number.
    pub user_number: Option<u32>,
    /// A peer or DAHDI port as the peers rows name it (`SIP/2001`,
    /// `DAHDI/1`), or a voicemail box (`1001@default`).
    pub object: Option<String>,
    /// The channel a spy hears for the selected row: the channel itself
    /// past any Local pair, a call's caller, an agent's phone in its call.
    pub spy_target: Option<String>,
    /// The supervisor's phone from the config (`supervisor`); without it
    /// the spy form asks.
    pub supervisor: Option<String>,
    /// The phone typed in the spy form earlier this session.
    pub last_phone: Option<String>,
    /// The channels a recording would be of (the selected one, or each
    /// leg of the call): name and Uniqueid.
    pub to_record: Vec<(String, String)>,
    /// How recordings are named and made (the config's template and
    /// MixMonitor options), and the epoch time for the file name.
    pub recording: RecordingSetup,
    pub now: f64,
    /// The channels of the row being recorded now.
    pub recorded: Vec<RecordedLeg>,
}

/// A channel being recorded, as an op on its recording needs it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordedLeg {
    pub channel: String,
    pub muted: bool,
    /// The `MixMonitorID` the server answered amitop's `MixMonitor` with:
    /// a stop without it ends the channel's first recording, which may be
    /// the dialplan's own.
    pub id: Option<String>,
}

impl Selection {
    pub(super) fn has(&self, kind: RowKind) -> bool {
        let set = |value: &Option<String>| value.as_deref().is_some_and(|v| !v.is_empty());
        match kind {
            RowKind::Nothing => true,
            RowKind::Channel => set(&self.channel) || !self.legs.is_empty(),
            RowKind::Member => set(&self.interface) && set(&self.queue),
            RowKind::Queue => set(&self.queue),
            RowKind::TalkingChannel => set(&self.channel) && set(&self.peer),
            RowKind::Parked => set(&self.parked_space) && set(&self.parking_context),
            RowKind::Conference => set(&self.conference),
            RowKind::ConferenceMember => set(&self.conference) && set(&self.channel),
            RowKind::Object => self.object.as_deref().and_then(detail_query).is_some(),
            RowKind::Heard => set(&self.spy_target),
            RowKind::Recordable => !self.to_record.is_empty(),
            RowKind::Recorded => !self.recorded.is_empty(),
        }
    }
}

/// Why an operation did not start. Nothing was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// amitop runs with `--read-only` (or `read_only = true`).
    ReadOnly,
    /// The operation works on a row of this kind, and none is selected.
    NeedsSelection(RowKind),
    /// The server has no action for this (the sentence says which).
    Unsupported(&'static str),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::ReadOnly => f.write_str(
                "read-only mode: this action changes the PBX, so it is off \
                 (started with --read-only or read_only = true)",
            ),
            Refusal::NeedsSelection(kind) => f.write_str(match kind {
                RowKind::Channel => "select a channel first",
                RowKind::Member => {
                    "select a queue member first (in 6 Agents, or open a queue with Enter)"
                }
                RowKind::Queue => "select a queue first",
                RowKind::TalkingChannel => {
                    "select a channel in a call first (the call it talks to gets it back)"
                }
                RowKind::Parked => "select a parked call first",
                RowKind::Conference => "select a conference room first",
                RowKind::ConferenceMember => "select a conference member first",
                RowKind::Object => {
                    "select a SIP, IAX2 or PJSIP peer, a DAHDI channel or a mailbox first"
                }
                RowKind::Heard => {
                    "select a channel, a call or an agent in a call first (nobody to listen to)"
                }
                RowKind::Recordable => "select a channel or a call first",
                RowKind::Recorded => "select a channel being recorded first (marked ●)",
                RowKind::Nothing => "nothing to act on",
            }),
            Refusal::Unsupported(why) => f.write_str(why),
        }
    }
}

/// An action ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub op: Op,
    pub action: Action,
    /// More actions of the same operation, sent after `action` once it
    /// is confirmed (hanging up every leg of a call).
    pub also: Vec<Action>,
    /// The question to ask before sending a destructive action.
    confirm: Option<String>,
    /// A list to read once `action` is answered, for a change that raises
    /// no event (a ConfBridge lock).
    then: Option<Action>,
    /// This request is such a re-read: its items are for the model, and
    /// the change it follows has been told already.
    refresh: bool,
}

impl Request {
    pub(super) fn new(op: Op, action: Action) -> Request {
        Request {
            op,
            action,
            also: Vec::new(),
            confirm: None,
            then: None,
            refresh: false,
        }
    }

    /// Reads `list` once this request is answered.
    pub(super) fn then_read(mut self, list: Action) -> Request {
        self.then = Some(list);
        self
    }

    /// The re-read to send once this request succeeded, if it needs one.
    pub fn follow_up(&self) -> Option<Request> {
        let mut request = Request::new(self.op, self.then.clone()?);
        request.refresh = true;
        Some(request)
    }

    /// Whether this is a re-read [`Request::follow_up`] made: its reply
    /// refreshes the model and tells the user nothing new.
    pub fn is_refresh(&self) -> bool {
        self.refresh
    }

    /// One request per action, each to be sent and answered on its own.
    pub fn split(mut self) -> Vec<Request> {
        let also = std::mem::take(&mut self.also);
        let op = self.op;
        std::iter::once(self)
            .chain(also.into_iter().map(|action| Request::new(op, action)))
            .collect()
    }

    /// Marks the request destructive: the user must answer `question` first.
    pub(super) fn confirm_with(mut self, question: String) -> Request {
        self.confirm = Some(question);
        self
    }

    /// The yes/no question for a destructive action (Hangup, QueueRemove,
    /// unloading a module); `None` when it can be sent at once.
    pub fn confirmation(&self) -> Option<&str> {
        self.confirm.as_deref()
    }
}

/// What the operator picks from when one key can mean several requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub op: Op,
    /// One line per option, saying what it does, beside its request.
    pub options: Vec<(String, Request)>,
}
