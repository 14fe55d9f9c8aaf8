//! Agents, waiting callers and who talks to whom, through the whole model:
//! each member once with all its queues and one state, the ghost member
//! of a `QueueMemberRemoved` during a call, a waiting caller's new Caller
//! ID, and how a call names its other party.

use crate::support::msg;
use amitop::model::queues::{CallerState, MemberState};
use amitop::model::{Channel, State};

const ALICE: &str = "SIP/3001";

fn member_status(queue: &str, extra: &[(&str, &str)]) -> amitop::ami::Message {
    let mut pairs = vec![
        ("Event", "QueueMemberStatus"),
        ("Queue", queue),
        ("MemberName", "Alice"),
        ("Interface", ALICE),
        ("Status", "1"),
        ("Paused", "0"),
    ];
    pairs.extend_from_slice(extra);
    msg(&pairs)
}

fn agent(event: &str, queue: &str, extra: &[(&str, &str)]) -> amitop::ami::Message {
    let mut pairs = vec![
        ("Event", event),
        ("Queue", queue),
        ("Uniqueid", "500.1"),
        ("CallerIDNum", "+3215550475"),
        ("CallerIDName", "K. Novak"),
        ("DestUniqueid", "500.2"),
        ("Interface", ALICE),
        ("MemberName", "Alice"),
    ];
    pairs.extend_from_slice(extra);
    msg(&pairs)
}

fn join(queue: &str) -> amitop::ami::Message {
    msg(&[
        ("Event", "QueueCallerJoin"),
        ("Queue", queue),
        ("Channel", "SIP/trunk-00000001"),
        ("Uniqueid", "500.1"),
        ("CallerIDNum", "+3215550475"),
        ("CallerIDName", "K. Novak"),
        ("Position", "1"),
        ("Count", "1"),
    ])
}

#[test]
fn a_member_in_two_queues_is_one_agent_with_a_penalty_in_each() {
    let mut state = State::new();
    state.apply(
        &member_status("support", &[("Penalty", "0"), ("LoginTime", "1000")]),
        2000.0,
    );
    state.apply(&member_status("sales", &[("Penalty", "1")]), 2001.0);
    let agent_member = msg(&[
        ("Event", "QueueMemberAdded"),
        ("Queue", "sales"),
        ("MemberName", "Agent 1001"),
        ("Interface", "Agent/1001"),
        ("Status", "5"),
    ]);
    state.apply(&agent_member, 2002.0);

    let agents = state.queues.agents();
    let interfaces: Vec<&str> = agents.iter().map(|a| a.interface).collect();
    assert_eq!(interfaces, ["Agent/1001", ALICE]);
    let alice = &agents[1];
    assert_eq!(alice.name(), "Alice");
    let penalties: Vec<(&str, Option<u32>)> = alice
        .queues
        .iter()
        .map(|q| (q.queue, q.member.penalty))
        .collect();
    assert_eq!(penalties, [("sales", Some(1)), ("support", Some(0))]);
    assert_eq!(alice.login_time(), Some(1000.0), "LoginTime where sent");
    assert_eq!(
        alice.queues[0].member.login_time,
        Some(2001.0),
        "when seen otherwise"
    );
    assert_eq!(alice.state(2003.0), (MemberState::Free, "sales"));
    assert_eq!(agents[0].state(2003.0).0, MemberState::Unavailable);
}

