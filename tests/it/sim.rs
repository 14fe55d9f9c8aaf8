//! The test PBX over real TCP, driven by a raw socket and the AMI codec (not
//! the session), and checked against the real Asterisk captures.

use std::time::Duration;

use crate::support::sim::*;
use crate::support::{capture_messages, read_capture};
use amitop::ami::{Action, Message};
use amitop::sim::{PbxConfig, TestPbx};
use md5::{Digest, Md5};
use tokio::net::TcpStream;

fn config() -> PbxConfig {
    PbxConfig {
        login_failure_delay: Duration::from_millis(5),
        ..PbxConfig::default()
    }
}

fn event_names(messages: &[Message]) -> Vec<String> {
    messages
        .iter()
        .filter_map(|m| m.event().map(|e| e.into_owned()))
        .collect()
}

/// Each event has exactly the headers, in order, of some real event of its name.
fn assert_layouts_are_real(events: &[Message]) {
    let layouts = layouts(&["c1_call_bridge.ami"]);
    for event in events {
        let name = event.event().expect("an event");
        let real = layouts
            .get(name.as_ref())
            .unwrap_or_else(|| panic!("no {name} in c1_call_bridge.ami"));
        assert!(
            real.contains(&keys(event)),
            "{name} layout {:?} is none of the capture's {real:?}",
            keys(event)
        );
    }
}

/// `names` appear in `events` in this order (others may come between).
fn assert_in_order(events: &[Message], names: &[&str]) {
    let seen = event_names(events);
    let mut rest = seen.iter();
    for name in names {
        assert!(
            rest.any(|s| s == name),
            "{name} missing or out of order in {seen:?}"
        );
    }
}

async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !condition() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

#[tokio::test]
async fn refused_login_replays_the_capture_byte_for_byte() {
    let pbx = TestPbx::start(capture_users()).await.unwrap();
    let received = replay_sent(&pbx, "a3_login_fail.sent").await;
    assert_eq!(
        String::from_utf8_lossy(&received),
        String::from_utf8_lossy(&read_capture("a3_login_fail.ami"))
    );
    assert_eq!(pbx.received_actions().len(), 3);
    let login = &pbx.received_actions()[2];
    assert_eq!(login.get("Secret").as_deref(), Some("wrong-secret"));
}

#[tokio::test]
async fn plaintext_login_ping_logoff_match_the_capture() {
    let pbx = TestPbx::start(capture_users()).await.unwrap();
    assert_replay_matches_capture(&pbx, "a1_login_plain").await;
}

#[tokio::test]
async fn md5_login_with_a_wrong_key_matches_the_capture_and_closes() {
    let pbx = TestPbx::start(capture_users()).await.unwrap();
    assert_replay_matches_capture(&pbx, "a3b_login_md5_fail").await;
}

#[tokio::test]
async fn md5_login_with_the_right_key_is_accepted() {
    let pbx = TestPbx::start(PbxConfig {
        ami_version: "2.10.4".into(),
        ..config()
    })
    .await
    .unwrap();
    let mut client = Client::connect(&pbx).await;
    assert_eq!(client.banner, "Asterisk Call Manager/2.10.4");
    let challenge = client
        .ask("c", &Action::new("Challenge").header("AuthType", "MD5"))
        .await;
    assert_eq!(challenge.response().as_deref(), Some("Success"));
    let digits = challenge.get("Challenge").unwrap().into_owned();
    assert!(!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()));

    let key: String = Md5::digest(format!("{digits}secret").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let login = Action::new("Login")
        .header("AuthType", "MD5")
        .header("Username", "amitop")
        .header("Key", key);
    let reply = client.ask("l", &login).await;
    assert_eq!(keys(&reply), ["Response", "ActionID", "Message"]);
    assert_eq!(
        reply.get("Message").as_deref(),
        Some("Authentication accepted")
    );
    let booted = client.message().await;
    assert_eq!(booted.event().as_deref(), Some("FullyBooted"));
    assert_eq!(booted.get("Status").as_deref(), Some("Fully Booted"));
    let pong = client.ask("p", &Action::new("Ping")).await;
    assert_eq!(pong.get("Ping").as_deref(), Some("Pong"));
}

