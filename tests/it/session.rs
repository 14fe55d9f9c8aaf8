//! The session task over real sockets on 127.0.0.1: against a scripted peer
//! where the exact interleaving matters (lists, timeouts, overflow, TLS),
//! and against the test PBX for the ordinary conversations.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use amitop::ami::{
    Action, AuthMode, ConnectionState, Message, Reply, SendError, SessionConfig, SessionEvent,
    SessionEvents, SessionHandle, spawn,
};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

use crate::support::session::{
    PATIENCE, Peer, accept, config, listener, logged_in, next_event, next_state,
};

/// A session logged in to a scripted peer.
async fn scripted(
    config_for: impl FnOnce(u16) -> SessionConfig,
) -> (Peer<TcpStream>, SessionHandle, SessionEvents) {
    let (listener, port) = listener().await;
    let (handle, mut events) = spawn(config_for(port));
    let mut peer = accept(&listener).await;
    peer.accept_login().await;
    logged_in(&mut events).await;
    (peer, handle, events)
}

/// A Ping sent through `handle` and answered by `peer`: its reply.
async fn ping_answered(peer: &mut Peer<TcpStream>, handle: &SessionHandle) -> Reply {
    let ping = tokio::spawn({
        let handle = handle.clone();
        async move { handle.send(Action::new("Ping")).await }
    });
    let action = peer.expect_action("Ping").await;
    peer.respond(&action, "Success", "Ping: Pong\r\n").await;
    timeout(PATIENCE, ping).await.unwrap().unwrap().unwrap()
}

#[tokio::test]
async fn a_list_reply_is_collected_amid_unrelated_events() {
    let (mut peer, handle, mut events) = scripted(config).await;
    let request = tokio::spawn({
        let handle = handle.clone();
        async move { handle.send(Action::new("CoreShowChannels")).await }
    });
    let action = peer.expect_action("CoreShowChannels").await;
    let id = action.action_id().unwrap().into_owned();
    // An item before the response, foreign events in between, and items
    // named like unsolicited events: only the ActionID decides.
    peer.write(&format!(
        "Event: CoreShowChannel\r\nActionID: {id}\r\nChannel: A\r\n\r\n"
    ))
    .await;
    peer.write("Event: Newchannel\r\nPrivilege: call,all\r\nChannel: X\r\n\r\n")
        .await;
    peer.respond(
        &action,
        "Success",
        "EventList: start\r\nMessage: Channels will follow\r\n",
    )
    .await;
    peer.write(&format!(
        "Event: CoreShowChannel\r\nActionID: {id}\r\nChannel: B\r\n\r\n"
    ))
    .await;
    peer.write("Event: Hangup\r\nPrivilege: call,all\r\nChannel: X\r\n\r\n")
        .await;
    peer.write(&format!(
        "Event: CoreShowChannelsComplete\r\nActionID: {id}\r\nEventList: Complete\r\nListItems: 2\r\n\r\n"
    ))
    .await;

    let reply = timeout(PATIENCE, request).await.unwrap().unwrap().unwrap();
    assert!(reply.is_success());
    let channels: Vec<_> = reply
        .events
        .iter()
        .map(|e| e.get_or_empty("Channel").into_owned())
        .collect();
    assert_eq!(channels, ["A", "B", ""]);
    assert!(reply.events[2].is("EventList", "Complete"));
    assert_eq!(next_event(&mut events).await, "Newchannel");
    assert_eq!(next_event(&mut events).await, "Hangup");
}

