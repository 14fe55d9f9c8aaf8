//! Sync points between the simulator and amitop's model, in both
//! vocabularies: the simulator runs seeded traffic, amitop follows it over
//! TCP through the real session, resync and reducer, and at each sync point
//! (traffic paused, a `Ping` answered, so every earlier event has arrived on
//! the one socket) amitop's model must equal the simulator's own state,
//! and the figures of every queue and member must equal the simulator's
//! own `QueueStatus` and `QueueSummary` answers (computed by the simulator
//! from its own calls).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use amitop::ami::{
    Action, ConnectionState, SessionConfig, SessionEvent, SessionEvents, SessionHandle, spawn,
};
use amitop::model::State;
use amitop::model::registry::ExtensionState;
use amitop::resync::{self, ResyncUpdate};
use amitop::sim::{PbxConfig, SimSnapshot, TestPbx};
use tokio::sync::mpsc;
use tokio::time::timeout;

const PATIENCE: Duration = Duration::from_secs(10);
const NOW: f64 = 1_795_730_000.0;

type MemberFacts = (u32, bool, String, u32, u64);

/// What both sides must agree on, in comparable form.
#[derive(Debug, PartialEq, Eq)]
struct Picture {
    /// uniqueid -> (name, state, caller number, connected number). AMI 1.1
    /// has no `NewConnectedLine`: a channel that is already up when its
    /// connected line changes (a queue caller when an agent answers) does
    /// not report it, so there the connected number is left out.
    channels: BTreeMap<String, (String, String, String, String)>,
    /// Each bridge as the set of its members' uniqueids.
    bridges: BTreeSet<BTreeSet<String>>,
    /// queue -> member interface -> (status, paused, reason, penalty,
    /// calls taken)
    members: BTreeMap<String, BTreeMap<String, MemberFacts>>,
    /// queue -> uniqueids of the callers waiting
    callers: BTreeMap<String, BTreeSet<String>>,
}

fn simulator_picture(sim: &SimSnapshot) -> Picture {
    Picture {
        channels: sim
            .channels
            .iter()
            .map(|c| {
                let facts = (
                    c.name.clone(),
                    c.state.desc().to_owned(),
                    c.caller.num.clone(),
                    c.connected.num.clone(),
                );
                (c.uniqueid.clone(), facts)
            })
            .collect(),
        bridges: sim
            .bridges
            .iter()
            .filter(|b| !b.members.is_empty())
            .map(|b| b.members.iter().cloned().collect())
            .collect(),
        members: sim
            .queues
            .iter()
            .map(|q| {
                let members = q
                    .members
                    .iter()
                    .map(|m| {
                        let facts = (
                            u32::from(m.status),
                            m.paused,
                            m.paused_reason.clone(),
                            m.penalty,
                            u64::from(m.calls_taken),
                        );
                        (m.interface.clone(), facts)
                    })
                    .collect();
                (q.name.clone(), members)
            })
            .collect(),
        callers: sim
            .queues
            .iter()
            .map(|q| {
                let ids = q.callers.iter().map(|c| c.uniqueid.clone()).collect();
                (q.name.clone(), ids)
            })
            .collect(),
    }
}

fn model_picture(state: &State) -> Picture {
    Picture {
        channels: state
            .channels
            .iter()
            .map(|c| {
                let facts = (
                    c.name.clone(),
                    c.state.clone(),
                    c.caller_id_num.clone(),
                    c.connected_num.clone(),
                );
                (c.uniqueid.clone(), facts)
            })
            .collect(),
        bridges: state
            .bridges
            .iter()
            .filter(|b| !b.members.is_empty())
            .map(|b| b.members.iter().cloned().collect())
            .collect(),
        members: state
            .queues
            .by_name
            .values()
            .map(|q| {
                let members = q
                    .members
                    .iter()
                    .map(|m| {
                        let facts = (
                            m.status.code(),
                            m.paused,
                            m.paused_reason.clone(),
                            m.penalty.unwrap_or(0),
                            m.calls_taken.unwrap_or(0),
                        );
                        (m.interface.clone(), facts)
                    })
                    .collect();
                (q.name.clone(), members)
            })
            .collect(),
        callers: state
            .queues
            .by_name
            .values()
            .map(|q| {
                let ids = q.callers.iter().map(|c| c.uniqueid.clone()).collect();
                (q.name.clone(), ids)
            })
            .collect(),
    }
}

/// A session to `pbx`, logged in, and an empty model.
async fn connect(pbx: &TestPbx) -> (SessionHandle, SessionEvents, State) {
    let mut session = SessionConfig::new("127.0.0.1", pbx.addr().port(), "amitop", "secret");
    session.reconnect = false;
    session.ping_interval = Duration::ZERO;
    let (handle, mut events) = spawn(session);
    let mut state = State::new();
    logged_in(&mut events, &mut state).await;
    (handle, events, state)
}

async fn logged_in(events: &mut SessionEvents, state: &mut State) {
    loop {
        match timeout(PATIENCE, events.recv()).await.expect("login") {
            Some(SessionEvent::State(ConnectionState::LoggedIn { banner })) => {
                state.apply_banner(&banner);
                return;
            }
            Some(SessionEvent::State(ConnectionState::Connecting { .. })) => {}
            other => panic!("expected a login, got {other:?}"),
        }
    }
}

