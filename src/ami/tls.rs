//! Deciding whether to trust the server's TLS certificate.
//!
//! Why it exists: the most common Asterisk TLS set-up is a self-signed
//! certificate made with `openssl req -x509`, which marks it as a CA; the
//! stock WebPKI check refuses such a certificate as an end entity
//! (`CaUsedAsEndEntity`) even when it is the very certificate given as
//! `ca_file`. So, in this order:
//! - with `tls_fingerprint = "sha256:..."`, exactly the certificate with that
//!   SHA-256 fingerprint is trusted, as ssh trusts a known host key (no
//!   chain or name check: the pin names the certificate itself);
//! - a certificate that is itself one of the `ca_file` certificates is
//!   trusted as given, its host name still checked;
//! - anything else must chain to `ca_file` (or the system roots) and match
//!   the host name.
//!
//! A refusal records the certificate's fingerprint, so the error can print
//! what to pin, as ssh does for an unknown host. There is no "insecure"
//! switch.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{DigitallySignedStruct, Error, RootCertStore, SignatureScheme};

/// A certificate's SHA-256 fingerprint.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The fingerprint of a DER certificate.
    pub fn of(cert: &[u8]) -> Fingerprint {
        let digest = ring::digest::digest(&ring::digest::SHA256, cert);
        let mut bytes = [0; 32];
        bytes.copy_from_slice(digest.as_ref());
        Fingerprint(bytes)
    }

    /// Parses `sha256:AB:CD:...` (what [`Fingerprint`] prints, and what
    /// `openssl x509 -noout -fingerprint -sha256` prints after its `=`):
    /// 64 hex digits, colons optional, any case.
    pub fn parse(text: &str) -> Option<Fingerprint> {
        let text = text.trim();
        let hex = text
            .get(..7)
            .filter(|p| p.eq_ignore_ascii_case("sha256:"))
            .map_or(text, |_| &text[7..]);
        let digits: Vec<u8> = hex
            .bytes()
            .filter(|b| *b != b':')
            .map(|b| (b as char).to_digit(16).map(|d| d as u8))
            .collect::<Option<_>>()?;
        if digits.len() != 64 {
            return None;
        }
        let mut bytes = [0; 32];
        for (byte, pair) in bytes.iter_mut().zip(digits.chunks(2)) {
            *byte = pair[0] << 4 | pair[1];
        }
        Some(Fingerprint(bytes))
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("sha256:")?;
        for (i, byte) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{byte:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The fingerprint of the certificate last refused, for the error message.
pub(crate) type Refused = Arc<Mutex<Option<Fingerprint>>>;

/// What the user told us to trust.
#[derive(Debug)]
pub(crate) struct Trust {
    pin: Option<Fingerprint>,
    /// The `ca_file` certificates, each trusted as itself.
    exact: Vec<CertificateDer<'static>>,
    /// Chain building to `ca_file` or the system roots; none with only a pin.
    chain: Option<Arc<WebPkiServerVerifier>>,
    algorithms: WebPkiSupportedAlgorithms,
    refused: Refused,
}

impl Trust {
    pub(crate) fn new(
        provider: &Arc<CryptoProvider>,
        pin: Option<Fingerprint>,
        exact: Vec<CertificateDer<'static>>,
        roots: Option<RootCertStore>,
        refused: Refused,
    ) -> Result<Trust, Error> {
        let chain = match roots {
            Some(roots) => Some(
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                    .build()
                    .map_err(|e| Error::General(e.to_string()))?,
            ),
            None => None,
        };
        Ok(Trust {
            pin,
            exact,
            chain,
            algorithms: provider.signature_verification_algorithms,
            refused,
        })
    }

    fn refuse(&self, cert: &CertificateDer<'_>, error: Error) -> Error {
        *self.refused.lock().unwrap_or_else(PoisonError::into_inner) = Some(Fingerprint::of(cert));
        error
    }
}

impl ServerCertVerifier for Trust {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        if let Some(pin) = self.pin {
            let seen = Fingerprint::of(end_entity);
            if seen == pin {
                return Ok(ServerCertVerified::assertion());
            }
            let why = format!("its fingerprint is not the pinned tls_fingerprint {pin}");
            return Err(self.refuse(end_entity, Error::General(why)));
        }
        if self.exact.iter().any(|c| c.as_ref() == end_entity.as_ref()) {
            let parsed =
                ParsedCertificate::try_from(end_entity).map_err(|e| self.refuse(end_entity, e))?;
            rustls::client::verify_server_name(&parsed, server_name)
                .map_err(|e| self.refuse(end_entity, e))?;
            return Ok(ServerCertVerified::assertion());
        }
        let Some(chain) = &self.chain else {
            let why = "no tls_fingerprint or trusted certificate matches it".to_owned();
            return Err(self.refuse(end_entity, Error::General(why)));
        };
        chain
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            .map_err(|e| self.refuse(end_entity, e))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_print_and_parse_both_ways() {
        let fp = Fingerprint::of(b"certificate bytes");
        let printed = fp.to_string();
        assert!(printed.starts_with("sha256:"));
        assert_eq!(printed.len(), 7 + 32 * 3 - 1);
        assert_eq!(Fingerprint::parse(&printed), Some(fp));
        let bare: String = printed[7..].replace(':', "").to_lowercase();
        assert_eq!(Fingerprint::parse(&bare), Some(fp));
        assert_eq!(Fingerprint::parse("sha256:AB"), None);
        assert_eq!(Fingerprint::parse(&format!("{bare}zz")), None);
    }
}
