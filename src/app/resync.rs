//! Rebuilding the model after a (re)connection or an overflow.
//!
//! The app asks for a resync; this task sends the list actions one after
//! the other and hands each reply to the loop, which applies it through the
//! model like any event. Live events keep flowing meanwhile; the model's
//! mark-and-sweep removes only what no list reported and no live event
//! touched. An action the server does not know, or the user may not run,
//! answers with an error: it is skipped, and its kind is not swept.

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use crate::ami::Action;
use crate::ami::session::SessionHandle;
use crate::app::msg::ResyncStep;
use crate::model::ListKind;

/// What is sent, in order. `Status` is the fallback for servers without
/// `CoreShowChannels` (before Asterisk 1.6.2).
const ACTIONS: &[&str] = &[
    "CoreSettings",
    "CoreStatus",
    "CoreShowChannels",
    "BridgeList",
    "QueueStatus",
    "QueueSummary",
    "SIPshowregistry",
    "PJSIPShowRegistrationsOutbound",
    "IAXregistry",
    "SIPpeers",
    "IAXpeers",
    "PJSIPShowContacts",
];

/// Answers resync requests until either channel closes. Requests that
/// pile up during a resync are served by one more resync, not many.
pub async fn serve(
    handle: SessionHandle,
    mut requests: UnboundedReceiver<()>,
    steps: UnboundedSender<ResyncStep>,
) {
    while requests.recv().await.is_some() {
        while requests.try_recv().is_ok() {}
        if !run(&handle, &steps).await {
            return;
        }
    }
}

/// One resync; false when the loop has gone.
async fn run(handle: &SessionHandle, steps: &UnboundedSender<ResyncStep>) -> bool {
    if steps.send(ResyncStep::Started).is_err() {
        return false;
    }
    let mut completed = Vec::new();
    for name in ACTIONS {
        let mut reply = handle.send(Action::new(*name)).await;
        if *name == "CoreShowChannels" && !reply.as_ref().is_ok_and(|r| r.is_success()) {
            reply = handle.send(Action::new("Status")).await;
        }
        let reply = match reply {
            Ok(reply) if reply.is_success() => reply,
            Ok(reply) => {
                tracing::debug!(action = name, message = ?reply.message(), "resync action refused");
                continue;
            }
            Err(error) => {
                tracing::debug!(action = name, %error, "resync action failed");
                continue;
            }
        };
        for event in &reply.events {
            if let Some(kind) = event.event().and_then(|e| ListKind::completed_by(&e))
                && !completed.contains(&kind)
            {
                completed.push(kind);
            }
        }
        if steps.send(ResyncStep::Reply(reply)).is_err() {
            return false;
        }
    }
    steps.send(ResyncStep::Finished { completed }).is_ok()
}