#[test]
fn ringing_then_talking_then_wrap_up_then_paused() {
    let mut state = State::new();
    state.apply(&member_status("support", &[("Wrapuptime", "10")]), 100.0);
    state.apply(&join("support"), 100.0);
    let (queue, caller) = state.queues.waiting("500.1").unwrap();
    assert_eq!(queue.caller_state(caller), CallerState::Waiting);

    state.apply(&agent("AgentCalled", "support", &[]), 101.0);
    let (queue, caller) = state.queues.waiting("500.1").unwrap();
    assert_eq!(queue.caller_state(caller).to_string(), "ringing Alice");
    let alice = &state.queues.agents()[0];
    match alice.state(101.0).0 {
        MemberState::Ringing { caller } => assert_eq!(caller.label(), "K. Novak"),
        other => panic!("{other:?}"),
    }

    state.apply(
        &agent("AgentRingNoAnswer", "support", &[("RingTime", "15")]),
        116.0,
    );
    let (queue, caller) = state.queues.waiting("500.1").unwrap();
    assert_eq!(queue.caller_state(caller).to_string(), "waiting");
    state.apply(&agent("AgentCalled", "support", &[]), 117.0);
    state.apply(
        &msg(&[
            ("Event", "QueueCallerLeave"),
            ("Queue", "support"),
            ("Uniqueid", "500.1"),
            ("Position", "1"),
            ("Count", "0"),
        ]),
        118.0,
    );
    state.apply(
        &agent(
            "AgentConnect",
            "support",
            &[("HoldTime", "18"), ("RingTime", "1")],
        ),
        118.0,
    );
    let alice = &state.queues.agents()[0];
    match alice.state(130.0).0 {
        MemberState::InCall { with, since } => {
            assert_eq!(with.map(|p| p.num.as_str()), Some("+3215550475"));
            assert_eq!(since, Some(118.0));
        }
        other => panic!("{other:?}"),
    }
    state.apply(
        &agent(
            "AgentComplete",
            "support",
            &[("HoldTime", "18"), ("TalkTime", "60")],
        ),
        178.0,
    );
    let alice = &state.queues.agents()[0];
    assert_eq!(alice.state(180.0).0, MemberState::WrapUp { until: 188.0 });
    assert_eq!(alice.state(190.0).0, MemberState::Free);
    assert_eq!((alice.calls_taken(), alice.ring_no_answer()), (1, 1));
    assert_eq!(alice.last_call(), Some(178.0));
    let figures = &state.queues.get("support").unwrap().figures;
    assert_eq!(
        (figures.completed, figures.hold_time, figures.talk_time),
        (1, 18, 60)
    );

    let pause = msg(&[
        ("Event", "QueueMemberPause"),
        ("Queue", "support"),
        ("Interface", ALICE),
        ("Paused", "1"),
        ("PausedReason", "Lunch"),
    ]);
    state.apply(&pause, 200.0);
    let alice = &state.queues.agents()[0];
    assert_eq!(
        alice.state(250.0).0,
        MemberState::Paused {
            since: Some(200.0),
            reason: "Lunch"
        },
        "paused since amitop saw it: no LastPause header"
    );
    let unpause = msg(&[
        ("Event", "QueueMemberPause"),
        ("Queue", "support"),
        ("Interface", ALICE),
        ("Paused", "0"),
        ("PausedReason", "Back"),
        ("LastPause", "190"),
    ]);
    state.apply(&unpause, 300.0);
    let member = state.queues.get("support").unwrap().member(ALICE).unwrap();
    assert_eq!((member.paused, member.paused_reason.as_str()), (false, ""));
    assert_eq!(member.last_pause, Some(190.0), "LastPause where sent");
}

#[test]
fn a_member_removed_during_a_call_does_not_come_back() {
    let mut state = State::new();
    state.apply(&member_status("support", &[]), 100.0);
    state.apply(
        &agent("AgentConnect", "support", &[("HoldTime", "5")]),
        101.0,
    );
    state.apply(
        &msg(&[
            ("Event", "QueueMemberRemoved"),
            ("Queue", "support"),
            ("Interface", ALICE),
        ]),
        102.0,
    );
    state.apply(
        &agent(
            "AgentComplete",
            "support",
            &[("HoldTime", "5"), ("TalkTime", "30")],
        ),
        131.0,
    );
    let support = state.queues.get("support").unwrap();
    assert!(support.members.is_empty(), "{:?}", support.members);
    assert_eq!(
        support.figures.completed, 1,
        "the queue still counts the call"
    );
    assert!(state.queues.agents().is_empty());

    // Added again: a member like any other.
    state.apply(&member_status("support", &[]), 200.0);
    state.apply(&agent("AgentCalled", "support", &[]), 201.0);
    assert!(
        state
            .queues
            .get("support")
            .unwrap()
            .member(ALICE)
            .unwrap()
            .ringing_for
            .is_some()
    );
}

