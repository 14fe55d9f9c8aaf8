//! `amitop tail`: print events as they arrive, until Ctrl-C (or SIGTERM),
//! then log off. Once logged in it rides out server restarts: connection
//! changes are reported on stderr and the session reconnects by itself.

use std::io::{self, Write};
use std::pin::pin;

use crate::ami::Message;
use crate::ami::session::{ConnectionState, SessionConfig, SessionEvent};
use crate::cli::args::TailArgs;
use crate::cli::connect::{connect, describe};
use crate::cli::error::CliError;
use crate::cli::render::message_json;
use crate::event_filter::EventFilter;

pub async fn run(mut config: SessionConfig, args: &TailArgs) -> Result<(), CliError> {
    let filter = EventFilter::new(&args.filter);
    config.reconnect = true;
    let mut session = connect(config, true).await?;
    let mut stop = pin!(stop_requested());

    let outcome = loop {
        let item = tokio::select! {
            _ = &mut stop => break Ok(()),
            item = session.events.recv() => item,
        };
        match item {
            Some(SessionEvent::Event(message)) => {
                if !filter.matches(message.event().as_deref()) {
                    continue;
                }
                match print(&message, args.json) {
                    Ok(()) => {}
                    // The reader went away (`amitop tail | head`): done.
                    Err(err) if err.kind() == io::ErrorKind::BrokenPipe => break Ok(()),
                    Err(err) => break Err(CliError::Output(err)),
                }
            }
            Some(SessionEvent::State(ConnectionState::Stopped)) | None => {
                break Err(CliError::Connection("the session ended".to_owned()));
            }
            Some(SessionEvent::State(state)) => eprintln!("amitop: {}", describe(&state)),
            Some(SessionEvent::Malformed(bad)) => eprintln!(
                "amitop: skipped a malformed message ({}): {:?}",
                bad.reason, bad.preview
            ),
            Some(SessionEvent::Overflow { dropped }) => {
                eprintln!("amitop: fell behind the server; {dropped} events were dropped")
            }
        }
    };
    session.close().await;
    outcome
}

/// One event on stdout, flushed at once so a pipe sees it live: the bytes as
/// received, or one JSON object on one line.
fn print(message: &Message, json: bool) -> io::Result<()> {
    let mut out = io::stdout().lock();
    if json {
        serde_json::to_writer(&mut out, &message_json(message))?;
        out.write_all(b"\n")?;
    } else {
        out.write_all(message.raw())?;
    }
    out.flush()
}

/// Resolves on Ctrl-C, or on SIGTERM on Unix. If no handler can be
/// installed it never resolves (the default signal action still applies).
pub(super) async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                result = tokio::signal::ctrl_c() => if result.is_err() { std::future::pending::<()>().await },
                _ = term.recv() => {}
            }
            return;
        }
    }
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}
