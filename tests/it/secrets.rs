//! The AMI secret never shows: not on stdout or stderr, not in the log at
//! trace level, not in error messages, with plaintext and with MD5 login.
//! The built binary talks to the test PBX over TCP; every output is
//! searched for the secret, and so is the dashboard's screen in tmux.

use std::process::Stdio;

use amitop::ami::{Action, SessionConfig};
use amitop::sim::{PbxConfig, SimUser, TestPbx};
use tokio::process::Command;

use crate::support::tmux::Tmux;

/// A secret no output could contain by chance.
const SECRET: &str = "Zq8-secret-never-shown";

struct Outputs {
    status: i32,
    text: String,
}

/// A folder holding `config.toml`: one server, the test PBX, logging in
/// with `auth`.
fn config_dir(pbx: &TestPbx, auth: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        format!(
            "[servers.test]\nhost = \"127.0.0.1\"\nport = {}\nusername = \"amitop\"\n\
             auth = \"{auth}\"\naction_timeout = 5\n",
            pbx.addr().port()
        ),
    )
    .unwrap();
    dir
}

/// Runs `amitop ARGS` against the PBX with `auth` and `secret`, the log at
/// trace level, and returns everything it wrote (stdout, stderr, the log).
async fn run(pbx: &TestPbx, auth: &str, secret: &str, args: &[&str]) -> Outputs {
    let dir = config_dir(pbx, auth);
    let config = dir.path().join("config.toml");
    let log = dir.path().join("amitop.log");
    let output = Command::new(env!("CARGO_BIN_EXE_amitop"))
        .arg("--config")
        .arg(&config)
        .arg("--log")
        .arg(&log)
        .args(args)
        .env("AMITOP_SECRET", secret)
        .env("AMITOP_LOG", "trace")
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .unwrap();
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    text.push_str(&std::fs::read_to_string(&log).unwrap_or_default());
    Outputs {
        status: output.status.code().unwrap_or(-1),
        text,
    }
}

