//! The command line, as clap sees it: global flags and the subcommands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::ConnectionFlags;

/// A live terminal dashboard for the Asterisk PBX, over the Asterisk Manager
/// Interface (AMI).
#[derive(Debug, Parser)]
#[command(name = "amitop", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub log: LogArgs,
    /// Where the dashboard connects; before a subcommand, where it does.
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Watch only: disable every operator action that changes the PBX
    #[arg(long)]
    pub read_only: bool,
    /// Open the dashboard on a simulated PBX built into amitop (no Asterisk
    /// needed; the config file is not read)
    #[arg(long, conflicts_with_all = ["config", "server", "host", "port", "user", "tls", "ca_file"])]
    pub demo: bool,
    /// With --demo: seed of the simulated traffic (the same seed gives the same calls)
    #[arg(long, value_name = "N", requires = "demo", default_value_t = 1)]
    pub seed: u64,
    #[command(subcommand)]
    pub command: Option<Command>,
}

const AFTER_HELP: &str = "\
The secret is never a flag (it would show in `ps`): set AMITOP_SECRET, or
`secret_env` / `secret` in the config file (see config.example.toml).

Exit status: 0 success, 1 the server answered Error (or stdout failed),
2 usage or config error, 3 connection or login failure, 4 timeout.";

/// The log file: every command may write one.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// Log file [default: amitop.log in the user state (or cache) directory]
    #[arg(long, global = true, value_name = "FILE")]
    pub log: Option<PathBuf>,
}

/// Which server to log in to, and how: the dashboard, `tail`, `send` and
/// `snapshot` take these (and only they do).
#[derive(Debug, Args, Default)]
pub struct ConnectArgs {
    /// Config file [default: ~/.config/amitop/config.toml]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Server to use, by its [servers.NAME] table in the config file
    #[arg(long, value_name = "NAME")]
    pub server: Option<String>,

    /// AMI host [default: 127.0.0.1]
    #[arg(long)]
    pub host: Option<String>,

    /// AMI port [default: 5038, or 5039 with --tls]
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub port: Option<u16>,

    /// AMI username (manager.conf section)
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,

    /// Connect with TLS (never falls back to plaintext)
    #[arg(long)]
    pub tls: bool,

    /// PEM file of CA certificates to trust instead of the system roots
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,

    /// Append every byte received from the server, unmodified, to FILE
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
}

impl ConnectArgs {
    /// These flags, each given here or else in `outer` (before the
    /// subcommand).
    fn or(&self, outer: &ConnectArgs) -> ConnectArgs {
        ConnectArgs {
            config: self.config.clone().or_else(|| outer.config.clone()),
            server: self.server.clone().or_else(|| outer.server.clone()),
            host: self.host.clone().or_else(|| outer.host.clone()),
            port: self.port.or(outer.port),
            user: self.user.clone().or_else(|| outer.user.clone()),
            tls: self.tls || outer.tls,
            ca_file: self.ca_file.clone().or_else(|| outer.ca_file.clone()),
            record: self.record.clone().or_else(|| outer.record.clone()),
        }
    }
}

/// The settings a command runs with, from the flags before and after its
/// name.
#[derive(Debug)]
pub struct GlobalArgs {
    pub connect: ConnectArgs,
    pub log: Option<PathBuf>,
    pub read_only: bool,
}

impl Cli {
    /// The flags of the command to run: the subcommand's own, else those
    /// given before it.
    pub fn global(&self) -> GlobalArgs {
        let (connect, read_only) = match &self.command {
            Some(Command::Tail(args)) => (args.connect.or(&self.connect), false),
            Some(Command::Send(args)) => (args.connect.or(&self.connect), args.read_only),
            Some(Command::Snapshot(args)) => (args.connect.or(&self.connect), false),
            Some(Command::Sim(args)) => (
                ConnectArgs {
                    user: args.user.clone().or_else(|| self.connect.user.clone()),
                    ..ConnectArgs::default()
                },
                false,
            ),
            Some(Command::Replay(_)) | None => (self.connect.or(&ConnectArgs::default()), false),
        };
        GlobalArgs {
            connect,
            log: self.log.log.clone(),
            read_only: read_only || self.read_only,
        }
    }
}

impl GlobalArgs {
    /// The flags that take part in choosing the server and its settings.
    pub fn connection_flags(&self) -> ConnectionFlags {
        let connect = &self.connect;
        ConnectionFlags {
            server: connect.server.clone(),
            host: connect.host.clone(),
            port: connect.port,
            user: connect.user.clone(),
            tls: connect.tls,
            ca_file: connect.ca_file.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Log in and print events as they arrive (Ctrl-C to stop)
    Tail(TailArgs),
    /// Send one action and print the full reply
    Send(SendArgs),
    /// Feed a recorded .ami stream through the model and print the state
    Replay(ReplayArgs),
    /// Log in, read the server's lists, print the state and exit
    Snapshot(SnapshotArgs),
    /// Run a simulated Asterisk PBX: an AMI server with live traffic (Ctrl-C to stop)
    Sim(SimArgs),
}

#[derive(Debug, Args)]
#[command(
    after_help = "Messages are numbered from 1 after the banner, responses and events alike."
)]
pub struct ReplayArgs {
    /// A server-to-client stream, as written by --record
    pub file: PathBuf,

