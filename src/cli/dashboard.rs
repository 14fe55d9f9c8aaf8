//! `amitop` with no subcommand: the live dashboard on this terminal,
//! connected to the configured server.

use std::io::IsTerminal;

use crate::ami::session::{self, SessionConfig};
use crate::app::run_dashboard;
use crate::cli::error::CliError;

pub async fn run(config: SessionConfig, title: String, read_only: bool) -> Result<(), CliError> {
    if !std::io::stdout().is_terminal() {
        return Err(CliError::Usage(
            "the dashboard needs a terminal; for scripts use `amitop snapshot`, \
             `amitop tail` or `amitop send`"
                .to_owned(),
        ));
    }
    tracing::info!(config = ?config, "dashboard connecting");
    let (handle, events) = session::spawn(config);
    run_dashboard(handle, events, title, read_only)
        .await
        .map_err(|err| CliError::Usage(err.to_string()))
}
