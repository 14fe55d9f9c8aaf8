//! The registry model: registrations, peers, PJSIP contacts, extension hints
//! and device states, from hand-written sequences in every vocabulary and
//! from the real captures (chan_sip on Asterisk 20, IAX2 on Asterisk 22)
//! replayed through the codec into `Registry::apply`.

use crate::support::{ami_files, capture_messages, msg};
use amitop::ami::Message;
use amitop::model::ListKind;
use amitop::model::Registry;
use amitop::model::registry::{
    DeviceState, ExtensionState, Peer, PeerState, Registration, RegistrationState,
};
use serde_json::json;

fn apply(registry: &mut Registry, m: &Message, now: f64) -> bool {
    let event = m.event().unwrap_or_default().to_ascii_lowercase();
    registry.apply(m, &event, now)
}

fn peer<'a>(registry: &'a Registry, id: &str) -> &'a Peer {
    registry
        .peers
        .values()
        .find(|p| p.id == id && p.contact.is_empty())
        .unwrap_or_else(|| panic!("no peer {id}"))
}

fn registration<'a>(registry: &'a Registry, username: &str) -> &'a Registration {
    registry
        .registrations
        .values()
        .find(|r| r.username == username)
        .unwrap_or_else(|| panic!("no registration {username}"))
}

fn device_state<'a>(registry: &'a Registry, name: &str) -> (DeviceState, &'a str) {
    let device = &registry.devices[name];
    (device.state, device.state_text.as_str())
}

fn extension_state(registry: &Registry, context: &str, exten: &str) -> Option<ExtensionState> {
    registry
        .extensions
        .get(&(context.to_owned(), exten.to_owned()))
        .map(|h| h.state)
}

// ---------------------------------------------------------------------------
// Hand-written sequences.

#[test]
fn chan_sip_peer_goes_through_its_states() {
    let mut r = Registry::default();
    let status = |state: &str, extra: &[(&str, &str)]| {
        let mut pairs = vec![
            ("Event", "PeerStatus"),
            ("Privilege", "system,all"),
            ("ChannelType", "SIP"),
            ("Peer", "SIP/2001"),
            ("PeerStatus", state),
        ];
        pairs.extend_from_slice(extra);
        msg(&pairs)
    };
    assert!(apply(
        &mut r,
        &status("Registered", &[("Address", "10.0.0.5:5061")]),
        1.0
    ));
    let p = peer(&r, "SIP/2001");
    assert_eq!((p.technology.as_str(), p.name.as_str()), ("SIP", "2001"));
    assert_eq!(p.state, PeerState::Registered);
    assert_eq!(p.address, "10.0.0.5:5061");

    apply(&mut r, &status("Reachable", &[("Time", "12")]), 2.0);
    assert_eq!(peer(&r, "SIP/2001").state, PeerState::Reachable);
    assert_eq!(peer(&r, "SIP/2001").latency_ms, Some(12.0));

    apply(&mut r, &status("Lagged", &[("Time", "2500")]), 3.0);
    assert_eq!(peer(&r, "SIP/2001").state, PeerState::Lagged);
    assert_eq!(peer(&r, "SIP/2001").latency_ms, Some(2500.0));

    // Someone guesses the secret from elsewhere: the peer still works.
    let rejected = status(
        "Rejected",
        &[
            ("Cause", "AUTH_SECRET_FAILED"),
            ("Address", "10.9.9.9"),
            ("Port", "5083"),
        ],
    );
    apply(&mut r, &rejected, 4.0);
    let p = peer(&r, "SIP/2001");
    assert_eq!(
        (p.state, p.address.as_str()),
        (PeerState::Lagged, "10.0.0.5:5061")
    );
    assert_eq!(p.cause, "");

    apply(&mut r, &status("Unreachable", &[("Time", "-1")]), 5.0);
    let p = peer(&r, "SIP/2001");
    assert_eq!((p.state, p.latency_ms), (PeerState::Unreachable, None));
    assert_eq!(p.state_text, "Unreachable");

    apply(
        &mut r,
        &status("Unregistered", &[("Cause", "Expired")]),
        6.0,
    );
    let p = peer(&r, "SIP/2001");
    assert_eq!(
        (p.state, p.cause.as_str(), p.address.as_str()),
        (PeerState::Unregistered, "Expired", "")
    );

    // Now a refused registration does show.
    apply(&mut r, &rejected, 7.0);
    assert_eq!(peer(&r, "SIP/2001").state, PeerState::Rejected);
    assert_eq!(peer(&r, "SIP/2001").cause, "AUTH_SECRET_FAILED");
    assert_eq!(r.peers.len(), 1);
}

