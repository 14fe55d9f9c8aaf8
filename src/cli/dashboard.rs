//! `amitop` with no subcommand: the live dashboard on this terminal,
//! connected to the configured server, or with `--demo` to a simulated PBX
//! started in this process.

use std::io::IsTerminal;

use crate::ami::session::{self, SessionConfig};
use crate::app::run_dashboard;
use crate::cli::error::CliError;
use crate::config::QueueOptions;
use crate::ops::supervise::SupervisorSettings;
use crate::ui::view::Pane;

/// What the dashboard takes from the flags and the config file.
#[derive(Debug, Default)]
pub struct Options {
    pub read_only: bool,
    /// The queue refresh and thresholds.
    pub queues: QueueOptions,
    /// The panes of the wide layout.
    pub layout: Option<Vec<Pane>>,
    /// The supervisor's phone and recordings.
    pub supervisor: SupervisorSettings,
}

pub async fn run(config: SessionConfig, title: String, options: Options) -> Result<(), CliError> {
    require_terminal()?;
    tracing::info!(config = ?config, "dashboard connecting");
    let (handle, events) = session::spawn(config);
    let Options {
        read_only,
        queues,
        layout,
        supervisor,
    } = options;
    run_dashboard(handle, events, title, read_only, queues, layout, supervisor)
        .await
        .map_err(|err| CliError::Usage(err.to_string()))
}

/// The dashboard on the built-in simulated PBX, through a real TCP
/// connection and the same session as a real server gets.
pub async fn run_demo(seed: u64, read_only: bool) -> Result<(), CliError> {
    require_terminal()?;
    let (pbx, addr, user) = crate::sim::start_demo(seed)
        .await
        .map_err(|err| CliError::Connection(format!("cannot start the simulated PBX: {err}")))?;
    let config = SessionConfig::new(
        addr.ip().to_string(),
        addr.port(),
        user.username,
        user.secret,
    );
    let mut title = format!("demo: simulated PBX, seed {seed}");
    if read_only {
        title.push_str(" (read-only)");
    }
    let options = Options {
        read_only,
        ..Options::default()
    };
    let result = run(config, title, options).await;
    drop(pbx);
    result
}

fn require_terminal() -> Result<(), CliError> {
    if std::io::stdout().is_terminal() {
        return Ok(());
    }
    Err(CliError::Usage(
        "the dashboard needs a terminal; for scripts use `amitop snapshot`, \
         `amitop tail` or `amitop send`"
            .to_owned(),
    ))
}