/// Applies every event that has arrived so far.
fn drain(events: &mut SessionEvents, state: &mut State) {
    while let Some(item) = events.try_recv() {
        match item {
            SessionEvent::Event(event) => state.apply(&event, NOW),
            SessionEvent::State(other) => panic!("connection changed: {other:?}"),
            SessionEvent::Malformed(bad) => panic!("malformed frame: {bad:?}"),
            SessionEvent::Overflow { dropped } => panic!("{dropped} events dropped"),
        }
    }
}

/// A resync to its end, with live events applied as they come.
async fn resync_into(handle: &SessionHandle, events: &mut SessionEvents, state: &mut State) {
    let (tx, mut rx) = mpsc::channel(16);
    tokio::spawn(resync::run(handle.clone(), tx));
    state.begin_resync();
    loop {
        let update = timeout(PATIENCE, rx.recv())
            .await
            .expect("resync stalled")
            .expect("resync ended early");
        drain(events, state);
        resync::apply_update(state, &update, NOW);
        if matches!(update, ResyncUpdate::Finished) {
            return;
        }
    }
}

/// The sync point: the Pong comes after every event sent before it.
async fn sync(handle: &SessionHandle, events: &mut SessionEvents, state: &mut State) {
    handle.send(Action::new("Ping")).await.expect("pong");
    drain(events, state);
}

/// Asks the simulator for its queue lists (not applied to the model) and
/// returns every figure the model has differently, and how many items
/// were compared.
async fn figures_against_lists(handle: &SessionHandle, state: &State) -> (Vec<String>, usize) {
    let mut wrong = Vec::new();
    let mut compared = 0;
    for action in ["QueueStatus", "QueueSummary"] {
        let reply = handle.send(Action::new(action)).await.expect(action);
        for item in &reply.events {
            compared += 1;
            for (key, server, model) in common::queue_figures::differences(state, item, None) {
                let what = item.event().unwrap_or_default();
                let queue = item.get_or_empty("Queue");
                wrong.push(format!(
                    "{what} {queue}: {key} is {server}, the model says {model}"
                ));
            }
        }
    }
    (wrong, compared)
}

impl Picture {
    /// What AMI 1.1 can tell: no connected line for a channel already up
    /// (see `channels`), and a bridge only while it links two channels
    /// (`Bridge` Link/Unlink; a blind transferee left alone in its bridge
    /// while the target rings is in no link).
    fn what_ami_1_1_tells(mut self) -> Picture {
        for facts in self.channels.values_mut() {
            facts.3.clear();
        }
        self.bridges.retain(|members| members.len() >= 2);
        self
    }
}

async fn follow_traffic(config: PbxConfig) {
    let legacy = config.ami_version.starts_with("1.");
    let comparable = |picture: Picture| {
        if legacy {
            picture.what_ami_1_1_tells()
        } else {
            picture
        }
    };
    let pbx = TestPbx::start(PbxConfig {
        seed: 7,
        calls_per_minute: Some(40.0),
        start_paused: true,
        ..config
    })
    .await
    .unwrap();
    // Calls already up when amitop connects: only the resync can show them.
    pbx.step(Duration::from_secs(120));
    assert!(pbx.channel_count() > 0, "the traffic made no calls");

    let (handle, mut events, mut state) = connect(&pbx).await;
    resync_into(&handle, &mut events, &mut state).await;
    sync(&handle, &mut events, &mut state).await;
    assert_eq!(
        comparable(model_picture(&state)),
        comparable(simulator_picture(&pbx.snapshot())),
        "after the resync"
    );

    let mut busiest = 0;
    for point in 1..=12 {
        pbx.step(Duration::from_secs(15));
        sync(&handle, &mut events, &mut state).await;
        let expected = comparable(simulator_picture(&pbx.snapshot()));
        busiest = busiest.max(expected.channels.len());
        assert_eq!(
            comparable(model_picture(&state)),
            expected,
            "at sync point {point}"
        );
        let (wrong, compared) = figures_against_lists(&handle, &state).await;
        assert!(compared >= 4, "at sync point {point}: {compared} items");
        assert!(
            wrong.is_empty(),
            "at sync point {point}:\n{}",
            wrong.join("\n")
        );
    }
    assert!(busiest >= 2, "too quiet to prove anything");
    let sim = pbx.snapshot();
    let answered: u32 = sim.queues.iter().map(|q| q.completed).sum();
    assert!(
        answered >= 2,
        "no queue call completed: the figures were never moved"
    );
    handle.shutdown();
}

#[tokio::test]
async fn the_model_follows_modern_traffic() {
    follow_traffic(PbxConfig::default()).await;
}

#[tokio::test]
async fn the_model_follows_ami_1_1_traffic() {
    follow_traffic(PbxConfig::default().ami_1_1()).await;
}