#[test]
fn ami_1_0_spellings_are_understood() {
    // Before AMI 1.1: ChannelDriver instead of ChannelType, and a bare
    // peer name is possible.
    let mut r = Registry::default();
    let peer_status = msg(&[
        ("Event", "PeerStatus"),
        ("ChannelDriver", "IAX2"),
        ("Peer", "trunk1"),
        ("PeerStatus", "Registered"),
        ("Address", "192.0.2.7"),
        ("Port", "4569"),
    ]);
    apply(&mut r, &peer_status, 1.0);
    let p = peer(&r, "IAX2/trunk1");
    assert_eq!(p.address, "192.0.2.7:4569");

    let registry = msg(&[
        ("Event", "Registry"),
        ("ChannelDriver", "SIP"),
        ("Username", "me"),
        ("Domain", "sip.example.net"),
        ("Status", "Request Sent"),
    ]);
    apply(&mut r, &registry, 2.0);
    let reg = registration(&r, "me");
    assert_eq!(reg.technology, "SIP");
    assert_eq!(
        (reg.state, reg.state_text.as_str()),
        (RegistrationState::Pending, "Request Sent")
    );
    assert_eq!(reg.registered_at, None);

    // AMI 1.1 ExtensionStatus carries StatusDesc; a negative code removes.
    let hint = |status: &str| {
        msg(&[
            ("Event", "ExtensionStatus"),
            ("Exten", "201"),
            ("Context", "phones"),
            ("Hint", "SIP/201"),
            ("Status", status),
            ("StatusDesc", "InUse&Ringing"),
        ])
    };
    apply(&mut r, &hint("9"), 3.0);
    let h = &r.extensions[&("phones".to_owned(), "201".to_owned())];
    assert_eq!(
        (h.state, h.state_text.as_str(), h.hint.as_str()),
        (ExtensionState::RingInUse, "InUse&Ringing", "SIP/201")
    );
    apply(&mut r, &hint("-1"), 4.0);
    assert!(r.extensions.is_empty());
}

#[test]
fn registry_events_and_list_items_meet_on_one_row() {
    let mut r = Registry::default();
    let entry = msg(&[
        ("Event", "RegistryEntry"),
        ("ActionID", "x"),
        ("Host", "sip.example.net"),
        ("Port", "5060"),
        ("Username", "amitop"),
        ("Domain", "sip.example.net"),
        ("DomainPort", "5060"),
        ("Refresh", "120"),
        ("State", "Request Sent"),
        ("RegistrationTime", "0"),
    ]);
    apply(&mut r, &entry, 10.0);
    let event = msg(&[
        ("Event", "Registry"),
        ("Privilege", "system,all"),
        ("ChannelType", "SIP"),
        ("Username", "amitop"),
        ("Domain", "sip.example.net"),
        ("Status", "Registered"),
    ]);
    apply(&mut r, &event, 25.0);
    assert_eq!(r.registrations.len(), 1);
    let reg = registration(&r, "amitop");
    assert_eq!(reg.state, RegistrationState::Registered);
    assert_eq!(reg.port, Some(5060));
    assert_eq!(reg.refresh, Some(120));
    assert_eq!(reg.registered_at, Some(25.0));

    let failed = msg(&[
        ("Event", "Registry"),
        ("ChannelType", "SIP"),
        ("Username", "amitop"),
        ("Domain", "sip.example.net"),
        ("Status", "Rejected"),
        ("Cause", "403 Forbidden"),
    ]);
    apply(&mut r, &failed, 30.0);
    let reg = registration(&r, "amitop");
    assert_eq!(
        (reg.state, reg.cause.as_str()),
        (RegistrationState::Failed, "403 Forbidden")
    );
}

