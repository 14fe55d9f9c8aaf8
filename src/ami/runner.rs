//! The session task: connect, log in, serve, and reconnect when it breaks.
//!
//! Why it exists: one task owns the socket, so nothing else ever races on
//! it. While logged in it waits on four things at once: the next frame from
//! the server, a command from a handle, the keepalive timer and the nearest
//! action deadline. It never waits on the application (see
//! `event_queue.rs`), because Asterisk drops clients that stop reading.
//! Between connections it still answers handles (`NotConnected`) and obeys
//! `shutdown`, so a caller never hangs on a session that is reconnecting;
//! a secret typed after a refused login (`LogInWith`) ends the wait at once.

use std::fs::File;
use std::future::Future;
use std::path::Path;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::{Instant, Interval, MissedTickBehavior};

use super::action::Action;
use super::backoff::Backoff;
use super::codec::{Banner, Frame};
use super::connection::Connection;
use super::event_queue::EventSender;
use super::login::{self, Credentials, LoginError};
use super::message::Message;
use super::pending::{ActionIds, Pending, Routed, Waiter};
use super::session_types::{Command, ConnectionState, SendError, SessionConfig, SessionEvent};
use super::transport::{self, Security};

/// How one connection ended.
enum Ended {
    /// Shutdown asked for, or every handle dropped.
    Stop,
    /// The server refused the login, with its message.
    Refused(String),
    /// The connection failed or broke.
    Lost { reason: String, was_up: bool },
    /// A new secret came while connecting: start over with it at once.
    Retry,
}

struct Runner {
    config: SessionConfig,
    commands: UnboundedReceiver<Command>,
    events: EventSender,
    ids: ActionIds,
    backoff: Backoff,
}

/// Runs the session until shutdown, every handle dropped, or (with
/// `reconnect` off) the first connection ends.
pub(crate) async fn run(
    config: SessionConfig,
    commands: UnboundedReceiver<Command>,
    events: EventSender,
) {
    let backoff = Backoff::new(config.retry);
    let mut runner = Runner {
        config,
        commands,
        events,
        ids: ActionIds::default(),
        backoff,
    };
    runner.supervise().await;
    runner.state(ConnectionState::Stopped);
}

impl Runner {
    fn state(&self, state: ConnectionState) {
        tracing::info!(?state, "AMI session");
        self.events.push(SessionEvent::State(state));
    }

