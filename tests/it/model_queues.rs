//! The queue model: hand-written sequences in both vocabularies (AMI 1.x
//! `Join`/`Leave`/`QueueMemberPaused`/`Location`, 12+ `QueueCaller*`/
//! `QueueMemberPause`/`Interface`), and the real captures replayed through
//! the codec into `Queues::apply`, checked in the middle of the story.

use crate::support::{ami_files, capture_messages, msg, timed_messages};
use amitop::ami::Message;
use amitop::model::Queues;
use amitop::model::queues::{Queue, QueueMember};
use amitop::model::registry::DeviceState;
use serde_json::json;

/// Applies a message as `State::apply` would: events by lower-cased name,
/// replies with an empty name.
fn apply(queues: &mut Queues, m: &Message, now: f64) -> bool {
    let event = m.event().unwrap_or_default().to_ascii_lowercase();
    queues.apply(m, &event, now)
}

fn queue<'a>(queues: &'a Queues, name: &str) -> &'a Queue {
    queues
        .get(name)
        .unwrap_or_else(|| panic!("no queue {name}"))
}

fn member<'a>(queues: &'a Queues, queue_name: &str, interface: &str) -> &'a QueueMember {
    queue(queues, queue_name)
        .members
        .iter()
        .find(|m| m.interface == interface)
        .unwrap_or_else(|| panic!("no member {interface} in {queue_name}"))
}

/// (uniqueid, position, wait) of each waiting caller, in order.
fn callers(queues: &Queues, name: &str) -> Vec<(String, Option<u32>, Option<u64>)> {
    queue(queues, name)
        .callers
        .iter()
        .map(|c| (c.uniqueid.clone(), c.position, c.wait))
        .collect()
}

// ---------------------------------------------------------------------------
// Hand-written sequences, Asterisk 12+ vocabulary.

fn caller_join(uniqueid: &str, number: &str, position: &str, count: &str) -> Message {
    msg(&[
        ("Event", "QueueCallerJoin"),
        ("Privilege", "agent,all"),
        ("Channel", &format!("SIP/trunk-{uniqueid}")),
        ("CallerIDNum", number),
        ("CallerIDName", "<unknown>"),
        ("Uniqueid", uniqueid),
        ("Queue", "support"),
        ("Position", position),
        ("Count", count),
    ])
}

#[test]
fn callers_join_wait_and_move_up_when_one_leaves() {
    let mut q = Queues::default();
    assert!(apply(
        &mut q,
        &caller_join("100.1", "5551", "1", "1"),
        1000.0
    ));
    assert!(apply(
        &mut q,
        &caller_join("100.2", "5552", "2", "2"),
        1002.0
    ));
    assert!(apply(
        &mut q,
        &caller_join("100.3", "5553", "3", "3"),
        1003.5
    ));
    q.tick(1010.2);
    assert_eq!(
        callers(&q, "support"),
        [
            ("100.1".into(), Some(1), Some(10)),
            ("100.2".into(), Some(2), Some(8)),
            ("100.3".into(), Some(3), Some(6)),
        ]
    );
    let first = &queue(&q, "support").callers.iter().next().unwrap();
    assert_eq!(first.caller_id_num, "5551");
    assert_eq!(first.caller_id_name, "", "<unknown> is shown as empty");
    assert_eq!(queue(&q, "support").callers.len(), 3);

    // The one in the middle gives up; the last one moves up.
    let abandon = msg(&[
        ("Event", "QueueCallerAbandon"),
        ("Uniqueid", "100.2"),
        ("Queue", "support"),
        ("Position", "2"),
        ("OriginalPosition", "2"),
        ("HoldTime", "9"),
    ]);
    assert!(apply(&mut q, &abandon, 1011.0));
    assert_eq!(queue(&q, "support").callers.len(), 2);
    let leave = msg(&[
        ("Event", "QueueCallerLeave"),
        ("Uniqueid", "100.2"),
        ("Queue", "support"),
        ("Position", "2"),
        ("Count", "2"),
    ]);
    assert!(apply(&mut q, &leave, 1011.0));
    assert_eq!(
        callers(&q, "support"),
        [
            ("100.1".into(), Some(1), Some(11)),
            ("100.3".into(), Some(2), Some(7)),
        ],
        "the leave after the abandon must not move anyone twice"
    );
    assert_eq!(queue(&q, "support").callers.len(), 2);
}

