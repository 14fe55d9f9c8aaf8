//! The hints (BLF), voicemail and peers panes and their detail views,
//! drawn from real captures (e3 hints and presence, e4 voicemail, s4 SIP
//! peer detail) as text snapshots; and Enter on a peer, a DAHDI channel
//! or a mailbox, which asks the server for its details and shows the
//! answer.

use crate::support::capture_messages;
use crate::support::msg;
use crate::support::ui::{NOW, new_app, press, render, type_text};
use amitop::ami::session::{ConnectionState, Reply, SessionEvent};
use amitop::ami::{AmiVersion, Banner, Message};
use amitop::app::operator::ActionReply;
use amitop::app::{App, Msg};
use amitop::ops::{Op, Request};
use amitop::ui::view::{RowId, TableId};
use crossterm::event::{Event, KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

/// A fresh app fed the capture's messages up to and including the end of
/// the reply to `through`.
fn replayed(width: u16, height: u16, capture: &str, through: &str) -> App {
    let (mut app, _resyncs) = new_app(width, height);
    let banner = Banner {
        text: "Asterisk Call Manager/11.0.0".into(),
        version: AmiVersion::parse("11.0.0"),
    };
    let login = ConnectionState::LoggedIn { banner };
    app.handle(Msg::Session(SessionEvent::State(login)), NOW);
    feed(&mut app, capture, through);
    app
}

fn feed(app: &mut App, capture: &str, through: &str) {
    for m in capture_messages(capture) {
        app.state.apply(&m, NOW);
        let ours = m.action_id().as_deref() == Some(through);
        let list_done = m.get("EventList").is_some_and(|e| e == "Complete");
        let plain_reply = m.event().is_none() && !m.has("EventList");
        if ours && (list_done || plain_reply) {
            return;
        }
    }
    panic!("{capture} has no end of {through}");
}

fn go_to(app: &mut App, letter: char) {
    press(app, KeyCode::Char('v'));
    press(app, KeyCode::Char(letter));
}

fn line<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle}:\n{screen}"))
}

#[test]
fn hints_pane_shows_each_line_state_and_presence_of_e3() {
    // e3-020: after bob's dnd ("In a meeting") and alice away at lunch.
    let mut app = replayed(100, 16, "e3_hints_presence.ami", "e3-020");
    go_to(&mut app, 'h');
    let screen = render(&app);
    insta::assert_snapshot!("hints_e3_100x16", screen);
    // The stream's own values: 810 (alice) away/lunch "Back at 14:00",
    // 811 (bob) dnd "In a meeting", 812 Busy with no presence provider.
    let alice = line(&screen, " 810 ");
    assert!(
        alice.contains("Idle") && alice.contains("away (lunch)"),
        "{alice}"
    );
    assert!(alice.contains("Back at 14:00"), "{alice}");
    let bob = line(&screen, " 811 ");
    assert!(
        bob.contains("dnd (meeting)") && bob.contains("In a meeting"),
        "{bob}"
    );
    assert!(line(&screen, " 812 ").contains("Busy"));

    // The detail: the devices behind the hint and the provider's state.
    type_text(&mut app, "/811");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    app.view.area.height = 24;
    let detail = render(&app);
    insta::assert_snapshot!("hint_detail_e3_100x24", detail);
    assert!(
        line(&detail, "│Custom:desk811").contains("NOT_INUSE"),
        "{detail}"
    );
    assert!(detail.contains("presence CustomPresence:bob"), "{detail}");
    assert!(
        line(&detail, "│message").contains("In a meeting"),
        "{detail}"
    );
}

#[test]
fn a_resynced_hint_takes_its_presence_from_the_presence_list() {
    // Right after the three lists (e3-002..004): no PresenceStatus yet,
    // so bob's "Back in 5" can only come from PresenceStateList.
    let mut app = replayed(100, 16, "e3_hints_presence.ami", "e3-004");
    go_to(&mut app, 'h');
    let screen = render(&app);
    let bob = line(&screen, " 811 ");
    assert!(
        bob.contains("away (coffee)") && bob.contains("Back in 5"),
        "{bob}"
    );
    assert!(line(&screen, " 810 ").contains("available"));
}