/// PJSIP, which the captures do not have (their Asterisk was built without
/// it). Headers as documented by Asterisk:
/// - <https://docs.asterisk.org/Asterisk_20_Documentation/API_Documentation/AMI_Events/OutboundRegistrationDetail>
///   (ObjectName, ClientUri, ServerUri, Expiration, Status, NextReg, ...);
/// - <https://docs.asterisk.org/Asterisk_20_Documentation/API_Documentation/AMI_Events/Registry>
///   (ChannelType, Username, Domain, Status, Cause); res_pjsip_outbound_registration
///   publishes it with the client URI as Username and the server URI as Domain.
#[test]
fn pjsip_outbound_registration_detail_and_registry_event() {
    let mut r = Registry::default();
    let detail = msg(&[
        ("Event", "OutboundRegistrationDetail"),
        ("ActionID", "r1"),
        ("ObjectType", "registration"),
        ("ObjectName", "itsp"),
        ("MaxRetries", "10"),
        ("ClientUri", "sip:1234@itsp.example.com"),
        ("ServerUri", "sip:itsp.example.com"),
        ("RetryInterval", "60"),
        ("Expiration", "3600"),
        ("Transport", "transport-udp"),
        ("OutboundAuth", "itsp-auth"),
        ("Status", "Unregistered"),
        ("NextReg", "0"),
    ]);
    apply(&mut r, &detail, 1.0);
    let reg = registration(&r, "sip:1234@itsp.example.com");
    assert_eq!(
        (reg.technology.as_str(), reg.name.as_str()),
        ("PJSIP", "itsp")
    );
    assert_eq!(
        (reg.state, reg.refresh),
        (RegistrationState::Unregistered, Some(3600))
    );

    let event = msg(&[
        ("Event", "Registry"),
        ("Privilege", "system,all"),
        ("ChannelType", "PJSIP"),
        ("Username", "sip:1234@itsp.example.com"),
        ("Domain", "sip:itsp.example.com"),
        ("Status", "Registered"),
    ]);
    apply(&mut r, &event, 2.0);
    assert_eq!(r.registrations.len(), 1);
    let reg = registration(&r, "sip:1234@itsp.example.com");
    assert_eq!(
        (reg.name.as_str(), reg.state),
        ("itsp", RegistrationState::Registered)
    );
    assert_eq!(reg.host, "sip:itsp.example.com");
}

/// PJSIP contacts, per
/// <https://docs.asterisk.org/Asterisk_20_Documentation/API_Documentation/AMI_Events/ContactStatus>
/// (URI, ContactStatus: Unknown, Unreachable, Reachable, Unqualified,
/// Removed, Updated; AOR; EndpointName; RoundtripUsec) and the
/// `ContactList` items of PJSIPShowContacts
/// (<https://docs.asterisk.org/Asterisk_20_Documentation/API_Documentation/AMI_Events/ContactList>).
#[test]
fn pjsip_contacts_are_peers_one_row_per_contact() {
    let mut r = Registry::default();
    let contact = |uri: &str, status: &str, rtt: &str| {
        msg(&[
            ("Event", "ContactStatus"),
            ("Privilege", "system,all"),
            ("URI", uri),
            ("ContactStatus", status),
            ("AOR", "1000"),
            ("EndpointName", "1000"),
            ("RoundtripUsec", rtt),
        ])
    };
    apply(
        &mut r,
        &contact("sip:1000@192.0.2.10:5060", "Reachable", "1543"),
        1.0,
    );
    apply(
        &mut r,
        &contact("sip:1000@192.0.2.11:5062", "Unreachable", "0"),
        1.0,
    );
    assert_eq!(r.peers.len(), 2);
    let desk = r
        .peers
        .values()
        .find(|p| p.contact == "sip:1000@192.0.2.10:5060")
        .unwrap();
    assert_eq!(
        (desk.id.as_str(), desk.state),
        ("PJSIP/1000", PeerState::Reachable)
    );
    assert_eq!(desk.latency_ms, Some(1.543));

    // Updated says nothing about reachability: the state stays.
    apply(
        &mut r,
        &contact("sip:1000@192.0.2.10:5060", "Updated", "0"),
        2.0,
    );
    let desk = r
        .peers
        .values()
        .find(|p| p.contact.ends_with(":5060"))
        .unwrap();
    assert_eq!(desk.state, PeerState::Reachable);

    apply(
        &mut r,
        &contact("sip:1000@192.0.2.11:5062", "Removed", "0"),
        3.0,
    );
    assert_eq!(r.peers.len(), 1);

    let listed = msg(&[
        ("Event", "ContactList"),
        ("ActionID", "c1"),
        ("ObjectType", "contact"),
        ("ObjectName", "1000;@4f1c0a"),
        ("Uri", "sip:1000@192.0.2.10:5060"),
        ("Endpoint", "1000"),
        ("Status", "NonQualified"),
        ("RoundtripUsec", "N/A"),
    ]);
    apply(&mut r, &listed, 4.0);
    assert_eq!(r.peers.len(), 1, "the list item is the same contact");
    let desk = r.peers.values().next().unwrap();
    assert_eq!(
        (desk.state, desk.latency_ms),
        (PeerState::Unmonitored, None)
    );
}

