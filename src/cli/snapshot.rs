//! `amitop snapshot`: connect, log in, rebuild the model from the server's
//! lists (the same resync the dashboard runs), print it and exit, like
//! `top -b -n 1`.
//!
//! It sees what the dashboard sees: events stay on, because some of the
//! picture only comes as events (`FullyBooted` right after login, and
//! list items without an ActionID such as Asterisk 22's IAX2 `PeerEntry`),
//! and every event that arrives meanwhile is applied as the dashboard
//! applies it.

use tokio::sync::mpsc;

use crate::ami::session::{SessionConfig, SessionEvent};
use crate::cli::args::SnapshotArgs;
use crate::cli::connect::connect;
use crate::cli::error::CliError;
use crate::cli::render_state::{render_json, render_text};
use crate::cli::replay::{epoch_now, print};
use crate::model::State;
use crate::resync::{self, ResyncUpdate};

pub async fn run(mut config: SessionConfig, args: &SnapshotArgs) -> Result<(), CliError> {
    config.reconnect = false;
    let mut session = connect(config, false).await?;
    let (tx, mut rx) = mpsc::channel(64);
    tokio::spawn(resync::run(session.handle.clone(), tx));

    let mut state = State::new();
    state.begin_resync();
    let mut finished = false;
    let mut events_open = true;
    while !finished {
        tokio::select! {
            update = rx.recv() => {
                let Some(update) = update else { break };
                resync::apply_update(&mut state, &update, epoch_now());
                match update {
                    ResyncUpdate::Note(note) => eprintln!("amitop: {note}"),
                    ResyncUpdate::Finished => finished = true,
                    ResyncUpdate::Reply(_) | ResyncUpdate::Sweep(_) => {}
                }
            }
            event = session.events.recv(), if events_open => match event {
                Some(SessionEvent::Event(message)) => state.apply(&message, epoch_now()),
                Some(_) => {}
                None => events_open = false,
            },
        }
    }
    // Events already waiting (they arrived before the last list ended).
    while let Some(event) = session.events.try_recv() {
        if let SessionEvent::Event(message) = event {
            state.apply(&message, epoch_now());
        }
    }
    session.close().await;
    if !finished {
        return Err(CliError::Connection(
            "the connection ended before the snapshot was complete".to_owned(),
        ));
    }
    state.queues.tick(epoch_now());
    print(&if args.json {
        render_json(&state)
    } else {
        render_text(&state)
    })
}
