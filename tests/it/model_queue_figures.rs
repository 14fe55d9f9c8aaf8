//! Live queue figures against real servers: each capture is replayed into
//! the whole model, and every `QueueParams`, `QueueSummary` and
//! `QueueMember` item of a reply that follows an earlier one for the same
//! queue must equal what the model built from the events in between
//! (checked just before the item is applied).

use std::collections::BTreeSet;

use crate::support::queue_figures::differences;
use crate::support::timed_messages;
use amitop::model::State;

/// Replays `name`; returns how many items were compared, and panics with
/// every disagreement.
fn check(name: &str) -> usize {
    let mut state = State::new();
    // Queues whose members a QueueStatus listed, and whose figures have a base.
    let mut listed: BTreeSet<String> = BTreeSet::new();
    let mut based: BTreeSet<String> = BTreeSet::new();
    let mut params_seen: BTreeSet<String> = BTreeSet::new();
    let mut compared = 0;
    let mut wrong = Vec::new();
    for (n, (now, m)) in timed_messages(name).iter().enumerate() {
        let event = m.event().unwrap_or_default().into_owned();
        let queue = m.get_or_empty("Queue").into_owned();
        let comparable = match event.as_str() {
            "QueueParams" => params_seen.contains(&queue),
            "QueueSummary" => based.contains(&queue) && listed.contains(&queue),
            "QueueMember" | "QueueEntry" => listed.contains(&queue),
            _ => false,
        };
        if comparable {
            compared += 1;
            for (key, server, model) in differences(&state, m, Some(*now)) {
                wrong.push(format!(
                    "message {}: {event} {queue} {}: {key} is {server}, the model says {model}",
                    n + 1,
                    m.get_or_empty("Location")
                ));
            }
        }
        state.apply(m, *now);
        match event.as_str() {
            "QueueParams" => {
                params_seen.insert(queue.clone());
                based.insert(queue);
            }
            "QueueSummary" => {
                based.insert(queue);
            }
            "QueueStatusComplete" => {
                listed.extend(
                    state
                        .queues
                        .by_name
                        .keys()
                        .filter(|q| based.contains(*q))
                        .cloned(),
                );
            }
            _ => {}
        }
    }
    assert!(wrong.is_empty(), "{name}:\n{}", wrong.join("\n"));
    compared
}

#[test]
fn c3_figures_follow_the_events_between_replies() {
    assert_eq!(check("c3_queue.ami"), 8);
}

#[test]
fn b3_figures_follow_the_events_between_replies() {
    assert_eq!(check("b3_queues.ami"), 6);
}

#[test]
fn e5_figures_follow_the_events_between_replies() {
    assert_eq!(check("e5_queue_pause_reason.ami"), 24);
}
