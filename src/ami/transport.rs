//! Opening the byte stream to the AMI port: plain TCP, or TLS over TCP.
//!
//! Why it exists: the rest of the session only needs "something to read and
//! write"; this file hides whether it is encrypted. TLS uses rustls with the
//! `ring` provider, trusting either the system roots or the certificates of
//! one PEM file (`ca_file`, typical for a PBX with a self-signed
//! certificate). When TLS was asked for and fails, the attempt fails: there
//! is never a silent fallback to plaintext, which would send the secret in
//! the clear.

use std::io;
use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject};
use rustls::{ClientConfig, RootCertStore};
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
    Tls { ca_file: Option<&'a Path> },
}

/// Why no stream could be opened.
#[derive(Debug, Error)]
pub(crate) enum ConnectError {
    #[error("cannot connect to {addr}: {source}")]
    Tcp { addr: String, source: io::Error },
    #[error("cannot read CA file {path}: {reason}")]
    CaFile { path: String, reason: String },
    #[error("no trusted CA certificates (system store empty; set ca_file)")]
    NoRoots,
    #[error("{0:?} is not a valid TLS server name")]
    ServerName(String),
    #[error("TLS setup failed: {0}")]
    TlsConfig(#[from] rustls::Error),
    #[error("TLS handshake with {addr} failed: {source}")]
    Handshake { addr: String, source: io::Error },
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
        Security::Tls { ca_file } => {
            let config = tls_config(ca_file)?;
            let name = ServerName::try_from(host.to_owned())
                .map_err(|_| ConnectError::ServerName(host.to_owned()))?;
            let stream = TlsConnector::from(Arc::new(config))
                .connect(name, tcp)
                .await
                .map_err(|source| ConnectError::Handshake { addr, source })?;
            Ok(Box::new(stream))
        }
    }
}

fn tls_config(ca_file: Option<&Path>) -> Result<ClientConfig, ConnectError> {
    let roots = match ca_file {
        Some(path) => roots_from_pem(path)?,
        None => system_roots()?,
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

fn roots_from_pem(path: &Path) -> Result<RootCertStore, ConnectError> {
    let ca_error = |reason: String| ConnectError::CaFile {
        path: path.display().to_string(),
        reason,
    };
    let mut roots = RootCertStore::empty();
    let certs = CertificateDer::pem_file_iter(path).map_err(|e| ca_error(e.to_string()))?;
    for cert in certs {
        let cert = cert.map_err(|e| ca_error(e.to_string()))?;
        roots.add(cert).map_err(|e| ca_error(e.to_string()))?;
    }
    if roots.is_empty() {
        return Err(ca_error("no certificate in it".into()));
    }
    Ok(roots)
}

fn system_roots() -> Result<RootCertStore, ConnectError> {
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
        return Err(ConnectError::NoRoots);
    }
    Ok(roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ca_file_without_certificates_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.pem");
        std::fs::write(&path, "not a certificate\n").unwrap();
        let err = tls_config(Some(&path)).unwrap_err();
        assert!(matches!(err, ConnectError::CaFile { .. }), "{err}");
        assert!(err.to_string().contains("empty.pem"));

        let missing = dir.path().join("missing.pem");
        let err = tls_config(Some(&missing)).unwrap_err();
        assert!(err.to_string().contains("missing.pem"), "{err}");
    }
}