#[test]
fn unrelated_events_are_not_claimed() {
    let mut r = Registry::default();
    assert!(!apply(
        &mut r,
        &msg(&[("Event", "Newchannel"), ("Channel", "SIP/1-1")]),
        1.0
    ));
    assert!(!apply(&mut r, &msg(&[("Response", "Success")]), 1.0));
    // Recognised but unusable (no Peer header): nothing is invented.
    assert!(apply(
        &mut r,
        &msg(&[("Event", "PeerStatus"), ("PeerStatus", "Reachable")]),
        1.0
    ));
    assert!(r.peers.is_empty());
}

#[test]
fn resync_sweeps_each_kind_on_its_own() {
    let mut r = Registry::default();
    let entry = |user: &str| {
        msg(&[
            ("Event", "RegistryEntry"),
            ("Host", "pbx.example"),
            ("Username", user),
            ("State", "Registered"),
        ])
    };
    let peer_entry = |name: &str| {
        msg(&[
            ("Event", "PeerEntry"),
            ("Channeltype", "SIP"),
            ("ObjectName", name),
            ("IPaddress", "-none-"),
            ("IPport", "0"),
            ("Status", "UNKNOWN"),
        ])
    };
    for m in [
        entry("old"),
        entry("kept"),
        peer_entry("gone"),
        peer_entry("stays"),
    ] {
        apply(&mut r, &m, 1.0);
    }
    r.begin_resync(1);
    let live = msg(&[
        ("Event", "Registry"),
        ("ChannelType", "SIP"),
        ("Username", "live"),
        ("Domain", "pbx.example"),
        ("Status", "Registered"),
    ]);
    apply(&mut r, &live, 2.0);
    apply(&mut r, &entry("kept"), 2.0);
    r.sweep(ListKind::Registrations, 1);
    let users: Vec<&str> = r
        .registrations
        .values()
        .map(|x| x.username.as_str())
        .collect();
    assert_eq!(users, ["kept", "live"]);
    assert_eq!(r.peers.len(), 2, "the peer list has not completed yet");

    apply(&mut r, &peer_entry("stays"), 3.0);
    r.sweep(ListKind::Peers, 1);
    let ids: Vec<&str> = r.peers.values().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["SIP/stays"]);
    assert_eq!(peer(&r, "SIP/stays").address, "");
}

#[test]
fn json_lists_every_kind() {
    let mut r = Registry::default();
    for m in capture_messages("asterisk20-sip/s1_sip_status.ami") {
        apply(&mut r, &m, 0.0);
    }
    let value = serde_json::to_value(&r).unwrap();
    assert_eq!(
        value["peers"][0],
        json!({
            "id": "SIP/2001",
            "technology": "SIP",
            "name": "2001",
            "contact": "",
            "address": "127.0.0.1:5061",
            "state": "reachable",
            "state_text": "Reachable",
            "latency_ms": 1.0,
            "cause": "",
            "description": "Alice desk phone",
        })
    );
    assert_eq!(
        value["registrations"][1],
        json!({
            "technology": "SIP",
            "name": "ghost",
            "username": "ghost",
            "host": "127.0.0.1",
            "port": 5071,
            "domain": "127.0.0.1",
            "refresh": 120,
            "state": "failed",
            "state_text": "Failed",
            "registered_at": null,
            "cause": "",
        })
    );
    assert_eq!(
        value["devices"][0],
        json!({"name": "SIP/2001", "state": "not in use", "state_text": "NOT_INUSE"})
    );
    assert_eq!(value["extensions"], json!([]));
}

// ---------------------------------------------------------------------------
// Real captures.

