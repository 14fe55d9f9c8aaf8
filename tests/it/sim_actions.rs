//! Each action the simulator accepts, over real TCP with the AMI codec as
//! the client: replies compared field by field with the real captures, and
//! the change each one makes to the simulator's own state.

use crate::support::sim::*;
use crate::support::{capture_messages, decode_messages, read_capture};
use amitop::ami::Action;
use amitop::sim::{PbxConfig, TestPbx};

/// The simulator with the captures' users and its clock stopped, so nothing
/// happens but what the test does, and a client logged in that may write.
async fn paused_pbx_and_client() -> (TestPbx, Client) {
    let pbx = TestPbx::start(PbxConfig {
        start_paused: true,
        ..capture_users()
    })
    .await
    .unwrap();
    let client = Client::logged_in(&pbx, "amitop", "amitop-secret").await;
    (pbx, client)
}

#[tokio::test]
async fn module_actions_replay_the_capture_message_for_message() {
    let pbx = TestPbx::start(capture_users()).await.unwrap();
    assert_replay_matches_capture(&pbx, "b2_modules").await;
    // app_echo was unloaded and loaded again; app_festival never was.
    assert!(
        pbx.snapshot()
            .loaded_modules
            .contains(&"app_echo.so".to_owned())
    );
    assert!(
        !pbx.snapshot()
            .loaded_modules
            .contains(&"app_festival.so".to_owned())
    );
}

/// Our queue member stands in for the capture's: same texts and layouts.
#[tokio::test]
async fn queue_changes_answer_and_announce_like_the_capture() {
    let pbx = TestPbx::start(capture_users()).await.unwrap();
    let mut client = Client::logged_in(&pbx, "amitop", "amitop-secret").await;
    let carol = "SIP/3003";
    let penalty = |interface: &str, penalty: Option<&str>, queue: Option<&str>| {
        let mut action = Action::new("QueuePenalty").header("Interface", interface);
        if let Some(p) = penalty {
            action = action.header("Penalty", p);
        }
        if let Some(q) = queue {
            action = action.header("Queue", q);
        }
        action
    };
    let steps = [
        (
            "b3-008",
            penalty(carol, Some("3"), Some("support")),
            Some("QueueMemberPenalty"),
        ),
        ("b3-009", penalty("SIP/9999", Some("1"), None), None),
        ("b3-010", penalty(carol, Some("-5"), None), None),
        ("b3-011", penalty(carol, None, None), None),
        (
            "b3-013",
            Action::new("QueuePause")
                .header("Interface", carol)
                .header("Paused", "true")
                .header("Queue", "support")
                .header("Reason", "lunch"),
            Some("QueueMemberPause"),
        ),
        (
            "b3-015",
            Action::new("QueueAdd")
                .header("Queue", "sales")
                .header("Interface", "SIP/3005")
                .header("Penalty", "4")
                .header("MemberName", "Eve")
                .header("StateInterface", "SIP/3005"),
            Some("QueueMemberAdded"),
        ),
    ];
    for (id, action, event) in steps {
        client.send(id, &action).await;
        let (_, ours) = client.until_response(id).await;
        assert_captured_reply(&ours, "b3_queues.ami", id);
        if let Some(event) = event {
            let announced = client.events_until_ping(&format!("{id}-ping")).await;
            let ours = announced
                .iter()
                .find(|m| name(m) == event)
                .unwrap_or_else(|| panic!("no {event}"));
            assert_eq!(
                keys(ours),
                keys(&captured_event_after("b3_queues.ami", id, event)),
                "{event}"
            );
        }
    }
    let snapshot = pbx.snapshot();
    let support = snapshot
        .queues
        .iter()
        .find(|q| q.name == "support")
        .unwrap();
    let carol_now = support
        .members
        .iter()
        .find(|m| m.interface == carol)
        .unwrap();
    assert_eq!(
        (
            carol_now.penalty,
            carol_now.paused,
            carol_now.paused_reason.as_str()
        ),
        (3, true, "lunch")
    );
    let sales = snapshot.queues.iter().find(|q| q.name == "sales").unwrap();
    assert!(
        sales
            .members
            .iter()
            .any(|m| m.name == "Eve" && m.dynamic && m.penalty == 4)
    );

    let status = client
        .list(
            "b3-017",
            &Action::new("QueueStatus").header("Queue", "sales"),
        )
        .await;
    let real = capture_messages("b3_queues.ami");
    let real_items: Vec<_> = real
        .iter()
        .filter(|m| m.action_id().as_deref() == Some("b3-017") && m.event().is_some())
        .collect();
    let our_keys: Vec<_> = status.items("b3-017").iter().map(|m| keys(m)).collect();
    assert_eq!(
        our_keys,
        real_items[..real_items.len() - 1]
            .iter()
            .map(|m| keys(m))
            .collect::<Vec<_>>()
    );
    assert_eq!(keys(&status.complete), keys(real_items.last().unwrap()));

    let removal = Action::new("QueueRemove")
        .header("Queue", "sales")
        .header("Interface", "SIP/3005");
    for id in ["b3-018", "b3-019"] {
        let ours = client.ask(id, &removal).await;
        assert_captured_reply(&ours, "b3_queues.ami", id);
    }
    let unknown = client.ask("b3-021", &Action::new("Queues")).await;
    assert_captured_reply(&unknown, "b3_queues.ami", "b3-021");
    let unpause = Action::new("QueuePause")
        .header("Interface", carol)
        .header("Paused", "false");
    assert_eq!(
        client.ask("u", &unpause).await.get("Message").as_deref(),
        Some("Interface unpaused successfully")
    );
    assert!(
        pbx.snapshot()
            .queues
            .iter()
            .all(|q| q.members.iter().all(|m| !m.paused))
    );
}