#[tokio::test]
async fn an_unanswered_action_times_out_and_the_session_carries_on() {
    let (mut peer, handle, mut events) = scripted(config).await;
    let limit = Duration::from_millis(50);
    let silent = handle.send_with_timeout(Action::new("Status"), limit);
    let (result, action) = tokio::join!(silent, peer.expect_action("Status"));
    assert!(
        matches!(result, Err(SendError::Timeout(d)) if d == limit),
        "{result:?}"
    );

    // The answer comes after all: a stale list, which must not reach the
    // app as live events (it would bring back a channel hung up since).
    let id = action.action_id().unwrap().into_owned();
    peer.respond(&action, "Success", "EventList: start\r\n")
        .await;
    peer.write(&format!(
        "Event: Status\r\nActionID: {id}\r\nChannel: SIP/gone-1\r\n\r\n\
         Event: StatusComplete\r\nActionID: {id}\r\nEventList: Complete\r\n\r\n\
         Event: Newchannel\r\nPrivilege: call,all\r\nChannel: SIP/live-2\r\n\r\n"
    ))
    .await;
    assert_eq!(next_event(&mut events).await, "Newchannel");

    let reply = ping_answered(&mut peer, &handle).await;
    assert_eq!(reply.response.get("Ping").as_deref(), Some("Pong"));
}

