//! Replay mode: after its own login exchange the simulator sends a
//! recording's events, in order, at once or at the recorded pace.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::support::capture_messages;
use crate::support::sim::*;
use amitop::sim::{PbxConfig, Recording, ReplayConfig, TestPbx};

fn replaying(recording: Recording, realtime: bool) -> PbxConfig {
    PbxConfig {
        replay: Some(ReplayConfig {
            recording: Arc::new(recording),
            realtime,
        }),
        ..capture_users()
    }
}

#[tokio::test]
async fn a_client_receives_the_recordings_events_in_order() {
    let path = format!(
        "{}/tests/fixtures/ami/c1_call_bridge.ami",
        env!("CARGO_MANIFEST_DIR")
    );
    let recording = Recording::load(path.as_ref()).unwrap();
    let expected: Vec<Vec<u8>> = capture_messages("c1_call_bridge.ami")
        .iter()
        .filter(|m| m.event().is_some())
        .map(|m| m.raw().to_vec())
        .collect();
    assert!(expected.len() > 50);
    let pbx = TestPbx::start(replaying(recording, false)).await.unwrap();
    // Two clients, each with the whole recording.
    for _ in 0..2 {
        let mut client = Client::logged_in(&pbx, "amitop", "amitop-secret").await;
        let mut received = Vec::new();
        while received.len() < expected.len() {
            received.push(client.message().await.raw().to_vec());
        }
        assert_eq!(received, expected);
        // Actions still get their answers after the recording.
        let pong = client.ask("ping", &amitop::ami::Action::new("Ping")).await;
        assert_eq!(pong.get("Ping").as_deref(), Some("Pong"));
    }
}

#[tokio::test]
async fn realtime_replay_keeps_the_recorded_pace() {
    let ami = b"Asterisk Call Manager/11.0.0\r\nEvent: First\r\n\r\nEvent: Second\r\n\r\n";
    let timing = "t_rel_s\tt_epoch\tdir\toffset\tlength\n\
                  0.0\t1\trecv\t0\t46\n\
                  0.3\t1\trecv\t46\t17\n";
    let recording = Recording::parse(ami, Some(timing)).unwrap();
    let pbx = TestPbx::start(replaying(recording, true)).await.unwrap();
    let mut client = Client::logged_in(&pbx, "amitop", "amitop-secret").await;
    let logged_in = Instant::now();
    assert_eq!(name(&client.message().await), "First");
    assert_eq!(name(&client.message().await), "Second");
    // Never early: the second event was recorded 0.3 s after the start.
    assert!(
        logged_in.elapsed() >= Duration::from_millis(250),
        "{:?}",
        logged_in.elapsed()
    );
}
