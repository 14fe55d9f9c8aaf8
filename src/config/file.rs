//! The config file: its TOML schema, where it is looked for, and loading it
//! with errors that name the file and the line.
//!
//! Every table refuses unknown keys, so a typo (`hots = ...`) is an error that
//! names the key instead of a setting silently ignored. Values are checked while
//! parsing (ports, durations, event masks), so those errors carry a line too.

use std::fmt;
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::time::Duration;

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer};
use toml::Spanned;

use super::ConfigError;
use crate::ami::Fingerprint;
use crate::ami::session::AuthMode;
use crate::model::queues::Thresholds;
use crate::ui::view::Pane;

/// The name of the file inside the user config directory.
const FILE_NAME: &str = "config.toml";

/// A parsed config file.
#[derive(Clone, Debug)]
pub struct ConfigFile {
    /// Where it was read from (for messages).
    pub path: PathBuf,
    /// The server used when `--server` is not given.
    pub default_server: Option<String>,
    /// `[servers.NAME]` tables, in file order.
    pub servers: IndexMap<String, ServerEntry>,
    /// Unix permission bits of the file, when known.
    pub mode: Option<u32>,
    /// `[thresholds]`: when a queue needs attention.
    pub thresholds: Thresholds,
    /// How often the queue lists are read again to re-base the live
    /// figures (`queue_refresh`).
    pub queue_refresh: Duration,
    /// The panes of the wide layout (`layout`), when the file names them.
    pub layout: Option<Vec<Pane>>,
}

/// Default of `queue_refresh`.
pub const QUEUE_REFRESH: Duration = Duration::from_secs(60);

/// One `[servers.NAME]` table; every key is optional.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerEntry {
    pub host: Option<String>,
    pub port: Option<NonZeroU16>,
    pub username: Option<String>,
    pub secret: Option<String>,
    pub secret_env: Option<String>,
    pub tls: Option<bool>,
    pub ca_file: Option<PathBuf>,
    /// Trust exactly the certificate with this SHA-256 fingerprint.
    #[serde(default, deserialize_with = "fingerprint")]
    pub tls_fingerprint: Option<Fingerprint>,
    pub events: Option<EventMask>,
    pub ping_interval: Option<Seconds>,
    pub action_timeout: Option<Seconds>,
    #[serde(default, deserialize_with = "auth_mode")]
    pub auth: Option<AuthMode>,
    /// Watch only: every operator action is disabled (like `--read-only`).
    pub read_only: Option<bool>,
    /// The supervisor's own phone, rung to listen, whisper or barge
    /// (`PJSIP/200`).
    pub supervisor: Option<String>,
    /// The file name of recordings, `{time}`, `{channel}` and `{uniqueid}`
    /// filled in.
    pub recording_file: Option<String>,
    /// MixMonitor's options for every recording (`b`: bridged part only).
    pub recording_options: Option<String>,
}

impl fmt::Debug for ServerEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerEntry")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("secret", &self.secret.as_ref().map(|_| "***"))
            .field("secret_env", &self.secret_env)
            .field("tls", &self.tls)
            .field("ca_file", &self.ca_file)
            .field("tls_fingerprint", &self.tls_fingerprint)
            .field("events", &self.events)
            .field("ping_interval", &self.ping_interval)
            .field("action_timeout", &self.action_timeout)
            .field("auth", &self.auth)
            .field("read_only", &self.read_only)
            .field("supervisor", &self.supervisor)
            .field("recording_file", &self.recording_file)
            .field("recording_options", &self.recording_options)
            .finish()
    }
}

/// The value of the `Events:` header sent at login: `on`, `off`, or a
/// comma-separated list of event classes such as `system,call`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventMask(pub String);

impl<'de> Deserialize<'de> for EventMask {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, ',' | '_' | ' ');
        if text.trim().is_empty() || !text.chars().all(allowed) {
            return Err(serde::de::Error::custom(format!(
                "events must be \"on\", \"off\" or a list of event classes like \"system,call\", not {text:?}"
            )));
        }
        Ok(EventMask(text))
    }
}

/// A positive number of seconds (`20`, `2.5`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Seconds(pub Duration);

