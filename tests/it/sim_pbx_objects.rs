//! The simulator's parking lot, conference room, mailboxes, DAHDI span,
//! peer detail, spies and recordings, driven over TCP with the op builders
//! of `amitop::ops`: the PBX receives exactly the headers each builder
//! writes, and amitop's model
//! (fed the session's events and the replies' lists) agrees with the
//! simulator's own state at each step, in both vocabularies. The reply
//! layouts are checked against the real captures.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::support::capture_messages;
use crate::support::session::{config, logged_in_session};
use crate::support::sim::keys;
use amitop::ami::session::{AuthMode, SessionEvent};
use amitop::ami::{Action, Message, SessionConfig, SessionEvents, SessionHandle};
use amitop::model::{ConferenceApp, SpyMode, State};
use amitop::ops::conference::{self, MemberAction};
use amitop::ops::parking::{self, ParkingApi};
use amitop::ops::supervise::{self, RecordScope};
use amitop::sim::{
    CONFERENCE_EXTEN, PARKING_CONTEXT, PbxConfig, SimUser, TestPbx, VOICEMAIL_EXTEN,
};

/// A parking space and the uniqueid waiting in it.
type Spot = (u32, String);

struct Client {
    pbx: TestPbx,
    handle: SessionHandle,
    events: SessionEvents,
    state: State,
    /// Every event and list item seen, in order.
    log: Vec<Message>,
}

impl Client {
    async fn start(ami_version: &str) -> Client {
        Client::on(PbxConfig {
            ami_version: ami_version.into(),
            ..PbxConfig::default()
        })
        .await
    }

    async fn on(pbx_config: PbxConfig) -> Client {
        let pbx = TestPbx::start(PbxConfig {
            users: vec![SimUser::new("amitop", "secret", true)],
            ..pbx_config
        })
        .await
        .unwrap();
        let (handle, events) = logged_in_session(SessionConfig {
            ping_interval: Duration::ZERO,
            auth: AuthMode::Plain,
            ..config(pbx.addr().port())
        })
        .await;
        Client {
            pbx,
            handle,
            events,
            state: State::new(),
            log: Vec::new(),
        }
    }

    /// Sends `action`, checks the PBX got exactly its headers, feeds the
    /// reply (and its list items) to the model and returns the response.
    async fn send(&mut self, action: Action) -> Message {
        self.pbx.clear_received();
        let reply = self.handle.send(action.clone()).await.expect("a reply");
        let got: Vec<(String, String)> = self.pbx.received_actions()[0]
            .headers()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("ActionID"))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut sent = vec![("Action".to_owned(), action.name().to_owned())];
        sent.extend(action.headers().iter().cloned());
        assert_eq!(got, sent, "what arrived of {}", action.name());
        self.settle().await;
        self.state.apply(&reply.response, 0.0);
        for item in &reply.events {
            self.state.apply(item, 0.0);
        }
        self.log.extend(reply.events);
        reply.response
    }

    /// Applies every event sent so far: a Ping's reply comes after them.
    async fn settle(&mut self) {
        self.handle.send(Action::new("Ping")).await.expect("pong");
        while let Some(event) = self.events.try_recv() {
            if let SessionEvent::Event(event) = event {
                self.state.apply(&event, 0.0);
                self.log.push(event);
            }
        }
    }

    fn channel_of(&self, device: &str) -> String {
        let prefix = format!("{device}-");
        self.pbx
            .snapshot()
            .channels
            .into_iter()
            .map(|c| c.name)
            .find(|name| name.starts_with(&prefix))
            .unwrap_or_else(|| panic!("no channel of {device}"))
    }

    /// The simulator's and the model's members of the room, as uniqueids.
    fn members(&self) -> (BTreeSet<String>, BTreeSet<String>) {
        let sim = self.pbx.snapshot().features.room;
        let sim = sim.map(|r| r.members.into_iter().map(|m| m.uniqueid).collect());
        let model = self.state.conferences.rooms.get(CONFERENCE_EXTEN);
        let model = model.map(|r| r.members.keys().cloned().collect());
        (sim.unwrap_or_default(), model.unwrap_or_default())
    }

    /// The simulator's and the model's parked calls, as (space, uniqueid).
    fn parked(&self) -> (Vec<Spot>, Vec<Spot>) {
        let sim = self.pbx.snapshot().features.parked;
        let sim = sim.into_iter().map(|p| (p.space, p.uniqueid)).collect();
        let model = self.state.parking.calls.values();
        let model = model
            .map(|c| (c.space.parse().unwrap(), c.parkee.clone()))
            .collect();
        (sim, model)
    }
}

