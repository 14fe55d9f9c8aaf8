//! A bounded queue from one thread to another that wakes each of them
//! rarely. With `std::sync::mpsc::sync_channel` a producer faster than its
//! consumer finds the queue full after every item, so every receive wakes
//! it again: a futex call on the consumer's side per item. Here a producer
//! that found the queue full sleeps until a quarter of it is taken, so the
//! consumer wakes it once per quarter of a queue, early enough that the
//! three quarters left cover the time a woken thread takes to run again
//! (on a virtual machine, often a few hundred microseconds). The consumer
//! can also give emptied items back, for the producer to reuse, under the
//! same lock.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

/// The producer's end; dropping it tells the consumer no more will come.
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// The consumer's end; dropping it tells the producer to stop.
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
}

/// A queue of at most `capacity` items; a producer that filled it waits
/// until it is down to three quarters.
pub fn bounded<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    assert!(capacity > 0, "a hand-off needs room for one item");
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            queue: VecDeque::with_capacity(capacity),
            given_back: Vec::new(),
            producer_waits: false,
            consumer_waits: false,
            producer_gone: false,
            consumer_gone: false,
        }),
        capacity,
        resume_at: capacity - capacity.div_ceil(4),
        ready: Condvar::new(),
        room: Condvar::new(),
    });
    let sender = Sender {
        shared: Arc::clone(&shared),
    };
    (sender, Receiver { shared })
}

struct Shared<T> {
    state: Mutex<State<T>>,
    capacity: usize,
    /// Queue length at which a waiting producer is woken.
    resume_at: usize,
    /// Signalled when an item arrives for a waiting consumer.
    ready: Condvar,
    /// Signalled when a waiting producer may go on.
    room: Condvar,
}

struct State<T> {
    queue: VecDeque<T>,
    given_back: Vec<T>,
    // Who sleeps on a condition variable: notifying one costs a system call
    // even when nobody waits, so the other side notifies only these.
    producer_waits: bool,
    consumer_waits: bool,
    producer_gone: bool,
    consumer_gone: bool,
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // Nothing panics while holding the lock, so its state is whole even
        // if the other thread panicked elsewhere.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// One end going away: `mark_gone` records it and says whether the
    /// other end sleeps on `other_side`, which is then woken to see it.
    fn hang_up(&self, mark_gone: impl FnOnce(&mut State<T>) -> bool, other_side: &Condvar) {
        let other_waits = mark_gone(&mut self.lock());
        if other_waits {
            other_side.notify_one();
        }
    }
}

impl<T> Sender<T> {
    /// Queues `item`; once the queue is full, waits until the consumer has
    /// taken it down to three quarters. `Err(item)` if the consumer is gone.
    pub fn send(&self, item: T) -> Result<(), T> {
        let shared = &*self.shared;
        let mut state = shared.lock();
        if state.consumer_gone {
            return Err(item);
        }
        state.queue.push_back(item);
        let wake_consumer = std::mem::take(&mut state.consumer_waits);
        if state.queue.len() >= shared.capacity {
            if wake_consumer {
                shared.ready.notify_one();
            }
            while state.queue.len() > shared.resume_at && !state.consumer_gone {
                state.producer_waits = true;
                state = shared
                    .room
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            return Ok(());
        }
        drop(state);
        if wake_consumer {
            shared.ready.notify_one();
        }
        Ok(())
    }

    /// An item the consumer gave back, if any.
    pub fn take_back(&self) -> Option<T> {
        self.shared.lock().given_back.pop()
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let shared = &*self.shared;
        shared.hang_up(
            |state| {
                state.producer_gone = true;
                std::mem::take(&mut state.consumer_waits)
            },
            &shared.ready,
        );
    }
}

impl<T> Receiver<T> {
    /// The next item, waiting for one if need be; `None` once the queue is
    /// empty and the producer gone.
    pub fn recv(&self) -> Option<T> {
        let shared = &*self.shared;
        let mut state = shared.lock();
        loop {
            if let Some(item) = state.queue.pop_front() {
                let wake_producer = state.producer_waits && state.queue.len() <= shared.resume_at;
                if wake_producer {
                    state.producer_waits = false;
                }
                drop(state);
                if wake_producer {
                    shared.room.notify_one();
                }
                return Some(item);
            }
            if state.producer_gone {
                return None;
            }
            state.consumer_waits = true;
            state = shared
                .ready
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Hands `item` back for the producer to reuse.
    pub fn give_back(&self, item: T) {
        self.shared.lock().given_back.push(item);
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let shared = &*self.shared;
        shared.hang_up(
            |state| {
                state.consumer_gone = true;
                std::mem::take(&mut state.producer_waits)
            },
            &shared.room,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::thread;
    use std::time::Duration;

    #[test]
    fn items_arrive_in_order_and_end_when_the_sender_is_dropped() {
        let (sender, receiver) = bounded(4);
        thread::scope(|scope| {
            scope.spawn(move || {
                for i in 0..1_000 {
                    sender.send(i).unwrap();
                }
            });
            let got: Vec<i32> = std::iter::from_fn(|| receiver.recv()).collect();
            assert_eq!(got, (0..1_000).collect::<Vec<_>>());
        });
    }

    #[test]
    fn a_producer_that_filled_the_queue_waits_until_it_is_down_to_three_quarters() {
        let (sender, receiver) = bounded(8);
        thread::scope(|scope| {
            let producer = scope.spawn(move || {
                for i in 0..8 {
                    sender.send(i).unwrap();
                }
                sender
            });
            // The eighth send filled the queue: it returns only after two
            // items are taken.
            thread::sleep(Duration::from_millis(50));
            assert!(!producer.is_finished());
            assert_eq!(receiver.recv(), Some(0));
            thread::sleep(Duration::from_millis(50));
            assert!(!producer.is_finished());
            assert_eq!(receiver.recv(), Some(1));
            let sender = producer.join().unwrap();
            assert_eq!(receiver.shared.lock().queue.len(), 6);
            drop(sender);
            let rest: Vec<i32> = std::iter::from_fn(|| receiver.recv()).collect();
            assert_eq!(rest, (2..8).collect::<Vec<_>>());
        });
    }

    #[test]
    fn dropping_the_receiver_frees_a_waiting_producer() {
        let (sender, receiver) = bounded(2);
        thread::scope(|scope| {
            let producer = scope.spawn(move || {
                sender.send(1).unwrap();
                // Fills the queue and waits, until the receiver goes.
                sender.send(2).unwrap();
                sender.send(3)
            });
            thread::sleep(Duration::from_millis(50));
            drop(receiver);
            assert_eq!(producer.join().unwrap(), Err(3));
        });
    }

    #[test]
    fn items_given_back_reach_the_producer() {
        let (sender, receiver) = bounded(2);
        assert_eq!(sender.take_back(), None);
        sender.send(vec![1]).unwrap();
        let mut item = receiver.recv().unwrap();
        item.clear();
        receiver.give_back(item);
        assert_eq!(sender.take_back(), Some(vec![]));
        assert_eq!(sender.take_back(), None);
    }
}
