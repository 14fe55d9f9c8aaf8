//! The channel from the session task to the application, which never blocks
//! the sender.
//!
//! Why it exists: Asterisk drops a client whose socket it cannot write to
//! within `writetimeout` (100 ms by default), so the task reading the socket
//! must never wait for a slow application. A plain bounded channel would make
//! it wait; an unbounded one would grow without limit. This queue holds at
//! most `bound` events and malformed-frame notices; beyond that it counts what
//! it drops and hands the application one [`SessionEvent::Overflow`] in their
//! place, so the application knows to resynchronise. Connection state changes
//! are rare and always kept, so the application never misses one.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;

use super::session_types::SessionEvent;

struct Inner {
    items: VecDeque<SessionEvent>,
    /// Events and malformed notices currently queued (what `bound` limits).
    droppable: usize,
    bound: usize,
    sender_gone: bool,
    receiver_gone: bool,
}

struct Shared {
    inner: Mutex<Inner>,
    wake: Notify,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Nothing below can panic while holding the lock; recover anyway.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The session task's end.
pub(crate) struct EventSender {
    shared: Arc<Shared>,
}

/// The application's end: connection states, unclaimed events, malformed
/// frames and overflow notices, in the order they happened.
pub struct SessionEvents {
    shared: Arc<Shared>,
}

/// A queue that keeps at most `bound` droppable items (at least one).
pub(crate) fn channel(bound: usize) -> (EventSender, SessionEvents) {
    let shared = Arc::new(Shared {
        inner: Mutex::new(Inner {
            items: VecDeque::new(),
            droppable: 0,
            bound: bound.max(1),
            sender_gone: false,
            receiver_gone: false,
        }),
        wake: Notify::new(),
    });
    (
        EventSender {
            shared: shared.clone(),
        },
        SessionEvents { shared },
    )
}

fn is_droppable(event: &SessionEvent) -> bool {
    matches!(event, SessionEvent::Event(_) | SessionEvent::Malformed(_))
}

impl EventSender {
    /// Queues `event` without waiting. An event or malformed notice that does
    /// not fit is counted into an `Overflow` at this point of the stream.
    pub(crate) fn push(&self, event: SessionEvent) {
        let mut inner = self.shared.lock();
        if inner.receiver_gone {
            return;
        }
        if is_droppable(&event) {
            if inner.droppable >= inner.bound {
                match inner.items.back_mut() {
                    Some(SessionEvent::Overflow { dropped }) => *dropped += 1,
                    _ => inner.items.push_back(SessionEvent::Overflow { dropped: 1 }),
                }
                return;
            }
            inner.droppable += 1;
        }
        inner.items.push_back(event);
        drop(inner);
        self.shared.wake.notify_one();
    }
}

impl Drop for EventSender {
    fn drop(&mut self) {
        self.shared.lock().sender_gone = true;
        self.shared.wake.notify_one();
    }
}

impl SessionEvents {
    /// The next item; `None` once the session has ended and all is read.
    pub async fn recv(&mut self) -> Option<SessionEvent> {
        loop {
            // `notify_one` stores a permit when nobody waits, so a push
            // between `try_take` and `notified()` is not lost.
            match self.try_take() {
                Ok(item) => return item,
                Err(()) => self.shared.wake.notified().await,
            }
        }
    }

    /// The next item if one is queued right now.
    pub fn try_recv(&mut self) -> Option<SessionEvent> {
        self.try_take().ok().flatten()
    }

    /// `Ok(Some)` an item, `Ok(None)` closed and drained, `Err` empty for now.
    fn try_take(&mut self) -> Result<Option<SessionEvent>, ()> {
        let mut inner = self.shared.lock();
        match inner.items.pop_front() {
            Some(item) => {
                if is_droppable(&item) {
                    inner.droppable -= 1;
                }
                Ok(Some(item))
            }
            None if inner.sender_gone => Ok(None),
            None => Err(()),
        }
    }
}

impl Drop for SessionEvents {
    fn drop(&mut self) {
        let mut inner = self.shared.lock();
        inner.receiver_gone = true;
        inner.items.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ami::Message;
    use crate::ami::session_types::ConnectionState;

    fn event(name: &str) -> SessionEvent {
        SessionEvent::Event(Message::from_pairs([("Event", name)]))
    }

    fn name(item: Option<SessionEvent>) -> String {
        match item {
            Some(SessionEvent::Event(m)) => m.event().unwrap().into_owned(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn overflow_counts_drops_where_they_happened_and_keeps_states() {
        let (tx, mut rx) = channel(2);
        tx.push(event("A"));
        tx.push(event("B"));
        tx.push(event("C"));
        tx.push(SessionEvent::State(ConnectionState::Stopped));
        tx.push(event("D"));
        tx.push(event("E"));
        assert_eq!(name(rx.try_recv()), "A");
        tx.push(event("F"));
        assert_eq!(name(rx.try_recv()), "B");
        assert!(matches!(
            rx.try_recv(),
            Some(SessionEvent::Overflow { dropped: 1 })
        ));
        assert!(matches!(
            rx.try_recv(),
            Some(SessionEvent::State(ConnectionState::Stopped))
        ));
        assert!(matches!(
            rx.try_recv(),
            Some(SessionEvent::Overflow { dropped: 2 })
        ));
        assert_eq!(name(rx.try_recv()), "F");
        assert!(rx.try_recv().is_none());
    }

    #[tokio::test]
    async fn recv_wakes_on_push_and_ends_after_the_sender_is_gone() {
        let (tx, mut rx) = channel(4);
        let reader = tokio::spawn(async move {
            let first = name(rx.recv().await);
            let end = rx.recv().await;
            (first, end.is_none())
        });
        tokio::task::yield_now().await;
        tx.push(event("Late"));
        drop(tx);
        assert_eq!(reader.await.unwrap(), ("Late".to_owned(), true));
    }

    #[test]
    fn nothing_is_kept_for_a_receiver_that_left() {
        let (tx, rx) = channel(1);
        drop(rx);
        tx.push(event("A"));
        assert!(tx.shared.lock().items.is_empty());
    }
}