fn originate(device: &str, context: &str, exten: &str) -> Action {
    Action::new("Originate")
        .header("Channel", device)
        .header("Context", context)
        .header("Exten", exten)
        .header("Priority", "1")
}

async fn conference_members_join_mute_lock_and_leave(ami_version: &str) {
    let mut c = Client::start(ami_version).await;
    for phone in ["SIP/2001", "SIP/2002", "SIP/2003"] {
        c.send(originate(phone, "default", CONFERENCE_EXTEN)).await;
    }
    let (sim, model) = c.members();
    assert_eq!(sim.len(), 3);
    assert_eq!(sim, model);
    let room = &c.state.conferences.rooms[CONFERENCE_EXTEN];
    let modern = ami_version.starts_with("11");
    let app = if modern {
        ConferenceApp::ConfBridge
    } else {
        ConferenceApp::MeetMe
    };
    assert_eq!(room.app, app);
    let admins = |c: &Client| {
        let room = &c.state.conferences.rooms[CONFERENCE_EXTEN];
        room.members.values().filter(|m| m.admin).count()
    };
    if !modern {
        // MeetmeJoin does not say who is admin; MeetmeList relists the
        // same members and does.
        assert_eq!(admins(&c), 0);
        c.state.begin_resync();
        c.send(Action::new("MeetmeList")).await;
        c.state.sweep(amitop::model::ListKind::ConferenceMembers);
        let (sim, model) = c.members();
        assert_eq!(sim, model);
        assert_eq!(admins(&c), 1, "the first to join is the admin");
        return;
    }
    assert_eq!(admins(&c), 1, "the first to join is the admin");
    let member = c.channel_of("SIP/2002");
    let mute = conference::confbridge_member(MemberAction::Mute, CONFERENCE_EXTEN, &member);
    assert!(c.send(mute).await.is("Message", "User muted"));
    let id = c.state.channels.id_by_name(&member).unwrap().to_owned();
    assert!(c.state.conferences.rooms[CONFERENCE_EXTEN].members[&id].muted);

    // A lock raises no event: the room list that follows says it.
    for action in conference::confbridge_lock(CONFERENCE_EXTEN, true) {
        c.send(action).await;
    }
    assert!(c.state.conferences.rooms[CONFERENCE_EXTEN].locked);
    for action in conference::confbridge_lock(CONFERENCE_EXTEN, false) {
        c.send(action).await;
    }
    assert!(!c.state.conferences.rooms[CONFERENCE_EXTEN].locked);

    let kick = conference::confbridge_member(MemberAction::Kick, CONFERENCE_EXTEN, &member);
    assert!(c.send(kick.clone()).await.is("Message", "User kicked"));
    let (sim, model) = c.members();
    assert_eq!((sim.len(), &sim), (2, &model));
    let again = c.send(kick).await;
    assert!(again.is("Response", "Error"));
    // The last ones leave: the room ends on both sides.
    for phone in ["SIP/2001", "SIP/2003"] {
        let name = c.channel_of(phone);
        c.send(Action::new("Hangup").header("Channel", name)).await;
    }
    assert!(c.pbx.snapshot().features.room.is_none());
    assert!(c.state.conferences.rooms.is_empty());
}

