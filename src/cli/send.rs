//! `amitop send`: one action, its full reply on stdout, and an exit status
//! that tells scripts how it went.

use std::io::{self, Write};

use crate::ami::session::{Reply, SessionConfig};
use crate::cli::args::SendArgs;
use crate::cli::connect::connect;
use crate::cli::error::CliError;
use crate::cli::render::{reply_json, write_reply_text};

/// Sends the action of `args`; with `read_only` (the flag, or the server's
/// `read_only = true`), only one that changes nothing, by the same rule as
/// the dashboard ([`crate::ops::permit`]).
pub async fn run(
    mut config: SessionConfig,
    args: &SendArgs,
    read_only: bool,
) -> Result<(), CliError> {
    // Refuse a bad action before connecting, as the usage error it is.
    let headers = (args.headers.iter()).map(|(key, value)| (key.as_str(), value.as_str()));
    let action =
        crate::ops::any_action(&args.action, headers, read_only).map_err(CliError::Usage)?;

    // One action, one reply: no retries, and no event stream to wade through
    // (list items are part of the reply whatever the event mask).
    config.reconnect = false;
    config.events = "off".to_owned();
    let session = connect(config, false).await?;
    let result = session.handle.send(action).await;
    session.close().await;
    let reply = result?;

    match print(&reply, args.json) {
        Ok(()) => {}
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => {}
        Err(err) => return Err(CliError::Output(err)),
    }
    if reply.is_success() {
        Ok(())
    } else {
        Err(CliError::ServerError(
            reply
                .message()
                .unwrap_or_else(|| "(no Message header)".to_owned()),
        ))
    }
}

fn print(reply: &Reply, json: bool) -> io::Result<()> {
    let mut out = io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &reply_json(reply))?;
        out.write_all(b"\n")?;
    } else {
        write_reply_text(&mut out, reply)?;
    }
    out.flush()
}
