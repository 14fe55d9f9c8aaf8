//! The session task from the outside: a session logged in to the test PBX
//! or to a scripted AMI server peer (for where the exact interleaving
//! matters), the states it reports on the way, and one resync to its end.

use std::collections::BTreeSet;
use std::time::Duration;

use amitop::ami::{
    AmiCodec, ConnectionState, Frame, Message, RetryPolicy, SessionConfig, SessionEvent,
    SessionEvents, SessionHandle, spawn,
};
use amitop::model::State;
use amitop::resync::{self, ResyncUpdate};
use futures_util::StreamExt;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::timeout;
use tokio_util::codec::FramedRead;

/// Long enough for any step on a loaded machine; only reached on failure.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// The clock the resync's updates are applied at.
pub const NOW: f64 = 1_795_730_000.0;

/// `amitop`/`secret` at 127.0.0.1:`port`, without reconnecting, retrying
/// quickly where a test turns reconnecting on.
pub fn config(port: u16) -> SessionConfig {
    let mut config = SessionConfig::new("127.0.0.1", port, "amitop", "secret");
    config.action_timeout = Duration::from_secs(5);
    config.reconnect = false;
    config.retry = RetryPolicy {
        initial: Duration::from_millis(10),
        max: Duration::from_millis(40),
        after_refusal: Duration::from_secs(60),
    };
    config
}

/// Spawns a session with `config` and waits until it has logged in.
pub async fn logged_in_session(config: SessionConfig) -> (SessionHandle, SessionEvents) {
    let (handle, mut events) = spawn(config);
    logged_in(&mut events).await;
    (handle, events)
}

/// The next connection state, skipping events.
pub async fn next_state(events: &mut SessionEvents) -> ConnectionState {
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

/// Waits for `LoggedIn`, asserting that only `Connecting` came before.
pub async fn logged_in(events: &mut SessionEvents) {
    loop {
        match next_state(events).await {
            ConnectionState::Connecting { .. } => {}
            ConnectionState::LoggedIn { .. } => return,
            other => panic!("expected LoggedIn, got {other:?}"),
        }
    }
}

/// The reason of the next `Disconnected`, skipping `Connecting`.
pub async fn disconnect_reason(events: &mut SessionEvents) -> String {
    loop {
        match next_state(events).await {
            ConnectionState::Connecting { .. } => {}
            ConnectionState::Disconnected { reason, .. } => return reason,
            other => panic!("expected Disconnected, got {other:?}"),
        }
    }
}

/// The next unclaimed event's name, skipping states.
pub async fn next_event(events: &mut SessionEvents) -> String {
    loop {
        match timeout(PATIENCE, events.recv())
            .await
            .expect("no event in time")
        {
            Some(SessionEvent::Event(m)) => return m.event().unwrap().into_owned(),
            Some(SessionEvent::State(_)) => {}
            other => panic!("expected an event, got {other:?}"),
        }
    }
}

/// Runs one resync to its end into `state` (live events left aside); the
/// notes it made.
pub async fn resync_into(state: &mut State, handle: SessionHandle) -> Vec<String> {
    let (tx, mut rx) = mpsc::channel(16);
    tokio::spawn(resync::run(handle, tx));
    state.begin_resync();
    let mut notes = Vec::new();
    loop {
        let update = timeout(PATIENCE, rx.recv())
            .await
            .expect("resync stalled")
            .expect("resync ended without Finished");
        resync::apply_update(state, &update, NOW);
        match update {
            ResyncUpdate::Note(note) => notes.push(note),
            ResyncUpdate::Finished => return notes,
            _ => {}
        }
    }
}

/// The model's bridges that have members, each as the set of its members'
/// uniqueids: what a comparison with the simulator's bridges looks at.
pub fn occupied_bridges(state: &State) -> BTreeSet<BTreeSet<String>> {
    state
        .bridges
        .iter()
        .filter(|b| !b.members.is_empty())
        .map(|b| b.members.iter().cloned().collect())
        .collect()
}

/// The server side of one scripted AMI connection.
pub struct Peer<S> {
    actions: FramedRead<ReadHalf<S>, AmiCodec>,
    out: WriteHalf<S>,
}

impl<S: AsyncRead + AsyncWrite> Peer<S> {
    /// Greets the client with a banner.
    pub async fn greet(stream: S) -> Self {
        let mut peer = Peer::silent(stream);
        peer.write("Asterisk Call Manager/11.0.0\r\n").await;
        peer
    }

    /// Says nothing, not even the banner.
    pub fn silent(stream: S) -> Self {
        let (read, out) = tokio::io::split(stream);
        Peer {
            actions: FramedRead::new(read, AmiCodec::default()),
            out,
        }
    }

    pub async fn next_action(&mut self) -> Message {
        match timeout(PATIENCE, self.actions.next())
            .await
            .expect("no action in time")
        {
            Some(Ok(Frame::Message(m))) => m,
            other => panic!("expected an action, got {other:?}"),
        }
    }

    pub async fn expect_action(&mut self, name: &str) -> Message {
        let action = self.next_action().await;
        assert!(action.is("Action", name), "expected {name}, got {action:?}");
        action
    }

    pub async fn write(&mut self, text: &str) {
        self.out.write_all(text.as_bytes()).await.unwrap();
    }

    /// Writes a response to `action`: `Response: <status>`, its ActionID,
    /// then `more` (header lines, each ending in CRLF).
    pub async fn respond(&mut self, action: &Message, status: &str, more: &str) {
        let id = action.action_id().unwrap();
        self.write(&format!(
            "Response: {status}\r\nActionID: {id}\r\n{more}\r\n"
        ))
        .await;
    }

    /// Accepts the MD5 login the session performs by default.
    pub async fn accept_login(&mut self) {
        let challenge = self.expect_action("Challenge").await;
        self.respond(&challenge, "Success", "Challenge: 123456\r\n")
            .await;
        let login = self.expect_action("Login").await;
        self.respond(&login, "Success", "Message: Authentication accepted\r\n")
            .await;
    }
}

/// A listener on a free port of 127.0.0.1, and the port.
pub async fn listener() -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

/// The next connection to `listener`, as a peer that greeted it.
pub async fn accept(listener: &TcpListener) -> Peer<TcpStream> {
    Peer::greet(connection(listener).await).await
}

/// The next connection to `listener`, as a peer that has said nothing.
pub async fn accept_silently(listener: &TcpListener) -> Peer<TcpStream> {
    Peer::silent(connection(listener).await)
}

async fn connection(listener: &TcpListener) -> TcpStream {
    let (stream, _) = timeout(PATIENCE, listener.accept())
        .await
        .expect("no connection in time")
        .unwrap();
    stream
}