    /// Start at message K, as a dashboard attached mid-call would
    #[arg(long, value_name = "K", default_value_t = 1)]
    pub from: u64,

    /// Stop after message N (past the end: after the last)
    #[arg(long, value_name = "N")]
    pub until: Option<u64>,

    /// Print one JSON document instead of tables
    #[arg(long)]
    pub json: bool,

    /// Epoch seconds to use as "now" for durations and waits [default: the clock]
    #[arg(long, value_name = "EPOCH")]
    pub now: Option<f64>,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Log in with --user (default amitop) and --secret (default amitop); both are
printed on startup. The server listens on the given address only.
With --cert and --key it serves TLS and prints the certificate's fingerprint,
for the client's tls_fingerprint (or give the certificate as its ca_file).")]
pub struct SimArgs {
    /// Address to listen on
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:5038")]
    pub listen: std::net::SocketAddr,

    /// Port to listen on, instead of the one in --listen
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub port: Option<u16>,

    /// Username of the simulator's AMI user [default: amitop]
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,

    /// Serve TLS: needs --cert and --key (which turn it on by themselves)
    #[arg(long)]
    pub tls: bool,

    /// With --key: serve TLS with this PEM certificate (chain, server's first)
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,

    /// With --cert: the certificate's PEM private key
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,

    /// Start with no traffic flowing yet (by default the simulator runs a
    /// while before listening, so calls are already up when a client logs in)
    #[arg(long)]
    pub cold: bool,

    /// AMI generation to imitate: modern (Asterisk 22) or 1.1 (Asterisk 11)
    #[arg(long, value_name = "VERSION", default_value = "modern")]
    pub ami: SimAmi,

    /// Seed of the traffic: the same seed gives the same calls
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,

    /// Calls per minute (0: phones and trunks only; thousands: a flood)
    #[arg(long, value_name = "CALLS_PER_MIN", default_value_t = crate::sim::DEFAULT_RATE)]
    pub rate: f64,

    /// Secret of the simulator's AMI user (the user is --user)
    #[arg(long, value_name = "S", default_value = "amitop")]
    pub secret: String,

    /// Send the events of this recording (.ami) after login instead of traffic
    #[arg(long, value_name = "FILE.ami")]
    pub replay: Option<PathBuf>,

    /// With --replay: keep the recorded pace (from FILE.timing.tsv)
    #[arg(long, requires = "replay")]
    pub realtime: bool,

    /// Flood every client with scripted calls, as fast as its socket takes them
    #[arg(long, conflicts_with = "replay")]
    pub flood: bool,

    /// With --flood: calls in progress at once, on each client
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub live_calls: usize,

    /// With --flood: stop after this many events
    #[arg(long, value_name = "N", requires = "flood")]
    pub flood_events: Option<u64>,
}

/// The AMI generations `amitop sim` speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SimAmi {
    Modern,
    #[value(name = "1.1")]
    V1_1,
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,

    /// Print one JSON document instead of tables
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TailArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,

    /// One JSON object per event and line instead of AMI text
    #[arg(long)]
    pub json: bool,

    /// Only these events: comma-separated names, `*` matches any run of
    /// characters, case-insensitive (e.g. `Newchannel,Dial*,Hangup`)
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub filter: Vec<String>,
}

#[derive(Debug, Args)]
#[command(after_help = "Example: amitop send Command Command='core show version'")]
pub struct SendArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,

    /// Refuse any action that changes the PBX (only reads are sent)
    #[arg(long)]
    pub read_only: bool,

    /// The action name, e.g. Ping, CoreShowChannels, Command
    pub action: String,

    /// Action headers, split at the first `=`; a key may repeat
    #[arg(value_name = "KEY=VALUE", value_parser = parse_header)]
    pub headers: Vec<(String, String)>,

    /// Print {"response": {...}, "events": [...], "output": [...]}
    #[arg(long)]
    pub json: bool,
}