    async fn supervise(&mut self) {
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.state(ConnectionState::Connecting {
                addr: self.config.addr(),
                attempt,
            });
            let reconnect = self.config.reconnect;
            let retry_in = match self.connect_and_serve().await {
                Ended::Stop => return,
                Ended::Refused(message) => {
                    let retry_in = reconnect.then(|| self.backoff.after_refusal());
                    self.state(ConnectionState::LoginRefused { message, retry_in });
                    retry_in
                }
                Ended::Lost { reason, was_up } => {
                    if was_up {
                        self.backoff.reset();
                        attempt = 0;
                    }
                    let retry_in = reconnect.then(|| self.backoff.next_delay());
                    self.state(ConnectionState::Disconnected { reason, retry_in });
                    retry_in
                }
                Ended::Retry => {
                    attempt = 0;
                    continue;
                }
            };
            let Some(delay) = retry_in else { return };
            match unless_stopped(tokio::time::sleep(delay), &mut self.commands).await {
                Interrupted::Finished(()) => {}
                Interrupted::Stop => return,
                Interrupted::Retry(secret) => {
                    self.config.secret = secret;
                    attempt = 0;
                }
            }
        }
    }

    async fn connect_and_serve(&mut self) -> Ended {
        let opening = open(&self.config, &mut self.ids);
        let (conn, banner) = match unless_stopped(opening, &mut self.commands).await {
            Interrupted::Stop => return Ended::Stop,
            Interrupted::Retry(secret) => {
                self.config.secret = secret;
                return Ended::Retry;
            }
            Interrupted::Finished(Err(LoginError::Refused(message))) => {
                return Ended::Refused(message);
            }
            Interrupted::Finished(Err(LoginError::Failed(reason))) => {
                return Ended::Lost {
                    reason,
                    was_up: false,
                };
            }
            Interrupted::Finished(Ok(opened)) => opened,
        };
        self.state(ConnectionState::LoggedIn { banner });
        self.serve(conn).await
    }

    /// The logged-in loop.
    async fn serve(&mut self, mut conn: Connection) -> Ended {
        let limit = self.config.action_timeout;
        let mut pending = Pending::default();
        let mut keepalive = keepalive_timer(self.config.ping_interval);
        let ended = loop {
            let deadline = pending.next_deadline();
            // Only polled when there is a deadline; the fallback is never reached.
            let wake_at = deadline.unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
            tokio::select! {
                frame = conn.read_frame() => match frame {
                    Ok(Some(frame)) => self.dispatch(frame, &mut pending),
                    Ok(None) => break lost("the server closed the connection"),
                    Err(e) => break lost(format!("read error: {e}")),
                },
                command = self.commands.recv() => match command {
                    Some(Command::Send { action, timeout, reply }) => {
                        let id = self.ids.next();
                        pending.insert(id.clone(), Waiter::Client(reply), timeout);
                        if let Err(reason) = write(&mut conn, &id, &action, limit).await {
                            break lost(reason);
                        }
                    }
                    // Logged in already: the secret that worked stays.
                    Some(Command::LogInWith(_)) => {}
                    Some(Command::Shutdown) | None => {
                        self.log_off(&mut conn).await;
                        break Ended::Stop;
                    }
                },
                () = next_tick(&mut keepalive) => {
                    if !pending.keepalive_outstanding() {
                        let id = self.ids.next();
                        pending.insert(id.clone(), Waiter::Keepalive, limit);
                        if let Err(reason) = write(&mut conn, &id, &Action::new("Ping"), limit).await {
                            break lost(reason);
                        }
                    }
                }
                _ = tokio::time::sleep_until(wake_at), if deadline.is_some() => {
                    if expire(&mut pending) {
                        break lost(format!("no answer to the keepalive Ping within {limit:?}"));
                    }
                }
            }
        };
        let stopped = matches!(ended, Ended::Stop);
        for waiter in pending.drain() {
            if let Waiter::Client(reply) = waiter {
                let why = if stopped {
                    SendError::Closed
                } else {
                    SendError::Disconnected
                };
                let _ = reply.send(Err(why));
            }
        }
        ended
    }

    /// Handles one frame from the server while logged in.
    fn dispatch(&self, frame: Frame, pending: &mut Pending) {
        match frame {
            Frame::Message(message) => match pending.route(message) {
                Routed::Held => {}
                Routed::Unclaimed(message) => self.unclaimed(message),
                Routed::Late(message) => {
                    tracing::debug!(
                        ?message,
                        "dropped part of a reply that came after its timeout"
                    );
                }
                Routed::Finished {
                    waiter,
                    reply,
                    released,
                } => {
                    released.into_iter().for_each(|m| self.unclaimed(m));
                    if let Waiter::Client(tx) = waiter {
                        let _ = tx.send(Ok(reply));
                    }
                }
            },
            Frame::Malformed(bad) => {
                tracing::warn!(?bad, "skipped a malformed frame");
                self.events.push(SessionEvent::Malformed(bad));
            }
            Frame::Banner(banner) => tracing::warn!(?banner, "unexpected banner mid-session"),
        }
    }

    fn unclaimed(&self, message: Message) {
        if message.has("Event") {
            self.events.push(SessionEvent::Event(message));
        } else {
            tracing::debug!(?message, "dropped a message no action waits for");
        }
    }

    /// Says goodbye politely; gives up after one action timeout.
    async fn log_off(&mut self, conn: &mut Connection) {
        let limit = self.config.action_timeout;
        let id = self.ids.next();
        if write(conn, &id, &Action::new("Logoff"), limit)
            .await
            .is_err()
        {
            return;
        }
        let goodbye = async {
            loop {
                match conn.read_frame().await {
                    Ok(Some(Frame::Message(m))) if m.is("ActionID", &id) => return,
                    Ok(Some(_)) => {}
                    Ok(None) | Err(_) => return,
                }
            }
        };
        if tokio::time::timeout(limit, goodbye).await.is_err() {
            tracing::debug!("no answer to Logoff");
        }
    }
}

