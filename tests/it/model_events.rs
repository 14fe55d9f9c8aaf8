//! The model, event family by event family, in each protocol generation:
//! hand-written sequences in, expected state out.

use crate::support::msg;
use amitop::ami::{AmiVersion, Banner, Message};
use amitop::model::{ListKind, State, legacy_id};

fn apply_all(state: &mut State, events: &[&[(&str, &str)]]) {
    for pairs in events {
        state.apply(&msg(pairs), 1000.0);
    }
}

/// A call in the vocabulary of the AMI 1.1 change list
/// (assets/manager_1_1.txt): Newchannel with ChannelStateDesc, Dial, Bridge
/// Link/Unlink, Hold with Status, Rename, NewCallerID, Hangup.
#[test]
fn a_call_in_the_ami_1_1_vocabulary_ends_empty() {
    let mut state = State::new();
    apply_all(
        &mut state,
        &[
            &[
                ("Event", "Newchannel"),
                ("Channel", "SIP/olle-01843c00"),
                ("ChannelState", "4"),
                ("ChannelStateDesc", "Ring"),
                ("CallerIDNum", "1234"),
                ("CallerIDName", ""),
                ("AccountCode", "OllesAccount"),
                ("Uniqueid", "1177271625.27"),
            ],
            &[
                ("Event", "Newchannel"),
                ("Channel", "SIP/anna-01849800"),
                ("ChannelState", "0"),
                ("ChannelStateDesc", "Down"),
                ("Uniqueid", "1177271625.28"),
            ],
            &[
                ("Event", "Dial"),
                ("Channel", "SIP/olle-01843c00"),
                ("Destination", "SIP/anna-01849800"),
                ("CallerIDNum", "1234"),
                ("UniqueID", "1177271625.27"),
                ("DestUniqueID", "1177271625.28"),
                ("Dialstring", "anna"),
            ],
        ],
    );
    assert_eq!(
        state.channels.get("1177271625.27").unwrap().dialing,
        ["1177271625.28"]
    );
    apply_all(
        &mut state,
        &[
            &[
                ("Event", "Newstate"),
                ("Channel", "SIP/anna-01849800"),
                ("ChannelState", "6"),
                ("ChannelStateDesc", "Up"),
                ("Uniqueid", "1177271625.28"),
            ],
            &[
                ("Event", "Bridge"),
                ("Bridgestate", "Link"),
                ("Bridgetype", "core"),
                ("Channel1", "SIP/olle-01843c00"),
                ("Channel2", "SIP/anna-01849800"),
                ("Uniqueid1", "1177271625.27"),
                ("Uniqueid2", "1177271625.28"),
                ("CallerID1", "1234"),
                ("CallerID2", "5678"),
            ],
        ],
    );
    let link = legacy_id("1177271625.27", "1177271625.28");
    let olle = state.channels.get("1177271625.27").unwrap();
    assert_eq!(olle.bridge.as_deref(), Some(&*link));
    assert_eq!(olle.peers, ["1177271625.28"]);
    assert_eq!(state.bridges.get(&link).unwrap().bridge_type, "core");
    apply_all(
        &mut state,
        &[
            &[
                ("Event", "Hold"),
                ("Status", "On"),
                ("Channel", "SIP/olle-01843c00"),
                ("Uniqueid", "1177271625.27"),
            ],
            &[
                ("Event", "Rename"),
                ("Channel", "SIP/anna-01849800"),
                ("Newname", "SIP/anna-01849800<MASQ>"),
                ("Uniqueid", "1177271625.28"),
            ],
            &[
                ("Event", "NewCallerid"),
                ("Channel", "SIP/anna-01849800<MASQ>"),
                ("CallerIDNum", "5678"),
                ("CallerIDName", "Anna"),
                ("Uniqueid", "1177271625.28"),
            ],
        ],
    );
    assert!(state.channels.get("1177271625.27").unwrap().hold);
    let anna = state.channels.get("1177271625.28").unwrap();
    assert_eq!(anna.name, "SIP/anna-01849800<MASQ>");
    assert_eq!(
        (&*anna.caller_id_num, &*anna.caller_id_name),
        ("5678", "Anna")
    );
    apply_all(
        &mut state,
        &[
            &[
                ("Event", "Hold"),
                ("Status", "Off"),
                ("Channel", "SIP/olle-01843c00"),
                ("Uniqueid", "1177271625.27"),
            ],
            &[
                ("Event", "Bridge"),
                ("Bridgestate", "Unlink"),
                ("Bridgetype", "core"),
                ("Channel1", "SIP/olle-01843c00"),
                ("Channel2", "SIP/anna-01849800<MASQ>"),
                ("Uniqueid1", "1177271625.27"),
                ("Uniqueid2", "1177271625.28"),
            ],
        ],
    );
    let olle = state.channels.get("1177271625.27").unwrap();
    assert!(!olle.hold);
    assert_eq!(olle.bridge, None);
    assert!(olle.peers.is_empty());
    assert!(state.bridges.is_empty());
    apply_all(
        &mut state,
        &[
            &[
                ("Event", "Hangup"),
                ("Channel", "SIP/anna-01849800<MASQ>"),
                ("Uniqueid", "1177271625.28"),
                ("Cause", "16"),
            ],
            &[
                ("Event", "Hangup"),
                ("Channel", "SIP/olle-01843c00"),
                ("Uniqueid", "1177271625.27"),
                ("Cause", "16"),
            ],
        ],
    );
    assert!(state.channels.is_empty());
    assert!(state.bridges.is_empty());
    assert!(
        state.unknown_events.is_empty(),
        "{:?}",
        state.unknown_events
    );
}

