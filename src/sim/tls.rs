//! TLS for the simulator (`amitop sim --cert FILE --key FILE`), so the
//! client's TLS path (`ca_file`, `tls_fingerprint`) can be tried against a
//! server on this machine, as Asterisk serves it on port 5039.
//!
//! Why it exists: the certificate and key come from PEM files the user
//! names; each way they can be wrong (missing, no certificate in it, no
//! key, a key that is not the certificate's) is a sentence naming the file,
//! found before the server listens.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject};
use tokio_rustls::TlsAcceptor;

use crate::ami::Fingerprint;

/// The certificate the simulator presents, ready to accept connections.
#[derive(Clone)]
pub struct SimTls {
    acceptor: TlsAcceptor,
    fingerprint: Fingerprint,
}

impl fmt::Debug for SimTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimTls")
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

impl SimTls {
    /// Reads the certificate chain (server certificate first) from `cert`
    /// and its private key from `key`, both PEM.
    pub fn from_pem_files(cert: &Path, key: &Path) -> Result<SimTls, String> {
        let unreadable = |path: &Path, what: &str, err: &dyn fmt::Display| {
            format!(
                "--cert/--key: cannot read {what} from {}: {err}",
                path.display()
            )
        };
        let chain = CertificateDer::pem_file_iter(cert)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(|err| unreadable(cert, "a PEM certificate", &err))?;
        let Some(leaf) = chain.first() else {
            return Err(format!(
                "--cert {}: no certificate in it (expected a PEM \
                 -----BEGIN CERTIFICATE----- block)",
                cert.display()
            ));
        };
        let fingerprint = Fingerprint::of(leaf);
        let private = PrivateKeyDer::from_pem_file(key)
            .map_err(|err| unreadable(key, "a PEM private key", &err))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(|builder| {
                builder
                    .with_no_client_auth()
                    .with_single_cert(chain, private)
            })
            .map_err(|err| {
                format!(
                    "--cert {} --key {}: {err} (is the key the certificate's?)",
                    cert.display(),
                    key.display()
                )
            })?;
        Ok(SimTls {
            acceptor: TlsAcceptor::from(Arc::new(config)),
            fingerprint,
        })
    }

    /// The SHA-256 fingerprint of the certificate presented, to pin with
    /// `tls_fingerprint`.
    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    pub(super) fn acceptor(&self) -> &TlsAcceptor {
        &self.acceptor
    }
}