#[tokio::test]
async fn queue_lists_have_the_captures_layouts_and_rules_their_bytes() {
    let pbx = TestPbx::start(capture_users()).await.unwrap();
    let mut client = Client::logged_in(&pbx, "amitop", "amitop-secret").await;
    let summary = client.list("b3-002", &Action::new("QueueSummary")).await;
    let real_summary = captured_event_after("b3_queues.ami", "b3-002", "QueueSummary");
    assert_eq!(summary.items("b3-002").len(), 2);
    assert!(
        summary
            .items("b3-002")
            .iter()
            .all(|m| keys(m) == keys(&real_summary))
    );
    assert_captured_reply(&summary.response, "b3_queues.ami", "b3-002");

    // The rules are the capture's, so the whole reply is the same message.
    let raw = String::from_utf8(read_capture("b3_queues.ami")).unwrap();
    for (id, action) in [
        ("b3-006", Action::new("QueueRule")),
        (
            "b3-007",
            Action::new("QueueRule").header("Rule", "escalate"),
        ),
    ] {
        let ours = client.ask(id, &action).await;
        let start = raw
            .find(&format!("Response: Success\r\nActionID: {id}\r\n"))
            .unwrap();
        let end = start + raw[start..].find("\r\n\r\n\r\n").unwrap() + 6;
        assert_eq!(
            ours.raw(),
            decode_messages(&raw.as_bytes()[start..end])[0].raw(),
            "{id}"
        );
    }
    let none = client
        .list(
            "b4-009",
            &Action::new("QueueStatus").header("Queue", "nosuchqueue"),
        )
        .await;
    assert!(none.body.is_empty());
    assert_eq!(
        comparable(&none.complete),
        comparable(&captured_event_after(
            "b4_errors.ami",
            "b4-009",
            "QueueStatusComplete"
        ))
    );
}

#[tokio::test]
async fn an_originated_caller_waits_in_the_queue_and_abandons_on_hangup() {
    let (pbx, mut client) = paused_pbx_and_client().await;
    let originate = Action::new("Originate")
        .header("Channel", "SIP/trunk")
        .header("Exten", "600")
        .header("Context", "from-trunk")
        .header("CallerID", "\"Jones Ltd\" <+3215550100>")
        .header("Async", "true");
    client.ask("o", &originate).await;
    let status = client
        .list("qs", &Action::new("QueueStatus").header("Queue", "support"))
        .await;
    let entries: Vec<_> = status
        .items("qs")
        .into_iter()
        .filter(|m| name(m) == "QueueEntry")
        .collect();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        entries[0].get("CallerIDNum").as_deref(),
        Some("+3215550100")
    );
    assert_eq!(
        keys(entries[0]),
        keys(&captured_event_after(
            "c3_queue.ami",
            "c3-004",
            "QueueEntry"
        ))
    );
    let caller = entries[0].get("Channel").unwrap().into_owned();

    let hangup = client
        .ask(
            "h",
            &Action::new("Hangup").header("Channel", caller.as_str()),
        )
        .await;
    assert_eq!(hangup.get("Message").as_deref(), Some("Channel Hungup"));
    let events = client.events_until_ping("p").await;
    let names: Vec<_> = events.iter().map(name).collect();
    let abandon = names
        .iter()
        .position(|n| n == "QueueCallerAbandon")
        .expect("abandon");
    assert_eq!(names[abandon + 1], "QueueCallerLeave");
    let snapshot = pbx.snapshot();
    let support = snapshot
        .queues
        .iter()
        .find(|q| q.name == "support")
        .unwrap();
    assert!(support.callers.is_empty() && support.abandoned == 1);
    assert!(snapshot.channels.is_empty());
}