/// Asterisk 1.4 (AMI 1.0): `State`, `Link`/`Unlink`, `Dial` with
/// `Source`/`SrcUniqueID`, `Rename` with `Oldname`, `MusicOnHold` with `State`.
#[test]
fn asterisk_1_4_vocabulary() {
    let mut state = State::new();
    apply_all(
        &mut state,
        &[
            &[
                ("Event", "Newchannel"),
                ("Channel", "Zap/1-1"),
                ("State", "Ring"),
                ("CallerIDNum", "100"),
                ("Uniqueid", "1200000000.1"),
            ],
            &[
                ("Event", "Newchannel"),
                ("Channel", "SIP/b-2"),
                ("State", "Down"),
                ("Uniqueid", "1200000000.2"),
            ],
            &[
                ("Event", "Dial"),
                ("Source", "Zap/1-1"),
                ("Destination", "SIP/b-2"),
                ("SrcUniqueID", "1200000000.1"),
                ("DestUniqueID", "1200000000.2"),
            ],
            &[
                ("Event", "Link"),
                ("Channel1", "Zap/1-1"),
                ("Channel2", "SIP/b-2"),
                ("Uniqueid1", "1200000000.1"),
                ("Uniqueid2", "1200000000.2"),
            ],
            &[
                ("Event", "MusicOnHold"),
                ("State", "Start"),
                ("Channel", "SIP/b-2"),
                ("UniqueID", "1200000000.2"),
                ("Class", "default"),
            ],
            &[
                ("Event", "Rename"),
                ("Oldname", "SIP/b-2"),
                ("Newname", "SIP/b-2<ZOMBIE>"),
                ("Uniqueid", "1200000000.2"),
            ],
        ],
    );
    let zap = state.channels.get("1200000000.1").unwrap();
    assert_eq!(zap.state, "Ring");
    assert_eq!(zap.dialing, ["1200000000.2"]);
    assert_eq!(zap.peers, ["1200000000.2"]);
    let b = state.channels.get("1200000000.2").unwrap();
    assert_eq!(b.name, "SIP/b-2<ZOMBIE>");
    assert!(b.music_on_hold);
    assert_eq!(b.music_class, "default");
    apply_all(
        &mut state,
        &[
            &[
                ("Event", "MusicOnHold"),
                ("State", "Stop"),
                ("Channel", "SIP/b-2<ZOMBIE>"),
                ("UniqueID", "1200000000.2"),
            ],
            &[
                ("Event", "Unlink"),
                ("Channel1", "Zap/1-1"),
                ("Channel2", "SIP/b-2<ZOMBIE>"),
                ("Uniqueid1", "1200000000.1"),
                ("Uniqueid2", "1200000000.2"),
            ],
        ],
    );
    assert!(!state.channels.get("1200000000.2").unwrap().music_on_hold);
    assert!(state.bridges.is_empty());
}

