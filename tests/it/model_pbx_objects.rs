//! Parked calls, conferences, hints and presence, voicemail, peer detail,
//! DAHDI, spies and recordings against the real captures (e1-e4, e6, e7,
//! s4): the state is checked at many points of each stream against what the
//! stream and its README say, and the consistency rules (every parked call
//! and member is a live channel) hold after every message.

use crate::support::{assert_parking_and_rooms_consistent, capture_messages, msg};
use amitop::ami::Message;
use amitop::model::{ConferenceApp, ListKind, SpyMode, State};

/// The arrival time handed to the model.
const NOW: f64 = 1000.0;

/// Replays a capture message by message, checking the invariants after
/// each one.
struct Replay {
    state: State,
    messages: Vec<Message>,
    next: usize,
    now: f64,
}

impl Replay {
    fn new(name: &str) -> Replay {
        Replay {
            state: State::new(),
            messages: capture_messages(name),
            next: 0,
            now: NOW,
        }
    }

    /// Applies messages up to and including the first that `stop` accepts.
    fn until(&mut self, what: &str, stop: impl Fn(&Message) -> bool) -> &State {
        while let Some(m) = self.messages.get(self.next) {
            self.next += 1;
            self.state.apply(m, self.now);
            assert_parking_and_rooms_consistent(&self.state, &format!("message {}", self.next));
            if stop(m) {
                return &self.state;
            }
        }
        panic!("the stream has no {what}");
    }

    /// Up to the end of the reply (or list) of `action_id`.
    fn through(&mut self, action_id: &str) -> &State {
        let done = |m: &Message| {
            m.action_id().as_deref() == Some(action_id)
                && (m
                    .get("EventList")
                    .is_some_and(|e| e.eq_ignore_ascii_case("Complete"))
                    || (m.event().is_none() && m.get("EventList").is_none()))
        };
        self.until(action_id, done)
    }

    /// Up to the next event `name` whose header `key` is `value`.
    fn event(&mut self, name: &str, key: &str, value: &str) -> &State {
        let what = format!("{name} with {key}: {value}");
        self.until(&what, |m| {
            m.event().as_deref() == Some(name) && m.get(key).as_deref() == Some(value)
        })
    }

    fn rest(&mut self) -> &State {
        while let Some(m) = self.messages.get(self.next) {
            self.next += 1;
            self.state.apply(m, self.now);
            assert_parking_and_rooms_consistent(&self.state, &format!("message {}", self.next));
        }
        &self.state
    }
}

fn spaces(state: &State) -> Vec<(String, String)> {
    state.parking.calls.keys().cloned().collect()
}

fn pair(lot: &str, space: &str) -> (String, String) {
    (lot.to_owned(), space.to_owned())
}

