//! The operations the operator can start, what each needs selected, and
//! the gate every one of them passes: read-only mode, then the selection.

use std::fmt;

use crate::ami::Action;

use super::detail_query::detail_query;
use super::form::Form;
use super::forms::{self, FormDef};
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
    /// Remove the selected member from its queue (asks first).
    QueueRemove,
    /// List the queue rules of queuerules.conf.
    QueueRules,
    /// Ask for a fresh summary of every queue.
    QueueSummary,
    /// Load, unload, reload or check a module (form).
    Module,
    /// Run a CLI command (form).
    Console,
    /// Read the selected peer's, DAHDI port's or mailbox's details from
    /// the server (also sent when its detail view opens).
    ReadDetail,
}

impl Op {
    pub const ALL: [Op; 13] = [
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
                Target::Member => "select a queue member first (open a queue with Enter)",
                Target::Queue => "select a queue first",
                Target::Object => {
                    "select a SIP, IAX2 or PJSIP peer, a DAHDI channel or a mailbox first"
                }
                Target::Nothing => "nothing to act on",
            }),
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
}

impl Request {
    pub(super) fn new(op: Op, action: Action) -> Request {
        Request {
            op,
            action,
            also: Vec::new(),
            confirm: None,
        }
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
        Op::Module => &forms::MODULE,
        Op::Console => &forms::CONSOLE,
        Op::Hangup => return Ok(Start::Ready(hangup(selection))),
        Op::QueueRemove => return Ok(Start::Ready(queue_remove(selection))),
        Op::QueueRules => return Ok(Start::Ready(Request::new(op, Action::new("QueueRule")))),
        Op::QueueSummary => {
            return Ok(Start::Ready(Request::new(op, Action::new("QueueSummary"))));
        }
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

fn picked(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn hangup(selection: &Selection) -> Request {
    let hang_up = |channel: &str| Action::new("Hangup").header("Channel", channel);
    let legs = match &selection.channel {
        Some(channel) if !channel.is_empty() => std::slice::from_ref(channel),
        _ => selection.legs.as_slice(),
    };
    let [first, rest @ ..] = legs else {
        unreachable!("start checks that a channel is selected")
    };
    if rest.is_empty() {
        return Request::new(Op::Hangup, hang_up(first)).confirm_with(format!("Hang up {first}?"));
    }
    let question = format!(
        "Hang up the whole call, every leg: {}? (For one leg, select it in 1 Channels.)",
        legs.join(", ")
    );
    let mut request = Request::new(Op::Hangup, hang_up(first)).confirm_with(question);
    request.also = rest.iter().map(|leg| hang_up(leg)).collect();
    request
}

fn queue_remove(selection: &Selection) -> Request {
    let (queue, interface) = (picked(&selection.queue), picked(&selection.interface));
    let question = format!("Remove {interface} from queue {queue}?");
    let action = Action::new("QueueRemove")
        .header("Queue", queue)
        .header("Interface", interface);
    Request::new(Op::QueueRemove, action).confirm_with(question)
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
    fn hangup_and_queue_remove_are_ready_but_ask_first() {
        let Ok(Start::Ready(hangup)) = start(Op::Hangup, &channel("SIP/2001-0000000a"), false)
        else {
            panic!("Hangup should need no form");
        };
        assert_eq!(hangup.confirmation(), Some("Hang up SIP/2001-0000000a?"));
        assert_eq!(
            hangup.action,
            Action::new("Hangup").header("Channel", "SIP/2001-0000000a")
        );

        let Ok(Start::Ready(remove)) =
            start(Op::QueueRemove, &member("sales", "Local/105@test/n"), false)
        else {
            panic!("QueueRemove should need no form");
        };
        assert_eq!(
            remove.confirmation(),
            Some("Remove Local/105@test/n from queue sales?")
        );
        assert_eq!(remove.action.get("Queue"), Some("sales"));
        assert_eq!(remove.action.get("Interface"), Some("Local/105@test/n"));
    }

    #[test]
    fn hanging_up_a_call_asks_once_for_every_leg() {
        let call = Selection {
            legs: vec!["PJSIP/100-00000001".into(), "PJSIP/200-00000002".into()],
            ..Selection::default()
        };
        let Ok(Start::Ready(request)) = start(Op::Hangup, &call, false) else {
            panic!("Hangup of a call should need no form");
        };
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
            panic!("Hangup of a call should need no form");
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