/// 1.6-11 `Dial` with `SubEvent`, and a Hangup of a `<ZOMBIE>` that never
/// had a Newchannel: nothing appears, and nothing comes back later.
#[test]
fn legacy_dial_subevents_and_zombie_hangups() {
    let mut state = State::new();
    apply_all(
        &mut state,
        &[
            &[
                ("Event", "Newchannel"),
                ("Channel", "SIP/a-1"),
                ("ChannelStateDesc", "Ring"),
                ("Uniqueid", "sys-1300000000.1"),
            ],
            &[
                ("Event", "Dial"),
                ("SubEvent", "Begin"),
                ("Channel", "SIP/a-1"),
                ("UniqueID", "sys-1300000000.1"),
                ("Destination", "SIP/b-2"),
                ("DestUniqueID", "sys-1300000000.2"),
                ("CallerIDNum", "201"),
            ],
        ],
    );
    let a = state.channels.get("sys-1300000000.1").unwrap();
    assert_eq!(a.dialing, ["sys-1300000000.2"]);
    assert_eq!(a.caller_id_num, "201");
    assert_eq!(a.created, Some(1300000000.0));
    assert_eq!(
        state.channels.get("sys-1300000000.2").unwrap().name,
        "SIP/b-2"
    );
    apply_all(
        &mut state,
        &[
            &[
                ("Event", "Hangup"),
                ("Channel", "SIP/b-2"),
                ("Uniqueid", "sys-1300000000.2"),
                ("Cause", "17"),
            ],
            &[
                ("Event", "Dial"),
                ("SubEvent", "End"),
                ("Channel", "SIP/a-1"),
                ("UniqueID", "sys-1300000000.1"),
                ("DialStatus", "BUSY"),
            ],
            &[
                ("Event", "Hangup"),
                ("Channel", "SIP/x-9<ZOMBIE>"),
                ("Uniqueid", "sys-1300000000.9"),
                ("Cause", "16"),
            ],
            &[
                ("Event", "Newstate"),
                ("Channel", "SIP/x-9<ZOMBIE>"),
                ("ChannelStateDesc", "Up"),
                ("Uniqueid", "sys-1300000000.9"),
            ],
        ],
    );
    let a = state.channels.get("sys-1300000000.1").unwrap();
    assert!(a.dialing.is_empty());
    assert_eq!(a.dial_status, "BUSY");
    assert_eq!(state.channels.len(), 1);
    assert!(state.channels.is_dead("sys-1300000000.9"));
}

fn snapshot<'a>(
    prefix: &str,
    id: &'a str,
    name: &'a str,
    state: &'a str,
) -> Vec<(String, &'a str)> {
    vec![
        (format!("{prefix}Channel"), name),
        (format!("{prefix}ChannelStateDesc"), state),
        (format!("{prefix}CallerIDNum"), "<unknown>"),
        (format!("{prefix}ConnectedLineNum"), "<unknown>"),
        (format!("{prefix}Uniqueid"), id),
        (format!("{prefix}Linkedid"), "1795730908.1"),
    ]
}

fn event(name: &str, parts: &[Vec<(String, &str)>], extra: &[(&str, &str)]) -> Message {
    let mut pairs: Vec<(String, String)> = vec![("Event".into(), name.into())];
    for part in parts {
        pairs.extend(part.iter().map(|(k, v)| (k.clone(), v.to_string())));
    }
    pairs.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Message::from_pairs(pairs)
}

