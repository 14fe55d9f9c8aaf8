//! The dashboard under a flood: the simulator sends scripted calls as fast
//! as the socket takes them, the real session reads them over TCP and the
//! real app loop (`drive`) applies them, draws frames and reads keys. A key
//! pressed mid-flood takes effect in the next frame, no event is lost, and
//! at a sync point after the flood (its last event sent, then a `Ping`
//! answered) the model equals the simulator's state.
//!
//! `cargo test --release --test it scale:: -- --ignored --test-threads=1
//! --nocapture` runs the same with 1,000,000 events and prints events/s,
//! the longest the socket went unread, the `Overflow` count and the
//! process's RSS; one thread, as these figures are the whole process's.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use amitop::ami::session::{SessionEvent, SessionEvents};
use amitop::ami::{Action, SessionConfig, spawn};
use amitop::app::App;
use amitop::app::run::{SessionSource, drive, serve_resyncs};
use amitop::model::State;
use amitop::sim::{FloodConfig, PbxConfig, SimSnapshot, TestPbx};
use amitop::ui::theme::Theme;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::support::session::occupied_bridges;

/// The session's events on their way to the app, counted.
struct Counted {
    events: SessionEvents,
    received: u64,
    dropped: u64,
    /// Events carrying an ActionID: parts of replies, which the session
    /// must hand to whoever asked, never to the app as live events (a
    /// resync list that came after its timeout once slipped through).
    strays: Vec<String>,
}

impl SessionSource for Counted {
    async fn recv(&mut self) -> Option<SessionEvent> {
        let item = self.events.recv().await;
        self.count(item)
    }
    fn try_recv(&mut self) -> Option<SessionEvent> {
        let item = self.events.try_recv();
        self.count(item)
    }
}

impl Counted {
    fn count(&mut self, item: Option<SessionEvent>) -> Option<SessionEvent> {
        match &item {
            Some(SessionEvent::Event(event)) if event.action_id().is_some() => {
                let name = event.get("Event").unwrap_or_default();
                self.strays.push(name.into_owned());
            }
            // Not the flood's: the greeting of a login, and the items of the
            // login resync's `IAXpeers`, which carry no ActionID (as
            // chan_iax2 sends them) and so come as events. Whether they come
            // before the test ends is a race, which once made this count
            // one more than the flood sent.
            Some(SessionEvent::Event(event))
                if event.is("Event", "FullyBooted") || event.is("Event", "PeerEntry") => {}
            Some(SessionEvent::Event(_)) => self.received += 1,
            Some(SessionEvent::Overflow { dropped }) => self.dropped += dropped,
            _ => {}
        }
        item
    }
}

/// What the flood changes, comparable on both sides: each channel's name
/// and state by uniqueid, and each bridge as the set of its members.
#[derive(Debug, PartialEq, Eq)]
struct Calls {
    channels: BTreeMap<String, (String, String)>,
    bridges: BTreeSet<BTreeSet<String>>,
}

fn simulator_calls(sim: &SimSnapshot) -> Calls {
    Calls {
        channels: sim
            .channels
            .iter()
            .map(|c| (c.uniqueid.clone(), (c.name.clone(), c.state.desc().into())))
            .collect(),
        bridges: sim
            .bridges
            .iter()
            .map(|b| b.members.iter().cloned().collect())
            .collect(),
    }
}

fn model_calls(state: &State) -> Calls {
    Calls {
        channels: state
            .channels
            .iter()
            .map(|c| (c.uniqueid.clone(), (c.name.clone(), c.state.to_string())))
            .collect(),
        bridges: occupied_bridges(state),
    }
}

/// What a flood run measured.
struct Run {
    /// Events the app received, and the simulator sent.
    events: u64,
    sent: u64,
    elapsed: Duration,
    longest_wait: Duration,
    dropped: u64,
}