/// Applies messages `from..=to` (numbered from 1 after the banner) and
/// checks message `to` is the expected event.
fn replay(r: &mut Registry, all: &[Message], from: usize, to: usize, event: &str) {
    for (i, m) in all.iter().enumerate().take(to).skip(from - 1) {
        apply(r, m, 1000.0 + i as f64);
    }
    assert_eq!(all[to - 1].event().as_deref(), Some(event), "message {to}");
}

#[test]
fn s1_chan_sip_peers_and_registrations() {
    let all = capture_messages("asterisk20-sip/s1_sip_status.ami");
    let mut r = Registry::default();
    replay(&mut r, &all, 1, 5, "PeerEntry");
    assert_eq!(r.peers.len(), 1);
    replay(&mut r, &all, 6, 7, "PeerEntry");
    let alice = peer(&r, "SIP/2001");
    assert_eq!(
        (alice.state, alice.state_text.as_str(), alice.latency_ms),
        (PeerState::Reachable, "OK (1 ms)", Some(1.0))
    );
    assert_eq!(alice.address, "127.0.0.1:5061");
    assert_eq!(peer(&r, "SIP/2002").address, "127.0.0.1:5062");
    let carol = peer(&r, "SIP/2003");
    assert_eq!(
        (carol.state, carol.address.as_str()),
        (PeerState::Unknown, "")
    );
    assert_eq!(carol.description, "Carol (never registers)");
    assert!(r.registrations.is_empty());

    replay(&mut r, &all, 8, 15, "RegistryEntry");
    let ghost = registration(&r, "ghost");
    assert_eq!(
        (ghost.state, ghost.state_text.as_str()),
        (RegistrationState::Failed, "Failed")
    );
    assert_eq!(
        (ghost.port, ghost.refresh, ghost.registered_at),
        (Some(5071), Some(120), None)
    );
    let amitop = registration(&r, "amitop");
    assert_eq!(amitop.state, RegistrationState::Registered);
    assert_eq!((amitop.port, amitop.refresh), (Some(5070), Some(16)));
    assert_eq!(amitop.registered_at, Some(1795732547.0));
    assert_eq!(amitop.technology, "SIP");

    // SIPpeerstatus items are `PeerStatus` too, with the same meaning.
    replay(&mut r, &all, 16, 20, "PeerStatus");
    let alice = peer(&r, "SIP/2001");
    assert_eq!(
        (alice.state, alice.state_text.as_str()),
        (PeerState::Reachable, "Reachable")
    );
    assert_eq!(
        alice.address, "127.0.0.1:5061",
        "a status item keeps the address"
    );
    assert_eq!(peer(&r, "SIP/2003").state, PeerState::Unknown);
    assert_eq!(r.peers.len(), 3);

    replay(&mut r, &all, 21, 33, "DeviceStateChange");
    assert_eq!(
        device_state(&r, "SIP/2001"),
        (DeviceState::NotInUse, "NOT_INUSE")
    );
    for m in &all[33..] {
        apply(&mut r, m, 2000.0);
    }
    assert_eq!(r.registrations.len(), 2);
    assert_eq!(r.peers.len(), 3);
}