fn parse_header(arg: &str) -> Result<(String, String), String> {
    match arg.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => Ok((key.to_owned(), value.to_owned())),
        Some(_) => Err("the key before `=` is empty".to_owned()),
        None => Err("expected KEY=VALUE".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;
    use clap::error::ErrorKind;

    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("amitop").chain(args.iter().copied()))
    }

    #[test]
    fn the_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn send_splits_headers_at_the_first_equals_and_keeps_repeats() {
        let cli = parse(&[
            "send",
            "Originate",
            "Channel=Local/100@test",
            "Variable=a=1",
            "Variable=b=",
            "--json",
        ])
        .unwrap();
        let Some(Command::Send(send)) = cli.command else {
            panic!("not send")
        };
        assert_eq!(send.action, "Originate");
        assert!(send.json);
        let pairs: Vec<(&str, &str)> = send
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("Channel", "Local/100@test"),
                ("Variable", "a=1"),
                ("Variable", "b=")
            ]
        );
    }

    #[test]
    fn bad_send_arguments_are_usage_errors() {
        for args in [
            &["send"][..],
            &["send", "Ping", "NoEquals"],
            &["send", "Ping", "=value"],
        ] {
            let err = parse(args).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{args:?}");
        }
        let err = parse(&["send", "Ping", "NoEquals"]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ValueValidation);
        assert!(err.to_string().contains("NoEquals"));
    }

    #[test]
    fn global_flags_go_before_or_after_the_subcommand() {
        let cli = parse(&[
            "--host", "pbx", "tail", "--port", "5039", "--tls", "--server", "lab",
        ])
        .unwrap();
        let flags = cli.global().connection_flags();
        assert_eq!(flags.host.as_deref(), Some("pbx"));
        assert_eq!(flags.port, Some(5039));
        assert!(flags.tls);
        assert_eq!(flags.server.as_deref(), Some("lab"));
        assert!(parse(&["--port", "0", "tail"]).is_err());
        assert!(parse(&["--secret", "x", "tail"]).is_err());
        assert!(parse(&["--read-only"]).unwrap().global().read_only);
        assert!(!parse(&[]).unwrap().global().read_only);
        assert!(
            parse(&["send", "--read-only", "Ping"])
                .unwrap()
                .global()
                .read_only
        );
    }

    #[test]
    fn tail_filter_takes_commas_and_repeats() {
        let cli = parse(&["tail", "--filter", "Newchannel,Dial*", "--filter", "hangup"]).unwrap();
        let Some(Command::Tail(tail)) = cli.command else {
            panic!("not tail")
        };
        assert_eq!(tail.filter, ["Newchannel", "Dial*", "hangup"]);
        assert!(!tail.json);
    }

    #[test]
    fn sim_takes_its_own_secret_and_the_global_user() {
        let cli = parse(&[
            "sim", "--ami", "1.1", "--user", "u", "--secret", "s", "--rate", "600",
        ])
        .unwrap();
        let Some(Command::Sim(sim)) = &cli.command else {
            panic!("not sim")
        };
        assert_eq!(sim.ami, SimAmi::V1_1);
        assert_eq!(
            (cli.global().connect.user.as_deref(), sim.secret.as_str()),
            (Some("u"), "s")
        );
        assert_eq!(sim.listen.to_string(), "127.0.0.1:5038");
        assert!(parse(&["sim", "--realtime"]).is_err());
        assert!(parse(&["sim", "--ami", "2.0"]).is_err());
    }

    /// Each subcommand's help lists the options it uses, and no others.
    #[test]
    fn each_subcommand_takes_only_its_own_options() {
        // The option lines of a subcommand's help: `--flag <VALUE>` or `--flag`.
        let help = |name: &str| {
            let mut command = Cli::command();
            let text = command
                .find_subcommand_mut(name)
                .unwrap_or_else(|| panic!("{name}"))
                .render_long_help()
                .to_string();
            text.lines()
                .map(str::trim_start)
                .filter(|line| line.starts_with("--") || line.starts_with("-h,"))
                .map(|line| format!("{line} "))
                .collect::<String>()
        };
        let connection = [
            "--host",
            "--port",
            "--tls",
            "--user",
            "--config",
            "--server",
            "--ca-file",
        ];
        let replay = help("replay");
        for flag in connection.iter().chain(&["--read-only", "--record"]) {
            assert!(
                !replay.contains(&format!("{flag} ")),
                "replay lists {flag}:\n{replay}"
            );
        }
        let sim = help("sim");
        for flag in ["--host", "--config", "--read-only", "--ca-file", "--record"] {
            assert!(
                !sim.contains(&format!("{flag} ")),
                "sim lists {flag}:\n{sim}"
            );
        }
        for flag in ["--listen", "--port", "--user", "--cold"] {
            assert!(sim.contains(flag), "sim lacks {flag}");
        }
        for name in ["tail", "snapshot"] {
            let text = help(name);
            assert!(!text.contains("--read-only "), "{name}:\n{text}");
            assert!(
                connection.iter().all(|f| text.contains(f)),
                "{name}:\n{text}"
            );
        }
        assert!(help("send").contains("--read-only"));
        assert!(parse(&["replay", "x.ami", "--host", "pbx"]).is_err());
        assert!(parse(&["sim", "--read-only"]).is_err());
    }

    #[test]
    fn no_subcommand_parses() {
        assert!(parse(&[]).unwrap().command.is_none());
    }
}
