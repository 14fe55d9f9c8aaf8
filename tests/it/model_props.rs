//! Property tests of the reducer: whatever a server sends, in any order,
//! `State::apply` never panics and the state stays self-consistent: every
//! bridge member is a live channel that names that bridge, every channel's
//! bridge exists and lists it, its peers are the other members, and queue
//! positions stay a numbering of the callers. Messages are drawn from the
//! real vocabulary (event names and header keys of every AMI generation)
//! with values from a small pool, so events hit the same channels often.

use amitop::ami::Message;
use amitop::model::State;
use proptest::prelude::*;

use crate::support::{PROP_CHANNELS, PROP_UNIQUEIDS};

const EVENTS: &[&str] = &[
    "Newchannel",
    "Newstate",
    "Newexten",
    "NewCallerid",
    "NewConnectedLine",
    "NewAccountCode",
    "Hangup",
    "HangupRequest",
    "Rename",
    "Masquerade",
    "Hold",
    "Unhold",
    "MusicOnHoldStart",
    "MusicOnHoldStop",
    "MusicOnHold",
    "VarSet",
    "ChannelUpdate",
    "LocalBridge",
    "LocalOptimizationBegin",
    "CoreShowChannel",
    "Status",
    "Dial",
    "DialBegin",
    "DialEnd",
    "BridgeCreate",
    "BridgeEnter",
    "BridgeLeave",
    "BridgeDestroy",
    "BridgeMerge",
    "BridgeListItem",
    "BridgeInfoChannel",
    "BridgeInfoComplete",
    "Bridge",
    "Link",
    "Unlink",
    "Transfer",
    "BlindTransfer",
    "AttendedTransfer",
    "QueueParams",
    "QueueMember",
    "QueueEntry",
    "QueueSummary",
    "Join",
    "Leave",
    "QueueCallerJoin",
    "QueueCallerLeave",
    "QueueCallerAbandon",
    "QueueMemberAdded",
    "QueueMemberRemoved",
    "QueueMemberStatus",
    "QueueMemberPause",
    "QueueMemberPaused",
    "QueueMemberPenalty",
    "AgentCalled",
    "AgentConnect",
    "AgentComplete",
    "AgentRingNoAnswer",
    "RegistryEntry",
    "Registry",
    "PeerStatus",
    "PeerEntry",
    "ContactStatus",
    "ExtensionStatus",
    "DeviceStateChange",
    "FullyBooted",
    "Reload",
    "Load",
    "CoreShowChannelsComplete",
];

const KEYS: &[&str] = &[
    "Channel",
    "Uniqueid",
    "UniqueID",
    "Linkedid",
    "DestChannel",
    "DestUniqueid",
    "DestUniqueID",
    "Destination",
    "SubEvent",
    "Channel1",
    "Channel2",
    "Uniqueid1",
    "Uniqueid2",
    "Bridgestate",
    "Bridgetype",
    "BridgeUniqueid",
    "BridgeType",
    "ToBridgeUniqueid",
    "FromBridgeUniqueid",
    "Newname",
    "Oldname",
    "Original",
    "Clone",
    "ChannelState",
    "ChannelStateDesc",
    "State",
    "CallerIDNum",
    "CallerIDName",
    "ConnectedLineNum",
    "Status",
    "Queue",
    "Position",
    "Count",
    "Interface",
    "Location",
    "MemberName",
    "Paused",
    "Penalty",
    "Wait",
    "LocalOneUniqueid",
    "LocalTwoUniqueid",
    "LocalOneChannel",
    "LocalTwoChannel",
    "Peer",
    "Username",
    "Domain",
    "Host",
    "Timestamp",
    "EventList",
    "ActionID",
];

const VALUES: &[&str] = &[
    "",
    "SIP/a-1",
    "SIP/b-2",
    "Local/x@t-1;1",
    "Local/x@t-1;2",
    "SIP/a-1<MASQ>",
    "SIP/b-2<ZOMBIE>",
    "1.1",
    "1.2",
    "1.3",
    "1.4",
    "sys-1.5",
    "br-1",
    "br-2",
    "Link",
    "Unlink",
    "Begin",
    "End",
    "0",
    "1",
    "2",
    "6",
    "-1",
    "99999999999999999999",
    "Up",
    "Ringing",
    "support",
    "sales",
    "On",
    "Off",
    "<unknown>",
    "Complete",
    "caf\u{e9}",
    "1e9",
];

