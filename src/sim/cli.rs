//! The few Asterisk CLI commands the simulator runs for `Action: Command`,
//! printing what Asterisk 22 prints (`b1_core_actions.ami`, `b4_errors.ami`).

use super::clock;
use super::pbx::Pbx;

/// What a CLI command printed, and whether the CLI knew it.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct CliOutput {
    pub known: bool,
    pub lines: Vec<String>,
}

/// The commands, as words.
const COMMANDS: [&[&str]; 3] = [
    &["core", "show", "version"],
    &["core", "show", "channels"],
    &["core", "show", "uptime"],
];

/// Runs one command line against the PBX.
pub(super) fn run(command: &str, pbx: &Pbx, asterisk_version: &str) -> CliOutput {
    let words: Vec<String> = command
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let lines = match words.as_slice() {
        ["core", "show", "version"] => vec![version_line(pbx, asterisk_version)],
        ["core", "show", "channels"] => channels_table(pbx),
        ["core", "show", "uptime"] => {
            let uptime = clock::uptime_text(pbx.uptime());
            vec![
                format!("System uptime: {uptime}"),
                format!("Last reload: {uptime}"),
            ]
        }
        _ => {
            return CliOutput {
                known: false,
                lines: vec![format!(
                    "No such command '{}' (type 'core show help {}' for other possible commands)",
                    command.trim(),
                    help_topic(&words)
                )],
            };
        }
    };
    CliOutput { known: true, lines }
}

fn version_line(pbx: &Pbx, asterisk_version: &str) -> String {
    let built = pbx.started_at();
    format!(
        "Asterisk {asterisk_version} built by amitop @ sim on a {} running Linux on {} UTC",
        std::env::consts::ARCH,
        clock::utc_date_time(built)
    )
}

/// `core show channels`, in Asterisk's fixed-width layout.
fn channels_table(pbx: &Pbx) -> Vec<String> {
    let row = |name: &str, location: &str, state: &str, app: &str| {
        format!(
            "{:<64.64} {:<32.32} {:<7.7} {:<30.30}",
            name, location, state, app
        )
    };
    let mut lines = vec![row("Channel", "Location", "State", "Application(Data)")];
    for chan in pbx.channels() {
        lines.push(row(
            &chan.name,
            &format!("{}@{}:{}", chan.exten, chan.context, chan.priority),
            chan.state.desc(),
            &format!("{}({})", chan.application, chan.app_data),
        ));
    }
    lines.push(counted(pbx.channels().len() as u64, "active channel"));
    lines.push(counted(pbx.active_calls() as u64, "active call"));
    let processed = pbx.calls_processed();
    lines.push(format!(
        "{processed} call{} processed",
        if processed == 1 { "" } else { "s" }
    ));
    lines
}

fn counted(n: u64, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// The words Asterisk suggests after `core show help`: the input's words up
/// to and including the first one no command continues with.
fn help_topic(words: &[&str]) -> String {
    let mut taken = Vec::new();
    for word in words {
        taken.push(*word);
        let continues = COMMANDS
            .iter()
            .any(|cmd| cmd.len() >= taken.len() && cmd[..taken.len()] == taken[..]);
        if !continues {
            break;
        }
    }
    taken.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_pbx() -> Pbx {
        Pbx::new(
            crate::sim::vocab::Dialect::Modern,
            1,
            std::time::Duration::ZERO,
        )
    }

    #[test]
    fn unknown_commands_suggest_help_like_asterisk() {
        let pbx = test_pbx();
        let out = run("core show nonsense", &pbx, "22.10.1");
        assert!(!out.known);
        assert_eq!(
            out.lines,
            [
                "No such command 'core show nonsense' (type 'core show help core show nonsense' for other possible commands)"
            ]
        );
    }

    #[test]
    fn empty_channel_table_matches_the_capture() {
        let out = run("core show channels", &test_pbx(), "22.10.1");
        assert!(out.known);
        assert_eq!(
            out.lines,
            [
                "Channel                                                          Location                         State   Application(Data)             ",
                "0 active channels",
                "0 active calls",
                "0 calls processed",
            ]
        );
    }
}
