//! The resync of parked calls, parking lots and conference rooms over real
//! TCP (the test PBX, the real session task, the real model): what the
//! server has now is read back and what it no longer has is swept, in
//! both vocabularies, and a server that lists none of these actions in
//! `ListCommands` is asked for none of them and says nothing about it.

use amitop::ami::{Action, Message, SessionHandle};
use amitop::model::State;
use amitop::ops::parking::{self, ParkingApi};
use amitop::sim::{CONFERENCE_EXTEN, PbxConfig, ServerProfile, TestPbx};

use crate::support::session::{self, NOW, logged_in_session, resync_into};

/// The actions of this half of the resync.
const FEATURE_LISTS: &[&str] = &[
    "ParkedCalls",
    "Parkinglots",
    "ConfbridgeListRooms",
    "ConfbridgeList",
    "MeetmeList",
];

/// The actions the PBX received since its log was cleared, by name.
fn sent(pbx: &TestPbx) -> Vec<Message> {
    pbx.received_actions()
}

fn named<'a>(actions: &'a [Message], name: &str) -> Vec<&'a Message> {
    actions.iter().filter(|a| a.is("Action", name)).collect()
}

async fn send(handle: &SessionHandle, action: Action) -> Message {
    let reply = handle.send(action).await.expect("a reply");
    assert!(reply.is_success(), "{:?}", reply.response);
    reply.response
}

fn originate(phone: &str, exten: &str) -> Action {
    Action::new("Originate")
        .header("Channel", phone)
        .header("Context", "default")
        .header("Exten", exten)
        .header("Priority", "1")
}

/// Two phones in the room and a parked call, made over the wire.
async fn room_and_parked_call(pbx: &TestPbx, handle: &SessionHandle, api: ParkingApi) {
    for phone in ["SIP/2001", "SIP/2002"] {
        send(handle, originate(phone, CONFERENCE_EXTEN)).await;
    }
    send(handle, originate("SIP/2003", "2004")).await;
    let channel_of = |device: &str| {
        pbx.snapshot()
            .channels
            .into_iter()
            .map(|c| c.name)
            .find(|name| name.starts_with(&format!("{device}-")))
            .unwrap_or_else(|| panic!("no channel of {device}"))
    };
    let (parker, parkee) = (channel_of("SIP/2003"), channel_of("SIP/2004"));
    send(handle, parking::park(api, &parkee, &parker, None)).await;
}

/// A model holding a room (ConfBridge, or MeetMe for 1.x) and a parked
/// call the server no longer has.
fn stale_state(meetme: bool) -> State {
    let mut state = State::new();
    let room = if meetme {
        vec![
            ("Event", "MeetmeJoin"),
            ("Meetme", "gone_room"),
            ("Usernum", "1"),
            ("Channel", "SIP/9998-000000fe"),
            ("Uniqueid", "1795729000.98"),
        ]
    } else {
        vec![
            ("Event", "ConfbridgeStart"),
            ("Conference", "gone_room"),
            ("BridgeUniqueid", "b-gone"),
        ]
    };
    for pairs in [
        room,
        vec![
            ("Event", "ParkedCall"),
            ("ParkeeChannel", "SIP/9999-000000ff"),
            ("ParkeeUniqueid", "1795729000.99"),
            ("ParkeeLinkedid", "1795729000.99"),
            ("ParkingSpace", "719"),
            ("Parkinglot", "default"),
            ("ParkingDuration", "5"),
            ("ParkingTimeout", "40"),
        ],
    ] {
        state.apply(&Message::from_pairs(pairs), NOW - 60.0);
    }
    assert!(state.conferences.rooms.contains_key("gone_room"));
    assert_eq!(state.parking.calls.len(), 1);
    state
}