#[test]
fn e1_parking_lots_calls_and_their_ends() {
    let mut r = Replay::new("e1_parking.ami");
    // e1-002: `amitop_vip` 781-785 with Timeout 8, `default` 701-720 with 45.
    let state = r.through("e1-002");
    let vip = &state.parking.lots["amitop_vip"];
    assert_eq!((&*vip.start_space, &*vip.stop_space), ("781", "785"));
    assert_eq!(vip.timeout, Some(8));
    let default = &state.parking.lots["default"];
    assert_eq!(
        (&*default.start_space, &*default.stop_space),
        ("701", "720")
    );
    assert_eq!(default.timeout, Some(45));
    assert!(r.through("e1-003").parking.calls.is_empty());

    // e1-006: the 100 side parked in default 710 by the Park action.
    let state = r.event("ParkedCall", "ParkingSpace", "710");
    let call = &state.parking.calls[&pair("default", "710")];
    assert_eq!(call.parkee, "1796157274.175");
    assert_eq!(call.parkee_channel, "Local/100@test-00000054;1");
    assert_eq!(call.caller_id_name, "Parker Caller");
    assert_eq!(call.parker, "Local/200@test");
    assert_eq!(call.timeout_left(NOW), Some(45.0));
    assert_eq!(call.parked_for(NOW + 3.0), Some(3.0));

    // e1-007/008: Park() to amitop_vip 781 and default 701.
    r.event("ParkedCall", "ParkingSpace", "781");
    let state = r.event("ParkedCall", "ParkingSpace", "701");
    assert_eq!(
        spaces(state),
        [
            pair("amitop_vip", "781"),
            pair("default", "701"),
            pair("default", "710")
        ]
    );
    // Two calls wait in the default lot's holding bridge; they are no
    // call of two: neither is the other's peer.
    let p701 = &state.parking.calls[&pair("default", "701")].parkee;
    let p710 = &state.parking.calls[&pair("default", "710")].parkee;
    let (c701, c710) = (
        &state.channels.get(p701).unwrap(),
        state.channels.get(p710).unwrap(),
    );
    assert_eq!(c701.bridge, c710.bridge);
    let lot_bridge = state.bridges.get(c701.bridge.as_deref().unwrap()).unwrap();
    assert!(lot_bridge.is_parking_lot());
    assert!(c701.peers.is_empty() && c710.peers.is_empty());

    // e1-009: ParkedCalls lists the three; a resync keeps exactly them.
    r.state.begin_resync();
    let state = r.through("e1-009");
    assert_eq!(state.parking.calls.len(), 3);
    r.state.sweep(ListKind::ParkedCalls);
    assert_eq!(r.state.parking.calls.len(), 3);
    // e1-010 lists only amitop_vip's; e1-011 the lots again.
    r.state.begin_resync();
    r.through("e1-011");
    r.state.sweep(ListKind::ParkingLots);
    assert_eq!(r.state.parking.lots.len(), 2);

    // e1-012: the call in 701 hangs up while parked.
    let state = r.event("ParkedCallGiveUp", "ParkingSpace", "701");
    assert_eq!(
        spaces(state),
        [pair("amitop_vip", "781"), pair("default", "710")]
    );
    // e1-013: 710 is picked up by the ParkedCall application.
    let state = r.event("UnParkedCall", "ParkingSpace", "710");
    assert_eq!(spaces(state), [pair("amitop_vip", "781")]);
    assert!(state.channels.get("1796157274.175").is_some(), "still live");
    // The call in 781 times out after 8 s.
    let state = r.event("ParkedCallTimeOut", "ParkingSpace", "781");
    assert!(state.parking.calls.is_empty());

    let state = r.rest();
    assert!(state.channels.is_empty());
    // The lot's bridge was never destroyed; it waits, empty, for the next.
    assert!(
        state
            .bridges
            .iter()
            .any(|b| b.is_parking_lot() && b.members.is_empty())
    );
}

#[test]
fn e1_parking_bridge_is_entered_without_being_created() {
    // Two lots' holding bridges: amitop_vip's is created in this capture,
    // default's was made before it and only gets BridgeEnter.
    let all = capture_messages("e1_parking.ami");
    let parking_enter = all
        .iter()
        .filter(|m| m.event().as_deref() == Some("BridgeEnter") && m.is("BridgeType", "parking"))
        .filter_map(|m| m.get("BridgeUniqueid").map(|b| b.into_owned()))
        .find(|id| {
            !all.iter().any(|m| {
                m.event().as_deref() == Some("BridgeCreate")
                    && m.get("BridgeUniqueid").as_deref() == Some(id)
            })
        })
        .expect("a parking bridge entered without BridgeCreate");
    let mut state = State::new();
    for m in &all {
        state.apply(m, 0.0);
    }
    let bridge = state.bridges.get(&parking_enter).expect("kept");
    assert_eq!(bridge.technology, "holding_bridge");
}

