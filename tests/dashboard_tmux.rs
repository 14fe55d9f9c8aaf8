//! End to end: the built `amitop` binary in a real terminal (tmux, on its
//! own socket, fixed size) against the test PBX: the header shows the
//! server's version, a call appears with its caller ID and a ticking
//! duration, disappears after hang-up, and `q` exits with the terminal
//! restored.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use amitop::sim::{PbxConfig, TestPbx};

const DEADLINE: Duration = Duration::from_secs(10);

/// A tmux server of our own; killed on drop, pass or fail.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs")
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "amitop"]).stdout)
            .into_owned()
    }

    fn display(&self, format: &str) -> String {
        let out = self.run(&["display-message", "-p", "-t", "amitop", format]);
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Polls the screen until `done` holds, or fails with the last screen.
    async fn wait_for(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

/// The line of `screen` that mentions `needle`.
fn line_with<'a>(screen: &'a str, needle: &str) -> Option<&'a str> {
    screen.lines().find(|line| line.contains(needle))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_follows_a_call_from_start_to_hangup() {
    let pbx = TestPbx::start(PbxConfig::default())
        .await
        .expect("test PBX");
    let dir = tempfile::tempdir().expect("temp dir");
    let tmux = Tmux {
        socket: format!("amitop-test-{}", std::process::id()),
    };
    // An empty config of our own, so the user's config cannot interfere.
    std::fs::write(dir.path().join("none.toml"), "").expect("config file");
    let command = format!(
        "env AMITOP_SECRET=secret NO_COLOR=1 {bin} --config {dir}/none.toml --log {dir}/amitop.log \
         --host 127.0.0.1 --port {port} --user amitop",
        bin = env!("CARGO_BIN_EXE_amitop"),
        dir = dir.path().display(),
        port = pbx.addr().port(),
    );
    let started = tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "amitop",
        "-x",
        "120",
        "-y",
        "30",
        "sh",
        "-c",
        &command,
    ]);
    assert!(
        started.status.success(),
        "tmux: {}",
        String::from_utf8_lossy(&started.stderr)
    );
    tmux.run(&["set-option", "-t", "amitop", "remain-on-exit", "on"]);

    let version = &PbxConfig::default().asterisk_version;
    tmux.wait_for("the server version", |s| {
        s.contains(&format!("Asterisk {version}"))
    })
    .await;

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

    tmux.run(&["send-keys", "-t", "amitop", "q"]);
    let start = Instant::now();
    while tmux.display("#{pane_dead}") != "1" {
        assert!(
            start.elapsed() < DEADLINE,
            "amitop did not exit; screen:\n{}",
            tmux.screen()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(tmux.display("#{pane_dead_status}"), "0");
    // Back on the normal screen, out of raw mode's alternate screen.
    assert_eq!(tmux.display("#{alternate_on}"), "0");
}