/// s4: the SIPpeers list says `OK (1 ms)`; then the re-register loop's
/// `PeerStatus: Registered` (a REGISTER refresh, no qualify change) must
/// not wipe that down to "registered"; 2001 unregisters and registers
/// again, and the last SIPpeers puts every peer right.
#[test]
fn s4_a_register_refresh_keeps_the_qualify_result() {
    let all = capture_messages("asterisk20-sip/s4_sip_peer_detail.ami");
    let mut r = Registry::default();
    let position = |from: usize, pred: &dyn Fn(&Message) -> bool| {
        from + all[from..].iter().position(pred).expect("in the capture")
    };
    let is_status = |peer: &'static str, status: &'static str| {
        move |m: &Message| {
            m.is("Event", "PeerStatus") && m.is("Peer", peer) && m.is("PeerStatus", status)
        }
    };
    let refresh = position(0, &is_status("SIP/2002", "Registered"));
    for (i, m) in all.iter().enumerate().take(refresh + 1) {
        apply(&mut r, m, 1000.0 + i as f64);
    }
    let bob = peer(&r, "SIP/2002");
    assert_eq!(
        (bob.state, bob.state_text.as_str(), bob.latency_ms),
        (PeerState::Reachable, "OK (1 ms)", Some(1.0)),
        "a REGISTER refresh says nothing about qualify"
    );
    assert_eq!(bob.address, "127.0.0.1:5062");
    let carol = peer(&r, "SIP/2003");
    assert_eq!(
        (carol.state, carol.address.as_str()),
        (PeerState::Unknown, "")
    );

    let gone = position(refresh, &is_status("SIP/2001", "Unregistered"));
    for (i, m) in all.iter().enumerate().take(gone + 1).skip(refresh + 1) {
        apply(&mut r, m, 1000.0 + i as f64);
    }
    let alice = peer(&r, "SIP/2001");
    assert_eq!(
        (alice.state, alice.address.as_str()),
        (PeerState::Unregistered, "")
    );
    let back = position(gone, &is_status("SIP/2001", "Registered"));
    for (i, m) in all.iter().enumerate().take(back + 1).skip(gone + 1) {
        apply(&mut r, m, 1000.0 + i as f64);
    }
    assert_eq!(peer(&r, "SIP/2001").state, PeerState::Registered);
    for (i, m) in all.iter().enumerate().skip(back + 1) {
        apply(&mut r, m, 1000.0 + i as f64);
    }
    let alice = peer(&r, "SIP/2001");
    assert_eq!(
        (alice.state, alice.latency_ms),
        (PeerState::Reachable, Some(1.0))
    );
}

/// A listed peer without an address cannot be qualified: the stale
/// `Status` of its last qualify is not believed.
#[test]
fn a_peer_without_an_address_is_neither_reachable_nor_unreachable() {
    let mut r = Registry::default();
    for status in ["OK (1 ms)", "UNREACHABLE", "LAGGED (900 ms)"] {
        let entry = msg(&[
            ("Event", "PeerEntry"),
            ("Channeltype", "SIP"),
            ("ObjectName", "2003"),
            ("IPaddress", "-none-"),
            ("IPport", "0"),
            ("Status", status),
        ]);
        apply(&mut r, &entry, 1.0);
        let carol = peer(&r, "SIP/2003");
        assert_eq!(
            (carol.state, carol.latency_ms, carol.address.as_str()),
            (PeerState::Unknown, None, ""),
            "{status}"
        );
        assert_eq!(carol.state_text, "no address");
    }
}

#[test]
fn s3_registry_refresh_during_a_call() {
    let all = capture_messages("asterisk20-sip/s3_sip_call_hold.ami");
    let mut r = Registry::default();
    replay(&mut r, &all, 1, 72, "RTCPSent");
    assert!(r.registrations.is_empty());
    replay(&mut r, &all, 73, 73, "Registry");
    let reg = registration(&r, "amitop");
    assert_eq!(
        (reg.technology.as_str(), reg.host.as_str()),
        ("SIP", "127.0.0.1")
    );
    assert_eq!(reg.state, RegistrationState::Registered);
    assert_eq!(reg.registered_at, Some(1072.0));
}

#[test]
fn c9_iax2_peer_unregisters_and_comes_back() {
    let all = capture_messages("c9_iax2_peerstatus.ami");
    let mut r = Registry::default();
    replay(&mut r, &all, 1, 5, "PeerStatus");
    let selfreg = peer(&r, "IAX2/selfreg");
    assert_eq!(
        (selfreg.technology.as_str(), selfreg.name.as_str()),
        ("IAX2", "selfreg")
    );
    assert_eq!(
        (selfreg.state, selfreg.cause.as_str()),
        (PeerState::Unregistered, "Expired")
    );
    replay(&mut r, &all, 6, 7, "DeviceStateChange");
    assert_eq!(device_state(&r, "IAX2/selfreg").0, DeviceState::Unavailable);

    replay(&mut r, &all, 8, 8, "PeerStatus");
    let selfreg = peer(&r, "IAX2/selfreg");
    assert_eq!(
        (selfreg.state, selfreg.cause.as_str()),
        (PeerState::Registered, "")
    );
    assert_eq!(selfreg.address, "127.0.0.1");
    replay(&mut r, &all, 9, 10, "DeviceStateChange");
    assert_eq!(device_state(&r, "IAX2/selfreg").0, DeviceState::Unknown);

    // IAXpeers: the entry has the port and the qualify time.
    replay(&mut r, &all, 11, 12, "PeerEntry");
    let selfreg = peer(&r, "IAX2/selfreg");
    assert_eq!(
        (selfreg.state, selfreg.latency_ms, selfreg.address.as_str()),
        (PeerState::Reachable, Some(3.0), "127.0.0.1:4569")
    );
    assert_eq!(r.peers.len(), 1);

    // IAXregistry: `Host: ip:port`, no Domain, no driver named.
    replay(&mut r, &all, 13, 15, "RegistryEntry");
    let reg = registration(&r, "selfreg");
    assert_eq!(
        (reg.technology.as_str(), reg.host.as_str()),
        ("IAX2", "127.0.0.1:4569")
    );
    assert_eq!(
        (reg.state, reg.refresh, reg.port),
        (RegistrationState::Registered, Some(60), None)
    );
}