/// 12+: an originated call's first DialBegin has only `Dest*` headers;
/// DialBegin creates the dialled channel; DialEnd finishes the dial.
#[test]
fn dial_begin_and_end_in_the_12_vocabulary() {
    let mut state = State::new();
    let dest = snapshot("Dest", "1795730908.1", "Local/200@test-00000000;1", "Down");
    state.apply(
        &event("DialBegin", &[dest], &[("DialString", "200@test/n")]),
        0.0,
    );
    let originated = state.channels.get("1795730908.1").unwrap();
    assert_eq!(originated.caller_id_num, "");
    assert_eq!(originated.connected_num, "");
    let caller = snapshot("", "1795730908.2", "SIP/a-1", "Ring");
    let callee = snapshot("Dest", "1795730908.3", "SIP/b-2", "Down");
    state.apply(
        &event("DialBegin", &[caller.clone(), callee.clone()], &[]),
        0.0,
    );
    assert_eq!(
        state.channels.get("1795730908.2").unwrap().dialing,
        ["1795730908.3"]
    );
    state.apply(
        &event("DialEnd", &[caller, callee], &[("DialStatus", "ANSWER")]),
        0.0,
    );
    let caller = state.channels.get("1795730908.2").unwrap();
    assert!(caller.dialing.is_empty());
    assert_eq!(caller.dial_status, "ANSWER");
    assert_eq!(state.channels.len(), 3);
}

fn bridge_headers(id: &str) -> Vec<(String, &str)> {
    vec![
        ("BridgeUniqueid".to_owned(), id),
        ("BridgeType".to_owned(), "basic"),
        ("BridgeTechnology".to_owned(), "simple_bridge"),
    ]
}

/// 12+ bridges: create, enter, merge, Local optimisation swap, leave, destroy.
#[test]
fn bridges_in_the_12_vocabulary_keep_members_and_peers() {
    let mut state = State::new();
    let a = snapshot("", "1.1", "SIP/a-1", "Up");
    let l1 = snapshot("", "1.2", "Local/x@t-1;1", "Up");
    let l2 = snapshot("", "1.3", "Local/x@t-1;2", "Up");
    let b = snapshot("", "1.4", "SIP/b-2", "Up");
    for ch in [&a, &l1, &l2, &b] {
        state.apply(&event("Newchannel", std::slice::from_ref(ch), &[]), 0.0);
    }
    let one = bridge_headers("br-1");
    let two = bridge_headers("br-2");
    state.apply(&event("BridgeCreate", std::slice::from_ref(&one), &[]), 0.0);
    state.apply(&event("BridgeEnter", &[one.clone(), a.clone()], &[]), 0.0);
    state.apply(&event("BridgeEnter", &[one.clone(), l1.clone()], &[]), 0.0);
    state.apply(&event("BridgeEnter", &[two.clone(), l2.clone()], &[]), 0.0);
    state.apply(&event("BridgeEnter", &[two.clone(), b.clone()], &[]), 0.0);
    let local_one = snapshot("LocalOne", "1.2", "Local/x@t-1;1", "Up");
    let local_two = snapshot("LocalTwo", "1.3", "Local/x@t-1;2", "Up");
    state.apply(&event("LocalBridge", &[local_one, local_two], &[]), 0.0);
    assert_eq!(
        state.channels.get("1.2").unwrap().local_peer.as_deref(),
        Some("1.3")
    );
    assert_eq!(state.channels.get("1.1").unwrap().peers, ["1.2"]);
    assert_eq!(
        state.bridges.get("br-1").unwrap().technology,
        "simple_bridge"
    );

    // Local optimisation: B replaces the ;1 half in bridge 1.
    state.apply(
        &event(
            "BridgeEnter",
            &[one.clone(), b.clone()],
            &[("SwapUniqueid", "1.2")],
        ),
        0.0,
    );
    assert_eq!(state.bridges.get("br-1").unwrap().members, ["1.1", "1.4"]);
    assert_eq!(state.channels.get("1.1").unwrap().peers, ["1.4"]);
    assert_eq!(
        state.channels.get("1.4").unwrap().bridge.as_deref(),
        Some("br-1")
    );
    assert_eq!(state.channels.get("1.2").unwrap().bridge, None);
    assert_eq!(state.bridges.get("br-2").unwrap().members, ["1.3"]);

    // Merge bridge 2 into bridge 1.
    state.apply(
        &msg(&[
            ("Event", "BridgeMerge"),
            ("ToBridgeUniqueid", "br-1"),
            ("ToBridgeType", "basic"),
            ("FromBridgeUniqueid", "br-2"),
        ]),
        0.0,
    );
    assert!(state.bridges.get("br-2").is_none());
    assert_eq!(
        state.bridges.get("br-1").unwrap().members,
        ["1.1", "1.4", "1.3"]
    );
    assert_eq!(state.channels.get("1.3").unwrap().peers, ["1.1", "1.4"]);

    state.apply(&event("BridgeLeave", &[one.clone(), a.clone()], &[]), 0.0);
    assert_eq!(state.channels.get("1.1").unwrap().bridge, None);
    assert_eq!(state.channels.get("1.4").unwrap().peers, ["1.3"]);
    state.apply(&event("BridgeDestroy", &[one], &[]), 0.0);
    assert!(state.bridges.is_empty());
    assert!(
        state
            .channels
            .iter()
            .all(|c| c.bridge.is_none() && c.peers.is_empty())
    );
}

