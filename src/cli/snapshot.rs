//! `amitop snapshot`: connect, log in, rebuild the model from the server's
//! lists (the same resync the dashboard runs), print it and exit, like
//! `top -b -n 1`.

use tokio::sync::mpsc;

use crate::ami::session::SessionConfig;
use crate::cli::args::SnapshotArgs;
use crate::cli::connect::connect;
use crate::cli::error::CliError;
use crate::cli::replay::{epoch_now, print};
use crate::model::{State, render_json, render_text};
use crate::resync::{self, ResyncUpdate};

pub async fn run(mut config: SessionConfig, args: &SnapshotArgs) -> Result<(), CliError> {
    config.reconnect = false;
    // Live events would only race the lists; the lists are the snapshot.
    config.events = "off".to_owned();
    let session = connect(config, false).await?;
    let (tx, mut rx) = mpsc::channel(64);
    tokio::spawn(resync::run(session.handle.clone(), tx));

    let mut state = State::new();
    state.begin_resync();
    let mut finished = false;
    while let Some(update) = rx.recv().await {
        resync::apply_update(&mut state, &update, epoch_now());
        match update {
            ResyncUpdate::Note(note) => eprintln!("amitop: {note}"),
            ResyncUpdate::Finished => {
                finished = true;
                break;
            }
            ResyncUpdate::Reply(_) | ResyncUpdate::Sweep(_) => {}
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
