//! Opening the byte stream to the AMI port: plain TCP, or TLS over TCP.
//!
//! Why it exists: the rest of the session only needs "something to read and
//! write"; this file hides whether it is encrypted. TLS uses rustls with the
//! `ring` provider, trusting a pinned fingerprint, the certificates of one
//! PEM file (`ca_file`, typical for a PBX with a self-signed certificate) or
//! the system roots (see `tls.rs`). When TLS was asked for and fails, the
//! attempt fails, saying which fingerprint to pin if the certificate was the
//! problem: there is never a silent fallback to plaintext, which would send
//! the secret in the clear.

use std::io;
use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject};
use rustls::{ClientConfig, RootCertStore};

use super::tls::{Fingerprint, Refused, Trust};
use thiserror::Error;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// A connected byte stream, plain or encrypted.
pub(crate) trait AmiStream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> AmiStream for T {}

/// Whether and how to encrypt.
pub(crate) enum Security<'a> {
    Plain,
    Tls {
        ca_file: Option<&'a Path>,
        pin: Option<Fingerprint>,
    },
}

/// Why no stream could be opened.
#[derive(Debug, Error)]
pub(crate) enum ConnectError {
    #[error("cannot connect to {addr}: {source}")]
    Tcp { addr: String, source: io::Error },
    #[error("cannot read CA file {path}: {reason}")]
    CaFile { path: String, reason: String },
    #[error("{0:?} is not a valid TLS server name")]
    ServerName(String),
    #[error("TLS setup failed: {0}")]
    TlsConfig(#[from] rustls::Error),
    #[error("TLS handshake with {addr} failed: {source}")]
    Handshake { addr: String, source: io::Error },
    #[error(
        "TLS: refusing the certificate of {addr}: {source}. Its fingerprint is {fingerprint}; \
         if that is your server's certificate (check on the server: openssl x509 -noout \
         -fingerprint -sha256 -in its certificate), pin it with tls_fingerprint = \
         \"{fingerprint}\" in this server's config table, or give its CA as ca_file"
    )]
    Untrusted {
        addr: String,
        source: io::Error,
        fingerprint: Fingerprint,
    },
}

/// Connects to `host:port`, then runs the TLS handshake if asked.
pub(crate) async fn connect(
    host: &str,
    port: u16,
    security: Security<'_>,
) -> Result<Box<dyn AmiStream>, ConnectError> {
    let addr = format!("{host}:{port}");
    let tcp = TcpStream::connect((host, port))
        .await
        .map_err(|source| ConnectError::Tcp {
            addr: addr.clone(),
            source,
        })?;
    // AMI actions are small and latency matters more than packet count.
    let _ = tcp.set_nodelay(true);
    match security {
        Security::Plain => Ok(Box::new(tcp)),
        Security::Tls { ca_file, pin } => {
            let refused = Refused::default();
            let config = tls_config(ca_file, pin, refused.clone())?;
            let name = ServerName::try_from(host.to_owned())
                .map_err(|_| ConnectError::ServerName(host.to_owned()))?;
            let stream = TlsConnector::from(Arc::new(config))
                .connect(name, tcp)
                .await
                .map_err(|source| {
                    let fingerprint = *refused.lock().unwrap_or_else(|e| e.into_inner());
                    match fingerprint {
                        Some(fingerprint) => ConnectError::Untrusted {
                            addr,
                            source,
                            fingerprint,
                        },
                        None => ConnectError::Handshake { addr, source },
                    }
                })?;
            Ok(Box::new(stream))
        }
    }
}

fn tls_config(
    ca_file: Option<&Path>,
    pin: Option<Fingerprint>,
    refused: Refused,
) -> Result<ClientConfig, ConnectError> {
    let (exact, roots) = match (ca_file, pin) {
        (Some(path), _) => {
            let certs = certs_from_pem(path)?;
            let roots = roots_of(path, &certs)?;
            (certs, Some(roots))
        }
        // A pin alone trusts nothing else.
        (None, Some(_)) => (Vec::new(), None),
        // No system roots: every certificate is refused, with its
        // fingerprint to pin.
        (None, None) => (Vec::new(), system_roots()),
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let trust = Trust::new(&provider, pin, exact, roots, refused)?;
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(trust))
        .with_no_client_auth())
}

fn ca_error(path: &Path, reason: String) -> ConnectError {
    ConnectError::CaFile {
        path: path.display().to_string(),
        reason,
    }
}

fn certs_from_pem(path: &Path) -> Result<Vec<CertificateDer<'static>>, ConnectError> {
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| ca_error(path, e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ca_error(path, e.to_string()))?;
    if certs.is_empty() {
        return Err(ca_error(path, "no certificate in it".into()));
    }
    Ok(certs)
}

fn roots_of(path: &Path, certs: &[CertificateDer<'static>]) -> Result<RootCertStore, ConnectError> {
    let mut roots = RootCertStore::empty();
    for cert in certs {
        roots
            .add(cert.clone())
            .map_err(|e| ca_error(path, e.to_string()))?;
    }
    Ok(roots)
}

fn system_roots() -> Option<RootCertStore> {
    let found = rustls_native_certs::load_native_certs();
    for error in &found.errors {
        tracing::warn!(%error, "could not load some system CA certificates");
    }
    let mut roots = RootCertStore::empty();
    let (added, ignored) = roots.add_parsable_certificates(found.certs);
    if ignored > 0 {
        tracing::debug!(added, ignored, "skipped unparsable system CA certificates");
    }
    if roots.is_empty() {
        tracing::warn!("no system CA certificates: only ca_file or tls_fingerprint can be trusted");
        return None;
    }
    Some(roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ca_file_without_certificates_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.pem");
        std::fs::write(&path, "not a certificate\n").unwrap();
        let err = tls_config(Some(&path), None, Refused::default()).unwrap_err();
        assert!(matches!(err, ConnectError::CaFile { .. }), "{err}");
        assert!(err.to_string().contains("empty.pem"));

        let missing = dir.path().join("missing.pem");
        let err = tls_config(Some(&missing), None, Refused::default()).unwrap_err();
        assert!(err.to_string().contains("missing.pem"), "{err}");
    }
}