#[tokio::test]
async fn only_login_challenge_and_logoff_work_before_login() {
    let pbx = TestPbx::start(config()).await.unwrap();
    let mut client = Client::connect(&pbx).await;
    for name in ["Ping", "NoSuchAction", "Originate", "Events"] {
        let reply = client.ask(name, &Action::new(name)).await;
        assert_eq!(reply.response().as_deref(), Some("Error"), "{name}");
        assert_eq!(reply.get("Message").as_deref(), Some("Permission denied"));
    }
    let bye = client.ask("bye", &Action::new("Logoff")).await;
    assert_eq!(bye.response().as_deref(), Some("Goodbye"));
    assert_eq!(
        bye.get("Message").as_deref(),
        Some("Thanks for all the fish.")
    );
    client.assert_closed().await;
}

#[tokio::test]
async fn ping_answers_pong_with_the_current_time() {
    let pbx = TestPbx::start(config()).await.unwrap();
    let mut client = Client::logged_in(&pbx, "amitop", "secret").await;
    let pong = client.ask("p1", &Action::new("Ping")).await;
    assert_eq!(keys(&pong), ["Response", "ActionID", "Ping", "Timestamp"]);
    let stamp: f64 = pong.get("Timestamp").unwrap().parse().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!((now - stamp).abs() < 60.0, "{stamp} vs {now}");
}

#[tokio::test]
async fn bad_requests_get_asterisks_error_texts() {
    let pbx = TestPbx::start(config()).await.unwrap();
    let mut client = Client::logged_in(&pbx, "amitop", "secret").await;
    let cases = [
        (
            "b4-002",
            "Action: FooBarNoSuchAction\r\nActionID: b4-002\r\n\r\n",
        ),
        (
            "b4-noaction",
            "ActionID: b4-noaction\r\nChannel: nothing\r\n\r\n",
        ),
        (
            "b4-003",
            "Action: Originate\r\nActionID: b4-003\r\nExten: 100\r\nContext: test\r\n\r\n",
        ),
        (
            "b4-005",
            "Action: Hangup\r\nActionID: b4-005\r\nChannel: Local/nosuch@test-00000000;1\r\n\r\n",
        ),
        ("b4-007", "Action: Command\r\nActionID: b4-007\r\n\r\n"),
        (
            "b4-lowercase",
            "action: ping\r\nactionid: b4-lowercase\r\n\r\n",
        ),
        ("b4-lfonly", "Action: Ping\nActionID: b4-lfonly\n\n"),
    ];
    for (id, request) in cases {
        client.send_raw(request.as_bytes()).await;
        let (_, ours) = client.until_response(id).await;
        assert_captured_reply(&ours, "b4_errors.ami", id);
    }
}

#[tokio::test]
async fn read_only_user_is_refused_what_needs_write_permission() {
    let pbx = TestPbx::start(capture_users()).await.unwrap();
    let mut client = Client::logged_in(&pbx, "viewer", "viewer-secret").await;
    for (id, action) in [
        ("a4-006", Action::new("CoreShowChannels")),
        (
            "a4-008",
            Action::new("Originate")
                .header("Channel", "Local/100@test/n")
                .header("Application", "Wait")
                .header("Data", "1"),
        ),
    ] {
        let ours = client.ask(id, &action).await;
        assert_captured_reply(&ours, "a4_viewer_readonly.ami", id);
    }
    let command = Action::new("Command").header("Command", "core show version");
    let refused = client.ask("cmd", &command).await;
    assert_eq!(refused.get("Message").as_deref(), Some("Permission denied"));
    let events = client
        .ask("a4-009", &Action::new("Events").header("EventMask", "off"))
        .await;
    assert_captured_reply(&events, "a4_viewer_readonly.ami", "a4-009");
    assert_eq!(pbx.channel_count(), 0);
}