#[test]
fn e2_confbridge_room_through_its_life() {
    let mut r = Replay::new("e2_confbridge.ami");
    assert!(r.through("e2-003").conferences.rooms.is_empty());
    // ConfbridgeStart counts one channel: the announcer, no member.
    let state = r.until("ConfbridgeStart", |m| {
        m.event().as_deref() == Some("ConfbridgeStart")
    });
    let room = &state.conferences.rooms["amitop_conf"];
    assert_eq!(room.app, ConferenceApp::ConfBridge);
    assert_eq!(room.bridge, "f23e9110-5b00-4c82-ad4a-3c0efc844a68");
    assert!(room.members.is_empty());
    assert_eq!(room.hidden_channels(), 1);

    let state = r.event("ConfbridgeJoin", "CallerIDName", "Conf Talker");
    let room = &state.conferences.rooms["amitop_conf"];
    let names: Vec<_> = room.members.values().map(|m| &*m.caller_id_name).collect();
    assert_eq!(names, ["Conf Admin", "Conf Member", "Conf Talker"]);
    let admin = &room.members["1796157285.183"];
    assert!(admin.admin && !admin.muted);
    assert!(!room.members["1796157285.187"].admin);
    assert_eq!(room.hidden_channels(), 1);

    // e2-008: the list says who is marked.
    let state = r.through("e2-008");
    let room = &state.conferences.rooms["amitop_conf"];
    assert!(room.members["1796157285.183"].marked);
    assert!(!room.members["1796157285.187"].marked);
    assert_eq!(room.parties, Some(3), "e2-007 counted three parties");

    let state = r.event("ConfbridgeMute", "CallerIDName", "Conf Member");
    assert!(state.conferences.rooms["amitop_conf"].members["1796157285.187"].muted);
    let state = r.event("ConfbridgeUnmute", "CallerIDName", "Conf Member");
    assert!(!state.conferences.rooms["amitop_conf"].members["1796157285.187"].muted);

    // e2-012 locks (no event), e2-013's list says so.
    assert!(!r.through("e2-012").conferences.rooms["amitop_conf"].locked);
    assert!(r.through("e2-013").conferences.rooms["amitop_conf"].locked);

    let state = r.until("ConfbridgeRecord", |m| {
        m.event().as_deref() == Some("ConfbridgeRecord")
    });
    let room = &state.conferences.rooms["amitop_conf"];
    assert!(room.recording);
    // Five in the bridge with three members: announcer and recorder.
    assert_eq!(room.bridge_channels, Some(5));
    assert_eq!(room.hidden_channels(), 2);

    let talker = "1796157285.189";
    let state = r.event("ConfbridgeTalking", "TalkingStatus", "on");
    assert!(state.conferences.rooms["amitop_conf"].members[talker].talking);
    let state = r.until("ConfbridgeStopRecord", |m| {
        m.event().as_deref() == Some("ConfbridgeStopRecord")
    });
    assert!(!state.conferences.rooms["amitop_conf"].recording);
    let state = r.event("ConfbridgeTalking", "TalkingStatus", "off");
    assert!(!state.conferences.rooms["amitop_conf"].members[talker].talking);

    // e2-019: `Channel: participants` mutes every non-admin.
    let state = r.through("e2-020");
    let room = &state.conferences.rooms["amitop_conf"];
    assert!(room.members["1796157285.187"].muted && room.members[talker].muted);
    assert!(!room.members["1796157285.183"].muted);

    // e2-024: the member is kicked.
    let state = r.event("ConfbridgeLeave", "CallerIDName", "Conf Member");
    let room = &state.conferences.rooms["amitop_conf"];
    assert_eq!(room.members.len(), 2);
    assert!(
        state.channels.get("1796157285.187").is_some(),
        "kicked, not hung up"
    );
    let state = r.through("e2-026");
    assert_eq!(state.conferences.rooms["amitop_conf"].members.len(), 2);

    // e2-027: the admin hangs up, the talker (end_marked) follows, the end.
    let state = r.until("ConfbridgeEnd", |m| {
        m.event().as_deref() == Some("ConfbridgeEnd")
    });
    assert!(state.conferences.rooms.is_empty());
    assert!(r.rest().channels.is_empty());
}

