//! The built `amitop` binary, run as a user would, against the test PBX on
//! 127.0.0.1: output, exit statuses, config errors, `tail` and `--record`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use amitop::ami::{AmiCodec, Frame};
use amitop::sim::{PbxConfig, TestPbx};
use bytes::BytesMut;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStderr, ChildStdout, Command};
use tokio_util::codec::Decoder;

/// Generous: only reached when something is broken.
const PROCESS_LIMIT: Duration = Duration::from_secs(30);

/// A test PBX plus a private directory with a config file pointing at it.
struct Setup {
    pbx: TestPbx,
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl Setup {
    async fn new() -> Setup {
        Setup::with(PbxConfig::default()).await
    }

    async fn with(pbx_config: PbxConfig) -> Setup {
        let pbx_config = PbxConfig {
            login_failure_delay: Duration::from_millis(5),
            ..pbx_config
        };
        let pbx = TestPbx::start(pbx_config).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.toml");
        std::fs::write(
            &config,
            format!(
                "[servers.test]\nhost = \"127.0.0.1\"\nport = {}\nusername = \"amitop\"\n\
                 action_timeout = 5\n",
                pbx.addr().port()
            ),
        )
        .unwrap();
        Setup { pbx, dir, config }
    }

    /// `amitop --config <ours> --log <ours> ARGS` with `AMITOP_SECRET=secret`.
    fn command(&self, args: &[&str]) -> Command {
        self.command_with(&self.config, Some("secret"), args)
    }

    /// `amitop --config CONFIG --log <ours> ARGS`, with `AMITOP_SECRET` set
    /// to `secret` or unset.
    fn command_with(&self, config: &Path, secret: Option<&str>, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_amitop"));
        cmd.arg("--config")
            .arg(config)
            .arg("--log")
            .arg(self.dir.path().join("amitop.log"))
            .args(args)
            .env_remove("AMITOP_SECRET")
            .env_remove("AMITOP_LOG")
            .stdin(Stdio::null())
            .kill_on_drop(true);
        if let Some(secret) = secret {
            cmd.env("AMITOP_SECRET", secret);
        }
        cmd
    }

    async fn run(&self, args: &[&str]) -> Run {
        output_of(self.command(args)).await
    }

    fn received_action_names(&self) -> Vec<String> {
        self.pbx
            .received_actions()
            .iter()
            .filter_map(|m| m.get("Action").map(|a| a.into_owned()))
            .collect()
    }
}

/// What a finished process left behind.
struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

async fn output_of(mut cmd: Command) -> Run {
    let output = tokio::time::timeout(PROCESS_LIMIT, cmd.output())
        .await
        .expect("amitop did not finish")
        .expect("amitop did not start");
    Run {
        status: output.status.code().expect("amitop was killed by a signal"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[tokio::test]
async fn send_ping_prints_pong_and_logs_off() {
    let setup = Setup::new().await;
    let run = setup.run(&["send", "Ping"]).await;
    assert_eq!(run.status, 0, "stderr: {}", run.stderr);
    assert!(run.stdout.contains("Response: Success\n"), "{}", run.stdout);
    assert!(run.stdout.contains("Ping: Pong\n"), "{}", run.stdout);
    assert_eq!(run.stderr, "");
    // MD5 login, the action, and a clean Logoff.
    assert_eq!(
        setup.received_action_names(),
        ["Challenge", "Login", "Ping", "Logoff"]
    );
}

#[tokio::test]
async fn read_only_send_refuses_what_changes_the_pbx_and_sends_reads() {
    let setup = Setup::new().await;
    for args in [
        &[
            "--read-only",
            "send",
            "Hangup",
            "Channel=PJSIP/100-00000001",
        ][..],
        &["send", "--read-only", "Command", "Command=core restart now"],
        &["--read-only", "send", "NoSuchAction"],
    ] {
        let run = setup.run(args).await;
        assert_eq!(run.status, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("read-only mode") && run.stderr.contains("was not sent"),
            "{}",
            run.stderr
        );
        assert_eq!(run.stdout, "");
    }
    assert!(setup.received_action_names().is_empty(), "nothing was sent");

    // `read_only = true` in the server's table holds the same.
    let config = setup.dir.path().join("read-only.toml");
    let text = std::fs::read_to_string(&setup.config).unwrap() + "read_only = true\n";
    std::fs::write(&config, text).unwrap();
    let run = output_of(setup.command_with(
        &config,
        Some("secret"),
        &["send", "Hangup", "Channel=PJSIP/100-00000001"],
    ))
    .await;
    assert_eq!(run.status, 2, "{}", run.stderr);
    let run = output_of(setup.command_with(&config, Some("secret"), &["send", "CoreStatus"])).await;
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        setup.received_action_names(),
        ["Challenge", "Login", "CoreStatus", "Logoff"]
    );
}

#[tokio::test]
async fn send_logoff_is_a_success_even_though_the_server_hangs_up() {
    let setup = Setup::new().await;
    let run = setup.run(&["send", "Logoff"]).await;
    assert_eq!(run.status, 0, "stderr: {}", run.stderr);
    assert!(run.stdout.contains("Response: Goodbye\n"), "{}", run.stdout);
}

#[tokio::test]
async fn send_passes_headers_in_order_with_repeats() {
    let setup = Setup::new().await;
    let run = setup
        .run(&[
            "send",
            "Events",
            "EventMask=off",
            "Variable=a=1",
            "Variable=b=2",
        ])
        .await;
    assert_eq!(run.status, 0, "stderr: {}", run.stderr);
    let actions = setup.pbx.received_actions();
    let sent = actions
        .iter()
        .find(|m| m.is("Action", "Events"))
        .expect("Events action reached the server");
    let headers: Vec<(String, String)> = sent
        .headers()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("ActionID"))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let expected = [
        ("Action", "Events"),
        ("EventMask", "off"),
        ("Variable", "a=1"),
        ("Variable", "b=2"),
    ];
    assert_eq!(headers, expected.map(|(k, v)| (k.to_owned(), v.to_owned())));
}

#[tokio::test]
async fn an_error_answer_exits_1_with_the_message_on_stderr() {
    let setup = Setup::new().await;
    let run = setup.run(&["send", "NoSuchAction"]).await;
    assert_eq!(run.status, 1, "stderr: {}", run.stderr);
    assert!(
        run.stderr.contains("Invalid/unknown command"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("Response: Error"), "{}", run.stdout);
}

#[tokio::test]
async fn a_list_action_as_json_has_response_items_and_output() {
    let setup = Setup::new().await;
    setup.pbx.start_call("100", "200", "Alice");
    let run = setup.run(&["send", "CoreShowChannels", "--json"]).await;
    assert_eq!(run.status, 0, "stderr: {}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).expect("one JSON document");
    let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["response", "events", "output"]);
    assert_eq!(doc["response"]["Response"], "Success");
    assert_eq!(doc["response"]["EventList"], "start");
    let events = doc["events"].as_array().unwrap();
    let names: Vec<&str> = events
        .iter()
        .map(|e| e["Event"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "CoreShowChannel",
            "CoreShowChannel",
            "CoreShowChannelsComplete"
        ]
    );
    assert_eq!(events[2]["ListItems"], "2");
    assert_eq!(doc["output"], Value::Array(Vec::new()));
    // Keys keep their wire order.
    let response_keys: Vec<&String> = doc["response"].as_object().unwrap().keys().collect();
    assert_eq!(response_keys[0], "Response");
}

#[tokio::test]
async fn command_output_is_printed_as_lines_in_both_forms() {
    for legacy_command in [false, true] {
        let setup = Setup::with(PbxConfig {
            legacy_command,
            ..PbxConfig::default()
        })
        .await;
        let run = setup
            .run(&["send", "Command", "Command=core show version"])
            .await;
        assert_eq!(run.status, 0, "stderr: {}", run.stderr);
        let version_line = run
            .stdout
            .lines()
            .find(|l| l.starts_with("Asterisk 22.10.1"))
            .unwrap_or_else(|| panic!("no version line in {:?}", run.stdout));
        assert!(!version_line.starts_with("Output:"));

        let json = setup
            .run(&["send", "Command", "Command=core show version", "--json"])
            .await;
        let doc: Value = serde_json::from_str(&json.stdout).unwrap();
        let output = doc["output"].as_array().unwrap();
        assert!(
            output
                .iter()
                .any(|l| l.as_str().unwrap().starts_with("Asterisk 22.10.1")),
            "legacy {legacy_command}: {output:?}"
        );
    }
}

#[tokio::test]
async fn a_wrong_secret_exits_3_without_showing_it() {
    let setup = Setup::new().await;
    let run =
        output_of(setup.command_with(&setup.config, Some("not-the-secret"), &["send", "Ping"]))
            .await;
    assert_eq!(run.status, 3, "stderr: {}", run.stderr);
    assert!(run.stderr.contains("refused"), "{}", run.stderr);
    assert!(
        run.stderr.contains("Authentication failed"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("not-the-secret"));
    let log = std::fs::read_to_string(setup.dir.path().join("amitop.log")).unwrap();
    assert!(!log.contains("not-the-secret"), "{log}");
}

#[tokio::test]
async fn an_unreachable_server_exits_3() {
    let setup = Setup::new().await;
    // A port that was free a moment ago and has no listener now.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port().to_string()
    };
    let run = setup.run(&["--port", &port, "send", "Ping"]).await;
    assert_eq!(run.status, 3, "stderr: {}", run.stderr);
    assert!(
        run.stderr.contains(&format!("127.0.0.1:{port}")),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn usage_errors_exit_2() {
    let setup = Setup::new().await;
    for args in [
        &["send", "Ping", "NoEqualsSign"][..],
        &["send"],
        &["--port", "0", "send", "Ping"],
        &["--secret", "x", "send", "Ping"],
        &["--server", "nosuch", "send", "Ping"],
        &["send", "Ping", "ActionID=7"],
        &[],
    ] {
        let run = setup.run(args).await;
        assert_eq!(run.status, 2, "{args:?}: {}", run.stderr);
        assert!(!run.stderr.is_empty(), "{args:?}");
        assert_eq!(run.stdout, "", "{args:?}");
    }
    assert!(
        setup.received_action_names().is_empty(),
        "a usage error must not reach the server"
    );
}

#[tokio::test]
async fn a_malformed_config_names_the_file_and_line_and_exits_2() {
    let setup = Setup::new().await;
    let bad = setup.dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[servers.test]\nhost = \"127.0.0.1\"\nport = \"five\"\n",
    )
    .unwrap();
    let run = output_of(setup.command_with(&bad, Some("secret"), &["send", "Ping"])).await;
    assert_eq!(run.status, 2, "stderr: {}", run.stderr);
    assert!(
        run.stderr.contains(&format!("{}:3:", bad.display())),
        "{}",
        run.stderr
    );

    let missing = setup.dir.path().join("missing.toml");
    let run = output_of(setup.command_with(&missing, Some("secret"), &["send", "Ping"])).await;
    assert_eq!(run.status, 2);
    assert!(
        run.stderr.contains(&missing.display().to_string()),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[tokio::test]
async fn a_secret_in_a_readable_config_works_but_is_warned_about_once() {
    use std::os::unix::fs::PermissionsExt;
    let setup = Setup::new().await;
    let file = setup.dir.path().join("with-secret.toml");
    std::fs::write(
        &file,
        format!(
            "[servers.test]\nport = {}\nusername = \"amitop\"\nsecret = \"secret\"\n",
            setup.pbx.addr().port()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();

    let run_open = output_of(setup.command_with(&file, None, &["send", "Ping"])).await;
    assert_eq!(run_open.status, 0, "stderr: {}", run_open.stderr);
    assert_eq!(run_open.stderr.matches("readable by others").count(), 1);

    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let run_private = output_of(setup.command_with(&file, None, &["send", "Ping"])).await;
    assert_eq!(run_private.status, 0, "stderr: {}", run_private.stderr);
    assert_eq!(run_private.stderr, "");
}

#[tokio::test]
async fn record_keeps_the_exact_bytes_received() {
    let setup = Setup::new().await;
    let record = setup.dir.path().join("session.ami");
    let run = setup
        .run(&["--record", record.to_str().unwrap(), "send", "Ping"])
        .await;
    assert_eq!(run.status, 0, "stderr: {}", run.stderr);
    let bytes = std::fs::read(&record).unwrap();
    assert!(
        bytes.starts_with(b"Asterisk Call Manager/11.0.0\r\n"),
        "{:?}",
        String::from_utf8_lossy(&bytes)
    );

    // Decoded, the recording is the whole conversation as the server said it.
    let mut codec = AmiCodec::default();
    let mut buf = BytesMut::from(&bytes[..]);
    let mut responses = Vec::new();
    while let Some(frame) = codec.decode_eof(&mut buf).unwrap() {
        match frame {
            Frame::Banner(_) => {}
            Frame::Message(m) => responses.push(m),
            Frame::Malformed(bad) => panic!("malformed frame in the recording: {bad:?}"),
        }
    }
    let statuses: Vec<String> = responses
        .iter()
        .filter_map(|m| m.response().map(|r| r.into_owned()))
        .collect();
    assert_eq!(statuses, ["Success", "Success", "Success", "Goodbye"]);
    assert!(responses.iter().any(|m| m.is("Ping", "Pong")));
    // Byte-exact: the messages laid end to end after the banner are the file.
    let banner_len = b"Asterisk Call Manager/11.0.0\r\n".len();
    let rebuilt: Vec<u8> = responses.iter().flat_map(|m| m.raw().to_vec()).collect();
    assert_eq!(&bytes[banner_len..], &rebuilt[..]);
}

/// A running `amitop tail`, read line by line.
struct Tail {
    child: Child,
    stdout: Lines<BufReader<ChildStdout>>,
    stderr: Lines<BufReader<ChildStderr>>,
}

impl Tail {
    async fn start(setup: &Setup, args: &[&str]) -> Tail {
        let mut child = setup
            .command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        let stderr = BufReader::new(child.stderr.take().unwrap()).lines();
        let mut tail = Tail {
            child,
            stdout,
            stderr,
        };
        tail.wait_for_stderr("logged in").await;
        tail
    }

    /// The first stderr line containing `needle`.
    async fn wait_for_stderr(&mut self, needle: &str) -> String {
        let found = async {
            while let Some(line) = self.stderr.next_line().await.unwrap() {
                if line.contains(needle) {
                    return line;
                }
            }
            panic!("stderr ended without {needle:?}");
        };
        tokio::time::timeout(PROCESS_LIMIT, found)
            .await
            .unwrap_or_else(|_| panic!("no {needle:?} on stderr"))
    }

    async fn next_line(&mut self) -> String {
        tokio::time::timeout(PROCESS_LIMIT, self.stdout.next_line())
            .await
            .expect("no line from tail")
            .unwrap()
            .expect("tail's stdout ended")
    }

    /// Ctrl-C, then the exit status and whatever stdout still held.
    #[cfg(unix)]
    async fn interrupt(mut self) -> (i32, Vec<String>) {
        let pid = self.child.id().expect("tail is running") as libc::pid_t;
        // SAFETY: kill(2) with a live child's pid and a valid signal number.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
        let mut rest = Vec::new();
        while let Some(line) = tokio::time::timeout(PROCESS_LIMIT, self.stdout.next_line())
            .await
            .expect("tail did not stop")
            .unwrap()
        {
            rest.push(line);
        }
        let status = tokio::time::timeout(PROCESS_LIMIT, self.child.wait())
            .await
            .expect("tail did not exit")
            .unwrap();
        (status.code().expect("tail died of the signal"), rest)
    }
}

#[cfg(unix)]
#[tokio::test]
async fn tail_json_prints_only_the_filtered_events_of_a_call() {
    let setup = Setup::new().await;
    let mut tail = Tail::start(&setup, &["tail", "--json", "--filter", "newchannel,Hang*"]).await;

    let linkedid = setup.pbx.start_call("100", "200", "Alice");
    let mut seen = Vec::new();
    for _ in 0..2 {
        seen.push(tail.next_line().await);
    }
    assert!(setup.pbx.hangup_call(&linkedid));
    // Hangup of both channels, plus HangupRequest if the PBX sends one:
    // read until both Hangup events are in.
    while seen
        .iter()
        .filter(|l| l.contains("\"Event\":\"Hangup\""))
        .count()
        < 2
    {
        seen.push(tail.next_line().await);
    }
    let (status, rest) = tail.interrupt().await;
    assert_eq!(status, 0);
    seen.extend(rest);

    let events: Vec<Value> = seen
        .iter()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    let names: Vec<&str> = events
        .iter()
        .map(|e| e["Event"].as_str().unwrap())
        .collect();
    assert_eq!(
        names.iter().filter(|n| **n == "Newchannel").count(),
        2,
        "{names:?}"
    );
    assert_eq!(
        names.iter().filter(|n| **n == "Hangup").count(),
        2,
        "{names:?}"
    );
    assert!(
        names
            .iter()
            .all(|n| *n == "Newchannel" || n.starts_with("Hang")),
        "{names:?}"
    );
    assert!(events.iter().all(|e| e["Linkedid"] == linkedid.as_str()));
    // The first key is the event name, as on the wire.
    assert!(
        seen[0].starts_with("{\"Event\":\"Newchannel\""),
        "{}",
        seen[0]
    );
    assert_eq!(
        setup.received_action_names().last().map(String::as_str),
        Some("Logoff"),
        "Ctrl-C logs off"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn tail_text_prints_events_as_received() {
    let setup = Setup::new().await;
    let mut tail = Tail::start(&setup, &["tail", "--filter", "Newchannel"]).await;
    setup.pbx.start_call("100", "200", "Alice");
    // Raw bytes up to the blank line that ends the first event.
    let mut block = Vec::new();
    while !block.ends_with(b"\r\n\r\n") {
        let read = tail.stdout.get_mut().read_until(b'\n', &mut block);
        let n = tokio::time::timeout(PROCESS_LIMIT, read)
            .await
            .unwrap()
            .unwrap();
        assert!(
            n > 0,
            "stdout ended in {:?}",
            String::from_utf8_lossy(&block)
        );
    }
    let (status, _) = tail.interrupt().await;
    assert_eq!(status, 0);

    assert!(block.starts_with(b"Event: Newchannel\r\n"), "{block:?}");
    let mut codec = AmiCodec::default();
    let mut buf = BytesMut::from(&b"Asterisk Call Manager/11.0.0\r\n"[..]);
    buf.extend_from_slice(&block);
    let message = std::iter::from_fn(|| codec.decode_eof(&mut buf).unwrap())
        .find_map(|frame| match frame {
            Frame::Message(m) => Some(m),
            _ => None,
        })
        .expect("a whole message");
    assert_eq!(message.raw(), &block[..]);
    assert_eq!(message.get("CallerIDName").as_deref(), Some("Alice"));
}

#[cfg(unix)]
#[tokio::test]
async fn tail_reports_a_lost_connection_and_carries_on_after_reconnecting() {
    let setup = Setup::new().await;
    let mut tail = Tail::start(&setup, &["tail", "--json", "--filter", "Newchannel"]).await;
    setup.pbx.disconnect_clients();
    let lost = tail.wait_for_stderr("disconnected").await;
    assert!(lost.contains("retrying in"), "{lost}");
    tail.wait_for_stderr("logged in").await;

    setup.pbx.start_call("100", "200", "Alice");
    assert!(tail.next_line().await.contains("\"Event\":\"Newchannel\""));
    let (status, _) = tail.interrupt().await;
    assert_eq!(status, 0);
    let logins = setup.received_action_names();
    assert_eq!(
        logins.iter().filter(|a| *a == "Login").count(),
        2,
        "{logins:?}"
    );
}

/// `--help` of each subcommand, from the binary: only the options it uses.
#[tokio::test]
async fn each_subcommands_help_lists_only_its_options() {
    let help = |name: &'static str| async move {
        let output = Command::new(env!("CARGO_BIN_EXE_amitop"))
            .args([name, "--help"])
            .output()
            .await
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let options = |text: &str| -> Vec<String> {
        text.lines()
            .map(str::trim_start)
            .filter(|l| l.starts_with("--"))
            .map(|l| l.split_whitespace().next().unwrap().to_owned())
            .collect()
    };
    let replay = options(&help("replay").await);
    assert_eq!(replay, ["--from", "--log", "--until", "--json", "--now"]);
    let sim = options(&help("sim").await);
    for absent in ["--host", "--config", "--read-only", "--ca-file", "--server"] {
        assert!(!sim.iter().any(|o| o == absent), "{sim:?}");
    }
    assert!(sim.iter().any(|o| o == "--user") && sim.iter().any(|o| o == "--port"));
    let tail = options(&help("tail").await);
    assert!(!tail.iter().any(|o| o == "--read-only"), "{tail:?}");
    assert!(tail.iter().any(|o| o == "--host"), "{tail:?}");
}
