//! Where a connection's settings come from: the config file
//! (`~/.config/amitop/config.toml` or `--config FILE`), the command line and
//! the environment. `file` parses and checks the TOML; `resolve` merges the
//! sources into the session's configuration.

mod file;
mod resolve;

use std::path::PathBuf;
use std::time::Duration;

use thiserror::Error;

use crate::ami::Fingerprint;

pub use file::{ConfigFile, EventMask, QUEUE_REFRESH, Seconds, ServerEntry, default_path};
pub use resolve::{ConnectionFlags, SECRET_ENV, read_only, resolve, supervisor};

/// What the dashboard does with queues: how often it reads their lists
/// again (`queue_refresh`) and when one needs attention (`[thresholds]`).
#[derive(Clone, Debug, PartialEq)]
pub struct QueueOptions {
    pub refresh: Duration,
    pub thresholds: crate::model::queues::Thresholds,
}

impl Default for QueueOptions {
    fn default() -> QueueOptions {
        QueueOptions {
            refresh: QUEUE_REFRESH,
            thresholds: Default::default(),
        }
    }
}

impl ConfigFile {
    /// The file's queue settings.
    pub fn queue_options(&self) -> QueueOptions {
        QueueOptions {
            refresh: self.queue_refresh,
            thresholds: self.thresholds.clone(),
        }
    }
}

/// Why no usable configuration came out. Messages name the file, the line or
/// the flag involved, and never include a secret.
#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("config file {} not found", path.display())]
    NotFound { path: PathBuf },

    #[error("cannot read config file {}: {source}", path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("{}:{line}:{column}: {message}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },

    #[error(
        "--server {name}: there is no such server in {}{}",
        path.display(),
        known_servers(known)
    )]
    UnknownServer {
        name: String,
        path: PathBuf,
        known: Vec<String>,
    },

    #[error(
        "--server {name} was given, but there is no config file \
         (create one, or name it with --config FILE)"
    )]
    NoConfigForServer { name: String },

    #[error("no username for {server}: pass --user NAME or set `username`")]
    MissingUsername { server: String },

    #[error(
        "no secret for {server}: set {}{}, or `secret` in the config file",
        SECRET_ENV,
        unset_secret_env.as_ref().map(|v| format!(" or {v} (named by secret_env, but unset)")).unwrap_or_default()
    )]
    MissingSecret {
        server: String,
        unset_secret_env: Option<String>,
    },

    #[error(
        "a CA file is set ({}) but TLS is off: add --tls or `tls = true`",
        ca_file.display()
    )]
    CaFileWithoutTls { ca_file: PathBuf },

    #[error("tls_fingerprint is set ({fingerprint}) but TLS is off: add --tls or `tls = true`")]
    FingerprintWithoutTls { fingerprint: Fingerprint },
}

fn known_servers(known: &[String]) -> String {
    if known.is_empty() {
        " (it defines none)".to_owned()
    } else {
        format!(" (known: {})", known.join(", "))
    }
}
