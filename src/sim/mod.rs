//! The simulated PBX: an AMI server on 127.0.0.1 that speaks like Asterisk
//! (22 by default, or AMI 1.1), with its own state and seeded traffic, for
//! tests, `amitop sim` and `amitop --demo`.
//!
//! Layout: `pbx` holds the state and the primitive changes (`flows` builds
//! calls, transfers and queue calls from them, `queues`, `registry` and
//! `modules` hold their parts, `vocab` says how each dialect writes an
//! event); `traffic` schedules the office and call-centre activity over
//! simulated time, and `simulation` bundles both without sockets. Every
//! change runs under one lock and its events go out on a broadcast bus, so
//! all clients see them in the same order; `client` serves one connection
//! (`session` is its state, `replay` a recorded stream to send instead) and
//! `actions` answers its actions (`cli` runs `Command`); `wire` lays
//! messages out as Asterisk does.

mod actions;
mod channel;
mod cli;
mod client;
mod clock;
mod feature_changes;
mod features;
mod flood;
mod flows;
mod modules;
mod pbx;
mod profile;
mod queues;
mod random;
mod registry;
mod replay;
mod session;
mod simulation;
mod supervision;
mod supervision_changes;
mod tls;
mod traffic;
mod vocab;
mod wire;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::broadcast;
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;

use crate::ami::Message;

pub use channel::{Channel, ChannelState, Party};
pub use features::PRESENCE;
pub use features::{
    CONFERENCE_EXTEN, DahdiPort, Features, Mailbox, PARKING_CONTEXT, PARKING_LOT, Parked, Room,
    VOICEMAIL_EXTEN,
};
pub use flood::{FloodConfig, FloodProgress};
pub use pbx::{Bridge, PHONES};
pub use profile::ServerProfile;
pub use queues::{Member, Queue, QueueCaller};
pub use registry::{Peer, Registration, Tech};
pub use replay::Recording;
pub use simulation::{SimConfig, SimSnapshot, Simulation};
pub use supervision::{MixMonitor, Spy, Supervision};
pub use tls::SimTls;
pub use traffic::DEFAULT_RATE;
pub use vocab::Dialect;

use pbx::Pbx;

/// Events a client may fall behind by before it is dropped, as Asterisk
/// drops a client it cannot write to.
const EVENT_BACKLOG: usize = 8192;

/// How often simulated time moves in live mode.
const TICK: Duration = Duration::from_millis(100);

/// A user the PBX accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimUser {
    pub username: String,
    pub secret: String,
    /// False for a read-only user: actions needing write permission are refused.
    pub write: bool,
}

impl SimUser {
    pub fn new(username: impl Into<String>, secret: impl Into<String>, write: bool) -> Self {
        SimUser {
            username: username.into(),
            secret: secret.into(),
            write,
        }
    }
}

/// A recording to send every client after it logs in, instead of the
/// simulator's own events.
#[derive(Clone, Debug)]
pub struct ReplayConfig {
    pub recording: Arc<Recording>,
    /// Keep the recorded pace; otherwise as fast as the client reads.
    pub realtime: bool,
}

/// How the test PBX presents itself.
#[derive(Clone, Debug)]
pub struct PbxConfig {
    pub users: Vec<SimUser>,
    /// The banner's version: `Asterisk Call Manager/<ami_version>`. A `1.x`
    /// version makes the PBX speak AMI 1.1 (see [`Dialect`]).
    pub ami_version: String,
    /// Shown by `core show version`.
    pub asterisk_version: String,
    /// Answer `Command` as Asterisk up to 13 does: `Response: Follows`, the
    /// raw output, `--END COMMAND--` (always so in 1.1 mode).
    pub legacy_command: bool,
    /// How long a refused login waits before its error (Asterisk: about 1 s).
    pub login_failure_delay: Duration,
    /// Seeds the traffic and every id.
    pub seed: u64,
    /// Generated calls per minute; None: no generated traffic at all.
    pub calls_per_minute: Option<f64>,
    /// Start with simulated time stopped (see [`TestPbx::resume`]).
    pub start_paused: bool,
    /// Traffic already run when the server starts: the PBX opens in the
    /// middle of its day, its clock (and so every Uniqueid) still agreeing
    /// with the wall clock.
    pub warm_up: Duration,
    pub replay: Option<ReplayConfig>,
    /// Which server it plays: loaded modules, actions, 1.4 quirks.
    pub profile: ServerProfile,
    /// Flood every logged-in client with scripted calls, as fast as its
    /// socket takes them (see `flood`).
    pub flood: Option<FloodConfig>,
    /// Serve TLS with this certificate instead of plain TCP.
    pub tls: Option<SimTls>,
}

