//! The loop: one `select!` over terminal input, session events, resync
//! updates and a one-second tick, and the draw that follows.
//!
//! Input is never stuck behind session traffic: session events are taken
//! in batches of at most [`BATCH`], and the `select!` is biased towards
//! input, so a key waits for at most one batch. Frames are drawn only when
//! something changed and at most every [`FRAME`], so the cost of drawing
//! does not grow with the event rate.

use std::future::Future;
use std::io;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crossterm::event::{Event, EventStream};
use futures_util::{Stream, StreamExt};
use tokio::sync::mpsc::{self, Receiver, UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior, interval, sleep_until};

use crate::ami::session::{ConnectionState, SessionEvent, SessionEvents, SessionHandle};
use crate::app::msg::Msg;
use crate::app::operator::ActionReply;
use crate::app::queue_refresh::refresh_queues;
use crate::app::terminal::TerminalGuard;
use crate::app::update::{App, ResyncOrder};
use crate::config::QueueOptions;
use crate::ops::Request;
use crate::ops::supervise::SupervisorSettings;
use crate::resync::{self, ResyncUpdate};
use crate::ui::theme::Theme;
use crate::ui::view::Pane;

/// Session events handled between two looks at the keyboard.
pub const BATCH: usize = 512;
/// Shortest time between two frames (about 30 per second).
pub const FRAME: Duration = Duration::from_millis(33);

/// Why the dashboard stopped other than by the user quitting.
#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    #[error("terminal: {0}")]
    Terminal(#[from] io::Error),
}

/// Where session events come from: the real session, or a test's queue.
pub trait SessionSource {
    /// The next event; `None` once the session has ended for good.
    fn recv(&mut self) -> impl Future<Output = Option<SessionEvent>>;
    /// An event that is already waiting, without waiting.
    fn try_recv(&mut self) -> Option<SessionEvent>;
}

impl SessionSource for SessionEvents {
    fn recv(&mut self) -> impl Future<Output = Option<SessionEvent>> {
        SessionEvents::recv(self)
    }
    fn try_recv(&mut self) -> Option<SessionEvent> {
        SessionEvents::try_recv(self)
    }
}

/// Epoch seconds now.
pub fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Queue refresh updates buffered between their task and the loop.
const REFRESH_BUFFER: usize = 64;

/// Runs the dashboard on this terminal until the user quits. The session
/// is asked to log off on the way out. With `read_only`, action keys only
/// say that actions are disabled. `queues` says how often the queue lists
/// are read again and when a queue needs attention; `layout` names the
/// panes of the wide layout (else the default set); `supervisor` the
/// phone a spy rings and how recordings are made.
pub async fn run_dashboard(
    handle: SessionHandle,
    mut events: SessionEvents,
    title: String,
    read_only: bool,
    queues: QueueOptions,
    layout: Option<Vec<Pane>>,
    supervisor: SupervisorSettings,
) -> Result<(), DashboardError> {
    let mut guard = TerminalGuard::enter()?;
    let size = guard.terminal.size()?;
    let (requests_tx, requests) = unbounded_channel();
    let (updates_tx, mut updates) = mpsc::channel(REFRESH_BUFFER);
    let refresher = tokio::spawn(refresh_queues(handle.clone(), queues.refresh, updates_tx));
    let resyncer = tokio::spawn(serve_resyncs(handle.clone(), requests));
    let area = ratatui::layout::Rect::new(0, 0, size.width, size.height);
    let mut app = App::new(title, area, Theme::from_env(), requests_tx);
    app.state.queues.thresholds = queues.thresholds;
    let (outbox, outgoing) = unbounded_channel();
    let (replies_tx, replies) = unbounded_channel();
    let actor = tokio::spawn(serve_actions(handle.clone(), outgoing, replies_tx));
    app.set_actions(outbox, read_only);
    app.operator.set_supervisor(supervisor);
    let (secrets_tx, secrets) = unbounded_channel();
    let relogin = tokio::spawn(serve_secrets(handle.clone(), secrets));
    app.set_login_retry(secrets_tx);
    if let Some(layout) = layout {
        app.view.layout = layout;
    }
    app.operator.set_replies(replies);
    let result = drive(
        &mut app,
        EventStream::new(),
        &mut events,
        &mut updates,
        |app| {
            guard
                .terminal
                .draw(|frame| crate::ui::draw(frame, &app.dashboard(now())))
                .map(|_| ())
        },
    )
    .await;
    resyncer.abort();
    refresher.abort();
    actor.abort();
    relogin.abort();
    handle.shutdown();
    drop(guard);
    result.map_err(DashboardError::from)
}

