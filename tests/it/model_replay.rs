//! The model against real recorded traffic (tests/fixtures/ami): every
//! capture replays without a panic, from the start and from the middle, and
//! the state is checked at checkpoints in the middle, not only at the end.

use std::collections::{HashMap, HashSet};

use crate::support::{ami_files, capture_messages, read_capture};
use amitop::ami::Message;
use amitop::model::{ReplayOptions, State, replay};

/// The cacofonisk streams: each starts idle and ends idle.
fn third_party_calls() -> Vec<String> {
    ami_files()
        .into_iter()
        .filter(|name| {
            [
                "third-party/ami1-asterisk11/",
                "third-party/ami2-asterisk13/",
            ]
            .iter()
            .any(|dir| name.starts_with(dir))
        })
        .collect()
}

/// The Asterisk 20/22 captures with calls, which also end idle.
fn local_calls() -> Vec<String> {
    [
        "c1_call_bridge.ami",
        "c2_concurrent.ami",
        "c3_queue.ami",
        "asterisk20-sip/s3_sip_call_hold.ami",
    ]
    .map(String::from)
    .into()
}

fn assert_idle(state: &State, what: &str) {
    assert!(
        state.channels.is_empty(),
        "{what}: ghost channels {:?}",
        state.channels.sorted()
    );
    assert!(
        state.bridges.is_empty(),
        "{what}: ghost bridges {:?}",
        state.bridges.sorted()
    );
}

/// Starting points for partial replays: every message of a short stream,
/// about `MAX_STARTS` evenly spread ones of a long stream.
fn starts(count: usize) -> impl Iterator<Item = usize> {
    const MAX_STARTS: usize = 60;
    let step = count.div_ceil(MAX_STARTS).max(1);
    (1..=count).step_by(step)
}

/// The state after applying `msgs` from message `from` (1-based) on.
fn apply_from(msgs: &[Message], from: usize) -> State {
    let mut state = State::new();
    for m in &msgs[from - 1..] {
        state.apply(m, 0.0);
    }
    state
}

#[test]
fn every_capture_replays_whole_and_from_the_middle_without_panic() {
    let files = ami_files();
    assert!(files.len() > 30, "fixtures missing: {files:?}");
    for name in files {
        let bytes = read_capture(&name);
        let whole = replay(&bytes, ReplayOptions::default());
        assert!(whole.messages > 0, "{name}");
        // That file collects framing edge cases on purpose (see its README).
        let edge_cases = name.ends_with("events_stream_edge_cases.ami");
        assert_eq!(
            whole.malformed.is_empty(),
            !edge_cases,
            "{name}: {:?}",
            whole.malformed
        );
        let msgs = capture_messages(&name);
        assert_eq!(msgs.len() as u64, whole.messages, "{name}");
        for from in starts(msgs.len()) {
            apply_from(&msgs, from);
        }
    }
}

#[test]
fn streams_that_end_idle_end_with_no_channels_and_no_bridges_from_any_start() {
    for name in third_party_calls() {
        let msgs = capture_messages(&name);
        for from in starts(msgs.len()) {
            let state = apply_from(&msgs, from);
            assert_idle(&state, &format!("{name} --from {from}"));
        }
    }
}

#[test]
fn asterisk_calls_end_with_no_channels_and_only_empty_bridges_from_any_start() {
    // c2 parks a call: the parking lot's holding bridge outlives the call on
    // the server too, so an empty bridge may remain; nothing may be in one.
    for name in local_calls() {
        let msgs = capture_messages(&name);
        for from in starts(msgs.len()) {
            let state = apply_from(&msgs, from);
            let at = format!("{name} --from {from}");
            assert!(
                state.channels.is_empty(),
                "{at}: {:?}",
                state.channels.sorted()
            );
            for bridge in state.bridges.iter() {
                assert!(bridge.members.is_empty(), "{at}: {bridge:?}");
                assert_eq!(bridge.bridge_type, "parking", "{at}: {bridge:?}");
            }
        }
    }
}

/// An independent, deliberately naive account of the live channels:
/// created by Newchannel, gone at Hangup, named by the latest Newchannel or
/// Rename, with the state and caller number of the latest event about that
/// Uniqueid that carries them.
#[derive(Default)]
struct Oracle {
    live: HashMap<String, (String, String, String)>,
}

