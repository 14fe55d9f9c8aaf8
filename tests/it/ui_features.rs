//! The parked calls and conferences panes as the user sees them (text
//! snapshots at 100x24), and what their keys send: park, pick up, mute,
//! kick (asked first), lock (then the room list, read quietly), and
//! nothing at all in read-only mode.

use crate::support::msg;
use crate::support::ui::{NOW, fixture, press, render, type_text};
use amitop::ami::session::SessionEvent;
use amitop::app::{App, Msg};
use amitop::ops::Request;
use crossterm::event::KeyCode;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

/// A channel snapshot's headers for `channel` with `uniqueid`.
fn channel(
    prefix: &str,
    channel: &str,
    uniqueid: &str,
    num: &str,
    name: &str,
) -> Vec<(String, String)> {
    [
        ("Channel", channel),
        ("ChannelState", "6"),
        ("ChannelStateDesc", "Up"),
        ("CallerIDNum", num),
        ("CallerIDName", name),
        ("Uniqueid", uniqueid),
        ("Linkedid", uniqueid),
    ]
    .into_iter()
    .map(|(k, v)| (format!("{prefix}{k}"), v.to_owned()))
    .collect()
}

fn event(
    name: &str,
    mut headers: Vec<(String, String)>,
    extra: &[(&str, &str)],
) -> amitop::ami::Message {
    headers.insert(0, ("Event".into(), name.into()));
    headers.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    amitop::ami::Message::from_pairs(headers)
}

/// The fixture PBX plus a call parked in 701 and a ConfBridge room with
/// two members, one talking and one muted admin, locked and recording.
fn with_features(width: u16, height: u16) -> App {
    let mut app = fixture(width, height);
    let room = |extra: &[(&'static str, &'static str)]| {
        let mut pairs = vec![
            ("Conference", "sales_meeting"),
            ("BridgeUniqueid", "cb-1"),
            ("BridgeType", "base"),
            ("BridgeNumChannels", "3"),
        ];
        pairs.extend_from_slice(extra);
        pairs
    };
    let events = vec![
        event(
            "ParkedCall",
            channel(
                "Parkee",
                "SIP/2004-00000020",
                "1700000000.20",
                "2004",
                "Dave Parked",
            ),
            &[
                ("ParkerDialString", "SIP/2003"),
                ("Parkinglot", "default"),
                ("ParkingSpace", "701"),
                ("ParkingTimeout", "45"),
                ("ParkingDuration", "0"),
            ],
        ),
        msg(&room(&[("Event", "ConfbridgeStart")])),
        event(
            "ConfbridgeJoin",
            channel(
                "",
                "SIP/2001-00000021",
                "1700000000.21",
                "2001",
                "Alice Talks",
            ),
            &room(&[("Admin", "No")]),
        ),
        event(
            "ConfbridgeJoin",
            channel(
                "",
                "SIP/2002-00000022",
                "1700000000.22",
                "2002",
                "Bob Admin",
            ),
            &room(&[("Admin", "Yes")]),
        ),
        event(
            "ConfbridgeTalking",
            channel(
                "",
                "SIP/2001-00000021",
                "1700000000.21",
                "2001",
                "Alice Talks",
            ),
            &room(&[("TalkingStatus", "on")]),
        ),
        event(
            "ConfbridgeMute",
            channel(
                "",
                "SIP/2002-00000022",
                "1700000000.22",
                "2002",
                "Bob Admin",
            ),
            &room(&[]),
        ),
        msg(&room(&[("Event", "ConfbridgeRecord")])),
        msg(&[
            ("Event", "ConfbridgeListRooms"),
            ("Conference", "sales_meeting"),
            ("Parties", "2"),
            ("Locked", "Yes"),
        ]),
    ];
    for (i, event) in events.into_iter().enumerate() {
        let at = NOW - 30.0 + i as f64;
        app.handle(Msg::Session(SessionEvent::Event(event)), at);
    }
    app
}

fn with_actions(read_only: bool) -> (App, UnboundedReceiver<Request>) {
    let mut app = with_features(100, 24);
    let (tx, rx) = unbounded_channel();
    app.set_actions(tx, read_only);
    (app, rx)
}

fn sent(requests: &mut UnboundedReceiver<Request>) -> Vec<Request> {
    std::iter::from_fn(|| requests.try_recv().ok()).collect()
}

