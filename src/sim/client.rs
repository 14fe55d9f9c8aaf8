//! One client connection: the banner, then actions read with the same codec
//! the client side uses, answered in order, with the PBX's events (or a
//! recording's, in replay mode) forwarded to logged-in clients in between.

use std::io;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use futures_util::StreamExt;
use std::sync::Mutex;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufWriter};
use tokio::net::TcpStream;
use tokio::sync::broadcast::{self, error::TryRecvError};
use tokio_util::codec::FramedRead;
use tokio_util::sync::CancellationToken;

use crate::ami::{AmiCodec, Frame, Message};

use super::actions::{self, After, Reply};
use super::flood::Flood;
use super::replay::Recording;
use super::session::{EventMask, Session};
use super::{ReplayConfig, Shared, lock};

/// Bytes of flood events written to the socket at a time.
const FLOOD_CHUNK: usize = 64 * 1024;

/// The client's side of the connection to read from, and to write to:
/// the TCP socket's halves, or the TLS stream's.
type ClientReader = Box<dyn AsyncRead + Unpin + Send>;
type ClientWriter = Box<dyn AsyncWrite + Unpin + Send>;

/// A new connection: with TLS on, the handshake first (a client that
/// fails it is dropped, as Asterisk drops it); then [`serve`].
pub(super) async fn accept(stream: TcpStream, shared: Arc<Shared>, disconnect: CancellationToken) {
    let Some(tls) = shared.config.tls.clone() else {
        let (read, write) = stream.into_split();
        return serve(Box::new(read), Box::new(write), shared, disconnect).await;
    };
    let handshake = tokio::select! {
        () = disconnect.cancelled() => return,
        handshake = tls.acceptor().accept(stream) => handshake,
    };
    match handshake {
        Ok(stream) => {
            let (read, write) = tokio::io::split(stream);
            serve(Box::new(read), Box::new(write), shared, disconnect).await;
        }
        Err(error) => tracing::info!(%error, "a client failed the TLS handshake"),
    }
}

/// Serves one client until it logs off, fails to log in, hangs up, lags
/// too far behind the events, or `disconnect` fires.
async fn serve(
    read: ClientReader,
    write: ClientWriter,
    shared: Arc<Shared>,
    disconnect: CancellationToken,
) {
    shared.connected.fetch_add(1, Ordering::SeqCst);
    let _connected = ConnectedGuard(Arc::clone(&shared));
    let mut frames = FramedRead::new(read, AmiCodec::default());
    let mut conn = Connection {
        out: BufWriter::new(write),
        session: Session::new(),
        events: None,
        shared,
        flood_chunk: Vec::with_capacity(FLOOD_CHUNK * 2),
        flood_at: 0,
    };
    if conn.write_banner().await.is_err() {
        return;
    }
    loop {
        conn.refill_flood();
        let flooding = conn.flood_at < conn.flood_chunk.len();
        let input = tokio::select! {
            biased;
            () = disconnect.cancelled() => break,
            frame = frames.next() => Input::Frame(frame),
            event = next_event(&mut conn.events) => Input::Event(event),
            // One `write` (not `write_all`) so another branch winning loses
            // nothing: the chunk's offset says what is still to go.
            written = conn.out.get_mut().write(&conn.flood_chunk[conn.flood_at..]), if flooding => {
                Input::Flooded(written)
            }
        };
        let outcome = match input {
            Input::Frame(Some(Ok(Frame::Message(action)))) => conn.answer(&action).await,
            // A banner or unparsable text from a client: Asterisk ignores it.
            Input::Frame(Some(Ok(_))) => Ok(After::Continue),
            Input::Frame(None | Some(Err(_))) => break,
            Input::Event(event) => conn.forward(event).await,
            Input::Flooded(written) => written.map(|n| {
                conn.flood_at += n;
                conn.flood_written();
                After::Continue
            }),
        };
        if !matches!(outcome, Ok(After::Continue)) {
            break;
        }
    }
}

enum Input {
    Frame(Option<io::Result<Frame>>),
    Event(Result<Message, broadcast::error::RecvError>),
    /// Bytes of the flood chunk the socket took.
    Flooded(io::Result<usize>),
}

/// Keeps `client_count` right however the task ends (even when aborted).
struct ConnectedGuard(Arc<Shared>);