#[test]
fn e3_hints_presence_and_their_lists() {
    let mut r = Replay::new("e3_hints_presence.ami");
    let state = r.through("e3-002");
    assert_eq!(state.registry.extensions.len(), 7);
    let hint = &state.registry.extensions[&("test".to_owned(), "810".to_owned())];
    assert_eq!(hint.hint, "Custom:desk810,CustomPresence:alice");
    assert_eq!(hint.state_text, "Idle");
    assert_eq!(r.through("e3-003").registry.devices.len(), 26);
    let state = r.through("e3-004");
    assert_eq!(state.registry.presence.len(), 2);
    let bob = &state.registry.presence["CustomPresence:bob"];
    assert_eq!(
        (&*bob.status, &*bob.subtype, &*bob.message),
        ("away", "coffee", "Back in 5")
    );
    assert_eq!(
        state.registry.presence["CustomPresence:alice"].status,
        "available"
    );

    // e3-018: alice away at lunch; the hint's own PresenceStatus follows.
    let state = r.event("PresenceStatus", "Subtype", "lunch");
    let hint = &state.registry.extensions[&("test".to_owned(), "810".to_owned())];
    assert_eq!(hint.presence.status, "away");
    assert_eq!(hint.presence.message, "Back at 14:00");
    let alice = &state.registry.presence["CustomPresence:alice"];
    assert_eq!((&*alice.status, &*alice.subtype), ("away", "lunch"));

    // The end state: bob available, alice unavailable (e3-024/025).
    r.state.begin_resync();
    let state = r.rest();
    assert_eq!(
        state.registry.presence["CustomPresence:bob"].status,
        "available"
    );
    let alice_hint = &state.registry.extensions[&("test".to_owned(), "810".to_owned())];
    assert_eq!(alice_hint.presence.status, "unavailable");
    // e3-038..040 relisted everything: the sweeps keep what they listed.
    let (hints, devices) = (
        state.registry.extensions.len(),
        state.registry.devices.len(),
    );
    for kind in [ListKind::Hints, ListKind::Devices, ListKind::Presence] {
        r.state.sweep(kind);
    }
    assert_eq!(r.state.registry.extensions.len(), hints);
    assert_eq!(r.state.registry.devices.len(), devices);
    assert_eq!(r.state.registry.presence.len(), 2);
}

#[test]
fn e4_voicemail_counts_settings_and_messages() {
    let mut r = Replay::new("e4_voicemail.ami");
    let state = r.through("e4-002");
    assert_eq!(state.voicemail.boxes.len(), 4);
    let alice = &state.voicemail.boxes["1001@default"];
    assert_eq!(alice.full_name, "Alice Example");
    let s = alice.settings.as_ref().unwrap();
    assert_eq!(
        (
            s.say_envelope,
            s.say_cid,
            s.attach_message,
            s.can_review,
            s.call_operator
        ),
        (Some(true), Some(true), Some(true), Some(true), Some(true))
    );
    assert_eq!(s.max_messages, Some(50));
    let bob = state.voicemail.boxes["1002@default"]
        .settings
        .clone()
        .unwrap();
    assert_eq!(
        (bob.say_envelope, bob.attach_message, bob.call_operator),
        (Some(false), Some(false), Some(false))
    );
    assert_eq!(bob.max_messages, Some(10));
    assert!(state.voicemail.boxes.contains_key("2001@sales"));
    assert_eq!(
        r.through("e4-005").voicemail.boxes["1001@default"].new_messages,
        Some(0)
    );

    let state = r.event("MessageWaiting", "Mailbox", "1001@default");
    let alice = &state.voicemail.boxes["1001@default"];
    assert_eq!((alice.new_messages, alice.waiting), (Some(1), Some(true)));
    // e4-013 sums two boxes: it names neither.
    let state = r.through("e4-013");
    assert_eq!(state.voicemail.boxes.len(), 4);
    assert_eq!(state.voicemail.boxes["1002@default"].new_messages, Some(1));

    r.state.expect_mailbox_summary("e4-015", "1001@default");
    let state = r.through("e4-015");
    let messages = &state.voicemail.boxes["1001@default"].messages;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].id, "1796157316-00000004");
    assert_eq!(messages[0].folder, "INBOX");
    assert_eq!(messages[0].caller_id, "\"Vm Caller\" <5553001>");
    assert_eq!(messages[0].duration, Some(3));

    // e4-018 moves it to Old.
    let state = r.through("e4-019");
    let alice = &state.voicemail.boxes["1001@default"];
    assert_eq!((alice.new_messages, alice.old_messages), (Some(0), Some(1)));
    // e4-020 forwards 1002's to 1003.
    let state = r.event("MessageWaiting", "Mailbox", "1003@default");
    assert_eq!(state.voicemail.boxes["1003@default"].new_messages, Some(1));
    // Clean-up removes every message.
    let state = r.rest();
    for mailbox in state.voicemail.boxes.values() {
        assert_eq!(mailbox.new_messages.unwrap_or(0), 0, "{}", mailbox.mailbox);
        assert_eq!(mailbox.old_messages.unwrap_or(0), 0, "{}", mailbox.mailbox);
    }
}