/// The extension of the lamp the hints grid has selected.
fn selected_lamp(app: &App) -> String {
    match &app.view.table(TableId::Hints).anchor {
        Some(RowId::Hint(_, exten)) => exten.clone(),
        other => panic!("no lamp selected: {other:?}"),
    }
}

/// Where `exten`'s lamp is on the screen: its column and line.
fn lamp_at(screen: &str, exten: &str) -> (u16, u16) {
    let lamp = format!("● {exten} ");
    let (y, line) = screen
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(&lamp))
        .unwrap_or_else(|| panic!("no lamp {exten}:\n{screen}"));
    let x = line[..line.find(&lamp).unwrap()].chars().count();
    (x as u16, y as u16)
}

fn click(app: &mut App, (column, row): (u16, u16)) {
    let down = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column,
        row,
        modifiers: KeyModifiers::NONE,
    };
    app.handle(Msg::Input(Event::Mouse(down)), NOW);
}

#[test]
fn arrows_move_across_the_hints_grid_and_a_click_takes_the_lamp_under_it() {
    // e3's seven hints in columns of four and three: 100 101 102 800,
    // then 810 811 812.
    let mut app = replayed(100, 16, "e3_hints_presence.ami", "e3-020");
    go_to(&mut app, 'h');
    let screen = render(&app);
    let (first, second) = (lamp_at(&screen, "100"), lamp_at(&screen, "810"));
    assert_eq!(first.1, second.1, "side by side:\n{screen}");
    let mut after = |code| {
        press(&mut app, code);
        selected_lamp(&app)
    };
    assert_eq!(after(KeyCode::Down), "101");
    assert_eq!(after(KeyCode::Right), "811");
    assert_eq!(after(KeyCode::Right), "811", "the right edge");
    assert_eq!(after(KeyCode::Left), "101");
    assert_eq!(after(KeyCode::Left), "101", "the left edge");
    // Up and Down go on through the order, column to column.
    assert_eq!(after(KeyCode::Down), "102");
    assert_eq!(after(KeyCode::Down), "800");
    assert_eq!(after(KeyCode::Down), "810");
    assert_eq!(after(KeyCode::Up), "800");
    // 800's line is past the short column's foot: Right goes to that.
    assert_eq!(after(KeyCode::Right), "812");
    assert_eq!(after(KeyCode::Left), "102");
    // One screenful holds every lamp: PgDn and PgUp go to either end.
    assert_eq!(after(KeyCode::PageDown), "812");
    assert_eq!(after(KeyCode::PageUp), "100");
    assert_eq!(after(KeyCode::End), "812");

    // A click on a lamp selects it, anywhere in its cell; below the short
    // column there is none, and the selection stays.
    let screen = render(&app);
    click(&mut app, lamp_at(&screen, "811"));
    assert_eq!(selected_lamp(&app), "811");
    let (x, y) = lamp_at(&screen, "102");
    click(&mut app, (x + 20, y));
    assert_eq!(selected_lamp(&app), "102");
    let (x, y) = lamp_at(&screen, "812");
    click(&mut app, (x, y + 1));
    assert_eq!(selected_lamp(&app), "102");
    // Enter opens the clicked lamp.
    click(&mut app, lamp_at(&screen, "810"));
    press(&mut app, KeyCode::Enter);
    assert!(render(&app).contains("Hint 810@"), "{}", render(&app));
}

