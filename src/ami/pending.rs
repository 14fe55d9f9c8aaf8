//! Actions waiting for their replies: matching by ActionID, collecting list
//! items, and deadlines.
//!
//! Why it exists: AMI interleaves everything on one stream. A reply is the
//! response carrying the action's ActionID plus, for a list action
//! (`EventList: start`), every event carrying that ActionID up to the one
//! with `EventList: Complete`. Servers before Asterisk 12 mark some lists
//! only in words (`Message: Channel status will follow`, ending with an
//! event named `StatusComplete`), so those count too. Items may arrive
//! before their response, so
//! events carrying a pending ActionID are held until the response says
//! whether the action is a list; if it is not (a `UserEvent` echoes its
//! ActionID, for instance), the held events are released to the application.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::Instant;

use super::message::Message;
use super::session_types::{Reply, SendError};

/// Who gets the reply.
pub(crate) enum Waiter {
    /// A caller of `SessionHandle::send`.
    Client(oneshot::Sender<Result<Reply, SendError>>),
    /// The session's own keepalive `Ping`.
    Keepalive,
}

struct Entry {
    waiter: Waiter,
    timeout: Duration,
    deadline: Instant,
    response: Option<Message>,
    events: Vec<Message>,
    saw_complete: bool,
}

/// Where an incoming message goes.
pub(crate) enum Routed {
    /// Not part of any pending reply: an event for the application, or a
    /// response nobody waits for (a late one, after its action timed out).
    Unclaimed(Message),
    /// Kept as part of a reply still being collected.
    Held,
    /// Part of the reply to an action that timed out: a list read then is
    /// stale by now, so it must not be taken for live events.
    Late(Message),
    /// A reply is complete; `released` are held events that turned out not
    /// to belong to it, for the application.
    Finished {
        waiter: Waiter,
        reply: Reply,
        released: Vec<Message>,
    },
}

/// Hands out ActionIDs, unique for the life of the session (across
/// reconnects too, so a late reply from an old connection can never be
/// taken for a new one's) and, through a per-session tag, across sessions:
/// Asterisk sends some replies to every session (`OriginateResponse`), so
/// two amitops on one PBX must not mistake each other's for their own.
pub(crate) struct ActionIds {
    tag: String,
    count: u64,
}

impl Default for ActionIds {
    fn default() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let tag = u64::from(std::process::id()) << 32 | u64::from(nanos);
        ActionIds {
            tag: format!("{tag:x}"),
            count: 0,
        }
    }
}

impl ActionIds {
    pub(crate) fn next(&mut self) -> String {
        self.count += 1;
        format!("amitop-{}-{}", self.tag, self.count)
    }
}

/// How many timed-out ActionIDs are remembered; the oldest is forgotten
/// first (a reply that late has long been overtaken by a retry).
const REMEMBERED_EXPIRED: usize = 64;

#[derive(Default)]
pub(crate) struct Pending {
    entries: HashMap<String, Entry>,
    expired: VecDeque<String>,
}

impl Pending {
    /// Registers an action just sent.
    pub(crate) fn insert(&mut self, action_id: String, waiter: Waiter, timeout: Duration) {
        let entry = Entry {
            waiter,
            timeout,
            deadline: Instant::now() + timeout,
            response: None,
            events: Vec::new(),
            saw_complete: false,
        };
        self.entries.insert(action_id, entry);
    }

    /// True while a keepalive `Ping` waits for its answer.
    pub(crate) fn keepalive_outstanding(&self) -> bool {
        self.entries
            .values()
            .any(|e| matches!(e.waiter, Waiter::Keepalive))
    }

