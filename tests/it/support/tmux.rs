//! Driving the built `amitop` binary in a real terminal: a tmux server on a
//! socket of its own, a fixed window size, screens read with
//! `capture-pane`, keys typed with `send-keys`, and polling with a deadline
//! instead of sleeps; the dashboard opened in it against a server, such as
//! a fresh test PBX. The tmux server is killed on drop, pass or fail.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use amitop::sim::{PbxConfig, TestPbx};

/// How long any one expected change may take; only reached on failure.
pub const DEADLINE: Duration = Duration::from_secs(30);

pub struct Tmux {
    socket: String,
    /// Where the shell around the program writes its exit status.
    status_file: PathBuf,
}

impl Tmux {
    /// Runs `command` (a shell line) in a new `width`x`height` session. The
    /// pane stays after the program exits, so the screen can be read then.
    pub fn start(width: u16, height: u16, command: &str) -> Tmux {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let socket = format!(
            "amitop-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let status_file = std::env::temp_dir().join(format!("{socket}.status"));
        let _ = std::fs::remove_file(&status_file);
        // tmux does not always reap a pane's process (it can stay a zombie,
        // its status unknown), so a shell records the status instead.
        let command = format!("{command}; echo $? > '{}'", status_file.display());
        let tmux = Tmux {
            socket,
            status_file,
        };
        let (width, height) = (width.to_string(), height.to_string());
        let started = tmux.run(&[
            "new-session",
            "-d",
            "-s",
            "amitop",
            "-x",
            &width,
            "-y",
            &height,
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
        tmux
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs")
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "amitop"]).stdout)
            .into_owned()
    }

    /// A tmux format, e.g. `#{pane_dead}`.
    pub fn display(&self, format: &str) -> String {
        let out = self.run(&["display-message", "-p", "-t", "amitop", format]);
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Any tmux command on this server (`set-buffer`, `paste-buffer`...).
    pub fn run_args(&self, args: &[&str]) {
        self.run(args);
    }

    pub fn send_keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "amitop"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Polls the screen until `done` holds, or fails with the last screen.
    pub async fn wait_for(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
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

    /// Waits for the program to exit; its exit status.
    pub async fn wait_exit(&self) -> String {
        let start = Instant::now();
        loop {
            if let Ok(status) = std::fs::read_to_string(&self.status_file)
                && status.ends_with('\n')
            {
                return status.trim().to_owned();
            }
            assert!(
                start.elapsed() < DEADLINE,
                "amitop did not exit; screen:\n{}",
                self.screen()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
        let _ = std::fs::remove_file(&self.status_file);
    }
}

/// The line of `screen` that mentions `needle`.
pub fn line_with<'a>(screen: &'a str, needle: &str) -> Option<&'a str> {
    screen.lines().find(|line| line.contains(needle))
}

/// `amitop` (the dashboard) in tmux, logged in to the AMI server on
/// 127.0.0.1:`port` as `amitop`/`secret`, with an empty config and a log of
/// its own, once the header shows the server's Asterisk `version`.
pub struct Dashboard {
    pub tmux: Tmux,
    _home: tempfile::TempDir,
}

impl Dashboard {
    pub async fn open(port: u16, width: u16, height: u16, version: &str) -> Dashboard {
        let home = tempfile::tempdir().expect("temp dir");
        // An empty config of our own, so the user's config cannot interfere.
        std::fs::write(home.path().join("none.toml"), "").expect("config file");
        let command = format!(
            "env AMITOP_SECRET=secret NO_COLOR=1 {bin} --config {dir}/none.toml \
             --log {dir}/amitop.log --host 127.0.0.1 --port {port} --user amitop",
            bin = env!("CARGO_BIN_EXE_amitop"),
            dir = home.path().display(),
        );
        let tmux = Tmux::start(width, height, &command);
        tmux.wait_for("the server version", |s| {
            s.contains(&format!("Asterisk {version}"))
        })
        .await;
        Dashboard { tmux, _home: home }
    }

    /// A test PBX with the default configuration, and the dashboard
    /// `width`x`height` logged in to it.
    pub async fn on_test_pbx(width: u16, height: u16) -> (TestPbx, Dashboard) {
        let config = PbxConfig::default();
        let version = config.asterisk_version.clone();
        let pbx = TestPbx::start(config).await.expect("test PBX");
        let dashboard = Dashboard::open(pbx.addr().port(), width, height, &version).await;
        (pbx, dashboard)
    }
}
