//! Sync points between the simulator and amitop's model, in both
//! vocabularies: the simulator runs seeded traffic, amitop follows it over
//! TCP through the real session, resync and reducer, and at each sync point
//! (traffic paused, a `Ping` answered, so every earlier event has arrived on
//! the one socket) amitop's model must equal the simulator's own state,
//! and the figures of every queue and member must equal the simulator's
//! own `QueueStatus` and `QueueSummary` answers (computed by the simulator
//! from its own calls).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use amitop::ami::{
    Action, ConnectionState, SessionConfig, SessionEvent, SessionEvents, SessionHandle, spawn,
};
use amitop::model::State;
use amitop::model::registry::{DeviceState, ExtensionState};
use amitop::resync::{self, ResyncUpdate};
use amitop::sim::{PARKING_LOT, PHONES, PRESENCE, PbxConfig, SimSnapshot, TestPbx};
use tokio::sync::mpsc;
use tokio::time::timeout;

use crate::support::session::occupied_bridges;

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
                    c.state.to_string(),
                    c.caller_id_num.to_string(),
                    c.connected_num.to_string(),
                );
                (c.uniqueid.clone(), facts)
            })
            .collect(),
        bridges: occupied_bridges(state),
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
            for (key, server, model) in
                crate::support::queue_figures::differences(state, item, None)
            {
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

/// A PBX with busy traffic (seed `seed`), paused: time moves only when
/// the test steps it, so every sync point is exact.
async fn busy_paused_pbx(config: PbxConfig, seed: u64) -> TestPbx {
    TestPbx::start(PbxConfig {
        seed,
        calls_per_minute: Some(40.0),
        start_paused: true,
        ..config
    })
    .await
    .unwrap()
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
    let pbx = busy_paused_pbx(config, 7).await;
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
    let pbx = busy_paused_pbx(PbxConfig::default(), 3).await;
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

/// A room member as both sides can tell it: (muted, admin, MeetMe user
/// number).
type MemberView = (bool, bool, Option<u32>);

/// Parked calls, conference rooms, mailboxes, hints, device and presence
/// states and the DAHDI span, as both sides see them.
#[derive(Debug, PartialEq, Eq)]
struct FeaturePicture {
    /// (lot, space) -> (uniqueid of the parked channel, who parked it)
    parked: BTreeMap<(String, String), (String, String)>,
    /// room -> (locked, uniqueid -> member)
    rooms: BTreeMap<String, (bool, BTreeMap<String, MemberView>)>,
    /// mailbox -> (new, old)
    mailboxes: BTreeMap<String, (Option<u32>, Option<u32>)>,
    /// extension -> in use (None: neither idle nor in use)
    hints: BTreeMap<String, Option<bool>>,
    /// phone device -> in use (None: neither in use nor free)
    devices: BTreeMap<String, Option<bool>>,
    /// presentity -> (status, subtype, message)
    presence: BTreeMap<String, (String, String, String)>,
    /// DAHDI channel -> (signalling, alarm)
    dahdi: BTreeMap<u32, (String, String)>,
}

impl FeaturePicture {
    /// Before any resync the model knows mailboxes, hints, devices,
    /// presence and the span only from the events that named them: the
    /// expected picture is narrowed to what it knows (parked calls and
    /// rooms are told from the first second, so they stay whole).
    fn narrowed_to(mut self, known: &FeaturePicture) -> FeaturePicture {
        self.mailboxes
            .retain(|k, _| known.mailboxes.contains_key(k));
        self.hints.retain(|k, _| known.hints.contains_key(k));
        self.devices.retain(|k, _| known.devices.contains_key(k));
        self.presence.retain(|k, _| known.presence.contains_key(k));
        self.dahdi.retain(|k, _| known.dahdi.contains_key(k));
        self
    }

    /// `MeetmeJoin` does not say who is admin (only `MeetmeList` does),
    /// so on AMI 1.1 the admin flag is left out.
    fn without_admin(mut self) -> FeaturePicture {
        for (_, members) in self.rooms.values_mut() {
            for member in members.values_mut() {
                member.1 = false;
            }
        }
        self
    }
}

fn simulator_features(sim: &SimSnapshot, legacy: bool) -> FeaturePicture {
    let f = &sim.features;
    let in_use = |device: &str| {
        sim.channels
            .iter()
            .any(|c| c.name.rsplit_once('-').map(|(d, _)| d) == Some(device))
    };
    let phones = PHONES.iter().map(|(exten, _)| *exten);
    FeaturePicture {
        parked: f
            .parked
            .iter()
            .map(|p| {
                let place = (PARKING_LOT.to_owned(), p.space.to_string());
                (place, (p.uniqueid.clone(), p.parker.clone()))
            })
            .collect(),
        rooms: f
            .room
            .iter()
            .map(|r| {
                let members = r.members.iter().map(|m| {
                    let usernum = legacy.then_some(m.usernum);
                    (m.uniqueid.clone(), (m.muted, m.admin, usernum))
                });
                (r.name.clone(), (r.locked, members.collect()))
            })
            .collect(),
        mailboxes: f
            .mailboxes
            .iter()
            .map(|m| (m.id(), (Some(m.new_messages), Some(m.old_messages))))
            .collect(),
        hints: phones
            .clone()
            .map(|exten| {
                (
                    exten.to_owned(),
                    Some(f.busy_hints.iter().any(|b| b == exten)),
                )
            })
            .collect(),
        // Device and presence states are Asterisk 12+ events and lists.
        devices: phones
            .filter(|_| !legacy)
            .map(|exten| {
                let device = format!("SIP/{exten}");
                let busy = in_use(&device);
                (device, Some(busy))
            })
            .collect(),
        presence: PRESENCE
            .iter()
            .filter(|_| !legacy)
            .map(|(exten, status, subtype, message)| {
                let state = ((*status).into(), (*subtype).into(), (*message).into());
                (format!("CustomPresence:{exten}"), state)
            })
            .collect(),
        dahdi: f
            .dahdi
            .iter()
            .map(|p| (p.number, (p.signalling.to_owned(), p.alarm.to_owned())))
            .collect(),
    }
}

fn model_features(state: &State) -> FeaturePicture {
    let registry = &state.registry;
    FeaturePicture {
        parked: state
            .parking
            .calls
            .values()
            .map(|c| {
                let place = (c.lot.clone(), c.space.clone());
                (place, (c.parkee.clone(), c.parker.clone()))
            })
            .collect(),
        rooms: state
            .conferences
            .rooms
            .values()
            .map(|r| {
                let members = r
                    .members
                    .values()
                    .map(|m| (m.uniqueid.clone(), (m.muted, m.admin, m.user_number)));
                (r.name.clone(), (r.locked, members.collect()))
            })
            .collect(),
        mailboxes: state
            .voicemail
            .boxes
            .values()
            .map(|m| (m.mailbox.clone(), (m.new_messages, m.old_messages)))
            .collect(),
        hints: registry
            .extensions
            .values()
            .map(|h| {
                let in_use = match h.state {
                    ExtensionState::InUse => Some(true),
                    ExtensionState::Idle => Some(false),
                    _ => None,
                };
                (h.exten.clone(), in_use)
            })
            .collect(),
        devices: registry
            .devices
            .values()
            .filter(|d| d.name.starts_with("SIP/"))
            .map(|d| {
                let in_use = match d.state {
                    DeviceState::InUse => Some(true),
                    DeviceState::NotInUse => Some(false),
                    _ => None,
                };
                (d.name.clone(), in_use)
            })
            .collect(),
        presence: registry
            .presence
            .values()
            .map(|p| {
                let state = (p.status.clone(), p.subtype.clone(), p.message.clone());
                (p.presentity.clone(), state)
            })
            .collect(),
        dahdi: state
            .dahdi
            .channels
            .values()
            .map(|c| (c.number, (c.signalling.clone(), c.alarm.clone())))
            .collect(),
    }
}

/// How often each kind of object was busy over the sync points.
#[derive(Debug, Default)]
struct Liveliness {
    parked: u32,
    conferenced: u32,
    hints_in_use: u32,
    devices_in_use: u32,
}

impl Liveliness {
    fn count(&mut self, picture: &FeaturePicture) {
        let busy = |states: &BTreeMap<String, Option<bool>>| {
            states.values().filter(|s| **s == Some(true)).count() as u32
        };
        self.parked += u32::from(!picture.parked.is_empty());
        let people = picture.rooms.values().map(|(_, m)| m.len()).sum::<usize>();
        self.conferenced += u32::from(people >= 2);
        self.hints_in_use += busy(&picture.hints);
        self.devices_in_use += busy(&picture.devices);
    }
}

/// From the PBX's first second on events alone, then through a resync,
/// then on live events again: at every sync point the model's picture of
/// these objects is the simulator's (narrowed, before the resync, to what
/// events have named).
async fn follow_features(config: PbxConfig) {
    let legacy = config.ami_version.starts_with("1.");
    let comparable = |picture: FeaturePicture| {
        if legacy {
            picture.without_admin()
        } else {
            picture
        }
    };
    let pbx = busy_paused_pbx(config, 11).await;
    let (handle, mut events, mut state) = connect(&pbx).await;
    sync(&handle, &mut events, &mut state).await;
    let mut seen = Liveliness::default();
    let mut boxes_named = 0;
    for point in 1..=16 {
        pbx.step(Duration::from_secs(15));
        sync(&handle, &mut events, &mut state).await;
        let model = comparable(model_features(&state));
        let expected = comparable(simulator_features(&pbx.snapshot(), legacy));
        assert_eq!(model, expected.narrowed_to(&model), "at sync point {point}");
        seen.count(&model);
        boxes_named = boxes_named.max(model.mailboxes.len());
    }
    assert!(boxes_named > 0, "no MessageWaiting in four minutes");

    resync_into(&handle, &mut events, &mut state).await;
    sync(&handle, &mut events, &mut state).await;
    let expected = comparable(simulator_features(&pbx.snapshot(), legacy));
    assert_eq!(
        comparable(model_features(&state)),
        expected,
        "after the resync"
    );
    assert!(expected.dahdi.len() >= 2 && expected.mailboxes.len() >= 2);
    assert_eq!(expected.presence.is_empty(), legacy);

    for point in 1..=16 {
        pbx.step(Duration::from_secs(15));
        sync(&handle, &mut events, &mut state).await;
        let model = comparable(model_features(&state));
        let expected = comparable(simulator_features(&pbx.snapshot(), legacy));
        assert_eq!(model, expected, "at sync point {point} after the resync");
        seen.count(&model);
    }
    assert!(
        seen.parked > 0
            && seen.conferenced > 0
            && seen.hints_in_use > 0
            && (legacy || seen.devices_in_use > 0),
        "too quiet: {seen:?}"
    );
    handle.shutdown();
}

#[tokio::test]
async fn the_model_follows_parking_conferences_voicemail_hints_and_dahdi() {
    follow_features(PbxConfig::default()).await;
}

#[tokio::test]
async fn the_model_follows_ami_1_1_parking_meetme_voicemail_hints_and_dahdi() {
    follow_features(PbxConfig::default().ami_1_1()).await;
}
