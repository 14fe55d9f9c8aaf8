//! A full resync against each server profile of the simulator, over real
//! TCP with the real session task and model: it sends no action the server
//! lacks (the simulator counts them), raises no note, does not stall, and
//! leaves a picture with everything the server can list.

use std::time::Duration;

use amitop::ami::{Banner, ConnectionState, SessionConfig, SessionEvent, SessionEvents, spawn};
use amitop::model::State;
use amitop::resync::{self, ResyncUpdate};
use amitop::sim::{PbxConfig, ServerProfile, SimUser, Tech, TestPbx};
use tokio::sync::mpsc;
use tokio::time::timeout;

/// Long enough for any step on a loaded machine; only reached on failure.
/// Well under the action timeout below, so a reply the resync waits out
/// (Asterisk 1.4's raw `IAXpeers`) fails the test instead of passing late.
const PATIENCE: Duration = Duration::from_secs(10);
const ACTION_TIMEOUT: Duration = Duration::from_secs(60);
const NOW: f64 = 1_795_730_000.0;

async fn logged_in(events: &mut SessionEvents) -> Banner {
    loop {
        match timeout(PATIENCE, events.recv()).await.unwrap() {
            Some(SessionEvent::State(ConnectionState::LoggedIn { banner })) => return banner,
            Some(SessionEvent::State(ConnectionState::Connecting { .. })) => {}
            other => panic!("expected a login, got {other:?}"),
        }
    }
}

/// Logs in as `user`, runs one resync to its end (live events applied as
/// they come) and returns the state and the notes.
async fn resync_against(pbx: &TestPbx, user: &str, secret: &str) -> (State, Vec<String>) {
    let mut config = SessionConfig::new("127.0.0.1", pbx.addr().port(), user, secret);
    config.reconnect = false;
    config.action_timeout = ACTION_TIMEOUT;
    let (handle, mut events) = spawn(config);
    let banner = logged_in(&mut events).await;
    let (tx, mut rx) = mpsc::channel(16);
    tokio::spawn(resync::run(handle.clone(), tx));
    let mut state = State::new();
    state.apply_banner(&banner);
    state.begin_resync();
    let mut notes = Vec::new();
    loop {
        tokio::select! {
            update = rx.recv() => {
                let update = update.expect("resync ended without Finished");
                resync::apply_update(&mut state, &update, NOW);
                match update {
                    ResyncUpdate::Note(note) => notes.push(note),
                    ResyncUpdate::Finished => break,
                    _ => {}
                }
            }
            Some(SessionEvent::Event(event)) = events.recv() => state.apply(&event, NOW),
            () = tokio::time::sleep(PATIENCE) => panic!("resync stalled; notes {notes:?}"),
        }
    }
    handle.shutdown();
    (state, notes)
}

async fn start(config: PbxConfig) -> TestPbx {
    let pbx = TestPbx::start(config).await.unwrap();
    pbx.start_call("100", "200", "Alice Example");
    pbx
}

/// Everything but the registration lists, which depend on the profile.
fn assert_channels_and_queues(pbx: &TestPbx, state: &State) {
    let sim = pbx.snapshot();
    assert_eq!(state.channels.len(), sim.channels.len());
    for channel in &sim.channels {
        assert!(
            state.channels.iter().any(|c| c.name == channel.name),
            "{} missing",
            channel.name
        );
    }
    for queue in &sim.queues {
        let got = state.queues.get(&queue.name).expect("queue missing");
        assert_eq!(got.members.len(), queue.members.len(), "{}", queue.name);
    }
}

/// The names of the actions the PBX received, in order.
fn sent_actions(pbx: &TestPbx) -> Vec<String> {
    pbx.received_actions()
        .iter()
        .filter_map(|a| a.get("Action").map(|n| n.into_owned()))
        .collect()
}

fn peer_ids(state: &State) -> Vec<String> {
    state
        .registry
        .peers
        .values()
        .map(|p| p.id.clone())
        .collect()
}

fn registration_techs(state: &State) -> Vec<String> {
    let mut techs: Vec<_> = state
        .registry
        .registrations
        .values()
        .map(|r| r.technology.clone())
        .collect();
    techs.sort();
    techs
}

