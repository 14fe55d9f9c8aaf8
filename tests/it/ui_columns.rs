//! What issue 12 saw in the tables, rendered through the real app: column
//! widths that follow content, numbers right-aligned and never cut, one
//! meaning for the sort arrow, trunk trouble first and counted, and a
//! detail view that outlives its channel.

use crate::support::msg;
use crate::support::ui::{NOW, fixture, press, render};
use amitop::ami::Message;
use amitop::ami::session::SessionEvent;
use amitop::app::{App, Msg};
use crossterm::event::KeyCode;

fn feed(app: &mut App, events: Vec<Message>) {
    for event in events {
        app.handle(Msg::Session(SessionEvent::Event(event)), NOW - 1.0);
    }
}

/// The lines of `screen` holding `needle`.
fn lines_with<'s>(screen: &'s str, needle: &str) -> Vec<&'s str> {
    screen.lines().filter(|l| l.contains(needle)).collect()
}

#[test]
fn twelve_callers_show_whole_positions_and_names_right_aligned() {
    let mut app = fixture(80, 50);
    let callers = (2..=12).map(|n| {
        msg(&[
            ("Event", "QueueCallerJoin"),
            ("Queue", "support"),
            ("Channel", &format!("SIP/trunk-{n:08}")),
            ("Uniqueid", &format!("1700000090.{n}")),
            ("CallerIDNum", &format!("55512{n:02}")),
            ("CallerIDName", &format!("Customer Number {n} Of Many")),
            ("Position", &n.to_string()),
            ("Count", &n.to_string()),
        ])
    });
    feed(&mut app, callers.collect());
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Down); // support, after sales
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Tab); // the callers
    let screen = render(&app);
    // The 12th caller: its position whole and right-aligned under "Pos",
    // and its name whole (the Channel column gives way first).
    let row = lines_with(&screen, "Customer Number 12 Of Many <5551212>");
    assert_eq!(row.len(), 1, "{screen}");
    assert!(row[0].starts_with("│  12 "), "{screen}");
    assert!(
        lines_with(&screen, "│   9 Customer Number 9 Of Many").len() == 1,
        "{screen}"
    );
    assert!(!screen.contains('…'), "nothing is cut:\n{screen}");
}

#[test]
fn a_short_queue_name_leaves_its_room_to_the_others() {
    let mut app = fixture(80, 24);
    press(&mut app, KeyCode::Char('3'));
    let screen = render(&app);
    // "support" is 7 cells: the Queue column is as wide as its title with
    // the arrow, or its longest name, not the pane's spare room.
    let heading = lines_with(&screen, "Queue▲")[0];
    assert!(heading.starts_with("│Queue▲  In Free Wait"), "{screen}");
    // Counts are right-aligned under their titles (support has one member
    // logged in: Erin's device is unavailable, and app_queue counts her out).
    assert!(
        lines_with(&screen, "│support")[0].starts_with("│support  1    1    1"),
        "{screen}"
    );
}

#[test]
fn an_empty_column_gives_its_room_to_a_cut_one() {
    // At 200 columns every channel column fits; the fixture's only account
    // code is Alice's.
    let mut app = fixture(200, 30);
    press(&mut app, KeyCode::Char('1'));
    assert!(render(&app).contains("Account"));
    feed(
        &mut app,
        vec![msg(&[
            ("Event", "NewAccountCode"),
            ("Channel", "SIP/alice-00000001"),
            ("Uniqueid", "1700000040.1"),
            ("AccountCode", ""),
        ])],
    );
    let screen = render(&app);
    assert!(!screen.contains("Account"), "{screen}");
}

