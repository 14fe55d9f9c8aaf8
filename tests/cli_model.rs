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

fn snapshot_with(port: u16, secret: &str) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_amitop"))
        .args(["--log", "/dev/null", "--config", "/dev/null"])
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .args(["--user", "amitop", "snapshot", "--json"])
        .env("AMITOP_SECRET", secret)
        .output()
        .expect("amitop runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_lists_the_live_call() {
    let pbx = TestPbx::start(PbxConfig::default()).await.unwrap();
    pbx.start_call("100", "200", "Alice Example");
    let port = pbx.addr().port();
    let output = tokio::task::spawn_blocking(move || snapshot_with(port, "secret"))
        .await
        .unwrap();
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
    let port = pbx.addr().port();
    let output = tokio::task::spawn_blocking(move || snapshot_with(port, "secret"))
        .await
        .unwrap();
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
    let port = pbx.addr().port();
    let output = tokio::task::spawn_blocking(move || snapshot_with(port, "wrong"))
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Authentication failed"));
}