#[tokio::test]
async fn core_show_channels_lists_a_live_call_like_asterisk() {
    let pbx = TestPbx::start(config()).await.unwrap();
    let mut client = Client::logged_in(&pbx, "amitop", "secret").await;
    let linkedid = pbx.start_call("100", "200", "Alice Example");
    let reply = client
        .list("c1-003", &Action::new("CoreShowChannels"))
        .await;

    assert_captured_reply(&reply.response, "c1_call_bridge.ami", "c1-003");
    let items = reply.items("c1-003");
    assert_eq!(items.len(), 2);
    let items: Vec<Message> = items.into_iter().cloned().collect();
    assert_layouts_are_real(&items);
    assert_eq!(
        items[0].get("Channel").unwrap().split('-').next(),
        Some("PJSIP/100")
    );
    assert_eq!(
        items[0].get("CallerIDName").as_deref(),
        Some("Alice Example")
    );
    assert_eq!(
        items[1].get("Channel").unwrap().split('-').next(),
        Some("PJSIP/200")
    );
    for item in &items {
        assert_eq!(item.get("Linkedid").as_deref(), Some(linkedid.as_str()));
        assert_eq!(item.get("ChannelStateDesc").as_deref(), Some("Up"));
        assert!(item.get("Duration").unwrap().starts_with("00:00:"));
    }
    let bridge = items[0].get("BridgeId").unwrap();
    assert!(!bridge.is_empty());
    assert_eq!(items[1].get("BridgeId"), Some(bridge));
    assert_eq!(
        keys(&reply.complete),
        ["Event", "ActionID", "EventList", "ListItems"]
    );
    assert_eq!(reply.complete.get("ListItems").as_deref(), Some("2"));
}

#[tokio::test]
async fn events_can_arrive_between_the_items_of_a_list() {
    let pbx = TestPbx::start(config()).await.unwrap();
    let mut client = Client::logged_in(&pbx, "amitop", "secret").await;
    pbx.start_call("100", "200", "Alice");
    client.events_until_ping("sync").await;
    pbx.start_call_during_next_list("101", "201", "Bob");

    let reply = client.list("l", &Action::new("CoreShowChannels")).await;
    assert_eq!(reply.response.get("EventList").as_deref(), Some("start"));
    let body = &reply.body;
    assert_eq!(body[0].event().as_deref(), Some("CoreShowChannel"));
    assert_eq!(
        body.last().unwrap().event().as_deref(),
        Some("CoreShowChannel")
    );
    let between: Vec<Message> = body[1..body.len() - 1].to_vec();
    assert_in_order(
        &between,
        &["Newchannel", "DialBegin", "DialEnd", "BridgeEnter"],
    );
    assert!(
        between
            .iter()
            .all(|m| m.action_id().is_none() && m.has("Privilege"))
    );
    assert_eq!(reply.items("l").len(), 2);
    assert_eq!(reply.complete.get("ListItems").as_deref(), Some("2"));
    assert_eq!(pbx.channel_count(), 4);
}

#[tokio::test]
async fn command_answers_with_output_lines() {
    let pbx = TestPbx::start(config()).await.unwrap();
    let mut client = Client::logged_in(&pbx, "amitop", "secret").await;
    let command = |line: &str| Action::new("Command").header("Command", line);

    let version = client.ask("v", &command("core show version")).await;
    assert_eq!(
        keys(&version),
        ["Response", "ActionID", "Message", "Output"]
    );
    assert_eq!(
        version.get("Message").as_deref(),
        Some("Command output follows")
    );
    assert!(version.output_lines()[0].starts_with("Asterisk 22.10.1 built by "));

    // With no channels the table is the capture's, byte for byte.
    let idle = client.ask("b4-011", &command("core show channels")).await;
    assert_captured_reply(&idle, "b4_errors.ami", "b4-011");

    pbx.start_call("100", "200", "Alice");
    let busy = client.ask("busy", &command("core show channels")).await;
    let lines = busy.output_lines();
    assert!(lines[1].starts_with("PJSIP/100-"), "{lines:?}");
    assert!(lines[1].contains("200@default:1") && lines[1].contains("Dial(PJSIP/200,30)"));
    assert_eq!(
        lines[3..],
        ["2 active channels", "1 active call", "1 call processed"]
    );

    let uptime = client.ask("u", &command("core show uptime")).await;
    assert!(uptime.output_lines()[0].starts_with("System uptime: "));

    let unknown = client.ask("b4-012", &command("no such cli command")).await;
    let real = captured_response("b4_errors.ami", "b4-012");
    assert_eq!(unknown.response(), real.response());
    assert_eq!(unknown.get("Message"), real.get("Message"));
    assert!(
        unknown.output_lines()[0]
            .starts_with("No such command 'no such cli command' (type 'core show help ")
    );
}

