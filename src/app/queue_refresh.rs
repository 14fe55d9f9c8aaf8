//! Re-reading the queue lists while the dashboard runs.
//!
//! Why it exists: events move the queue figures (see
//! `model::queues::QueueFigures`), but some changes send none: a queue
//! reload, `queue reset stats`, a member added in the config. So every
//! `queue_refresh` seconds the queue lists are read again and their items
//! applied like the resync's, which re-bases the figures on the server's.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior, interval_at};

use crate::ami::{Action, SessionHandle};
use crate::resync::ResyncUpdate;

/// The lists that carry the queue figures.
const LISTS: [&str; 2] = ["QueueStatus", "QueueSummary"];

/// Sends the queue lists every `every` (first after one period) and hands
/// each reply to the loop; ends when the loop stops listening. A list the
/// server refuses or a connection that is down skips that turn.
pub async fn refresh_queues(
    handle: SessionHandle,
    every: Duration,
    updates: mpsc::Sender<ResyncUpdate>,
) {
    let mut tick = interval_at(Instant::now() + every, every);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        for list in LISTS {
            let Ok(reply) = handle.send(Action::new(list)).await else {
                continue;
            };
            if !reply.is_success() {
                continue;
            }
            if updates.send(ResyncUpdate::Reply(reply)).await.is_err() {
                return;
            }
        }
    }
}
