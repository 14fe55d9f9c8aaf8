//! The decoder against every real capture in `tests/fixtures/ami`: the
//! message and event counts the folders' READMEs give, the same frames
//! however the bytes are chunked (fixed sizes and the recorded arrival
//! pattern), and the protocol corners those captures hold (`Follows`
//! bodies, Latin-1 bytes, the stray blank line after `QueueRule`).

use std::collections::BTreeMap;

use crate::support::{
    ami_files, capture_messages, decode_chunked, decode_whole, fixed_chunks, messages,
    read_capture, recv_chunks,
};
use amitop::ami::{Frame, Limits, MalformedReason, Message};

/// Whether a README row names every event type of its file, or only the
/// most frequent ones (the third-party README lists eight at most).
#[derive(Clone, Copy, PartialEq)]
enum Listed {
    All,
    MostFrequent,
}

/// What one capture holds, transcribed from its folder's README.
struct Row {
    file: &'static str,
    banner: Option<&'static str>,
    responses: &'static [(&'static str, usize)],
    events: usize,
    event_types: &'static [(&'static str, usize)],
    listed: Listed,
    /// Client actions in the stream (only the `ami1-follows` files have any).
    actions: usize,
    /// Blocks of text without any `Key: Value` line.
    headerless: usize,
}

/// The common case: a server stream with a banner, nothing but responses
/// and events.
const SERVER_STREAM: Row = Row {
    file: "",
    banner: None,
    responses: &[],
    events: 0,
    event_types: &[],
    listed: Listed::All,
    actions: 0,
    headerless: 0,
};