fn member_event(event: &str, extra: &[(&str, &str)]) -> Message {
    let mut pairs = vec![
        ("Event", event),
        ("Privilege", "agent,all"),
        ("Queue", "support"),
        ("MemberName", "Alice"),
        ("Interface", "SIP/2001"),
        ("StateInterface", "SIP/2001"),
        ("Membership", "dynamic"),
    ];
    pairs.extend_from_slice(extra);
    msg(&pairs)
}

#[test]
fn member_events_of_asterisk_12_and_later() {
    let mut q = Queues::default();
    let added = member_event(
        "QueueMemberAdded",
        &[
            ("Penalty", "1"),
            ("CallsTaken", "0"),
            ("LastCall", "0"),
            ("InCall", "0"),
            ("Status", "1"),
            ("Paused", "0"),
            ("PausedReason", ""),
            ("Ringinuse", "0"),
        ],
    );
    assert!(apply(&mut q, &added, 10.0));
    let alice = member(&q, "support", "SIP/2001");
    assert_eq!(alice.name, "Alice");
    assert_eq!(alice.membership, "dynamic");
    assert_eq!(alice.status, DeviceState::NotInUse);
    assert_eq!(alice.status.label(), "not in use");
    assert_eq!((alice.penalty, alice.calls_taken), (Some(1), Some(0)));
    assert_eq!(alice.last_call, None, "LastCall 0 means never");
    assert_eq!(alice.ring_in_use, Some(false));

    apply(
        &mut q,
        &member_event(
            "QueueMemberPause",
            &[("Paused", "1"), ("PausedReason", "lunch")],
        ),
        11.0,
    );
    let alice = member(&q, "support", "SIP/2001");
    assert!(alice.paused);
    assert_eq!(alice.paused_reason, "lunch");

    apply(
        &mut q,
        &member_event("QueueMemberPenalty", &[("Penalty", "5")]),
        12.0,
    );
    apply(
        &mut q,
        &member_event("QueueMemberRinginuse", &[("Ringinuse", "1")]),
        12.0,
    );
    apply(
        &mut q,
        &member_event("QueueMemberStatus", &[("Status", "6")]),
        13.0,
    );
    let alice = member(&q, "support", "SIP/2001");
    assert_eq!(alice.penalty, Some(5));
    assert_eq!(alice.ring_in_use, Some(true));
    assert_eq!(alice.status, DeviceState::Ringing);
    assert!(
        alice.paused,
        "a status event without Paused keeps the pause"
    );

    apply(
        &mut q,
        &member_event("QueueMemberPause", &[("Paused", "0"), ("PausedReason", "")]),
        14.0,
    );
    assert!(!member(&q, "support", "SIP/2001").paused);
    assert_eq!(member(&q, "support", "SIP/2001").paused_reason, "");

    for status in 0..=8u32 {
        let text = status.to_string();
        apply(
            &mut q,
            &member_event("QueueMemberStatus", &[("Status", &text)]),
            15.0,
        );
        assert_eq!(
            member(&q, "support", "SIP/2001").status,
            DeviceState::from_code(status)
        );
    }

    apply(&mut q, &member_event("QueueMemberRemoved", &[]), 16.0);
    assert!(queue(&q, "support").members.is_empty());
}

fn agent_event(event: &str, extra: &[(&str, &str)]) -> Message {
    let mut pairs = vec![
        ("Event", event),
        ("Channel", "SIP/trunk-0001"),
        ("Uniqueid", "500.1"),
        ("Queue", "support"),
        ("Interface", "SIP/2001"),
        ("MemberName", "Alice"),
    ];
    pairs.extend_from_slice(extra);
    msg(&pairs)
}

