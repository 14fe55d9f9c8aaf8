//! Why a command failed, and the exit status each reason maps to. Scripts
//! rely on these numbers; `amitop --help` lists them.

use std::process::ExitCode;

use thiserror::Error;

use crate::ami::session::SendError;
use crate::config::ConfigError;

/// A failed command. The message is printed to stderr as `amitop: ...`;
/// none of them may carry a secret.
#[derive(Debug, Error)]
pub enum CliError {
    /// The server answered `Response: Error` (exit 1).
    #[error("the server answered Error: {0}")]
    ServerError(String),
    /// Bad arguments (exit 2).
    #[error("{0}")]
    Usage(String),
    /// A bad or missing configuration (exit 2).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// No connection, a refused login, or a connection lost mid-command (exit 3).
    #[error("{0}")]
    Connection(String),
    /// No answer in time (exit 4).
    #[error("{0}")]
    Timeout(String),
    /// Stdout could not be written (exit 1; a closed pipe is not an error).
    #[error("cannot write to stdout: {0}")]
    Output(std::io::Error),
}

impl CliError {
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            CliError::ServerError(_) | CliError::Output(_) => 1,
            CliError::Usage(_) | CliError::Config(_) => 2,
            CliError::Connection(_) => 3,
            CliError::Timeout(_) => 4,
        })
    }
}

impl From<SendError> for CliError {
    fn from(err: SendError) -> Self {
        match err {
            SendError::Invalid(invalid) => CliError::Usage(invalid.to_string()),
            SendError::Timeout(after) => {
                CliError::Timeout(format!("no reply within {}", seconds(after)))
            }
            other @ (SendError::NotConnected | SendError::Disconnected | SendError::Closed) => {
                CliError::Connection(other.to_string())
            }
        }
    }
}

/// A duration as a user reads it: `10 s`, `2.5 s`.
pub fn seconds(duration: std::time::Duration) -> String {
    format!("{} s", duration.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn each_failure_has_its_documented_status() {
        let code = |e: CliError| e.exit_code();
        assert_eq!(code(CliError::ServerError("x".into())), ExitCode::from(1));
        assert_eq!(code(CliError::Usage("x".into())), ExitCode::from(2));
        assert_eq!(code(CliError::Connection("x".into())), ExitCode::from(3));
        assert_eq!(
            code(SendError::Timeout(Duration::from_secs(10)).into()),
            ExitCode::from(4)
        );
        assert_eq!(code(SendError::Disconnected.into()), ExitCode::from(3));
    }

    #[test]
    fn timeouts_read_in_seconds() {
        let err: CliError = SendError::Timeout(Duration::from_millis(2500)).into();
        assert_eq!(err.to_string(), "no reply within 2.5 s");
    }
}