/// One row per `.ami` file. Figures from tests/fixtures/ami/README.md,
/// asterisk20-sip/README.md and third-party/README.md ("responses: ...;
/// events: N", "events by type"); the `ami1-follows` rows from its README's
/// description and the files themselves (see the edge-case test below).
const EXPECTED: &[Row] = &[
    Row {
        file: "a1_login_plain.ami",
        banner: Some("Asterisk Call Manager/11.0.0"),
        responses: &[("Goodbye", 1), ("Success", 2)],
        events: 2,
        event_types: &[("FullyBooted", 1), ("SuccessfulAuth", 1)],
        listed: Listed::All,
        ..SERVER_STREAM
    },
    Row {
        file: "a2_login_md5.ami",
        banner: Some("Asterisk Call Manager/11.0.0"),
        responses: &[("Goodbye", 1), ("Success", 3)],
        events: 2,
        event_types: &[("FullyBooted", 1), ("SuccessfulAuth", 1)],
        listed: Listed::All,
        ..SERVER_STREAM
    },
    Row {
        file: "a3_login_fail.ami",
        banner: Some("Asterisk Call Manager/11.0.0"),
        responses: &[("Error", 3)],
        events: 0,
        event_types: &[],
        listed: Listed::All,
        ..SERVER_STREAM
    },
    Row {
        file: "a3b_login_md5_fail.ami",
        banner: Some("Asterisk Call Manager/11.0.0"),
        responses: &[("Error", 1), ("Success", 1)],
        events: 0,
        event_types: &[],
        listed: Listed::All,
        ..SERVER_STREAM
    },
    Row {
        file: "a4_viewer_readonly.ami",
        banner: Some("Asterisk Call Manager/11.0.0"),
        responses: &[("Error", 4), ("Goodbye", 1), ("Success", 6)],
        events: 9,
        event_types: &[
            ("RequestNotAllowed", 4),
            ("QueueSummary", 2),
            ("FullyBooted", 1),
            ("SuccessfulAuth", 1),
            ("QueueSummaryComplete", 1),
        ],
        listed: Listed::All,
        ..SERVER_STREAM
    },
    Row {
        file: "a5_login_tls.ami",
        banner: Some("Asterisk Call Manager/11.0.0"),
        responses: &[("Goodbye", 1), ("Success", 3)],
        events: 2,
        event_types: &[("FullyBooted", 1), ("SuccessfulAuth", 1)],
        listed: Listed::All,
        ..SERVER_STREAM
    },
    Row {
        file: "asterisk20-sip/s1_sip_status.ami",
        banner: Some("Asterisk Call Manager/9.0.0"),
        responses: &[("Error", 2), ("Goodbye", 1), ("Success", 17)],
        events: 20,
        event_types: &[
            ("PeerStatus", 4),
            ("PeerEntry", 3),
            ("RegistryEntry", 2),
            ("SIPpeerstatusComplete", 2),
            ("SIPQualifyPeerDone", 2),
            ("DeviceStateChange", 2),
            ("FullyBooted", 1),
            ("SuccessfulAuth", 1),
            ("PeerlistComplete", 1),
            ("RegistrationsComplete", 1),
            ("DeviceStateListComplete", 1),
        ],
        listed: Listed::All,
        ..SERVER_STREAM
    },
    Row {
        file: "asterisk20-sip/s3_sip_call_hold.ami",
        banner: Some("Asterisk Call Manager/9.0.0"),
        responses: &[("Goodbye", 1), ("Success", 8)],
        events: 105,
        event_types: &[
            ("VarSet", 56),
            ("Newexten", 5),
            ("Newstate", 4),
            ("CoreShowChannel", 4),
            ("CoreShowChannelsComplete", 3),
            ("Newchannel", 2),
            ("NewConnectedLine", 2),
            ("BridgeEnter", 2),
            ("Status", 2),
            ("BridgeLeave", 2),
            ("Hangup", 2),
            ("FullyBooted", 1),
            ("SuccessfulAuth", 1),
            ("ChallengeSent", 1),
            ("DialBegin", 1),
            ("DeviceStateChange", 1),
            ("DialState", 1),
            ("DialEnd", 1),
            ("BridgeCreate", 1),
            ("StatusComplete", 1),
            ("BridgeListItem", 1),
            ("BridgeListComplete", 1),
            ("Hold", 1),
            ("MusicOnHoldStart", 1),
            ("Unhold", 1),
            ("MusicOnHoldStop", 1),
            ("RTCPSent", 1),
            ("Registry", 1),
            ("HangupRequest", 1),
            ("BridgeDestroy", 1),
            ("Cdr", 1),
            ("SoftHangupRequest", 1),
        ],
        listed: Listed::All,
        ..SERVER_STREAM
    },
    Row {
        file: "b1_core_actions.ami",
        banner: Some("Asterisk Call Manager/11.0.0"),
        responses: &[("Goodbye", 1), ("Success", 22)],
        events: 35,
        event_types: &[
            ("DeviceStateChange", 12),
            ("ExtensionStatus", 4),
            ("BridgeTechnologyListItem", 4),
            ("ListDialplan", 4),
            ("FullyBooted", 1),
            ("SuccessfulAuth", 1),
            ("CoreShowChannelsComplete", 1),
            ("StatusComplete", 1),
            ("VarSet", 1),
            ("ExtensionStateListComplete", 1),
            ("DeviceStateListComplete", 1),
            ("BridgeTechnologyListComplete", 1),
            ("BridgeListComplete", 1),
            ("ShowDialPlanComplete", 1),
            ("UserEvent", 1),
        ],
        listed: Listed::All,
        ..SERVER_STREAM
    },
    Row {
        file: "b2_modules.ami",
        banner: Some("Asterisk Call Manager/11.0.0"),
        responses: &[("Error", 6), ("Goodbye", 1), ("Success", 9)],
        events: 7,
        event_types: &[
            ("Reload", 3),
            ("FullyBooted", 1),
            ("SuccessfulAuth", 1),
            ("Unload", 1),
            ("Load", 1),
        ],
        listed: Listed::All,
        ..SERVER_STREAM
    },
    Row {
        file: "b3_queues.ami",
        banner: Some("Asterisk Call Manager/11.0.0"),
        responses: &[("Error", 5), ("Goodbye", 1), ("Success", 17)],
        events: 36,
        event_types: &[
            ("QueueMember", 9),
            ("DeviceStateChange", 5),
            ("QueueParams", 4),
            ("QueueSummary", 3),
            ("QueueStatusComplete", 3),
            ("QueueSummaryComplete", 2),
            ("QueueMemberPenalty", 2),
            ("QueueMemberPause", 2),
            ("FullyBooted", 1),
            ("SuccessfulAuth", 1),
            ("QueueMemberAdded", 1),
            ("QueueMemberRinginuse", 1),
            ("QueueMemberRemoved", 1),
            ("RequestBadFormat", 1),
        ],
        listed: Listed::All,
        ..SERVER_STREAM
    },
    Row {
        file: "b4_errors.ami",
        banner: Some("Asterisk Call Manager/11.0.0"),
        responses: &[("Error", 10), ("Goodbye", 1), ("Success", 11)],
        events: 7,
        event_types: &[
            ("RequestBadFormat", 2),
            ("UserEvent", 2),
            ("FullyBooted", 1),
            ("SuccessfulAuth", 1),
            ("QueueStatusComplete", 1),
        ],
        listed: Listed::All,
        ..SERVER_STREAM
    },
    Row {
        file: "c1_call_bridge.ami",
        banner: Some("Asterisk Call Manager/11.0.0"),
        responses: &[("Goodbye", 1), ("Success", 11)],
        events: 125,
        event_types: &[
            ("VarSet", 29),
            ("Newexten", 17),
            ("DeviceStateChange", 8),
            ("CoreShowChannel", 6),
            ("NewAccountCode", 5),
            ("Status", 5),
            ("Newchannel", 4),
            ("NewCallerid", 4),
            ("NewConnectedLine", 4),
            ("Newstate", 4),
            ("Hangup", 4),
            ("CoreShowChannelsComplete", 3),
            ("SoftHangupRequest", 3),
            ("Cdr", 3),
            ("LocalBridge", 2),
            ("DialBegin", 2),
            ("ExtensionStatus", 2),
            ("DialEnd", 2),
            ("BridgeEnter", 2),
            ("StatusComplete", 2),
            ("BridgeInfoChannel", 2),
            ("HangupRequest", 2),
            ("BridgeLeave", 2),
            ("FullyBooted", 1),
            ("SuccessfulAuth", 1),
            ("OriginateResponse", 1),
            ("BridgeCreate", 1),
            ("BridgeListItem", 1),
            ("BridgeListComplete", 1),
            ("BridgeInfoComplete", 1),
            ("BridgeDestroy", 1),
        ],
        listed: Listed::All,
        ..SERVER_STREAM
    },
    Row {
        file: "c2_concurrent.ami",
        banner: Some("Asterisk Call Manager/11.0.0"),
        responses: &[("Goodbye", 1), ("Success", 15)],
        events: 565,
        event_types: &[
            ("VarSet", 111),
            ("Newexten", 104),
            ("DeviceStateChange", 49),
            ("Newstate", 25),
            ("CoreShowChannel", 24),
            ("Newchannel", 22),
            ("NewCallerid", 22),
            ("NewConnectedLine", 22),
            ("Hangup", 22),
            ("Cdr", 18),
            ("SoftHangupRequest", 18),
            ("HangupRequest", 12),
            ("DialBegin", 11),
            ("DialEnd", 11),
            ("LocalBridge", 10),
            ("ChannelHungup", 10),
            ("BridgeEnter", 9),
            ("BridgeLeave", 9),
            ("OriginateResponse", 7),
            ("ExtensionStatus", 6),
            ("NewAccountCode", 5),
            ("BridgeCreate", 5),
            ("QueueMemberStatus", 4),
            ("BridgeDestroy", 4),
            ("BridgeListItem", 4),
            ("MusicOnHoldStart", 3),
            ("MusicOnHoldStop", 3),
            ("CoreShowChannelsComplete", 3),
            ("DialState", 2),
            ("ParkedCall", 2),
            ("ChannelsHungupListComplete", 2),
            ("FullyBooted", 1),
            ("SuccessfulAuth", 1),
            ("UserEvent", 1),
            ("ParkedCallsComplete", 1),
            ("BridgeListComplete", 1),
            ("ParkedCallGiveUp", 1),
        ],
        listed: Listed::All,
        ..SERVER_STREAM
    },
    Row {
        file: "c3_queue.ami",
        banner: Some("Asterisk Call Manager/11.0.0"),
        responses: &[("Goodbye", 1), ("Success", 15)],
        events: 447,
        event_types: &[
            ("Newexten", 65),
            ("VarSet", 62),
            ("DeviceStateChange", 43),
            ("Newchannel", 20),
            ("NewCallerid", 20),
            ("NewConnectedLine", 20),
            ("Hangup", 20),
            ("Newstate", 17),
            ("QueueMemberStatus", 16),
            ("DialEnd", 15),
            ("ExtensionStatus", 12),
            ("Cdr", 12),
            ("LocalBridge", 10),
            ("DialBegin", 10),
            ("HangupRequest", 10),
            ("SoftHangupRequest", 10),
            ("NewAccountCode", 8),
            ("AgentCalled", 7),
            ("DialState", 7),
            ("QueueMember", 6),
            ("QueueSummary", 4),
            ("AgentRingNoAnswer", 4),
            ("BridgeEnter", 4),
            ("BridgeLeave", 4),
            ("OriginateResponse", 3),
            ("QueueCallerJoin", 3),
            ("MusicOnHoldStart", 3),
            ("QueueEntry", 3),
            ("MusicOnHoldStop", 3),
            ("QueueCallerLeave", 3),
            ("QueueParams", 2),
            ("QueueStatusComplete", 2),
            ("QueueSummaryComplete", 2),
            ("QueueMemberPause", 2),
            ("QueueMemberPenalty", 2),
            ("AgentConnect", 2),
            ("BridgeCreate", 2),
            ("AgentComplete", 2),
            ("BridgeDestroy", 2),
            ("FullyBooted", 1),
            ("SuccessfulAuth", 1),
            ("QueueCallerAbandon", 1),
            ("ChannelsHungupListComplete", 1),
            ("CoreShowChannelsComplete", 1),
        ],
        listed: Listed::All,
        ..SERVER_STREAM
    },
    Row {
        file: "c9_iax2_peerstatus.ami",
        banner: Some("Asterisk Call Manager/11.0.0"),
        responses: &[("Goodbye", 1), ("Success", 4)],
        events: 12,
        event_types: &[
            ("PeerStatus", 4),
            ("DeviceStateChange", 2),
            ("FullyBooted", 1),
            ("SuccessfulAuth", 1),
            ("PeerEntry", 1),
            ("PeerlistComplete", 1),
            ("RegistryEntry", 1),
            ("RegistrationsComplete", 1),
        ],
        listed: Listed::All,
        ..SERVER_STREAM
    },
    Row {
        file: "e1_parking.ami",
        banner: Some("Asterisk Call Manager/11.0.0"),
        responses: &[("Error", 1), ("Goodbye", 1), ("Success", 16)],
        events: 265,
        event_types: &[
            ("VarSet", 48),
            ("Newexten", 36),
            ("DeviceStateChange", 26),
            ("NewCallerid", 12),
            ("NewConnectedLine", 12),
            ("Cdr", 12),
            ("Newchannel", 10),
            ("Newstate", 10),
            ("Hangup", 10),
            ("ParkedCall", 8),
            ("BridgeEnter", 7),
            ("BridgeLeave", 7),
            ("SoftHangupRequest", 7),
            ("ParkedCallsComplete", 5),
            ("LocalBridge", 5),
            ("DialBegin", 5),
            ("DialEnd", 5),
            ("HangupRequest", 5),
            ("Parkinglot", 4),
            ("NewAccountCode", 4),
            ("OriginateResponse", 4),
            ("MusicOnHoldStart", 3),
            ("MusicOnHoldStop", 3),
            ("ParkinglotsComplete", 2),
            ("BridgeCreate", 2),
            ("ExtensionStatus", 2),
            ("BridgeDestroy", 2),
            ("CoreShowChannel", 2),
            ("CoreShowChannelsComplete", 2),
            ("FullyBooted", 1),
            ("SuccessfulAuth", 1),
            ("ParkedCallGiveUp", 1),
            ("UnParkedCall", 1),
            ("ParkedCallTimeOut", 1),
        ],
        listed: Listed::All,
        ..SERVER_STREAM
    },
    Row {
        file: "e2_confbridge.ami",
        banner: Some("Asterisk Call Manager/11.0.0"),
        responses: &[("Error", 6), ("Goodbye", 1), ("Success", 24)],
        events: 236,
        event_types: &[
            ("Newexten", 45),
            ("VarSet", 33),
            ("DeviceStateChange", 20),
            ("ConfbridgeList", 14),
            ("Cdr", 11),
            ("Newchannel", 8),
            ("NewCallerid", 8),
            ("NewConnectedLine", 8),
            ("Newstate", 8),
            ("SoftHangupRequest", 8),
            ("Hangup", 8),
            ("ConfbridgeListComplete", 5),
            ("LocalBridge", 4),
            ("DialBegin", 4),
            ("DialEnd", 4),
            ("OriginateResponse", 4),
            ("HangupRequest", 4),
            ("ConfbridgeTalking", 4),
            ("BridgeEnter", 3),
            ("ConfbridgeJoin", 3),
            ("ConfbridgeMute", 3),
            ("ConfbridgeUnmute", 3),
            ("BridgeLeave", 3),
            ("ConfbridgeLeave", 3),
            ("ExtensionStatus", 2),
            ("ConfbridgeListRooms", 2),
            ("ConfbridgeListRoomsComplete", 2),
            ("CoreShowChannel", 2),
            ("CoreShowChannelsComplete", 2),
            ("FullyBooted", 1),
            ("SuccessfulAuth", 1),
            ("BridgeCreate", 1),
            ("ConfbridgeStart", 1),
            ("ConfbridgeRecord", 1),
            ("ConfbridgeStopRecord", 1),
            ("ConfbridgeEnd", 1),
            ("BridgeDestroy", 1),
        ],
        listed: Listed::All,
        ..SERVER_STREAM
    },
    Row {
        file: "e3_hints_presence.ami",
        banner: Some("Asterisk Call Manager/11.0.0"),
        responses: &[("Error", 1), ("Goodbye", 1), ("Success", 39)],
        events: 171,
        event_types: &[
            ("DeviceStateChange", 66),
            ("ExtensionStatus", 34),
            ("PresenceStateChange", 10),
            ("CoreShowChannel", 8),
            ("Newexten", 7),
            ("PresenceStatus", 6),
            ("QueueMemberStatus", 6),
            ("CoreShowChannelsComplete", 5),
            ("ExtensionStateListComplete", 3),
            ("Newstate", 3),
            ("DeviceStateListComplete", 2),
            ("PresenceStateListComplete", 2),
            ("Newchannel", 2),
            ("NewCallerid", 2),
            ("NewConnectedLine", 2),
            ("Cdr", 2),
            ("Hangup", 2),
            ("FullyBooted", 1),
            ("SuccessfulAuth", 1),
            ("LocalBridge", 1),
            ("DialBegin", 1),
            ("DialState", 1),
            ("DialEnd", 1),
            ("OriginateResponse", 1),
            ("HangupRequest", 1),
            ("SoftHangupRequest", 1),
        ],
        listed: Listed::All,
        ..SERVER_STREAM
    },
    Row {
        file: "e4_voicemail.ami",
        banner: Some("Asterisk Call Manager/11.0.0"),
        responses: &[("Error", 1), ("Goodbye", 1), ("Success", 32)],
        events: 157,
        event_types: &[
            ("VarSet", 34),
            ("Newexten", 18),
            ("VoicemailUserEntry", 16),
            ("DeviceStateChange", 14),
            ("MessageWaiting", 7),
            ("VoicemailBoxDetail", 6),
            ("VoicemailBoxDetailComplete", 6),
            ("VoicemailUserEntryComplete", 4),
            ("Newchannel", 4),
            ("NewCallerid", 4),
            ("NewConnectedLine", 4),
            ("Newstate", 4),
            ("Cdr", 4),
            ("SoftHangupRequest", 4),
            ("Hangup", 4),
            ("VoicemailUserDetail", 2),
            ("VoicemailUserDetailComplete", 2),
            ("LocalBridge", 2),
            ("DialBegin", 2),
            ("DialEnd", 2),
            ("OriginateResponse", 2),
            ("MusicOnHoldStart", 2),
            ("MusicOnHoldStop", 2),
            ("HangupRequest", 2),
            ("CoreShowChannelsComplete", 2),
            ("FullyBooted", 1),
            ("SuccessfulAuth", 1),
            ("RequestBadFormat", 1),
            ("CoreShowChannel", 1),
        ],
        listed: Listed::All,
        ..SERVER_STREAM
    },
    Row {
        file: "e5_queue_pause_reason.ami",
        banner: Some("Asterisk Call Manager/11.0.0"),
        responses: &[("Error", 1), ("Goodbye", 1), ("Success", 19)],
        events: 204,
        event_types: &[
            ("DeviceStateChange", 26),
            ("QueueMember", 23),
            ("VarSet", 21),
            ("Newexten", 20),
            ("QueueMemberStatus", 10),
            ("QueueParams", 9),
            ("QueueStatusComplete", 7),
            ("QueueMemberPause", 7),
            ("Newchannel", 6),
            ("NewCallerid", 6),
            ("NewConnectedLine", 6),
            ("Newstate", 6),
            ("ExtensionStatus", 6),
            ("Hangup", 6),
            ("DialEnd", 4),
            ("Cdr", 4),
            ("LocalBridge", 3),
            ("DialBegin", 3),
            ("HangupRequest", 3),
            ("SoftHangupRequest", 3),
            ("AgentCalled", 2),
            ("DialState", 2),
            ("BridgeEnter", 2),
            ("BridgeLeave", 2),
            ("FullyBooted", 1),
            ("SuccessfulAuth", 1),
            ("QueueMemberAdded", 1),
            ("OriginateResponse", 1),
            ("QueueCallerJoin", 1),
            ("MusicOnHoldStart", 1),
            ("AgentRingNoAnswer", 1),
            ("MusicOnHoldStop", 1),
            ("QueueCallerLeave", 1),
            ("AgentConnect", 1),
            ("BridgeCreate", 1),
            ("AgentComplete", 1),
            ("BridgeDestroy", 1),
            ("QueueMemberRemoved", 1),
            ("QueueSummary", 1),
            ("QueueSummaryComplete", 1),
            ("CoreShowChannelsComplete", 1),
        ],
        listed: Listed::All,
        ..SERVER_STREAM
    },
    Row {
        file: "e6_spy_record.ami",
        banner: Some("Asterisk Call Manager/11.0.0"),
        responses: &[("Error", 3), ("Goodbye", 1), ("Success", 18)],
        events: 313,
        event_types: &[
            ("VarSet", 88),
            ("Newexten", 41),
            ("DeviceStateChange", 28),
            ("Newchannel", 14),
            ("NewCallerid", 14),
            ("NewConnectedLine", 14),
            ("Newstate", 14),
            ("Hangup", 14),
            ("Cdr", 13),
            ("SoftHangupRequest", 8),
            ("LocalBridge", 7),
            ("DialBegin", 7),
            ("DialEnd", 7),
            ("HangupRequest", 7),
            ("OriginateResponse", 5),
            ("BridgeEnter", 4),
            ("BridgeLeave", 4),
            ("MixMonitorStart", 3),
            ("ChanSpyStart", 3),
            ("ChanSpyStop", 3),
            ("BridgeCreate", 2),
            ("MixMonitorMute", 2),
            ("RequestBadFormat", 2),
            ("MixMonitorStop", 2),
            ("BridgeDestroy", 2),
            ("CoreShowChannelsComplete", 2),
            ("FullyBooted", 1),
            ("SuccessfulAuth", 1),
            ("CoreShowChannel", 1),
        ],
        listed: Listed::All,
        ..SERVER_STREAM
    },
    Row {
        file: "e7_listcommands.ami",
        banner: Some("Asterisk Call Manager/11.0.0"),
        responses: &[("Error", 7), ("Goodbye", 1), ("Success", 12)],
        events: 12,
        event_types: &[
            ("RequestBadFormat", 4),
            ("PeerEntry", 2),
            ("PeerlistComplete", 2),
            ("FullyBooted", 1),
            ("SuccessfulAuth", 1),
            ("RegistryEntry", 1),
            ("RegistrationsComplete", 1),
        ],
        listed: Listed::All,
        ..SERVER_STREAM
    },
    Row {
        file: "asterisk20-sip/s4_sip_peer_detail.ami",
        banner: Some("Asterisk Call Manager/9.0.0"),
        responses: &[("Error", 6), ("Goodbye", 1), ("Success", 32)],
        events: 285,
        event_types: &[
            ("VarSet", 98),
            ("ExtensionStatus", 36),
            ("DeviceStateChange", 22),
            ("Newexten", 10),
            ("Newstate", 8),
            ("PeerEntry", 6),
            ("ParkedCallsComplete", 6),
            ("ChallengeSent", 6),
            ("BridgeEnter", 6),
            ("BridgeLeave", 6),
            ("SuccessfulAuth", 5),
            ("ParkedCall", 5),
            ("ExtensionStateListComplete", 4),
            ("Newchannel", 4),
            ("NewConnectedLine", 4),
            ("CoreShowChannel", 4),
            ("CoreShowChannelsComplete", 4),
            ("Hangup", 4),
            ("Cdr", 4),
            ("PeerStatus", 4),
            ("RequestBadFormat", 3),
            ("PeerlistComplete", 2),
            ("RegistryEntry", 2),
            ("Parkinglot", 2),
            ("DialBegin", 2),
            ("DialState", 2),
            ("DialEnd", 2),
            ("BridgeCreate", 2),
            ("MusicOnHoldStart", 2),
            ("BridgeDestroy", 2),
            ("Hold", 2),
            ("Unhold", 2),
            ("Registry", 2),
            ("HangupRequest", 2),
            ("MusicOnHoldStop", 2),
            ("SoftHangupRequest", 2),
            ("ParkedCallGiveUp", 2),
            ("FullyBooted", 1),
            ("RegistrationsComplete", 1),
            ("DeviceStateListComplete", 1),
            ("ParkinglotsComplete", 1),
        ],
        listed: Listed::All,
        ..SERVER_STREAM
    },
    Row {
        file: "third-party/ami1-asterisk11/connectab_ctd-account-account.ami",
        banner: Some("Asterisk Call Manager/1.3"),
        responses: &[],
        events: 115,
        event_types: &[
            ("Newstate", 19),
            ("NewCallerid", 14),
            ("Newchannel", 12),
            ("Dial", 12),
            ("Bridge", 12),
            ("Rename", 12),
            ("Hangup", 12),
            ("NewAccountCode", 9),
        ],
        listed: Listed::MostFrequent,
        ..SERVER_STREAM
    },
    Row {
        file: "third-party/ami1-asterisk11/fixed_fixed_outbound_success.ami",
        banner: Some("Asterisk Call Manager/1.3"),
        responses: &[],
        events: 38,
        event_types: &[
            ("Newstate", 7),
            ("NewCallerid", 6),
            ("Newchannel", 4),
            ("Dial", 4),
            ("Bridge", 4),
            ("Hangup", 4),
            ("Rename", 3),
            ("FullyBooted", 2),
        ],
        listed: Listed::MostFrequent,
        ..SERVER_STREAM
    },
    Row {
        file: "third-party/ami1-asterisk11/queue_queue_simple.ami",
        banner: Some("Asterisk Call Manager/1.3"),
        responses: &[],
        events: 37,
        event_types: &[
            ("Newstate", 7),
            ("Newchannel", 4),
            ("Bridge", 4),
            ("Hangup", 4),
            ("NewAccountCode", 3),
            ("NewCallerid", 3),
            ("Rename", 3),
            ("FullyBooted", 2),
        ],
        listed: Listed::MostFrequent,
        ..SERVER_STREAM
    },
    Row {
        file: "third-party/ami1-asterisk11/simple_ab_a_cancel_hangup.ami",
        banner: Some("Asterisk Call Manager/1.3"),
        responses: &[],
        events: 22,
        event_types: &[
            ("Newchannel", 4),
            ("NewCallerid", 4),
            ("Dial", 4),
            ("Hangup", 4),
            ("Newstate", 3),
            ("FullyBooted", 2),
            ("LocalBridge", 1),
        ],
        listed: Listed::MostFrequent,
        ..SERVER_STREAM
    },
    Row {
        file: "third-party/ami1-asterisk11/simple_ab_busy.ami",
        banner: Some("Asterisk Call Manager/1.3"),
        responses: &[],
        events: 279,
        event_types: &[
            ("VarSet", 142),
            ("Newexten", 114),
            ("Newchannel", 4),
            ("NewCallerid", 4),
            ("Dial", 4),
            ("Hangup", 4),
            ("Newstate", 3),
            ("SoftHangupRequest", 2),
        ],
        listed: Listed::MostFrequent,
        ..SERVER_STREAM
    },
    Row {
        file: "third-party/ami1-asterisk11/simple_ab_success.ami",
        banner: Some("Asterisk Call Manager/1.3"),
        responses: &[],
        events: 342,
        event_types: &[
            ("VarSet", 192),
            ("Newexten", 109),
            ("Newstate", 7),
            ("NewCallerid", 5),
            ("Newchannel", 4),
            ("Dial", 4),
            ("Bridge", 4),
            ("Hangup", 4),
        ],
        listed: Listed::MostFrequent,
        ..SERVER_STREAM
    },
    Row {
        file: "third-party/ami1-asterisk11/var_set_user_events.ami",
        banner: Some("Asterisk Call Manager/1.3"),
        responses: &[],
        events: 454,
        event_types: &[
            ("VarSet", 374),
            ("Newstate", 14),
            ("NewCallerid", 11),
            ("Rename", 9),
            ("Newchannel", 8),
            ("Dial", 8),
            ("Bridge", 8),
            ("Hangup", 8),
        ],
        listed: Listed::MostFrequent,
        ..SERVER_STREAM
    },
    Row {
        file: "third-party/ami1-asterisk11/xfer_attended_xfer_abacbc.ami",
        banner: Some("Asterisk Call Manager/1.3"),
        responses: &[],
        events: 672,
        event_types: &[
            ("VarSet", 366),
            ("Newexten", 214),
            ("Newstate", 14),
            ("NewCallerid", 11),
            ("Bridge", 10),
            ("Rename", 9),
            ("Newchannel", 8),
            ("Dial", 8),
        ],
        listed: Listed::MostFrequent,
        ..SERVER_STREAM
    },
    Row {
        file: "third-party/ami1-asterisk11/xfer_blind_xfer_blind.ami",
        banner: Some("Asterisk Call Manager/1.3"),
        responses: &[],
        events: 84,
        event_types: &[
            ("Newstate", 14),
            ("NewCallerid", 12),
            ("Dial", 11),
            ("Newchannel", 10),
            ("Hangup", 10),
            ("Bridge", 8),
            ("NewAccountCode", 6),
            ("Rename", 6),
        ],
        listed: Listed::MostFrequent,
        ..SERVER_STREAM
    },
    Row {
        file: "third-party/ami1-asterisk11/xfer_misc_call_pickup.ami",
        banner: Some("Asterisk Call Manager/1.3"),
        responses: &[],
        events: 45,
        event_types: &[
            ("Newstate", 8),
            ("NewCallerid", 7),
            ("Rename", 6),
            ("Newchannel", 5),
            ("Hangup", 5),
            ("Dial", 4),
            ("Bridge", 4),
            ("Masquerade", 2),
        ],
        listed: Listed::MostFrequent,
        ..SERVER_STREAM
    },
    Row {
        file: "third-party/ami2-asterisk13/originate_ctd-account-world.ami",
        banner: Some("Asterisk Call Manager/2.10.4"),
        responses: &[],
        events: 146,
        event_types: &[
            ("Newstate", 19),
            ("BridgeEnter", 16),
            ("BridgeLeave", 16),
            ("NewCallerid", 13),
            ("Newchannel", 12),
            ("NewAccountCode", 12),
            ("Hangup", 12),
            ("NewConnectedLine", 10),
        ],
        listed: Listed::MostFrequent,
        ..SERVER_STREAM
    },
    Row {
        file: "third-party/ami2-asterisk13/queue_queue_a_cancel.ami",
        banner: Some("Asterisk Call Manager/2.10.4"),
        responses: &[],
        events: 35,
        event_types: &[
            ("Newchannel", 4),
            ("Newstate", 4),
            ("Hangup", 4),
            ("NewAccountCode", 3),
            ("NewCallerid", 3),
            ("NewConnectedLine", 3),
            ("DialEnd", 3),
            ("UserEvent", 2),
        ],
        listed: Listed::MostFrequent,
        ..SERVER_STREAM
    },
    Row {
        file: "third-party/ami2-asterisk13/simple_ab_callgroup.ami",
        banner: Some("Asterisk Call Manager/2.10.4"),
        responses: &[],
        events: 69,
        event_types: &[
            ("Newstate", 9),
            ("NewCallerid", 8),
            ("Newchannel", 7),
            ("Hangup", 7),
            ("NewAccountCode", 6),
            ("NewConnectedLine", 6),
            ("BridgeEnter", 5),
            ("BridgeLeave", 5),
        ],
        listed: Listed::MostFrequent,
        ..SERVER_STREAM
    },
    Row {
        file: "third-party/ami2-asterisk13/simple_ab_success_a_hangup.ami",
        banner: Some("Asterisk Call Manager/2.10.4"),
        responses: &[],
        events: 47,
        event_types: &[
            ("Newstate", 7),
            ("NewCallerid", 5),
            ("BridgeEnter", 5),
            ("BridgeLeave", 5),
            ("Newchannel", 4),
            ("Hangup", 4),
            ("NewAccountCode", 3),
            ("NewConnectedLine", 3),
        ],
        listed: Listed::MostFrequent,
        ..SERVER_STREAM
    },
    Row {
        file: "third-party/ami2-asterisk13/xfer_blind_xfer_blind_abbcac.ami",
        banner: Some("Asterisk Call Manager/2.10.4"),
        responses: &[],
        events: 89,
        event_types: &[
            ("Newstate", 12),
            ("BridgeEnter", 10),
            ("BridgeLeave", 10),
            ("NewCallerid", 9),
            ("Newchannel", 7),
            ("NewAccountCode", 7),
            ("Hangup", 7),
            ("NewConnectedLine", 6),
        ],
        listed: Listed::MostFrequent,
        ..SERVER_STREAM
    },
    Row {
        file: "third-party/ami1-follows/events_stream_edge_cases.ami",
        banner: None,
        // The README's source project counts 10 messages: 4 events, 5
        // responses, 1 action. Its fifth "response" is the free text block,
        // which has no header at all: here it is one headerless block.
        responses: &[("Follows", 2), ("Pong", 1), ("Success", 1)],
        events: 4,
        event_types: &[("Hangup", 1), ("HangupRequest", 3)],
        actions: 1,
        headerless: 1,
        ..SERVER_STREAM
    },
    Row {
        file: "third-party/ami1-follows/panoramisk_command_core_show_version.ami",
        banner: None,
        responses: &[("Follows", 1)],
        actions: 1,
        ..SERVER_STREAM
    },
    Row {
        file: "third-party/ami1-follows/panoramisk_rasterisk_command.ami",
        banner: None,
        responses: &[("Follows", 1)],
        actions: 1,
        ..SERVER_STREAM
    },
];

