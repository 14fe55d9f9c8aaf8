//! Following an accepted asynchronous Originate to its end.
//!
//! Why it exists: with `Async: true`, Asterisk answers at once ("Originate
//! successfully queued") and reports the call's fate later in an
//! `OriginateResponse` event carrying the action's ActionID. That event
//! goes to every AMI session, and the session hands it to the app as an
//! ordinary event (the action is finished), so the app must remember which
//! ActionIDs are its own. The event can even be read before the reply's
//! task reports back, so an unclaimed `OriginateResponse` is kept a while
//! in case its Originate turns out to be ours.

use std::collections::VecDeque;

use crate::ami::Message;
use crate::ami::session::Reply;

use super::op::Request;
use super::outcome::Outcome;

/// How many Originates awaited, and unclaimed responses kept, at most
/// (older ones are forgotten: a lost event must not grow memory forever).
const REMEMBERED: usize = 64;

/// The Originates whose outcome is still to come.
#[derive(Debug, Default)]
pub struct OriginateWatch {
    /// ActionID and the channel asked for, oldest first.
    awaited: VecDeque<(String, String)>,
    /// `OriginateResponse` events nobody claimed yet, oldest first.
    unclaimed: VecDeque<Message>,
}

impl OriginateWatch {
    pub fn new() -> OriginateWatch {
        OriginateWatch::default()
    }

    /// Call with the reply to every request. For an accepted asynchronous
    /// Originate it starts waiting for the outcome, which it returns at
    /// once when the `OriginateResponse` was already seen.
    pub fn accepted(&mut self, request: &Request, reply: &Reply) -> Option<Outcome> {
        let action = &request.action;
        let is_async = action.get("Async").is_some_and(|v| v == "true");
        if action.name() != "Originate" || !is_async || !reply.is_success() {
            return None;
        }
        let action_id = reply.response.action_id()?.into_owned();
        let channel = action.get("Channel").unwrap_or_default().to_owned();
        if let Some(at) = self
            .unclaimed
            .iter()
            .position(|e| e.is("ActionID", &action_id))
        {
            let event = self.unclaimed.remove(at)?;
            return Some(outcome(&channel, &event));
        }
        push_bounded(&mut self.awaited, (action_id, channel));
        None
    }

    /// Call with every event: the outcome of one of our Originates when
    /// this is its `OriginateResponse`.
    pub fn event(&mut self, event: &Message) -> Option<Outcome> {
        if !event.is("Event", "OriginateResponse") {
            return None;
        }
        let action_id = event.action_id()?;
        match self.awaited.iter().position(|(id, _)| *id == action_id) {
            Some(at) => {
                let (_, channel) = self.awaited.remove(at)?;
                Some(outcome(&channel, event))
            }
            None => {
                push_bounded(&mut self.unclaimed, event.detach());
                None
            }
        }
    }

    /// How many accepted Originates still wait for their outcome.
    pub fn awaited(&self) -> usize {
        self.awaited.len()
    }
}

fn push_bounded<T>(queue: &mut VecDeque<T>, item: T) {
    if queue.len() == REMEMBERED {
        queue.pop_front();
    }
    queue.push_back(item);
}

fn outcome(asked: &str, event: &Message) -> Outcome {
    let channel = event.get_or_empty("Channel");
    if event.is("Response", "Success") {
        let shown = if channel.is_empty() || channel == asked {
            String::new()
        } else {
            format!(" as {channel}")
        };
        return Outcome::ok(format!("Originate: {asked} answered{shown}"));
    }
    let reason = event.get_or_empty("Reason");
    Outcome::failed(format!(
        "Originate: the call to {asked} failed: {}",
        reason_text(reason.trim())
    ))
}

