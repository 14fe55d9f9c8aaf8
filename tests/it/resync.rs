//! Resync over real TCP: the test PBX, the real session task and the real
//! model. A model that went stale while disconnected is swept clean, and
//! what the server has now is rebuilt from its list actions.

use amitop::ami::{ConnectionState, Message, SessionConfig, SessionEvent};
use amitop::model::State;
use amitop::resync;
use amitop::sim::{PbxConfig, TestPbx};
use tokio::sync::mpsc;
use tokio::time::timeout;

use crate::support::session::{self, NOW, PATIENCE, logged_in_session, resync_into};

#[tokio::test]
async fn a_stale_model_is_swept_and_the_live_call_rebuilt() {
    let pbx = TestPbx::start(PbxConfig::default()).await.unwrap();
    pbx.start_call("100", "200", "Alice Example");
    assert_eq!(pbx.channel_count(), 2);

    let (handle, _events) = logged_in_session(session::config(pbx.addr().port())).await;

    // A channel the model still holds from before a disconnect; the server
    // no longer has it.
    let mut state = State::new();
    state.apply(
        &Message::from_pairs([
            ("Event", "Newchannel"),
            ("Channel", "PJSIP/999-00000001"),
            ("ChannelState", "6"),
            ("ChannelStateDesc", "Up"),
            ("Uniqueid", "1795729000.1"),
            ("Linkedid", "1795729000.1"),
        ]),
        NOW - 60.0,
    );
    assert_eq!(state.channels.len(), 1);

    let notes = resync_into(&mut state, handle.clone()).await;

    // Actions this server does not know (SIPshowregistry, IAXpeers, ...)
    // are skipped without a word.
    assert!(notes.is_empty(), "unexpected notes: {notes:?}");
    assert!(
        state.channels.get("1795729000.1").is_none(),
        "stale channel kept"
    );
    let mut names: Vec<_> = state.channels.iter().map(|c| c.name.clone()).collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names.iter().any(|n| n.starts_with("PJSIP/100")),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n.starts_with("PJSIP/200")),
        "{names:?}"
    );
    assert_eq!(state.server.asterisk_version, "22.10.1");
    handle.shutdown();
}

#[tokio::test]
async fn a_lost_connection_stops_the_resync_without_finishing() {
    let pbx = TestPbx::start(PbxConfig::default()).await.unwrap();
    let (handle, mut events) = logged_in_session(session::config(pbx.addr().port())).await;
    handle.shutdown();
    while !matches!(
        timeout(PATIENCE, events.recv()).await.unwrap(),
        Some(SessionEvent::State(ConnectionState::Stopped)) | None
    ) {}

    let (tx, mut rx) = mpsc::channel(16);
    resync::run(handle, tx).await;
    assert!(
        rx.recv().await.is_none(),
        "a resync without a connection reports nothing"
    );
}

#[tokio::test]
async fn a_read_only_user_gets_notes_and_keeps_what_it_cannot_list() {
    let config = PbxConfig {
        users: vec![amitop::sim::SimUser::new("viewer", "look", false)],
        ..PbxConfig::default()
    };
    let pbx = TestPbx::start(config).await.unwrap();
    let (handle, _events) = logged_in_session(SessionConfig {
        username: "viewer".into(),
        secret: "look".into(),
        ..session::config(pbx.addr().port())
    })
    .await;

    let mut state = State::new();
    state.apply(
        &Message::from_pairs([
            ("Event", "Newchannel"),
            ("Channel", "PJSIP/100-00000001"),
            ("ChannelState", "6"),
            ("Uniqueid", "1795729000.1"),
        ]),
        NOW,
    );
    let notes = resync_into(&mut state, handle.clone()).await;

    // Asterisk refuses CoreSettings, CoreStatus and CoreShowChannels to a
    // user without write classes and leaves them out of its ListCommands
    // (a4_viewer_readonly.ami): each is named, never sent, and the channel
    // list it could not read is left as it was.
    for action in ["CoreSettings", "CoreStatus", "CoreShowChannels"] {
        assert!(
            notes
                .iter()
                .any(|n| n.starts_with(action) && n.contains("not allowed for this user")),
            "no note for {action}: {notes:?}"
        );
    }
    assert!(state.channels.get("1795729000.1").is_some());
    handle.shutdown();
}