/// Longer than this is surely a mistake (and would overflow timers).
const MAX_SECONDS: f64 = 86_400.0;

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let secs = f64::deserialize(deserializer)?;
        if !(secs > 0.0 && secs <= MAX_SECONDS) {
            return Err(serde::de::Error::custom(format!(
                "expected a number of seconds above 0 and at most {MAX_SECONDS}, not {secs}"
            )));
        }
        Ok(Seconds(Duration::from_secs_f64(secs)))
    }
}

fn auth_mode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<AuthMode>, D::Error> {
    let text = String::deserialize(deserializer)?;
    match text.as_str() {
        "md5" => Ok(Some(AuthMode::Md5)),
        "plain" => Ok(Some(AuthMode::Plain)),
        _ => Err(serde::de::Error::custom(format!(
            "auth must be \"md5\" or \"plain\", not {text:?}"
        ))),
    }
}

fn fingerprint<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Fingerprint>, D::Error> {
    let text = String::deserialize(deserializer)?;
    Fingerprint::parse(&text).map(Some).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "tls_fingerprint must be \"sha256:\" and 64 hex digits (colons allowed), not {text:?}"
        ))
    })
}

/// The file as TOML sees it, before the checks that span several keys.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    default_server: Option<Spanned<String>>,
    layout: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    servers: IndexMap<String, ServerEntry>,
    #[serde(default)]
    thresholds: Thresholds,
    queue_refresh: Option<Seconds>,
}

/// The panes `layout` names, in order, each once. An empty list is kept:
/// no panes side by side.
fn panes_named(
    names: &[Spanned<String>],
    invalid: &dyn Fn(Option<std::ops::Range<usize>>, String) -> ConfigError,
) -> Result<Vec<Pane>, ConfigError> {
    let mut panes = Vec::new();
    for name in names {
        let pane = Pane::named(name.get_ref())
            .ok_or_else(|| invalid(Some(name.span()), unknown_pane(name.get_ref())))?;
        if panes.contains(&pane) {
            let message = format!("layout names {:?} twice", name.get_ref());
            return Err(invalid(Some(name.span()), message));
        }
        panes.push(pane);
    }
    Ok(panes)
}

fn unknown_pane(name: &str) -> String {
    let known: Vec<&str> = Pane::ALL.iter().map(|pane| pane.name()).collect();
    format!(
        "layout names no pane {name:?} (panes: {})",
        known.join(", ")
    )
}

/// The config file path inside the user config directory
/// (`~/.config/amitop/config.toml` on Linux), if there is a home directory.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "amitop").map(|d| d.config_dir().join(FILE_NAME))
}

impl ConfigFile {
    /// Finds and loads the config: `explicit` (from `--config`) must exist;
    /// the `default` location may be absent, which means "no config file".
    pub fn locate(
        explicit: Option<&Path>,
        default: Option<&Path>,
    ) -> Result<Option<ConfigFile>, ConfigError> {
        match (explicit, default) {
            (Some(path), _) => ConfigFile::load(path).map(Some),
            (None, Some(path)) if path.exists() => ConfigFile::load(path).map(Some),
            (None, _) => Ok(None),
        }
    }

