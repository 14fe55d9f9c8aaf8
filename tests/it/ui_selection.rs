//! Selection by identity, against the real app and model: the selected row
//! stays the same row while calls come and go above it in the table's
//! order, an action opened afterwards acts on it, and when it goes the
//! selection lands on the row now at its place.

use crate::support::msg;
use crate::support::ui::{NOW, fixture, press, render};
use amitop::ami::session::SessionEvent;
use amitop::app::{App, Msg};
use amitop::ui::panes::ModelTables;
use amitop::ui::view::{RowId, TableData, TableId};
use crossterm::event::KeyCode;
use tokio::sync::mpsc::unbounded_channel;

fn event(app: &mut App, pairs: &[(&str, &str)]) {
    app.handle(Msg::Session(SessionEvent::Event(msg(pairs))), NOW);
}

fn new_channel(app: &mut App, name: &str, uniqueid: &str) {
    event(
        app,
        &[
            ("Event", "Newchannel"),
            ("Channel", name),
            ("ChannelState", "6"),
            ("ChannelStateDesc", "Up"),
            ("Uniqueid", uniqueid),
            ("Linkedid", uniqueid),
        ],
    );
}

fn hang_up(app: &mut App, uniqueid: &str) {
    event(app, &[("Event", "Hangup"), ("Uniqueid", uniqueid)]);
}

/// The channel the channels table highlights once the loop has followed
/// the data (as it does before every frame), and its row.
fn selected(app: &mut App) -> (String, usize) {
    app.follow(NOW);
    let lens = ModelTables {
        state: &app.state,
        now: NOW,
    };
    let index = app.view.table(TableId::Channels).selected;
    let Some(RowId::Channel(uniqueid)) = lens.target(&app.view, TableId::Channels, index) else {
        panic!("no channel at row {index}");
    };
    let name = app
        .state
        .channels
        .get(&uniqueid)
        .expect("live")
        .name
        .clone();
    (name, index)
}

/// The fixture's channels sort by name: carol, yamada, alice, bob.
const YAMADA: &str = "PJSIP/yamada-00000004";

#[test]
fn the_selection_stays_on_its_channel_while_rows_come_and_go_above_it() {
    let mut app = fixture(100, 30);
    press(&mut app, KeyCode::Down);
    assert_eq!(selected(&mut app), (YAMADA.into(), 1));

    new_channel(&mut app, "PJSIP/aaron-00000010", "1700000090.10");
    new_channel(&mut app, "PJSIP/abby-00000011", "1700000090.11");
    assert_eq!(selected(&mut app), (YAMADA.into(), 3));

    hang_up(&mut app, "1700000010.3"); // carol, above
    hang_up(&mut app, "1700000090.10");
    assert_eq!(selected(&mut app), (YAMADA.into(), 1));

    // Moving goes on from where the channel now is.
    new_channel(&mut app, "PJSIP/aaa-00000012", "1700000090.12");
    press(&mut app, KeyCode::Down);
    assert_eq!(selected(&mut app), ("SIP/alice-00000001".into(), 3));
}

#[test]
fn an_action_after_churn_targets_the_channel_the_operator_picked() {
    let mut app = fixture(100, 30);
    let (outbox, mut sent) = unbounded_channel();
    app.set_actions(outbox, false);
    press(&mut app, KeyCode::Down);
    app.follow(NOW);
    // Calls come and go between the last frame and the key.
    new_channel(&mut app, "PJSIP/aaron-00000010", "1700000090.10");
    hang_up(&mut app, "1700000010.3");
    new_channel(&mut app, "PJSIP/abby-00000011", "1700000090.11");

    press(&mut app, KeyCode::Char('H'));
    let screen = render(&app);
    assert!(screen.contains(&format!("Hang up {YAMADA}?")), "{screen}");
    press(&mut app, KeyCode::Char('y'));
    let request = sent.try_recv().expect("a request was sent");
    let headers: Vec<(&str, &str)> = request
        .action
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(headers, [("Channel", YAMADA)]);
}

#[test]
fn when_the_selected_row_goes_the_row_now_at_its_place_is_selected() {
    let mut app = fixture(100, 30);
    press(&mut app, KeyCode::Down);
    assert_eq!(selected(&mut app), (YAMADA.into(), 1));
    hang_up(&mut app, "1700000011.4");
    assert_eq!(selected(&mut app), ("SIP/alice-00000001".into(), 1));

    // The last row gone: the new last row.
    press(&mut app, KeyCode::End);
    assert_eq!(selected(&mut app), ("SIP/bob-00000002".into(), 2));
    hang_up(&mut app, "1700000041.2");
    assert_eq!(selected(&mut app), ("SIP/alice-00000001".into(), 1));
}