#[test]
fn parked_calls_and_conferences_at_100x24() {
    let mut app = with_features(100, 24);
    press(&mut app, KeyCode::Char('7'));
    let parked = render(&app);
    assert!(parked.contains("Dave Parked <2004>"), "{parked}");
    insta::assert_snapshot!("parked_100x24", parked);
    press(&mut app, KeyCode::Char('8'));
    let rooms = render(&app);
    assert!(rooms.contains("locked recording"), "{rooms}");
    insta::assert_snapshot!("conferences_100x24", rooms);
}

#[test]
fn detail_views_of_a_parked_call_and_a_room() {
    let mut app = with_features(100, 40);
    press(&mut app, KeyCode::Char('7'));
    press(&mut app, KeyCode::Enter);
    let parked = render(&app);
    assert!(parked.contains("Parked call 701 in default"), "{parked}");
    assert!(parked.contains("SIP/2003"), "{parked}");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('8'));
    press(&mut app, KeyCode::Enter);
    let room = render(&app);
    assert!(room.contains("Conference sales_meeting"), "{room}");
    // Three channels in the bridge, two members: one announcer.
    assert!(room.contains("hidden channels"), "{room}");
}

#[test]
fn conference_keys_mute_kick_after_asking_and_lock() {
    let (mut app, mut requests) = with_actions(false);
    press(&mut app, KeyCode::Char('8'));
    // Rows: the room, then Alice, then Bob.
    press(&mut app, KeyCode::Char('L'));
    let lock = sent(&mut requests);
    assert_eq!(lock.len(), 1);
    // The room is locked: the key unlocks it; the room list follows.
    assert_eq!(lock[0].action.name(), "ConfbridgeUnlock");
    assert_eq!(
        lock[0].follow_up().map(|r| r.action.name().to_owned()),
        Some("ConfbridgeListRooms".into())
    );
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('M'));
    let mute = sent(&mut requests);
    assert_eq!(mute[0].action.name(), "ConfbridgeMute");
    assert_eq!(mute[0].action.get("Channel"), Some("SIP/2001-00000021"));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('M'));
    assert_eq!(sent(&mut requests)[0].action.name(), "ConfbridgeUnmute");
    press(&mut app, KeyCode::Char('x'));
    assert!(sent(&mut requests).is_empty(), "a kick asks first");
    assert!(render(&app).contains("Kick SIP/2002-00000022 out of conference sales_meeting?"));
    press(&mut app, KeyCode::Char('y'));
    let kick = sent(&mut requests);
    assert_eq!(kick[0].action.name(), "ConfbridgeKick");
}

#[test]
fn parking_keys_park_a_talking_channel_and_pick_up_to_a_named_phone() {
    let (mut app, mut requests) = with_actions(false);
    // The fixture's bridged call: its first channel talks to the other.
    press(&mut app, KeyCode::Char('1'));
    let screen = render(&app);
    let rows: Vec<&str> = screen.lines().collect();
    let talking = rows
        .iter()
        .position(|l| l.contains("Up"))
        .expect("a talking channel");
    let first = rows
        .iter()
        .position(|l| l.contains("Channel") && l.contains("State"))
        .unwrap();
    for _ in 0..talking - first - 1 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Char('K'));
    let park = sent(&mut requests);
    assert_eq!(park.len(), 1, "{}", render(&app));
    assert_eq!(park[0].action.name(), "Park");
    assert!(park[0].action.get("TimeoutChannel").is_some());
    assert_eq!(park[0].action.get("Parkinglot"), None);

    press(&mut app, KeyCode::Char('7'));
    press(&mut app, KeyCode::Char('p'));
    type_text(&mut app, "SIP/2003");
    press(&mut app, KeyCode::Enter);
    let pick_up = sent(&mut requests);
    assert_eq!(pick_up.len(), 1, "{}", render(&app));
    let action = &pick_up[0].action;
    assert_eq!(action.name(), "Originate");
    assert_eq!(action.get("Channel"), Some("SIP/2003"));
    assert_eq!(action.get("Exten"), Some("701"));
    assert_eq!(action.get("Context"), Some("parkedcalls"));
}

#[test]
fn read_only_sends_none_of_them() {
    let (mut app, mut requests) = with_actions(true);
    press(&mut app, KeyCode::Char('8'));
    for key in ['L', 'M', 'x'] {
        press(&mut app, KeyCode::Char(key));
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Char('7'));
    press(&mut app, KeyCode::Char('p'));
    assert!(sent(&mut requests).is_empty());
    assert!(render(&app).contains("read-only"));
}
