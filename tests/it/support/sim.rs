//! The simulator's tests: a raw AMI client over TCP (bytes out, `AmiCodec`
//! frames in), a replay of a capture's `.sent` bytes, and message
//! comparisons that blank what changes from run to run.

use std::collections::HashMap;
use std::time::Duration;

use amitop::ami::{Action, AmiCodec, Frame, Message};

use super::{capture_messages, decode_messages, read_capture};
use amitop::sim::{PbxConfig, SimUser, TestPbx};
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::time::timeout;
use tokio_util::codec::FramedRead;

/// Upper bound for anything to arrive; tests never wait this long when they pass.
pub const WAIT: Duration = Duration::from_secs(5);

/// The capture's reply to the action with this ActionID.
pub fn captured_response(name: &str, action_id: &str) -> Message {
    capture_messages(name)
        .into_iter()
        .find(|m| m.response().is_some() && m.action_id().as_deref() == Some(action_id))
        .unwrap_or_else(|| panic!("{name} has no response {action_id}"))
}

/// The first event named `event` after the response with this ActionID.
pub fn captured_event_after(name: &str, action_id: &str, event: &str) -> Message {
    capture_messages(name)
        .into_iter()
        .skip_while(|m| !(m.response().is_some() && m.action_id().as_deref() == Some(action_id)))
        .find(|m| m.event().as_deref() == Some(event))
        .unwrap_or_else(|| panic!("{name} has no {event} after {action_id}"))
}

pub fn keys(m: &Message) -> Vec<String> {
    m.headers().map(|(k, _)| k.into_owned()).collect()
}

pub fn name(m: &Message) -> String {
    m.event().map(|e| e.into_owned()).unwrap_or_default()
}

/// Header layouts (key lists) of every event in these captures, by name.
pub fn layouts(files: &[&str]) -> HashMap<String, Vec<Vec<String>>> {
    let mut layouts: HashMap<String, Vec<Vec<String>>> = HashMap::new();
    for file in files {
        for m in capture_messages(file) {
            if let Some(event) = m.event() {
                layouts
                    .entry(event.into_owned())
                    .or_default()
                    .push(keys(&m));
            }
        }
    }
    layouts
}

/// A message as comparable text: clock values and random challenges blanked.
pub fn comparable(m: &Message) -> Vec<(String, String)> {
    m.headers()
        .map(|(k, v)| {
            let volatile = ["Uptime", "LastReload", "Timestamp", "Challenge"]
                .iter()
                .any(|c| c.eq_ignore_ascii_case(&k));
            let v = if volatile { "*".into() } else { v.into_owned() };
            (k.into_owned(), v)
        })
        .collect()
}

/// `ours` is the capture's reply to the action with this ActionID, but for
/// the values [`comparable`] blanks.
pub fn assert_captured_reply(ours: &Message, capture: &str, action_id: &str) {
    assert_eq!(
        comparable(ours),
        comparable(&captured_response(capture, action_id)),
        "{capture} {action_id}"
    );
}

/// Users as in the captures, so their `.sent` files replay as they are.
pub fn capture_users() -> PbxConfig {
    PbxConfig {
        users: vec![
            SimUser::new("amitop", "amitop-secret", true),
            SimUser::new("viewer", "viewer-secret", false),
        ],
        login_failure_delay: Duration::from_millis(5),
        ..PbxConfig::default()
    }
}

/// Sends a capture's `.sent` bytes on a fresh connection; everything
/// received until the server closes.
pub async fn replay_sent(pbx: &TestPbx, sent: &str) -> Vec<u8> {
    let mut stream = TcpStream::connect(pbx.addr()).await.unwrap();
    stream.write_all(&read_capture(sent)).await.unwrap();
    let mut received = Vec::new();
    timeout(WAIT, stream.read_to_end(&mut received))
        .await
        .expect("server should close")
        .unwrap();
    received
}

/// Replays the `.sent` bytes of the capture `stem` and checks that the
/// simulator answers with the messages of its `.ami`, compared as
/// [`comparable`]; the security event `SuccessfulAuth`, which the simulator
/// does not send, is left out of the capture's.
pub async fn assert_replay_matches_capture(pbx: &TestPbx, stem: &str) {
    let ours: Vec<_> = decode_messages(&replay_sent(pbx, &format!("{stem}.sent")).await)
        .iter()
        .map(comparable)
        .collect();
    let real: Vec<_> = capture_messages(&format!("{stem}.ami"))
        .iter()
        .filter(|m| m.event().as_deref() != Some("SuccessfulAuth"))
        .map(comparable)
        .collect();
    assert_eq!(ours, real, "{stem}");
}

