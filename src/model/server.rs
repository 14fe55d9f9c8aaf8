//! What the server says about itself: versions, name, limits, uptime,
//! boot and shutdown, and module load/unload/reload activity.
//!
//! Sources: the banner, the `CoreSettings` and `CoreStatus` replies (plain
//! responses, recognised by their headers), and the `FullyBooted`,
//! `Shutdown`, `Reload`, `Load`, `Unload` and 1.1 `ModuleLoad` report events.

use std::collections::BTreeMap;

use serde::Serialize;

use super::channels::set;
use super::fields::number;
use crate::ami::{Banner, Message};

/// Module activity entries kept (one per module, newest wins).
const MAX_MODULES: usize = 256;

/// The server, in the shape of the `--json` document.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Server {
    pub ami_version: String,
    pub asterisk_version: String,
    pub system_name: String,
    /// Server local time of startup, as the server wrote it.
    pub startup: String,
    /// Server local time of the last reload.
    pub reload: String,
    pub current_calls: Option<u64>,
    pub fully_booted: bool,
    /// Epoch seconds the server started and last reloaded, from the
    /// `Uptime`/`LastReload` seconds of `FullyBooted` (Asterisk 12+), which
    /// unlike `startup` need no knowledge of the server's time zone.
    #[serde(skip)]
    pub booted_at: Option<f64>,
    #[serde(skip)]
    pub reloaded_at: Option<f64>,
    #[serde(skip)]
    pub max_calls: Option<u64>,
    #[serde(skip)]
    pub max_load: Option<f64>,
    /// Set by a `Shutdown` event (`Cleanly`/`Uncleanly`), cleared by a banner.
    #[serde(skip)]
    pub shutdown: Option<String>,
    /// Last load/unload/reload seen per module.
    #[serde(skip)]
    pub modules: BTreeMap<String, ModuleActivity>,
    /// The 1.1 module-load report (`ModuleLoadStatus`, `ModuleCount`).
    #[serde(skip)]
    pub module_load: Option<ModuleLoadReport>,
}

/// One module event.
#[derive(Clone, Debug, PartialEq)]
pub struct ModuleActivity {
    /// `Load`, `Unload` or `Reload`.
    pub action: String,
    /// As sent: `Success`, `0`, `enabled`, `disabled`...
    pub status: String,
    /// Epoch seconds it was applied.
    pub at: f64,
}

/// The 1.1 `ModuleLoad` report: module loading is complete.
#[derive(Clone, Debug, PartialEq)]
pub struct ModuleLoadReport {
    pub status: String,
    pub selection: String,
    pub count: Option<u64>,
}

impl Server {
    /// A (re)connection greeting: the AMI version, and a fresh boot state.
    pub fn apply_banner(&mut self, banner: &Banner) {
        let version = match banner.version {
            Some(v) => v.to_string(),
            None => banner
                .text
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_owned(),
        };
        self.ami_version = version;
        self.shutdown = None;
        self.fully_booted = false;
    }

    /// `CoreSettings` and `CoreStatus` replies; other responses say nothing
    /// about the server.
    pub fn apply_response(&mut self, msg: &Message) {
        if msg.has("AMIversion") {
            let text = [
                ("AMIversion", &mut self.ami_version),
                ("AsteriskVersion", &mut self.asterisk_version),
                ("SystemName", &mut self.system_name),
            ];
            for (key, field) in text {
                if let Some(value) = msg.get(key) {
                    set(field, &value);
                }
            }
            self.max_calls = number(msg, &["CoreMaxCalls"]);
            self.max_load = number(msg, &["CoreMaxLoadAvg"]);
        }
        if msg.has("CoreStartupTime") || msg.has("CoreCurrentCalls") {
            self.startup = date_time(msg, "CoreStartupDate", "CoreStartupTime");
            self.reload = date_time(msg, "CoreReloadDate", "CoreReloadTime");
            self.current_calls = number(msg, &["CoreCurrentCalls"]);
        }
    }