#[tokio::test]
async fn without_pjsip_every_list_but_pjsip_is_read() {
    let pbx = start(PbxConfig::default()).await;
    let (state, notes) = resync_against(&pbx, "amitop", "secret").await;
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(pbx.unknown_actions_received(), Vec::<String>::new());
    assert_channels_and_queues(&pbx, &state);
    let sim = pbx.snapshot();
    // The SIP phones and the IAX2 peer behind each IAX2 registration.
    let iax = sim
        .registrations
        .iter()
        .filter(|r| r.tech == Tech::Iax2)
        .count();
    assert_eq!(state.registry.peers.len(), sim.peers.len() + iax);
    assert_eq!(state.registry.registrations.len(), sim.registrations.len());
    assert_eq!(state.bridges.len(), sim.bridges.len());
}

#[tokio::test]
async fn without_chan_sip_no_sip_action_is_sent() {
    let config = PbxConfig {
        profile: ServerProfile::WithoutChanSip,
        ..PbxConfig::default()
    };
    let pbx = start(config).await;
    let (state, notes) = resync_against(&pbx, "amitop", "secret").await;
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(pbx.unknown_actions_received(), Vec::<String>::new());
    let sent = sent_actions(&pbx);
    assert!(sent.iter().any(|a| a == "ListCommands"), "{sent:?}");
    assert!(!sent.iter().any(|a| a.starts_with("SIP")), "{sent:?}");
    assert_channels_and_queues(&pbx, &state);
    // Only IAX2 is left to list: its registration and its peer.
    assert!(
        peer_ids(&state).iter().all(|id| id.starts_with("IAX2/")),
        "{:?}",
        peer_ids(&state)
    );
    assert!(!state.registry.peers.is_empty());
    assert_eq!(registration_techs(&state), ["IAX2"]);
}

#[tokio::test]
async fn asterisk_1_4_gets_only_its_own_actions_and_no_stall() {
    let pbx = start(PbxConfig::default().asterisk_1_4()).await;
    let (state, notes) = resync_against(&pbx, "amitop", "secret").await;
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(pbx.unknown_actions_received(), Vec::<String>::new());
    // Channels from `Status`, queues from `QueueStatus`, SIP peers from
    // `SIPpeers`; 1.4 has no registration lists, and its `IAXpeers` is CLI
    // text, skipped (no 60 s wait: the resync ended within PATIENCE).
    assert_channels_and_queues(&pbx, &state);
    assert_eq!(state.registry.peers.len(), pbx.snapshot().peers.len());
    assert!(peer_ids(&state).iter().all(|id| id.starts_with("SIP/")));
    assert_eq!(state.server.ami_version, "1.0");
}

#[tokio::test]
async fn a_watch_only_user_is_told_which_class_to_grant_and_sends_nothing_refused() {
    let config = PbxConfig {
        users: vec![SimUser::new("viewer", "look", false)],
        profile: ServerProfile::WithoutChanSip,
        ..PbxConfig::default()
    };
    let pbx = start(config).await;
    let (state, notes) = resync_against(&pbx, "viewer", "look").await;
    for action in ["CoreSettings", "CoreStatus", "CoreShowChannels", "IAXpeers"] {
        assert!(
            notes
                .iter()
                .any(|n| n.starts_with(action) && n.contains("add reporting to")),
            "no note for {action}: {notes:?}"
        );
    }
    assert_eq!(pbx.unknown_actions_received(), Vec::<String>::new());
    // Nothing refused was sent: every action it sent needs no class.
    let sent = sent_actions(&pbx);
    for action in &sent {
        assert!(
            [
                "Challenge",
                "Login",
                "ListCommands",
                "BridgeList",
                "BridgeInfo"
            ]
            .contains(&action.as_str())
                || action.starts_with("Queue")
                || action == "Logoff",
            "sent {action}: {sent:?}"
        );
    }
    // What needs no class is still read.
    for queue in &pbx.snapshot().queues {
        assert!(state.queues.get(&queue.name).is_some(), "{}", queue.name);
    }
}