#[tokio::test]
async fn confbridge_room_over_tcp() {
    conference_members_join_mute_lock_and_leave("11.0.0").await;
}

#[tokio::test]
async fn meetme_room_over_tcp() {
    conference_members_join_mute_lock_and_leave("1.1").await;
}

/// The headers every app_meetme member event starts with.
const MEETME_MEMBER: [&str; 6] = [
    "Event",
    "Privilege",
    "Channel",
    "Uniqueid",
    "Meetme",
    "Usernum",
];

/// MeetMe's mute by user number (1.4 and 1.8's app_meetme): the answer,
/// then the member's `MeetmeMute` event with Status on/off, only when its
/// state changes; the model's member follows the event.
async fn meetme_mute_and_unmute(config: PbxConfig) {
    let mut c = Client::on(config).await;
    let listed = c.send(Action::new("ListCommands")).await;
    assert!(listed.has("MeetmeMute") && listed.has("MeetmeUnmute"));
    for phone in ["SIP/2001", "SIP/2002"] {
        c.send(originate(phone, "default", CONFERENCE_EXTEN)).await;
    }
    let member = c.channel_of("SIP/2002");
    let id = c.state.channels.id_by_name(&member).unwrap().to_owned();
    let usernum = c.state.conferences.rooms[CONFERENCE_EXTEN].members[&id]
        .user_number
        .expect("MeetmeJoin numbers the member");
    let sim_muted = |c: &Client| {
        let room = c.pbx.snapshot().features.room.unwrap();
        room.members
            .iter()
            .find(|m| m.uniqueid == id)
            .unwrap()
            .muted
    };
    let model_muted = |c: &Client| c.state.conferences.rooms[CONFERENCE_EXTEN].members[&id].muted;
    let mute_events = |c: &Client| -> Vec<String> {
        let events = c.log.iter().filter(|e| e.is("Event", "MeetmeMute"));
        events
            .map(|e| e.get_or_empty("Status").into_owned())
            .collect()
    };
    for (action, message, status) in [
        (MemberAction::Mute, "User muted", "on"),
        (MemberAction::Unmute, "User unmuted", "off"),
    ] {
        let request = conference::meetme_member(action, CONFERENCE_EXTEN, usernum).unwrap();
        let before = mute_events(&c).len();
        assert!(c.send(request.clone()).await.is("Message", message));
        let event = c.log.iter().rfind(|e| e.is("Event", "MeetmeMute")).unwrap();
        assert_eq!(keys(event), [&MEETME_MEMBER[..], &["Status"]].concat());
        assert_eq!(event.get("Channel").as_deref(), Some(member.as_str()));
        assert_eq!(event.get("Usernum"), Some(usernum.to_string().into()));
        assert_eq!(mute_events(&c)[before..], [status]);
        assert_eq!(model_muted(&c), status == "on");
        assert_eq!(sim_muted(&c), status == "on");
        // Asked again: acknowledged, but nothing changes, so no event.
        assert!(c.send(request).await.is("Message", message));
        assert_eq!(mute_events(&c).len(), before + 1);
    }
    let mute = |room: &str, usernum: &str| {
        Action::new("MeetmeMute")
            .header("Meetme", room)
            .header("Usernum", usernum)
    };
    for (request, refusal) in [
        (mute("999", "1"), "Meetme conference does not exist"),
        (mute(CONFERENCE_EXTEN, "99"), "User number not found"),
        (mute(CONFERENCE_EXTEN, "2x"), "Invalid user number"),
        (
            Action::new("MeetmeUnmute").header("Meetme", CONFERENCE_EXTEN),
            "Meetme user number not specified",
        ),
        (Action::new("MeetmeMute"), "Meetme conference not specified"),
    ] {
        let reply = c.send(request).await;
        assert!(
            reply.is("Response", "Error") && reply.is("Message", refusal),
            "{reply:?}"
        );
    }
}