/// A raw AMI client.
pub struct Client {
    frames: FramedRead<OwnedReadHalf, AmiCodec>,
    writer: OwnedWriteHalf,
    pub banner: String,
}

/// One list reply, taken apart.
pub struct ListReply {
    pub response: Message,
    /// Every message after the response up to the completion event, in order.
    pub body: Vec<Message>,
    pub complete: Message,
}

impl ListReply {
    /// The items: body messages carrying this ActionID.
    pub fn items(&self, action_id: &str) -> Vec<&Message> {
        self.body
            .iter()
            .filter(|m| m.action_id().as_deref() == Some(action_id))
            .collect()
    }
}

impl Client {
    pub async fn connect(pbx: &TestPbx) -> Client {
        Client::connect_to(pbx.addr()).await
    }

    pub async fn connect_to(addr: std::net::SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).await.unwrap();
        let (read, writer) = stream.into_split();
        let mut frames = FramedRead::new(read, AmiCodec::default());
        let banner = match timeout(WAIT, frames.next()).await.expect("banner") {
            Some(Ok(Frame::Banner(b))) => b.text,
            other => panic!("expected a banner, got {other:?}"),
        };
        Client {
            frames,
            writer,
            banner,
        }
    }

    /// Connects and logs in with a plaintext secret; FullyBooted is read.
    pub async fn logged_in(pbx: &TestPbx, user: &str, secret: &str) -> Client {
        Client::logged_in_at(pbx.addr(), user, secret).await
    }

    pub async fn logged_in_at(addr: std::net::SocketAddr, user: &str, secret: &str) -> Client {
        let mut client = Client::connect_to(addr).await;
        let login = Action::new("Login")
            .header("Username", user)
            .header("Secret", secret);
        let reply = client.ask("login", &login).await;
        assert_eq!(
            reply.get("Message").as_deref(),
            Some("Authentication accepted")
        );
        assert_eq!(
            client.message().await.event().as_deref(),
            Some("FullyBooted")
        );
        client
    }

    pub async fn send_raw(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).await.unwrap();
    }

    pub async fn send(&mut self, action_id: &str, action: &Action) {
        self.send_raw(action.to_wire(action_id).as_bytes()).await;
    }

    /// The next message, or None when the server closed the connection.
    pub async fn next(&mut self) -> Option<Message> {
        match timeout(WAIT, self.frames.next())
            .await
            .expect("no message in time")
        {
            Some(Ok(Frame::Message(m))) => Some(m),
            Some(other) => panic!("unexpected frame {other:?}"),
            None => None,
        }
    }

    pub async fn message(&mut self) -> Message {
        self.next().await.expect("connection closed")
    }

    /// Messages up to and including the response with this ActionID.
    pub async fn until_response(&mut self, action_id: &str) -> (Vec<Message>, Message) {
        let mut before = Vec::new();
        loop {
            let m = self.message().await;
            if m.response().is_some() && m.action_id().as_deref() == Some(action_id) {
                return (before, m);
            }
            before.push(m);
        }
    }

    /// Sends an action and returns its response, dropping events before it.
    pub async fn ask(&mut self, action_id: &str, action: &Action) -> Message {
        self.send(action_id, action).await;
        self.until_response(action_id).await.1
    }

    /// A list reply: marked with `EventList` (Asterisk 12+), or as
    /// Asterisk 11 sends `Status` and `QueueStatus`, only by a Message that
    /// says it "will follow" and an event named `...Complete`.
    pub async fn list(&mut self, action_id: &str, action: &Action) -> ListReply {
        self.send(action_id, action).await;
        let (_, response) = self.until_response(action_id).await;
        let marked = response.is("EventList", "start");
        assert!(
            marked
                || response
                    .get("Message")
                    .is_some_and(|m| m.ends_with("will follow")),
            "not a list: {response:?}"
        );
        let mut body = Vec::new();
        loop {
            let m = self.message().await;
            let ends = if marked {
                m.is("EventList", "Complete")
            } else {
                m.event().is_some_and(|e| e.ends_with("Complete"))
            };
            if ends && m.action_id().as_deref() == Some(action_id) {
                return ListReply {
                    response,
                    body,
                    complete: m,
                };
            }
            body.push(m);
        }
    }

    /// Events up to the response of a Ping, which marks "everything before now".
    pub async fn events_until_ping(&mut self, action_id: &str) -> Vec<Message> {
        self.send(action_id, &Action::new("Ping")).await;
        self.until_response(action_id).await.0
    }

    pub async fn assert_closed(&mut self) {
        assert!(
            self.next().await.is_none(),
            "the server should close the socket"
        );
    }
}