#[tokio::test]
async fn legacy_command_answers_with_a_follows_body() {
    let pbx = TestPbx::start(PbxConfig {
        legacy_command: true,
        ..config()
    })
    .await
    .unwrap();
    let mut client = Client::logged_in(&pbx, "amitop", "secret").await;
    let command = Action::new("Command").header("Command", "core show channels");
    client.send("legacy-1", &command).await;
    let reply = client.message().await;
    assert!(
        reply.raw().starts_with(
            b"Response: Follows\r\nPrivilege: Command\r\nActionID: legacy-1\r\nChannel "
        )
    );
    assert!(
        reply
            .raw()
            .ends_with(b"0 calls processed\n--END COMMAND--\r\n")
    );
    assert_eq!(
        reply.output_lines()[1..],
        ["0 active channels", "0 active calls", "0 calls processed"]
    );
    // The next reply parses normally after the body.
    let pong = client.ask("after", &Action::new("Ping")).await;
    assert_eq!(pong.get("Ping").as_deref(), Some("Pong"));
}

fn c1_originate() -> Action {
    Action::new("Originate")
        .header("Channel", "Local/200@test/n")
        .header("Context", "test")
        .header("Exten", "100")
        .header("Priority", "1")
        .header("CallerID", "\"Alice Example\" <5551000>")
        .header("Async", "true")
        .header("Variable", "AMITOP_CALL=c1")
        .header("Account", "orig-acct")
}

#[tokio::test]
async fn async_originate_makes_a_bridged_call_with_real_events() {
    let pbx = TestPbx::start(config()).await.unwrap();
    let mut client = Client::logged_in(&pbx, "amitop", "secret").await;
    let reply = client.ask("c1-002", &c1_originate()).await;
    assert_captured_reply(&reply, "c1_call_bridge.ami", "c1-002");

    let events = client.events_until_ping("after").await;
    assert_layouts_are_real(&events);
    assert_in_order(
        &events,
        &[
            "Newchannel",
            "VarSet",
            "NewAccountCode",
            "NewCallerid",
            "Newstate",
            "OriginateResponse",
            "Newchannel",
            "DialBegin",
            "DialEnd",
            "BridgeCreate",
            "BridgeEnter",
            "BridgeEnter",
        ],
    );
    let by_name = |name: &str| {
        events
            .iter()
            .find(|e| e.event().as_deref() == Some(name))
            .unwrap()
    };
    let first = by_name("Newchannel");
    assert_eq!(
        first.get("Channel").as_deref(),
        Some("Local/200@test-00000000;1")
    );
    let var = by_name("VarSet");
    assert_eq!(
        (var.get("Variable").unwrap(), var.get("Value").unwrap()),
        ("AMITOP_CALL".into(), "c1".into())
    );
    let originated = by_name("OriginateResponse");
    assert_eq!(originated.action_id().as_deref(), Some("c1-002"));
    assert_eq!(originated.get("Response").as_deref(), Some("Success"));
    assert_eq!(
        originated.get("CallerIDName").as_deref(),
        Some("Alice Example")
    );
    let dial = by_name("DialBegin");
    assert_eq!(
        dial.get("DestChannel").unwrap().split('-').next(),
        Some("PJSIP/100")
    );
    assert!(events.iter().all(|e| {
        e.get("Linkedid")
            .is_none_or(|l| l == first.get("Uniqueid").unwrap())
    }));
    assert_eq!(pbx.channel_count(), 2);
}