#[tokio::test]
async fn meetme_mute_over_tcp_on_asterisk_11() {
    meetme_mute_and_unmute(PbxConfig::default().ami_1_1()).await;
}

#[tokio::test]
async fn meetme_mute_over_tcp_on_asterisk_1_4() {
    meetme_mute_and_unmute(PbxConfig::default().asterisk_1_4()).await;
}

/// The modern PBX's room is a ConfBridge room: it offers no MeetMe action.
#[tokio::test]
async fn a_modern_server_has_no_meetme_mute() {
    let mut c = Client::start("11.0.0").await;
    let listed = c.send(Action::new("ListCommands")).await;
    assert!(listed.has("ConfbridgeMute") && !listed.has("MeetmeMute"));
    let reply = c
        .send(
            Action::new("MeetmeMute")
                .header("Meetme", CONFERENCE_EXTEN)
                .header("Usernum", "1"),
        )
        .await;
    assert!(
        reply
            .get_or_empty("Message")
            .starts_with("Invalid/unknown command"),
        "{reply:?}"
    );
}

async fn park_and_pick_up(ami_version: &str, api: ParkingApi) {
    let mut c = Client::start(ami_version).await;
    c.send(originate("SIP/2001", "default", "2002")).await;
    let caller = c.channel_of("SIP/2001");
    let callee = c.channel_of("SIP/2002");
    let reply = c.send(parking::park(api, &callee, &caller, None)).await;
    assert!(reply.is("Message", "Park successful"), "{reply:?}");
    let (sim, model) = c.parked();
    assert_eq!(sim.len(), 1);
    assert_eq!(sim, model);
    let call = c.state.parking.calls.values().next().unwrap();
    assert_eq!(call.lot, "default");
    assert!(c.state.channels.get(&call.parkee).is_some());
    // The parker was hung up.
    assert!(c.state.channels.id_by_name(&caller).is_none());
    // ParkedCalls lists the same call.
    c.state.begin_resync();
    c.send(Action::new("ParkedCalls")).await;
    c.state.sweep(amitop::model::ListKind::ParkedCalls);
    assert_eq!(c.parked().1, sim);

    let space = sim[0].0.to_string();
    let context = parking::lot_context(c.state.registry.devices.keys().map(String::as_str), &space);
    assert_eq!(context, PARKING_CONTEXT);
    c.send(parking::pick_up("SIP/2003", &context, &space)).await;
    let (sim, model) = c.parked();
    assert!(sim.is_empty() && model.is_empty());
    // The parked call now talks to the phone that picked it up.
    let parkee = c.state.channels.id_by_name(&callee).unwrap().to_owned();
    assert_eq!(c.state.channels.get(&parkee).unwrap().peers.len(), 1);
}

#[tokio::test]
async fn park_and_pick_up_over_tcp() {
    park_and_pick_up("11.0.0", ParkingApi::ResParking).await;
}

#[tokio::test]
async fn legacy_park_and_pick_up_over_tcp() {
    park_and_pick_up("1.1", ParkingApi::Features).await;
    // Without Channel2 an Asterisk 11 refuses.
    let mut c = Client::start("1.1").await;
    let reply = c
        .send(Action::new("Park").header("Channel", "SIP/2001-1"))
        .await;
    assert!(reply.is("Message", "Channel2 not specified"));
}