#[test]
fn s4_sip_peer_detail_and_parking_in_the_parkers_lot() {
    let mut r = Replay::new("asterisk20-sip/s4_sip_peer_detail.ami");
    let state = r.through("s4-004");
    let bob = state
        .peer_details
        .get("SIP/2002")
        .expect("SIPshowpeer 2002");
    assert_eq!(bob.parkinglot(), Some("sipparking"));
    assert_eq!(bob.get("Callerid"), Some("\"Bob SIP\" <2002>"));
    assert_eq!(bob.get("ChanVariable"), Some("AMITOP_PEER=bob"));
    assert_eq!(bob.get("Named Callgroup"), Some(""));
    assert_eq!(bob.get("Description"), Some("Bob desk phone"));
    assert_eq!(bob.get("ActionID"), None);
    let alice = state
        .peer_details
        .get("SIP/2001")
        .expect("SIPshowpeer 2001");
    assert_eq!(alice.parkinglot(), Some(""));

    let state = r.through("s4-010");
    let lot = &state.parking.lots["sipparking"];
    assert_eq!((&*lot.start_space, &*lot.stop_space), ("751", "760"));

    // s4-023: 2001 parks 2002 -> the parker's (2001's) lot, default 701.
    let state = r.event("ParkedCall", "ParkingSpace", "701");
    let call = &state.parking.calls[&pair("default", "701")];
    assert_eq!(call.parker, "SIP/2001");
    assert!(call.parkee_channel.starts_with("SIP/2002-"));
    let state = r.event("ParkedCallGiveUp", "ParkingSpace", "701");
    assert!(state.parking.calls.is_empty());
    // s4-030: 2002 parks 2001 -> sipparking 751.
    let state = r.event("ParkedCall", "ParkingSpace", "751");
    assert_eq!(
        state.parking.calls[&pair("sipparking", "751")].parker,
        "SIP/2002"
    );
    let state = r.event("ParkedCallGiveUp", "ParkingSpace", "751");
    assert!(state.parking.calls.is_empty());

    // s4-035: after the unregister, the detail shows the cleared address.
    let state = r.through("s4-035");
    let alice = state.peer_details.get("SIP/2001").unwrap();
    assert_eq!(alice.get("RegExpire"), Some("-1 seconds"));
    assert_eq!(alice.get("Address-IP"), Some("(null)"));
    r.rest();
}

#[test]
fn e7_iax_peer_lists_fill_one_detail() {
    let mut r = Replay::new("e7_listcommands.ami");
    let state = r.through("e7-017");
    // IAXpeerlist says `Channeltype: IAX`; the peer is IAX2/selfreg.
    let detail = state
        .peer_details
        .get("IAX2/selfreg")
        .expect("IAXpeerlist item");
    assert_eq!(detail.get("Mask"), Some("(null)"));
    assert_eq!(detail.get("Port"), Some("4569"));
    assert_eq!(detail.get("Trunk"), Some("no"));
    assert!(state.peer_details.get("IAX/selfreg").is_some());
    let state = r.through("e7-018");
    let detail = state.peer_details.get("IAX2/selfreg").unwrap();
    // IAXpeers adds IPport and Description, keeping IAXpeerlist's Mask.
    assert!(detail.get("IPport").is_some());
    assert_eq!(detail.get("Mask"), Some("(null)"));
    // No DAHDI here: the action is unknown and nothing is invented.
    assert!(r.rest().dahdi.channels.is_empty());
}

#[test]
fn every_new_object_is_in_the_json_document() {
    let mut state = State::new();
    for name in [
        "e1_parking.ami",
        "e2_confbridge.ami",
        "e3_hints_presence.ami",
        "e4_voicemail.ami",
    ] {
        let all = capture_messages(name);
        // Stop each where its objects exist.
        let cut = match name {
            "e1_parking.ami" => "e1-009",
            "e2_confbridge.ami" => "e2-008",
            _ => "",
        };
        for m in &all {
            state.apply(m, 0.0);
            let list_done = m.get("EventList").is_some_and(|e| e == "Complete");
            if !cut.is_empty() && m.action_id().as_deref() == Some(cut) && list_done {
                break;
            }
        }
    }
    state.apply(&dahdi_item("1", "No Alarm"), 0.0);
    let json: serde_json::Value =
        serde_json::from_str(&amitop::cli::render_state::render_json(&state)).unwrap();
    assert_eq!(json["parking"]["calls"].as_array().unwrap().len(), 3);
    assert_eq!(json["parking"]["lots"].as_array().unwrap().len(), 2);
    assert_eq!(json["parking"]["calls"][0]["lot"], "amitop_vip");
    let room = &json["conferences"][0];
    assert_eq!(room["name"], "amitop_conf");
    assert_eq!(room["members"].as_array().unwrap().len(), 3);
    assert_eq!(room["members"][0]["admin"], true);
    assert_eq!(json["presence"].as_array().unwrap().len(), 2);
    assert!(json["extensions"][0]["presence"]["status"].is_string());
    assert_eq!(json["voicemail"].as_array().unwrap().len(), 4);
    assert_eq!(json["voicemail"][0]["settings"]["say_cid"], true);
    assert_eq!(json["dahdi"][0]["signalling"], "FXS Kewlstart");
    assert!(json["peer_details"].is_array());
}