#[tokio::test]
async fn garbage_from_the_server_is_reported_and_the_session_carries_on() {
    let (mut peer, handle, mut events) = scripted(config).await;
    // A headerless block, then an oversize line, then a good event.
    let huge = "x".repeat(70 * 1024);
    peer.write(&format!(
        "no headers here\r\n\r\nEvent: Big\r\nData: {huge}\r\n\r\nEvent: FullyBooted\r\n\r\n"
    ))
    .await;
    let mut malformed = 0;
    loop {
        match timeout(PATIENCE, events.recv()).await.unwrap() {
            Some(SessionEvent::Malformed(_)) => malformed += 1,
            Some(SessionEvent::Event(event)) => {
                assert_eq!(event.event().as_deref(), Some("FullyBooted"));
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(malformed, 2);

    let reply = ping_answered(&mut peer, &handle).await;
    assert!(reply.is_success());
}

#[tokio::test]
async fn a_lagging_app_gets_an_overflow_count_instead_of_blocking_the_reader() {
    let (mut peer, handle, mut events) = scripted(|port| SessionConfig {
        event_buffer: 2,
        ..config(port)
    })
    .await;
    for n in 0..10 {
        peer.write(&format!("Event: VarSet\r\nValue: {n}\r\n\r\n"))
            .await;
    }
    // The reader got past all ten events: a later reply still arrives.
    let ping = tokio::spawn(async move { handle.send(Action::new("Ping")).await });
    let action = peer.expect_action("Ping").await;
    peer.respond(&action, "Success", "").await;
    assert!(timeout(PATIENCE, ping).await.unwrap().unwrap().is_ok());

    assert_eq!(next_event(&mut events).await, "VarSet");
    assert_eq!(next_event(&mut events).await, "VarSet");
    match events.try_recv() {
        Some(SessionEvent::Overflow { dropped }) => assert_eq!(dropped, 8),
        other => panic!("expected an overflow, got {other:?}"),
    }
    assert!(events.try_recv().is_none());
}

#[tokio::test]
async fn an_unanswered_keepalive_means_a_dead_connection() {
    let (mut peer, handle, mut events) = scripted(|port| SessionConfig {
        ping_interval: Duration::from_millis(20),
        action_timeout: Duration::from_millis(100),
        ..config(port)
    })
    .await;
    peer.expect_action("Ping").await;
    match next_state(&mut events).await {
        ConnectionState::Disconnected { reason, retry_in } => {
            assert!(reason.contains("keepalive"), "{reason}");
            assert_eq!(retry_in, None);
        }
        other => panic!("expected Disconnected, got {other:?}"),
    }
    assert_eq!(next_state(&mut events).await, ConnectionState::Stopped);
    assert!(matches!(
        handle.send(Action::new("Ping")).await,
        Err(SendError::Closed)
    ));
}

#[tokio::test]
async fn answered_keepalives_keep_the_connection() {
    let (mut peer, handle, mut events) = scripted(|port| SessionConfig {
        ping_interval: Duration::from_millis(10),
        ..config(port)
    })
    .await;
    for _ in 0..3 {
        let ping = peer.expect_action("Ping").await;
        peer.respond(&ping, "Success", "Ping: Pong\r\n").await;
    }
    handle.shutdown();
    // Shutdown says goodbye; keepalives may still be in flight before it.
    loop {
        let action = peer.next_action().await;
        if action.is("Action", "Logoff") {
            peer.respond(&action, "Goodbye", "").await;
            break;
        }
        assert!(action.is("Action", "Ping"), "{action:?}");
    }
    assert_eq!(next_state(&mut events).await, ConnectionState::Stopped);
}

#[tokio::test]
async fn every_received_byte_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("session.ami");
    let record = path.clone();
    let (mut peer, handle, mut events) = scripted(move |port| SessionConfig {
        record: Some(record),
        ..config(port)
    })
    .await;
    peer.write("Event: UserEvent\r\nNote: caf\u{e9}\r\n\r\n")
        .await;
    assert_eq!(next_event(&mut events).await, "UserEvent");
    handle.shutdown();
    let logoff = peer.expect_action("Logoff").await;
    let logoff_id = logoff.action_id().unwrap().into_owned();
    peer.respond(&logoff, "Goodbye", "Message: Thanks for all the fish.\r\n")
        .await;
    assert_eq!(next_state(&mut events).await, ConnectionState::Stopped);

    let recorded = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
    assert!(recorded.starts_with("Asterisk Call Manager/11.0.0\r\nResponse: Success\r\n"));
    assert!(recorded.contains("Challenge: 123456\r\n"));
    assert!(recorded.ends_with(&format!(
        "Event: UserEvent\r\nNote: caf\u{e9}\r\n\r\nResponse: Goodbye\r\nActionID: {logoff_id}\r\n\
         Message: Thanks for all the fish.\r\n\r\n"
    )));
}

#[tokio::test]
async fn actions_while_not_connected_fail_fast_and_shutdown_stops_the_attempt() {
    let (listener, port) = listener().await;
    let (handle, mut events) = spawn(config(port));
    // Accept but never greet: the session is stuck before login.
    let _silent = timeout(PATIENCE, listener.accept()).await.unwrap().unwrap();
    assert!(matches!(
        next_state(&mut events).await,
        ConnectionState::Connecting { attempt: 1, .. }
    ));
    assert!(matches!(
        handle.send(Action::new("Ping")).await,
        Err(SendError::NotConnected)
    ));
    handle.shutdown();
    assert_eq!(next_state(&mut events).await, ConnectionState::Stopped);
    assert!(timeout(PATIENCE, events.recv()).await.unwrap().is_none());
}

/// A reconnecting session whose plain Login the peer refused: the
/// listener (for the next attempt), the session, and the Login it sent.
async fn a_refused_plain_login() -> (TcpListener, SessionHandle, SessionEvents, Message) {
    let (listener, port) = listener().await;
    let (handle, mut events) = spawn(SessionConfig {
        reconnect: true,
        auth: AuthMode::Plain,
        ..config(port)
    });
    let mut peer = accept(&listener).await;
    let login = peer.expect_action("Login").await;
    peer.respond(&login, "Error", "Message: Authentication failed\r\n")
        .await;
    drop(peer);
    assert!(matches!(
        next_state(&mut events).await,
        ConnectionState::Connecting { .. }
    ));
    (listener, handle, events, login)
}

#[tokio::test]
async fn a_refused_login_waits_long_before_retrying() {
    let (_listener, handle, mut events, login) = a_refused_plain_login().await;
    assert_eq!(login.get("Secret").as_deref(), Some("secret"));
    assert_eq!(
        next_state(&mut events).await,
        ConnectionState::LoginRefused {
            message: "Authentication failed".into(),
            retry_in: Some(Duration::from_secs(60)),
        }
    );
    // Still waiting: a shutdown ends the wait at once.
    handle.shutdown();
    assert_eq!(next_state(&mut events).await, ConnectionState::Stopped);
}

/// After a refusal, a secret the user typed logs in at once, not after
/// the long wait, and is the one sent from then on.
#[tokio::test]
async fn a_typed_secret_after_a_refusal_logs_in_at_once() {
    let (listener, handle, mut events, _) = a_refused_plain_login().await;
    assert!(matches!(
        next_state(&mut events).await,
        ConnectionState::LoginRefused {
            retry_in: Some(_),
            ..
        }
    ));
    // Sixty seconds to wait, and the test's patience is far shorter.
    handle.log_in_with("typed".into());
    assert!(matches!(
        next_state(&mut events).await,
        ConnectionState::Connecting { attempt: 1, .. }
    ));
    let mut again = accept(&listener).await;
    let login = again.expect_action("Login").await;
    assert_eq!(login.get("Secret").as_deref(), Some("typed"));
    again
        .respond(&login, "Success", "Message: Authentication accepted\r\n")
        .await;
    logged_in(&mut events).await;
}

#[tokio::test]
async fn a_lost_connection_is_reported_and_retried_with_a_fresh_login() {
    let (listener, port) = listener().await;
    let (handle, mut events) = spawn(SessionConfig {
        reconnect: true,
        ..config(port)
    });
    let mut first = accept(&listener).await;
    first.accept_login().await;
    logged_in(&mut events).await;
    let pending = tokio::spawn({
        let handle = handle.clone();
        async move { handle.send(Action::new("Status")).await }
    });
    first.expect_action("Status").await;
    drop(first);
    assert!(matches!(
        timeout(PATIENCE, pending).await.unwrap().unwrap(),
        Err(SendError::Disconnected)
    ));
    match next_state(&mut events).await {
        ConnectionState::Disconnected { reason, retry_in } => {
            assert!(reason.contains("closed"), "{reason}");
            let retry_in = retry_in.expect("a retry is planned");
            assert!(retry_in <= Duration::from_millis(10), "{retry_in:?}");
        }
        other => panic!("expected Disconnected, got {other:?}"),
    }
    assert!(matches!(
        next_state(&mut events).await,
        ConnectionState::Connecting { attempt: 1, .. }
    ));
    let mut second = accept(&listener).await;
    second.accept_login().await;
    assert!(matches!(
        next_state(&mut events).await,
        ConnectionState::LoggedIn { .. }
    ));
}

mod tls {
    use super::*;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    use tokio_rustls::TlsAcceptor;

    /// A self-signed certificate for 127.0.0.1: (PEM, acceptor using it).
    fn self_signed() -> (String, TlsAcceptor) {
        let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()]).unwrap();
        let cert: CertificateDer<'static> = certified.cert.der().clone();
        let key =
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.key_pair.serialize_der()));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let server = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .unwrap();
        (certified.cert.pem(), TlsAcceptor::from(Arc::new(server)))
    }

    /// A TLS session trusting only the CA certificate `pem` (written to the
    /// returned directory), and the TCP connection it opened, not yet
    /// through the handshake.
    async fn tls_session_trusting(
        pem: &str,
    ) -> (tempfile::TempDir, SessionHandle, SessionEvents, TcpStream) {
        let dir = tempfile::tempdir().unwrap();
        let ca_file = dir.path().join("ca.pem");
        std::fs::write(&ca_file, pem).unwrap();
        let (listener, port) = listener().await;
        let (handle, events) = spawn(SessionConfig {
            tls: true,
            ca_file: Some(ca_file),
            ..config(port)
        });
        let (tcp, _) = timeout(PATIENCE, listener.accept()).await.unwrap().unwrap();
        (dir, handle, events, tcp)
    }

    #[tokio::test]
    async fn logs_in_over_tls_trusting_a_ca_file() {
        let (pem, acceptor) = self_signed();
        let (_dir, handle, mut events, tcp) = tls_session_trusting(&pem).await;
        let tls = acceptor.accept(tcp).await.unwrap();
        let mut peer = Peer::greet(tls).await;
        peer.accept_login().await;
        logged_in(&mut events).await;
        let ping = tokio::spawn(async move { handle.send(Action::new("Ping")).await });
        let action = peer.expect_action("Ping").await;
        peer.respond(&action, "Success", "Ping: Pong\r\n").await;
        assert!(
            timeout(PATIENCE, ping)
                .await
                .unwrap()
                .unwrap()
                .unwrap()
                .is_success()
        );
    }

    #[tokio::test]
    async fn an_untrusted_certificate_fails_without_falling_back_to_plaintext() {
        let (_, acceptor) = self_signed();
        let (other_pem, _) = self_signed();
        let (_dir, _handle, mut events, tcp) = tls_session_trusting(&other_pem).await;
        assert!(acceptor.accept(tcp).await.is_err());
        assert!(matches!(
            next_state(&mut events).await,
            ConnectionState::Connecting { .. }
        ));
        match next_state(&mut events).await {
            ConnectionState::Disconnected { reason, .. } => {
                assert!(reason.contains("refusing the certificate"), "{reason}");
                assert!(reason.contains("tls_fingerprint = \"sha256:"), "{reason}");
            }
            other => panic!("expected Disconnected, got {other:?}"),
        }
        assert_eq!(next_state(&mut events).await, ConnectionState::Stopped);
    }
}

