//! TLS as admins set it up, over real sockets: certificates made here with
//! rcgen both ways (a self-signed certificate flagged as a CA, as
//! `openssl req -x509` makes it; a CA plus a server certificate it signed),
//! a wrong host name, a pin, a wrong pin, and neither pin nor trusted chain.
//! Behind the TLS listener is the test PBX, so a success is a real login.

use std::sync::Arc;
use std::time::Duration;

use amitop::ami::{
    ConnectionState, Fingerprint, SessionConfig, SessionEvent, SessionEvents, spawn,
};
use amitop::sim::{PbxConfig, TestPbx};
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, SanType};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;
use tokio_rustls::TlsAcceptor;

const PATIENCE: Duration = Duration::from_secs(10);

/// A certificate for `names` (DNS names or IP addresses) and its key.
struct Made {
    der: CertificateDer<'static>,
    pem: String,
    key: KeyPair,
}

fn params(names: &[&str], is_ca: bool) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    for name in names {
        params.subject_alt_names.push(match name.parse() {
            Ok(ip) => SanType::IpAddress(ip),
            Err(_) => SanType::DnsName((*name).try_into().unwrap()),
        });
    }
    if is_ca {
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    }
    params
}

/// Self-signed and flagged as a CA, like `openssl req -x509`.
fn self_signed_ca_flagged(names: &[&str]) -> Made {
    let key = KeyPair::generate().unwrap();
    let cert = params(names, true).self_signed(&key).unwrap();
    Made {
        der: cert.der().clone(),
        pem: cert.pem(),
        key,
    }
}

/// A CA, and a server certificate for `names` it signed.
fn ca_and_server(names: &[&str]) -> (Made, Made) {
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = params(&[], true).self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = params(names, false)
        .signed_by(&key, &ca_cert, &ca_key)
        .unwrap();
    let ca = Made {
        der: ca_cert.der().clone(),
        pem: ca_cert.pem(),
        key: ca_key,
    };
    let server = Made {
        der: cert.der().clone(),
        pem: cert.pem(),
        key,
    };
    (ca, server)
}

/// A TLS port presenting `cert`, forwarding each connection to the PBX.
async fn tls_front(cert: &Made, pbx: &TestPbx) -> u16 {
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.der.clone()], key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(server));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let backend = pbx.addr();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A refused handshake just ends this connection.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut plain = TcpStream::connect(backend).await.unwrap();
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    port
}

/// Where the first connection attempt ends: logged in, or the reason.
async fn first_outcome(events: &mut SessionEvents) -> Result<(), String> {
    loop {
        match timeout(PATIENCE, events.recv()).await.unwrap() {
            Some(SessionEvent::State(ConnectionState::LoggedIn { .. })) => return Ok(()),
            Some(SessionEvent::State(ConnectionState::Disconnected { reason, .. })) => {
                return Err(reason);
            }
            Some(SessionEvent::State(ConnectionState::Connecting { .. })) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
}

/// Connects over TLS to `host` (which resolves to 127.0.0.1) with the
/// given trust, against a front presenting `cert`.
async fn connect(
    cert: &Made,
    host: &str,
    ca_pem: Option<&str>,
    pin: Option<Fingerprint>,
) -> Result<(), String> {
    let pbx = TestPbx::start(PbxConfig::default()).await.unwrap();
    let port = tls_front(cert, &pbx).await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = SessionConfig::new(host, port, "amitop", "secret");
    config.reconnect = false;
    config.tls = true;
    config.tls_fingerprint = pin;
    if let Some(pem) = ca_pem {
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, pem).unwrap();
        config.ca_file = Some(path);
    }
    let (handle, mut events) = spawn(config);
    let outcome = first_outcome(&mut events).await;
    handle.shutdown();
    // Never plaintext: every byte the PBX saw came through the TLS front,
    // so a refused handshake left it with no login at all.
    if outcome.is_err() {
        assert!(pbx.received_actions().is_empty());
    }
    outcome
}

#[tokio::test]
async fn a_self_signed_ca_flagged_certificate_given_as_ca_file_is_trusted() {
    let cert = self_signed_ca_flagged(&["127.0.0.1", "localhost"]);
    assert_eq!(
        connect(&cert, "127.0.0.1", Some(&cert.pem), None).await,
        Ok(())
    );
    assert_eq!(
        connect(&cert, "localhost", Some(&cert.pem), None).await,
        Ok(())
    );
}

#[tokio::test]
async fn a_server_certificate_signed_by_the_ca_file_is_trusted() {
    let (ca, server) = ca_and_server(&["localhost"]);
    assert_eq!(
        connect(&server, "localhost", Some(&ca.pem), None).await,
        Ok(())
    );
}

#[tokio::test]
async fn a_wrong_host_name_is_refused_both_ways() {
    let cert = self_signed_ca_flagged(&["pbx.example.com"]);
    let reason = connect(&cert, "127.0.0.1", Some(&cert.pem), None)
        .await
        .unwrap_err();
    assert!(reason.contains("refusing the certificate"), "{reason}");
    assert!(reason.contains("not valid for name"), "{reason}");

    let (ca, server) = ca_and_server(&["pbx.example.com"]);
    let reason = connect(&server, "localhost", Some(&ca.pem), None)
        .await
        .unwrap_err();
    assert!(reason.contains("not valid for name"), "{reason}");
}

#[tokio::test]
async fn without_pin_or_trusted_chain_it_refuses_and_prints_what_to_pin() {
    let cert = self_signed_ca_flagged(&["127.0.0.1"]);
    let expected = Fingerprint::of(&cert.der);
    let reason = connect(&cert, "127.0.0.1", None, None).await.unwrap_err();
    assert!(
        reason.contains(&format!("tls_fingerprint = \"{expected}\"")),
        "{reason}"
    );
    // A different certificate as ca_file: refused too, with the fingerprint.
    let other = self_signed_ca_flagged(&["127.0.0.1"]);
    let reason = connect(&cert, "127.0.0.1", Some(&other.pem), None)
        .await
        .unwrap_err();
    assert!(reason.contains(&expected.to_string()), "{reason}");
}

#[tokio::test]
async fn a_pinned_fingerprint_is_trusted_and_a_wrong_one_refused() {
    // The certificate names another host: the pin names the certificate
    // itself, so it is trusted anyway, as ssh trusts a known host key.
    let cert = self_signed_ca_flagged(&["pbx.example.com"]);
    let pin = Fingerprint::of(&cert.der);
    assert_eq!(connect(&cert, "127.0.0.1", None, Some(pin)).await, Ok(()));

    let wrong = Fingerprint::of(b"some other certificate");
    let reason = connect(&cert, "127.0.0.1", None, Some(wrong))
        .await
        .unwrap_err();
    assert!(
        reason.contains(&format!("not the pinned tls_fingerprint {wrong}")),
        "{reason}"
    );
    assert!(reason.contains(&pin.to_string()), "{reason}");
}