#[test]
fn a_waiting_callers_new_caller_id_shows_in_the_queue() {
    let mut state = State::new();
    state.apply(&join("support"), 100.0);
    state.apply(
        &msg(&[
            ("Event", "NewCallerid"),
            ("Channel", "SIP/trunk-00000001"),
            ("Uniqueid", "500.1"),
            ("CallerIDNum", "+3215550999"),
            ("CallerIDName", "Novak K"),
        ]),
        101.0,
    );
    let (_, caller) = state.queues.waiting("500.1").unwrap();
    assert_eq!(
        (
            caller.caller_id_num.as_str(),
            caller.caller_id_name.as_str()
        ),
        ("+3215550999", "Novak K")
    );
}

fn channel(uniqueid: &str, name: &str, num: &str, connected: &str, state: &str) -> Channel {
    Channel {
        uniqueid: uniqueid.into(),
        name: name.into(),
        state: state.into(),
        caller_id_num: num.into(),
        caller_id_name: if num.is_empty() {
            "".into()
        } else {
            "K. Novak".into()
        },
        connected_num: connected.into(),
        ..Channel::default()
    }
}

#[test]
fn an_answered_queue_call_talks_to_the_agent_not_to_itself() {
    let mut state = State::new();
    let caller = channel(
        "500.1",
        "SIP/trunk-00000001",
        "+3215550475",
        "+3215550475",
        "Up",
    );
    // app_queue gives the agent's leg the caller's Caller ID.
    let agent_leg = channel(
        "500.2",
        "SIP/3001-0000000a",
        "+3215550475",
        "+3215550475",
        "Up",
    );
    assert_eq!(
        state.talking_to(&caller, &[&agent_leg]),
        "SIP/3001",
        "no member known: the device, not the echo"
    );
    state.apply(&member_status("support", &[]), 100.0);
    state.apply(&join("support"), 100.0);
    assert_eq!(state.talking_to(&caller, &[]), "waiting in support (#1)");
    assert_eq!(
        state.queue_call_state(&[&caller]).as_deref(),
        Some("waiting")
    );
    state.apply(&agent("AgentCalled", "support", &[]), 101.0);
    let ringing_leg = channel("500.2", "SIP/3001-0000000a", "+3215550475", "", "Ringing");
    assert_eq!(state.talking_to(&caller, &[&ringing_leg]), "→ Alice");
    assert_eq!(
        state.queue_call_state(&[&caller]).as_deref(),
        Some("ringing Alice")
    );
    state.apply(
        &agent("AgentConnect", "support", &[("HoldTime", "2")]),
        102.0,
    );
    assert_eq!(state.talking_to(&caller, &[&agent_leg]), "Alice");

    // Elsewhere the peer's own Caller ID, else our connected line.
    let bob = channel("7.2", "SIP/3002-0000000b", "3002", "", "Up");
    let me = channel("7.1", "SIP/3005-0000000c", "3005", "3002", "Up");
    assert_eq!(state.talking_to(&me, &[&bob]), "K. Novak <3002>");
    let echo = channel("7.3", "SIP/3002-0000000d", "3005", "", "Up");
    let mut me = me;
    me.connected_name = "Bob".into();
    assert_eq!(state.talking_to(&me, &[&echo]), "Bob <3002>");
}

/// Applies messages until the `nth` (from 1) next event called `event`,
/// included; returns its arrival time.
fn until(
    state: &mut State,
    messages: &mut impl Iterator<Item = (f64, amitop::ami::Message)>,
    event: &str,
    nth: usize,
) -> f64 {
    let mut seen = 0;
    for (now, m) in messages.by_ref() {
        state.apply(&m, now);
        if m.event().as_deref() == Some(event) {
            seen += 1;
            if seen == nth {
                return now;
            }
        }
    }
    panic!("no {event} #{nth}");
}