impl Oracle {
    fn apply(&mut self, m: &Message) {
        let Some(event) = m.event() else { return };
        let Some(id) = m.get("Uniqueid").map(|u| u.into_owned()) else {
            return;
        };
        let unknown_to_empty = |v: std::borrow::Cow<'_, str>| {
            if v == "<unknown>" {
                String::new()
            } else {
                v.into_owned()
            }
        };
        match &*event {
            "Newchannel" => {
                let entry = (
                    m.get_or_empty("Channel").into_owned(),
                    String::new(),
                    String::new(),
                );
                self.live.insert(id.clone(), entry);
            }
            "Hangup" => {
                self.live.remove(&id);
                return;
            }
            "Rename" => {
                if let Some(entry) = self.live.get_mut(&id) {
                    entry.0 = m.get_or_empty("Newname").into_owned();
                }
                return;
            }
            _ => {}
        }
        if let Some(entry) = self.live.get_mut(&id) {
            // Before 1.1, `State` was the channel state (in Newchannel and
            // Newstate); elsewhere it means other things (MusicOnHold).
            let legacy_state = matches!(&*event, "Newchannel" | "Newstate");
            let state = m
                .get("ChannelStateDesc")
                .or_else(|| m.get("State").filter(|_| legacy_state));
            if let Some(state) = state {
                entry.1 = state.into_owned();
            }
            // `CallerID` was the number in the old NewCallerid; in a Cdr it is
            // `"name" <number>`.
            let num = m.get("CallerIDNum").or_else(|| {
                m.get("CallerID")
                    .filter(|_| event.eq_ignore_ascii_case("NewCallerid"))
            });
            if let Some(num) = num {
                entry.2 = unknown_to_empty(num);
            }
        }
    }
}

#[test]
fn live_channels_are_created_minus_hung_up_with_latest_name_state_and_number() {
    for name in third_party_calls().into_iter().chain(local_calls()) {
        let mut state = State::new();
        let mut oracle = Oracle::default();
        for (i, m) in capture_messages(&name).iter().enumerate() {
            state.apply(m, 0.0);
            oracle.apply(m);
            let at = format!("{name} message {}", i + 1);
            let model: HashSet<&str> = state.channels.iter().map(|c| &*c.uniqueid).collect();
            let expected: HashSet<&str> = oracle.live.keys().map(|k| &**k).collect();
            assert_eq!(model, expected, "{at}");
            for (id, (chan, desc, num)) in &oracle.live {
                let c = state.channels.get(id).unwrap();
                assert_eq!(&c.name, chan, "{at}: name of {id}");
                assert_eq!(&c.state, desc, "{at}: state of {id}");
                assert_eq!(&c.caller_id_num, num, "{at}: caller number of {id}");
            }
        }
    }
}

#[test]
fn bridged_channels_are_together_right_after_the_link() {
    let mut links = 0;
    for name in ami_files() {
        let mut state = State::new();
        for (i, m) in capture_messages(&name).iter().enumerate() {
            state.apply(m, 0.0);
            let at = format!("{name} message {}", i + 1);
            let event = m.event().unwrap_or_default();
            if event == "BridgeEnter" {
                links += 1;
                let id = m.get("Uniqueid").unwrap();
                let bridge_id = m.get("BridgeUniqueid").unwrap();
                let channel = state.channels.get(&id).expect(&at);
                assert_eq!(channel.bridge.as_deref(), Some(&*bridge_id), "{at}");
                let bridge = state.bridges.get(&bridge_id).expect(&at);
                assert!(bridge.members.iter().any(|x| *x == *id), "{at}");
                // Calls waiting in a parking lot's bridge do not talk.
                let talking = !bridge.is_parking_lot();
                for member in bridge.members.iter().filter(|x| talking && **x != *id) {
                    assert!(channel.peers.contains(member), "{at}");
                    let other = state.channels.get(member).expect(&at);
                    assert!(other.peers.iter().any(|p| *p == *id), "{at}");
                }
            }
            if event == "Bridge" && m.is("Bridgestate", "Link") {
                links += 1;
                let a = m.get("Uniqueid1").unwrap();
                let b = m.get("Uniqueid2").unwrap();
                let ca = state.channels.get(&a).expect(&at);
                let cb = state.channels.get(&b).expect(&at);
                assert!(ca.bridge.is_some(), "{at}");
                assert_eq!(ca.bridge, cb.bridge, "{at}");
                assert_eq!(ca.peers, [b.to_string()], "{at}");
                assert_eq!(cb.peers, [a.to_string()], "{at}");
            }
        }
    }
    assert!(links > 60, "only {links} links seen");
}

#[test]
fn c1_shows_its_two_party_bridge_while_it_is_up() {
    let mut state = State::new();
    let mut up = false;
    let mut checked = 0;
    for m in capture_messages("c1_call_bridge.ami") {
        state.apply(&m, 0.0);
        let event = m.event().unwrap_or_default();
        if event == "BridgeEnter" && m.is("BridgeNumChannels", "2") {
            up = true;
        }
        if event == "BridgeLeave" {
            up = false;
        }
        if up {
            checked += 1;
            let bridges = state.bridges.sorted();
            assert_eq!(bridges.len(), 1);
            let bridge = bridges[0];
            assert_eq!(bridge.id, "cf63bd21-190b-41b5-88f4-7ddd84c4b72d");
            assert_eq!(bridge.bridge_type, "basic");
            assert_eq!(bridge.technology, "simple_bridge");
            assert_eq!(bridge.members, ["1795730908.3", "1795730908.2"]);
            let caller = state.channels.get("1795730908.2").unwrap();
            assert_eq!(caller.peers, ["1795730908.3"]);
            assert_eq!(caller.name, "Local/200@test-00000000;2");
            assert_eq!(caller.account_code, "acct200");
            assert_eq!(caller.caller_id_name, "Alice Example");
        }
    }
    assert!(checked > 20, "bridge up for only {checked} messages");
    assert_idle(&state, "c1 at the end");
}