#[tokio::test]
async fn sync_originate_answers_once_the_call_is_up() {
    let pbx = TestPbx::start(config()).await.unwrap();
    let mut client = Client::logged_in(&pbx, "amitop", "secret").await;
    let originate = Action::new("Originate")
        .header("Channel", "PJSIP/300")
        .header("Context", "default")
        .header("Exten", "301");
    client.send("sync", &originate).await;
    let (before, reply) = client.until_response("sync").await;
    assert_eq!(
        reply.get("Message").as_deref(),
        Some("Originate successfully queued")
    );
    assert_in_order(
        &before,
        &["Newchannel", "DialBegin", "BridgeEnter", "BridgeEnter"],
    );
    assert!(
        !event_names(&before)
            .iter()
            .any(|n| n == "OriginateResponse")
    );
    assert!(client.events_until_ping("after").await.is_empty());
}

#[tokio::test]
async fn hangup_ends_the_call_and_empties_the_channel_list() {
    let pbx = TestPbx::start(config()).await.unwrap();
    let mut client = Client::logged_in(&pbx, "amitop", "secret").await;
    client.ask("o", &c1_originate()).await;
    client.events_until_ping("setup").await;

    let hangup = Action::new("Hangup")
        .header("Channel", "Local/200@test-00000000;1")
        .header("Cause", "16");
    let reply = client.ask("c1-009", &hangup).await;
    assert_captured_reply(&reply, "c1_call_bridge.ami", "c1-009");

    let events = client.events_until_ping("gone").await;
    assert_layouts_are_real(&events);
    assert_eq!(
        event_names(&events),
        [
            "SoftHangupRequest",
            "BridgeLeave",
            "Hangup",
            "HangupRequest",
            "BridgeLeave",
            "BridgeDestroy",
            "Hangup"
        ]
    );
    assert!(
        events
            .iter()
            .filter(|e| e.has("Cause"))
            .all(|e| e.is("Cause", "16"))
    );
    assert_eq!(
        events[2].get("Cause-txt").as_deref(),
        Some("Normal Clearing")
    );

    let list = client
        .list("c1-011", &Action::new("CoreShowChannels"))
        .await;
    assert!(list.body.is_empty());
    let real = capture_messages("c1_call_bridge.ami")
        .into_iter()
        .find(|m| {
            m.event().as_deref() == Some("CoreShowChannelsComplete") && m.is("ActionID", "c1-011")
        })
        .unwrap();
    assert_eq!(comparable(&list.complete), comparable(&real));
    assert_eq!(pbx.channel_count(), 0);
}

#[tokio::test]
async fn a_call_ended_from_the_test_side_is_announced() {
    let pbx = TestPbx::start(config()).await.unwrap();
    let mut client = Client::logged_in(&pbx, "amitop", "secret").await;
    let linkedid = pbx.start_call("SIP/alice", "200", "Alice");
    client.events_until_ping("up").await;
    assert!(pbx.hangup_call(&linkedid));
    assert!(!pbx.hangup_call(&linkedid));
    let events = client.events_until_ping("down").await;
    assert_in_order(
        &events,
        &["HangupRequest", "Hangup", "BridgeDestroy", "Hangup"],
    );
    assert!(events[0].get("Channel").unwrap().starts_with("SIP/alice-"));
    assert_eq!(pbx.channel_count(), 0);
}