fn dahdi_item(number: &str, alarm: &str) -> Message {
    msg(&[
        ("Event", "DAHDIShowChannels"),
        ("ActionID", "d-1"),
        ("DAHDIChannel", number),
        ("Signalling", "FXS Kewlstart"),
        ("SignallingCode", "2"),
        ("Context", "from-pstn"),
        ("DND", "Disabled"),
        ("Alarm", alarm),
        ("Description", "line 1"),
    ])
}

#[test]
fn dahdi_ports_follow_list_alarms_and_sweeps() {
    let mut state = State::new();
    state.apply(&dahdi_item("1", "No Alarm"), 0.0);
    state.apply(&dahdi_item("2", "Red Alarm"), 0.0);
    let busy = msg(&[
        ("Event", "DAHDIShowChannels"),
        ("DAHDIChannel", "3"),
        ("Channel", "DAHDI/3-1"),
        ("Uniqueid", "1.3"),
        ("AccountCode", ""),
        ("Signalling", "ISDN PRI"),
        ("DND", "Enabled"),
        ("Alarm", "No Alarm"),
    ]);
    state.apply(&busy, 0.0);
    let ports = &state.dahdi.channels;
    assert!(!ports[&1].in_alarm() && ports[&2].in_alarm());
    assert_eq!(ports[&3].channel, "DAHDI/3-1");
    assert!(ports[&3].dnd);
    assert_eq!(ports[&3].id(), "DAHDI/3");
    let clear = msg(&[("Event", "AlarmClear"), ("DAHDIChannel", "2")]);
    state.apply(&clear, 0.0);
    assert!(!state.dahdi.channels[&2].in_alarm());
    let alarm = msg(&[
        ("Event", "Alarm"),
        ("DAHDIChannel", "1"),
        ("Alarm", "Blue Alarm"),
    ]);
    state.apply(&alarm, 0.0);
    assert_eq!(state.dahdi.channels[&1].alarm, "Blue Alarm");
    assert_eq!(
        ListKind::completed_by("DAHDIShowChannelsComplete"),
        Some(ListKind::Dahdi)
    );
    state.begin_resync();
    state.apply(&dahdi_item("2", "No Alarm"), 0.0);
    state.sweep(ListKind::Dahdi);
    assert_eq!(state.dahdi.channels.keys().collect::<Vec<_>>(), [&2]);
}