#[test]
fn c2_hints_and_device_states_follow_the_calls() {
    let all = capture_messages("c2_concurrent.ami");
    let mut r = Registry::default();
    replay(&mut r, &all, 1, 47, "ExtensionStatus");
    assert_eq!(
        extension_state(&r, "test", "100"),
        Some(ExtensionState::InUse)
    );
    let hint = &r.extensions[&("test".to_owned(), "100".to_owned())];
    assert_eq!(
        (hint.hint.as_str(), hint.state_text.as_str()),
        ("Local/100@test", "InUse")
    );
    replay(&mut r, &all, 48, 180, "ExtensionStatus");
    assert_eq!(
        extension_state(&r, "test", "800"),
        Some(ExtensionState::InUse)
    );
    assert_eq!(device_state(&r, "Custom:amitop").0, DeviceState::InUse);
    replay(&mut r, &all, 181, 211, "DeviceStateChange");
    assert_eq!(
        device_state(&r, "IAX2/selfreg"),
        (DeviceState::Ringing, "RINGING")
    );
    replay(&mut r, &all, 212, 218, "DeviceStateChange");
    assert_eq!(device_state(&r, "IAX2/selfreg").0, DeviceState::InUse);
    replay(&mut r, &all, 219, 395, "ExtensionStatus");
    assert_eq!(
        extension_state(&r, "test", "800"),
        Some(ExtensionState::Idle)
    );
    replay(&mut r, &all, 396, 580, "DeviceStateChange");
    assert_eq!(
        extension_state(&r, "test", "100"),
        Some(ExtensionState::Idle)
    );
    assert_eq!(device_state(&r, "IAX2/selfreg").0, DeviceState::Unknown);
    assert!(
        r.devices
            .values()
            .filter(|d| d.name.starts_with("Local/"))
            .all(|d| d.state == DeviceState::NotInUse),
        "every Local device is idle again"
    );
    assert_eq!(
        device_state(&r, "park:701@parkedcalls").0,
        DeviceState::NotInUse
    );
}

#[test]
fn b1_state_lists_fill_hints_and_devices() {
    let all = capture_messages("b1_core_actions.ami");
    let mut r = Registry::default();
    replay(&mut r, &all, 1, 26, "ExtensionStatus");
    assert_eq!(r.extensions.len(), 4);
    assert_eq!(
        extension_state(&r, "test", "101"),
        Some(ExtensionState::Unavailable)
    );
    assert_eq!(
        extension_state(&r, "test", "800"),
        Some(ExtensionState::Idle)
    );
    replay(&mut r, &all, 27, 40, "DeviceStateChange");
    assert_eq!(r.devices.len(), 12);
    assert_eq!(
        device_state(&r, "Queue:support_avail").0,
        DeviceState::InUse
    );
    assert_eq!(
        device_state(&r, "MWI:1234@default").0,
        DeviceState::NotInUse
    );
    assert!(r.peers.is_empty() && r.registrations.is_empty());
}

#[test]
fn every_capture_replays_without_a_panic() {
    for name in ami_files() {
        let mut r = Registry::default();
        for (n, m) in capture_messages(&name).iter().enumerate() {
            apply(&mut r, m, n as f64);
        }
        for peer in r.peers.values() {
            assert!(
                !peer.id.is_empty() && !peer.technology.is_empty(),
                "{name}: {peer:?}"
            );
        }
    }
}