#[test]
fn voicemail_pane_shows_counts_and_the_detail_every_setting_of_e4() {
    // e4-014: both callers left a message; the second user list.
    let mut app = replayed(120, 14, "e4_voicemail.ami", "e4-014");
    go_to(&mut app, 'm');
    let screen = render(&app);
    insta::assert_snapshot!("voicemail_e4_120x14", screen);
    let alice = line(&screen, "1001@default");
    assert!(
        alice.contains("Alice Example") && alice.contains(" 1 "),
        "{alice}"
    );
    assert!(line(&screen, "1003@default").contains("Carol Example"));
    assert!(line(&screen, "2001@sales").contains("Sales Team"));

    let (outbox, mut sent) = unbounded_channel();
    app.set_actions(outbox, false);
    press(&mut app, KeyCode::Enter);
    // Enter asked for the box's messages, as e4-015 did.
    let request = sent.try_recv().expect("VoicemailBoxSummary sent");
    assert_eq!(request.action.name(), "VoicemailBoxSummary");
    assert_eq!(request.action.get("Mailbox"), Some("1001"));
    assert_eq!(request.action.get("Context"), Some("default"));
    answer_with(&mut app, request, "e4_voicemail.ami", "e4-015");
    app.view.area.height = 40;
    let detail = render(&app);
    insta::assert_snapshot!("mailbox_detail_e4_120x40", detail);
    for (key, value) in [
        ("say envelope", "yes"),
        ("say cid", "yes"),
        ("attach message", "yes"),
        ("can review", "yes"),
        ("call operator", "yes"),
        ("time zone", "eastern"),
        ("max messages", "50"),
    ] {
        let found = line(&detail, &format!("{key} "));
        assert!(found.contains(value), "{key}: {found}");
    }
    let message = line(&detail, "INBOX");
    assert!(message.contains("\"Vm Caller\" <5553001>"), "{message}");
    assert!(message.contains("1796157316-00000004"), "{message}");
    assert!(
        detail.contains("VoicemailBoxSummary: 1 items read"),
        "{detail}"
    );
}

#[test]
fn a_failed_voicemail_query_shows_what_the_server_said() {
    let mut app = replayed(100, 14, "e4_voicemail.ami", "e4-002");
    go_to(&mut app, 'm');
    let (outbox, mut sent) = unbounded_channel();
    app.set_actions(outbox, false);
    press(&mut app, KeyCode::Enter);
    let request = sent.try_recv().expect("a query");
    // e4-031's answer: `Success`, with a message that says it failed.
    let answer = find_reply("e4_voicemail.ami", "e4-031");
    reply_with(&mut app, request, answer);
    let screen = render(&app);
    assert!(
        screen.contains("the server says \"There is no voicemail user of the given info.\""),
        "{screen}"
    );
}

/// The reply (response and list items) to `action_id` in a capture.
fn find_reply(capture: &str, action_id: &str) -> Reply {
    let mut parts: Vec<Message> = capture_messages(capture)
        .into_iter()
        .filter(|m| m.action_id().as_deref() == Some(action_id))
        .collect();
    assert!(!parts.is_empty(), "{capture} has no {action_id}");
    let response = parts.remove(0);
    Reply {
        response,
        events: parts,
    }
}

fn reply_with(app: &mut App, request: Request, reply: Reply) {
    let result = Ok(reply);
    app.handle(Msg::Acted(ActionReply { request, result }), NOW);
}

fn answer_with(app: &mut App, request: Request, capture: &str, action_id: &str) {
    reply_with(app, request, find_reply(capture, action_id));
}

/// The s4 PBX's peers as `SIPpeers` listed them (s4-002), in an app that
/// sends its requests to the returned receiver.
fn s4_peers() -> (App, UnboundedReceiver<Request>) {
    let mut app = replayed(100, 24, "asterisk20-sip/s4_sip_peer_detail.ami", "s4-002");
    let (outbox, sent) = unbounded_channel();
    app.set_actions(outbox, false);
    press(&mut app, KeyCode::Char('4'));
    (app, sent)
}