#[tokio::test]
async fn mailboxes_fill_and_the_lists_agree() {
    let mut c = Client::start("11.0.0").await;
    c.send(Action::new("VoicemailUsersList")).await;
    c.send(Action::new("SIPpeers")).await;
    let sim = c.pbx.snapshot().features.mailboxes;
    assert_eq!(c.state.voicemail.boxes.len(), sim.len());
    // Each box is a phone's, under the name its peer describes.
    for mailbox in c.state.voicemail.boxes.values() {
        let number = mailbox.mailbox.split('@').next().unwrap();
        let device = format!("SIP/{number}");
        let peer = c
            .state
            .registry
            .peers
            .iter()
            .find(|(key, _)| key.0 == device);
        let described = peer.map(|(_, p)| p.description.as_str());
        assert_eq!(described, Some(mailbox.full_name.as_str()), "{device}");
    }
    let first = sim[0].id();
    let before = c.state.voicemail.boxes[&first].new_messages.unwrap();
    c.send(originate("SIP/2004", "default", VOICEMAIL_EXTEN))
        .await;
    let after = c.state.voicemail.boxes[&first].new_messages.unwrap();
    assert_eq!(after, before + 1, "MessageWaiting counted the new message");
    let count = c
        .send(Action::new("MailboxCount").header("Mailbox", first.clone()))
        .await;
    assert_eq!(
        count.get("NewMessages").as_deref(),
        Some(&*after.to_string())
    );
    c.send(Action::new("MailboxStatus").header("Mailbox", first.clone()))
        .await;
    assert_eq!(c.state.voicemail.boxes[&first].waiting, Some(true));
}

#[tokio::test]
async fn dahdi_span_and_peer_detail() {
    let mut c = Client::start("11.0.0").await;
    c.send(Action::new("DAHDIShowChannels")).await;
    let sim = c.pbx.snapshot().features.dahdi;
    let model: Vec<_> = c.state.dahdi.channels.values().collect();
    assert_eq!(model.len(), sim.len());
    for (port, real) in model.iter().zip(&sim) {
        assert_eq!((port.number, &*port.alarm), (real.number, real.alarm));
    }
    assert!(model.iter().any(|p| p.in_alarm()));
    let one = c
        .send(Action::new("DAHDIShowChannels").header("DAHDIChannel", "2"))
        .await;
    assert!(one.is("Response", "Success"));

    c.send(Action::new("SIPshowpeer").header("Peer", "2001"))
        .await;
    let detail = c.state.peer_details.get("SIP/2001").expect("detail");
    assert_eq!(detail.parkinglot(), Some(""));
    let missing = c
        .send(Action::new("SIPshowpeer").header("Peer", "9999"))
        .await;
    assert!(missing.is("Message", "Peer 9999 not found."));
    assert!(c.state.peer_details.get("SIP/9999").is_none());
}

/// Every list item and event the simulator sends for these objects has the
/// layout of one in the captures.
#[tokio::test]
async fn reply_layouts_match_the_captures() {
    let real = crate::support::sim::layouts(&[
        "e1_parking.ami",
        "e2_confbridge.ami",
        "e3_hints_presence.ami",
        "e4_voicemail.ami",
        "asterisk20-sip/s4_sip_peer_detail.ami",
    ]);
    let mut c = Client::start("11.0.0").await;
    c.send(originate("SIP/2001", "default", "2002")).await;
    let callee = c.channel_of("SIP/2002");
    let caller = c.channel_of("SIP/2001");
    for phone in ["SIP/2003", "SIP/2004"] {
        c.send(originate(phone, "default", CONFERENCE_EXTEN)).await;
    }
    let member = c.channel_of("SIP/2004");
    let actions = [
        parking::park(ParkingApi::ResParking, &callee, &caller, None),
        Action::new("ParkedCalls"),
        Action::new("Parkinglots"),
        Action::new("ConfbridgeListRooms"),
        Action::new("ConfbridgeList").header("Conference", CONFERENCE_EXTEN),
        conference::confbridge_member(MemberAction::Mute, CONFERENCE_EXTEN, &member),
        Action::new("VoicemailUsersList"),
        Action::new("ExtensionStateList"),
        Action::new("DeviceStateList"),
        Action::new("PresenceStateList"),
        Action::new("VoicemailBoxSummary")
            .header("Context", "default")
            .header("Mailbox", "2002"),
    ];
    for action in actions {
        c.send(action).await;
    }
    let seen = &c.log;
    let checked = [
        "ParkedCall",
        "ParkedCallsComplete",
        "Parkinglot",
        "ParkinglotsComplete",
        "ConfbridgeStart",
        "ConfbridgeJoin",
        "ConfbridgeMute",
        "ConfbridgeList",
        "ConfbridgeListComplete",
        "ConfbridgeListRooms",
        "ConfbridgeListRoomsComplete",
        "VoicemailUserEntry",
        "VoicemailUserEntryComplete",
        "ExtensionStatus",
        "ExtensionStateListComplete",
        "PresenceStateChange",
        "PresenceStateListComplete",
        "VoicemailBoxDetail",
        "VoicemailBoxDetailComplete",
    ];
    for name in checked {
        let ours: Vec<&Message> = seen
            .iter()
            .filter(|m| m.event().as_deref() == Some(name))
            .collect();
        assert!(!ours.is_empty(), "the simulator sent no {name}");
        let known = &real[name];
        for m in ours {
            assert!(
                known.contains(&keys(m)),
                "{name} layout {:?} is none of the captures' {known:?}",
                keys(m)
            );
        }
    }
    // A capture's MailboxCount reply has the same headers as ours.
    let theirs = capture_messages("e4_voicemail.ami")
        .into_iter()
        .find(|m| m.is("Message", "Mailbox Message Count"))
        .unwrap();
    let ours = c
        .handle
        .send(Action::new("MailboxCount").header("Mailbox", "2001@default"))
        .await
        .unwrap()
        .response;
    assert_eq!(keys(&ours), keys(&theirs));
}