/// The channel of a device in the simulator's state.
fn channel_of(pbx: &TestPbx, device: &str) -> Option<String> {
    pbx.snapshot()
        .channels
        .into_iter()
        .find(|c| c.name.starts_with(&format!("{device}-")))
        .map(|c| c.name)
}

/// Which devices share a bridge: sorted pairs of device names.
fn bridged_devices(pbx: &TestPbx) -> Vec<Vec<String>> {
    let snapshot = pbx.snapshot();
    let mut pairs: Vec<Vec<String>> = snapshot
        .bridges
        .iter()
        .map(|b| {
            let mut devices: Vec<String> = b
                .members
                .iter()
                .filter_map(|uid| snapshot.channels.iter().find(|c| &c.uniqueid == uid))
                .map(|c| c.name.rsplit_once('-').unwrap().0.to_owned())
                .collect();
            devices.sort();
            devices
        })
        .collect();
    pairs.sort();
    pairs
}

/// Where a call from 2001 to 2002 was moved to 2003: one bridge, with 2001
/// and 2003 in it, and no channel left on 2002.
fn assert_2001_talks_to_2003_and_2002_is_gone(pbx: &TestPbx) {
    assert_eq!(bridged_devices(pbx), [["SIP/2001", "SIP/2003"]]);
    assert!(channel_of(pbx, "SIP/2002").is_none());
}

#[tokio::test]
async fn redirect_sends_a_channel_to_another_phone_and_its_peer_hangs_up() {
    let (pbx, mut client) = paused_pbx_and_client().await;
    pbx.start_call("2001", "2002", "Anna Reception");
    let anna = channel_of(&pbx, "SIP/2001").unwrap();
    let redirect = Action::new("Redirect")
        .header("Channel", anna.as_str())
        .header("Exten", "2003")
        .header("Context", "from-sip")
        .header("Priority", "1");
    assert_eq!(
        client.ask("r", &redirect).await.get("Message").as_deref(),
        Some("Redirect successful")
    );
    assert_2001_talks_to_2003_and_2002_is_gone(&pbx);
    let missing = client
        .ask("b4-004", &Action::new("Redirect").header("Exten", "900"))
        .await;
    assert_captured_reply(&missing, "b4_errors.ami", "b4-004");
}

#[tokio::test]
async fn atxfer_hands_the_transferee_to_the_target() {
    let (pbx, mut client) = paused_pbx_and_client().await;
    pbx.start_call("2001", "2002", "Anna Reception");
    client.events_until_ping("p0").await;
    let ben = channel_of(&pbx, "SIP/2002").unwrap();
    let atxfer = Action::new("Atxfer")
        .header("Channel", ben.as_str())
        .header("Exten", "2003")
        .header("Context", "from-sip");
    assert_eq!(
        client.ask("t", &atxfer).await.get("Message").as_deref(),
        Some("Atxfer successfully queued")
    );
    assert_2001_talks_to_2003_and_2002_is_gone(&pbx);
    let events = client.events_until_ping("p1").await;
    let names: Vec<_> = events.iter().map(name).collect();
    for expected in [
        "Hold",
        "MusicOnHoldStart",
        "AttendedTransfer",
        "MusicOnHoldStop",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "no {expected} in {names:?}"
        );
    }
    let missing = Action::new("Atxfer")
        .header("Channel", "Local/nosuch@test-00000000;1")
        .header("Exten", "101");
    let missing = client.ask("b4-010", &missing).await;
    assert_captured_reply(&missing, "b4_errors.ami", "b4-010");
}