/// The `Reason` of an `OriginateResponse`: the last control frame the new
/// channel saw (Asterisk's `AST_CONTROL_*` numbers).
fn reason_text(code: &str) -> String {
    match code {
        "0" => "no such channel or number, or the channel driver refused".to_owned(),
        "1" => "hung up before answering".to_owned(),
        "3" => "rang without an answer (timeout)".to_owned(),
        "4" => "answered, then failed".to_owned(),
        "5" => "busy".to_owned(),
        "8" => "congested or unavailable".to_owned(),
        other => format!("reason {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Op;
    use crate::ops::forms::testing::{form, submitted};

    fn originate(is_async: &str) -> Request {
        submitted(&form(
            Op::Originate,
            &[
                ("Channel", "PJSIP/100"),
                ("Application", "Wait"),
                ("Async", is_async),
            ],
        ))
    }

    fn queued(action_id: &str) -> Reply {
        Reply {
            response: Message::from_pairs([
                ("Response", "Success"),
                ("ActionID", action_id),
                ("Message", "Originate successfully queued"),
            ]),
            events: Vec::new(),
        }
    }

    fn response(action_id: &str, result: &str, reason: &str) -> Message {
        Message::from_pairs([
            ("Event", "OriginateResponse"),
            ("ActionID", action_id),
            ("Response", result),
            ("Channel", "PJSIP/100-0000000b"),
            ("Reason", reason),
        ])
    }

    #[test]
    fn the_response_is_matched_by_action_id_after_the_reply() {
        let mut watch = OriginateWatch::new();
        assert_eq!(watch.accepted(&originate("yes"), &queued("amitop-7")), None);
        assert_eq!(watch.awaited(), 1);
        // Another session's Originate: not ours, nothing to show.
        assert_eq!(watch.event(&response("other-1", "Success", "4")), None);
        let done = watch.event(&response("amitop-7", "Success", "4")).unwrap();
        assert_eq!(
            done,
            Outcome::ok("Originate: PJSIP/100 answered as PJSIP/100-0000000b".into())
        );
        assert_eq!(watch.awaited(), 0);
        // Seen once only.
        assert_eq!(watch.event(&response("amitop-7", "Success", "4")), None);
    }

    #[test]
    fn a_response_read_before_the_reply_is_kept_for_it() {
        let mut watch = OriginateWatch::new();
        assert_eq!(watch.event(&response("amitop-3", "Failure", "5")), None);
        let done = watch
            .accepted(&originate("yes"), &queued("amitop-3"))
            .unwrap();
        assert!(!done.ok);
        assert_eq!(
            done.summary,
            "Originate: the call to PJSIP/100 failed: busy"
        );
        assert_eq!(watch.awaited(), 0);
    }

    #[test]
    fn only_accepted_async_originates_are_awaited() {
        let mut watch = OriginateWatch::new();
        assert_eq!(watch.accepted(&originate("no"), &queued("amitop-1")), None);
        let refused = Reply {
            response: Message::from_pairs([("Response", "Error"), ("ActionID", "amitop-2")]),
            events: Vec::new(),
        };
        assert_eq!(watch.accepted(&originate("yes"), &refused), None);
        assert_eq!(watch.awaited(), 0);
        let other = Message::from_pairs([("Event", "Hangup"), ("ActionID", "amitop-1")]);
        assert_eq!(watch.event(&other), None);
    }

    #[test]
    fn memory_stays_bounded() {
        let mut watch = OriginateWatch::new();
        for n in 0..(REMEMBERED + 10) {
            watch.accepted(&originate("yes"), &queued(&format!("amitop-{n}")));
            watch.event(&response(&format!("foreign-{n}"), "Success", "4"));
        }
        assert_eq!(watch.awaited(), REMEMBERED);
        assert_eq!(watch.unclaimed.len(), REMEMBERED);
        // The oldest was forgotten, the newest is still awaited.
        assert_eq!(watch.event(&response("amitop-0", "Success", "4")), None);
        let last = format!("amitop-{}", REMEMBERED + 9);
        assert!(watch.event(&response(&last, "Success", "4")).is_some());
    }
}
