//! The simulator's traffic on its own, without sockets: hours of seeded
//! calls stepped in milliseconds, checked for the invariants a real PBX
//! keeps, and for determinism.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use amitop::ami::Message;
use amitop::sim::{DEMO_RATE, DEMO_WARM_UP, Dialect, SimConfig, SimSnapshot, Simulation};

const START: Duration = Duration::from_secs(1_795_730_000);

fn simulation(dialect: Dialect, seed: u64, rate: f64) -> Simulation {
    Simulation::new(&SimConfig {
        dialect,
        seed,
        calls_per_minute: Some(rate),
        start_epoch: START,
    })
}

/// Steps `total` in slices of `slice`, returning every event.
fn run(sim: &mut Simulation, total: Duration, slice: Duration) -> Vec<Message> {
    let mut events = Vec::new();
    let mut elapsed = Duration::ZERO;
    while elapsed < total {
        events.extend(sim.step(slice));
        elapsed += slice;
    }
    events
}

fn name(m: &Message) -> String {
    m.event().map(|e| e.into_owned()).unwrap_or_default()
}

fn get(m: &Message, key: &str) -> String {
    m.get(key).map(|v| v.into_owned()).unwrap_or_default()
}

fn counts(events: &[Message]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for e in events {
        *counts.entry(name(e)).or_default() += 1;
    }
    counts
}

/// Channels from the stream: each created once, hung up at most once, and
/// the ones still up are exactly the simulator's; none lives for ever.
fn assert_channels_consistent(events: &[Message], snapshot: &SimSnapshot) {
    let mut live: HashSet<String> = HashSet::new();
    let mut created = 0;
    for e in events {
        match name(e).as_str() {
            "Newchannel" => {
                created += 1;
                assert!(live.insert(get(e, "Uniqueid")), "created twice: {e:?}");
            }
            "Hangup" => assert!(
                live.remove(&get(e, "Uniqueid")),
                "hangup of an unknown channel: {e:?}"
            ),
            _ => {}
        }
    }
    let sim_live: HashSet<String> = snapshot
        .channels
        .iter()
        .map(|c| c.uniqueid.clone())
        .collect();
    assert_eq!(
        live, sim_live,
        "the stream and the simulator disagree on live channels"
    );
    assert!(created > 100, "only {created} channels in a long run");
    // Every Newchannel gets its Hangup: nothing outlives the longest call.
    for chan in &snapshot.channels {
        let age = snapshot.uptime.saturating_sub(chan.created);
        assert!(
            age < Duration::from_secs(20 * 60),
            "{} lives for {age:?}",
            chan.name
        );
    }
}

/// Bridges hold live channels that point back at them, and empty out.
fn assert_bridges_consistent(snapshot: &SimSnapshot) {
    for bridge in &snapshot.bridges {
        assert!(
            !bridge.members.is_empty(),
            "an empty bridge is kept: {}",
            bridge.id
        );
        for member in &bridge.members {
            let chan = snapshot.channels.iter().find(|c| &c.uniqueid == member);
            let chan = chan.unwrap_or_else(|| panic!("bridge member {member} is not a channel"));
            assert_eq!(chan.bridge.as_deref(), Some(bridge.id.as_str()));
        }
    }
    for chan in snapshot.channels.iter().filter(|c| c.bridge.is_some()) {
        assert!(
            snapshot
                .bridges
                .iter()
                .any(|b| Some(&b.id) == chan.bridge.as_ref())
        );
    }
}

/// Waiting callers are live channels, counted as the events count them.
fn assert_queues_consistent(events: &[Message], snapshot: &SimSnapshot, join: &str, leave: &str) {
    let mut waiting: HashMap<String, i64> = HashMap::new();
    for e in events {
        let n = name(e);
        if n == join || n == leave {
            let queue = waiting.entry(get(e, "Queue")).or_default();
            *queue += if n == join { 1 } else { -1 };
            assert_eq!(get(e, "Count").parse::<i64>().unwrap(), *queue, "{e:?}");
        }
    }
    for queue in &snapshot.queues {
        let counted = waiting.get(&queue.name).copied().unwrap_or(0);
        assert_eq!(counted, queue.callers.len() as i64, "queue {}", queue.name);
        for caller in &queue.callers {
            assert!(
                snapshot
                    .channels
                    .iter()
                    .any(|c| c.uniqueid == caller.uniqueid)
            );
        }
        for member in &queue.members {
            let on_phone = snapshot
                .channels
                .iter()
                .any(|c| c.name.starts_with(&format!("{}-", member.interface)));
            if member.status != 1 {
                assert!(on_phone, "{} is busy without a channel", member.interface);
            }
        }
        assert!(
            queue.completed + queue.abandoned > 0,
            "queue {} saw no calls end",
            queue.name
        );
    }
}