/// What a decoded capture holds, classified as the READMEs do: by the key of
/// a message's first header.
#[derive(Debug, Default, PartialEq)]
struct Tally {
    banners: Vec<String>,
    responses: BTreeMap<String, usize>,
    events: BTreeMap<String, usize>,
    actions: usize,
    headerless: usize,
    other: Vec<String>,
}

fn tally(frames: &[Frame]) -> Tally {
    let mut t = Tally::default();
    for frame in frames {
        match frame {
            Frame::Banner(b) => t.banners.push(b.text.clone()),
            Frame::Message(m) => {
                let (key, value) = m.headers().next().expect("a message has a header");
                if key.eq_ignore_ascii_case("Event") {
                    *t.events.entry(value.into_owned()).or_default() += 1;
                } else if key.eq_ignore_ascii_case("Response") {
                    *t.responses.entry(value.into_owned()).or_default() += 1;
                } else if key.eq_ignore_ascii_case("Action") {
                    t.actions += 1;
                } else {
                    t.other.push(format!("{m:?}"));
                }
            }
            Frame::Malformed(bad) if bad.reason == MalformedReason::NoHeaders => t.headerless += 1,
            Frame::Malformed(bad) => t.other.push(format!("{bad:?}")),
        }
    }
    t
}

/// Differences between a decoded capture and its README row, as text.
fn mismatches(row: &Row, t: &Tally) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |what: &str, got: String, want: String| {
        if got != want {
            out.push(format!(
                "{}: {what}: decoded {got}, README {want}",
                row.file
            ));
        }
    };
    let banners: Vec<String> = row.banner.iter().map(|b| b.to_string()).collect();
    check(
        "banners",
        format!("{:?}", t.banners),
        format!("{banners:?}"),
    );
    let responses: BTreeMap<String, usize> = row
        .responses
        .iter()
        .map(|&(k, v)| (k.to_owned(), v))
        .collect();
    check(
        "responses",
        format!("{:?}", t.responses),
        format!("{responses:?}"),
    );
    let events: usize = t.events.values().sum();
    check("events", events.to_string(), row.events.to_string());
    let listed: BTreeMap<String, usize> = row
        .event_types
        .iter()
        .map(|&(k, v)| (k.to_owned(), v))
        .collect();
    let decoded: BTreeMap<String, usize> = match row.listed {
        Listed::All => t.events.clone(),
        Listed::MostFrequent => listed
            .keys()
            .map(|k| (k.clone(), t.events.get(k).copied().unwrap_or(0)))
            .collect(),
    };
    check(
        "events by type",
        format!("{decoded:?}"),
        format!("{listed:?}"),
    );
    check("actions", t.actions.to_string(), row.actions.to_string());
    check(
        "headerless blocks",
        t.headerless.to_string(),
        row.headerless.to_string(),
    );
    check("other frames", format!("{:?}", t.other), "[]".to_owned());
    out
}