/// A supervisor spies on a call in each mode, then the call is recorded,
/// muted, stopped, recorded again and hung up; the simulator's spies and
/// recordings and the model's agree at each step.
async fn spy_and_record(ami_version: &str) {
    let modern = ami_version != "1.1";
    let mut c = Client::start(ami_version).await;
    c.send(originate("SIP/2001", "default", "2002")).await;
    let callee = c.channel_of("SIP/2002");
    let callee_id = c.state.channels.id_by_name(&callee).unwrap().to_owned();
    let sim_spies = |c: &Client| {
        let spies = c.pbx.snapshot().supervision.spies;
        spies
            .into_iter()
            .map(|s| (s.spyer, s.spyee))
            .collect::<Vec<_>>()
    };
    for mode in [SpyMode::Listen, SpyMode::Whisper, SpyMode::Barge] {
        c.send(supervise::spy("SIP/2005", &callee, mode)).await;
        let spyer = c.channel_of("SIP/2005");
        let spyer_id = c.state.channels.id_by_name(&spyer).unwrap().to_owned();
        if modern {
            assert_eq!(sim_spies(&c), [(spyer_id.clone(), callee_id.clone())]);
        }
        let spies = c.state.spied_by(&callee_id);
        assert_eq!(spies.len(), 1, "{mode:?}: {:?}", c.state.spies());
        assert_eq!((&*spies[0].spyer, spies[0].mode), (&*spyer_id, Some(mode)));
        let spyer_channel = c.state.channels.get(&spyer_id).unwrap();
        assert_eq!(spyer_channel.bridge, None, "a spy joins no bridge");
        c.send(Action::new("Hangup").header("Channel", &spyer))
            .await;
        assert!(c.state.spies().is_empty() && sim_spies(&c).is_empty());
    }

    let recorded = |c: &Client| {
        let sim = c.pbx.snapshot().supervision.recordings;
        let sim: Vec<String> = sim.into_iter().map(|r| r.uniqueid).collect();
        let model: Vec<String> = c
            .state
            .supervision
            .recordings()
            .map(|(id, _)| id.clone())
            .collect();
        assert_eq!(sim, model, "the simulator's and the model's recordings");
        model
    };
    c.state.expect_recording(&callee, "call.wav");
    let reply = c
        .send(supervise::record(&callee, "call.wav", RecordScope::Whole))
        .await;
    assert!(reply.is("Response", "Success"), "{reply:?}");
    let id = reply.get("MixMonitorID").map(|id| id.into_owned());
    assert_eq!(id.is_some(), modern);
    c.state
        .recording_answered(&callee, true, id.as_deref(), 0.0);
    assert_eq!(recorded(&c), std::slice::from_ref(&callee_id));
    let recording = c.state.supervision.recording(&callee_id).unwrap();
    assert_eq!(recording.file.as_deref(), Some("call.wav"));
    assert_eq!(recording.id, id, "the recording's id, for the stop");

    let reply = c
        .send(supervise::mute_recording(&callee, "read", true))
        .await;
    assert!(reply.is("Response", "Success"), "{reply:?}");
    if modern {
        let recording = c.state.supervision.recording(&callee_id).unwrap();
        assert_eq!(recording.muted, ["read"]);
    }
    let reply = c
        .send(supervise::stop_recording(&callee, id.as_deref()))
        .await;
    assert!(reply.is("Response", "Success"), "{reply:?}");
    c.state.recording_stopped(&callee);
    assert!(recorded(&c).is_empty());
    let reply = c.send(supervise::stop_recording(&callee, None)).await;
    assert!(
        reply.is("Message", "Could not stop monitoring channel"),
        "{reply:?}"
    );

    // Recorded and spied on again; hanging the call up ends both, and the
    // spy (started with `E`) hangs up with it.
    c.send(supervise::record(
        &callee,
        "again.wav",
        RecordScope::Bridged,
    ))
    .await;
    c.state.recording_answered(&callee, true, None, 0.0);
    c.send(supervise::spy("SIP/2005", &callee, SpyMode::Listen))
        .await;
    c.send(Action::new("Hangup").header("Channel", &callee))
        .await;
    assert!(recorded(&c).is_empty());
    assert!(c.state.spies().is_empty() && sim_spies(&c).is_empty());
    if modern {
        let spyer_gone = !c
            .pbx
            .snapshot()
            .channels
            .iter()
            .any(|ch| ch.name.starts_with("SIP/2005-"));
        assert!(spyer_gone, "the spy exits with the spied channel");
    }
}