    /// Routes one incoming message.
    pub(crate) fn route(&mut self, message: Message) -> Routed {
        let Some(action_id) = message
            .action_id()
            .filter(|id| self.entries.contains_key(id.as_ref()))
            .map(|id| id.into_owned())
        else {
            if message
                .action_id()
                .is_some_and(|id| self.expired.iter().any(|e| *e == *id))
            {
                return Routed::Late(message);
            }
            return Routed::Unclaimed(message);
        };
        let Some(entry) = self.entries.get_mut(&action_id) else {
            return Routed::Unclaimed(message);
        };
        match entry.take(message) {
            Step::Held => Routed::Held,
            Step::NotOurs(message) => Routed::Unclaimed(message),
            Step::Complete(response) => {
                let Some(entry) = self.entries.remove(&action_id) else {
                    return Routed::Held;
                };
                let (events, released) = if is_list(&response) {
                    (entry.events, Vec::new())
                } else {
                    (Vec::new(), entry.events)
                };
                Routed::Finished {
                    waiter: entry.waiter,
                    reply: Reply { response, events },
                    released,
                }
            }
        }
    }

    /// The earliest deadline among pending actions.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.entries.values().map(|e| e.deadline).min()
    }

    /// Removes and returns every action whose deadline has passed, with
    /// the timeout it had.
    pub(crate) fn expire(&mut self, now: Instant) -> Vec<(Waiter, Duration)> {
        let mut late: Vec<(Instant, String)> = self
            .entries
            .iter()
            .filter(|(_, e)| e.deadline <= now)
            .map(|(id, e)| (e.deadline, id.clone()))
            .collect();
        late.sort();
        let mut expired = Vec::with_capacity(late.len());
        for (_, id) in late {
            if let Some(entry) = self.entries.remove(&id) {
                expired.push((entry.waiter, entry.timeout));
            }
            if self.expired.len() == REMEMBERED_EXPIRED {
                self.expired.pop_front();
            }
            self.expired.push_back(id);
        }
        expired
    }

    /// Removes every pending action.
    pub(crate) fn drain(&mut self) -> impl Iterator<Item = Waiter> + '_ {
        self.entries.drain().map(|(_, e)| e.waiter)
    }
}

/// A list action's acknowledgement: `EventList: start`, or on servers that
/// predate it a success whose Message says the list "will follow".
fn is_list(response: &Message) -> bool {
    response.is("EventList", "start")
        || (response.is("Response", "Success")
            && response
                .get("Message")
                .is_some_and(|m| ends_with_ignore_case(m.trim_end(), "will follow")))
}

/// The last item of a list: `EventList: Complete`, or on servers that
/// predate it an event named `...Complete` (`StatusComplete`).
fn is_list_end(event: &Message) -> bool {
    event.is("EventList", "Complete")
        || event
            .event()
            .is_some_and(|name| ends_with_ignore_case(&name, "Complete"))
}

