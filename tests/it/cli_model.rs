//! The headless model commands as processes: `amitop replay` over a real
//! capture (checkpoints in the middle of a call, partial replays, bad input)
//! and `amitop snapshot` against the test PBX.

use std::process::Output;

use amitop::sim::{PbxConfig, TestPbx};
use serde_json::Value;

const C1: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/ami/c1_call_bridge.ami"
);

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/ami/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn amitop(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_amitop"))
        .args(["--log", "/dev/null"])
        .args(args)
        .env_remove("AMITOP_SECRET")
        .output()
        .expect("amitop runs")
}

fn json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON document")
}

fn channel_names(doc: &Value) -> Vec<String> {
    let mut names: Vec<String> = doc["channels"]
        .as_array()
        .expect("channels array")
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn replay_shows_the_two_party_bridge_while_the_call_is_up() {
    // Message 70 is the second BridgeEnter of c1_call_bridge.ami.
    let doc = json(&amitop(&["replay", C1, "--until", "70", "--json"]));
    let bridges = doc["bridges"].as_array().unwrap();
    assert_eq!(bridges.len(), 1, "{bridges:?}");
    let members = bridges[0]["members"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    for member in members {
        let channel = doc["channels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["uniqueid"] == *member)
            .expect("bridge member is a live channel");
        assert_eq!(channel["bridge"], bridges[0]["id"]);
    }
    assert_eq!(doc["server"]["ami_version"], "11.0.0");
}

#[test]
fn replay_to_the_end_leaves_no_channel_and_no_bridge() {
    let doc = json(&amitop(&["replay", C1, "--json"]));
    assert_eq!(channel_names(&doc), Vec::<String>::new());
    assert_eq!(doc["bridges"].as_array().unwrap().len(), 0);
}

#[test]
fn replay_from_the_middle_of_the_call_has_no_ghosts() {
    for from in ["60", "100", "125"] {
        let doc = json(&amitop(&["replay", C1, "--from", from, "--json"]));
        assert_eq!(channel_names(&doc), Vec::<String>::new(), "--from {from}");
    }
}

#[test]
fn replay_prints_tables_without_json() {
    let output = amitop(&["replay", C1, "--until", "70"]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("Local/100@test-00000001;2"), "{text}");
}

/// Members and callers print as `queue show` prints them, not as a count.
#[test]
fn text_output_prints_queues_as_queue_show_does() {
    let b3 = fixture("b3_queues.ami");
    let text = String::from_utf8(amitop(&["replay", &b3]).stdout).unwrap();
    assert!(!text.contains("items]"), "{text}");
    assert!(
        text.contains("sales has 0 calls (max unlimited) in 'ringall' strategy"),
        "{text}"
    );
    assert!(
        text.contains(
            "      Dave (Local/104@test/n) with penalty 3 (static) (not in use) has taken 0 calls"
        ),
        "{text}"
    );
    let c3 = fixture("c3_queue.ami");
    let text = String::from_utf8(amitop(&["replay", &c3, "--until", "40"]).stdout).unwrap();
    assert!(
        text.contains(
            "   Callers:\n      1. Local/300@test-0000000c;2 (Queue Caller 1 <5552001>) (wait: "
        ),
        "{text}"
    );
}

#[test]
fn replay_of_a_missing_file_is_a_usage_error_naming_it() {
    let output = amitop(&["replay", "/nonexistent/x.ami"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("/nonexistent/x.ami"));
}

/// `amitop snapshot --json` against `pbx`, logging in with `secret`.
async fn snapshot_with(pbx: &TestPbx, secret: &str) -> Output {
    let port = pbx.addr().port().to_string();
    let secret = secret.to_owned();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_amitop"))
            .args(["--log", "/dev/null", "--config", "/dev/null"])
            .args(["--host", "127.0.0.1", "--port", &port])
            .args(["--user", "amitop", "snapshot", "--json"])
            .env("AMITOP_SECRET", secret)
            .output()
            .expect("amitop runs")
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_lists_the_live_call() {
    let pbx = TestPbx::start(PbxConfig::default()).await.unwrap();
    pbx.start_call("100", "200", "Alice Example");
    let output = snapshot_with(&pbx, "secret").await;
    let doc = json(&output);
    let names = channel_names(&doc);
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names[0].starts_with("PJSIP/100-"), "{names:?}");
    assert!(names[1].starts_with("PJSIP/200-"), "{names:?}");
    assert_eq!(doc["server"]["asterisk_version"], "22.10.1");
}

/// The dashboard learns `FullyBooted` from an event and the IAX2 peers
/// from list items without an ActionID: the snapshot must too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_sees_what_the_dashboard_sees() {
    let pbx = TestPbx::start(PbxConfig::default()).await.unwrap();
    let output = snapshot_with(&pbx, "secret").await;
    let doc = json(&output);
    assert_eq!(doc["server"]["fully_booted"], true, "{}", doc["server"]);
    let peers = doc["peers"].as_array().expect("peers");
    assert!(
        peers.iter().any(|p| p["technology"] == "IAX2"),
        "the IAX2 peer: {peers:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_with_a_wrong_secret_exits_3() {
    let pbx = TestPbx::start(PbxConfig {
        login_failure_delay: std::time::Duration::from_millis(5),
        ..PbxConfig::default()
    })
    .await
    .unwrap();
    let output = snapshot_with(&pbx, "wrong").await;
    assert_eq!(output.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Authentication failed"));
}

/// The number `amitop replay` gives the last message of the reply to
/// `action_id` (its response, or its list's end).
fn end_of_reply(capture: &str, action_id: &str) -> u64 {
    let messages = crate::support::capture_messages(capture);
    let at = messages.iter().rposition(|m| {
        m.action_id().as_deref() == Some(action_id)
            && (m.event().is_none() || m.get("EventList").is_some_and(|e| e == "Complete"))
    });
    at.map(|i| i as u64 + 1)
        .unwrap_or_else(|| panic!("{capture} has no {action_id}"))
}

fn replay_json(capture: &str, until: Option<u64>) -> Value {
    let path = fixture(capture);
    let until = until.map(|n| n.to_string());
    let mut args = vec!["replay", path.as_str(), "--json"];
    if let Some(until) = &until {
        args.extend(["--until", until.as_str()]);
    }
    json(&amitop(&args))
}

fn find<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array()
        .expect("a list")
        .iter()
        .find(|item| item[key] == value)
        .unwrap_or_else(|| panic!("no {key} = {value} in {list}"))
}

#[test]
fn replay_json_of_e3_has_hints_devices_and_presence_as_the_stream_says() {
    // e3-020 (README): after bob's dnd "In a meeting", alice away at lunch.
    let capture = "e3_hints_presence.ami";
    let doc = replay_json(capture, Some(end_of_reply(capture, "e3-020")));
    let alice = find(&doc["extensions"], "exten", "810");
    assert_eq!(alice["hint"], "Custom:desk810,CustomPresence:alice");
    assert_eq!(alice["state_text"], "Idle");
    assert_eq!(alice["presence"]["status"], "away");
    assert_eq!(alice["presence"]["message"], "Back at 14:00");
    let bob = find(&doc["presence"], "presentity", "CustomPresence:bob");
    assert_eq!(
        (&bob["status"], &bob["message"]),
        (&"dnd".into(), &"In a meeting".into())
    );
    assert_eq!(
        find(&doc["extensions"], "exten", "812")["state_text"],
        "Busy"
    );
    assert_eq!(
        find(&doc["devices"], "name", "Custom:desk812")["state_text"],
        "BUSY"
    );
    // The end (e3-038..040): bob available, 811 idle again.
    let end = replay_json(capture, None);
    let bob = find(&end["presence"], "presentity", "CustomPresence:bob");
    assert_eq!(bob["status"], "available");
    assert_eq!(
        find(&end["extensions"], "exten", "811")["state_text"],
        "Idle"
    );
}

#[test]
fn replay_json_of_e4_has_each_box_with_its_counts_and_settings() {
    let capture = "e4_voicemail.ami";
    // e4-014: one new message each for 1001 and 1002 (README).
    let doc = replay_json(capture, Some(end_of_reply(capture, "e4-014")));
    let alice = find(&doc["voicemail"], "mailbox", "1001@default");
    assert_eq!(
        (&alice["new_messages"], &alice["old_messages"]),
        (&1.into(), &0.into())
    );
    assert_eq!(alice["full_name"], "Alice Example");
    let settings = &alice["settings"];
    for key in [
        "say_envelope",
        "say_cid",
        "attach_message",
        "can_review",
        "call_operator",
    ] {
        assert_eq!(settings[key], true, "{key}");
    }
    let bob = find(&doc["voicemail"], "mailbox", "1002@default");
    assert_eq!(bob["new_messages"], 1);
    assert_eq!(bob["settings"]["attach_message"], false);
    assert_eq!(bob["settings"]["max_messages"], 10);
    assert_eq!(doc["voicemail"].as_array().unwrap().len(), 4);
    // e4-018 moved 1001's message to Old; e4-019 counts it.
    let doc = replay_json(capture, Some(end_of_reply(capture, "e4-019")));
    let alice = find(&doc["voicemail"], "mailbox", "1001@default");
    assert_eq!(
        (&alice["new_messages"], &alice["old_messages"]),
        (&0.into(), &1.into())
    );
    // The clean-up removed every message.
    let end = replay_json(capture, None);
    for mailbox in end["voicemail"].as_array().unwrap() {
        assert_eq!(mailbox["new_messages"], 0, "{mailbox}");
        assert_eq!(mailbox["old_messages"], 0, "{mailbox}");
    }
}

#[test]
fn replay_json_of_s4_has_the_peer_detail_with_its_parking_lot() {
    let capture = "asterisk20-sip/s4_sip_peer_detail.ami";
    let doc = replay_json(capture, Some(end_of_reply(capture, "s4-005")));
    let bob = find(&doc["peer_details"], "id", "SIP/2002");
    let fields = bob["fields"].as_array().expect("fields");
    let field = |name: &str| {
        fields
            .iter()
            .find(|f| f[0] == name)
            .map(|f| f[1].as_str().unwrap().to_owned())
    };
    assert_eq!(field("Parkinglot").as_deref(), Some("sipparking"));
    assert_eq!(field("Callerid").as_deref(), Some("\"Bob SIP\" <2002>"));
    assert_eq!(field("ActionID"), None);
    // s4-007: the four SIP hints.
    let doc = replay_json(capture, Some(end_of_reply(capture, "s4-007")));
    assert_eq!(doc["extensions"].as_array().unwrap().len(), 4);
}

/// `snapshot --json` runs the dashboard's resync: the hints, presence
/// states, voicemail boxes and DAHDI ports the test PBX lists are in it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_has_hints_presence_voicemail_and_dahdi() {
    let pbx = TestPbx::start(PbxConfig::default()).await.unwrap();
    let output = snapshot_with(&pbx, "secret").await;
    let doc = json(&output);
    let sim = pbx.snapshot();
    assert_eq!(
        doc["extensions"].as_array().unwrap().len(),
        amitop::sim::PHONES.len()
    );
    let dnd = find(&doc["presence"], "presentity", "CustomPresence:2003");
    assert_eq!(
        (&dnd["status"], &dnd["message"]),
        (&"dnd".into(), &"In a meeting".into())
    );
    for mailbox in &sim.features.mailboxes {
        let got = find(&doc["voicemail"], "mailbox", &mailbox.id());
        assert_eq!(got["new_messages"], mailbox.new_messages);
        assert_eq!(got["urgent_messages"], 0);
        assert_eq!(got["settings"]["say_envelope"], true);
    }
    let ports = doc["dahdi"].as_array().unwrap();
    assert_eq!(ports.len(), sim.features.dahdi.len());
    let fourth = ports.iter().find(|p| p["number"] == 4).expect("port 4");
    assert_eq!(fourth["alarm"], "Red Alarm");
}