impl Default for PbxConfig {
    fn default() -> Self {
        PbxConfig {
            users: vec![SimUser::new("amitop", "secret", true)],
            ami_version: "11.0.0".into(),
            asterisk_version: "22.10.1".into(),
            legacy_command: false,
            login_failure_delay: Duration::from_secs(1),
            seed: 1,
            calls_per_minute: None,
            start_paused: false,
            warm_up: Duration::ZERO,
            replay: None,
            profile: ServerProfile::default(),
            flood: None,
            tls: None,
        }
    }
}

impl PbxConfig {
    /// AMI 1.1 (banner `1.1`, Asterisk 11), with the given users.
    pub fn ami_1_1(self) -> Self {
        PbxConfig {
            ami_version: "1.1".into(),
            asterisk_version: "11.25.3".into(),
            ..self
        }
    }

    /// Asterisk 1.4 (banner `1.0`, `Follows` command output).
    pub fn asterisk_1_4(self) -> Self {
        PbxConfig {
            ami_version: "1.0".into(),
            asterisk_version: "1.4.44".into(),
            legacy_command: true,
            profile: ServerProfile::Asterisk14,
            ..self
        }
    }

    pub fn dialect(&self) -> Dialect {
        Dialect::of_ami_version(&self.ami_version)
    }
}

/// A call to start in the middle of the next list reply.
#[derive(Debug)]
struct ScriptedCall {
    caller: String,
    callee: String,
    caller_id_name: String,
}

/// What the server task, the client tasks and the test handle share.
struct Shared {
    config: PbxConfig,
    sim: Mutex<Simulation>,
    bus: broadcast::Sender<Message>,
    received: Mutex<Vec<Message>>,
    connected: AtomicUsize,
    paused: AtomicBool,
    list_call: Mutex<Option<ScriptedCall>>,
    /// The floods of the clients connected now.
    floods: Mutex<Vec<Weak<Mutex<flood::Flood>>>>,
}

impl Shared {
    fn dialect(&self) -> Dialect {
        self.config.dialect()
    }

    /// Changes the PBX and broadcasts the events of the change, under one
    /// lock so every client sees events in the order the state changed.
    fn change<T>(&self, f: impl FnOnce(&mut Pbx) -> T) -> T {
        let mut sim = lock(&self.sim);
        let result = f(&mut sim.pbx);
        self.broadcast(&mut sim);
        result
    }

    /// Moves simulated time (and the traffic) forward.
    fn advance(&self, by: Duration) {
        let mut sim = lock(&self.sim);
        sim.advance(by);
        self.broadcast(&mut sim);
    }

    fn broadcast(&self, sim: &mut Simulation) {
        for event in sim.pbx.take_events() {
            // No subscriber (nobody logged in) is fine: the event is dropped.
            let _ = self.bus.send(event);
        }
    }

    fn read<T>(&self, f: impl FnOnce(&Pbx) -> T) -> T {
        f(&lock(&self.sim).pbx)
    }

    fn record(&self, action: &Message) {
        lock(&self.received).push(action.detach());
    }