/// The lot as the stream tells it: a space holds one call at a time and
/// is freed by that call; what is left is what the simulator holds; and a
/// call that timed out next dials the phone that parked it, unless it
/// hangs up first. Returns how many calls left the lot each way, and how
/// many came back to their parker.
fn assert_parking_consistent(events: &[Message], snapshot: &SimSnapshot) -> HashMap<String, usize> {
    let device = |chan: &str| chan.rsplit_once('-').map_or(chan, |(d, _)| d).to_owned();
    // space -> (uniqueid, the parker's device)
    let mut lot: HashMap<String, (String, String)> = HashMap::new();
    // uniqueid of a call that timed out -> its parker's device
    let mut coming_back: HashMap<String, String> = HashMap::new();
    let mut outcomes: HashMap<String, usize> = HashMap::new();
    for e in events {
        let event = name(e);
        let space = get_any(e, &["ParkingSpace", "Exten"]);
        let uid = get_any(e, &["ParkeeUniqueid", "Uniqueid", "UniqueID"]);
        match event.as_str() {
            "ParkedCall" => {
                let parker = device(&get_any(e, &["ParkerDialString", "From"]));
                let taken = lot.insert(space, (uid, parker));
                assert!(taken.is_none(), "a space taken twice: {e:?}");
            }
            "UnParkedCall" | "ParkedCallTimeOut" | "ParkedCallGiveUp" => {
                let (held, parker) = lot.remove(&space).expect("an empty space freed");
                assert_eq!(held, uid, "another call left the space: {e:?}");
                if event == "ParkedCallTimeOut" {
                    coming_back.insert(uid, parker);
                }
                *outcomes.entry(event).or_default() += 1;
            }
            "DialBegin" | "Dial" if get(e, "SubEvent") != "End" => {
                if let Some(parker) = coming_back.remove(&uid) {
                    let dest = get_any(e, &["DestChannel", "Destination"]);
                    assert_eq!(device(&dest), parker, "came back elsewhere: {e:?}");
                    *outcomes.entry("came back".into()).or_default() += 1;
                }
            }
            "Hangup" => {
                coming_back.remove(&uid);
            }
            _ => {}
        }
    }
    let stream: HashSet<(String, String)> = lot.into_iter().map(|(s, (u, _))| (s, u)).collect();
    let sim: HashSet<(String, String)> = snapshot
        .features
        .parked
        .iter()
        .map(|p| (p.space.to_string(), p.uniqueid.clone()))
        .collect();
    assert_eq!(
        stream, sim,
        "the stream and the simulator disagree on the lot"
    );
    outcomes
}

fn get_any(m: &Message, keys: &[&str]) -> String {
    m.get_any(keys).map(|v| v.into_owned()).unwrap_or_default()
}

/// Parked calls are picked up, give up, and time out and ring their parker.
fn assert_every_parking_outcome(outcomes: &HashMap<String, usize>) {
    for outcome in [
        "UnParkedCall",
        "ParkedCallGiveUp",
        "ParkedCallTimeOut",
        "came back",
    ] {
        assert!(
            outcomes.contains_key(outcome),
            "no {outcome} in {outcomes:?}"
        );
    }
}

/// An hour of traffic at 20 calls a minute in one-second slices, with the
/// invariants every run keeps checked on its events and final snapshot;
/// `join` and `leave` are the dialect's names for a caller's queue events.
fn checked_hour(
    dialect: Dialect,
    seed: u64,
    join: &str,
    leave: &str,
) -> (Vec<Message>, SimSnapshot) {
    let mut sim = simulation(dialect, seed, 20.0);
    let events = run(
        &mut sim,
        Duration::from_secs(60 * 60),
        Duration::from_secs(1),
    );
    let snapshot = sim.snapshot();
    assert_channels_consistent(&events, &snapshot);
    assert_bridges_consistent(&snapshot);
    assert_queues_consistent(&events, &snapshot, join, leave);
    assert_every_parking_outcome(&assert_parking_consistent(&events, &snapshot));
    (events, snapshot)
}

#[test]
fn a_long_modern_run_keeps_every_invariant_and_shows_the_whole_repertoire() {
    let (events, snapshot) =
        checked_hour(Dialect::Modern, 7, "QueueCallerJoin", "QueueCallerLeave");
    let counts = counts(&events);
    assert_eq!(
        counts["BridgeCreate"] - counts["BridgeDestroy"],
        snapshot.bridges.len()
    );
    for expected in [
        "DialBegin",
        "DialEnd",
        "BridgeEnter",
        "BridgeLeave",
        "Hold",
        "Unhold",
        "MusicOnHoldStart",
        "BlindTransfer",
        "AttendedTransfer",
        "QueueCallerJoin",
        "QueueCallerLeave",
        "QueueCallerAbandon",
        "AgentCalled",
        "AgentConnect",
        "AgentComplete",
        "AgentRingNoAnswer",
        "QueueMemberStatus",
        "QueueMemberPause",
        "PeerStatus",
        "Registry",
        "ConfbridgeJoin",
        "ConfbridgeLeave",
        "MessageWaiting",
    ] {
        assert!(counts.contains_key(expected), "no {expected} in {counts:?}");
    }
    let registry: Vec<String> = events
        .iter()
        .filter(|e| name(e) == "Registry")
        .map(|e| get(e, "Status"))
        .collect();
    assert!(
        registry.contains(&"Rejected".to_owned()) && registry.contains(&"Registered".to_owned()),
        "the trunk never flapped"
    );
}

