//! `amitop sim` as a user runs it: the built binary serving real clients
//! until it is stopped.

mod sim_support;

use std::net::SocketAddr;
use std::process::Stdio;

use sim_support::*;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::time::timeout;

/// Starts `amitop sim ARGS` on a free port; returns it and its address.
async fn sim(args: &[&str], log: &tempfile::TempDir) -> (Child, SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_amitop"))
        .args(["sim", "--listen", "127.0.0.1:0", "--log"])
        .arg(log.path().join("amitop.log"))
        .args(args)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = timeout(WAIT, lines.next_line())
        .await
        .expect("startup line")
        .unwrap()
        .unwrap();
    let addr = line
        .split_whitespace()
        .find_map(|word| word.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    assert!(line.contains("log in as amitop / s"), "{line}");
    (child, addr)
}

#[tokio::test]
async fn the_standalone_server_speaks_1_1_with_live_traffic() {
    let log = tempfile::tempdir().unwrap();
    let (mut child, addr) = sim(
        &[
            "--ami", "1.1", "--rate", "600", "--seed", "4", "--secret", "s",
        ],
        &log,
    )
    .await;
    let mut client = Client::logged_in_at(addr, "amitop", "s").await;
    assert_eq!(client.banner, "Asterisk Call Manager/1.1");
    // At 600 calls a minute, channels appear within a moment.
    loop {
        if name(&client.message().await) == "Newchannel" {
            break;
        }
    }
    child.start_kill().unwrap();
    child.wait().await.unwrap();
}

#[tokio::test]
async fn replay_sends_a_recordings_events_after_login() {
    let log = tempfile::tempdir().unwrap();
    let file = format!(
        "{}/tests/fixtures/ami/c9_iax2_peerstatus.ami",
        env!("CARGO_MANIFEST_DIR")
    );
    let (mut child, addr) = sim(&["--replay", &file, "--secret", "s"], &log).await;
    let mut client = Client::logged_in_at(addr, "amitop", "s").await;
    let expected: Vec<String> = capture("c9_iax2_peerstatus.ami")
        .iter()
        .filter_map(|m| m.event().map(|e| e.into_owned()))
        .collect();
    let mut received = Vec::new();
    while received.len() < expected.len() {
        received.push(name(&client.message().await));
    }
    assert_eq!(received, expected);
    child.start_kill().unwrap();
    child.wait().await.unwrap();
}

#[tokio::test]
async fn a_bad_rate_or_a_missing_recording_is_a_usage_error() {
    for args in [&["--rate=-1"][..], &["--replay", "/nonexistent/x.ami"]] {
        let out = Command::new(env!("CARGO_BIN_EXE_amitop"))
            .args(["sim", "--listen", "127.0.0.1:0", "--log", "/dev/null"])
            .args(args)
            .output()
            .await
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Like the demo, a standalone simulator has calls up when the first
/// client logs in; `--cold` starts on an idle PBX.
#[tokio::test]
async fn the_simulator_warms_up_unless_cold() {
    let channels = |cold: bool| async move {
        let log = tempfile::tempdir().unwrap();
        let mut args = vec!["--secret", "s", "--seed", "3", "--rate", "30"];
        if cold {
            args.push("--cold");
        }
        let (mut child, addr) = sim(&args, &log).await;
        let mut client = Client::logged_in_at(addr, "amitop", "s").await;
        let reply = client
            .list("w-1", &amitop::ami::Action::new("CoreShowChannels"))
            .await;
        let count = reply.items("w-1").len();
        child.start_kill().unwrap();
        child.wait().await.unwrap();
        count
    };
    assert!(channels(false).await > 0, "warm: calls already up");
    assert_eq!(channels(true).await, 0, "cold: an idle PBX");
}

#[tokio::test]
async fn sim_port_is_honoured_and_tls_is_refused() {
    let log = tempfile::tempdir().unwrap();
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let (mut child, addr) = sim(&["--secret", "s", "--port", &port.to_string()], &log).await;
    assert_eq!(addr.port(), port);
    child.start_kill().unwrap();
    child.wait().await.unwrap();

    let refused = Command::new(env!("CARGO_BIN_EXE_amitop"))
        .args(["sim", "--tls", "--listen", "127.0.0.1:0", "--log"])
        .arg(log.path().join("amitop.log"))
        .output()
        .await
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("plain TCP only"));
}