fn ends_with_ignore_case(text: &str, suffix: &str) -> bool {
    text.len() >= suffix.len()
        && text.as_bytes()[text.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// What one message did to an entry.
enum Step {
    Held,
    /// The reply is whole; here is its response.
    Complete(Message),
    /// A second response with the same ActionID: not part of this reply.
    NotOurs(Message),
}

impl Entry {
    fn take(&mut self, message: Message) -> Step {
        if message.has("Response") {
            if self.response.is_some() {
                return Step::NotOurs(message);
            }
            if is_list(&message) && !self.saw_complete {
                self.response = Some(message);
                return Step::Held;
            }
            return Step::Complete(message);
        }
        if self.response.is_none() && !message.has("Event") {
            // Neither response nor event: raw text answering the action
            // (Asterisk 1.4's `IAXpeers` sends CLI output after its
            // ActionID). It is the whole answer; waiting for a Response
            // would stall the caller until its timeout.
            return Step::Complete(message);
        }
        // An entry still present after its response is a list being collected.
        let complete = is_list_end(&message);
        self.events.push(message);
        self.saw_complete |= complete;
        match self.response.take() {
            Some(response) if complete => Step::Complete(response),
            other => {
                self.response = other;
                Step::Held
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_text_after_an_action_id_is_the_whole_answer() {
        let mut pending = pending_with(&["9"]);
        let raw = msg(&[("ActionID", "9"), ("Name/Username    Host", "x")]);
        let (reply, released) = finished(pending.route(raw));
        assert!(!reply.response.has("Response"));
        assert!(released.is_empty());
        assert!(pending.next_deadline().is_none());
    }

    fn msg(pairs: &[(&str, &str)]) -> Message {
        Message::from_pairs(pairs.iter().copied())
    }

    fn pending_with(ids: &[&str]) -> Pending {
        let mut pending = Pending::default();
        for id in ids {
            pending.insert((*id).into(), Waiter::Keepalive, Duration::from_secs(5));
        }
        pending
    }

    fn finished(routed: Routed) -> (Reply, Vec<Message>) {
        match routed {
            Routed::Finished {
                reply, released, ..
            } => (reply, released),
            Routed::Held => panic!("held, expected finished"),
            Routed::Late(m) => panic!("late {m:?}, expected finished"),
            Routed::Unclaimed(m) => panic!("unclaimed {m:?}, expected finished"),
        }
    }

    fn is_held(routed: &Routed) -> bool {
        matches!(routed, Routed::Held)
    }

    #[test]
    fn a_plain_response_finishes_at_once_and_others_pass_through() {
        let mut pending = pending_with(&["1"]);
        let event = pending.route(msg(&[("Event", "Newchannel")]));
        assert!(matches!(event, Routed::Unclaimed(_)));
        let foreign = pending.route(msg(&[("Response", "Success"), ("ActionID", "99")]));
        assert!(matches!(foreign, Routed::Unclaimed(_)));
        let (reply, released) =
            finished(pending.route(msg(&[("Response", "Success"), ("ActionID", "1")])));
        assert!(reply.events.is_empty() && released.is_empty());
        assert!(pending.next_deadline().is_none());
    }

    #[test]
    fn a_list_collects_items_up_to_complete_amid_other_traffic() {
        let mut pending = pending_with(&["7", "8"]);
        let start = msg(&[
            ("Response", "Success"),
            ("ActionID", "7"),
            ("EventList", "Start"),
        ]);
        assert!(is_held(&pending.route(start)));
        assert!(is_held(
            &pending.route(msg(&[("Event", "CoreShowChannel"), ("ActionID", "7")]))
        ));
        assert!(matches!(
            pending.route(msg(&[("Event", "Hangup")])),
            Routed::Unclaimed(_)
        ));
        let (other, _) =
            finished(pending.route(msg(&[("Response", "Success"), ("ActionID", "8")])));
        assert_eq!(other.response.action_id().as_deref(), Some("8"));
        assert!(is_held(
            &pending.route(msg(&[("Event", "CoreShowChannel"), ("ActionID", "7")]))
        ));
        let complete = msg(&[
            ("Event", "CoreShowChannelsComplete"),
            ("ActionID", "7"),
            ("EventList", "complete"),
        ]);
        let (reply, released) = finished(pending.route(complete));
        assert_eq!(reply.events.len(), 3);
        assert!(released.is_empty());
        // Items after the end belong to nobody.
        let late = pending.route(msg(&[("Event", "CoreShowChannel"), ("ActionID", "7")]));
        assert!(matches!(late, Routed::Unclaimed(_)));
    }

    #[test]
    fn list_items_and_complete_may_come_before_the_response() {
        let mut pending = pending_with(&["3"]);
        assert!(is_held(
            &pending.route(msg(&[("Event", "Item"), ("ActionID", "3")]))
        ));
        let complete = msg(&[
            ("Event", "ItemsComplete"),
            ("ActionID", "3"),
            ("EventList", "Complete"),
        ]);
        assert!(is_held(&pending.route(complete)));
        let start = msg(&[
            ("Response", "Success"),
            ("ActionID", "3"),
            ("EventList", "start"),
        ]);
        let (reply, _) = finished(pending.route(start));
        assert_eq!(reply.events.len(), 2);
    }

    #[test]
    fn action_ids_differ_within_and_across_sessions() {
        let (mut one, mut two) = (ActionIds::default(), ActionIds::default());
        let a = one.next();
        assert!(a.starts_with("amitop-"));
        assert_ne!(a, one.next());
        // Two sessions in one process get different tags unless the clock
        // stands still between them; the count alone would collide.
        std::thread::sleep(Duration::from_millis(1));
        let mut three = ActionIds::default();
        assert_ne!(two.next(), three.next());
    }

    #[test]
    fn a_list_marked_only_in_words_is_collected_as_asterisk_1_4_sends_it() {
        let mut pending = pending_with(&["4"]);
        let ack = msg(&[
            ("Response", "Success"),
            ("ActionID", "4"),
            ("Message", "Channel status will follow"),
        ]);
        assert!(is_held(&pending.route(ack)));
        let item = msg(&[
            ("Event", "Status"),
            ("Channel", "SIP/a-1"),
            ("ActionID", "4"),
        ]);
        assert!(is_held(&pending.route(item)));
        let end = msg(&[
            ("Event", "StatusComplete"),
            ("ActionID", "4"),
            ("Items", "1"),
        ]);
        let (reply, released) = finished(pending.route(end));
        assert_eq!(reply.events.len(), 2);
        assert!(released.is_empty());
    }

    #[test]
    fn events_held_for_a_non_list_action_are_released() {
        let mut pending = pending_with(&["5"]);
        let echo = msg(&[("Event", "UserEvent"), ("ActionID", "5")]);
        assert!(is_held(&pending.route(echo)));
        let (reply, released) =
            finished(pending.route(msg(&[("Response", "Success"), ("ActionID", "5")])));
        assert!(reply.events.is_empty());
        assert_eq!(released[0].event().as_deref(), Some("UserEvent"));
    }

    #[test]
    fn deadlines_expire_only_what_is_late() {
        let mut pending = Pending::default();
        pending.insert("short".into(), Waiter::Keepalive, Duration::from_millis(10));
        let (client, _answer) = oneshot::channel();
        pending.insert(
            "long".into(),
            Waiter::Client(client),
            Duration::from_secs(60),
        );
        assert!(pending.keepalive_outstanding());
        let first = pending.next_deadline().unwrap();
        let expired = pending.expire(first);
        assert_eq!(expired.len(), 1);
        assert!(matches!(expired[0], (Waiter::Keepalive, d) if d == Duration::from_millis(10)));
        assert!(!pending.keepalive_outstanding());
        assert_eq!(pending.drain().count(), 1);
        assert!(pending.next_deadline().is_none());
    }

    #[test]
    fn a_list_that_comes_after_its_action_timed_out_is_late_not_live() {
        let mut pending = pending_with(&["5"]);
        let deadline = pending.next_deadline().unwrap();
        assert_eq!(pending.expire(deadline).len(), 1);
        let item = msg(&[("Event", "CoreShowChannel"), ("ActionID", "5")]);
        assert!(matches!(pending.route(item), Routed::Late(_)));
        let live = msg(&[("Event", "Newchannel")]);
        assert!(matches!(pending.route(live), Routed::Unclaimed(_)));
        let other = msg(&[("Event", "OriginateResponse"), ("ActionID", "6")]);
        assert!(matches!(pending.route(other), Routed::Unclaimed(_)));
    }

    #[test]
    fn only_the_latest_timed_out_actions_are_remembered() {
        let ids: Vec<String> = (0..=REMEMBERED_EXPIRED).map(|n| n.to_string()).collect();
        let mut pending = pending_with(&ids.iter().map(String::as_str).collect::<Vec<_>>());
        pending.expire(Instant::now() + Duration::from_secs(60));
        let oldest = msg(&[("Event", "StatusComplete"), ("ActionID", "0")]);
        let newest = msg(&[
            ("Event", "StatusComplete"),
            ("ActionID", &ids[REMEMBERED_EXPIRED]),
        ]);
        assert!(matches!(pending.route(oldest), Routed::Unclaimed(_)));
        assert!(matches!(pending.route(newest), Routed::Late(_)));
    }
}
