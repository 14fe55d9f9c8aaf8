//! The keys and screens a new user trips over, on the built binary in a
//! real terminal (tmux) against the test PBX: Shift-Tab through the real
//! key decoding, a bracketed paste into a form, help paging, a form at
//! 60x15, and the stale picture after the server goes away.

use crate::support::tmux::Dashboard;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shift_tab_goes_to_the_previous_pane() {
    let (_pbx, dashboard) = Dashboard::on_test_pbx(100, 30).await;
    let tmux = &dashboard.tmux;
    // tmux sends ESC [ Z, which crossterm decodes as BackTab with SHIFT.
    tmux.send_keys(&["BTab"]);
    tmux.wait_for("the last pane", |s| s.contains("┌ 0 Voicemail"))
        .await;
    tmux.send_keys(&["BTab"]);
    tmux.wait_for("the hints pane", |s| s.contains("┌ 9 Hints (BLF)"))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paste_with_a_line_break_fills_the_field_and_sends_nothing() {
    let (pbx, dashboard) = Dashboard::on_test_pbx(100, 30).await;
    let tmux = &dashboard.tmux;
    tmux.send_keys(&["o"]);
    tmux.wait_for("the Originate form", |s| s.contains("Originate a call"))
        .await;
    tmux.run_args(&["set-buffer", "PJSIP/300\nAction: Hangup"]);
    // -p: a bracketed paste, as a terminal sends one.
    tmux.run_args(&["paste-buffer", "-p", "-t", "amitop"]);
    tmux.wait_for("the pasted text in the field", |s| {
        s.contains("PJSIP/300⏎Action: Hangup")
    })
    .await;
    tmux.send_keys(&["Enter"]);
    tmux.wait_for("the line break refused", |s| s.contains("line break"))
        .await;
    let sent: Vec<String> = pbx
        .received_actions()
        .iter()
        .filter_map(|a| a.get("Action").map(|n| n.into_owned()))
        .collect();
    assert!(
        !sent.iter().any(|a| a == "Originate" || a == "Hangup"),
        "{sent:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_pages_down_to_its_end() {
    let (_pbx, dashboard) = Dashboard::on_test_pbx(100, 30).await;
    let tmux = &dashboard.tmux;
    tmux.send_keys(&["?"]);
    tmux.wait_for("help saying there is more", |s| s.contains("more below"))
        .await;
    tmux.send_keys(&["NPage"]);
    tmux.wait_for("the next page", |s| s.contains("Inside a queue"))
        .await;
    tmux.send_keys(&["End"]);
    tmux.wait_for("the last lines", |s| {
        s.contains("scroll the table under the pointer") && !s.contains("more below")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_60x15_a_form_scrolls_to_the_focused_field() {
    let (_pbx, dashboard) = Dashboard::on_test_pbx(60, 15).await;
    let tmux = &dashboard.tmux;
    tmux.send_keys(&["o"]);
    tmux.wait_for("the Originate form", |s| s.contains("Originate a call"))
        .await;
    tmux.send_keys(&["BTab"]);
    tmux.wait_for("the last field in sight", |s| {
        s.contains("›Async") && s.contains("field 11 of 11")
    })
    .await;
    tmux.send_keys(&["Tab"]);
    tmux.wait_for("back at the first field", |s| {
        s.contains("›Channel") && s.contains("field 1 of 11")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_leaves_a_stale_picture() {
    let (pbx, dashboard) = Dashboard::on_test_pbx(120, 30).await;
    let tmux = &dashboard.tmux;
    drop(pbx);
    let screen = tmux
        .wait_for("the stale mark", |s| s.contains("stale: last seen"))
        .await;
    assert!(screen.contains("disconnected"), "{screen}");
    tmux.send_keys(&["5"]);
    tmux.wait_for("the disconnect marker in the log", |s| {
        s.contains("Disconnected")
    })
    .await;
}