/// 12+ list items: CoreShowChannel with BridgeId, BridgeListItem, and the
/// BridgeInfoChannel items that only their BridgeInfoComplete names.
#[test]
fn list_items_build_channels_and_bridges() {
    let mut state = State::new();
    let a = snapshot("", "1.1", "SIP/a-1", "Up");
    let b = snapshot("", "1.2", "SIP/b-2", "Up");
    state.apply(
        &event(
            "CoreShowChannel",
            std::slice::from_ref(&a),
            &[
                ("ActionID", "x-1"),
                ("Application", "Dial"),
                ("ApplicationData", "SIP/b"),
                ("BridgeId", "br-9"),
            ],
        ),
        0.0,
    );
    let channel = state.channels.get("1.1").unwrap();
    assert_eq!(
        (&*channel.application, &*channel.app_data),
        ("Dial", "SIP/b")
    );
    assert_eq!(channel.bridge.as_deref(), Some("br-9"));
    state.apply(
        &event(
            "BridgeListItem",
            &[bridge_headers("br-9")],
            &[("ActionID", "x-2")],
        ),
        0.0,
    );
    assert_eq!(state.bridges.get("br-9").unwrap().bridge_type, "basic");
    for ch in [a, b] {
        state.apply(
            &event("BridgeInfoChannel", &[ch], &[("ActionID", "x-3")]),
            0.0,
        );
    }
    state.apply(
        &event(
            "BridgeInfoComplete",
            &[bridge_headers("br-9")],
            &[("ActionID", "x-3"), ("EventList", "Complete")],
        ),
        0.0,
    );
    assert_eq!(state.bridges.get("br-9").unwrap().members, ["1.1", "1.2"]);
    assert_eq!(state.channels.get("1.2").unwrap().peers, ["1.1"]);
    assert!(
        state.unknown_events.is_empty(),
        "{:?}",
        state.unknown_events
    );
}

/// Old servers' `Status` items name the bridged channel instead of a bridge.
#[test]
fn legacy_status_items_link_bridged_channels() {
    let mut state = State::new();
    apply_all(
        &mut state,
        &[
            &[
                ("Event", "Status"),
                ("Channel", "SIP/a-1"),
                ("State", "Up"),
                ("Account", "acct"),
                ("Uniqueid", "1.1"),
            ],
            &[
                ("Event", "Status"),
                ("Channel", "SIP/b-2"),
                ("ChannelStateDesc", "Up"),
                ("BridgedChannel", "SIP/a-1"),
                ("BridgedUniqueid", "1.1"),
                ("Uniqueid", "1.2"),
            ],
        ],
    );
    assert_eq!(state.channels.get("1.1").unwrap().account_code, "acct");
    assert_eq!(state.channels.get("1.1").unwrap().peers, ["1.2"]);
    assert!(state.bridges.get(&legacy_id("1.1", "1.2")).is_some());
}