#[test]
fn agent_events_count_calls_and_unanswered_rings_per_member() {
    let mut q = Queues::default();
    apply(&mut q, &agent_event("AgentCalled", &[]), 100.0);
    apply(
        &mut q,
        &agent_event("AgentRingNoAnswer", &[("RingTime", "15000")]),
        115.0,
    );
    apply(&mut q, &agent_event("AgentCalled", &[]), 116.0);
    apply(
        &mut q,
        &agent_event("AgentRingNoAnswer", &[("RingTime", "15000")]),
        131.0,
    );
    let alice = member(&q, "support", "SIP/2001");
    assert_eq!(alice.name, "Alice", "AgentCalled makes the member known");
    assert_eq!(alice.ring_no_answer, 2);
    assert_eq!(alice.calls_taken, None, "no count reported yet");

    apply(&mut q, &agent_event("AgentCalled", &[]), 132.0);
    apply(
        &mut q,
        &agent_event("AgentConnect", &[("HoldTime", "32"), ("RingTime", "1")]),
        133.0,
    );
    assert!(member(&q, "support", "SIP/2001").in_call);
    apply(
        &mut q,
        &agent_event("AgentComplete", &[("TalkTime", "60"), ("Reason", "agent")]),
        193.0,
    );
    let alice = member(&q, "support", "SIP/2001");
    assert!(!alice.in_call);
    assert_eq!(alice.calls_taken, Some(1));
    assert_eq!(alice.last_call, Some(193.0));
    assert!(
        !alice.paused,
        "AgentComplete's Reason is not a pause reason"
    );

    // Asterisk 22 reports the new count before AgentComplete: no double count.
    apply(&mut q, &agent_event("AgentConnect", &[]), 200.0);
    apply(
        &mut q,
        &member_event("QueueMemberStatus", &[("CallsTaken", "2")]),
        260.0,
    );
    apply(&mut q, &agent_event("AgentComplete", &[]), 260.0);
    assert_eq!(member(&q, "support", "SIP/2001").calls_taken, Some(2));

    // AgentDump ends the call without counting it.
    apply(&mut q, &agent_event("AgentConnect", &[]), 300.0);
    apply(&mut q, &agent_event("AgentDump", &[]), 301.0);
    let alice = member(&q, "support", "SIP/2001");
    assert!(!alice.in_call);
    assert_eq!(alice.calls_taken, Some(2));
}

// ---------------------------------------------------------------------------
// Hand-written sequences, AMI 1.x vocabulary (Asterisk 1.4 to 11).