#[tokio::test]
async fn events_off_silences_one_client_only() {
    let pbx = TestPbx::start(config()).await.unwrap();
    let mut quiet = Client::logged_in(&pbx, "amitop", "secret").await;
    let mut loud = Client::logged_in(&pbx, "amitop", "secret").await;
    let off = quiet
        .ask("off", &Action::new("Events").header("EventMask", "off"))
        .await;
    assert_eq!(off.get("Events").as_deref(), Some("Off"));

    pbx.start_call("100", "200", "Alice");
    assert!(!loud.events_until_ping("l").await.is_empty());
    // Everything published before the first Ping would precede the second one.
    let mut heard = quiet.events_until_ping("q1").await;
    heard.extend(quiet.events_until_ping("q2").await);
    assert!(heard.is_empty(), "{heard:?}");

    // Lists still answer while events are off.
    let list = quiet.list("list", &Action::new("CoreShowChannels")).await;
    assert_eq!(list.items("list").len(), 2);

    let on = quiet
        .ask("on", &Action::new("Events").header("EventMask", "call"))
        .await;
    assert_eq!(on.get("Events").as_deref(), Some("On"));
    pbx.start_call("101", "201", "Bob");
    assert!(!quiet.events_until_ping("q3").await.is_empty());
}

#[tokio::test]
async fn every_logged_in_client_gets_the_same_events() {
    let pbx = TestPbx::start(config()).await.unwrap();
    let mut first = Client::logged_in(&pbx, "amitop", "secret").await;
    let mut second = Client::logged_in(&pbx, "amitop", "secret").await;
    let mut anonymous = Client::connect(&pbx).await;

    let linkedid = pbx.start_call("100", "200", "Alice");
    pbx.hangup_call(&linkedid);
    let a = first.events_until_ping("1").await;
    let b = second.events_until_ping("2").await;
    assert!(a.len() > 10);
    assert_eq!(
        a.iter().map(Message::raw).collect::<Vec<_>>(),
        b.iter().map(Message::raw).collect::<Vec<_>>()
    );
    // A client that has not logged in hears nothing.
    anonymous.send("x", &Action::new("Ping")).await;
    let (heard, denied) = anonymous.until_response("x").await;
    assert!(heard.is_empty(), "{heard:?}");
    assert_eq!(denied.get("Message").as_deref(), Some("Permission denied"));
}

#[tokio::test]
async fn disconnect_clients_closes_sockets_and_keeps_listening() {
    let pbx = TestPbx::start(config()).await.unwrap();
    let mut first = Client::logged_in(&pbx, "amitop", "secret").await;
    let mut second = Client::connect(&pbx).await;
    eventually("two clients", || pbx.client_count() == 2).await;

    pbx.disconnect_clients();
    first.assert_closed().await;
    second.assert_closed().await;
    eventually("no clients", || pbx.client_count() == 0).await;

    let mut again = Client::logged_in(&pbx, "amitop", "secret").await;
    assert_eq!(pbx.client_count(), 1);
    let pong = again.ask("p", &Action::new("Ping")).await;
    assert_eq!(pong.get("Ping").as_deref(), Some("Pong"));
}

#[tokio::test]
async fn dropping_the_pbx_closes_clients_and_the_port() {
    let pbx = TestPbx::start(config()).await.unwrap();
    let addr = pbx.addr();
    let mut client = Client::logged_in(&pbx, "amitop", "secret").await;
    drop(pbx);
    client.assert_closed().await;
    let deadline = tokio::time::Instant::now() + WAIT;
    // The listener closes as the server task winds down.
    while TcpStream::connect(addr).await.is_ok() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the listener should be gone"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

#[tokio::test]
async fn received_actions_record_what_clients_sent() {
    let pbx = TestPbx::start(config()).await.unwrap();
    let mut client = Client::logged_in(&pbx, "amitop", "secret").await;
    client
        .ask(
            "v",
            &Action::new("Originate")
                .header("Channel", "PJSIP/1")
                .header("Exten", "2"),
        )
        .await;
    let received = pbx.received_actions();
    let sent: Vec<Vec<(String, String)>> = received
        .iter()
        .map(|m| {
            m.headers()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .collect();
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    assert_eq!(
        sent,
        [
            pairs(&[
                ("Action", "Login"),
                ("ActionID", "login"),
                ("Username", "amitop"),
                ("Secret", "secret")
            ]),
            pairs(&[
                ("Action", "Originate"),
                ("ActionID", "v"),
                ("Channel", "PJSIP/1"),
                ("Exten", "2")
            ]),
        ]
    );
    pbx.clear_received();
    assert!(pbx.received_actions().is_empty());
}