#[test]
fn every_capture_has_one_readme_row() {
    let files = ami_files();
    let mut rows: Vec<&str> = EXPECTED.iter().map(|r| r.file).collect();
    rows.sort();
    assert_eq!(files, rows, "the table must list every .ami file once");
}

#[test]
fn counts_match_the_readmes() {
    let problems: Vec<String> = EXPECTED
        .iter()
        .flat_map(|row| mismatches(row, &tally(&decode_whole(&read_capture(row.file)))))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The bytes after the first empty line (LF or CRLF) of `data`.
fn after_blank_line(data: &[u8]) -> &[u8] {
    let mut rest = data;
    while let Some(nl) = rest.iter().position(|&b| b == b'\n') {
        let line = &rest[..nl];
        rest = &rest[nl + 1..];
        if line.is_empty() || line == b"\r" {
            return rest;
        }
    }
    panic!("no blank line in {:?}", String::from_utf8_lossy(data));
}

/// Every byte of a capture ends up in a frame, in order: the banner line, a
/// message's raw bytes, or a headerless block up to its blank line. Only the
/// stray blank lines between messages belong to no frame.
#[test]
fn frames_are_the_capture_bytes_in_order() {
    for name in ami_files() {
        let data = read_capture(&name);
        let mut rest = &data[..];
        for frame in decode_whole(&data) {
            while let Some(after) = rest
                .strip_prefix(b"\r\n")
                .or_else(|| rest.strip_prefix(b"\n"))
            {
                rest = after;
            }
            match &frame {
                Frame::Banner(b) => {
                    let line = [b.text.as_bytes(), b"\r\n"].concat();
                    assert!(
                        rest.starts_with(&line),
                        "{name}: {b:?} is not the first line"
                    );
                    rest = &rest[line.len()..];
                }
                Frame::Message(m) => {
                    assert!(
                        rest.starts_with(m.raw()),
                        "{name}: {m:?} is not the next bytes"
                    );
                    rest = &rest[m.raw().len()..];
                }
                Frame::Malformed(bad) => {
                    assert!(rest.starts_with(bad.preview.as_bytes()), "{name}: {bad:?}");
                    rest = after_blank_line(rest);
                }
            }
        }
        assert!(
            rest.iter().all(|b| b.is_ascii_whitespace()),
            "{name}: bytes left over"
        );
    }
}

#[test]
fn chunking_does_not_change_the_frames() {
    for name in ami_files() {
        let data = read_capture(&name);
        let whole = decode_whole(&data);
        for size in [1, 7, 4096] {
            let chunked = decode_chunked(&data, fixed_chunks(data.len(), size), Limits::default());
            assert!(
                chunked == whole,
                "{name}: {size}-byte chunks give other frames"
            );
        }
    }
}

#[test]
fn recorded_arrival_chunks_give_the_same_frames() {
    let mut mid_line_splits = BTreeMap::new();
    for name in ami_files() {
        let Some(chunks) = recv_chunks(&name) else {
            continue;
        };
        let data = read_capture(&name);
        let mut expected_start = 0;
        for chunk in &chunks {
            assert_eq!(chunk.start, expected_start, "{name}: recv rows leave a gap");
            expected_start = chunk.end;
        }
        assert_eq!(
            expected_start,
            data.len(),
            "{name}: recv rows do not cover the file"
        );
        let splits = chunks
            .iter()
            .filter(|c| c.end < data.len() && data[c.end - 1] != b'\n')
            .count();
        mid_line_splits.insert(name.clone(), splits);
        let arrived = decode_chunked(&data, chunks, Limits::default());
        assert!(
            arrived == decode_whole(&data),
            "{name}: arrival chunks give other frames"
        );
    }
    // The chan_sip captures are the ones whose reads end inside a line
    // (README: `Status: ` | `OK (1 ms)` in s1, `Pickupgroup: ` | `\r\n` in s3).
    assert!(mid_line_splits["asterisk20-sip/s1_sip_status.ami"] > 0);
    assert!(mid_line_splits["asterisk20-sip/s3_sip_call_hold.ami"] > 0);
    // s4: nine reads end inside a header line; the e-captures' reads end
    // inside messages at times, but never inside a line (README).
    assert_eq!(mid_line_splits["asterisk20-sip/s4_sip_peer_detail.ami"], 9);
    for (name, splits) in &mid_line_splits {
        if name.starts_with('e') {
            assert_eq!(*splits, 0, "{name}: a read ends inside a line");
        }
    }
    assert_eq!(
        mid_line_splits.len(),
        24,
        "timing files found: {mid_line_splits:?}"
    );
}

fn follows_replies(name: &str) -> Vec<Message> {
    capture_messages(name)
        .into_iter()
        .filter(|m| m.is("Response", "Follows"))
        .collect()
}

#[test]
fn follows_bodies_come_out_whole() {
    let version =
        follows_replies("third-party/ami1-follows/panoramisk_command_core_show_version.ami");
    assert_eq!(version.len(), 1);
    assert_eq!(
        version[0].action_id().as_deref(),
        Some("action/transaction_uid/1/1")
    );
    assert_eq!(version[0].get("Privilege").as_deref(), Some("Command"));
    assert_eq!(
        version[0].output_lines(),
        [
            "Asterisk 11.11.0+xivo.14.15~20140724.155259.ed5592b-wheezy built by root @ wheezy-farm \
          on a x86_64 running Linux on 2014-08-06 19:30:37 UTC"
        ]
    );

    let channels = follows_replies("third-party/ami1-follows/panoramisk_rasterisk_command.ami");
    assert_eq!(channels.len(), 1);
    assert_eq!(channels[0].action_id().as_deref(), Some("generated_id"));
    assert_eq!(
        channels[0].output_lines(),
        [
            "Channel              Location             State   Application(Data)             ",
            "0 active channels",
            "0 active calls",
            "2 calls processed",
        ]
    );
    // The body lines are not headers: only the three before the body are.
    assert_eq!(channels[0].len(), 3);
}

/// The edge-case stream has no banner and mixes client text in. What comes
/// out, in order, and why.
#[test]
fn edge_case_stream_decodes_to_the_documented_sequence() {
    let frames = decode_whole(&read_capture(
        "third-party/ami1-follows/events_stream_edge_cases.ami",
    ));
    let summary: Vec<String> = frames
        .iter()
        .map(|f| match f {
            Frame::Banner(b) => format!("banner {}", b.text),
            Frame::Message(m) => {
                let (k, v) = m.headers().next().expect("a header");
                format!("{k}: {v} ({} headers)", m.len())
            }
            Frame::Malformed(bad) => format!("malformed: {}", bad.reason),
        })
        .collect();
    assert_eq!(
        summary,
        [
            // No banner: the stream starts with an event.
            "Event: HangupRequest (4 headers)",
            // `AccountCode:` with nothing after the colon is an empty value.
            "Event: Hangup (11 headers)",
            // The extra blank line after Hangup is skipped, not a frame.
            "Event: HangupRequest (4 headers)",
            // Three free text lines, no `Key: Value`: reported, not an error,
            // and decoding goes on after the blank line that ends them.
            "malformed: text without any Key: Value header",
            "Response: Success (2 headers)",
            // No Privilege or ActionID: the body starts at the first line
            // that is not one of those headers, and keeps its empty line.
            "Response: Follows (1 headers)",
            "Event: HangupRequest (4 headers)",
            "Response: Follows (1 headers)",
            // A response with a single header, then a client's action.
            "Response: Pong (1 headers)",
            "Action: Ping (1 headers)",
        ]
    );
    let msgs = messages(&frames);
    assert_eq!(msgs[1].get("AccountCode").as_deref(), Some(""));
    assert_eq!(msgs[1].get("Cause-txt").as_deref(), Some("Unknown"));
    let Frame::Malformed(text) = &frames[3] else {
        unreachable!()
    };
    assert!(
        text.preview.starts_with("row 1 of extended response\n"),
        "{text:?}"
    );
    assert_eq!(
        msgs[4].output_lines(),
        [
            "first extended response, row 1",
            "first extended response, row 2",
            "",
            "first extended response, row 3",
        ]
    );
    assert_eq!(msgs[6].output_lines(), ["second extended response, row 1"]);
}

#[test]
fn latin1_bytes_decode_lossily() {
    let frames = decode_whole(&read_capture("b4_errors.ami"));
    let latin1: Vec<&Message> = messages(&frames)
        .into_iter()
        .filter(|m| m.is("Event", "UserEvent") && m.is("ActionID", "b4-latin1"))
        .collect();
    assert_eq!(latin1.len(), 1);
    assert_eq!(latin1[0].get_bytes("Name"), Some(&b"caf\xe9 \xff"[..]));
    assert_eq!(
        latin1[0].get("Name").as_deref(),
        Some("caf\u{FFFD} \u{FFFD}")
    );
    // The UTF-8 twin is untouched.
    let utf8 = messages(&frames)
        .into_iter()
        .find(|m| m.is("Event", "UserEvent") && m.is("ActionID", "b4-utf8"))
        .expect("the UTF-8 UserEvent");
    assert!(!utf8.get_or_empty("Name").contains('\u{FFFD}'), "{utf8:?}");
}

#[test]
fn blank_line_after_queue_rule_is_skipped() {
    let frames = decode_whole(&read_capture("b3_queues.ami"));
    let msgs = messages(&frames);
    let rule = msgs
        .iter()
        .position(|m| m.is("ActionID", "b3-006"))
        .expect("the QueueRule reply");
    assert_eq!(
        msgs[rule].get_all("RuleList").collect::<Vec<_>>(),
        ["escalate", "strict"]
    );
    assert_eq!(
        msgs[rule].get_all("Rule").collect::<Vec<_>>(),
        ["10,+1,+0", "20,+2,0", "30,0,0"]
    );
    // The next frame is the next reply, not an empty or malformed one.
    let next = frames
        .iter()
        .position(|f| matches!(f, Frame::Message(m) if m.is("ActionID", "b3-006")))
        .map(|i| &frames[i + 1]);
    assert!(
        matches!(next, Some(Frame::Message(m)) if m.is("ActionID", "b3-007")),
        "{next:?}"
    );
}
