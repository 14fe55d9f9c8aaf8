//! `amitop replay`: a recorded `.ami` stream through the codec and the model,
//! printed as the state it leaves (for bug reports, scripting and tests).

use std::io::{self, Write};

use crate::cli::args::ReplayArgs;
use crate::cli::error::CliError;
use crate::cli::render_state::{render_json, render_text};
use crate::model::{ReplayOptions, replay_from};

pub fn run(args: &ReplayArgs) -> Result<(), CliError> {
    let unreadable = |err: io::Error| CliError::Usage(format!("{}: {err}", args.file.display()));
    // Streamed, not read whole: memory stays flat however big the file.
    let file = std::fs::File::open(&args.file).map_err(unreadable)?;
    let options = ReplayOptions {
        from: args.from,
        until: args.until,
        now: args.now.unwrap_or_else(epoch_now),
    };
    let outcome = replay_from(file, options).map_err(unreadable)?;
    for bad in &outcome.malformed {
        eprintln!("amitop: skipped a malformed frame: {bad}");
    }
    if !outcome.malformed.is_empty() {
        eprintln!(
            "amitop: {} of the stream's frames were skipped; the state may lack what they said",
            outcome.malformed.len()
        );
    }
    let document = if args.json {
        render_json(&outcome.state)
    } else {
        render_text(&outcome.state)
    };
    print(&document)
}

/// Writes a document to stdout; a closed pipe (`| head`) is not an error.
pub fn print(document: &str) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    let written = out
        .write_all(document.as_bytes())
        .and_then(|()| {
            if document.ends_with('\n') {
                Ok(())
            } else {
                out.write_all(b"\n")
            }
        })
        .and_then(|()| out.flush());
    match written {
        Err(err) if err.kind() != io::ErrorKind::BrokenPipe => Err(CliError::Output(err)),
        _ => Ok(()),
    }
}

/// The current time as epoch seconds.
pub fn epoch_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or_default()
}