mod pbx {
    use super::*;
    use amitop::sim::{PbxConfig, TestPbx};

    async fn start(config: PbxConfig) -> TestPbx {
        TestPbx::start(PbxConfig {
            login_failure_delay: Duration::from_millis(5),
            ..config
        })
        .await
        .unwrap()
    }

    fn session_for(pbx: &TestPbx) -> SessionConfig {
        config(pbx.addr().port())
    }

    async fn logged_in_to(config: SessionConfig) -> (SessionHandle, SessionEvents) {
        let (handle, mut events) = spawn(config);
        match next_state(&mut events).await {
            ConnectionState::Connecting { attempt: 1, .. } => {}
            other => panic!("expected Connecting, got {other:?}"),
        }
        match next_state(&mut events).await {
            ConnectionState::LoggedIn { banner } => {
                assert_eq!(banner.version.unwrap().to_string(), "11.0.0");
            }
            other => panic!("expected LoggedIn, got {other:?}"),
        }
        (handle, events)
    }

    fn names(actions: &[Message]) -> Vec<String> {
        actions
            .iter()
            .map(|a| a.get_or_empty("Action").into_owned())
            .collect()
    }

    #[tokio::test]
    async fn md5_login_never_sends_the_secret() {
        let pbx = start(PbxConfig::default()).await;
        let (handle, mut events) = logged_in_to(session_for(&pbx)).await;
        assert_eq!(next_event(&mut events).await, "FullyBooted");
        let sent = pbx.received_actions();
        assert_eq!(names(&sent), ["Challenge", "Login"]);
        assert!(sent[0].is("AuthType", "MD5"));
        assert!(sent[1].is("AuthType", "MD5") && sent[1].has("Key"));
        assert!(sent[1].is("Events", "on"));
        assert!(!sent[1].has("Secret"));

        handle.shutdown();
        assert_eq!(next_state(&mut events).await, ConnectionState::Stopped);
        assert_eq!(names(&pbx.received_actions())[2], "Logoff");
    }

