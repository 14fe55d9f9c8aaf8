//! Faults on the wire, each over real sockets on 127.0.0.1 with the real
//! session task: a server that accepts but never greets, one that never
//! answers the login, a connection that stalls, garbage inside a list
//! reply, and a server that closes in the middle of a call.

use std::time::Duration;

use amitop::ami::{
    Action, Message, SessionConfig, SessionEvent, SessionEvents, SessionHandle, spawn,
};
use amitop::model::State;
use amitop::resync::{self, ResyncUpdate};
use amitop::sim::{PbxConfig, TestPbx};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use crate::support::session::{
    NOW, PATIENCE, Peer, accept, accept_silently, disconnect_reason, logged_in,
};

/// Short, so the tests of a silent server end soon.
fn config(port: u16) -> SessionConfig {
    SessionConfig {
        action_timeout: Duration::from_millis(300),
        ..crate::support::session::config(port)
    }
}

#[tokio::test]
async fn accepted_but_no_banner_is_a_timeout_in_words() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (_handle, mut events) = spawn(config(listener.local_addr().unwrap().port()));
    let _silent = accept_silently(&listener).await;
    let reason = disconnect_reason(&mut events).await;
    assert!(reason.contains("no AMI banner within 300ms"), "{reason}");
}

#[tokio::test]
async fn no_answer_to_the_login_is_a_timeout_in_words() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (_handle, mut events) = spawn(config(listener.local_addr().unwrap().port()));
    let mut peer = accept(&listener).await;
    assert!(peer.next_action().await.is("Action", "Challenge"));
    let reason = disconnect_reason(&mut events).await;
    assert!(
        reason.contains("no answer to Challenge within 300ms"),
        "{reason}"
    );
}

#[tokio::test]
async fn a_stalled_connection_is_detected_and_reconnected() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (_handle, mut events) = spawn(SessionConfig {
        reconnect: true,
        ping_interval: Duration::from_millis(50),
        ..config(listener.local_addr().unwrap().port())
    });
    let mut first = accept(&listener).await;
    first.accept_login().await;
    logged_in(&mut events).await;
    // The server goes silent: the keepalive Ping gets no answer, though
    // the socket stays open.
    assert!(first.next_action().await.is("Action", "Ping"));
    let reason = disconnect_reason(&mut events).await;
    assert!(reason.contains("keepalive"), "{reason}");
    let mut second = accept(&listener).await;
    second.accept_login().await;
    logged_in(&mut events).await;
    drop(first);
}

/// Answers every resync action: `CoreShowChannels` with a list whose
/// second item is garbage, everything else as unknown.
async fn serve_a_damaged_channel_list(mut peer: Peer<TcpStream>) {
    loop {
        let action = peer.next_action().await;
        let id = action.action_id().unwrap().into_owned();
        if action.is("Action", "CoreShowChannels") {
            peer.write(&format!(
                "Response: Success\r\nActionID: {id}\r\nEventList: start\r\n\
                 Message: Channels will follow\r\n\r\n\
                 Event: CoreShowChannel\r\nActionID: {id}\r\nChannel: PJSIP/100-1\r\n\
                 Uniqueid: 1.1\r\nChannelState: 6\r\n\r\n\
                 \x00\x01 garbage where an item was\r\n\r\n\
                 Event: CoreShowChannelsComplete\r\nActionID: {id}\r\nEventList: Complete\r\n\
                 ListItems: 2\r\n\r\n"
            ))
            .await;
        } else {
            peer.write(&format!(
                "Response: Error\r\nActionID: {id}\r\nMessage: Invalid/unknown command\r\n\r\n"
            ))
            .await;
        }
    }
}

#[tokio::test]
async fn garbage_in_a_list_ends_it_as_incomplete_and_the_session_carries_on() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (handle, mut events) = spawn(SessionConfig {
        action_timeout: Duration::from_secs(5),
        ..config(listener.local_addr().unwrap().port())
    });
    let mut peer = accept(&listener).await;
    peer.accept_login().await;
    logged_in(&mut events).await;
    let server = tokio::spawn(serve_a_damaged_channel_list(peer));

    // A channel from before: the damaged list must not sweep it away.
    let mut state = State::new();
    state.apply(
        &Message::from_pairs([
            ("Event", "Newchannel"),
            ("Channel", "PJSIP/200-2"),
            ("Uniqueid", "2.2"),
        ]),
        NOW,
    );
    let notes = resync_into(&handle, &mut events, &mut state).await;
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("CoreShowChannels: 1 list items could not be read")),
        "{notes:?}"
    );
    assert_eq!(state.skipped_frames, 1);
    assert!(
        state.channels.get("1.1").is_some(),
        "the readable item applied"
    );
    assert!(
        state.channels.get("2.2").is_some(),
        "swept on a damaged list"
    );
    // The session carries on.
    let reply = handle.send(Action::new("Ping")).await.unwrap();
    assert!(!reply.is_success(), "the scripted server answers Error");
    server.abort();
}

/// One resync to its end, live events and skipped frames applied as they
/// come; the notes it made.
async fn resync_into(
    handle: &SessionHandle,
    events: &mut SessionEvents,
    state: &mut State,
) -> Vec<String> {
    let (tx, mut rx) = mpsc::channel(16);
    tokio::spawn(resync::run(handle.clone(), tx));
    state.begin_resync();
    let mut notes = Vec::new();
    loop {
        tokio::select! {
            update = rx.recv() => {
                let update = update.expect("resync ended early");
                resync::apply_update(state, &update, NOW);
                match update {
                    ResyncUpdate::Note(note) => notes.push(note),
                    ResyncUpdate::Finished => return notes,
                    _ => {}
                }
            }
            Some(event) = events.recv() => match event {
                SessionEvent::Event(event) => state.apply(&event, NOW),
                SessionEvent::Malformed(bad) => state.note_malformed(&bad, NOW),
                _ => {}
            },
            () = tokio::time::sleep(PATIENCE) => panic!("resync stalled"),
        }
    }
}

#[tokio::test]
async fn a_call_that_ended_while_the_server_was_away_leaves_no_ghost() {
    let pbx = TestPbx::start(PbxConfig::default()).await.unwrap();
    let linkedid = pbx.start_call("100", "200", "Alice Example");
    let (handle, mut events) = spawn(SessionConfig {
        reconnect: true,
        action_timeout: Duration::from_secs(5),
        ..config(pbx.addr().port())
    });
    logged_in(&mut events).await;
    let mut state = State::new();
    resync_into(&handle, &mut events, &mut state).await;
    assert_eq!(state.channels.len(), 2);

    // The server drops every client mid-call; the call ends meanwhile.
    pbx.disconnect_clients();
    disconnect_reason(&mut events).await;
    assert!(pbx.hangup_call(&linkedid));
    logged_in(&mut events).await;
    resync_into(&handle, &mut events, &mut state).await;
    assert_eq!(
        state.channels.len(),
        0,
        "ghosts: {:?}",
        state.channels.iter().map(|c| &c.name).collect::<Vec<_>>()
    );
    assert_eq!(state.bridges.len(), 0);
    handle.shutdown();
}