async fn pbx() -> TestPbx {
    TestPbx::start(PbxConfig {
        users: vec![SimUser::new("amitop", SECRET, true)],
        login_failure_delay: std::time::Duration::from_millis(5),
        ..PbxConfig::default()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn the_secret_is_never_written_with_either_login() {
    let pbx = pbx().await;
    for auth in ["plain", "md5"] {
        for args in [
            &["send", "Ping"][..],
            &["snapshot", "--json"],
            &["send", "CoreShowChannels"],
        ] {
            let out = run(&pbx, auth, SECRET, args).await;
            assert_eq!(out.status, 0, "{auth} {args:?}: {}", out.text);
            assert!(
                out.text.contains("TRACE")
                    || out.text.contains("DEBUG")
                    || out.text.contains("INFO"),
                "the log was written: {}",
                out.text
            );
            assert!(
                !out.text.contains(SECRET),
                "{auth} {args:?} showed the secret"
            );
        }
    }
    // The plaintext login did carry it, so the searches above could fail.
    assert!(
        pbx.received_actions()
            .iter()
            .any(|a| a.is("Secret", SECRET)),
        "plain login sent no secret"
    );
}

#[tokio::test]
async fn a_refused_secret_is_not_in_the_error_either() {
    let pbx = pbx().await;
    let wrong = "Wrong-Zq8-secret";
    for auth in ["plain", "md5"] {
        let out = run(&pbx, auth, wrong, &["send", "Ping"]).await;
        assert_eq!(out.status, 3, "{}", out.text);
        assert!(out.text.contains("Authentication failed"), "{}", out.text);
        assert!(!out.text.contains(wrong), "{auth} showed the secret");
    }
}

#[test]
fn debug_views_of_the_login_and_the_config_hide_it() {
    let login = Action::new("Login")
        .header("Username", "amitop")
        .header("Secret", SECRET);
    assert!(!format!("{login:?}").contains(SECRET));
    let key = Action::new("Login").header("Key", "0123abcd");
    assert!(!format!("{key:?}").contains("0123abcd"));
    let config = SessionConfig::new("pbx", 5038, "amitop", SECRET);
    assert!(!format!("{config:?}").contains(SECRET));
    // A panic message built from the config stays clean too.
    let panic = std::panic::catch_unwind(|| panic!("session failed: {config:?}")).unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(!message.contains(SECRET), "{message}");
}

/// On screen: the dashboard in tmux, logged in both ways, with every entry
/// of its event log opened in the raw view (where `SuccessfulAuth` and the
/// rest of the login's echo stand) and the help and detail overlays.
#[tokio::test]
async fn the_dashboard_never_shows_the_secret() {
    let pbx = pbx().await;
    for auth in ["plain", "md5"] {
        let dir = config_dir(&pbx, auth);
        let config = dir.path().join("config.toml");
        let command = format!(
            "env AMITOP_SECRET={SECRET} NO_COLOR=1 {bin} --config {config}",
            bin = env!("CARGO_BIN_EXE_amitop"),
            config = config.display(),
        );
        let tmux = Tmux::start(120, 40, &command);
        tmux.wait_for("the login", |s| s.contains("connected"))
            .await;
        tmux.send_keys(&["5"]);
        let log = tmux
            // The resync's lists, newest first; FullyBooted may be below.
            // Any list's end will do: which ones are on screen depends on
            // how many have come (a later list pushes QueueSummaryComplete
            // off a 40-row screen).
            .wait_for("the login's events", |s| {
                s.contains("Event log") && s.contains("Complete")
            })
            .await;
        let mut screens = vec![log];
        // The newest entries, one by one, then the oldest (FullyBooted).
        for step in ["Home", "Down", "Down", "Down", "Down", "End"] {
            tmux.send_keys(&[step, "Enter"]);
            screens.push(
                tmux.wait_for("the raw view", |s| s.contains("Event #"))
                    .await,
            );
            tmux.send_keys(&["Escape"]);
            tmux.wait_for("the log again", |s| !s.contains("Event #"))
                .await;
        }
        for key in ["?", "1"] {
            tmux.send_keys(&[key]);
            screens.push(tmux.screen());
        }
        for screen in &screens {
            assert!(!screen.contains(SECRET), "{auth}: on screen:\n{screen}");
        }
        assert!(
            screens.iter().any(|s| s.contains("Event: FullyBooted")),
            "{auth}: no raw event was shown:\n{}",
            screens.join("\n")
        );
    }
}

/// A wrong secret in the environment: the dashboard says the login was
/// refused and how to fix it, and takes the secret typed there (never
/// echoed) to log in at once, well before the 60 s retry. A typed secret
/// that is wrong too is said to be. Neither the screen nor the log ever
/// holds the secret.
#[tokio::test]
async fn a_refused_login_takes_a_typed_secret_and_logs_in_at_once() {
    let pbx = pbx().await;
    pbx.start_call("100", "200", "Alice");
    let dir = config_dir(&pbx, "plain");
    let log = dir.path().join("amitop.log");
    let command = format!(
        "env AMITOP_SECRET=Wrong-one AMITOP_LOG=trace NO_COLOR=1 {bin} --config {config} \
         --log {log}",
        bin = env!("CARGO_BIN_EXE_amitop"),
        config = dir.path().join("config.toml").display(),
        log = log.display(),
    );
    let tmux = Tmux::start(100, 32, &command);
    let mut screens = vec![
        // The whole box: tmux may show a frame half drawn.
        tmux.wait_for("the refusal", |s| {
            s.contains("The server refused the login: Authentication failed")
                && s.contains("type the secret")
        })
        .await,
    ];
    assert!(screens[0].contains("AMITOP_SECRET"), "{}", screens[0]);
    assert!(screens[0].contains("type the secret"), "{}", screens[0]);
    // A typed secret that is wrong as well.
    tmux.send_keys(&["-l", "nope"]);
    screens.push(
        tmux.wait_for("typing", |s| s.contains("(typed, not shown)"))
            .await,
    );
    tmux.send_keys(&["Enter"]);
    screens.push(
        tmux.wait_for("the typed secret refused", |s| {
            s.contains("The secret you typed was refused too.")
        })
        .await,
    );
    // The right one, typed and pasted in halves.
    let (first, second) = SECRET.split_at(5);
    tmux.send_keys(&["-l", first]);
    tmux.run_args(&["set-buffer", second]);
    tmux.run_args(&["paste-buffer", "-p", "-t", "amitop"]);
    screens.push(
        tmux.wait_for("typing", |s| s.contains("(typed, not shown)"))
            .await,
    );
    tmux.send_keys(&["Enter"]);
    screens.push(
        tmux.wait_for("the login and the panes", |s| {
            s.contains("● connected") && s.contains("PJSIP/100") && !s.contains("Login refused")
        })
        .await,
    );
    for screen in &screens {
        assert!(!screen.contains(SECRET), "on screen:\n{screen}");
        assert!(!screen.contains("nope"), "on screen:\n{screen}");
    }
    let logins: Vec<String> = pbx
        .received_actions()
        .iter()
        .filter(|a| a.is("Action", "Login"))
        .filter_map(|a| a.get("Secret").map(|s| s.into_owned()))
        .collect();
    assert_eq!(logins, ["Wrong-one", "nope", SECRET], "one attempt each");
    tmux.send_keys(&["q"]);
    tmux.wait_exit().await;
    let written = std::fs::read_to_string(&log).unwrap();
    assert!(
        written.contains("TRACE") || written.contains("DEBUG"),
        "{written}"
    );
    assert!(
        !written.contains(SECRET) && !written.contains("nope"),
        "the log holds it"
    );
}