/// Floods a dashboard with `events` events over `live_calls` calls.
/// `event_buffer` is what the session may queue for the app.
async fn flood_the_dashboard(events: u64, live_calls: usize, event_buffer: usize) -> Run {
    let pbx = TestPbx::start(PbxConfig {
        flood: Some(FloodConfig {
            live_calls,
            events: Some(events),
        }),
        ..PbxConfig::default()
    })
    .await
    .unwrap();
    let mut config = SessionConfig::new("127.0.0.1", pbx.addr().port(), "amitop", "secret");
    config.reconnect = false;
    config.ping_interval = Duration::ZERO;
    config.event_buffer = event_buffer;
    let (handle, session_events) = spawn(config);
    let mut session = Counted {
        events: session_events,
        received: 0,
        dropped: 0,
        strays: Vec::new(),
    };

    // The app asks for a resync at login (and after an overflow), run as
    // the dashboard runs them: a new one replaces the one running.
    let (requests_tx, requests) = mpsc::unbounded_channel();
    tokio::spawn(serve_resyncs(handle.clone(), requests));
    // The dashboard's queue refresh: none here.
    let (_refreshes, mut updates) = mpsc::channel(1);
    let mut app = App::new(
        "flood".into(),
        Rect::new(0, 0, 120, 40),
        Theme::new(false),
        requests_tx,
    );

    // The sync point: once the flood is all sent, a Ping; its Pong comes
    // after every flood event on the one socket.
    let synced = Arc::new(AtomicBool::new(false));
    let stop = CancellationToken::new();
    {
        let (synced, stop, handle) = (synced.clone(), stop.clone(), handle.clone());
        tokio::spawn(async move {
            stop.cancelled().await;
            handle.send(Action::new("Ping")).await.expect("pong");
            synced.store(true, Ordering::SeqCst);
        });
    }

    let (keys_tx, keys) = mpsc::unbounded_channel::<io::Result<Event>>();
    let input = tokio_stream_of(keys);
    let help = Event::Key(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT));
    let quit = Event::Key(KeyEvent::from(KeyCode::Char('q')));
    let mut frames = 0u64;
    let mut key_sent_at_frame = None;
    let mut key_seen_at_frame = None;
    let mut applied_when_seen = 0;
    let mut started = None;
    let deadline = Instant::now() + Duration::from_secs(600);
    drive(&mut app, input, &mut session, &mut updates, |app| {
        frames += 1;
        let flooding = !app.state.channels.is_empty();
        if flooding && started.is_none() {
            started = Some(Instant::now());
        }
        // The key, pressed as soon as the flood shows.
        if flooding && key_sent_at_frame.is_none() {
            key_sent_at_frame = Some(frames);
            let _ = keys_tx.send(Ok(help.clone()));
        }
        if app.view.help.is_some() && key_seen_at_frame.is_none() {
            key_seen_at_frame = Some(frames);
            applied_when_seen = app.state.log.total();
        }
        if !stop.is_cancelled() && pbx.flood_progress().finished {
            stop.cancel();
        }
        // In sync once the flood is all read and the resync asked after
        // the last overflow is done.
        let in_sync = synced.load(Ordering::SeqCst)
            && !app.resyncing()
            && model_calls(&app.state) == simulator_calls(&pbx.snapshot());
        if in_sync || Instant::now() > deadline {
            let _ = keys_tx.send(Ok(quit.clone()));
        }
        Ok(())
    })
    .await
    .expect("loop");
    let elapsed = started.map(|s| s.elapsed()).unwrap_or_default();

    assert!(synced.load(Ordering::SeqCst), "the flood never finished");
    assert_eq!(
        model_calls(&app.state),
        simulator_calls(&pbx.snapshot()),
        "after the flood"
    );
    assert_eq!(
        session.strays,
        Vec::<String>::new(),
        "replies taken for events"
    );
    let progress = pbx.flood_progress();
    assert!(progress.sent >= events);
    assert_eq!(
        key_seen_at_frame.map(|f| f - 1),
        key_sent_at_frame,
        "the key showed in the frame after it was pressed"
    );
    assert!(
        applied_when_seen < progress.sent,
        "the key was handled only after the flood ({applied_when_seen} events)"
    );
    Run {
        events: session.received,
        sent: progress.sent,
        elapsed,
        longest_wait: progress.longest_wait,
        dropped: session.dropped,
    }
}