/// Starts a resync for each order of the app; a new order replaces a
/// resync still running (the model has already moved to a new generation,
/// and the app no longer reads the old one's updates).
pub async fn serve_resyncs(handle: SessionHandle, mut orders: UnboundedReceiver<ResyncOrder>) {
    let mut running: Option<JoinHandle<()>> = None;
    while let Some(updates) = orders.recv().await {
        if let Some(previous) = running.take() {
            previous.abort();
        }
        running = Some(tokio::spawn(resync::run(handle.clone(), updates)));
    }
    if let Some(last) = running {
        last.abort();
    }
}

/// Hands each secret typed after a refused login to the session.
async fn serve_secrets(handle: SessionHandle, mut secrets: UnboundedReceiver<String>) {
    while let Some(secret) = secrets.recv().await {
        handle.log_in_with(secret);
    }
}

/// Sends each operator request through the session, each in its own
/// task so a slow reply holds up no other, and hands every reply back.
async fn serve_actions(
    handle: SessionHandle,
    mut requests: UnboundedReceiver<Request>,
    replies: UnboundedSender<ActionReply>,
) {
    while let Some(request) = requests.recv().await {
        let (handle, replies) = (handle.clone(), replies.clone());
        tokio::spawn(async move {
            let result = handle.send(request.action.clone()).await;
            // The loop may be gone (quitting): the reply has nobody to tell.
            let _ = replies.send(ActionReply { request, result });
        });
    }
}

/// The loop proper, over any input stream, session source and drawing
/// function, so tests can run it without a terminal. `resync_updates`
/// carries updates from outside the app's own resyncs (the queue refresh).
pub async fn drive<I, S, D>(
    app: &mut App,
    mut input: I,
    session: &mut S,
    resync_updates: &mut Receiver<ResyncUpdate>,
    mut draw: D,
) -> io::Result<()>
where
    I: Stream<Item = io::Result<Event>> + Unpin,
    S: SessionSource,
    D: FnMut(&App) -> io::Result<()>,
{
    let mut tick = interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut next_frame = Instant::now();
    let mut session_open = true;
    let mut input_open = true;
    let mut replies = app.operator.take_replies();
    while !app.quit {
        if app.dirty && Instant::now() >= next_frame {
            app.follow(now());
            draw(app)?;
            app.dirty = false;
            next_frame = Instant::now() + FRAME;
        }
        let frame_due = app.dirty;
        tokio::select! {
            biased;
            event = input.next(), if input_open => match event {
                Some(event) => app.handle(Msg::Input(event?), now()),
                None => input_open = false,
            },
            // Before the events queued behind it: a list applied only once
            // the queue ran dry would undo the changes that came after it
            // (a flood of them, under load), and no sweep would make good
            // a channel it brought back.
            update = next_resync_update(app.resync_updates()) => match update {
                Some(update) => app.handle(Msg::Resync(update), now()),
                None => *app.resync_updates() = None,
            },
            Some(update) = resync_updates.recv() => app.handle(Msg::Resync(update), now()),
            event = session.recv(), if session_open => match event {
                Some(first) => handle_batch(app, session, first),
                None => {
                    session_open = false;
                    app.handle(Msg::Session(SessionEvent::State(ConnectionState::Stopped)), now());
                }
            },
            Some(reply) = next_reply(&mut replies) => {
                app.handle(Msg::Acted(reply), now());
            }
            _ = tick.tick() => app.handle(Msg::Tick, now()),
            _ = sleep_until(next_frame), if frame_due => {}
        }
    }
    Ok(())
}

/// The running resync's next update, `None` once it has stopped; never,
/// when no resync runs.
async fn next_resync_update(updates: &mut Option<Receiver<ResyncUpdate>>) -> Option<ResyncUpdate> {
    match updates {
        Some(updates) => updates.recv().await,
        None => std::future::pending().await,
    }
}

/// The next action reply; never, when the app sends no actions.
async fn next_reply(replies: &mut Option<UnboundedReceiver<ActionReply>>) -> Option<ActionReply> {
    match replies {
        Some(replies) => replies.recv().await,
        None => std::future::pending().await,
    }
}

/// Handles `first` and at most `BATCH - 1` more events already waiting.
pub fn handle_batch<S: SessionSource>(app: &mut App, session: &mut S, first: SessionEvent) {
    let now = now();
    app.handle(Msg::Session(first), now);
    for _ in 1..BATCH {
        let Some(event) = session.try_recv() else {
            break;
        };
        app.handle(Msg::Session(event), now);
    }
}