    #[tokio::test]
    async fn plaintext_login_when_configured() {
        let pbx = start(PbxConfig::default()).await;
        let (_handle, _events) = logged_in_to(SessionConfig {
            auth: AuthMode::Plain,
            events: "system,call".into(),
            ..session_for(&pbx)
        })
        .await;
        let sent = pbx.received_actions();
        assert_eq!(names(&sent), ["Login"]);
        assert!(sent[0].is("Secret", "secret"));
        assert!(sent[0].is("Events", "system,call"));
    }

    #[tokio::test]
    async fn a_wrong_secret_is_reported_with_the_server_message() {
        let pbx = start(PbxConfig::default()).await;
        let (_handle, mut events) = spawn(SessionConfig {
            secret: "wrong".into(),
            ..session_for(&pbx)
        });
        assert!(matches!(
            next_state(&mut events).await,
            ConnectionState::Connecting { .. }
        ));
        assert_eq!(
            next_state(&mut events).await,
            ConnectionState::LoginRefused {
                message: "Authentication failed".into(),
                retry_in: None,
            }
        );
        assert_eq!(next_state(&mut events).await, ConnectionState::Stopped);
    }

    #[tokio::test]
    async fn a_list_action_returns_every_item_and_the_complete_event() {
        let pbx = start(PbxConfig::default()).await;
        pbx.start_call("100", "200", "Alice");
        let (handle, _events) = logged_in_to(session_for(&pbx)).await;
        let reply = handle.send(Action::new("CoreShowChannels")).await.unwrap();
        assert!(reply.is_success());
        let (last, items) = reply.events.split_last().unwrap();
        assert!(!items.is_empty());
        assert_eq!(items.len(), pbx.channel_count());
        assert!(items.iter().all(|e| e.is("Event", "CoreShowChannel")));
        assert!(last.is("EventList", "Complete"));
        assert_eq!(last.get("ListItems"), Some(items.len().to_string().into()));
    }