/// Newexten application data, VarSet (bounded), ChannelUpdate details,
/// connected line `<unknown>` made empty, created from `Timestamp`.
#[test]
fn channel_details() {
    let mut state = State::new();
    apply_all(
        &mut state,
        &[
            &[
                ("Event", "Newchannel"),
                ("Timestamp", "1700000000.123456"),
                ("Channel", "SIP/a-1"),
                ("ChannelState", "4"),
                ("ConnectedLineNum", "<unknown>"),
                ("ConnectedLineName", "<unknown>"),
                ("Uniqueid", "1600000000.1"),
            ],
            &[
                ("Event", "Newexten"),
                ("Channel", "SIP/a-1"),
                ("Context", "default"),
                ("Extension", "100"),
                ("Priority", "2"),
                ("Application", "Dial"),
                ("AppData", "SIP/b,20"),
                ("Uniqueid", "1600000000.1"),
            ],
            &[
                ("Event", "VarSet"),
                ("Channel", "SIP/a-1"),
                ("Variable", "DIALSTATUS"),
                ("Value", "ANSWER"),
                ("Uniqueid", "1600000000.1"),
            ],
            &[
                ("Event", "ChannelUpdate"),
                ("Channel", "SIP/a-1"),
                ("Channeltype", "SIP"),
                ("SIPcallid", "abc@host"),
                ("Uniqueid", "1600000000.1"),
            ],
            &[
                ("Event", "NewAccountCode"),
                ("Channel", "SIP/a-1"),
                ("AccountCode", "sales"),
                ("OldAccountCode", ""),
                ("Uniqueid", "1600000000.1"),
            ],
        ],
    );
    let c = state.channels.get("1600000000.1").unwrap();
    assert_eq!(c.created, Some(1700000000.123456));
    assert_eq!(c.state, "Ring");
    assert_eq!(c.state_code, Some(4));
    assert_eq!((&*c.connected_num, &*c.connected_name), ("", ""));
    assert_eq!(
        (&*c.context, &*c.exten, c.priority),
        ("default", "100", Some(2))
    );
    assert_eq!((&*c.application, &*c.app_data), ("Dial", "SIP/b,20"));
    assert_eq!(c.variables.get("DIALSTATUS"), Some("ANSWER"));
    assert_eq!(c.driver.get("SIPcallid"), Some("abc@host"));
    assert_eq!(c.account_code, "sales");
    let json = serde_json::to_value(&state).unwrap();
    let channel = &json["channels"][0];
    assert_eq!(channel["priority"], 2);
    assert_eq!(channel["bridge"], serde_json::Value::Null);
    assert_eq!(channel["music_on_hold"], false);
    assert!(channel.get("variables").is_none());
}

/// Banner, FullyBooted, Shutdown, Reload with the seed's Status text and the
/// 1.1 module-load report.
#[test]
fn server_events() {
    let mut state = State::new();
    state.apply_banner(&Banner {
        text: "Asterisk Call Manager/1.1".into(),
        version: AmiVersion::parse("1.1"),
    });
    apply_all(
        &mut state,
        &[
            &[("Event", "FullyBooted"), ("Status", "Fully Booted")],
            &[
                ("Event", "Reload"),
                ("Module", "manager"),
                ("Status", "enabled"),
            ],
            &[
                ("Event", "ModuleLoad"),
                ("ModuleLoadStatus", "Done"),
                ("ModuleSelection", "All"),
                ("ModuleCount", "24"),
            ],
        ],
    );
    assert_eq!(state.server.ami_version, "1.1");
    assert!(state.server.fully_booted);
    assert_eq!(state.server.modules["manager"].status, "enabled");
    assert_eq!(state.server.modules["manager"].at, 1000.0);
    assert_eq!(state.server.module_load.as_ref().unwrap().count, Some(24));
    state.apply(&msg(&[("Event", "Shutdown"), ("Shutdown", "Cleanly")]), 0.0);
    assert!(!state.server.fully_booted);
    assert_eq!(state.server.shutdown.as_deref(), Some("Cleanly"));
    assert!(
        state.unknown_events.is_empty(),
        "{:?}",
        state.unknown_events
    );
}

