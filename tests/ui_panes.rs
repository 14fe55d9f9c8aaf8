//! Every pane is reachable by the keys the help lists for it, on a small
//! and on a large terminal, and the header counts the same calls as the
//! calls pane, from the model's one grouping.

mod ui_support;

use amitop::ami::session::SessionEvent;
use amitop::app::{App, Msg};
use amitop::ui::keymap::{BINDINGS, Command};
use amitop::ui::view::Pane;
use crossterm::event::{Event, KeyCode, KeyEvent};
use ui_support::{NOW, fixture, msg, press, render};

fn reach_every_pane(width: u16, height: u16) {
    let mut app = fixture(width, height);
    for pane in Pane::ALL {
        let keys: Vec<_> = BINDINGS
            .iter()
            .filter(|b| b.command == Command::ShowPane(pane))
            .flat_map(|b| b.keys)
            .collect();
        assert!(!keys.is_empty(), "{pane:?} has no key");
        for key in keys {
            // Start elsewhere, so the key must do the move.
            let other = Pane::ALL[(pane.index() + 1) % Pane::ALL.len()];
            app.view.pane = other;
            app.handle(
                Msg::Input(Event::Key(KeyEvent::new(key.code, key.mods))),
                NOW,
            );
            assert_eq!(app.view.pane, pane, "{} at {width}x{height}", key.label());
            let title = format!("{} {}", pane.index() + 1, pane.title());
            let screen = render(&app);
            assert!(
                screen.contains(&title),
                "{title} at {width}x{height}:\n{screen}"
            );
        }
    }
    press(&mut app, KeyCode::Char('?'));
    let help = render(&app);
    for binding in BINDINGS
        .iter()
        .filter(|b| matches!(b.command, Command::ShowPane(_)))
    {
        assert!(
            help.contains(binding.description),
            "help lists {}",
            binding.description
        );
    }
}

#[test]
fn every_pane_is_reachable_by_its_keys_at_80x24() {
    reach_every_pane(80, 24);
}

#[test]
fn every_pane_is_reachable_by_its_keys_at_200x50() {
    reach_every_pane(200, 50);
}

/// `calls N` in the header, and `(N)` in the calls pane's title.
fn counts(app: &App) -> (String, String) {
    let screen = render(app);
    let header = screen
        .split("calls ")
        .skip(1)
        .filter_map(|rest| rest.split_whitespace().next())
        .find(|word| word.parse::<usize>().is_ok())
        .expect("header calls count")
        .to_owned();
    let pane = screen
        .split("2 Calls (")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .expect("calls pane title")
        .to_owned();
    (header, pane)
}

#[test]
fn the_header_and_the_calls_pane_count_the_same_calls() {
    let mut app = fixture(200, 50);
    let (header, pane) = counts(&app);
    assert_eq!(header, pane);
    // A new call, with no tick since: both see it in the same frame.
    app.handle(
        Msg::Session(SessionEvent::Event(msg(&[
            ("Event", "Newchannel"),
            ("Channel", "PJSIP/dave-00000009"),
            ("Uniqueid", "1700000095.9"),
            ("Linkedid", "1700000095.9"),
        ]))),
        NOW,
    );
    let (header_after, pane_after) = counts(&app);
    assert_eq!(header_after, pane_after);
    assert_eq!(
        header_after.parse::<usize>().unwrap(),
        header.parse::<usize>().unwrap() + 1
    );
    assert_eq!(app.state.calls().len().to_string(), header_after);
}