#[test]
fn the_legacy_vocabulary_builds_the_same_picture() {
    let mut q = Queues::default();
    // 1.4 Join: CallerID, no Uniqueid; 1.8 Join: CallerIDNum and Uniqueid.
    let join_14 = msg(&[
        ("Event", "Join"),
        ("Privilege", "call,all"),
        ("Channel", "SIP/trunk-0a"),
        ("CallerID", "5550100"),
        ("CallerIDName", "Old Phone"),
        ("Queue", "sales"),
        ("Position", "1"),
        ("Count", "1"),
    ]);
    let join_18 = msg(&[
        ("Event", "Join"),
        ("Channel", "SIP/trunk-0b"),
        ("CallerIDNum", "5550200"),
        ("CallerIDName", "New Phone"),
        ("Queue", "sales"),
        ("Position", "2"),
        ("Count", "2"),
        ("Uniqueid", "1300000000.7"),
    ]);
    assert!(apply(&mut q, &join_14, 50.0));
    assert!(apply(&mut q, &join_18, 51.0));
    let sales = queue(&q, "sales");
    let first = sales.callers.iter().next().unwrap();
    assert_eq!(
        (first.channel.as_str(), first.caller_id_num.as_str()),
        ("SIP/trunk-0a", "5550100")
    );
    assert_eq!(sales.callers.len(), 2);

    let member_added = msg(&[
        ("Event", "QueueMemberAdded"),
        ("Queue", "sales"),
        ("Location", "SIP/3001"),
        ("MemberName", "Bert"),
        ("Membership", "dynamic"),
        ("Penalty", "0"),
        ("CallsTaken", "4"),
        ("LastCall", "1299999000"),
        ("Status", "1"),
        ("Paused", "0"),
    ]);
    apply(&mut q, &member_added, 52.0);
    let paused = msg(&[
        ("Event", "QueueMemberPaused"),
        ("Queue", "sales"),
        ("Location", "SIP/3001"),
        ("MemberName", "Bert"),
        ("Paused", "1"),
        ("Reason", "coffee"),
    ]);
    apply(&mut q, &paused, 53.0);
    let penalty = msg(&[
        ("Event", "QueueMemberPenalty"),
        ("Queue", "sales"),
        ("Location", "SIP/3001"),
        ("Penalty", "2"),
    ]);
    apply(&mut q, &penalty, 54.0);
    let bert = member(&q, "sales", "SIP/3001");
    assert_eq!(bert.name, "Bert");
    assert!(bert.paused);
    assert_eq!(bert.paused_reason, "coffee");
    assert_eq!(bert.penalty, Some(2));
    assert_eq!(bert.last_call, Some(1299999000.0));

    // 1.x agent events: AgentCalled names the interface `AgentCalled`,
    // the others `Member`.
    let called = msg(&[
        ("Event", "AgentCalled"),
        ("Queue", "sales"),
        ("AgentCalled", "SIP/3001"),
        ("AgentName", "Bert"),
        ("ChannelCalling", "SIP/trunk-0b"),
        ("Uniqueid", "1300000000.7"),
    ]);
    let no_answer = msg(&[
        ("Event", "AgentRingNoAnswer"),
        ("Queue", "sales"),
        ("Uniqueid", "1300000000.7"),
        ("Channel", "SIP/3001-00000001"),
        ("Member", "SIP/3001"),
        ("MemberName", "Bert"),
        ("Ringtime", "10"),
    ]);
    apply(&mut q, &called, 55.0);
    apply(&mut q, &no_answer, 65.0);
    let connect = msg(&[
        ("Event", "AgentConnect"),
        ("Queue", "sales"),
        ("Uniqueid", "1300000000.7"),
        ("Channel", "SIP/3001-00000002"),
        ("Member", "SIP/3001"),
        ("MemberName", "Bert"),
        ("Holdtime", "20"),
    ]);
    apply(&mut q, &called, 66.0);
    apply(&mut q, &connect, 67.0);
    let leave = msg(&[
        ("Event", "Leave"),
        ("Channel", "SIP/trunk-0b"),
        ("Queue", "sales"),
        ("Count", "1"),
        ("Position", "2"),
        ("Uniqueid", "1300000000.7"),
    ]);
    apply(&mut q, &leave, 67.0);
    let complete = msg(&[
        ("Event", "AgentComplete"),
        ("Queue", "sales"),
        ("Uniqueid", "1300000000.7"),
        ("Member", "SIP/3001"),
        ("MemberName", "Bert"),
        ("TalkTime", "30"),
        ("Reason", "caller"),
    ]);
    apply(&mut q, &complete, 97.0);
    let bert = member(&q, "sales", "SIP/3001");
    assert_eq!(bert.ring_no_answer, 1);
    assert_eq!(bert.calls_taken, Some(5));
    assert_eq!(
        queue(&q, "sales").members.len(),
        1,
        "one member, however named"
    );

    // The 1.4 caller (no Uniqueid) leaves by channel name.
    let leave_14 = msg(&[
        ("Event", "Leave"),
        ("Channel", "SIP/trunk-0a"),
        ("Queue", "sales"),
        ("Count", "0"),
    ]);
    apply(&mut q, &leave_14, 98.0);
    assert!(queue(&q, "sales").callers.is_empty());
    assert_eq!(queue(&q, "sales").callers.len(), 0);

    let removed = msg(&[
        ("Event", "QueueMemberRemoved"),
        ("Queue", "sales"),
        ("Location", "SIP/3001"),
        ("MemberName", "Bert"),
    ]);
    apply(&mut q, &removed, 99.0);
    assert!(queue(&q, "sales").members.is_empty());
}

#[test]
fn events_of_other_families_are_not_claimed() {
    let mut q = Queues::default();
    let hangup = msg(&[("Event", "Hangup"), ("Channel", "SIP/1-1"), ("Queue", "x")]);
    assert!(!apply(&mut q, &hangup, 1.0));
    let pong = msg(&[("Response", "Success"), ("Ping", "Pong")]);
    assert!(!apply(&mut q, &pong, 1.0));
    assert!(q.by_name.is_empty());
    // A queue event without a Queue header is recognised but changes nothing.
    let odd = msg(&[("Event", "QueueCallerJoin"), ("Uniqueid", "1.1")]);
    assert!(apply(&mut q, &odd, 1.0));
    assert!(q.by_name.is_empty());
}

