//! End to end: the built `amitop` binary in a real terminal against the
//! test PBX, on the parked calls and conferences panes. A talking call is
//! parked with `K` and picked up to a named phone with `p`; in a room a
//! member is muted with `M`, the room locked with `L` (a lock raises no
//! event: the room list read after it shows it) and a member kicked with
//! `x` then `y`.

use amitop::ami::{Action, SessionHandle};
use amitop::sim::{CONFERENCE_EXTEN, TestPbx};

use crate::support::session::{config, logged_in_session};
use crate::support::tmux::{Dashboard, line_with};

/// A second AMI session, to make calls the way a phone would.
async fn side_session(pbx: &TestPbx) -> SessionHandle {
    let (handle, mut events) = logged_in_session(config(pbx.addr().port())).await;
    // Keep the event stream drained so the session never stalls.
    tokio::spawn(async move { while events.recv().await.is_some() {} });
    handle
}

async fn originate(handle: &SessionHandle, phone: &str, exten: &str) {
    let action = Action::new("Originate")
        .header("Channel", phone)
        .header("Context", "default")
        .header("Exten", exten)
        .header("Priority", "1");
    let reply = handle.send(action).await.expect("a reply");
    assert!(reply.is_success(), "{:?}", reply.response);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn park_a_call_then_pick_it_up_to_another_phone() {
    let (pbx, dashboard) = Dashboard::on_test_pbx(120, 30).await;
    let tmux = &dashboard.tmux;
    let side = side_session(&pbx).await;
    originate(&side, "SIP/2001", "2002").await;
    tmux.wait_for("the call", |s| line_with(s, "│SIP/2001-").is_some())
        .await;

    // Sorted by name, SIP/2001's channel is the first row, selected.
    tmux.send_keys(&["K"]);
    tmux.wait_for("the park's answer", |s| {
        s.contains("Park the call: Park successful")
    })
    .await;
    let parked = pbx.snapshot().features.parked;
    assert_eq!(parked.len(), 1, "the PBX parked it");
    let space = parked[0].space.to_string();

    tmux.send_keys(&["7"]);
    tmux.wait_for("the parked call", |s| {
        line_with(s, &format!("│{space}")).is_some()
            || s.lines().any(|l| l.contains(&format!(" {space} default")))
    })
    .await;
    tmux.send_keys(&["p"]);
    tmux.wait_for("the pick-up form", |s| s.contains("Pick up a parked call"))
        .await;
    tmux.send_keys(&["-l", "SIP/2003"]);
    tmux.send_keys(&["Enter"]);
    tmux.wait_for("the space to empty", |s| s.contains("no parked calls"))
        .await;
    assert!(pbx.snapshot().features.parked.is_empty());
    let originate = pbx
        .received_actions()
        .into_iter()
        .rfind(|a| a.is("Action", "Originate"))
        .expect("the pick-up Originate");
    assert_eq!(originate.get("Exten").as_deref(), Some(space.as_str()));
    assert_eq!(originate.get("Channel").as_deref(), Some("SIP/2003"));

    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_exit().await, "0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mute_lock_and_kick_in_a_conference_room() {
    let (pbx, dashboard) = Dashboard::on_test_pbx(120, 30).await;
    let tmux = &dashboard.tmux;
    let side = side_session(&pbx).await;
    for phone in ["SIP/2001", "SIP/2002"] {
        originate(&side, phone, CONFERENCE_EXTEN).await;
    }
    tmux.send_keys(&["8"]);
    tmux.wait_for("the room and its members", |s| s.contains("2 members"))
        .await;

    // The room's row is selected: lock it.
    tmux.send_keys(&["L"]);
    tmux.wait_for("the room locked, from the room list", |s| {
        line_with(s, "2 members").is_some_and(|l| l.contains("locked"))
    })
    .await;
    assert!(pbx.snapshot().features.room.unwrap().locked);

    // The first member: mute it.
    tmux.send_keys(&["Down"]);
    tmux.send_keys(&["M"]);
    tmux.wait_for("the member muted", |s| {
        line_with(s, "SIP/2001-").is_some_and(|l| l.contains("muted"))
    })
    .await;

    tmux.send_keys(&["x"]);
    tmux.wait_for("the question", |s| s.contains("Kick SIP/2001-"))
        .await;
    tmux.send_keys(&["y"]);
    tmux.wait_for("the member gone", |s| {
        s.contains("1 member") && line_with(s, "SIP/2001-").is_none()
    })
    .await;
    assert_eq!(pbx.snapshot().features.room.unwrap().members.len(), 1);

    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_exit().await, "0");
}
