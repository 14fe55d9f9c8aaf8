//! The operations the operator can start, what each needs selected, and
//! the gate every one of them passes: read-only mode, then the selection.

use std::fmt;

use crate::ami::Action;

use super::detail_query::detail_query;
use super::features;
use super::form::Form;
use super::forms::{self, FormDef};
use super::parking::ParkingApi;
use super::read_only::read_only_allows;

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
}

impl Op {
    pub const ALL: [Op; 18] = [
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
        }
    }

    /// Whether read-only mode leaves this operation anything to send.
    pub fn allowed_read_only(self) -> bool {
        self.actions().iter().any(|action| read_only_allows(action))
    }

    /// What must be selected for this operation to start.
    pub fn target(self) -> Target {
        match self {
            Op::Atxfer | Op::Redirect | Op::Hangup => Target::Channel,
            Op::QueuePenalty | Op::QueuePause | Op::QueueRemove => Target::Member,
            Op::QueueAdd => Target::Queue,
            Op::Park => Target::TalkingChannel,
            Op::PickUp => Target::Parked,
            Op::ConferenceMute | Op::ConferenceKick => Target::ConferenceMember,
            Op::ConferenceLock => Target::Conference,
            Op::ReadDetail => Target::Object,
            Op::Originate | Op::QueueRules | Op::QueueSummary | Op::Module | Op::Console => {
                Target::Nothing
            }
        }
    }
}

/// The kind of row an operation works on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
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
}

/// The selected row, as plain strings (so this module never depends on
/// the model's types). Fill in what the row has; leave the rest `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
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
}

impl Selection {
    fn has(&self, target: Target) -> bool {
        let set = |value: &Option<String>| value.as_deref().is_some_and(|v| !v.is_empty());
        match target {
            Target::Nothing => true,
            Target::Channel => set(&self.channel) || !self.legs.is_empty(),
            Target::Member => set(&self.interface) && set(&self.queue),
            Target::Queue => set(&self.queue),
            Target::TalkingChannel => set(&self.channel) && set(&self.peer),
            Target::Parked => set(&self.parked_space) && set(&self.parking_context),
            Target::Conference => set(&self.conference),
            Target::ConferenceMember => set(&self.conference) && set(&self.channel),
            Target::Object => self.object.as_deref().and_then(detail_query).is_some(),
        }
    }
}

/// Why an operation did not start. Nothing was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// amitop runs with `--read-only` (or `read_only = true`).
    ReadOnly,
    /// The operation works on a row of this kind, and none is selected.
    NeedsSelection(Target),
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
            Refusal::NeedsSelection(target) => f.write_str(match target {
                Target::Channel => "select a channel first",
                Target::Member => {
                    "select a queue member first (in 6 Agents, or open a queue with Enter)"
                }
                Target::Queue => "select a queue first",
                Target::TalkingChannel => {
                    "select a channel in a call first (the call it talks to gets it back)"
                }
                Target::Parked => "select a parked call first",
                Target::Conference => "select a conference room first",
                Target::ConferenceMember => "select a conference member first",
                Target::Object => {
                    "select a SIP, IAX2 or PJSIP peer, a DAHDI channel or a mailbox first"
                }
                Target::Nothing => "nothing to act on",
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

/// What starting an operation gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Start {
    /// A form to fill in, pre-filled from the selection.
    Form(Form),
    /// A request needing no input (it may still need confirmation).
    Ready(Request),
    /// Requests to pick one of (one leg of a call, or every leg).
    Choose(Choice),
}

/// What the operator picks from when one key can mean several requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub op: Op,
    /// One line per option, saying what it does, beside its request.
    pub options: Vec<(String, Request)>,
}