/// Transfers only go to the log; unknown events are counted, and logged.
#[test]
fn transfers_are_logged_and_unknown_events_counted() {
    let mut state = State::with_log_capacity(3);
    apply_all(
        &mut state,
        &[
            &[
                ("Event", "Transfer"),
                ("TransferType", "Blind"),
                ("Channel", "SIP/a-1"),
                ("TargetChannel", "SIP/b-2"),
                ("TransferExten", "100"),
            ],
            &[("Event", "BlindTransfer"), ("Result", "Success")],
            &[("Event", "Frobnicate")],
            &[("Event", "Frobnicate")],
        ],
    );
    assert_eq!(state.unknown_events.len(), 1);
    assert_eq!(state.unknown_events["Frobnicate"], 2);
    let names: Vec<String> = state.log.iter().map(|e| e.name()).collect();
    assert_eq!(names, ["BlindTransfer", "Frobnicate", "Frobnicate"]);
    assert_eq!(state.log.total(), 4);
}

/// Mark and sweep: a channel gone while disconnected disappears, one created
/// during the resync stays, and one hung up during the resync stays gone
/// even if a late list item reports it.
#[test]
fn resync_sweeps_what_the_lists_did_not_report() {
    let mut state = State::new();
    let newchannel = |id: &'static str| -> [(&'static str, &'static str); 4] {
        [
            ("Event", "Newchannel"),
            ("Channel", id),
            ("ChannelStateDesc", "Up"),
            ("Uniqueid", id),
        ]
    };
    for id in ["1.1", "1.2", "1.3"] {
        state.apply(&msg(&newchannel(id)), 0.0);
    }
    state.begin_resync();
    state.apply(&msg(&newchannel("1.4")), 0.0);
    state.apply(&msg(&[("Event", "Hangup"), ("Uniqueid", "1.3")]), 0.0);
    for id in ["1.2", "1.3"] {
        state.apply(
            &msg(&[
                ("Event", "CoreShowChannel"),
                ("Channel", id),
                ("ChannelStateDesc", "Up"),
                ("Uniqueid", id),
                ("BridgeId", ""),
            ]),
            0.0,
        );
    }
    state.sweep(ListKind::Channels);
    let mut live: Vec<&str> = state.channels.iter().map(|c| &*c.uniqueid).collect();
    live.sort();
    assert_eq!(live, ["1.2", "1.4"]);
    assert!(state.channels.is_dead("1.1"));
}

#[test]
fn resync_sweeps_bridges_with_their_memberships() {
    let mut state = State::new();
    let a = snapshot("", "1.1", "SIP/a-1", "Up");
    state.apply(
        &event("BridgeEnter", &[bridge_headers("br-1"), a], &[]),
        0.0,
    );
    state.apply(&event("BridgeCreate", &[bridge_headers("br-2")], &[]), 0.0);
    state.begin_resync();
    state.apply(
        &event("BridgeListItem", &[bridge_headers("br-2")], &[]),
        0.0,
    );
    state.sweep(ListKind::Bridges);
    assert!(state.bridges.get("br-1").is_none());
    assert!(state.bridges.get("br-2").is_some());
    assert_eq!(state.channels.get("1.1").unwrap().bridge, None);
}

#[test]
fn list_completions_name_their_kind() {
    assert_eq!(
        ListKind::completed_by("CoreShowChannelsComplete"),
        Some(ListKind::Channels)
    );
    assert_eq!(
        ListKind::completed_by("BridgeListComplete"),
        Some(ListKind::Bridges)
    );
    assert_eq!(
        ListKind::completed_by("PeerlistComplete"),
        Some(ListKind::Peers)
    );
    assert_eq!(ListKind::completed_by("Hangup"), None);
}
