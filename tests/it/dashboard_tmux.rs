//! End to end: the built `amitop` binary in a real terminal (tmux, on its
//! own socket, fixed size) against the test PBX: the header shows the
//! server's version, a call appears with its caller ID and a ticking
//! duration, disappears after hang-up, and `q` exits with the terminal
//! restored.

use crate::support::tmux::{Dashboard, line_with};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_follows_a_call_from_start_to_hangup() {
    let (pbx, dashboard) = Dashboard::on_test_pbx(120, 30).await;
    let tmux = &dashboard.tmux;

    let linkedid = pbx.start_call("100", "200", "Alice Example");
    let first = tmux
        .wait_for("the call", |s| s.contains("Alice Example"))
        .await;
    let first_line = line_with(&first, "Alice Example").unwrap().to_owned();
    // The duration ticks: the same row reads differently a second later.
    tmux.wait_for("the duration to advance", |s| {
        line_with(s, "Alice Example").is_some_and(|line| line != first_line)
    })
    .await;

    assert!(pbx.hangup_call(&linkedid));
    tmux.wait_for("the call to go", |s| !s.contains("Alice Example"))
        .await;

    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_exit().await, "0");
    // Back on the normal screen, out of raw mode's alternate screen.
    assert_eq!(tmux.display("#{alternate_on}"), "0");
}