/// Starts `op` on the selected row. In read-only mode an operation that
/// can only change the PBX is refused at once; what it sends is checked
/// again by [`permit`] before it leaves.
pub fn start(op: Op, selection: &Selection, read_only: bool) -> Result<Start, Refusal> {
    if read_only && !op.allowed_read_only() {
        return Err(Refusal::ReadOnly);
    }
    if !selection.has(op.target()) {
        return Err(Refusal::NeedsSelection(op.target()));
    }
    let def: &'static FormDef = match op {
        Op::Originate => &forms::ORIGINATE,
        Op::Atxfer => &forms::ATXFER,
        Op::Redirect => &forms::REDIRECT,
        Op::QueuePenalty => &forms::QUEUE_PENALTY,
        Op::QueuePause => &forms::QUEUE_PAUSE,
        Op::QueueAdd => &forms::QUEUE_ADD,
        Op::QueueRemove => &forms::QUEUE_REMOVE,
        Op::Module => &forms::MODULE,
        Op::Console => &forms::CONSOLE,
        Op::Hangup => return Ok(hangup(selection)),
        Op::QueueRules => return Ok(Start::Ready(Request::new(op, Action::new("QueueRule")))),
        Op::QueueSummary => {
            return Ok(Start::Ready(Request::new(op, Action::new("QueueSummary"))));
        }
        Op::PickUp => &forms::PICK_UP,
        Op::Park => return Ok(Start::Ready(features::park(selection))),
        Op::ConferenceMute => return features::mute(selection).map(Start::Ready),
        Op::ConferenceKick => return features::kick(selection).map(Start::Ready),
        Op::ConferenceLock => return features::lock(selection).map(Start::Ready),
        Op::ReadDetail => {
            let query = selection.object.as_deref().and_then(detail_query);
            let query = query.ok_or(Refusal::NeedsSelection(Target::Object))?;
            return Ok(Start::Ready(Request::new(op, query)));
        }
    };
    Ok(Start::Form(Form::new(op, def, selection)))
}

/// The last gate before an action leaves: in read-only mode only what
/// [`read_only_allows`] lets through; `Err` holds the sentence to show.
pub fn permit(action: &Action, read_only: bool) -> Result<(), String> {
    if read_only && !read_only_allows(action.name()) {
        return Err(super::read_only::read_only_refusal(action.name()));
    }
    Ok(())
}