async fn rebuilds_and_sweeps(config: PbxConfig, api: ParkingApi) -> (TestPbx, State) {
    let meetme = api == ParkingApi::Features;
    let pbx = TestPbx::start(config).await.unwrap();
    let (handle, _events) = logged_in_session(session::config(pbx.addr().port())).await;
    room_and_parked_call(&pbx, &handle, api).await;
    pbx.clear_received();

    let mut state = stale_state(meetme);
    let notes = resync_into(&mut state, handle.clone()).await;
    assert!(notes.is_empty(), "unexpected notes: {notes:?}");
    assert_eq!(pbx.unknown_actions_received(), Vec::<String>::new());

    // The stale room and parked call are gone; the live ones are back,
    // with the same channels as the simulator's.
    assert!(!state.conferences.rooms.contains_key("gone_room"));
    let sim = pbx.snapshot().features;
    let room = &state.conferences.rooms[CONFERENCE_EXTEN];
    let mut sim_members: Vec<String> = sim
        .room
        .unwrap()
        .members
        .into_iter()
        .map(|m| m.uniqueid)
        .collect();
    sim_members.sort();
    assert_eq!(
        room.members.keys().cloned().collect::<Vec<_>>(),
        sim_members
    );
    let parked: Vec<(String, String)> = state
        .parking
        .calls
        .values()
        .map(|c| (c.space.clone(), c.parkee.clone()))
        .collect();
    let sim_parked: Vec<(String, String)> = sim
        .parked
        .iter()
        .map(|p| (p.space.to_string(), p.uniqueid.clone()))
        .collect();
    assert_eq!(parked, sim_parked);
    assert!(state.channels.get(&parked[0].1).is_some());
    handle.shutdown();
    (pbx, state)
}

#[tokio::test]
async fn confbridge_rooms_members_and_parked_calls_are_rebuilt() {
    let (pbx, state) = rebuilds_and_sweeps(PbxConfig::default(), ParkingApi::ResParking).await;
    let sent = sent(&pbx);
    // Each room's members are asked for by its name.
    let lists = named(&sent, "ConfbridgeList");
    assert_eq!(lists.len(), 1, "{sent:?}");
    assert!(lists[0].is("Conference", CONFERENCE_EXTEN));
    for action in ["ParkedCalls", "Parkinglots", "ConfbridgeListRooms"] {
        assert_eq!(named(&sent, action).len(), 1, "{action}");
    }
    // A modern server has no app_meetme.
    assert!(named(&sent, "MeetmeList").is_empty());
    assert_eq!(state.parking.lots["default"].timeout, Some(45));
}

#[tokio::test]
async fn meetme_members_and_legacy_parked_calls_are_rebuilt() {
    let config = PbxConfig {
        ami_version: "1.1".into(),
        ..PbxConfig::default()
    };
    let (pbx, _) = rebuilds_and_sweeps(config, ParkingApi::Features).await;
    let sent = sent(&pbx);
    assert_eq!(named(&sent, "MeetmeList").len(), 1);
    assert_eq!(named(&sent, "ParkedCalls").len(), 1);
    for action in ["Parkinglots", "ConfbridgeListRooms", "ConfbridgeList"] {
        assert!(named(&sent, action).is_empty(), "{action} sent to 1.x");
    }
}

#[tokio::test]
async fn no_room_at_all_is_an_empty_list_not_a_failure() {
    // ConfBridge answers `Error: No active conferences.` when it has none.
    let pbx = TestPbx::start(PbxConfig::default()).await.unwrap();
    let (handle, _events) = logged_in_session(session::config(pbx.addr().port())).await;
    let mut state = stale_state(false);
    let notes = resync_into(&mut state, handle.clone()).await;
    assert!(notes.is_empty(), "{notes:?}");
    assert!(state.conferences.rooms.is_empty());
    assert!(state.parking.calls.is_empty());
    handle.shutdown();
}

#[tokio::test]
async fn a_server_without_parking_or_conferences_is_not_asked_for_them() {
    let config = PbxConfig {
        profile: ServerProfile::WithoutParkingOrConferences,
        ..PbxConfig::default()
    };
    let pbx = TestPbx::start(config).await.unwrap();
    let (handle, _events) = logged_in_session(session::config(pbx.addr().port())).await;
    let listed = handle
        .send(Action::new("ListCommands"))
        .await
        .expect("a reply")
        .response;
    for action in FEATURE_LISTS {
        assert!(!listed.has(action), "{action} is listed");
    }
    pbx.clear_received();
    let mut state = stale_state(false);
    let notes = resync_into(&mut state, handle.clone()).await;
    assert!(notes.is_empty(), "a missing module is no news: {notes:?}");
    let sent = sent(&pbx);
    assert!(named(&sent, "ListCommands").len() == 1, "{sent:?}");
    for action in FEATURE_LISTS {
        assert!(named(&sent, action).is_empty(), "{action} was sent");
    }
    assert_eq!(pbx.unknown_actions_received(), Vec::<String>::new());
    // Nothing was read, so nothing is swept: the model keeps what it had.
    assert!(state.conferences.rooms.contains_key("gone_room"));
    handle.shutdown();
}
