//! `amitop sim` as a user runs it: the built binary serving real clients
//! until it is stopped.

use std::net::SocketAddr;
use std::process::Stdio;

use crate::support::capture_messages;
use crate::support::sim::*;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::time::timeout;

/// Starts `amitop sim ARGS` on a free port; returns it and its address.
async fn sim(args: &[&str], log: &tempfile::TempDir) -> (Child, SocketAddr) {
    sim_printing(args, log, |_| {}).await
}

/// Like [`sim`], handing `check` the startup line.
async fn sim_printing(
    args: &[&str],
    log: &tempfile::TempDir,
    check: impl FnOnce(&str),
) -> (Child, SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_amitop"))
        .args(["sim", "--listen", "127.0.0.1:0", "--log"])
        .arg(log.path().join("amitop.log"))
        .args(args)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = timeout(WAIT, lines.next_line())
        .await
        .expect("startup line")
        .unwrap()
        .unwrap();
    let addr = line
        .split_whitespace()
        .find_map(|word| word.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    assert!(line.contains("log in as amitop / s"), "{line}");
    check(&line);
    (child, addr)
}

#[tokio::test]
async fn the_standalone_server_speaks_1_1_with_live_traffic() {
    let log = tempfile::tempdir().unwrap();
    let (mut child, addr) = sim(
        &[
            "--ami", "1.1", "--rate", "600", "--seed", "4", "--secret", "s",
        ],
        &log,
    )
    .await;
    let mut client = Client::logged_in_at(addr, "amitop", "s").await;
    assert_eq!(client.banner, "Asterisk Call Manager/1.1");
    // At 600 calls a minute, channels appear within a moment.
    loop {
        if name(&client.message().await) == "Newchannel" {
            break;
        }
    }
    child.start_kill().unwrap();
    child.wait().await.unwrap();
}

#[tokio::test]
async fn replay_sends_a_recordings_events_after_login() {
    let log = tempfile::tempdir().unwrap();
    let file = format!(
        "{}/tests/fixtures/ami/c9_iax2_peerstatus.ami",
        env!("CARGO_MANIFEST_DIR")
    );
    let (mut child, addr) = sim(&["--replay", &file, "--secret", "s"], &log).await;
    let mut client = Client::logged_in_at(addr, "amitop", "s").await;
    let expected: Vec<String> = capture_messages("c9_iax2_peerstatus.ami")
        .iter()
        .filter_map(|m| m.event().map(|e| e.into_owned()))
        .collect();
    let mut received = Vec::new();
    while received.len() < expected.len() {
        received.push(name(&client.message().await));
    }
    assert_eq!(received, expected);
    child.start_kill().unwrap();
    child.wait().await.unwrap();
}

/// `amitop sim ARGS`, which must fail with exit 2 before listening;
/// its stderr.
async fn refused(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_amitop"))
        .args(["sim", "--listen", "127.0.0.1:0", "--log", "/dev/null"])
        .args(args)
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "it never listened: {args:?}");
    stderr
}

#[tokio::test]
async fn a_bad_rate_or_a_missing_recording_is_a_usage_error() {
    refused(&["--rate=-1"]).await;
    let said = refused(&["--replay", "/nonexistent/x.ami"]).await;
    assert!(said.contains("/nonexistent/x.ami"), "{said}");
}

/// Like the demo, a standalone simulator has calls up when the first
/// client logs in; `--cold` starts on an idle PBX.
#[tokio::test]
async fn the_simulator_warms_up_unless_cold() {
    let channels = |cold: bool| async move {
        let log = tempfile::tempdir().unwrap();
        let mut args = vec!["--secret", "s", "--seed", "3", "--rate", "30"];
        if cold {
            args.push("--cold");
        }
        let (mut child, addr) = sim(&args, &log).await;
        let mut client = Client::logged_in_at(addr, "amitop", "s").await;
        let reply = client
            .list("w-1", &amitop::ami::Action::new("CoreShowChannels"))
            .await;
        let count = reply.items("w-1").len();
        child.start_kill().unwrap();
        child.wait().await.unwrap();
        count
    };
    assert!(channels(false).await > 0, "warm: calls already up");
    assert_eq!(channels(true).await, 0, "cold: an idle PBX");
}

#[tokio::test]
async fn sim_port_is_honoured() {
    let log = tempfile::tempdir().unwrap();
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let (mut child, addr) = sim(&["--secret", "s", "--port", &port.to_string()], &log).await;
    assert_eq!(addr.port(), port);
    child.start_kill().unwrap();
    child.wait().await.unwrap();
}

/// `amitop sim --cert --key` as an admin tries TLS before pointing amitop
/// at a real Asterisk: a certificate made here, the server process serving
/// it, amitop's own session logging in over it.
mod tls {
    use super::*;
    use amitop::ami::{ConnectionState, Fingerprint, SessionConfig, SessionEvent, spawn};
    use std::path::PathBuf;

