//! Faults on the wire, each over real sockets on 127.0.0.1 with the real
//! session task: a server that accepts but never greets, one that never
//! answers the login, a connection that stalls, garbage inside a list
//! reply, and a server that closes in the middle of a call.

use std::time::Duration;

use amitop::ami::{
    Action, AmiCodec, ConnectionState, Frame, Message, RetryPolicy, SessionConfig, SessionEvent,
    SessionEvents, SessionHandle, spawn,
};
use amitop::model::State;
use amitop::resync::{self, ResyncUpdate};
use amitop::sim::{PbxConfig, TestPbx};
use futures_util::StreamExt;
use tokio::io::{AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::timeout;
use tokio_util::codec::FramedRead;

const PATIENCE: Duration = Duration::from_secs(10);
const NOW: f64 = 1_795_730_000.0;

fn config(port: u16) -> SessionConfig {
    let mut config = SessionConfig::new("127.0.0.1", port, "amitop", "secret");
    config.action_timeout = Duration::from_millis(300);
    config.reconnect = false;
    config.retry = RetryPolicy {
        initial: Duration::from_millis(10),
        max: Duration::from_millis(40),
        after_refusal: Duration::from_secs(60),
    };
    config
}

async fn next_state(events: &mut SessionEvents) -> ConnectionState {
    loop {
        match timeout(PATIENCE, events.recv())
            .await
            .expect("no state in time")
        {
            Some(SessionEvent::State(state)) => return state,
            Some(_) => {}
            None => panic!("the session ended without a state"),
        }
    }
}

/// The reason of the next `Disconnected`, skipping `Connecting`.
async fn disconnect_reason(events: &mut SessionEvents) -> String {
    loop {
        match next_state(events).await {
            ConnectionState::Connecting { .. } => {}
            ConnectionState::Disconnected { reason, .. } => return reason,
            other => panic!("expected Disconnected, got {other:?}"),
        }
    }
}

async fn logged_in(events: &mut SessionEvents) {
    loop {
        match next_state(events).await {
            ConnectionState::Connecting { .. } => {}
            ConnectionState::LoggedIn { .. } => return,
            other => panic!("expected LoggedIn, got {other:?}"),
        }
    }
}

struct Peer {
    actions: FramedRead<ReadHalf<TcpStream>, AmiCodec>,
    out: WriteHalf<TcpStream>,
}

impl Peer {
    async fn accept(listener: &TcpListener, greet: bool) -> Peer {
        let (stream, _) = timeout(PATIENCE, listener.accept()).await.unwrap().unwrap();
        let (read, mut out) = tokio::io::split(stream);
        if greet {
            out.write_all(b"Asterisk Call Manager/11.0.0\r\n")
                .await
                .unwrap();
        }
        Peer {
            actions: FramedRead::new(read, AmiCodec::default()),
            out,
        }
    }

    async fn next_action(&mut self) -> Message {
        match timeout(PATIENCE, self.actions.next())
            .await
            .expect("no action")
        {
            Some(Ok(Frame::Message(m))) => m,
            other => panic!("expected an action, got {other:?}"),
        }
    }

    async fn write(&mut self, text: &str) {
        self.out.write_all(text.as_bytes()).await.unwrap();
    }

    async fn respond(&mut self, action: &Message, more: &str) {
        let id = action.action_id().unwrap();
        self.write(&format!(
            "Response: Success\r\nActionID: {id}\r\n{more}\r\n"
        ))
        .await;
    }

    async fn accept_login(&mut self) {
        let challenge = self.next_action().await;
        self.respond(&challenge, "Challenge: 1\r\n").await;
        let login = self.next_action().await;
        self.respond(&login, "").await;
    }
}

#[tokio::test]
async fn accepted_but_no_banner_is_a_timeout_in_words() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (_handle, mut events) = spawn(config(listener.local_addr().unwrap().port()));
    let _silent = Peer::accept(&listener, false).await;
    let reason = disconnect_reason(&mut events).await;
    assert!(reason.contains("no AMI banner within 300ms"), "{reason}");
}

#[tokio::test]
async fn no_answer_to_the_login_is_a_timeout_in_words() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (_handle, mut events) = spawn(config(listener.local_addr().unwrap().port()));
    let mut peer = Peer::accept(&listener, true).await;
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
    let mut first = Peer::accept(&listener, true).await;
    first.accept_login().await;
    logged_in(&mut events).await;
    // The server goes silent: the keepalive Ping gets no answer, though
    // the socket stays open.
    assert!(first.next_action().await.is("Action", "Ping"));
    let reason = disconnect_reason(&mut events).await;
    assert!(reason.contains("keepalive"), "{reason}");
    let mut second = Peer::accept(&listener, true).await;
    second.accept_login().await;
    logged_in(&mut events).await;
    drop(first);
}

/// Answers every resync action: `CoreShowChannels` with a list whose
/// second item is garbage, everything else as unknown.
async fn serve_a_damaged_channel_list(mut peer: Peer) {
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
    let mut peer = Peer::accept(&listener, true).await;
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
