//! The whole `State` reducer routing messages to its sub-models: the seams
//! between the channel/bridge core and the queue and registry models.

use crate::support::msg;
use amitop::ami::Message;
use amitop::model::{ListKind, State};

fn member(queue: &str, interface: &str) -> Message {
    msg(&[
        ("Event", "QueueMember"),
        ("Queue", queue),
        ("Name", interface),
        ("Location", interface),
        ("StateInterface", interface),
        ("Membership", "static"),
        ("Penalty", "0"),
        ("CallsTaken", "0"),
        ("LastCall", "0"),
        ("Status", "1"),
        ("Paused", "0"),
        ("ActionID", "q-1"),
    ])
}

#[test]
fn agent_complete_reaches_the_queue_model() {
    let mut state = State::new();
    state.apply(&member("support", "Local/101@test"), 10.0);
    state.apply(
        &msg(&[
            ("Event", "AgentConnect"),
            ("Queue", "support"),
            ("Interface", "Local/101@test"),
            ("MemberName", "Local/101@test"),
        ]),
        11.0,
    );
    state.apply(
        &msg(&[
            ("Event", "AgentComplete"),
            ("Queue", "support"),
            ("Interface", "Local/101@test"),
            ("MemberName", "Local/101@test"),
            ("TalkTime", "5"),
            ("Reason", "caller"),
        ]),
        16.0,
    );
    let queue = state.queues.get("support").expect("queue");
    assert_eq!(queue.members[0].calls_taken, Some(1));
    assert!(
        state.unknown_events.is_empty(),
        "{:?}",
        state.unknown_events
    );
}

#[test]
fn a_queue_rule_reply_is_kept() {
    let mut state = State::new();
    state.apply(
        &msg(&[
            ("Response", "Success"),
            ("ActionID", "r-1"),
            ("RuleList", "escalate"),
            ("Rule", "20,+1,+2"),
            ("Rule", "40,+2,+4"),
        ]),
        0.0,
    );
    assert_eq!(state.queues.rules["escalate"], ["20,+1,+2", "40,+2,+4"]);
}

#[test]
fn a_resync_keeps_listed_queues_and_drops_the_rest() {
    let mut state = State::new();
    state.apply(&member("support", "Local/101@test"), 0.0);
    state.apply(&member("gone", "Local/109@test"), 0.0);

    state.begin_resync();
    state.apply(&member("support", "Local/101@test"), 1.0);
    state.apply(
        &msg(&[
            ("Event", "QueueStatusComplete"),
            ("EventList", "Complete"),
            ("ListItems", "1"),
        ]),
        1.0,
    );
    state.sweep(ListKind::Queues);

    assert!(state.queues.get("support").is_some(), "listed queue swept");
    assert!(state.queues.get("gone").is_none(), "unlisted queue kept");
}