// ---------------------------------------------------------------------------
// Resync and the JSON shape.

fn status_list(members: &[&str], callers: &[(&str, &str, &str)]) -> Vec<Message> {
    let mut out = vec![msg(&[
        ("Event", "QueueParams"),
        ("Queue", "support"),
        ("Max", "0"),
        ("Strategy", "linear"),
        ("Calls", &callers.len().to_string()),
        ("Holdtime", "12"),
        ("TalkTime", "40"),
        ("Completed", "3"),
        ("Abandoned", "1"),
        ("ServiceLevel", "30"),
        ("ServicelevelPerf", "66.7"),
        ("Weight", "0"),
    ])];
    for name in members {
        out.push(msg(&[
            ("Event", "QueueMember"),
            ("Queue", "support"),
            ("Name", name),
            ("Location", &format!("Local/{name}@agents/n")),
            ("Penalty", "0"),
            ("CallsTaken", "1"),
            ("Status", "1"),
            ("Paused", "0"),
            ("PausedReason", ""),
        ]));
    }
    for (position, uniqueid, wait) in callers {
        out.push(msg(&[
            ("Event", "QueueEntry"),
            ("Queue", "support"),
            ("Position", position),
            ("Channel", &format!("SIP/t-{uniqueid}")),
            ("Uniqueid", uniqueid),
            ("CallerIDNum", "555"),
            ("CallerIDName", "Someone"),
            ("Wait", wait),
        ]));
    }
    out
}

#[test]
fn resync_sweeps_what_the_list_no_longer_reports() {
    let mut q = Queues::default();
    for m in status_list(&["ann", "ben"], &[("1", "9.1", "5"), ("2", "9.2", "2")]) {
        apply(&mut q, &m, 1000.0);
    }
    // While disconnected ben logged out and caller 9.1 was served. A new
    // queue appeared during the outage, an old one is gone.
    let old = msg(&[
        ("Event", "QueueParams"),
        ("Queue", "closed"),
        ("Calls", "0"),
    ]);
    apply(&mut q, &old, 1000.0);

    q.begin_resync(1);
    // A live event during the resync touches a member the list won't show.
    let live = msg(&[
        ("Event", "QueueMemberAdded"),
        ("Queue", "support"),
        ("Interface", "Local/cat@agents/n"),
        ("MemberName", "cat"),
    ]);
    apply(&mut q, &live, 1100.0);
    for m in status_list(&["ann"], &[("1", "9.2", "102")]) {
        apply(&mut q, &m, 1100.0);
    }
    q.sweep(1);

    assert!(q.get("closed").is_none());
    let support = queue(&q, "support");
    let names: Vec<&str> = support.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["ann", "cat"]);
    assert_eq!(callers(&q, "support"), [("9.2".into(), Some(1), Some(102))]);
    assert_eq!(support.params.strategy, "linear");
    assert_eq!(
        format!("{:.1}", support.figures.service_level_perf()),
        "66.7"
    );
}

#[test]
fn waits_come_from_the_list_then_follow_the_clock() {
    let mut q = Queues::default();
    for m in status_list(&[], &[("1", "7.1", "42")]) {
        apply(&mut q, &m, 5000.0);
    }
    assert_eq!(callers(&q, "support")[0].2, Some(42));
    q.tick(5010.0);
    assert_eq!(callers(&q, "support")[0].2, Some(52));
    q.tick(4000.0);
    assert_eq!(
        callers(&q, "support")[0].2,
        Some(52),
        "the clock never runs back"
    );
}

