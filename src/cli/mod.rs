//! The `amitop` command line: flags, config and logging set-up, and the
//! one-shot tools (`tail`, `send`, `replay`, `snapshot`) that work without
//! the dashboard.

pub mod args;
mod connect;
mod dashboard;
pub mod error;
pub mod render;
pub mod render_state;
mod replay;
mod send;
mod sim;
mod snapshot;
mod tail;

use std::process::ExitCode;

use clap::Parser;

use crate::ami::session::SessionConfig;
use crate::config::{self, ConfigFile};
pub use args::{Cli, Command, GlobalArgs};
pub use error::CliError;

/// Runs the command line and returns the process exit status.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // Help and version go to stdout with status 0, usage errors to
            // stderr with status 2.
            let _ = err.print();
            return ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2));
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("amitop: {err}");
            err.exit_code()
        }
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    let global = &cli.global();
    start_logging(global)?;
    let Some(command) = &cli.command else {
        if cli.demo {
            return block_on(dashboard::run_demo(cli.seed, global.read_only));
        }
        let file = config_file(global)?;
        let config = session_config(global, file.as_ref())?;
        let read_only =
            config::read_only(file.as_ref(), &global.connection_flags(), global.read_only)?;
        let mut title = global
            .connect
            .server
            .clone()
            .unwrap_or_else(|| config.addr());
        if read_only {
            title.push_str(" (read-only)");
        }
        let queues = file
            .as_ref()
            .map(ConfigFile::queue_options)
            .unwrap_or_default();
        let layout = file.and_then(|file| file.layout);
        return block_on(dashboard::run(config, title, read_only, queues, layout));
    };
    tracing::info!("amitop {} starting", command_name(command));
    match command {
        // Offline: no server, so no connection settings are needed.
        Command::Replay(args) => replay::run(args),
        Command::Tail(args) => block_on(tail::run(connection(global)?, args)),
        Command::Send(args) => {
            let file = config_file(global)?;
            let config = session_config(global, file.as_ref())?;
            let read_only =
                config::read_only(file.as_ref(), &global.connection_flags(), global.read_only)?;
            block_on(send::run(config, args, read_only))
        }
        Command::Snapshot(args) => block_on(snapshot::run(connection(global)?, args)),
        // A server, not a client: no connection settings either.
        Command::Sim(args) => block_on(sim::run(global, args)),
    }
}

/// Runs a command's future on a multi-threaded runtime.
fn block_on(command: impl Future<Output = Result<(), CliError>>) -> Result<(), CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|err| CliError::Connection(format!("cannot start the async runtime: {err}")))?
        .block_on(command)
}

fn command_name(command: &Command) -> &'static str {
    match command {
        Command::Tail(_) => "tail",
        Command::Send(_) => "send",
        Command::Replay(_) => "replay",
        Command::Snapshot(_) => "snapshot",
        Command::Sim(_) => "sim",
    }
}

/// Logs to `--log FILE`, which must be writable, or to the default file,
/// which may not be (then there is no log, and a warning says why).
fn start_logging(global: &GlobalArgs) -> Result<(), CliError> {
    match (&global.log, crate::logging::default_path()) {
        (Some(path), _) => crate::logging::init(path)
            .map_err(|err| CliError::Usage(format!("--log {}: {err}", path.display()))),
        (None, Some(path)) => {
            if let Err(err) = crate::logging::init(&path) {
                eprintln!(
                    "amitop: warning: no log file ({}: {err}); pick one with --log FILE",
                    path.display()
                );
            }
            Ok(())
        }
        (None, None) => Ok(()),
    }
}

/// The config file (`--config`, else the default place; none is fine
/// there), with a warning on stderr if others can read a secret in it.
fn config_file(global: &GlobalArgs) -> Result<Option<ConfigFile>, CliError> {
    let default = config::default_path();
    let file = ConfigFile::locate(global.connect.config.as_deref(), default.as_deref())?;
    if let Some(warning) = file.as_ref().and_then(ConfigFile::secret_exposure_warning) {
        eprintln!("amitop: {warning}");
    }
    Ok(file)
}

/// The session settings for a one-shot command.
fn connection(global: &GlobalArgs) -> Result<SessionConfig, CliError> {
    session_config(global, config_file(global)?.as_ref())
}

/// The session settings from the config file, flags and environment.
fn session_config(
    global: &GlobalArgs,
    file: Option<&ConfigFile>,
) -> Result<SessionConfig, CliError> {
    let mut session = config::resolve(file, &global.connection_flags(), |name| {
        std::env::var(name).ok()
    })?;
    session.record = global.connect.record.clone();
    Ok(session)
}
