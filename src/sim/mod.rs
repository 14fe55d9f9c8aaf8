//! A scriptable test PBX: an AMI server on 127.0.0.1 that speaks like
//! Asterisk 22 (banner, Challenge/MD5 and plaintext login, Ping, Logoff,
//! Events, CoreShowChannels, Command, Originate, Hangup), for tests now and
//! for `amitop --demo` later.
//!
//! Layout: `pbx` holds the PBX state and makes events, knowing nothing of
//! sockets; every change runs under one lock and its events go out on a
//! broadcast bus, so all clients see them in the same order; `client` serves
//! one connection (`session` is its state) and `actions` answers its actions
//! (`cli` runs `Command`); `wire` lays messages out as Asterisk does.

mod actions;
mod cli;
mod client;
mod clock;
mod pbx;
mod random;
mod session;
mod wire;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::broadcast;
use tokio::task::{JoinHandle, JoinSet};
use tokio_util::sync::CancellationToken;

use crate::ami::Message;

use pbx::Pbx;

/// Events a client may fall behind by before it is dropped, as Asterisk
/// drops a client it cannot write to.
const EVENT_BACKLOG: usize = 8192;

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

/// How the test PBX presents itself.
#[derive(Clone, Debug)]
pub struct PbxConfig {
    pub users: Vec<SimUser>,
    /// The banner's version: `Asterisk Call Manager/<ami_version>`.
    pub ami_version: String,
    /// Shown by `core show version`.
    pub asterisk_version: String,
    /// Answer `Command` as Asterisk up to 13 does: `Response: Follows`, the
    /// raw output, `--END COMMAND--`.
    pub legacy_command: bool,
    /// How long a refused login waits before its error (Asterisk: about 1 s).
    pub login_failure_delay: Duration,
}

impl Default for PbxConfig {
    fn default() -> Self {
        PbxConfig {
            users: vec![SimUser::new("amitop", "secret", true)],
            ami_version: "11.0.0".into(),
            asterisk_version: "22.10.1".into(),
            legacy_command: false,
            login_failure_delay: Duration::from_secs(1),
        }
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
    pbx: Mutex<Pbx>,
    bus: broadcast::Sender<Message>,
    received: Mutex<Vec<Message>>,
    connected: AtomicUsize,
    list_call: Mutex<Option<ScriptedCall>>,
}

impl Shared {
    /// Changes the PBX and broadcasts the events of the change, under one
    /// lock so every client sees events in the order the state changed.
    fn change<T>(&self, f: impl FnOnce(&mut Pbx) -> T) -> T {
        let mut pbx = lock(&self.pbx);
        let result = f(&mut pbx);
        for event in pbx.take_events() {
            // No subscriber (nobody logged in) is fine: the event is dropped.
            let _ = self.bus.send(event);
        }
        result
    }

    fn read<T>(&self, f: impl FnOnce(&Pbx) -> T) -> T {
        f(&lock(&self.pbx))
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
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (bus, _) = broadcast::channel(EVENT_BACKLOG);
        let shared = Arc::new(Shared {
            config,
            pbx: Mutex::new(Pbx::new()),
            bus,
            received: Mutex::new(Vec::new()),
            connected: AtomicUsize::new(0),
            list_call: Mutex::new(None),
        });
        let stop = CancellationToken::new();
        let clients = Arc::new(Mutex::new(stop.child_token()));
        let server = tokio::spawn(accept_loop(
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

    /// Every action any client sent, in arrival order (secrets included).
    pub fn received_actions(&self) -> Vec<Message> {
        lock(&self.shared.received).clone()
    }

    pub fn clear_received(&self) {
        lock(&self.shared.received).clear();
    }

    /// A phone dials another, who answers: a bridged two-party call whose
    /// events go to every client. `caller` and `callee` are extensions
    /// (`100`, made `PJSIP/100`) or devices (`SIP/alice`). Returns the linkedid.
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

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    stop: CancellationToken,
    clients_token: Arc<Mutex<CancellationToken>>,
) {
    let mut clients = JoinSet::new();
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            accepted = listener.accept() => {
                // A failed accept (e.g. out of file descriptors) only loses that client.
                if let Ok((stream, _)) = accepted {
                    let token = lock(&clients_token).clone();
                    clients.spawn(client::serve(stream, Arc::clone(&shared), token));
                }
            }
            Some(_) = clients.join_next(), if !clients.is_empty() => {}
        }
    }
}