/// Ticks every `every`, first after one period; none for a zero interval
/// (keepalive off).
fn keepalive_timer(every: Duration) -> Option<Interval> {
    if every.is_zero() {
        return None;
    }
    let mut timer = tokio::time::interval_at(Instant::now() + every, every);
    timer.set_missed_tick_behavior(MissedTickBehavior::Delay);
    Some(timer)
}

async fn next_tick(timer: &mut Option<Interval>) {
    match timer {
        Some(timer) => {
            timer.tick().await;
        }
        None => std::future::pending().await,
    }
}

fn lost(reason: impl Into<String>) -> Ended {
    Ended::Lost {
        reason: reason.into(),
        was_up: true,
    }
}

/// Fails every action past its deadline. True if the keepalive was one of
/// them (the connection is dead).
fn expire(pending: &mut Pending) -> bool {
    let mut keepalive_lost = false;
    for (waiter, limit) in pending.expire(Instant::now()) {
        match waiter {
            Waiter::Client(reply) => {
                let _ = reply.send(Err(SendError::Timeout(limit)));
            }
            Waiter::Keepalive => keepalive_lost = true,
        }
    }
    keepalive_lost
}

async fn write(
    conn: &mut Connection,
    id: &str,
    action: &Action,
    limit: Duration,
) -> Result<(), String> {
    match tokio::time::timeout(limit, conn.write_action(id, action)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("write error: {e}")),
        Err(_) => Err(format!("the server did not take our data within {limit:?}")),
    }
}

/// Connects, reads the banner and logs in.
async fn open(
    config: &SessionConfig,
    ids: &mut ActionIds,
) -> Result<(Connection, Banner), LoginError> {
    let limit = config.action_timeout;
    let security = if config.tls {
        Security::Tls {
            ca_file: config.ca_file.as_deref(),
            pin: config.tls_fingerprint,
        }
    } else {
        Security::Plain
    };
    let connecting = transport::connect(&config.host, config.port, security);
    let stream = tokio::time::timeout(limit, connecting)
        .await
        .map_err(|_| {
            LoginError::Failed(format!(
                "cannot connect to {} within {limit:?}",
                config.addr()
            ))
        })?
        .map_err(|e| LoginError::Failed(e.to_string()))?;
    let record = config.record.as_deref().and_then(open_record);
    let mut conn = Connection::new(stream, record);
    let banner = login::read_banner(&mut conn, limit).await?;
    let who = Credentials {
        username: &config.username,
        secret: &config.secret,
        auth: config.auth,
        events: &config.events,
    };
    login::login(&mut conn, ids, &who, limit).await?;
    Ok((conn, banner))
}

fn open_record(path: &Path) -> Option<File> {
    match File::options().create(true).append(true).open(path) {
        Ok(file) => Some(file),
        Err(error) => {
            tracing::warn!(%error, path = %path.display(), "cannot open the record file");
            None
        }
    }
}

/// How waiting for something between connections ended.
enum Interrupted<T> {
    Finished(T),
    /// Shutdown asked for, or every handle dropped.
    Stop,
    /// A secret to log in with now.
    Retry(String),
}

/// Runs `work` while answering handles: sends get `NotConnected`; a
/// shutdown (or every handle gone) or a new secret abandons `work`.
async fn unless_stopped<T>(
    work: impl Future<Output = T>,
    commands: &mut UnboundedReceiver<Command>,
) -> Interrupted<T> {
    tokio::pin!(work);
    loop {
        tokio::select! {
            out = &mut work => return Interrupted::Finished(out),
            command = commands.recv() => match command {
                Some(Command::Send { reply, .. }) => {
                    let _ = reply.send(Err(SendError::NotConnected));
                }
                Some(Command::LogInWith(secret)) => return Interrupted::Retry(secret),
                Some(Command::Shutdown) | None => return Interrupted::Stop,
            },
        }
    }
}