impl Drop for ConnectedGuard {
    fn drop(&mut self) {
        self.0.connected.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Where a logged-in client's events come from.
enum Feed {
    Bus(broadcast::Receiver<Message>),
    Replay(ReplayCursor),
}

/// The next event of a recording, and when the client logged in.
struct ReplayCursor {
    recording: Arc<Recording>,
    next: usize,
    /// Set for paced replay: events go out at their recorded offsets from here.
    paced_from: Option<tokio::time::Instant>,
}

/// The next event, or never for a client not yet logged in (or whose
/// recording has run out).
async fn next_event(events: &mut Option<Feed>) -> Result<Message, broadcast::error::RecvError> {
    match events {
        Some(Feed::Bus(rx)) => rx.recv().await,
        Some(Feed::Replay(cursor)) => {
            let Some((at, event)) = cursor.recording.events.get(cursor.next) else {
                return std::future::pending().await;
            };
            if let Some(start) = cursor.paced_from {
                tokio::time::sleep_until(start + *at).await;
            }
            cursor.next += 1;
            Ok(event.clone())
        }
        None => std::future::pending().await,
    }
}

impl Feed {
    fn new(shared: &Shared) -> Feed {
        match &shared.config.replay {
            Some(ReplayConfig {
                recording,
                realtime,
            }) => Feed::Replay(ReplayCursor {
                recording: Arc::clone(recording),
                next: 0,
                paced_from: realtime.then(tokio::time::Instant::now),
            }),
            None => Feed::Bus(shared.bus.subscribe()),
        }
    }
}

struct Connection {
    out: BufWriter<ClientWriter>,
    session: Session,
    /// The client's events, from the moment it logged in.
    events: Option<Feed>,
    shared: Arc<Shared>,
    /// Flood events being written, and how far the socket has taken them.
    /// Everything else this connection writes waits for the chunk to end,
    /// so no message is ever cut in two.
    flood_chunk: Vec<u8>,
    flood_at: usize,
}

impl Connection {
    async fn write_banner(&mut self) -> io::Result<()> {
        let banner = format!(
            "Asterisk Call Manager/{}\r\n",
            self.shared.config.ami_version
        );
        self.out.write_all(banner.as_bytes()).await?;
        self.out.flush().await
    }

    async fn answer(&mut self, action: &Message) -> io::Result<After> {
        self.shared.record(action);
        self.finish_flood_chunk().await?;
        let reply = actions::dispatch(&self.shared, &mut self.session, action);
        if self.session.user.is_some() && self.events.is_none() {
            self.events = Some(Feed::new(&self.shared));
            self.start_flood();
        }
        self.write_reply(reply).await
    }

    /// A logged-in client of a flooding PBX gets its own flood, unless it
    /// asked for no events.
    fn start_flood(&mut self) {
        let Some(config) = self.shared.config.flood else {
            return;
        };
        if self.session.events == EventMask::Off {
            return;
        }
        let epoch = self
            .shared
            .read(|pbx| std::time::Duration::from_secs(pbx.epoch_secs()));
        let flood = Arc::new(Mutex::new(Flood::new(config, self.shared.dialect(), epoch)));
        lock(&self.shared.floods).push(Arc::downgrade(&flood));
        self.session.flood = Some(flood);
    }

    /// Takes the next flood chunk once the last one is written.
    fn refill_flood(&mut self) {
        if self.flood_at < self.flood_chunk.len() {
            return;
        }
        self.flood_chunk.clear();
        self.flood_at = 0;
        if let Some(flood) = &self.session.flood {
            lock(flood).fill(&mut self.flood_chunk, FLOOD_CHUNK);
        }
    }

    /// The socket took flood bytes just now: the client is reading. Both
    /// ways flood bytes go out count, or a stream of actions (the resyncs
    /// a flood's overflows set off) would look like a socket left unread.
    fn flood_written(&self) {
        if let Some(flood) = &self.session.flood {
            lock(flood).wrote(std::time::Instant::now());
        }
    }

    /// Writes what is left of the flood chunk, before anything else.
    async fn finish_flood_chunk(&mut self) -> io::Result<()> {
        let rest = &self.flood_chunk[self.flood_at..];
        if !rest.is_empty() {
            self.out.get_mut().write_all(rest).await?;
            self.flood_at = self.flood_chunk.len();
            self.flood_written();
        }
        Ok(())
    }

    async fn write_reply(&mut self, reply: Reply) -> io::Result<After> {
        if !reply.delay.is_zero() {
            tokio::time::sleep(reply.delay).await;
        }
        if reply.events_first {
            self.forward_pending().await?;
        }
        // A scripted call starts after a list's first item (or after its
        // response when the list is empty), so its events land inside the list.
        let script_after = usize::from(reply.parts.len() > 2);
        for (index, part) in reply.parts.iter().enumerate() {
            self.out.write_all(part).await?;
            if reply.after == After::Close {
                continue;
            }
            if reply.is_list && index == script_after {
                self.shared.start_scripted_list_call();
            }
            self.forward_pending().await?;
        }
        self.out.flush().await?;
        Ok(reply.after)
    }

    /// Writes one event from the bus, then whatever else is already queued.
    async fn forward(
        &mut self,
        event: Result<Message, broadcast::error::RecvError>,
    ) -> io::Result<After> {
        self.finish_flood_chunk().await?;
        match event {
            Ok(event) => self.write_event(&event).await?,
            // Asterisk drops a client it cannot keep up with; so do we.
            Err(_) => return Ok(After::Close),
        }
        self.forward_pending().await?;
        self.out.flush().await?;
        Ok(After::Continue)
    }

    /// Writes the events already waiting on the bus (without flushing).
    async fn forward_pending(&mut self) -> io::Result<()> {
        loop {
            let Some(Feed::Bus(rx)) = self.events.as_mut() else {
                return Ok(());
            };
            match rx.try_recv() {
                Ok(event) => self.write_event(&event).await?,
                Err(TryRecvError::Empty | TryRecvError::Closed) => return Ok(()),
                Err(TryRecvError::Lagged(_)) => {
                    return Err(io::Error::other("client fell too far behind the events"));
                }
            }
        }
    }

    async fn write_event(&mut self, event: &Message) -> io::Result<()> {
        if self.session.events.admits(event) {
            self.out.write_all(event.raw()).await?;
        }
        Ok(())
    }
}
