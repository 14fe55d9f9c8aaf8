//! Property tests of parked calls and conference rooms: whatever order the
//! real vocabulary (res_parking's and features.c's parking events,
//! ConfBridge's and MeetMe's events and list items, channel lifecycle,
//! bridges, and resync sweeps) arrives in, every parked call and member is a
//! live channel, a channel waits in at most one space and sits in at most
//! one room, a hangup takes it out of both, and a room that ended with no
//! start since and no members is gone. A second test checks that the drawn
//! sequences really do park and conference, so the property is not vacuous.

use crate::support::{PROP_CHANNELS, PROP_UNIQUEIDS, assert_parking_and_rooms_consistent};
use amitop::ami::Message;
use amitop::model::{ListKind, State};
use proptest::prelude::*;

const EVENTS: &[&str] = &[
    "Newchannel",
    "Newstate",
    "Hangup",
    "BridgeEnter",
    "BridgeLeave",
    "ParkedCall",
    "ParkedCallSwap",
    "ParkedCallTimeOut",
    "ParkedCallGiveUp",
    "UnParkedCall",
    "ConfbridgeStart",
    "ConfbridgeEnd",
    "ConfbridgeJoin",
    "ConfbridgeLeave",
    "ConfbridgeTalking",
    "ConfbridgeMute",
    "ConfbridgeUnmute",
    "ConfbridgeRecord",
    "ConfbridgeList",
    "ConfbridgeListRooms",
    "MeetmeJoin",
    "MeetmeLeave",
    "MeetmeEnd",
    "MeetmeMute",
    "MeetmeList",
    "MeetmeListRooms",
];

const ROOMS: &[&str] = &["conf1", "conf2"];
const SPACES: &[&str] = &["701", "702"];
const LOTS: &[&str] = &["default", "vip"];

/// Extra headers an event may carry, drawn at random.
const KEYS: &[&str] = &[
    "Admin",
    "Muted",
    "TalkingStatus",
    "Status",
    "Usernum",
    "BridgeNumChannels",
    "BridgeType",
    "ParkingTimeout",
    "ParkingDuration",
    "Locked",
    "ActionID",
];
const VALUES: &[&str] = &["Yes", "No", "on", "off", "1", "2", "parking", "-1", ""];

/// One step: a message, or a resync (begin, then a sweep of one kind).
#[derive(Clone, Debug)]
enum Step {
    Message(Message),
    Resync(ListKind),
}

/// An event about one of a few channels, rooms and spaces, so events
/// meet; the parking events name the parkee both ways (12+ `Parkee*` and
/// 1.x `Channel`/`Exten`).
fn message() -> impl Strategy<Value = Message> {
    let header = (prop::sample::select(KEYS), prop::sample::select(VALUES));
    (
        prop::sample::select(EVENTS),
        0..PROP_CHANNELS.len(),
        prop::sample::select(ROOMS),
        prop::sample::select(SPACES),
        prop::sample::select(LOTS),
        any::<bool>(),
        prop::collection::vec(header, 0..3),
    )
        .prop_map(|(event, who, room, space, lot, modern, extra)| {
            let (channel, uniqueid) = (PROP_CHANNELS[who], PROP_UNIQUEIDS[who]);
            let mut pairs = vec![("Event", event)];
            if event.contains("Park") && modern {
                pairs.extend([
                    ("ParkeeChannel", channel),
                    ("ParkeeUniqueid", uniqueid),
                    ("ParkingSpace", space),
                ]);
            } else {
                pairs.extend([("Channel", channel), ("Uniqueid", uniqueid)]);
                pairs.push(("Exten", space));
            }
            pairs.extend([
                ("Parkinglot", lot),
                ("Conference", room),
                ("Meetme", room),
                ("BridgeUniqueid", "br-1"),
            ]);
            pairs.extend(extra);
            Message::from_pairs(pairs)
        })
}

fn step() -> impl Strategy<Value = Step> {
    let kinds = prop::sample::select(vec![
        ListKind::Channels,
        ListKind::ParkedCalls,
        ListKind::Conferences,
        ListKind::ConferenceMembers,
    ]);
    prop_oneof![
        12 => message().prop_map(Step::Message),
        1 => kinds.prop_map(Step::Resync),
    ]
}

fn sequences() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(step(), 1..80)
}

/// Applies the steps, checking after each; the rooms that ended with no
/// start since are tracked on the side.
fn run(steps: &[Step], mut observe: impl FnMut(&State)) {
    let mut state = State::new();
    let mut ended: Vec<String> = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        match step {
            Step::Resync(kind) => {
                state.begin_resync();
                state.sweep(*kind);
            }
            Step::Message(m) => {
                state.apply(m, i as f64);
                let event = m.event().unwrap_or_default();
                let room = m.get("Conference").unwrap_or_default().into_owned();
                match &*event {
                    "ConfbridgeEnd" | "MeetmeEnd" => ended.push(room),
                    "ConfbridgeStart"
                    | "ConfbridgeRecord"
                    | "ConfbridgeListRooms"
                    | "MeetmeListRooms" => ended.retain(|r| *r != room),
                    "Hangup" => {
                        let id = m.get("Uniqueid").unwrap_or_default();
                        assert!(state.parking.of_channel(&id).is_none(), "{id} still parked");
                        assert!(
                            state.conferences.room_of(&id).is_none(),
                            "{id} still in a room"
                        );
                    }
                    _ => {}
                }
            }
        }
        assert_parking_and_rooms_consistent(&state, &format!("step {i}"));
        for name in &ended {
            if let Some(room) = state.conferences.rooms.get(name) {
                assert!(
                    !room.members.is_empty(),
                    "{name} ended, was not started since, and stays empty"
                );
            }
        }
        observe(&state);
    }
}

/// The property is only worth something if the sequences build what it
/// checks: parked calls, and rooms of more than one.
#[test]
fn the_drawn_sequences_park_and_conference() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let (mut parked, mut conferenced, mut both_lots) = (0, 0, 0);
    for _ in 0..200 {
        let steps = sequences().new_tree(&mut runner).unwrap().current();
        run(&steps, |state| {
            parked += (!state.parking.calls.is_empty()) as u32;
            both_lots += (state.parking.calls.keys().any(|(lot, _)| lot == "vip")
                && state.parking.calls.keys().any(|(lot, _)| lot == "default"))
                as u32;
            conferenced += state
                .conferences
                .rooms
                .values()
                .any(|room| room.members.len() >= 2) as u32;
        });
    }
    assert!(
        parked > 500 && conferenced > 500 && both_lots > 50,
        "parked {parked}, conferenced {conferenced}, both lots {both_lots}"
    );
}

proptest! {
    #![proptest_config(crate::support::prop_config(512))]

    #[test]
    fn any_sequence_keeps_parking_and_rooms_consistent(steps in sequences()) {
        run(&steps, |_| {});
    }
}