#[test]
fn json_has_the_documented_shape() {
    let mut q = Queues::default();
    for m in status_list(&["ann"], &[("1", "9.2", "3")]) {
        apply(&mut q, &m, 100.0);
    }
    let new_queue = msg(&[
        ("Event", "QueueCallerJoin"),
        ("Queue", "empty"),
        ("Uniqueid", "1.9"),
    ]);
    apply(&mut q, &new_queue, 100.0);
    let value = serde_json::to_value(&q).unwrap();
    assert_eq!(
        value[1],
        json!({
            "name": "support",
            "figures": {
                "completed": 3, "abandoned": 1, "completed_in_sl": 2,
                "abandoned_in_sl": null, "hold_time": 12, "talk_time": 40,
                "service_level": 30,
            },
            "members": [{
                "interface": "Local/ann@agents/n",
                "name": "ann",
                "state_interface": "",
                "membership": "",
                "status": "not in use",
                "paused": false,
                "paused_reason": "",
                "penalty": 0,
                "calls_taken": 1,
                "ring_no_answer": 0,
                "last_call": null,
                "in_call": false,
                "ring_in_use": null,
                "last_pause": null,
                "login_time": 100.0,
                "wrapup_time": null,
                "ringing_for": null,
                "call": null,
            }],
            "callers": [{
                "position": 1,
                "uniqueid": "9.2",
                "channel": "SIP/t-9.2",
                "caller_id_num": "555",
                "caller_id_name": "Someone",
                "wait": 3,
            }],
            "params": { "strategy": "linear", "max": 0, "weight": 0 },
        })
    );
    assert_eq!(value[0]["name"], "empty");
    assert_eq!(value[0]["callers"][0]["position"], json!(null));
    assert_eq!(value[0]["callers"][0]["caller_id_num"], "");
}

// ---------------------------------------------------------------------------
// Real captures.

/// Steps through a capture, one message number at a time.
struct Replay {
    messages: Vec<(f64, Message)>,
    next: usize,
    queues: Queues,
}

impl Replay {
    fn new(name: &str) -> Replay {
        Replay {
            messages: timed_messages(name),
            next: 1,
            queues: Queues::default(),
        }
    }

    /// Applies messages up to and including number `n`, checking that
    /// message `n` is the event the checkpoint is about.
    fn until(&mut self, n: usize, event: &str) -> &Queues {
        while self.next <= n {
            let (now, m) = &self.messages[self.next - 1];
            apply(&mut self.queues, m, *now);
            self.next += 1;
        }
        let (_, m) = &self.messages[n - 1];
        let name = m.event().or_else(|| m.action_id()).unwrap_or_default();
        assert_eq!(name, event, "message {n}");
        &self.queues
    }

    fn time_of(&self, n: usize) -> f64 {
        self.messages[n - 1].0
    }
}

const ALICE: &str = "Local/101@test/n";
const BOB: &str = "Local/102@test/n";
const CAROL: &str = "Local/103@test/n";
const DAVE: &str = "Local/104@test/n";