    /// A self-signed certificate for 127.0.0.1 and its key, as PEM files
    /// in `dir`; and the certificate's fingerprint.
    fn certificate(dir: &tempfile::TempDir) -> (PathBuf, PathBuf, Fingerprint) {
        let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()]).unwrap();
        let cert = dir.path().join("cert.pem");
        let key = dir.path().join("key.pem");
        std::fs::write(&cert, made.cert.pem()).unwrap();
        std::fs::write(&key, made.key_pair.serialize_pem()).unwrap();
        (cert, key, Fingerprint::of(made.cert.der()))
    }

    /// Logs in over TLS with amitop's session, trusting `ca_file` or `pin`.
    async fn logs_in(
        addr: SocketAddr,
        ca_file: Option<PathBuf>,
        pin: Option<Fingerprint>,
    ) -> Result<(), String> {
        let mut config = SessionConfig::new("127.0.0.1", addr.port(), "amitop", "s");
        config.reconnect = false;
        config.tls = true;
        config.ca_file = ca_file;
        config.tls_fingerprint = pin;
        let (handle, mut events) = spawn(config);
        let outcome = loop {
            match timeout(WAIT, events.recv()).await.expect("a session state") {
                Some(SessionEvent::State(ConnectionState::LoggedIn { .. })) => break Ok(()),
                Some(SessionEvent::State(ConnectionState::Disconnected { reason, .. })) => {
                    break Err(reason);
                }
                Some(SessionEvent::State(ConnectionState::LoginRefused { message, .. })) => {
                    break Err(message);
                }
                _ => {}
            }
        };
        handle.shutdown();
        outcome
    }

    #[tokio::test]
    async fn the_simulator_serves_tls_that_amitop_logs_in_over() {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key, fingerprint) = certificate(&dir);
        let args = [
            "--secret",
            "s",
            "--cert",
            cert.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
        ];
        let (mut child, addr) = sim_printing(&args, &dir, |line| {
            // The startup line gives the fingerprint to pin.
            assert!(line.contains("over TLS"), "{line}");
            assert!(line.contains(&fingerprint.to_string()), "{line}");
        })
        .await;
        assert_eq!(logs_in(addr, None, Some(fingerprint)).await, Ok(()));
        assert_eq!(logs_in(addr, Some(cert.clone()), None).await, Ok(()));
        // Trusting another certificate: refused, naming what to pin.
        let other = tempfile::tempdir().unwrap();
        let (other_cert, _, _) = certificate(&other);
        let refused = logs_in(addr, Some(other_cert), None).await.unwrap_err();
        assert!(refused.contains(&fingerprint.to_string()), "{refused}");
        // Plain TCP to the TLS port gets no AMI banner.
        let mut plain = tokio::net::TcpStream::connect(addr).await.unwrap();
        tokio::io::AsyncWriteExt::write_all(&mut plain, b"Action: Ping\r\n\r\n")
            .await
            .unwrap();
        let mut seen = Vec::new();
        let _ = timeout(
            WAIT,
            tokio::io::AsyncReadExt::read_to_end(&mut plain, &mut seen),
        )
        .await;
        assert!(!String::from_utf8_lossy(&seen).contains("Asterisk Call Manager"));
        child.start_kill().unwrap();
        child.wait().await.unwrap();
    }

    #[tokio::test]
    async fn tls_without_a_certificate_or_with_a_bad_one_is_refused_clearly() {
        let said = refused(&["--tls"]).await;
        assert!(said.contains("--cert FILE --key FILE"), "{said}");
        // Either without the other: clap says which is missing.
        let said = refused(&["--cert", "cert.pem"]).await;
        assert!(said.contains("--key"), "{said}");

        let dir = tempfile::tempdir().unwrap();
        let (cert, key, _) = certificate(&dir);
        let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());
        let missing = dir.path().join("missing.pem");
        let missing = missing.to_str().unwrap();
        let said = refused(&["--cert", missing, "--key", key]).await;
        assert!(said.contains("missing.pem"), "{said}");
        // The two files swapped: no certificate in the key file, and
        // no key in the certificate file.
        let said = refused(&["--cert", key, "--key", cert]).await;
        assert!(said.contains("no certificate in it"), "{said}");
        assert!(said.contains("key.pem"), "{said}");
        let said = refused(&["--cert", cert, "--key", cert]).await;
        assert!(said.contains("private key"), "{said}");
        // A key that is not the certificate's.
        let other = tempfile::tempdir().unwrap();
        let (_, other_key, _) = certificate(&other);
        let said = refused(&["--cert", cert, "--key", other_key.to_str().unwrap()]).await;
        assert!(said.contains("is the key the certificate's?"), "{said}");
    }
}