    fn start_scripted_list_call(&self) {
        if let Some(call) = lock(&self.list_call).take() {
            self.change(|pbx| pbx.start_call(&call.caller, &call.callee, &call.caller_id_name));
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running test PBX. Dropping it stops the server and closes every client.
pub struct TestPbx {
    shared: Arc<Shared>,
    addr: SocketAddr,
    /// Cancelled to stop everything.
    stop: CancellationToken,
    /// The token current clients hold; replaced by `disconnect_clients`.
    clients: Arc<Mutex<CancellationToken>>,
    server: JoinHandle<()>,
}

impl TestPbx {
    /// Starts the server on 127.0.0.1 on a free port.
    pub async fn start(config: PbxConfig) -> std::io::Result<TestPbx> {
        TestPbx::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
    }

    /// Starts the server on `addr` (port 0: a free port).
    pub async fn start_on(addr: SocketAddr, config: PbxConfig) -> std::io::Result<TestPbx> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (bus, _) = broadcast::channel(EVENT_BACKLOG);
        let mut sim = Simulation::new(&SimConfig {
            dialect: config.dialect(),
            seed: config.seed,
            calls_per_minute: config.calls_per_minute,
            start_epoch: clock::since_epoch().saturating_sub(config.warm_up),
        });
        sim.pbx.profile = config.profile;
        // Nobody is connected yet to hear the warm-up's events.
        drop(sim.step(config.warm_up));
        let shared = Arc::new(Shared {
            paused: AtomicBool::new(config.start_paused),
            config,
            sim: Mutex::new(sim),
            bus,
            received: Mutex::new(Vec::new()),
            connected: AtomicUsize::new(0),
            list_call: Mutex::new(None),
            floods: Mutex::new(Vec::new()),
        });
        let stop = CancellationToken::new();
        let clients = Arc::new(Mutex::new(stop.child_token()));
        let server = tokio::spawn(serve(
            listener,
            Arc::clone(&shared),
            stop.clone(),
            Arc::clone(&clients),
        ));
        Ok(TestPbx {
            shared,
            addr,
            stop,
            clients,
            server,
        })
    }

    /// Where clients connect.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn config(&self) -> &PbxConfig {
        &self.shared.config
    }

    /// The names of the actions clients sent that this server does not
    /// have (each answered `Invalid/unknown command`), in arrival order.
    pub fn unknown_actions_received(&self) -> Vec<String> {
        lock(&self.shared.received)
            .iter()
            .filter_map(|action| action.get("Action").map(|name| name.trim().to_owned()))
            .filter(|name| !actions::exists(&self.shared, name))
            .collect()
    }

    /// Every action any client sent, in arrival order (secrets included).
    pub fn received_actions(&self) -> Vec<Message> {
        lock(&self.shared.received).clone()
    }

    pub fn clear_received(&self) {
        lock(&self.shared.received).clear();
    }

    /// A phone dials another, who answers: a bridged two-party call whose
    /// events go to every client. `caller` and `callee` are extensions
    /// (`100`, made `PJSIP/100`; the office's `2001`..`2006` and agents'
    /// `3001`..`3004` are `SIP/`; `600` and `601` are the queues) or devices
    /// (`SIP/alice`). Returns the linkedid.
    pub fn start_call(&self, caller: &str, callee: &str, caller_id_name: &str) -> String {
        self.shared
            .change(|pbx| pbx.start_call(caller, callee, caller_id_name))
    }

    /// Starts a call like [`TestPbx::start_call`], but only while the next
    /// `CoreShowChannels` reply is being written (after its first item), so
    /// its events arrive interleaved with the list, as they can from a busy
    /// Asterisk.
    pub fn start_call_during_next_list(&self, caller: &str, callee: &str, caller_id_name: &str) {
        *lock(&self.shared.list_call) = Some(ScriptedCall {
            caller: caller.into(),
            callee: callee.into(),
            caller_id_name: caller_id_name.into(),
        });
    }

    /// Ends a call as if its caller hung up. False if no such call is live.
    pub fn hangup_call(&self, linkedid: &str) -> bool {
        self.shared.change(|pbx| pbx.hangup_call(linkedid))
    }

    /// Live channels.
    pub fn channel_count(&self) -> usize {
        self.shared.read(|pbx| pbx.channels().len())
    }

    /// The simulator's own state now, the live flood calls included.
    pub fn snapshot(&self) -> SimSnapshot {
        let mut snapshot = lock(&self.shared.sim).snapshot();
        for flood in self.floods() {
            let flood = lock(&flood);
            snapshot.channels.extend(flood.channels());
            snapshot.bridges.extend(flood.bridges());
        }
        snapshot
    }

    /// The floods of the clients connected now, together: events sent,
    /// whether all are finished, the longest any waited for its socket.
    pub fn flood_progress(&self) -> FloodProgress {
        let floods = self.floods();
        let mut total = FloodProgress {
            finished: !floods.is_empty(),
            ..FloodProgress::default()
        };
        for flood in floods {
            let one = lock(&flood).progress();
            total.sent += one.sent;
            total.finished &= one.finished;
            total.longest_wait = total.longest_wait.max(one.longest_wait);
        }
        total
    }

    fn floods(&self) -> Vec<Arc<Mutex<flood::Flood>>> {
        let mut floods = lock(&self.shared.floods);
        floods.retain(|f| f.strong_count() > 0);
        floods.iter().filter_map(Weak::upgrade).collect()
    }

    /// Stops simulated time (and so the traffic); actions still work.
    pub fn pause(&self) {
        self.shared.paused.store(true, Ordering::SeqCst);
    }

    /// Lets simulated time run with the wall clock again.
    pub fn resume(&self) {
        self.shared.paused.store(false, Ordering::SeqCst);
    }

    /// Moves simulated time forward at once (best while paused), running
    /// the traffic due meanwhile; its events go to every client.
    pub fn step(&self, by: Duration) {
        self.shared.advance(by);
    }

    /// Closes every client socket; the server keeps accepting new ones.
    pub fn disconnect_clients(&self) {
        let mut current = lock(&self.clients);
        current.cancel();
        *current = self.stop.child_token();
    }

    /// Open client connections.
    pub fn client_count(&self) -> usize {
        self.shared.connected.load(Ordering::SeqCst)
    }
}

impl Drop for TestPbx {
    fn drop(&mut self) {
        self.stop.cancel();
        // The server task owns the client tasks: aborting it ends them all.
        self.server.abort();
    }
}

/// The user `amitop --demo` logs in with.
pub const DEMO_USER: &str = "demo";
/// Its secret (the simulator listens on 127.0.0.1 only).
pub const DEMO_SECRET: &str = "demo";

/// Calls per minute in the demo: busy enough that every pane has something
/// to show within seconds, not so busy that the queues only ever grow.
pub const DEMO_RATE: f64 = 12.0;
/// Traffic run before the demo opens, so it opens on calls in progress
/// rather than an empty PBX.
pub const DEMO_WARM_UP: Duration = Duration::from_secs(120);

/// A simulated PBX with live traffic on a free port of 127.0.0.1, for
/// `amitop --demo`: the handle (drop it to stop), where it listens, and
/// the user to log in with.
pub async fn start_demo(seed: u64) -> std::io::Result<(TestPbx, SocketAddr, SimUser)> {
    let user = SimUser::new(DEMO_USER, DEMO_SECRET, true);
    let pbx = TestPbx::start(PbxConfig {
        users: vec![user.clone()],
        seed,
        calls_per_minute: Some(DEMO_RATE),
        warm_up: DEMO_WARM_UP,
        ..PbxConfig::default()
    })
    .await?;
    let addr = pbx.addr();
    Ok((pbx, addr, user))
}

/// Accepts clients and moves simulated time, until `stop`.
async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    stop: CancellationToken,
    clients_token: Arc<Mutex<CancellationToken>>,
) {
    let mut clients = JoinSet::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            accepted = listener.accept() => {
                // A failed accept (e.g. out of file descriptors) only loses that client.
                if let Ok((stream, _)) = accepted {
                    let token = lock(&clients_token).clone();
                    clients.spawn(client::accept(stream, Arc::clone(&shared), token));
                }
            }
            _ = tick.tick() => {
                if !shared.paused.load(Ordering::SeqCst) {
                    shared.advance(TICK);
                }
            }
            Some(_) = clients.join_next(), if !clients.is_empty() => {}
        }
    }
}