#[test]
fn c3_queue_story_at_its_checkpoints() {
    let mut r = Replay::new("c3_queue.ami");

    // The first caller joins support; the linear strategy rings Bob.
    let q = r.until(33, "QueueCallerJoin");
    assert_eq!(
        callers(q, "support"),
        [("1795730927.28".into(), Some(1), Some(0))]
    );
    assert_eq!(queue(q, "support").callers.len(), 1);
    let q = r.until(54, "QueueMemberStatus");
    assert_eq!(member(q, "support", BOB).status, DeviceState::InUse);
    assert_eq!(member(q, "support", BOB).name, "Bob");

    // The second caller waits behind the first.
    let q = r.until(83, "QueueCallerJoin");
    let waiting = callers(q, "support");
    assert_eq!(waiting[0].0, "1795730927.28");
    assert_eq!(waiting[1], ("1795730928.32".into(), Some(2), Some(0)));
    // Just before QueueStatus, the wait computed from the join time and
    // the arrival clock agrees with the server's own figure (Wait: 3).
    let q = r.until(89, "QueueMember");
    let computed = callers(q, "support")[0].2.unwrap() as i64;
    assert!((computed - 3).abs() <= 1, "computed wait {computed}");
    let q = r.until(91, "QueueEntry");
    let waiting = callers(q, "support");
    assert_eq!(waiting[0], ("1795730927.28".into(), Some(1), Some(3)));
    assert_eq!(waiting[1], ("1795730928.32".into(), Some(2), Some(1)));
    let at = r.time_of(94);
    let q = r.until(94, "QueueSummary");
    let support = queue(q, "support");
    assert_eq!(
        (
            support.logged_in(),
            support.available(),
            support.callers.len(),
            support.longest_wait(at)
        ),
        (3, 2, 2, 3)
    );

    // QueuePause of Carol, with a reason.
    let q = r.until(98, "DeviceStateChange");
    assert!(!member(q, "support", CAROL).paused);
    let q = r.until(99, "QueueMemberPause");
    let carol = member(q, "support", CAROL);
    assert!(carol.paused);
    assert_eq!(carol.paused_reason, "break");

    // The impatient caller in sales abandons.
    let q = r.until(126, "QueueCallerJoin");
    assert_eq!(callers(q, "sales").len(), 1);
    let q = r.until(164, "QueueCallerAbandon");
    assert!(callers(q, "sales").is_empty());
    let q = r.until(169, "QueueCallerLeave");
    assert_eq!(queue(q, "sales").callers.len(), 0);

    let q = r.until(179, "QueueMemberPenalty");
    assert_eq!(member(q, "sales", DAVE).penalty, Some(5));

    // Bob's 5 s ring times out, four times in the whole story.
    let q = r.until(180, "AgentRingNoAnswer");
    assert_eq!(member(q, "support", BOB).ring_no_answer, 1);
    let since_join = r.time_of(221) - r.time_of(83);
    let q = r.until(221, "QueueCallerLeave");
    let waiting = callers(q, "support");
    assert_eq!(waiting.len(), 1);
    assert_eq!(
        (waiting[0].0.as_str(), waiting[0].1),
        ("1795730928.32", Some(1)),
        "the second caller moved up"
    );
    let wait = waiting[0].2.unwrap() as f64;
    assert!(
        (wait - since_join).abs() <= 1.0,
        "wait {wait}, joined {since_join} s ago"
    );
    let q = r.until(225, "AgentConnect");
    assert!(member(q, "support", ALICE).in_call);
    assert_eq!(member(q, "support", ALICE).calls_taken, Some(0));

    // Mid-call QueueStatus agrees: Alice in a call, Carol still paused.
    let q = r.until(236, "QueueStatusComplete");
    assert_eq!(member(q, "support", CAROL).paused_reason, "break");
    assert!(member(q, "support", ALICE).in_call);
    let q = r.until(241, "QueueMemberPause");
    assert!(!member(q, "support", CAROL).paused);
    assert_eq!(member(q, "support", CAROL).paused_reason, "");
    let q = r.until(243, "QueueMemberPenalty");
    assert_eq!(member(q, "sales", DAVE).penalty, Some(3));
    let q = r.until(267, "AgentRingNoAnswer");
    assert_eq!(member(q, "support", BOB).ring_no_answer, 2);

    // Alice's first call: the status with CallsTaken 1 comes before
    // AgentComplete, which must not count it again.
    let q = r.until(310, "AgentComplete");
    assert_eq!(member(q, "support", ALICE).calls_taken, Some(1));
    assert!(!member(q, "support", ALICE).in_call);
    let q = r.until(311, "QueueMemberStatus");
    assert_eq!(member(q, "sales", ALICE).calls_taken, Some(1));

    let q = r.until(367, "AgentRingNoAnswer");
    assert_eq!(member(q, "support", BOB).ring_no_answer, 4);
    let q = r.until(408, "QueueCallerLeave");
    assert!(callers(q, "support").is_empty());
    assert_eq!(queue(q, "support").callers.len(), 0);

    // Alice's second call: AgentComplete comes first this time.
    let completed_at = r.time_of(426);
    let q = r.until(426, "AgentComplete");
    let alice = member(q, "support", ALICE);
    assert_eq!(alice.calls_taken, Some(2));
    assert_eq!(alice.last_call, Some(completed_at));
    let q = r.until(452, "QueueMemberStatus");
    assert_eq!(member(q, "support", ALICE).calls_taken, Some(2));
    assert_eq!(member(q, "support", ALICE).last_call, Some(1795730962.0));
    assert_eq!(member(q, "sales", ALICE).calls_taken, Some(2));

    let q = r.until(460, "QueueSummary");
    let figures = &queue(q, "support").figures;
    assert_eq!((figures.hold_time, figures.talk_time), (11, 8));
    assert_eq!(member(q, "support", BOB).ring_no_answer, 4);
    assert_eq!(member(q, "support", BOB).calls_taken, Some(0));
}