#[test]
fn the_sort_arrow_points_the_same_way_in_every_column() {
    let mut app = fixture(80, 24);
    press(&mut app, KeyCode::Char('1'));
    // Column 0 (Channel) ascending: A to Z under ▲.
    let screen = render(&app);
    assert!(screen.contains("Channel▲"), "{screen}");
    let order = |screen: &str, names: [&str; 2]| {
        let at = |name| screen.find(name).expect(name);
        at(names[0]) < at(names[1])
    };
    assert!(order(&screen, ["PJSIP/carol", "SIP/bob"]));
    // Time (column 5, the 4th shown at 80 columns) ascending too: the
    // shortest first, Bob's 59s before Carol's 1:30.
    for _ in 0..5 {
        press(&mut app, KeyCode::Char('s'));
    }
    let screen = render(&app);
    assert!(screen.contains("Time▲"), "{screen}");
    assert!(order(&screen, ["SIP/bob", "PJSIP/carol"]), "{screen}");
    // Reversed, every column is descending under ▼.
    press(&mut app, KeyCode::Char('S'));
    let screen = render(&app);
    assert!(screen.contains("Time▼"), "{screen}");
    assert!(order(&screen, ["PJSIP/carol", "SIP/bob"]), "{screen}");
}

#[test]
fn trunk_trouble_comes_first_and_the_header_counts_it() {
    let mut app = fixture(120, 30);
    feed(
        &mut app,
        vec![
            msg(&[
                ("Event", "PeerEntry"),
                ("Channeltype", "SIP"),
                ("ObjectName", "carrier"),
                ("IPaddress", "192.0.2.7"),
                ("IPport", "5060"),
                ("Status", "LAGGED (2500 ms)"),
                ("Description", "Carrier B backup"),
            ]),
            msg(&[
                ("Event", "PeerStatus"),
                ("ChannelType", "SIP"),
                ("Peer", "SIP/guess"),
                ("PeerStatus", "Rejected"),
                ("Cause", "AUTH_SECRET_FAILED"),
            ]),
        ],
    );
    press(&mut app, KeyCode::Char('4'));
    let screen = render(&app);
    let rows: Vec<&str> = [
        "SIP/guess",
        "SIP/bob",
        "SIP/carrier",
        "SIP/alice",
        "SIP/acct1",
    ]
    .iter()
    .map(|name| lines_with(&screen, name)[0])
    .collect();
    let at = |row: &str| screen.find(row).unwrap();
    assert!(rows.windows(2).all(|w| at(w[0]) < at(w[1])), "{screen}");
    assert!(rows[0].contains("Rejected"), "{screen}");
    // The latency beside the state, and the description.
    assert!(
        rows[2].contains("LAGGED      2500 ms SIP/carrier"),
        "{screen}"
    );
    assert!(rows[2].contains("Carrier B backup"), "{screen}");
    assert!(
        rows[3].contains("Reachable     12 ms SIP/alice"),
        "{screen}"
    );
    assert!(screen.contains("down 2 · lagged 1 · calls 2"), "{screen}");
}

#[test]
fn a_detail_view_keeps_its_channel_after_the_hangup() {
    let mut app = fixture(80, 24);
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Enter); // PJSIP/carol-00000003
    assert!(render(&app).contains("Channel PJSIP/carol-00000003 · Esc"));
    feed(
        &mut app,
        vec![msg(&[
            ("Event", "Hangup"),
            ("Channel", "PJSIP/carol-00000003"),
            ("Uniqueid", "1700000010.3"),
            ("Cause", "16"),
            ("Cause-txt", "Normal Clearing"),
        ])],
    );
    let screen = render(&app);
    assert!(
        screen.contains("hung up 1s ago: 16 Normal Clearing"),
        "{screen}"
    );
    assert!(
        screen.contains("Channel PJSIP/carol-00000003 (gone)"),
        "{screen}"
    );
    assert!(screen.contains("caller id name         Carol"), "{screen}");
    assert!(!screen.contains("no longer exists"), "{screen}");
    // The kept view still scrolls.
    press(&mut app, KeyCode::Down);
    let scrolled = render(&app);
    assert!(!scrolled.contains("hung up"), "{scrolled}");
    assert!(scrolled.contains("caller id name"), "{scrolled}");
}