/// One channel: hang it up, asking first. A call of several legs: pick
/// one leg, or the whole call (every leg, asked once).
fn hangup(selection: &Selection) -> Start {
    let hang_up = |channel: &str| Action::new("Hangup").header("Channel", channel);
    let one = |channel: &str| {
        Request::new(Op::Hangup, hang_up(channel)).confirm_with(format!("Hang up {channel}?"))
    };
    let legs = match &selection.channel {
        Some(channel) if !channel.is_empty() => std::slice::from_ref(channel),
        _ => selection.legs.as_slice(),
    };
    let [first, rest @ ..] = legs else {
        unreachable!("start checks that a channel is selected")
    };
    if rest.is_empty() {
        return Start::Ready(one(first));
    }
    let question = format!("Hang up the whole call, every leg: {}?", legs.join(", "));
    let mut whole = Request::new(Op::Hangup, hang_up(first)).confirm_with(question);
    whole.also = rest.iter().map(|leg| hang_up(leg)).collect();
    let mut options: Vec<(String, Request)> = legs
        .iter()
        .map(|leg| (format!("only {leg}"), one(leg)))
        .collect();
    options.push((format!("the whole call: all {} legs", legs.len()), whole));
    Start::Choose(Choice {
        op: Op::Hangup,
        options,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(name: &str) -> Selection {
        Selection {
            channel: Some(name.into()),
            ..Selection::default()
        }
    }

    fn member(queue: &str, interface: &str) -> Selection {
        Selection {
            queue: Some(queue.into()),
            interface: Some(interface.into()),
            paused: Some(false),
            ..Selection::default()
        }
    }

    #[test]
    fn read_only_refuses_every_operation_that_only_changes_things() {
        let everything = Selection {
            channel: Some("PJSIP/100-00000001".into()),
            ..member("support", "PJSIP/2001")
        };
        let everything = Selection {
            object: Some("SIP/2001".into()),
            ..everything
        };
        let readers = [Op::QueueRules, Op::QueueSummary, Op::Module, Op::ReadDetail];
        for op in Op::ALL {
            let started = start(op, &everything, true);
            if readers.contains(&op) {
                assert!(started.is_ok(), "{op:?} reads, read-only allows it");
            } else {
                assert_eq!(started, Err(Refusal::ReadOnly), "{op:?}");
            }
        }
        assert!(Refusal::ReadOnly.to_string().contains("--read-only"));
    }

    #[test]
    fn permit_lets_only_reads_through_in_read_only_mode() {
        let hangup = Action::new("Hangup").header("Channel", "PJSIP/1-1");
        let check = Action::new("ModuleCheck").header("Module", "app_queue");
        assert!(permit(&hangup, false).is_ok());
        assert!(permit(&check, true).is_ok());
        let refused = permit(&hangup, true).unwrap_err();
        assert!(refused.contains("Hangup was not sent"), "{refused}");
        let load = Action::new("ModuleLoad").header("LoadType", "unload");
        assert!(permit(&load, true).is_err());
    }

    #[test]
    fn row_operations_need_their_row() {
        let none = Selection::default();
        assert_eq!(
            start(Op::Hangup, &none, false),
            Err(Refusal::NeedsSelection(Target::Channel))
        );
        assert_eq!(
            start(Op::QueuePause, &channel("PJSIP/1-1"), false),
            Err(Refusal::NeedsSelection(Target::Member))
        );
        // A queue row alone is not a member.
        let queue_only = Selection {
            queue: Some("support".into()),
            ..Selection::default()
        };
        assert_eq!(
            start(Op::QueueRemove, &queue_only, false),
            Err(Refusal::NeedsSelection(Target::Member))
        );
        assert!(matches!(
            start(Op::QueueAdd, &queue_only, false),
            Ok(Start::Form(_))
        ));
        let empty_name = channel("");
        assert_eq!(
            start(Op::Atxfer, &empty_name, false),
            Err(Refusal::NeedsSelection(Target::Channel))
        );
        for op in [Op::Originate, Op::Module, Op::Console, Op::QueueRules] {
            assert!(start(op, &none, false).is_ok(), "{op:?}");
        }
    }

    #[test]
    fn hangup_is_ready_but_asks_first() {
        let Ok(Start::Ready(hangup)) = start(Op::Hangup, &channel("SIP/2001-0000000a"), false)
        else {
            panic!("Hangup should need no form");
        };
        assert_eq!(hangup.confirmation(), Some("Hang up SIP/2001-0000000a?"));
        assert_eq!(
            hangup.action,
            Action::new("Hangup").header("Channel", "SIP/2001-0000000a")
        );
    }

    #[test]
    fn hanging_up_a_call_offers_each_leg_or_the_whole_call_asked_once() {
        let call = Selection {
            legs: vec!["PJSIP/100-00000001".into(), "PJSIP/200-00000002".into()],
            ..Selection::default()
        };
        let Ok(Start::Choose(choice)) = start(Op::Hangup, &call, false) else {
            panic!("Hangup of a call offers its legs");
        };
        let labels: Vec<&str> = choice.options.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            labels,
            [
                "only PJSIP/100-00000001",
                "only PJSIP/200-00000002",
                "the whole call: all 2 legs"
            ]
        );
        let leg = &choice.options[1].1;
        assert_eq!(leg.confirmation(), Some("Hang up PJSIP/200-00000002?"));
        assert_eq!(leg.clone().split().len(), 1);
        let request = choice.options[2].1.clone();
        let question = request.confirmation().unwrap().to_owned();
        assert!(
            question.contains("whole call, every leg: PJSIP/100-00000001, PJSIP/200-00000002?"),
            "{question}"
        );
        let sent: Vec<_> = request
            .split()
            .into_iter()
            .map(|r| r.action.get("Channel").unwrap().to_owned())
            .collect();
        assert_eq!(sent, ["PJSIP/100-00000001", "PJSIP/200-00000002"]);

        let alone = Selection {
            legs: vec!["PJSIP/100-00000001".into()],
            ..Selection::default()
        };
        let Ok(Start::Ready(request)) = start(Op::Hangup, &alone, false) else {
            panic!("Hangup of a one-leg call needs no choice");
        };
        assert_eq!(request.confirmation(), Some("Hang up PJSIP/100-00000001?"));
    }

    #[test]
    fn listings_are_sent_at_once() {
        for (op, name) in [
            (Op::QueueRules, "QueueRule"),
            (Op::QueueSummary, "QueueSummary"),
        ] {
            let Ok(Start::Ready(request)) = start(op, &Selection::default(), false) else {
                panic!("{op:?} should need no form");
            };
            assert_eq!(request.action.name(), name);
            assert!(request.action.headers().is_empty());
            assert_eq!(request.confirmation(), None);
        }
    }
}
