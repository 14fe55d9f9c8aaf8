//! End to end: the built `amitop` binary in a real terminal against the
//! test PBX. The Originate form is opened with `o`, filled in and sent;
//! the new call appears on screen (the PBX creates it as Asterisk would)
//! and the footer reports its answer; `H` then `y` hang it up and it goes.

use crate::support::tmux::{Dashboard, line_with};

/// A channel row of the channel list (the footer may name it too).
fn channel_row<'a>(screen: &'a str, prefix: &str) -> Option<&'a str> {
    line_with(screen, &format!("│{prefix}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn originate_from_the_form_then_hang_up_with_capital_h() {
    let (pbx, dashboard) = Dashboard::on_test_pbx(120, 30).await;
    let tmux = &dashboard.tmux;

    tmux.send_keys(&["o"]);
    tmux.wait_for("the Originate form", |s| s.contains("Originate a call"))
        .await;
    tmux.send_keys(&["-l", "PJSIP/300"]);
    tmux.send_keys(&["Tab"]);
    tmux.send_keys(&["-l", "2002"]);
    tmux.send_keys(&["Tab"]);
    tmux.send_keys(&["-l", "default"]);
    tmux.send_keys(&["Enter"]);
    let screen = tmux
        .wait_for("the new call and its answer", |s| {
            channel_row(s, "PJSIP/300-").is_some() && s.contains("PJSIP/300 answered")
        })
        .await;
    assert!(
        !screen.contains("Originate a call"),
        "the form closed:\n{screen}"
    );
    let received = pbx.received_actions();
    let originate = received
        .iter()
        .find(|a| a.is("Action", "Originate"))
        .expect("the PBX received the Originate");
    assert_eq!(originate.get("Timeout").as_deref(), Some("30000"));
    assert_eq!(originate.get("Async").as_deref(), Some("true"));

    // Sorted by name, the new channel is the first row, selected.
    tmux.send_keys(&["H"]);
    tmux.wait_for("the question", |s| s.contains("Hang up PJSIP/300-"))
        .await;
    tmux.send_keys(&["y"]);
    tmux.wait_for("the call to go", |s| {
        s.contains("✔ Hang up: Channel Hungup") && channel_row(s, "PJSIP/300-").is_none()
    })
    .await;
    let left: Vec<String> = pbx
        .snapshot()
        .channels
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert!(left.is_empty(), "the whole call is gone: {left:?}");

    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_exit().await, "0");
}

/// In the Agents pane, `P` on an agent opens the pause form for the queue
/// its state is in; with a reason typed, the test PBX pauses the member
/// and the pane shows the pause and its reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_an_agent_with_a_reason_from_the_agents_pane() {
    let (pbx, dashboard) = Dashboard::on_test_pbx(120, 30).await;
    let tmux = &dashboard.tmux;

    tmux.send_keys(&["6"]);
    tmux.wait_for("the agents", |s| {
        line_with(s, "Carol").is_some_and(|row| row.contains("free"))
    })
    .await;
    tmux.send_keys(&["/"]);
    tmux.send_keys(&["-l", "Carol"]);
    tmux.send_keys(&["Enter"]);
    tmux.send_keys(&["P"]);
    let form = tmux
        .wait_for("the pause form", |s| s.contains("Pause / unpause member"))
        .await;
    assert!(
        form.contains("SIP/3003") && form.contains("support"),
        "{form}"
    );
    for _ in 0..3 {
        tmux.send_keys(&["Tab"]);
    }
    tmux.send_keys(&["-l", "lunch"]);
    tmux.send_keys(&["Enter"]);
    let screen = tmux
        .wait_for("Carol paused for lunch", |s| {
            !s.contains("Pause / unpause member")
                && line_with(s, "│paused")
                    .is_some_and(|row| row.contains("Carol") && row.contains("lunch"))
        })
        .await;
    let pause = pbx
        .received_actions()
        .into_iter()
        .find(|a| a.is("Action", "QueuePause"))
        .unwrap_or_else(|| panic!("the PBX received no QueuePause:\n{screen}"));
    assert_eq!(pause.get("Interface").as_deref(), Some("SIP/3003"));
    assert_eq!(pause.get("Queue").as_deref(), Some("support"));
    assert_eq!(pause.get("Reason").as_deref(), Some("lunch"));
    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_exit().await, "0");
}

/// The Hangup actions the PBX received, by channel.
fn hangups(pbx: &amitop::sim::TestPbx) -> Vec<String> {
    pbx.received_actions()
        .iter()
        .filter(|a| a.is("Action", "Hangup"))
        .filter_map(|a| a.get("Channel").map(|c| c.into_owned()))
        .collect()
}

/// `H` in Calls: a call has two legs, so it offers each and the whole
/// call. A leg picked by its number hangs up that channel only; the whole
/// call, after its question, every leg.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hang_up_in_calls_picks_a_leg_or_the_whole_call() {
    let (pbx, dashboard) = Dashboard::on_test_pbx(120, 30).await;
    let tmux = &dashboard.tmux;
    pbx.start_call("100", "200", "Alice");
    tmux.send_keys(&["2"]);
    tmux.wait_for("the call", |s| s.contains("Alice")).await;
    tmux.send_keys(&["H"]);
    let screen = tmux
        .wait_for("the legs", |s| s.contains("the whole call: all 2 legs"))
        .await;
    let leg = line_with(&screen, "only PJSIP/200-")
        .and_then(|line| {
            line.split_whitespace()
                .find(|w| w.starts_with("PJSIP/200-"))
        })
        .expect("the callee's leg is offered")
        .to_owned();
    assert!(screen.contains("only PJSIP/100-"), "{screen}");
    tmux.send_keys(&["2"]);
    tmux.wait_for("the question", |s| s.contains(&format!("Hang up {leg}?")))
        .await;
    tmux.send_keys(&["y"]);
    tmux.wait_for("the reply", |s| s.contains("✔ Hang up: Channel Hungup"))
        .await;
    assert_eq!(hangups(&pbx), std::slice::from_ref(&leg), "that leg only");
    let channels: Vec<String> = pbx
        .snapshot()
        .channels
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert!(!channels.contains(&leg), "{channels:?}");

    // A call hung up whole: both legs, after the question.
    pbx.clear_received();
    tmux.wait_for("no call left", |s| !s.contains("Alice"))
        .await;
    pbx.start_call("101", "201", "Bob");
    tmux.wait_for("the next call", |s| s.contains("Bob")).await;
    tmux.send_keys(&["H"]);
    tmux.wait_for("the legs", |s| s.contains("the whole call"))
        .await;
    tmux.send_keys(&["3"]);
    tmux.wait_for("the question", |s| s.contains("Hang up the whole call"))
        .await;
    assert!(hangups(&pbx).is_empty(), "nothing before yes");
    tmux.send_keys(&["y"]);
    tmux.wait_for("the call to go", |s| !s.contains("Bob"))
        .await;
    // The call goes with its first leg; the second Hangup may still be on
    // its way.
    let start = std::time::Instant::now();
    // Every leg, in whatever order the call lists them.
    let sent = loop {
        let mut sent = hangups(&pbx);
        sent.sort();
        if sent.len() >= 2 || start.elapsed() > crate::support::tmux::DEADLINE {
            break sent;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(
        sent[0].starts_with("PJSIP/101-") && sent[1].starts_with("PJSIP/201-"),
        "{sent:?}"
    );
    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_exit().await, "0");
}