#[test]
fn enter_on_a_sip_peer_reads_and_shows_its_sipshowpeer_answer() {
    let (mut app, mut sent) = s4_peers();
    type_text(&mut app, "/2002");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    let request = sent.try_recv().expect("SIPshowpeer sent");
    assert_eq!(request.op, Op::ReadDetail);
    assert_eq!(request.action.name(), "SIPshowpeer");
    assert_eq!(request.action.get("Peer"), Some("2002"));
    answer_with(
        &mut app,
        request,
        "asterisk20-sip/s4_sip_peer_detail.ami",
        "s4-004",
    );
    // Tall enough for the row and all of SIPshowpeer's some sixty fields.
    app.view.area.height = 90;
    let detail = render(&app);
    insta::assert_snapshot!("peer_detail_s4_100x90", detail);
    assert!(
        line(&detail, "Parkinglot").contains("sipparking"),
        "{detail}"
    );
    assert!(line(&detail, "Callerid").contains("\"Bob SIP\" <2002>"));
    assert!(detail.contains("SIPshowpeer: details read"), "{detail}");
    // `i` on the row asks again; the detail view itself sends nothing.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('i'));
    assert_eq!(
        sent.try_recv().expect("asked again").action.name(),
        "SIPshowpeer"
    );
}

#[test]
fn a_peer_the_server_does_not_know_says_so() {
    let (mut app, mut sent) = s4_peers();
    press(&mut app, KeyCode::Enter);
    let request = sent.try_recv().expect("SIPshowpeer sent");
    // chan_sip's answer about a peer it does not have (asterisk20-sip
    // README: SIPshowpeer of a nonexistent peer 9999).
    let refusal = Reply {
        response: msg(&[
            ("Response", "Error"),
            ("ActionID", "x-1"),
            ("Message", "Peer 9999 not found."),
        ]),
        events: Vec::new(),
    };
    reply_with(&mut app, request, refusal);
    let screen = render(&app);
    assert!(
        screen.contains("Read details failed: Peer 9999 not found."),
        "{screen}"
    );
}

fn dahdi_port(number: &str, alarm: &str, action_id: Option<&str>) -> Message {
    let mut pairs = vec![
        ("Event", "DAHDIShowChannels"),
        ("DAHDIChannel", number),
        ("Signalling", "FXO Loopstart"),
        ("SignallingCode", "2"),
        ("Context", "from-pstn"),
        ("DND", "Disabled"),
        ("Alarm", alarm),
        ("Description", ""),
    ];
    if let Some(id) = action_id {
        pairs.push(("ActionID", id));
    }
    msg(&pairs)
}

#[test]
fn dahdi_channels_are_rows_of_the_peers_pane_with_alarm_and_signalling() {
    let (mut app, mut sent) = s4_peers();
    for (number, alarm) in [("1", "No Alarm"), ("2", "Red Alarm")] {
        app.state
            .apply(&dahdi_port(number, alarm, Some("r-1")), NOW);
    }
    app.view.area.height = 14;
    let screen = render(&app);
    insta::assert_snapshot!("peers_with_dahdi_100x14", screen);
    // An alarm is trouble: on top, and counted as down in the header.
    let first_row = screen.lines().nth(6).unwrap_or_default();
    assert!(
        first_row.contains("Red Alarm") && first_row.contains("DAHDI/2"),
        "{screen}"
    );
    assert!(line(&screen, "DAHDI/1").contains("FXO Loopstart"));

    // Enter asks chan_dahdi about that one port (its DAHDIChannel filter).
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::Enter);
    let request = sent.try_recv().expect("DAHDIShowChannels sent");
    assert_eq!(request.action.name(), "DAHDIShowChannels");
    assert_eq!(request.action.get("DAHDIChannel"), Some("2"));
    let cleared = Reply {
        response: msg(&[
            ("Response", "Success"),
            ("ActionID", "d-2"),
            ("EventList", "start"),
            ("Message", "DAHDI channel status will follow"),
        ]),
        events: vec![
            dahdi_port("2", "No Alarm", Some("d-2")),
            msg(&[
                ("Event", "DAHDIShowChannelsComplete"),
                ("ActionID", "d-2"),
                ("EventList", "Complete"),
                ("ListItems", "1"),
                ("Items", "1"),
            ]),
        ],
    };
    reply_with(&mut app, request, cleared);
    app.view.area.height = 20;
    let detail = render(&app);
    assert!(line(&detail, "alarm ").contains("No Alarm"), "{detail}");
    assert!(line(&detail, "in alarm").contains("no"), "{detail}");
    assert!(
        app.state.dahdi.channels.contains_key(&1),
        "one port asked, none lost"
    );
}
