//! Starting an operation: the gate every one of them passes (read-only
//! mode, then the selection), then its form, its ready request or the
//! requests to choose from.

use crate::ami::Action;

use super::detail_query::detail_query;
use super::features;
use super::form::{Form, FormDef};
use super::forms;
use super::op::{Choice, Op, Refusal, Request, RowKind, Selection};
use super::read_only::{read_only_allows, read_only_refusal};

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

/// Starts `op` on the selected row. In read-only mode an operation that
/// can only change the PBX is refused at once; what it sends is checked
/// again by [`permit`] before it leaves.
pub fn start(op: Op, selection: &Selection, read_only: bool) -> Result<Start, Refusal> {
    if read_only && !op.allowed_read_only() {
        return Err(Refusal::ReadOnly);
    }
    if !selection.has(op.needs()) {
        return Err(Refusal::NeedsSelection(op.needs()));
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
            let query = query.ok_or(Refusal::NeedsSelection(RowKind::Object))?;
            return Ok(Start::Ready(Request::new(op, query)));
        }
    };
    Ok(Start::Form(Form::new(op, def, selection)))
}

/// The last gate before an action leaves: in read-only mode only what
/// [`read_only_allows`] lets through; `Err` holds the sentence to show.
pub fn permit(action: &Action, read_only: bool) -> Result<(), String> {
    if read_only && !read_only_allows(action.name()) {
        return Err(read_only_refusal(action.name()));
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
            Err(Refusal::NeedsSelection(RowKind::Channel))
        );
        assert_eq!(
            start(Op::QueuePause, &channel("PJSIP/1-1"), false),
            Err(Refusal::NeedsSelection(RowKind::Member))
        );
        // A queue row alone is not a member.
        let queue_only = Selection {
            queue: Some("support".into()),
            ..Selection::default()
        };
        assert_eq!(
            start(Op::QueueRemove, &queue_only, false),
            Err(Refusal::NeedsSelection(RowKind::Member))
        );
        assert!(matches!(
            start(Op::QueueAdd, &queue_only, false),
            Ok(Start::Form(_))
        ));
        let empty_name = channel("");
        assert_eq!(
            start(Op::Atxfer, &empty_name, false),
            Err(Refusal::NeedsSelection(RowKind::Channel))
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