    /// Reads and parses the file at `path`.
    pub fn load(path: &Path) -> Result<ConfigFile, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                ConfigError::NotFound {
                    path: path.to_owned(),
                }
            } else {
                ConfigError::Unreadable {
                    path: path.to_owned(),
                    source,
                }
            }
        })?;
        let mut file = ConfigFile::parse(path, &text)?;
        file.mode = permission_bits(path);
        Ok(file)
    }

    /// Parses config text; `path` is used for messages and to resolve a
    /// relative `ca_file` against the file's directory.
    pub fn parse(path: &Path, text: &str) -> Result<ConfigFile, ConfigError> {
        let invalid = |span: Option<std::ops::Range<usize>>, message: String| {
            let (line, column) = span.map_or((1, 1), |s| line_and_column(text, s.start));
            ConfigError::Invalid {
                path: path.to_owned(),
                line,
                column,
                message,
            }
        };
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| invalid(e.span(), e.message().to_owned()))?;

        if let Some(name) = &raw.default_server
            && !raw.servers.contains_key(name.get_ref())
        {
            let name_text = name.get_ref();
            return Err(invalid(
                Some(name.span()),
                format!(
                    "default_server is {name_text:?}, but there is no [servers.{name_text}] table"
                ),
            ));
        }

        let layout = raw
            .layout
            .as_deref()
            .map(|names| panes_named(names, &invalid))
            .transpose()?;

        let base = path.parent().unwrap_or(Path::new(""));
        let mut servers = raw.servers;
        for entry in servers.values_mut() {
            if let Some(ca) = entry.ca_file.take() {
                entry.ca_file = Some(base.join(ca));
            }
        }
        Ok(ConfigFile {
            path: path.to_owned(),
            default_server: raw.default_server.map(Spanned::into_inner),
            servers,
            mode: None,
            thresholds: raw.thresholds,
            queue_refresh: raw.queue_refresh.map_or(QUEUE_REFRESH, |s| s.0),
            layout,
        })
    }

    /// A warning when the file holds a `secret` and group or others may read
    /// it (Unix only: elsewhere the mode is unknown).
    pub fn secret_exposure_warning(&self) -> Option<String> {
        let mode = self.mode?;
        let holds_secret = self.servers.values().any(|s| s.secret.is_some());
        (holds_secret && mode & 0o077 != 0).then(|| {
            format!(
                "warning: {} holds a secret and is readable by others (mode {:03o}); \
                 run `chmod 600 {}` or use secret_env",
                self.path.display(),
                mode & 0o777,
                self.path.display()
            )
        })
    }
}

#[cfg(unix)]
fn permission_bits(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).ok().map(|m| m.permissions().mode())
}

#[cfg(not(unix))]
fn permission_bits(_path: &Path) -> Option<u32> {
    None
}