    #[tokio::test]
    async fn events_interleaved_with_a_list_reply_go_to_the_app() {
        let pbx = start(PbxConfig::default()).await;
        pbx.start_call("100", "200", "Alice");
        let (handle, mut events) = logged_in_to(session_for(&pbx)).await;
        assert_eq!(next_event(&mut events).await, "FullyBooted");
        pbx.start_call_during_next_list("101", "201", "Bob");
        let reply = handle.send(Action::new("CoreShowChannels")).await.unwrap();
        let id = reply.response.action_id().unwrap().into_owned();
        assert!(reply.events.iter().all(|e| e.is("ActionID", &id)));
        assert!(reply.events.last().unwrap().is("EventList", "Complete"));
        // The call started mid-list reached the app, not the reply.
        assert_eq!(next_event(&mut events).await, "Newchannel");
    }

    #[tokio::test]
    async fn command_output_comes_back_as_lines_in_both_forms() {
        for legacy_command in [false, true] {
            let pbx = start(PbxConfig {
                legacy_command,
                ..PbxConfig::default()
            })
            .await;
            let (handle, _events) = logged_in_to(session_for(&pbx)).await;
            let reply = handle
                .send(Action::new("Command").header("Command", "core show version"))
                .await
                .unwrap();
            assert!(reply.is_success(), "{:?}", reply.response);
            assert_eq!(reply.response.is("Response", "Follows"), legacy_command);
            let output = reply.output();
            assert_eq!(output.len(), 1, "{output:?}");
            assert!(
                output[0].starts_with("Asterisk 22.10.1 built by"),
                "{output:?}"
            );
        }
    }

    #[tokio::test]
    async fn an_error_reply_is_a_reply_not_a_failure() {
        let pbx = start(PbxConfig::default()).await;
        let (handle, _events) = logged_in_to(session_for(&pbx)).await;
        let reply = handle.send(Action::new("NoSuchAction")).await.unwrap();
        assert!(!reply.is_success());
        assert!(
            reply
                .message()
                .unwrap()
                .starts_with("Invalid/unknown command")
        );
    }

    #[tokio::test]
    async fn after_the_server_drops_us_the_session_logs_in_again() {
        let pbx = start(PbxConfig::default()).await;
        let (handle, mut events) = logged_in_to(SessionConfig {
            reconnect: true,
            ..session_for(&pbx)
        })
        .await;
        pbx.disconnect_clients();
        assert!(matches!(
            next_state(&mut events).await,
            ConnectionState::Disconnected {
                retry_in: Some(_),
                ..
            }
        ));
        assert!(matches!(
            next_state(&mut events).await,
            ConnectionState::Connecting { attempt: 1, .. }
        ));
        assert!(matches!(
            next_state(&mut events).await,
            ConnectionState::LoggedIn { .. }
        ));
        let logins = names(&pbx.received_actions())
            .into_iter()
            .filter(|name| name == "Login")
            .count();
        assert_eq!(logins, 2);
        assert!(handle.send(Action::new("Ping")).await.unwrap().is_success());
    }
}