#[test]
fn legacy_parking_and_meetme() {
    let mut state = State::new();
    let chan = |id: &str, name: &str| {
        msg(&[
            ("Event", "Newchannel"),
            ("Channel", name),
            ("Uniqueid", id),
            ("CallerIDNum", "2001"),
        ])
    };
    state.apply(&chan("1.1", "SIP/2001-01"), 0.0);
    state.apply(&chan("1.2", "SIP/2002-02"), 0.0);
    // Asterisk 11's ParkedCall: Exten is the space.
    let parked = msg(&[
        ("Event", "ParkedCall"),
        ("Exten", "701"),
        ("Channel", "SIP/2001-01"),
        ("Parkinglot", "default"),
        ("From", "SIP/2002-02"),
        ("Timeout", "45"),
        ("CallerIDNum", "2001"),
        ("CallerIDName", "Alice"),
        ("Uniqueid", "1.1"),
    ]);
    state.apply(&parked, 10.0);
    let call = &state.parking.calls[&pair("default", "701")];
    assert_eq!((&*call.parkee, &*call.parker), ("1.1", "SIP/2002-02"));
    assert_eq!(call.timeout_left(20.0), Some(35.0));
    assert_eq!(
        state.channels.get("1.1").unwrap().exten,
        "",
        "701 is no exten"
    );
    let timeout = msg(&[
        ("Event", "ParkedCallTimeOut"),
        ("Exten", "701"),
        ("Channel", "SIP/2001-01"),
        ("Parkinglot", "default"),
        ("UniqueID", "1.1"),
    ]);
    state.apply(&timeout, 0.0);
    assert!(state.parking.calls.is_empty());

    // MeetMe: join (with the caller ID the seed adds), mute, talk, leave.
    let meetme = |event: &str, extra: &[(&str, &str)]| {
        let mut pairs = vec![
            ("Event", event),
            ("Channel", "SIP/2002-02"),
            ("Uniqueid", "1.2"),
            ("Meetme", "600"),
            ("Usernum", "1"),
        ];
        pairs.extend_from_slice(extra);
        msg(&pairs)
    };
    state.apply(
        &meetme(
            "MeetmeJoin",
            &[("CallerIDnum", "2002"), ("CallerIDname", "Bob")],
        ),
        5.0,
    );
    let room = &state.conferences.rooms["600"];
    assert_eq!(room.app, ConferenceApp::MeetMe);
    assert_eq!(room.members["1.2"].user_number, Some(1));
    assert_eq!(room.members["1.2"].joined_at, Some(5.0));
    state.apply(&meetme("MeetmeMute", &[("Status", "on")]), 6.0);
    state.apply(&meetme("MeetmeTalking", &[("Status", "on")]), 6.0);
    let member = &state.conferences.rooms["600"].members["1.2"];
    assert!(member.muted && member.talking);
    // A 1.4 room has no end event: it goes with its last member.
    state.apply(&meetme("MeetmeLeave", &[("Duration", "9")]), 7.0);
    assert!(state.conferences.rooms.is_empty());
    // A hangup takes a channel out of its room and its space.
    state.apply(&meetme("MeetmeJoin", &[]), 8.0);
    state.apply(&parked, 8.0);
    state.apply(&msg(&[("Event", "Hangup"), ("Uniqueid", "1.2")]), 9.0);
    state.apply(&msg(&[("Event", "Hangup"), ("Uniqueid", "1.1")]), 9.0);
    assert!(state.conferences.rooms.is_empty());
    assert!(state.parking.calls.is_empty());
}

#[test]
fn parked_call_swap_gives_the_space_to_the_new_channel() {
    let mut state = State::new();
    let parked = |event: &str, id: &str, name: &str| {
        msg(&[
            ("Event", event),
            ("ParkeeChannel", name),
            ("ParkeeUniqueid", id),
            ("ParkerChannel", "SIP/2003-03"),
            ("ParkerUniqueid", "1.3"),
            ("Parkinglot", "default"),
            ("ParkingSpace", "702"),
            ("ParkingTimeout", "40"),
            ("ParkingDuration", "5"),
        ])
    };
    state.apply(&parked("ParkedCall", "1.1", "SIP/2001-01"), 100.0);
    state.apply(&parked("ParkedCallSwap", "1.4", "Local/x@y-1;2"), 101.0);
    let call = &state.parking.calls[&pair("default", "702")];
    assert_eq!(call.parkee, "1.4");
    assert_eq!(call.parker, "SIP/2003-03");
    assert_eq!(call.parked_at, Some(96.0));
    assert_eq!(state.parking.calls.len(), 1);
    assert!(state.parking.of_channel("1.1").is_none());
}