/// Keys from a channel, as the terminal's event stream would give them.
fn tokio_stream_of(
    mut keys: mpsc::UnboundedReceiver<io::Result<Event>>,
) -> impl futures_util::Stream<Item = io::Result<Event>> + Unpin {
    futures_util::stream::poll_fn(move |cx| keys.poll_recv(cx))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_follows_a_flood_of_100000_events() {
    const EVENTS: u64 = 100_000;
    // The queue holds the whole flood: a debug build's app is slower than
    // its session, and this test is about every event arriving in order;
    // whether a release build keeps up is what the ignored test measures.
    let run = flood_the_dashboard(EVENTS, 200, 2 * EVENTS as usize).await;
    assert_eq!(run.dropped, 0);
    assert_eq!(run.events, run.sent, "events lost on the way");
    assert!(run.sent >= EVENTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_model_recovers_from_overflows_in_a_flood() {
    // A queue far shorter than the flood: a debug build's app falls behind
    // and the session drops events, again and again. The resync after the
    // last overflow must make them good (the million-event run once ended
    // with thousands of channels the simulator had hung up).
    let run = flood_the_dashboard(40_000, 200, 100).await;
    assert!(run.dropped > 0, "nothing dropped: the test proves nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement: run with --release -- --ignored --nocapture"]
async fn a_million_events_measured() {
    const EVENTS: u64 = 1_000_000;
    let run =
        flood_the_dashboard(EVENTS, 1000, SessionConfig::new("", 0, "", "").event_buffer).await;
    let rss = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        rss.lines()
            .find(|l| l.starts_with(name))
            .map(|l| l[name.len()..].trim().to_owned())
            .unwrap_or_default()
    };
    println!(
        "{} events in {:.2} s: {:.0} events/s; socket unread at most {:.1} ms; \
         {} events dropped (Overflow); RSS {} (peak {})",
        run.events,
        run.elapsed.as_secs_f64(),
        run.events as f64 / run.elapsed.as_secs_f64(),
        run.longest_wait.as_secs_f64() * 1000.0,
        run.dropped,
        field("VmRSS:"),
        field("VmHWM:"),
    );
}

/// Process CPU time (user + system) so far.
fn cpu_time() -> Duration {
    // /proc/self/stat: fields 14 and 15 (after the command in parentheses)
    // are user and system time in clock ticks of 1/100 s.
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_command = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<u64> = after_command
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    let ticks = fields.get(11).copied().unwrap_or(0) + fields.get(12).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// Logs in to `pbx` and reads (and drops) its events until the test ends,
/// as the cheapest client.
async fn read_events(pbx: &TestPbx) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut socket = tokio::net::TcpStream::connect(pbx.addr()).await.unwrap();
    socket
        .write_all(b"Action: Login\r\nUsername: amitop\r\nSecret: secret\r\n\r\n")
        .await
        .unwrap();
    tokio::spawn(async move {
        let mut buf = vec![0; 64 * 1024];
        while socket.read(&mut buf).await.is_ok_and(|n| n > 0) {}
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement: run with --release -- --ignored --nocapture"]
async fn ten_simulators_with_a_thousand_live_calls_measured() {
    // Nearly every call at this rate is a trunk caller waiting in a queue
    // (20 to 150 s) for one of four agents: about 1,000 live at once.
    const RATE: f64 = 750.0;
    let mut pbxes = Vec::new();
    for seed in 1..=10 {
        let config = PbxConfig {
            seed,
            calls_per_minute: Some(RATE),
            // Opens at its steady state, not empty.
            warm_up: Duration::from_secs(600),
            ..PbxConfig::default()
        };
        pbxes.push(TestPbx::start(config).await.unwrap());
    }
    for pbx in &pbxes {
        read_events(pbx).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (cpu, wall) = (cpu_time(), Instant::now());
    tokio::time::sleep(Duration::from_secs(30)).await;
    let (cpu, wall) = (cpu_time() - cpu, wall.elapsed());
    let live: Vec<usize> = pbxes.iter().map(|p| p.channel_count()).collect();
    let calls: Vec<usize> = pbxes
        .iter()
        .map(|p| {
            let snapshot = p.snapshot();
            let mut ids: Vec<String> = snapshot
                .channels
                .iter()
                .map(|c| c.linkedid.clone())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids.len()
        })
        .collect();
    println!(
        "ten simulators, live calls {calls:?} (channels {live:?}): \
         {:.2} s CPU in {:.2} s = {:.0}% of one core",
        cpu.as_secs_f64(),
        wall.as_secs_f64(),
        100.0 * cpu.as_secs_f64() / wall.as_secs_f64()
    );
}