/// A queue reset sends no event: the dashboard's periodic refresh reads the
/// lists again and re-bases whatever the model had.
#[tokio::test]
async fn the_queue_refresh_rebases_the_figures() {
    let pbx = TestPbx::start(PbxConfig {
        seed: 3,
        calls_per_minute: Some(40.0),
        start_paused: true,
        ..PbxConfig::default()
    })
    .await
    .unwrap();
    pbx.step(Duration::from_secs(300));
    let (handle, mut events, mut state) = connect(&pbx).await;
    // What the model had from before, e.g. counts from before a reset.
    let stale = amitop::ami::Message::from_pairs([
        ("Event", "QueueParams"),
        ("Queue", "support"),
        ("Completed", "999"),
        ("Holdtime", "77"),
    ]);
    state.apply(&stale, NOW);

    let (tx, mut rx) = mpsc::channel(8);
    let refresher = tokio::spawn(amitop::app::queue_refresh::refresh_queues(
        handle.clone(),
        Duration::from_millis(20),
        tx,
    ));
    for _ in 0..2 {
        let update = timeout(PATIENCE, rx.recv())
            .await
            .expect("a refresh")
            .unwrap();
        resync::apply_update(&mut state, &update, NOW);
    }
    refresher.abort();
    drain(&mut events, &mut state);
    let support = state.queues.get("support").unwrap();
    assert_ne!(support.figures.completed, 999);
    let (wrong, compared) = figures_against_lists(&handle, &state).await;
    assert!(
        compared >= 4 && wrong.is_empty(),
        "{compared} items: {wrong:?}"
    );
    handle.shutdown();
}

/// Parked calls, the conference room, the mailboxes and the office hints, as both sides see
/// them. Until the resync lists them, the model knows these objects from
/// events only, so this picture is compared from the PBX's first second.
#[derive(Debug, PartialEq, Eq)]
struct FeaturePicture {
    /// (space, uniqueid of the parked channel)
    parked: BTreeSet<(String, String)>,
    /// uniqueids in the conference room
    room: BTreeSet<String>,
    /// new-message counts of the boxes a MessageWaiting named
    mailboxes: BTreeMap<String, u32>,
    /// office extensions whose hint is in use
    busy_hints: BTreeSet<String>,
}

fn simulator_features(sim: &SimSnapshot, known_boxes: &BTreeSet<String>) -> FeaturePicture {
    let f = &sim.features;
    FeaturePicture {
        parked: f
            .parked
            .iter()
            .map(|p| (p.space.to_string(), p.uniqueid.clone()))
            .collect(),
        room: f
            .room
            .iter()
            .flat_map(|r| r.members.iter().map(|m| m.uniqueid.clone()))
            .collect(),
        mailboxes: f
            .mailboxes
            .iter()
            .filter(|m| known_boxes.contains(&m.id()))
            .map(|m| (m.id(), m.new_messages))
            .collect(),
        busy_hints: f.busy_hints.iter().cloned().collect(),
    }
}

fn model_features(state: &State) -> FeaturePicture {
    FeaturePicture {
        parked: state
            .parking
            .calls
            .values()
            .map(|c| (c.space.clone(), c.parkee.clone()))
            .collect(),
        room: state
            .conferences
            .rooms
            .values()
            .flat_map(|r| r.members.keys().cloned())
            .collect(),
        mailboxes: state
            .voicemail
            .boxes
            .values()
            .map(|m| (m.mailbox.clone(), m.new_messages.unwrap_or(0)))
            .collect(),
        busy_hints: state
            .registry
            .extensions
            .values()
            .filter(|h| h.state == ExtensionState::InUse)
            .map(|h| h.exten.clone())
            .collect(),
    }
}

async fn follow_features(config: PbxConfig) {
    let pbx = TestPbx::start(PbxConfig {
        seed: 11,
        calls_per_minute: Some(40.0),
        start_paused: true,
        ..config
    })
    .await
    .unwrap();
    let (handle, mut events, mut state) = connect(&pbx).await;
    sync(&handle, &mut events, &mut state).await;
    let (mut parked, mut conferenced, mut messages, mut hinted) = (0, 0, 0, 0);
    for point in 1..=40 {
        pbx.step(Duration::from_secs(15));
        sync(&handle, &mut events, &mut state).await;
        let model = model_features(&state);
        let known = model.mailboxes.keys().cloned().collect();
        let expected = simulator_features(&pbx.snapshot(), &known);
        assert_eq!(model, expected, "at sync point {point}");
        parked += (!model.parked.is_empty()) as u32;
        conferenced += (model.room.len() >= 2) as u32;
        messages += model.mailboxes.len() as u32;
        hinted += model.busy_hints.len() as u32;
    }
    assert!(
        parked > 0 && conferenced > 0 && messages > 0 && hinted > 0,
        "too quiet: parked {parked}, conferenced {conferenced}, mailboxes {messages}, \
         hints {hinted}"
    );
    handle.shutdown();
}

#[tokio::test]
async fn the_model_follows_parking_conferences_and_voicemail() {
    follow_features(PbxConfig::default()).await;
}

#[tokio::test]
async fn the_model_follows_ami_1_1_parking_meetme_and_voicemail() {
    follow_features(PbxConfig::default().ami_1_1()).await;
}