#[tokio::test]
async fn spy_and_record_over_tcp() {
    spy_and_record("11.0.0").await;
}

#[tokio::test]
async fn legacy_spy_and_record_over_tcp() {
    spy_and_record("1.1").await;
}

/// The headers of a MeetMe join and leave: 1.4's app_meetme names the
/// caller only on leaving and knows no connected line; from 1.1 (the
/// seed) the join names the caller too, and 1.8 adds the connected line.
#[tokio::test]
async fn meetme_joins_name_the_caller_from_ami_1_1_on() {
    let basics = MEETME_MEMBER;
    let caller = ["CallerIDnum", "CallerIDname"];
    let connected = ["ConnectedLineNum", "ConnectedLineName"];
    let full: Vec<&str> = [&basics[..], &caller, &connected].concat();
    let leave_1_4: Vec<&str> = [&basics[..], &caller].concat();
    for (config, join, leave) in [
        (
            PbxConfig::default().asterisk_1_4(),
            basics.to_vec(),
            leave_1_4,
        ),
        (PbxConfig::default().ami_1_1(), full.clone(), full),
    ] {
        let mut c = Client::on(config).await;
        c.send(originate("SIP/2001", "default", CONFERENCE_EXTEN))
            .await;
        let event = |c: &Client, name| c.log.iter().rfind(|e| e.is("Event", name)).cloned();
        let joined = event(&c, "MeetmeJoin").expect("a MeetmeJoin");
        assert_eq!(keys(&joined), join);
        let (sim, model) = c.members();
        assert_eq!((sim.len(), &sim), (1, &model));
        let name = c.channel_of("SIP/2001");
        c.send(Action::new("Hangup").header("Channel", name)).await;
        let left = event(&c, "MeetmeLeave").expect("a MeetmeLeave");
        assert_eq!(keys(&left), leave);
        assert!(c.state.conferences.rooms.is_empty());
    }
}
