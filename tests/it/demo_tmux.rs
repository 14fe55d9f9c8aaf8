//! End to end: `amitop --demo --seed N` in a real terminal (tmux) with no
//! Asterisk and no config: the header says it is a demo, calls are on screen
//! from the start, their durations advance, and calls end and leave the
//! screen as the simulated PBX goes on.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::support::tmux::{Tmux, demo_command, line_with};

/// Channel names (first column of the Channels pane) on a screen.
fn channel_names(screen: &str) -> BTreeSet<String> {
    screen
        .lines()
        .filter_map(|line| {
            line.trim_start_matches(['│', ' '])
                .split_whitespace()
                .next()
        })
        .filter(|word| word.starts_with("SIP/"))
        .map(str::to_owned)
        .collect()
}

/// The header's live channel count (`channels N`).
fn channel_count(screen: &str) -> Option<usize> {
    let after = screen.split("channels ").nth(1)?;
    after.split_whitespace().next()?.parse().ok()
}

/// The channel names on the screen, once every live channel fits on it (so
/// a name missing means a hangup, not a scroll).
fn all_channels(screen: &str) -> Option<BTreeSet<String>> {
    let names = channel_names(screen);
    (Some(names.len()) == channel_count(screen)).then_some(names)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_shows_a_living_pbx() {
    let dir = tempfile::tempdir().expect("temp dir");
    let tmux = Tmux::start(120, 60, &demo_command(dir.path(), "--seed 5"));

    let first = tmux
        .wait_for("calls on the demo", |s| {
            s.contains("demo") && all_channels(s).is_some_and(|names| names.len() >= 2)
        })
        .await;
    let at_start = all_channels(&first).unwrap();
    let watched = at_start.iter().next().unwrap().clone();
    let watched_line = line_with(&first, &watched).unwrap().to_owned();
    tmux.wait_for("a duration to advance", |s| {
        line_with(s, &watched).is_some_and(|line| line != watched_line)
    })
    .await;

    // Calls end: some channel seen at the start leaves the screen. The
    // simulated PBX ends a call every few seconds; allow a generous margin.
    let start = Instant::now();
    loop {
        if let Some(now) = all_channels(&tmux.screen())
            && at_start.iter().any(|name| !now.contains(name))
        {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no call ended; screen:\n{}",
            tmux.screen()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_exit().await, "0");
}