const BRIDGES: &[&str] = &["br-1", "br-2"];

/// An event about a few channels and bridges (so events meet), naming the
/// two ends a 1.x link needs, with random other headers.
fn message() -> impl Strategy<Value = Message> {
    let header = (prop::sample::select(KEYS), prop::sample::select(VALUES));
    let party = (
        prop::sample::select(PROP_CHANNELS),
        prop::sample::select(PROP_UNIQUEIDS),
    );
    (
        prop::sample::select(EVENTS),
        party.clone(),
        party,
        prop::sample::select(BRIDGES),
        prop::collection::vec(header, 0..8),
    )
        .prop_map(
            |(event, (channel, uniqueid), (other, other_id), bridge, headers)| {
                let named = [
                    ("Event", event),
                    ("Channel", channel),
                    ("Uniqueid", uniqueid),
                    ("BridgeUniqueid", bridge),
                    ("Channel1", channel),
                    ("Uniqueid1", uniqueid),
                    ("Channel2", other),
                    ("Uniqueid2", other_id),
                ];
                Message::from_pairs(named.into_iter().chain(headers))
            },
        )
}

/// The consistency every pane relies on.
fn assert_consistent(state: &State) {
    for bridge in state.bridges.iter() {
        for member in &bridge.members {
            let channel = state
                .channels
                .get(member)
                .unwrap_or_else(|| panic!("bridge {} lists a dead channel {member}", bridge.id));
            assert_eq!(channel.bridge.as_deref(), Some(bridge.id.as_str()));
        }
    }
    for channel in state.channels.iter() {
        let Some(id) = &channel.bridge else {
            assert!(
                channel.peers.is_empty(),
                "{} has peers but no bridge",
                channel.name
            );
            continue;
        };
        let bridge = state
            .bridges
            .get(id)
            .unwrap_or_else(|| panic!("{} is in a missing bridge {id}", channel.name));
        assert!(bridge.members.contains(&channel.uniqueid));
        let mut peers = channel.peers.clone();
        let mut others: Vec<String> = bridge
            .members
            .iter()
            .filter(|m| **m != channel.uniqueid)
            .cloned()
            .collect();
        peers.sort();
        others.sort();
        assert_eq!(peers, others, "peers of {}", channel.name);
    }
    for queue in state.queues.by_name.values() {
        let mut positions: Vec<u32> = queue.callers.iter().filter_map(|c| c.position).collect();
        positions.sort_unstable();
        positions.dedup();
        assert_eq!(
            positions.len(),
            queue
                .callers
                .iter()
                .filter(|c| c.position.is_some())
                .count(),
            "two callers share a position in {}",
            queue.name
        );
    }
}

fn sequences() -> impl Strategy<Value = Vec<Message>> {
    prop::collection::vec(message(), 1..60)
}

/// The property above is only worth something if the drawn sequences build
/// what it checks: channels in bridges and callers in queues.
#[test]
fn the_drawn_sequences_reach_bridges_and_queues() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let (mut bridged, mut queued) = (0, 0);
    for _ in 0..200 {
        let messages = sequences().new_tree(&mut runner).unwrap().current();
        let mut state = State::new();
        for (i, m) in messages.iter().enumerate() {
            state.apply(m, i as f64);
            bridged += state.bridges.iter().any(|b| b.members.len() >= 2) as u32;
            queued += state.queues.by_name.values().any(|q| !q.callers.is_empty()) as u32;
        }
    }
    assert!(
        bridged > 100 && queued > 100,
        "bridged {bridged}, queued {queued}"
    );
}

proptest! {
    #![proptest_config(crate::support::prop_config(512))]

    #[test]
    fn any_sequence_keeps_the_state_consistent(messages in sequences()) {
        let mut state = State::new();
        for (i, m) in messages.iter().enumerate() {
            state.apply(m, i as f64);
            assert_consistent(&state);
        }
    }
}