#[tokio::test]
async fn channel_and_bridge_lists_have_the_captures_layouts() {
    let (pbx, mut client) = paused_pbx_and_client().await;
    pbx.start_call("2001", "2002", "Anna Reception");
    let status = client.list("s3-003", &Action::new("Status")).await;
    let real_item = captured_event_after("asterisk20-sip/s3_sip_call_hold.ami", "s3-003", "Status");
    let real_complete = captured_event_after(
        "asterisk20-sip/s3_sip_call_hold.ami",
        "s3-003",
        "StatusComplete",
    );
    let items = status.items("s3-003");
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|m| keys(m) == keys(&real_item)));
    assert_eq!(keys(&status.complete), keys(&real_complete));
    assert_eq!(items[0].get("BridgeID"), items[1].get("BridgeID"));

    let bridges = client.list("c1-005", &Action::new("BridgeList")).await;
    let item = bridges.items("c1-005")[0];
    assert_eq!(
        keys(item),
        keys(&captured_event_after(
            "c1_call_bridge.ami",
            "c1-005",
            "BridgeListItem"
        ))
    );
    let id = item.get("BridgeUniqueid").unwrap().into_owned();
    let info = client
        .list(
            "c1-006",
            &Action::new("BridgeInfo").header("BridgeUniqueid", id.as_str()),
        )
        .await;
    assert_eq!(info.items("c1-006").len(), 2);
    assert_eq!(
        keys(&info.complete),
        keys(&captured_event_after(
            "c1_call_bridge.ami",
            "c1-006",
            "BridgeInfoComplete"
        ))
    );
    assert_captured_reply(&info.response, "c1_call_bridge.ami", "c1-006");
}

#[tokio::test]
async fn registrations_and_peers_list_like_chan_sip_and_chan_iax2() {
    let pbx = TestPbx::start(capture_users()).await.unwrap();
    let mut client = Client::logged_in(&pbx, "amitop", "amitop-secret").await;
    let sip = "asterisk20-sip/s1_sip_status.ami";
    let peers = client.list("s1-002", &Action::new("SIPpeers")).await;
    assert_eq!(peers.items("s1-002").len(), 10);
    assert!(
        peers
            .items("s1-002")
            .iter()
            .all(|m| keys(m) == keys(&captured_event_after(sip, "s1-002", "PeerEntry")))
    );
    let registry = client.list("s1-007", &Action::new("SIPshowregistry")).await;
    let item = registry.items("s1-007")[0];
    assert_eq!(
        keys(item),
        keys(&captured_event_after(sip, "s1-007", "RegistryEntry"))
    );
    assert_eq!(item.get("State").as_deref(), Some("Registered"));
    assert_captured_reply(&registry.response, sip, "s1-007");
    let iax = client.list("c9-004", &Action::new("IAXregistry")).await;
    assert_eq!(
        keys(iax.items("c9-004")[0]),
        keys(&captured_event_after(
            "c9_iax2_peerstatus.ami",
            "c9-004",
            "RegistryEntry"
        ))
    );
    let unknown = client
        .ask("pj", &Action::new("PJSIPShowRegistrationsOutbound"))
        .await;
    assert!(
        unknown
            .get("Message")
            .unwrap()
            .starts_with("Invalid/unknown command")
    );
}

#[tokio::test]
async fn every_client_gets_the_whole_stream_and_paused_time_stands_still() {
    let pbx = TestPbx::start(PbxConfig {
        start_paused: true,
        calls_per_minute: Some(30.0),
        seed: 9,
        ..capture_users()
    })
    .await
    .unwrap();
    let mut one = Client::logged_in(&pbx, "amitop", "amitop-secret").await;
    let mut two = Client::logged_in(&pbx, "viewer", "viewer-secret").await;
    let before = pbx.snapshot();
    tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    assert_eq!(
        pbx.snapshot().uptime,
        before.uptime,
        "time moved while paused"
    );
    pbx.step(std::time::Duration::from_secs(600));
    let raw = |events: Vec<amitop::ami::Message>| {
        events.iter().map(|e| e.raw().to_vec()).collect::<Vec<_>>()
    };
    let first = raw(one.events_until_ping("p").await);
    let second = raw(two.events_until_ping("p").await);
    assert!(
        first.len() > 100,
        "only {} events in ten minutes",
        first.len()
    );
    assert_eq!(first, second);
}