#[test]
fn b3_penalties_pauses_members_and_rules() {
    let mut r = Replay::new("b3_queues.ami");
    let q = r.until(6, "QueueSummary");
    assert_eq!(queue(q, "support").figures.hold_time, 0);

    let q = r.until(19, "QueueStatusComplete");
    let support = queue(q, "support");
    assert_eq!((support.logged_in(), support.available()), (3, 3));
    assert_eq!(queue(q, "sales").logged_in(), 2);
    let names: Vec<&str> = queue(q, "support")
        .members
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(names, ["Bob", "Alice", "Carol"]);
    assert_eq!(member(q, "support", CAROL).penalty, Some(2));
    assert_eq!(member(q, "sales", DAVE).penalty, Some(3));
    assert_eq!(member(q, "sales", ALICE).penalty, Some(1));
    assert_eq!(member(q, "support", BOB).membership, "static");
    assert_eq!(queue(q, "support").params.strategy, "linear");
    assert_eq!(queue(q, "sales").params.strategy, "ringall");

    // QueueRule for all rules, then for one: rules are the server's.
    let q = r.until(24, "b3-006");
    assert_eq!(q.rules["escalate"], ["10,+1,+0", "20,+2,0"]);
    assert_eq!(q.rules["strict"], ["30,0,0"]);
    let q = r.until(25, "b3-007");
    assert_eq!(q.rules.len(), 2, "a one-rule reply keeps the other rules");

    let q = r.until(27, "QueueMemberPenalty");
    assert_eq!(member(q, "support", CAROL).penalty, Some(3));
    let q = r.until(32, "QueueMemberPenalty");
    assert_eq!(member(q, "support", CAROL).penalty, Some(2));
    let q = r.until(35, "QueueMemberPause");
    assert!(member(q, "support", CAROL).paused);
    assert_eq!(member(q, "support", CAROL).paused_reason, "lunch");
    let q = r.until(39, "QueueMemberPause");
    assert!(!member(q, "support", CAROL).paused);
    assert_eq!(member(q, "support", CAROL).paused_reason, "");

    let q = r.until(42, "QueueMemberAdded");
    let eve = member(q, "sales", "Local/105@test/n");
    assert_eq!(
        (eve.name.as_str(), eve.membership.as_str(), eve.penalty),
        ("Eve", "dynamic", Some(4))
    );
    assert_eq!(eve.ring_in_use, Some(false));
    let q = r.until(45, "QueueMemberRinginuse");
    assert_eq!(
        member(q, "sales", "Local/105@test/n").ring_in_use,
        Some(true)
    );
    let q = r.until(51, "QueueStatusComplete");
    assert_eq!(queue(q, "sales").members.len(), 3);
    let q = r.until(53, "QueueMemberRemoved");
    let names: Vec<&str> = queue(q, "sales")
        .members
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(names, ["Dave", "Alice"]);
    assert!(
        q.by_name
            .values()
            .flat_map(|queue| &queue.members)
            .all(|m| m.status == DeviceState::NotInUse)
    );
}

#[test]
fn asterisk_11_queue_call_counts_for_the_member() {
    let mut q = Queues::default();
    for m in capture_messages("third-party/ami1-asterisk11/queue_queue_simple.ami") {
        apply(&mut q, &m, 0.0);
    }
    let agent = member(&q, "1-1", "Local/ID690150@osvpi_route_phoneaccount");
    assert_eq!(agent.calls_taken, Some(1));
    assert!(!agent.in_call);
    assert_eq!(agent.last_call, None, "no clock, no time");
    assert!(queue(&q, "1-1").callers.is_empty());
}

#[test]
fn asterisk_13_abandon_leaves_no_caller() {
    let mut q = Queues::default();
    for m in capture_messages("third-party/ami2-asterisk13/queue_queue_a_cancel.ami") {
        apply(&mut q, &m, 0.0);
    }
    let queue = queue(&q, "670100-540100");
    assert!(queue.callers.is_empty());
    assert!(queue.members.is_empty());
}

#[test]
fn every_capture_replays_without_a_panic_and_ends_with_nobody_waiting() {
    for name in ami_files() {
        let mut q = Queues::default();
        for (n, m) in capture_messages(&name).iter().enumerate() {
            apply(&mut q, m, n as f64);
        }
        for queue in q.by_name.values() {
            assert!(
                queue.callers.is_empty(),
                "{name}: callers left in {}",
                queue.name
            );
        }
    }
}