/// The state of the agent called `name`, and the queue it holds in.
fn agent_state<'a>(state: &'a State, name: &str, now: f64) -> (MemberState<'a>, &'a str) {
    state
        .queues
        .agents()
        .iter()
        .find(|a| a.name() == name)
        .unwrap_or_else(|| panic!("no agent {name}"))
        .state(now)
}

#[test]
fn e5_agents_pause_ring_talk_and_leave_as_asterisk_22_reports() {
    let mut state = State::new();
    let mut messages = crate::support::timed_messages("e5_queue_pause_reason.ami").into_iter();

    // Carol paused in support "Lunch break": since LastPause, not arrival.
    let now = until(&mut state, &mut messages, "QueueMemberPause", 1);
    assert_eq!(
        agent_state(&state, "Carol", now),
        (
            MemberState::Paused {
                since: Some(1796157329.0),
                reason: "Lunch break"
            },
            "support"
        )
    );

    // Bob rings for the helpdesk caller, does not answer, is auto-paused
    // there only; Alice answers.
    let now = until(&mut state, &mut messages, "AgentCalled", 1);
    assert!(matches!(
        agent_state(&state, "Bob", now).0,
        MemberState::Ringing { .. }
    ));
    let helpdesk = state.queues.get("helpdesk").unwrap();
    let caller = helpdesk.callers.iter().next().expect("a caller");
    assert_eq!(helpdesk.caller_state(caller).to_string(), "ringing Bob");
    let now = until(&mut state, &mut messages, "AgentRingNoAnswer", 1);
    assert!(!matches!(
        agent_state(&state, "Bob", now).0,
        MemberState::Ringing { .. }
    ));
    let now = until(&mut state, &mut messages, "QueueMemberPause", 1);
    assert_eq!(
        agent_state(&state, "Bob", now),
        (
            MemberState::Paused {
                since: Some(1796157335.0),
                reason: "Auto-Pause"
            },
            "helpdesk"
        )
    );
    let now = until(&mut state, &mut messages, "AgentConnect", 1);
    match agent_state(&state, "Alice", now) {
        (
            MemberState::InCall {
                with: Some(caller),
                since,
            },
            "helpdesk",
        ) => {
            assert!(!caller.uniqueid.is_empty());
            assert_eq!(since, Some(now));
        }
        other => panic!("{other:?}"),
    }
    let sales = state.queues.get("sales").unwrap();
    assert!(
        !sales.member("Local/101@test/n").unwrap().in_call,
        "InCall is per queue"
    );

    let now = until(&mut state, &mut messages, "AgentComplete", 1);
    let agents = state.queues.agents();
    let alice = agents.iter().find(|a| a.name() == "Alice").unwrap();
    assert_eq!(alice.calls_taken(), 1);
    assert!(matches!(
        alice.state(now).0,
        MemberState::WrapUp { .. } | MemberState::Free
    ));

    // Everyone unpaused; LastPause stays; Eve removed is gone.
    until(&mut state, &mut messages, "QueueMemberRemoved", 1);
    for (_, m) in messages {
        state.apply(&m, 0.0);
    }
    let agents = state.queues.agents();
    let bob = agents.iter().find(|a| a.name() == "Bob").unwrap();
    let in_helpdesk = bob
        .queues
        .iter()
        .find(|q| q.queue == "helpdesk")
        .unwrap()
        .member;
    assert!(!in_helpdesk.paused && in_helpdesk.paused_reason.is_empty());
    assert!(
        in_helpdesk.last_pause.is_some(),
        "LastPause kept after the unpause"
    );
    assert!(agents.iter().all(|a| a.name() != "Eve"), "{agents:?}");
    let carol = agents.iter().find(|a| a.name() == "Carol").unwrap();
    assert_eq!(
        carol.queues[0].member.paused_reason, "",
        "an unpause keeps no reason"
    );
}
