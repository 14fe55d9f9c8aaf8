//! The loop stays responsive under a flood, checked structurally: with
//! 100,000 session events pending and a key press queued, the key takes
//! effect after at most one batch of events.

use std::collections::VecDeque;
use std::io;
use std::task::Poll;

use amitop::ami::session::SessionEvent;
use amitop::app::run::{BATCH, SessionSource, drive};
use crossterm::event::{Event, KeyCode, KeyEvent};
use futures_util::stream;
use tokio::sync::mpsc::channel;

/// A session whose events are all already waiting.
struct Flood(VecDeque<SessionEvent>);

impl SessionSource for Flood {
    // Takes the event only when polled, like the real queue, so a `select!`
    // that drops this future loses nothing.
    async fn recv(&mut self) -> Option<SessionEvent> {
        self.0.pop_front()
    }
    fn try_recv(&mut self) -> Option<SessionEvent> {
        self.0.pop_front()
    }
}

fn flood(count: usize) -> Flood {
    let events = (0..count)
        .map(|i| {
            let id = format!("1700000000.{i}");
            let name = format!("SIP/flood-{i:08}");
            SessionEvent::Event(crate::support::msg(&[
                ("Event", "Newchannel"),
                ("Channel", &name),
                ("Uniqueid", &id),
                ("ChannelStateDesc", "Ring"),
            ]))
        })
        .collect();
    Flood(events)
}

#[tokio::test]
async fn a_key_waits_for_at_most_one_batch() {
    const PENDING: usize = 100_000;
    let (mut app, _requests) = crate::support::ui::new_app(80, 24);
    let mut session = flood(PENDING);
    // The key arrives just after the loop first looked at the keyboard: it
    // is not ready on the first poll, and ready from the second on.
    let mut polled = false;
    let mut keys = vec![Event::Key(KeyEvent::from(KeyCode::Char('q')))];
    let input = stream::poll_fn(move |cx| {
        if !polled {
            polled = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        match keys.pop() {
            Some(key) => Poll::Ready(Some(Ok::<_, io::Error>(key))),
            None => Poll::Pending,
        }
    });
    let (_updates_tx, mut updates) = channel(1);
    // Channels known at each frame. How many frames there are depends on
    // the CPU (one is due every FRAME, and a loaded machine can take that
    // long over a batch), so the test checks what each frame shows instead.
    let mut frames = Vec::new();
    drive(&mut app, input, &mut session, &mut updates, |app| {
        frames.push(app.state.channels.len());
        Ok(())
    })
    .await
    .expect("loop");

    assert!(app.quit);
    let handled = PENDING - session.0.len();
    assert_eq!(handled, BATCH, "the key waited for {handled} events");
    assert_eq!(app.state.channels.len(), BATCH);
    // The first frame is drawn before anything else happens, and no frame
    // waited for more than the one batch either.
    assert_eq!(frames.first(), Some(&0));
    assert!(
        frames.iter().all(|&channels| channels <= BATCH),
        "{frames:?}"
    );
}

#[tokio::test]
async fn the_loop_ends_when_the_user_quits_even_if_the_session_ended() {
    let (mut app, _requests) = crate::support::ui::new_app(80, 24);
    let mut session = Flood(VecDeque::new());
    let input = stream::iter([Ok::<_, io::Error>(Event::Key(KeyEvent::from(
        KeyCode::Char('q'),
    )))]);
    let (_updates_tx, mut updates) = channel(1);
    drive(&mut app, input, &mut session, &mut updates, |_| Ok(()))
        .await
        .expect("loop");
    assert!(app.quit);
}

/// After an overflow the app starts a new resync; what the one it replaced
/// still sends (lists read before the events it missed) never reaches the
/// model, and the event log says events were dropped.
#[test]
fn an_overflow_replaces_the_resync_and_says_so() {
    use amitop::ami::codec::{AmiVersion, Banner};
    use amitop::ami::session::ConnectionState;
    use amitop::app::Msg;
    use amitop::resync::ResyncUpdate;

    let (mut app, mut orders) = crate::support::ui::new_app(80, 24);
    let banner = Banner {
        text: "Asterisk Call Manager/11.0.0".into(),
        version: AmiVersion::parse("11.0.0"),
    };
    let logged_in = SessionEvent::State(ConnectionState::LoggedIn { banner });
    app.handle(Msg::Session(logged_in), crate::support::ui::NOW);
    let at_login = orders.try_recv().expect("a resync at login");
    for dropped in [3, 5] {
        app.handle(
            Msg::Session(SessionEvent::Overflow { dropped }),
            crate::support::ui::NOW,
        );
    }
    let _first_after = orders.try_recv().expect("a resync after the overflow");
    let last = orders
        .try_recv()
        .expect("a resync after the second overflow");
    assert!(
        at_login.try_send(ResyncUpdate::Finished).is_err(),
        "a replaced resync still reaches the app"
    );
    last.try_send(ResyncUpdate::Finished).unwrap();
    let updates = app.resync_updates().as_mut().expect("a resync running");
    assert!(matches!(updates.try_recv(), Ok(ResyncUpdate::Finished)));

    let overflows: Vec<String> = (app.state.log.iter())
        .filter(|e| e.name() == "Overflow")
        .map(|e| e.summary())
        .collect();
    assert_eq!(overflows.len(), 1, "one marker for a run of overflows");
    assert!(overflows[0].contains("3 events dropped"), "{overflows:?}");
    assert!(overflows[0].contains("resyncing"), "{overflows:?}");
}
