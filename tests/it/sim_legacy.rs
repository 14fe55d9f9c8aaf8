//! The simulator in AMI 1.1 mode over real TCP: the Asterisk 11 banner and
//! vocabulary, `Status` instead of the lists Asterisk 12 added, and
//! `Command` answered in the `Follows` form.

use crate::support::sim::*;
use amitop::ami::Action;
use amitop::sim::{PbxConfig, TestPbx};

async fn legacy_pbx() -> TestPbx {
    TestPbx::start(PbxConfig {
        start_paused: true,
        ..capture_users().ami_1_1()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn the_lists_of_asterisk_12_are_unknown_and_status_answers_instead() {
    let pbx = legacy_pbx().await;
    let mut client = Client::logged_in(&pbx, "amitop", "amitop-secret").await;
    assert_eq!(client.banner, "Asterisk Call Manager/1.1");
    for action in ["CoreShowChannels", "BridgeList"] {
        let reply = client.ask(action, &Action::new(action)).await;
        assert_eq!(reply.response().as_deref(), Some("Error"));
        assert_eq!(
            reply.get("Message").unwrap(),
            format!(
                "Invalid/unknown command: {action}. Use Action: ListCommands to show available commands."
            )
        );
    }
    pbx.start_call("2001", "2002", "Anna Reception");
    let status = client.list("st", &Action::new("Status")).await;
    // Asterisk 11 announces this list in words only, without EventList.
    assert!(!status.response.has("EventList") && !status.complete.has("EventList"));
    let items = status.items("st");
    assert_eq!(items.len(), 2);
    let (a, b) = (items[0], items[1]);
    assert_eq!(a.get("BridgedUniqueid"), b.get("Uniqueid"));
    assert_eq!(b.get("BridgedChannel"), a.get("Channel"));
    assert!(a.get("BridgeID").is_none() && a.get("Linkedid").is_none());
    assert_eq!(status.complete.get("Items").as_deref(), Some("2"));
    let settings = client.ask("cs", &Action::new("CoreSettings")).await;
    assert_eq!(settings.get("AMIversion").as_deref(), Some("1.1"));
}

#[tokio::test]
async fn calls_queues_and_commands_use_the_1_1_vocabulary() {
    let pbx = legacy_pbx().await;
    let mut client = Client::logged_in(&pbx, "amitop", "amitop-secret").await;
    let linkedid = pbx.start_call("2001", "2002", "Anna Reception");
    pbx.hangup_call(&linkedid);
    let pause = Action::new("QueuePause")
        .header("Interface", "SIP/3001")
        .header("Paused", "1")
        .header("Reason", "lunch");
    client.send("qp", &pause).await;
    let (mut events, reply) = client.until_response("qp").await;
    assert_eq!(
        reply.get("Message").as_deref(),
        Some("Interface paused successfully")
    );
    events.extend(client.events_until_ping("p").await);
    let names: Vec<String> = events.iter().map(name).collect();
    let dials: Vec<String> = events
        .iter()
        .filter(|e| name(e) == "Dial")
        .map(|e| e.get("SubEvent").unwrap().into_owned())
        .collect();
    assert_eq!(dials, ["Begin", "End"]);
    let links: Vec<String> = events
        .iter()
        .filter(|e| name(e) == "Bridge")
        .map(|e| e.get("Bridgestate").unwrap().into_owned())
        .collect();
    assert_eq!(links, ["Link", "Unlink"]);
    let newchannel = events.iter().find(|e| name(e) == "Newchannel").unwrap();
    assert_eq!(newchannel.get("ChannelStateDesc").as_deref(), Some("Ring"));
    assert_eq!(newchannel.get("CallerIDNum").as_deref(), Some("2001"));
    let paused: Vec<_> = events
        .iter()
        .filter(|e| name(e) == "QueueMemberPaused")
        .collect();
    assert_eq!(
        paused.len(),
        2,
        "Alice pauses in each of her queues: {names:?}"
    );
    assert_eq!(paused[0].get("Reason").as_deref(), Some("lunch"));
    for modern in [
        "DialBegin",
        "BridgeEnter",
        "BridgeCreate",
        "QueueMemberPause",
        "DeviceStateChange",
    ] {
        assert!(!names.iter().any(|n| n == modern), "1.1 sent {modern}");
    }

    let command = client
        .ask(
            "cmd",
            &Action::new("Command").header("Command", "core show version"),
        )
        .await;
    assert_eq!(command.response().as_deref(), Some("Follows"));
    let output = command.output_lines();
    assert!(
        output
            .iter()
            .any(|line| line.starts_with("Asterisk 11.25.3 built by")),
        "{output:?}"
    );
}
