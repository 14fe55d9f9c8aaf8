//! The resync's reading of real `ListCommands` answers: what it sends, what
//! it skips as not on the server, and what it reports as not allowed for
//! the user, on the servers the captures come from.

use crate::support::capture_messages;
use amitop::ami::Reply;
use amitop::resync::{Offered, Verdict};

/// The `ListCommands` answer (the response with this ActionID) of a capture.
fn offered(capture: &str, action_id: &str) -> Offered {
    let response = capture_messages(capture)
        .into_iter()
        .find(|m| m.has("Response") && m.is("ActionID", action_id))
        .expect("no ListCommands answer");
    Offered::from_list_commands(&Reply {
        response,
        events: Vec::new(),
    })
}

fn not_allowed(verdict: Verdict) -> String {
    match verdict {
        Verdict::NotAllowed(hint) => hint,
        other => panic!("expected NotAllowed, got {other:?}"),
    }
}

#[test]
fn asterisk_22_without_sip_drivers_is_asked_only_what_it_has() {
    // e7: user amitop (write = all), no chan_sip, no PJSIP, chan_iax2 loaded.
    let list = offered("e7_listcommands.ami", "e7-002");
    for action in [
        "CoreSettings",
        "CoreShowChannels",
        "BridgeList",
        "QueueStatus",
        "IAXpeers",
    ] {
        assert_eq!(list.verdict(action), Verdict::Send, "{action}");
    }
    for action in [
        "SIPpeers",
        "SIPshowregistry",
        "PJSIPShowContacts",
        "PJSIPShowRegistrationsOutbound",
    ] {
        assert_eq!(list.verdict(action), Verdict::NotOffered, "{action}");
    }
}

#[test]
fn asterisk_20_with_chan_sip_is_asked_for_its_sip_lists() {
    let list = offered("asterisk20-sip/s4_sip_peer_detail.ami", "s4-012");
    assert_eq!(list.verdict("SIPpeers"), Verdict::Send);
    assert_eq!(list.verdict("SIPshowregistry"), Verdict::Send);
    assert_eq!(list.verdict("PJSIPShowContacts"), Verdict::NotOffered);
}

#[test]
fn a_user_without_write_classes_is_told_what_to_grant() {
    // a4: user viewer (read = all, write = none) sees only the actions
    // that need no class.
    let list = offered("a4_viewer_readonly.ami", "a4-003");
    assert_eq!(list.verdict("QueueStatus"), Verdict::Send);
    assert_eq!(list.verdict("BridgeList"), Verdict::Send);
    for action in [
        "CoreSettings",
        "CoreStatus",
        "CoreShowChannels",
        "SIPpeers",
        "IAXregistry",
    ] {
        let hint = not_allowed(list.verdict(action));
        assert!(
            hint.contains("add reporting to the AMI user's write ="),
            "{hint}"
        );
    }
    // PJSIP's contact list needs `system`.
    assert!(not_allowed(list.verdict("PJSIPShowContacts")).contains("add system"));
}

#[test]
fn the_hint_voicemail_and_dahdi_lists_are_sent_only_where_listed() {
    // Neither PBX has chan_dahdi (e7, s4 READMEs); both have the state
    // lists and app_voicemail.
    for (capture, id) in [
        ("e7_listcommands.ami", "e7-002"),
        ("asterisk20-sip/s4_sip_peer_detail.ami", "s4-012"),
    ] {
        let list = offered(capture, id);
        for action in [
            "ExtensionStateList",
            "DeviceStateList",
            "PresenceStateList",
            "VoicemailUsersList",
            "MailboxCount",
        ] {
            assert_eq!(list.verdict(action), Verdict::Send, "{capture}: {action}");
        }
        assert_eq!(
            list.verdict("DAHDIShowChannels"),
            Verdict::NotOffered,
            "{capture}"
        );
    }
    // A watch-only user is told which class would let it read them.
    let viewer = offered("a4_viewer_readonly.ami", "a4-003");
    let hint = not_allowed(viewer.verdict("VoicemailUsersList"));
    assert!(hint.contains("add reporting"), "{hint}");
}
