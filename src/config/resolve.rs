//! Merging the sources of a connection's settings into one `SessionConfig`.
//!
//! A pure function: the environment is passed in as a lookup, so the
//! precedence rules (flags > `AMITOP_SECRET` > `secret_env` > `secret`) are
//! tested without touching the process environment.

use std::path::PathBuf;

use super::{ConfigError, ConfigFile, ServerEntry};
use crate::ami::session::SessionConfig;
use crate::ops::supervise::SupervisorSettings;

/// The environment variable that overrides every configured secret.
pub const SECRET_ENV: &str = "AMITOP_SECRET";

/// The AMI port without and with TLS.
const PLAIN_PORT: u16 = 5038;
const TLS_PORT: u16 = 5039;
const DEFAULT_HOST: &str = "127.0.0.1";

/// What the command line says about the connection. There is deliberately no
/// secret here: a flag would show in `ps`.
#[derive(Clone, Debug, Default)]
pub struct ConnectionFlags {
    pub server: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub user: Option<String>,
    pub tls: bool,
    pub ca_file: Option<PathBuf>,
}

/// Picks the server and merges flags, environment and file into the settings
/// of one connection. `env` looks up an environment variable.
pub fn resolve(
    file: Option<&ConfigFile>,
    flags: &ConnectionFlags,
    env: impl Fn(&str) -> Option<String>,
) -> Result<SessionConfig, ConfigError> {
    let selected = select_server(file, flags.server.as_deref())?;
    let name = selected.map(|(name, _)| name);
    let entry = &selected.map(|(_, entry)| entry.clone()).unwrap_or_default();
    let server_label = || match name {
        Some(name) => format!("[servers.{name}]"),
        None => "this connection".to_owned(),
    };

    let tls = flags.tls || entry.tls.unwrap_or(false);
    let ca_file = flags.ca_file.clone().or_else(|| entry.ca_file.clone());
    if let (Some(ca), false) = (&ca_file, tls) {
        return Err(ConfigError::CaFileWithoutTls {
            ca_file: ca.clone(),
        });
    }
    if let (Some(fingerprint), false) = (entry.tls_fingerprint, tls) {
        return Err(ConfigError::FingerprintWithoutTls { fingerprint });
    }
    let host = flags
        .host
        .clone()
        .or_else(|| entry.host.clone())
        .unwrap_or_else(|| DEFAULT_HOST.to_owned());
    let port = flags
        .port
        .or(entry.port.map(|p| p.get()))
        .unwrap_or(if tls { TLS_PORT } else { PLAIN_PORT });
    let username = flags
        .user
        .clone()
        .or_else(|| entry.username.clone())
        .ok_or_else(|| ConfigError::MissingUsername {
            server: server_label(),
        })?;
    let secret = pick_secret(entry, &env).ok_or_else(|| ConfigError::MissingSecret {
        server: server_label(),
        unset_secret_env: entry.secret_env.clone(),
    })?;

    let mut config = SessionConfig::new(host, port, username, secret);
    config.tls = tls;
    config.ca_file = ca_file;
    config.tls_fingerprint = entry.tls_fingerprint;
    if let Some(auth) = entry.auth {
        config.auth = auth;
    }
    if let Some(events) = &entry.events {
        config.events = events.0.clone();
    }
    if let Some(interval) = entry.ping_interval {
        config.ping_interval = interval.0;
    }
    if let Some(timeout) = entry.action_timeout {
        config.action_timeout = timeout.0;
    }
    Ok(config)
}

/// Whether operator actions are disabled: by `--read-only` (`flag`), or
/// by `read_only = true` in the selected server's table.
pub fn read_only(
    file: Option<&ConfigFile>,
    flags: &ConnectionFlags,
    flag: bool,
) -> Result<bool, ConfigError> {
    if flag {
        return Ok(true);
    }
    let selected = select_server(file, flags.server.as_deref())?;
    Ok(selected.and_then(|(_, entry)| entry.read_only) == Some(true))
}

/// The supervisor's phone and recordings of the selected server (the
/// defaults where its table says nothing).
pub fn supervisor(
    file: Option<&ConfigFile>,
    flags: &ConnectionFlags,
) -> Result<SupervisorSettings, ConfigError> {
    let selected = select_server(file, flags.server.as_deref())?;
    let mut settings = SupervisorSettings::default();
    let Some((_, entry)) = selected else {
        return Ok(settings);
    };
    settings.phone = entry.supervisor.clone().filter(|p| !p.trim().is_empty());
    if let Some(template) = &entry.recording_file {
        settings.recording.template = template.clone();
    }
    if let Some(options) = &entry.recording_options {
        settings.recording.options = options.clone();
    }
    Ok(settings)
}