#[test]
fn a_long_legacy_run_keeps_the_invariants_in_the_1_1_vocabulary() {
    let (events, _) = checked_hour(Dialect::Ami11, 11, "Join", "Leave");
    let counts = counts(&events);
    for modern in [
        "DialBegin",
        "BridgeEnter",
        "BridgeCreate",
        "Unhold",
        "QueueCallerJoin",
        "BlindTransfer",
        "MusicOnHoldStart",
    ] {
        assert!(!counts.contains_key(modern), "1.1 sent {modern}");
    }
    for legacy in [
        "Dial",
        "Bridge",
        "Hold",
        "Transfer",
        "Rename",
        "Join",
        "Leave",
        "AgentRingNoAnswer",
        "QueueMemberPaused",
        "MeetmeJoin",
        "MeetmeLeave",
        "MessageWaiting",
    ] {
        assert!(counts.contains_key(legacy), "no {legacy} in {counts:?}");
    }
    let mut linked: HashSet<(String, String)> = HashSet::new();
    for e in events.iter().filter(|e| name(e) == "Bridge") {
        let pair = (get(e, "Uniqueid1"), get(e, "Uniqueid2"));
        match get(e, "Bridgestate").as_str() {
            "Link" => assert!(linked.insert(pair), "linked twice: {e:?}"),
            "Unlink" => assert!(linked.remove(&pair), "unlinked without a link: {e:?}"),
            other => panic!("Bridgestate {other}"),
        }
    }
    let holds: Vec<String> = events
        .iter()
        .filter(|e| name(e) == "Hold")
        .map(|e| get(e, "Status"))
        .collect();
    assert!(holds.contains(&"On".to_owned()) && holds.contains(&"Off".to_owned()));
}

#[test]
fn the_same_seed_gives_the_same_events_however_time_is_sliced() {
    let total = Duration::from_secs(20 * 60);
    let coarse = run(
        &mut simulation(Dialect::Modern, 42, 30.0),
        total,
        Duration::from_secs(1),
    );
    let fine = run(
        &mut simulation(Dialect::Modern, 42, 30.0),
        total,
        Duration::from_millis(250),
    );
    let raw = |events: &[Message]| events.iter().map(|e| e.raw().to_vec()).collect::<Vec<_>>();
    assert!(coarse.len() > 500);
    assert_eq!(raw(&coarse), raw(&fine));
    let other = run(
        &mut simulation(Dialect::Modern, 43, 30.0),
        total,
        Duration::from_secs(1),
    );
    assert_ne!(raw(&coarse), raw(&other));
}

#[test]
fn the_rate_scales_the_volume_up_to_a_flood() {
    let minutes = Duration::from_secs(4 * 60);
    let calm = run(
        &mut simulation(Dialect::Modern, 5, 6.0),
        minutes,
        Duration::from_secs(1),
    );
    let mut flood_sim = simulation(Dialect::Modern, 5, 600.0);
    let flood = run(&mut flood_sim, minutes, Duration::from_secs(1));
    let created = |events: &[Message]| events.iter().filter(|e| name(e) == "Newchannel").count();
    assert!(
        created(&flood) > 20 * created(&calm).max(1),
        "{} vs {}",
        created(&flood),
        created(&calm)
    );
    let snapshot = flood_sim.snapshot();
    assert_channels_consistent(&flood, &snapshot);
    assert_bridges_consistent(&snapshot);
    assert_queues_consistent(&flood, &snapshot, "QueueCallerJoin", "QueueCallerLeave");
}

#[test]
fn without_traffic_nothing_happens_by_itself() {
    let mut sim = Simulation::new(&SimConfig {
        dialect: Dialect::Modern,
        seed: 1,
        calls_per_minute: None,
        start_epoch: START,
    });
    assert!(sim.step(Duration::from_secs(3600)).is_empty());
    assert_eq!(sim.snapshot().uptime, Duration::from_secs(3600));
}

/// What `amitop --demo` shows once it opens: most of the time a call waits
/// in the lot and people sit in the conference room, and over ten minutes
/// parked calls leave the lot every way.
#[test]
fn the_demo_parks_calls_and_fills_the_room() {
    let mut sim = simulation(Dialect::Modern, 1, DEMO_RATE);
    let mut events = sim.step(DEMO_WARM_UP);
    let (mut parked, mut conferenced, samples) = (0, 0, 120);
    for _ in 0..samples {
        events.extend(sim.step(Duration::from_secs(5)));
        let features = sim.snapshot().features;
        parked += usize::from(!features.parked.is_empty());
        conferenced += usize::from(features.room.is_some_and(|r| !r.members.is_empty()));
    }
    assert!(
        parked * 2 > samples && conferenced * 2 > samples,
        "parked at {parked} and conferenced at {conferenced} of {samples} moments"
    );
    assert_every_parking_outcome(&assert_parking_consistent(&events, &sim.snapshot()));
}