#[test]
fn c1_at_the_channel_listing_shows_four_channels_with_their_details() {
    let bytes = read_capture("c1_call_bridge.ami");
    let position = capture_messages("c1_call_bridge.ami")
        .iter()
        .position(|m| m.is("Event", "CoreShowChannelsComplete"))
        .unwrap() as u64
        + 1;
    let options = ReplayOptions {
        until: Some(position),
        ..ReplayOptions::default()
    };
    let state = replay(&bytes, options).state;
    assert_eq!(state.channels.len(), 4);
    let origin = state.channels.get("1795730908.1").unwrap();
    assert_eq!(origin.name, "Local/200@test-00000000;1");
    assert_eq!(origin.state, "Up");
    assert_eq!(origin.caller_id_num, "5551000");
    assert_eq!(origin.connected_num, "5551000");
    assert_eq!(origin.account_code, "orig-acct");
    assert_eq!(origin.application, "Wait");
    assert_eq!(origin.app_data, "30");
    assert_eq!(origin.linkedid, "1795730908.1");
    assert_eq!(origin.created, Some(1795730908.0));
    assert_eq!(origin.local_peer.as_deref(), Some("1795730908.2"));
    assert_eq!(origin.bridge, None);
    assert_eq!(state.server.ami_version, "11.0.0");
    assert!(state.server.fully_booted);
}

#[test]
fn s3_hold_and_music_on_hold_follow_the_reinvites() {
    let mut state = State::new();
    let mut seen = Vec::new();
    for m in capture_messages("asterisk20-sip/s3_sip_call_hold.ami") {
        state.apply(&m, 0.0);
        let event = m.event().unwrap_or_default().into_owned();
        if ["Hold", "Unhold", "MusicOnHoldStart", "MusicOnHoldStop"].contains(&&*event) {
            let by_name = |n: &str| {
                state
                    .channels
                    .iter()
                    .find(|c| c.name.starts_with(n))
                    .map(|c| (c.hold, c.music_on_hold))
                    .unwrap()
            };
            seen.push((event, by_name("SIP/2001"), by_name("SIP/2002")));
        }
    }
    let expect = |e: &str, a: (bool, bool), b: (bool, bool)| (e.to_owned(), a, b);
    assert_eq!(
        seen,
        [
            expect("Hold", (true, false), (false, false)),
            expect("MusicOnHoldStart", (true, false), (false, true)),
            expect("Unhold", (false, false), (false, true)),
            expect("MusicOnHoldStop", (false, false), (false, false)),
        ]
    );
    assert_idle(&state, "s3 at the end");
}

#[test]
fn masquerade_chains_keep_names_on_the_right_uniqueids() {
    let msgs = capture_messages("third-party/ami1-asterisk11/xfer_misc_call_pickup.ami");
    let mut state = State::new();
    for m in &msgs {
        state.apply(m, 0.0);
        if m.is("Event", "Hangup") && m.is("Cause", "42") {
            // The picked-up ringing channel took the picker's name; the
            // picker's own Uniqueid ended as a <ZOMBIE>.
            let picked = state.channels.get("vgua0-dev-1445001221.109").unwrap();
            assert_eq!(picked.name, "SIP/123450003-00000033");
            assert!(state.channels.get("vgua0-dev-1445001226.110").is_none());
            assert_eq!(
                state.channels.id_by_name("SIP/123450003-00000033"),
                Some("vgua0-dev-1445001221.109")
            );
        }
    }
    assert_idle(&state, "pickup at the end");
    let hangups: Vec<String> = state
        .log
        .iter()
        .filter(|e| e.name() == "Hangup")
        .map(|e| e.summary())
        .collect();
    assert!(hangups[0].contains("Cause=42"), "{hangups:?}");
}

#[test]
fn unknown_events_are_counted_by_name() {
    let state = replay(
        &read_capture("b1_core_actions.ami"),
        ReplayOptions::default(),
    )
    .state;
    assert_eq!(state.unknown_events.get("ListDialplan"), Some(&4));
    assert_eq!(
        state.unknown_events.get("BridgeTechnologyListItem"),
        Some(&4)
    );
    assert!(!state.unknown_events.contains_key("FullyBooted"));
    assert!(!state.unknown_events.contains_key("SuccessfulAuth"));
    assert_eq!(state.server.asterisk_version, "22.10.1");
    assert_eq!(state.server.startup, "2026-11-26 22:08:11");
    assert_eq!(state.server.current_calls, Some(0));
}

#[test]
fn b2_module_events_are_recorded_per_module() {
    let state = replay(&read_capture("b2_modules.ami"), ReplayOptions::default()).state;
    let module = |m: &str| {
        let a = &state.server.modules[m];
        (a.action.as_str(), a.status.as_str())
    };
    assert_eq!(module("app_queue.so"), ("Reload", "0"));
    assert_eq!(module("app_echo.so"), ("Load", "Success"));
    assert_eq!(module("res_musiconhold.so"), ("Reload", "0"));
    assert!(
        state.unknown_events.is_empty(),
        "{:?}",
        state.unknown_events
    );
}