    /// Server events; false for anything else.
    pub fn apply_event(&mut self, msg: &Message, event: &str, now: f64) -> bool {
        match event {
            "fullybooted" => {
                self.fully_booted = true;
                self.shutdown = None;
                let ago = |key| number::<u64>(msg, &[key]).map(|secs| now - secs as f64);
                self.booted_at = ago("Uptime").or(self.booted_at);
                self.reloaded_at = ago("LastReload").or(self.reloaded_at);
            }
            "shutdown" => {
                self.fully_booted = false;
                self.shutdown = Some(msg.get_or_empty("Shutdown").into_owned());
            }
            "reload" | "load" | "unload" => {
                let action = match event {
                    "reload" => "Reload",
                    "load" => "Load",
                    _ => "Unload",
                };
                let module = msg.get_or_empty("Module").into_owned();
                let status = msg.get_or_empty("Status").into_owned();
                if self.modules.len() < MAX_MODULES || self.modules.contains_key(&module) {
                    let activity = ModuleActivity {
                        action: action.to_owned(),
                        status,
                        at: now,
                    };
                    self.modules.insert(module, activity);
                }
            }
            "moduleload" | "moduleloadreport" => {
                self.module_load = Some(ModuleLoadReport {
                    status: msg.get_or_empty("ModuleLoadStatus").into_owned(),
                    selection: msg.get_or_empty("ModuleSelection").into_owned(),
                    count: number(msg, &["ModuleCount"]),
                });
            }
            _ => return false,
        }
        true
    }
}

/// `2026-11-26 22:08:11` from a date and a time header (1.1 sends only the time).
fn date_time(msg: &Message, date_key: &str, time_key: &str) -> String {
    let date = msg.get_or_empty(date_key);
    let time = msg.get_or_empty(time_key);
    match (date.is_empty(), time.is_empty()) {
        (false, false) => format!("{date} {time}"),
        (true, _) => time.into_owned(),
        (false, true) => date.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_settings_and_status_replies_fill_the_server() {
        let mut server = Server::default();
        server.apply_response(&Message::from_pairs([
            ("Response", "Success"),
            ("AMIversion", "1.1"),
            ("AsteriskVersion", "SVN-oej"),
            ("SystemName", "EDVINA-node-a"),
            ("CoreMaxCalls", "120"),
            ("CoreMaxLoadAvg", "0.000000"),
        ]));
        server.apply_response(&Message::from_pairs([
            ("Response", "Success"),
            ("CoreStartupTime", "22:35:17"),
            ("CoreReloadTime", "22:35:18"),
            ("CoreCurrentCalls", "20"),
        ]));
        assert_eq!(server.ami_version, "1.1");
        assert_eq!(server.system_name, "EDVINA-node-a");
        assert_eq!(server.max_calls, Some(120));
        assert_eq!(server.startup, "22:35:17");
        assert_eq!(server.reload, "22:35:18");
        assert_eq!(server.current_calls, Some(20));
    }

    #[test]
    fn fully_booted_tells_when_the_server_started_and_reloaded() {
        let mut server = Server::default();
        let booted = Message::from_pairs([
            ("Event", "FullyBooted"),
            ("Privilege", "system,all"),
            ("Uptime", "7200"),
            ("LastReload", "60"),
            ("Status", "Fully Booted"),
        ]);
        assert!(server.apply_event(&booted, "fullybooted", 10_000.0));
        assert_eq!(server.booted_at, Some(2_800.0));
        assert_eq!(server.reloaded_at, Some(9_940.0));

        // The 1.1 event has no Uptime: what is known stays.
        let legacy = Message::from_pairs([("Event", "FullyBooted"), ("Status", "Fully Booted")]);
        server.apply_event(&legacy, "fullybooted", 20_000.0);
        assert_eq!(server.booted_at, Some(2_800.0));
    }

    #[test]
    fn other_responses_change_nothing() {
        let mut server = Server::default();
        server.apply_response(&Message::from_pairs([
            ("Response", "Success"),
            ("Message", "Authentication accepted"),
        ]));
        assert_eq!(server, Server::default());
    }
}