/// 1-based line and column (in characters) of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ConfigFile, ConfigError> {
        ConfigFile::parse(Path::new("/etc/amitop/config.toml"), text)
    }

    fn invalid_at(text: &str) -> (usize, usize, String) {
        match parse(text) {
            Err(ConfigError::Invalid {
                line,
                column,
                message,
                ..
            }) => (line, column, message),
            other => panic!("expected an Invalid error, got {other:?}"),
        }
    }

    #[test]
    fn servers_keep_file_order_and_every_key_parses() {
        let file = parse(
            r#"
[servers.zeta]
host = "pbx.example.com"
port = 5039
username = "amitop"
secret_env = "PBX_SECRET"
tls = true
ca_file = "ca.pem"
events = "system,call"
ping_interval = 2.5
action_timeout = 30
auth = "plain"

[servers.alpha]
host = "10.0.0.1"
"#,
        )
        .unwrap();
        assert_eq!(file.servers.keys().collect::<Vec<_>>(), ["zeta", "alpha"]);
        let zeta = &file.servers["zeta"];
        assert_eq!(zeta.port.map(NonZeroU16::get), Some(5039));
        assert_eq!(zeta.tls, Some(true));
        assert_eq!(
            zeta.ca_file.as_deref(),
            Some(Path::new("/etc/amitop/ca.pem"))
        );
        assert_eq!(zeta.events, Some(EventMask("system,call".into())));
        assert_eq!(
            zeta.ping_interval,
            Some(Seconds(Duration::from_millis(2500)))
        );
        assert_eq!(zeta.action_timeout, Some(Seconds(Duration::from_secs(30))));
        assert_eq!(zeta.auth, Some(AuthMode::Plain));
        assert_eq!(file.default_server, None);
    }

    #[test]
    fn a_typo_in_a_key_is_named_with_its_line() {
        let (line, column, message) = invalid_at("[servers.a]\nhost = \"x\"\nhots = \"y\"\n");
        assert_eq!((line, column), (3, 1));
        assert!(message.contains("unknown field `hots`"), "{message}");
        let (line, _, message) = invalid_at("defualt_server = \"a\"\n");
        assert_eq!(line, 1);
        assert!(message.contains("defualt_server"), "{message}");
    }

    #[test]
    fn bad_values_are_refused_with_their_line() {
        for (text, needle) in [
            ("[servers.a]\n\nport = 0\n", "nonzero"),
            ("[servers.a]\n\nport = 70000\n", "70000"),
            ("[servers.a]\n\nauth = \"digest\"\n", "md5"),
            ("[servers.a]\n\nping_interval = 0\n", "seconds"),
            ("[servers.a]\n\naction_timeout = -1\n", "seconds"),
            (
                "[servers.a]\n\nevents = \"on\\r\\nAction: Hangup\"\n",
                "events",
            ),
            ("[servers.a]\n\ntls = \"yes\"\n", "bool"),
        ] {
            let (line, _, message) = invalid_at(text);
            assert_eq!(line, 3, "{text}");
            assert!(message.contains(needle), "{text}: {message}");
        }
    }

    #[test]
    fn malformed_toml_names_the_line() {
        let (line, _, _) = invalid_at("[servers.a]\nhost = \"unterminated\n");
        assert_eq!(line, 2);
    }

    #[test]
    fn default_server_must_name_a_table() {
        let (line, column, message) = invalid_at("\ndefault_server = \"prod\"\n[servers.test]\n");
        assert_eq!((line, column), (2, 18));
        assert!(message.contains("[servers.prod]"), "{message}");
        let file = parse("default_server = \"test\"\n[servers.test]\n").unwrap();
        assert_eq!(file.default_server.as_deref(), Some("test"));
    }

    #[test]
    fn an_explicit_path_must_exist_but_the_default_may_not() {
        let missing = Path::new("/nonexistent/amitop.toml");
        assert!(matches!(
            ConfigFile::locate(Some(missing), None),
            Err(ConfigError::NotFound { .. })
        ));
        assert!(ConfigFile::locate(None, Some(missing)).unwrap().is_none());
        assert!(ConfigFile::locate(None, None).unwrap().is_none());
    }

    #[test]
    fn a_readable_secret_is_warned_about_and_a_private_one_is_not() {
        let mut file = parse("[servers.a]\nsecret = \"s3cret\"\n").unwrap();
        file.mode = Some(0o100644);
        let warning = file.secret_exposure_warning().unwrap();
        assert!(warning.contains("644") && warning.contains("chmod 600"));
        assert!(!warning.contains("s3cret"));
        file.mode = Some(0o100600);
        assert_eq!(file.secret_exposure_warning(), None);

        let mut env_only = parse("[servers.a]\nsecret_env = \"X\"\n").unwrap();
        env_only.mode = Some(0o100644);
        assert_eq!(env_only.secret_exposure_warning(), None);
    }

    /// The keys a table accepts, as serde lists them when refusing an
    /// unknown one, so the check below follows the schema by itself.
    fn accepted_keys(table: &str) -> Vec<String> {
        let (_, _, message) = invalid_at(&format!("{table}\nno_such_key = 1\n"));
        let expected = message.split("expected").nth(1).unwrap().to_owned();
        expected
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn the_example_config_parses_and_documents_every_key() {
        let example = include_str!("../../config.example.toml");
        let file = parse(example).unwrap();
        assert_eq!(file.default_server.as_deref(), Some("office"));
        assert_eq!(file.servers.keys().collect::<Vec<_>>(), ["office", "lab"]);

        let mut keys = accepted_keys("");
        keys.extend(accepted_keys("[servers.a]"));
        assert!(keys.len() > 10, "{keys:?}");
        for key in keys {
            let documented = example.lines().any(|line| {
                let line = line.trim_start_matches(['#', ' ']);
                line.starts_with(&format!("{key} =")) || line.starts_with(&format!("[{key}."))
            });
            assert!(documented, "config.example.toml does not show `{key}`");
        }
    }

    #[test]
    fn layout_names_panes_and_an_unknown_one_is_refused_with_its_line() {
        let file = parse("layout = [\"events\", \"calls\"]\n").unwrap();
        assert_eq!(file.layout, Some(vec![Pane::Events, Pane::Calls]));
        assert_eq!(parse("").unwrap().layout, None);
        assert_eq!(parse("layout = []\n").unwrap().layout, Some(vec![]));
        let (line, column, message) = invalid_at("\nlayout = [\"calls\", \"agnets\"]\n");
        assert_eq!((line, column), (2, 20));
        assert!(message.contains("\"agnets\""), "{message}");
        assert!(message.contains("registrations"), "{message}");
        let (_, _, message) = invalid_at("layout = [\"calls\", \"calls\"]\n");
        assert!(message.contains("twice"), "{message}");
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let file = parse("[servers.a]\nsecret = \"s3cret\"\n").unwrap();
        assert!(!format!("{file:?}").contains("s3cret"));
    }
}
