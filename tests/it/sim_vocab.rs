//! The shapes of the simulator's events, checked against real Asterisk:
//! in the modern dialect each event has exactly the headers, in order, of
//! a captured event of its name (Asterisk 22 and 20 captures); in the 1.1
//! dialect each event's headers are those of a captured Asterisk 11 event
//! of its name (the third-party streams keep no header order).

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use crate::support::sim::{keys, layouts, name};
use amitop::ami::Message;
use amitop::sim::{Dialect, SimConfig, Simulation};

/// An hour of busy traffic in one dialect.
fn traffic(dialect: Dialect) -> Vec<Message> {
    let mut sim = Simulation::new(&SimConfig {
        dialect,
        seed: 3,
        calls_per_minute: Some(20.0),
        start_epoch: Duration::from_secs(1_795_730_000),
    });
    (0..3600)
        .flat_map(|_| sim.step(Duration::from_secs(1)))
        .collect()
}

/// Events Asterisk sends that no capture here shows, with where their
/// layout comes from instead.
const UNCAPTURED_MODERN: [&str; 2] = [
    // Asterisk 12+ transfer events: fields per the AMI documentation.
    "BlindTransfer",
    "AttendedTransfer",
];

#[test]
fn modern_events_have_the_header_layouts_of_real_asterisk() {
    let real = layouts(&[
        "c1_call_bridge.ami",
        "c2_concurrent.ami",
        "c3_queue.ami",
        "b3_queues.ami",
        "c9_iax2_peerstatus.ami",
        "asterisk20-sip/s1_sip_status.ami",
        "asterisk20-sip/s3_sip_call_hold.ami",
        "e1_parking.ami",
        "e2_confbridge.ami",
        "e4_voicemail.ami",
    ]);
    let mut checked = BTreeSet::new();
    for event in traffic(Dialect::Modern) {
        let event_name = name(&event);
        if UNCAPTURED_MODERN.contains(&event_name.as_str()) {
            continue;
        }
        let known = real
            .get(&event_name)
            .unwrap_or_else(|| panic!("no {event_name} in the captures"));
        assert!(
            known.contains(&keys(&event)),
            "{event_name} layout {:?} is none of the captures' {known:?}",
            keys(&event)
        );
        checked.insert(event_name);
    }
    assert!(checked.len() >= 25, "only {checked:?}");
    // The traffic parks, conferences and leaves voicemail too.
    for expected in [
        "ParkedCall",
        "ParkedCallGiveUp",
        "ParkedCallTimeOut",
        "UnParkedCall",
        "ConfbridgeStart",
        "ConfbridgeJoin",
        "ConfbridgeLeave",
        "ConfbridgeEnd",
        "MessageWaiting",
    ] {
        assert!(
            checked.contains(expected),
            "no {expected} checked: {checked:?}"
        );
    }
}

/// Key sets of the Asterisk 11 streams' events, by name.
fn legacy_key_sets() -> HashMap<String, Vec<BTreeSet<String>>> {
    let files = [
        "connectab_ctd-account-account.ami",
        "fixed_fixed_outbound_success.ami",
        "queue_queue_simple.ami",
        "simple_ab_a_cancel_hangup.ami",
        "simple_ab_busy.ami",
        "simple_ab_success.ami",
        "var_set_user_events.ami",
        "xfer_attended_xfer_abacbc.ami",
        "xfer_blind_xfer_blind.ami",
        "xfer_misc_call_pickup.ami",
    ]
    .map(|f| format!("third-party/ami1-asterisk11/{f}"));
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    layouts(&files)
        .into_iter()
        .map(|(name, layouts)| {
            (
                name,
                layouts
                    .into_iter()
                    .map(|l| l.into_iter().collect())
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn legacy_events_carry_the_headers_of_asterisk_11() {
    let real = legacy_key_sets();
    let mut checked = BTreeSet::new();
    let mut wrong = BTreeSet::new();
    for event in traffic(Dialect::Ami11) {
        let event_name = name(&event);
        let Some(known) = real.get(&event_name) else {
            // Queue, registry and hold events are not in these streams;
            // their 1.1 names are checked by the traffic tests.
            continue;
        };
        let ours: BTreeSet<String> = keys(&event).into_iter().collect();
        if !known.contains(&ours) {
            wrong.insert(format!(
                "{event_name} headers {ours:?} are none of {known:?}"
            ));
        }
        checked.insert(event_name);
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    for expected in [
        "Newchannel",
        "Newstate",
        "Hangup",
        "Dial",
        "Bridge",
        "Rename",
        "Transfer",
        "Newexten",
        "VarSet",
    ] {
        assert!(
            checked.contains(expected),
            "no {expected} checked: {checked:?}"
        );
    }
}