/// e6: a recording amitop asked for (muted and unmuted), three supervisors
/// spying on its caller leg in the three modes, a dialplan recording, and
/// a recording ended by a hangup with no `MixMonitorStop`.
#[test]
fn e6_spies_and_recordings_follow_the_stream() {
    const LEG: &str = "Local/742@test-00000063;2";
    const LEG_ID: &str = "1796157347.209";
    let mut replay = Replay::new("e6_spy_record.ami");
    replay.state.expect_recording(LEG, "amitop-e6-call.wav");

    let state = replay.event("MixMonitorStart", "Channel", LEG);
    let recording = state.supervision.recording(LEG_ID).expect("recording");
    assert_eq!(recording.file.as_deref(), Some("amitop-e6-call.wav"));
    assert!(recording.muted.is_empty());
    let state = replay.event("MixMonitorMute", "State", "1");
    assert_eq!(state.supervision.recording(LEG_ID).unwrap().muted, ["read"]);
    let state = replay.event("MixMonitorMute", "State", "0");
    assert!(
        state
            .supervision
            .recording(LEG_ID)
            .unwrap()
            .muted
            .is_empty()
    );

    // Each mode comes from the Data of the OriginateResponse before it.
    let supervisors = [
        ("1796157348.212", SpyMode::Listen),
        ("1796157351.214", SpyMode::Whisper),
        ("1796157353.216", SpyMode::Barge),
    ];
    for (spyer, mode) in supervisors {
        let state = replay.event("ChanSpyStart", "SpyerUniqueid", spyer);
        let spies = state.spied_by(LEG_ID);
        assert_eq!(spies.len(), 1, "{spyer}: {spies:?}");
        assert_eq!(spies[0].spyer, spyer);
        assert_eq!(spies[0].spyee_channel, LEG);
        assert_eq!(spies[0].mode, Some(mode));
        // The spyer never joins the spied call's bridge.
        let spyer_channel = state.channels.get(spyer).expect("spyer is live");
        assert_ne!(
            spyer_channel.bridge,
            state.channels.get(LEG_ID).unwrap().bridge
        );
        let state = replay.event("ChanSpyStop", "SpyerUniqueid", spyer);
        assert!(state.spied_by(LEG_ID).is_empty(), "{spyer} stopped");
    }

    let state = replay.event("MixMonitorStop", "Channel", LEG);
    assert!(state.supervision.recording(LEG_ID).is_none());

    // The dialplan's recording: not asked for, so no file is known.
    let state = replay.until("the dialplan's MixMonitorStart", |m| {
        m.event().as_deref() == Some("MixMonitorStart")
    });
    let (_, recording) = state.supervision.recordings().next().expect("recording");
    assert_eq!(recording.file, None);
    let channel = recording.channel.clone();
    let state = replay.event("MixMonitorStop", "Channel", &channel);
    assert_eq!(state.supervision.recordings().count(), 0);

    // Recorded again, then hung up: the hangup ends the recording.
    let state = replay.event("MixMonitorStart", "Channel", LEG);
    assert!(state.supervision.recording(LEG_ID).is_some());
    let state = replay.event("Hangup", "Uniqueid", LEG_ID);
    assert!(state.supervision.recording(LEG_ID).is_none());
    let state = replay.rest();
    assert_eq!(state.supervision.recordings().count(), 0);
    assert!(state.spies().is_empty());
}

/// 1.x sends no spy events: the spyer's ChanSpy application and data say
/// who it spies on (a channel name prefix) and how; a hangup of either side
/// ends the spy.
#[test]
fn legacy_spy_from_the_spyers_application() {
    let mut state = State::new();
    let newchannel = |id: &str, name: &str| {
        msg(&[
            ("Event", "Newchannel"),
            ("Channel", name),
            ("Uniqueid", id),
            ("State", "Up"),
        ])
    };
    state.apply(&newchannel("1.1", "SIP/2001-0000000a"), 0.0);
    state.apply(&newchannel("1.2", "SIP/2001x-0000000b"), 0.0);
    state.apply(&newchannel("1.3", "SIP/200-0000000c"), 0.0);
    state.apply(
        &msg(&[
            ("Event", "Newexten"),
            ("Channel", "SIP/200-0000000c"),
            ("Uniqueid", "1.3"),
            ("Context", "supervisors"),
            ("Extension", "s"),
            ("Priority", "1"),
            ("Application", "ChanSpy"),
            ("AppData", "SIP/2001-,qw"),
        ]),
        1.0,
    );
    let spies = state.spied_by("1.1");
    assert_eq!(spies.len(), 1, "{:?}", state.spies());
    assert_eq!(spies[0].spyer_channel, "SIP/200-0000000c");
    assert_eq!(spies[0].mode, Some(SpyMode::Whisper));
    assert!(state.spied_by("1.2").is_empty(), "the prefix ends at '-'");

    let hangup = |id: &str| msg(&[("Event", "Hangup"), ("Uniqueid", id)]);
    state.apply(&hangup("1.1"), 2.0);
    let spies = state.spies();
    assert_eq!(spies.len(), 1, "the spyer still runs ChanSpy");
    assert_eq!(spies[0].spyee, "", "but spies on no live channel");
    state.apply(&hangup("1.3"), 3.0);
    assert!(state.spies().is_empty());
}