/// The server named by `--server`, else `default_server`, else the first
/// table in the file; `None` when there is nothing to select from (every
/// setting then comes from flags, environment and defaults).
fn select_server<'a>(
    file: Option<&'a ConfigFile>,
    wanted: Option<&str>,
) -> Result<Option<(&'a str, &'a ServerEntry)>, ConfigError> {
    let Some(file) = file else {
        return match wanted {
            Some(name) => Err(ConfigError::NoConfigForServer {
                name: name.to_owned(),
            }),
            None => Ok(None),
        };
    };
    let name = wanted.or(file.default_server.as_deref());
    let found = match name {
        Some(name) => file.servers.get_key_value(name),
        None => file.servers.first(),
    };
    match (found, name) {
        (Some((name, entry)), _) => Ok(Some((name.as_str(), entry))),
        (None, Some(name)) => Err(ConfigError::UnknownServer {
            name: name.to_owned(),
            path: file.path.clone(),
            known: file.servers.keys().cloned().collect(),
        }),
        (None, None) => Ok(None),
    }
}

/// `AMITOP_SECRET`, else the variable named by `secret_env`, else `secret`.
/// An empty variable counts as unset.
fn pick_secret(entry: &ServerEntry, env: &impl Fn(&str) -> Option<String>) -> Option<String> {
    let from_env = |name: &str| env(name).filter(|v| !v.is_empty());
    from_env(SECRET_ENV)
        .or_else(|| entry.secret_env.as_deref().and_then(from_env))
        .or_else(|| entry.secret.clone())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::path::Path;
    use std::time::Duration;

    use super::*;
    use crate::ami::session::AuthMode;

    const FILE: &str = r#"
[servers.office]
host = "office.example.com"
username = "ops"
secret = "from-file"
secret_env = "OFFICE_SECRET"

[servers.lab]
host = "lab.example.com"
port = 15038
username = "lab"
secret = "lab-secret"
tls = true
auth = "plain"
events = "system,call"
ping_interval = 5
action_timeout = 3
"#;

    fn file(text: &str) -> ConfigFile {
        ConfigFile::parse(Path::new("/home/u/.config/amitop/config.toml"), text).unwrap()
    }

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn flags(server: Option<&str>) -> ConnectionFlags {
        ConnectionFlags {
            server: server.map(str::to_owned),
            ..ConnectionFlags::default()
        }
    }

    #[test]
    fn without_a_config_flags_and_defaults_are_enough() {
        let flags = ConnectionFlags {
            user: Some("admin".into()),
            ..ConnectionFlags::default()
        };
        let config = resolve(None, &flags, env(&[(SECRET_ENV, "pw")])).unwrap();
        assert_eq!((config.host.as_str(), config.port), ("127.0.0.1", 5038));
        assert_eq!(
            (config.username.as_str(), config.secret.as_str()),
            ("admin", "pw")
        );
        assert!(!config.tls);

        let tls = ConnectionFlags { tls: true, ..flags };
        let config = resolve(None, &tls, env(&[(SECRET_ENV, "pw")])).unwrap();
        assert_eq!(config.port, 5039);
        assert!(config.tls);
    }

    #[test]
    fn the_first_server_is_the_default_and_default_server_overrides_it() {
        let f = file(FILE);
        let config = resolve(Some(&f), &flags(None), env(&[])).unwrap();
        assert_eq!(config.host, "office.example.com");

        let with_default = file(&format!("default_server = \"lab\"\n{FILE}"));
        let config = resolve(Some(&with_default), &flags(None), env(&[])).unwrap();
        assert_eq!(config.host, "lab.example.com");

        let config = resolve(Some(&with_default), &flags(Some("office")), env(&[])).unwrap();
        assert_eq!(config.host, "office.example.com");
    }

    #[test]
    fn every_file_key_reaches_the_session_config() {
        let config = resolve(Some(&file(FILE)), &flags(Some("lab")), env(&[])).unwrap();
        assert_eq!(config.port, 15038);
        assert!(config.tls);
        assert_eq!(config.auth, AuthMode::Plain);
        assert_eq!(config.events, "system,call");
        assert_eq!(config.ping_interval, Duration::from_secs(5));
        assert_eq!(config.action_timeout, Duration::from_secs(3));
    }

    #[test]
    fn flags_override_the_file() {
        let flags = ConnectionFlags {
            server: Some("lab".into()),
            host: Some("10.1.1.1".into()),
            port: Some(6000),
            user: Some("other".into()),
            tls: false,
            ca_file: Some("/tmp/ca.pem".into()),
        };
        let config = resolve(Some(&file(FILE)), &flags, env(&[])).unwrap();
        assert_eq!(config.host, "10.1.1.1");
        assert_eq!(config.port, 6000);
        assert_eq!(config.username, "other");
        assert_eq!(config.ca_file.as_deref(), Some(Path::new("/tmp/ca.pem")));
        // `tls = true` in the file still holds: the flag can only turn TLS on.
        assert!(config.tls);
    }

    #[test]
    fn secret_precedence_is_amitop_secret_then_secret_env_then_secret() {
        let f = file(FILE);
        let secret =
            |vars: &[(&str, &str)]| resolve(Some(&f), &flags(None), env(vars)).unwrap().secret;
        assert_eq!(secret(&[]), "from-file");
        assert_eq!(secret(&[("OFFICE_SECRET", "from-var")]), "from-var");
        assert_eq!(
            secret(&[("OFFICE_SECRET", "from-var"), (SECRET_ENV, "global")]),
            "global"
        );
        assert_eq!(
            secret(&[("OFFICE_SECRET", ""), (SECRET_ENV, "")]),
            "from-file"
        );
    }

    #[test]
    fn a_missing_secret_or_user_is_explained() {
        let f = file("[servers.pbx]\nusername = \"u\"\nsecret_env = \"PBX_PW\"\n");
        match resolve(Some(&f), &flags(None), env(&[])) {
            Err(e @ ConfigError::MissingSecret { .. }) => {
                let text = e.to_string();
                assert!(
                    text.contains("[servers.pbx]") && text.contains("PBX_PW"),
                    "{text}"
                );
                assert!(text.contains(SECRET_ENV), "{text}");
            }
            other => panic!("expected MissingSecret, got {other:?}"),
        }
        assert!(matches!(
            resolve(None, &flags(None), env(&[(SECRET_ENV, "pw")])),
            Err(ConfigError::MissingUsername { .. })
        ));
    }

    #[test]
    fn an_unknown_server_lists_the_known_ones() {
        let err = resolve(Some(&file(FILE)), &flags(Some("prod")), env(&[])).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("prod") && text.contains("office, lab"),
            "{text}"
        );
        assert!(text.contains("config.toml"), "{text}");
        assert!(matches!(
            resolve(None, &flags(Some("prod")), env(&[])),
            Err(ConfigError::NoConfigForServer { .. })
        ));
    }

    #[test]
    fn read_only_comes_from_the_flag_or_the_selected_server() {
        let f = file(&format!("{FILE}read_only = true\n"));
        assert_eq!(f.servers["lab"].read_only, Some(true));
        assert!(!read_only(Some(&f), &flags(Some("office")), false).unwrap());
        assert!(read_only(Some(&f), &flags(Some("office")), true).unwrap());
        assert!(read_only(Some(&f), &flags(Some("lab")), false).unwrap());
        assert!(!read_only(None, &flags(None), false).unwrap());
        assert!(read_only(None, &flags(None), true).unwrap());
    }

    #[test]
    fn the_supervisor_phone_and_recordings_come_from_the_selected_server() {
        let f = file(&format!(
            "{FILE}supervisor = \"PJSIP/200\"\nrecording_file = \"sup/{{uniqueid}}.wav\"\n\
             recording_options = \"b\"\n"
        ));
        let lab = supervisor(Some(&f), &flags(Some("lab"))).unwrap();
        assert_eq!(lab.phone.as_deref(), Some("PJSIP/200"));
        assert_eq!(lab.recording.template, "sup/{uniqueid}.wav");
        assert_eq!(lab.recording.options, "b");
        let office = supervisor(Some(&f), &flags(Some("office"))).unwrap();
        assert_eq!(office, SupervisorSettings::default());
        assert_eq!(supervisor(None, &flags(None)).unwrap().phone, None);
    }

    #[test]
    fn a_ca_file_without_tls_is_refused_rather_than_ignored() {
        let flags = ConnectionFlags {
            user: Some("u".into()),
            ca_file: Some("/tmp/ca.pem".into()),
            ..ConnectionFlags::default()
        };
        assert!(matches!(
            resolve(None, &flags, env(&[(SECRET_ENV, "pw")])),
            Err(ConfigError::CaFileWithoutTls { .. })
        ));
    }
}