/// The lists of hints, device and presence states, voicemail boxes and
/// DAHDI channels, and the per-box count that follows the box list.
const PBX_OBJECT_LISTS: [&str; 6] = [
    "ExtensionStateList",
    "DeviceStateList",
    "PresenceStateList",
    "VoicemailUsersList",
    "MailboxCount",
    "DAHDIShowChannels",
];

#[tokio::test]
async fn hints_presence_voicemail_and_dahdi_are_listed_where_offered() {
    let pbx = start(PbxConfig::default()).await;
    let (state, notes) = resync_against(&pbx, "amitop", "secret").await;
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(pbx.unknown_actions_received(), Vec::<String>::new());
    let sent = sent_actions(&pbx);
    for action in PBX_OBJECT_LISTS {
        assert!(
            sent.iter().any(|a| a == action),
            "{action} not sent: {sent:?}"
        );
    }
    let sim = pbx.snapshot();
    // One MailboxCount per listed box, naming it.
    let counted: Vec<String> = pbx
        .received_actions()
        .iter()
        .filter(|a| a.is("Action", "MailboxCount"))
        .filter_map(|a| a.get("Mailbox").map(|m| m.into_owned()))
        .collect();
    let boxes: Vec<String> = sim.features.mailboxes.iter().map(|m| m.id()).collect();
    assert_eq!(counted, boxes);
    for mailbox in &sim.features.mailboxes {
        let got = &state.voicemail.boxes[&mailbox.id()];
        assert_eq!(
            got.new_messages,
            Some(mailbox.new_messages),
            "{}",
            mailbox.id()
        );
        assert_eq!(
            got.old_messages,
            Some(mailbox.old_messages),
            "{}",
            mailbox.id()
        );
        // Only MailboxCount reports urgent messages.
        assert_eq!(got.urgent_messages, Some(0), "{}", mailbox.id());
        assert!(got.settings.is_some(), "{}", mailbox.id());
    }
    assert_eq!(state.registry.extensions.len(), amitop::sim::PHONES.len());
    assert_eq!(state.registry.presence.len(), amitop::sim::PRESENCE.len());
    assert!(!state.registry.devices.is_empty());
    let ports: Vec<(u32, bool)> = state
        .dahdi
        .channels
        .values()
        .map(|p| (p.number, p.in_alarm()))
        .collect();
    let expected: Vec<(u32, bool)> = sim
        .features
        .dahdi
        .iter()
        .map(|p| (p.number, p.alarm != "No Alarm"))
        .collect();
    assert_eq!(ports, expected);
}

#[tokio::test]
async fn a_server_without_these_lists_is_not_asked_for_them() {
    // Asterisk 1.4 lists none of them in its ListCommands; Asterisk 1.6-11
    // (AMI 1.1) has the voicemail and DAHDI lists but not the state lists.
    let old = start(PbxConfig::default().asterisk_1_4()).await;
    let (_, notes) = resync_against(&old, "amitop", "secret").await;
    assert!(notes.is_empty(), "{notes:?}");
    let sent = sent_actions(&old);
    for action in PBX_OBJECT_LISTS {
        assert!(!sent.iter().any(|a| a == action), "{action} sent: {sent:?}");
    }
    assert_eq!(old.unknown_actions_received(), Vec::<String>::new());

    let middle = start(PbxConfig::default().ami_1_1()).await;
    let (state, notes) = resync_against(&middle, "amitop", "secret").await;
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(middle.unknown_actions_received(), Vec::<String>::new());
    let sent = sent_actions(&middle);
    for action in ["ExtensionStateList", "DeviceStateList", "PresenceStateList"] {
        assert!(!sent.iter().any(|a| a == action), "{action} sent: {sent:?}");
    }
    for action in ["VoicemailUsersList", "MailboxCount", "DAHDIShowChannels"] {
        assert!(
            sent.iter().any(|a| a == action),
            "{action} not sent: {sent:?}"
        );
    }
    assert_eq!(
        state.voicemail.boxes.len(),
        middle.snapshot().features.mailboxes.len()
    );
    assert!(state.registry.extensions.is_empty());
}
