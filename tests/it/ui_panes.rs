//! Every pane is reachable by the keys the help lists for it (at most two),
//! on a small and on a large terminal, the config's `layout` picks the
//! wide screen's panes, and the header counts the same calls as the
//! calls pane, from the model's one grouping.

use amitop::ami::session::SessionEvent;
use amitop::app::{App, Msg};
use std::path::Path;

use crate::support::msg;
use crate::support::ui::{NOW, fixture, press, render};
use amitop::config::ConfigFile;
use amitop::ui::keymap::{Command, Context, Key, bindings};
use amitop::ui::view::Pane;
use crossterm::event::{Event, KeyCode, KeyEvent};
use ratatui::layout::Rect;

/// Every key sequence the keymap binds to showing `pane`: its one key, and
/// the go-to prefix then its letter.
fn sequences(pane: Pane) -> Vec<Vec<Key>> {
    let prefix = bindings()
        .find(|b| b.command == Command::GoTo)
        .expect("a go-to prefix")
        .keys[0];
    bindings()
        .filter(|b| b.command == Command::ShowPane(pane))
        .flat_map(|b| {
            b.keys.iter().map(move |key| match b.context {
                Context::GoTo => vec![prefix, *key],
                _ => vec![*key],
            })
        })
        .collect()
}

fn reach_every_pane(width: u16, height: u16) {
    let mut app = fixture(width, height);
    for &pane in Pane::ALL {
        let sequences = sequences(pane);
        assert!(!sequences.is_empty(), "{pane:?} has no key");
        for keys in sequences {
            assert!(keys.len() <= 2, "{pane:?} takes {} keys", keys.len());
            // Start elsewhere, so the keys must do the move.
            app.view.pane = pane.step(1);
            for key in &keys {
                app.handle(
                    Msg::Input(Event::Key(KeyEvent::new(key.code, key.mods))),
                    NOW,
                );
            }
            let typed: Vec<String> = keys.iter().map(Key::label).collect();
            assert_eq!(app.view.pane, pane, "{typed:?} at {width}x{height}");
            let title = format!("{} {}", pane.shortcut(), pane.title());
            let screen = render(&app);
            assert!(
                screen.contains(&title),
                "{title} at {width}x{height}:\n{screen}"
            );
        }
    }
    press(&mut app, KeyCode::Char('?'));
    // Tall enough for the whole help, so no line is scrolled away.
    app.view.area = Rect::new(0, 0, width, 200);
    let help = render(&app);
    for binding in bindings().filter(|b| matches!(b.command, Command::ShowPane(_))) {
        let key = binding.keys[0].label();
        assert!(
            help.lines().any(|line| {
                let row = line.trim_matches(|c| c == '│' || c == ' ');
                row.starts_with(&format!("{key} ")) && row.ends_with(binding.description)
            }),
            "help lists {key} {}:\n{help}",
            binding.description
        );
    }
}

/// A key that is not a pane letter after the prefix does nothing, and
/// the prefix is gone: the next key has its usual meaning.
#[test]
fn a_stray_key_after_the_go_to_prefix_is_dropped() {
    let mut app = fixture(80, 24);
    press(&mut app, KeyCode::Char('v'));
    press(&mut app, KeyCode::Char('z'));
    assert_eq!(app.view.pane, Pane::Channels);
    press(&mut app, KeyCode::Char('3'));
    assert_eq!(app.view.pane, Pane::Queues);
}

/// A config file's `layout` is what the wide screen shows, in its order;
/// the other panes stay on the tab bar.
#[test]
fn the_configured_layout_shows_those_panes_at_200x50() {
    let config = ConfigFile::parse(
        Path::new("amitop.toml"),
        "layout = [\"queues\", \"events\", \"calls\"]\n",
    )
    .expect("config");
    let mut app = fixture(200, 50);
    app.view.layout = config.layout.expect("layout");
    app.view.pane = Pane::Events;
    let screen = render(&app);
    for pane in [Pane::Queues, Pane::Events, Pane::Calls] {
        let title = format!("{} {} (", pane.shortcut(), pane.title());
        assert!(screen.contains(&title), "{title}:\n{screen}");
    }
    for pane in [Pane::Channels, Pane::Registrations] {
        let title = format!("{} {} (", pane.shortcut(), pane.title());
        assert!(!screen.contains(&title), "{title}:\n{screen}");
        let tab = format!(" {} {} ", pane.shortcut(), pane.tab());
        assert!(screen.contains(&tab), "{tab} on the tab bar:\n{screen}");
    }
    let queues = screen.find("3 Queues (").unwrap();
    let events = screen.find("5 Event log (").unwrap();
    let calls = screen.find("2 Calls (").unwrap();
    assert!(queues < events && events < calls, "in the layout's order");
    // A pane outside the layout opens full screen.
    press(&mut app, KeyCode::Char('1'));
    let screen = render(&app);
    assert!(screen.contains("1 Channels ("), "{screen}");
    assert!(!screen.contains("3 Queues ("), "{screen}");
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
