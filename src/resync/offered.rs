//! What the server offers this user, from its answer to `ListCommands`.
//!
//! Why it exists: an action the server does not have answers `Invalid/unknown
//! command` and, on Asterisk 1.8 and later, raises a `RequestBadFormat`
//! security event (severity Error) that security logs and fail2ban-style
//! watchers act on; an action the user may not run raises
//! `RequestNotAllowed`. So the resync asks first and sends only what is
//! listed. `ListCommands` needs no privilege and lists one
//! `Name: synopsis  (Priv: classes)` header per action, but only the actions
//! this user may run, so a missing action is told apart here: not on this
//! server, or not allowed for this user (and which `write =` class would
//! allow it).

use std::collections::HashMap;

use crate::ami::Reply;

/// The write classes each list action of the resync needs, as Asterisk
/// registers them (`ast_manager_register_xml`); empty: anyone logged in.
/// Asterisk 1.6 and later run an action for a user holding any one of its
/// classes; 1.4 wanted all of them.
const NEEDS: &[(&str, &[&str])] = &[
    ("CoreSettings", &["system", "reporting"]),
    ("CoreStatus", &["system", "reporting"]),
    ("CoreShowChannels", &["system", "reporting"]),
    ("Status", &["system", "call", "reporting"]),
    ("BridgeList", &[]),
    ("BridgeInfo", &[]),
    ("QueueStatus", &[]),
    ("QueueSummary", &[]),
    ("SIPshowregistry", &["system", "reporting"]),
    ("SIPpeers", &["system", "reporting"]),
    ("IAXregistry", &["system", "reporting"]),
    ("IAXpeers", &["system", "reporting"]),
    ("PJSIPShowRegistrationsOutbound", &["system", "reporting"]),
    ("PJSIPShowContacts", &["system"]),
    ("ParkedCalls", &["call"]),
    ("Parkinglots", &["call"]),
    ("ConfbridgeListRooms", &["reporting"]),
    ("ConfbridgeList", &["reporting"]),
    ("MeetmeList", &["reporting"]),
    ("ExtensionStateList", &["call", "reporting"]),
    ("DeviceStateList", &["call", "reporting"]),
    ("PresenceStateList", &["call", "reporting"]),
    ("VoicemailUsersList", &["call", "reporting"]),
    ("MailboxCount", &["call", "reporting"]),
    ("DAHDIShowChannels", &["system", "reporting"]),
];

/// The classes `action` needs (none known: anyone may run it).
fn needs(action: &str) -> &'static [&'static str] {
    NEEDS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(action))
        .map_or(&[], |(_, classes)| *classes)
}

/// Whether to send an action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Listed (or nothing is known: the server did not answer the probe).
    Send,
    /// This server does not have it: skip quietly.
    NotOffered,
    /// Missing, and nothing shows this user holds a class it needs; the
    /// hint says which class to grant.
    NotAllowed(String),
}

/// The actions one connection's `ListCommands` listed, with their classes.
#[derive(Clone, Debug, Default)]
pub struct Offered {
    /// Lower-cased action name -> its classes (`all` left out).
    listed: HashMap<String, Vec<String>>,
    /// False when the probe failed: then every action is sent, as before.
    known: bool,
    /// The listed names as the server spells them, sorted.
    names: Vec<String>,
}

impl Offered {
    /// Nothing known: every action is tried.
    pub fn unknown() -> Offered {
        Offered::default()
    }

    /// Reads a `ListCommands` reply. Anything but a success is "unknown".
    pub fn from_list_commands(reply: &Reply) -> Offered {
        if !reply.response.is("Response", "Success") {
            return Offered::unknown();
        }
        let lines: Vec<(String, Vec<String>)> = reply
            .response
            .headers()
            .filter_map(|(name, text)| Some((name.into_owned(), privileges(&text)?)))
            .collect();
        let mut names: Vec<String> = lines.iter().map(|(name, _)| name.clone()).collect();
        names.sort_by_key(|name| name.to_ascii_lowercase());
        let listed: HashMap<String, Vec<String>> = (lines.into_iter())
            .map(|(name, classes)| (name.to_ascii_lowercase(), classes))
            .collect();
        Offered {
            known: !listed.is_empty(),
            listed,
            names,
        }
    }

    /// The actions listed, as the server spells them, sorted (none when
    /// the probe failed).
    pub fn names(&self) -> Vec<String> {
        self.names.clone()
    }

    /// Whether the resync should send `action`.
    pub fn verdict(&self, action: &str) -> Verdict {
        if !self.known || self.listed.contains_key(&action.to_ascii_lowercase()) {
            return Verdict::Send;
        }
        if self.user_may_run(needs(action)) || !self.lists_module_of(action) {
            Verdict::NotOffered
        } else {
            Verdict::NotAllowed(grant_hint(action))
        }
    }

    /// Whether another action of `action`'s module is listed. A module's
    /// actions come together: with none of them listed the module is not
    /// loaded, and that is no news; with a sibling listed and this one
    /// not, it is the user's classes. Core actions are always "listed".
    fn lists_module_of(&self, action: &str) -> bool {
        let lower = action.to_ascii_lowercase();
        let Some(module) = MODULE_PREFIXES.iter().find(|p| lower.starts_with(*p)) else {
            return true;
        };
        self.listed.keys().any(|name| name.starts_with(module))
    }
}

/// The name prefixes of modules whose lists the resync reads and which a
/// server may well not load: res_parking (`Park`, `ParkedCalls`,
/// `Parkinglots`), app_confbridge, app_meetme.
const MODULE_PREFIXES: &[&str] = &["park", "confbridge", "meetme"];

impl Offered {
    /// Whether the list proves this user may run an action needing
    /// `needed`, whichever rule the server applies (any one class, or all
    /// of them): then a missing action is one the server lacks.
    fn user_may_run(&self, needed: &[&str]) -> bool {
        if needed.is_empty() {
            return true;
        }
        let lists = |class: &str| self.listed.values().flatten().any(|c| c == class);
        // A class is proven held where a listed action needs it alone.
        let holds = |class: &str| {
            self.listed
                .values()
                .any(|classes| classes.len() == 1 && classes[0] == class)
        };
        // A listed action needing exactly these classes proves it; so do
        // held classes covering every one this server knows at all (1.4
        // had no `reporting` class: its user with `system` runs everything
        // that needs `system,reporting` today).
        // And where the user's actions name classes, but none of these,
        // they are newer than this server (1.4 had no `reporting`), and
        // so is the action.
        self.listed
            .values()
            .any(|classes| same_classes(classes, needed))
            || (needed.iter().any(|c| holds(c))
                && needed.iter().filter(|c| lists(c)).all(|c| holds(c)))
            || (self.listed.values().any(|classes| !classes.is_empty())
                && !needed.iter().any(|c| lists(c)))
    }
}

/// The classes of one `ListCommands` line, `Originate a call.  (Priv:
/// originate,all)`; `None` for a header that is no such line.
fn privileges(text: &str) -> Option<Vec<String>> {
    let start = text.rfind("(Priv: ")? + "(Priv: ".len();
    let inner = text[start..].strip_suffix(')')?;
    Some(
        inner
            .split(',')
            .map(|class| class.trim().to_ascii_lowercase())
            .filter(|class| !class.is_empty() && class != "all" && class != "<none>")
            .collect(),
    )
}

fn same_classes(listed: &[String], needed: &[&str]) -> bool {
    listed.len() == needed.len()
        && needed
            .iter()
            .all(|n| listed.iter().any(|l| l.eq_ignore_ascii_case(n)))
}

/// What to grant so `action` is allowed, in words for the header's note:
/// `reporting` where it is one of the classes (the class a watch-only user
/// needs for every list), else the first.
pub fn grant_hint(action: &str) -> String {
    let needed = needs(action);
    let class = needed
        .iter()
        .find(|c| **c == "reporting")
        .or(needed.first())
        .copied()
        .unwrap_or("reporting");
    format!("add {class} to the AMI user's write = in manager.conf")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ami::Message;

    fn listing(lines: &[(&str, &str)]) -> Offered {
        let mut pairs = vec![("Response", "Success"), ("ActionID", "1")];
        pairs.extend_from_slice(lines);
        Offered::from_list_commands(&Reply {
            response: Message::from_pairs(pairs),
            events: Vec::new(),
        })
    }

    #[test]
    fn listed_actions_are_sent_and_missing_ones_told_apart() {
        let full = listing(&[
            (
                "CoreSettings",
                "Show PBX core settings.  (Priv: system,reporting,all)",
            ),
            ("ModuleLoad", "Module management.  (Priv: system,all)"),
            ("QueueStatus", "Show queue status.  (Priv: <none>)"),
        ]);
        assert_eq!(full.verdict("coresettings"), Verdict::Send);
        assert_eq!(full.verdict("SIPpeers"), Verdict::NotOffered);
        assert_eq!(full.verdict("PJSIPShowContacts"), Verdict::NotOffered);
        assert_eq!(full.verdict("BridgeList"), Verdict::NotOffered);
        // Nothing needing exactly `system` or `system,reporting` is listed.
        let viewer = listing(&[("QueueStatus", "Show queue status.  (Priv: <none>)")]);
        let Verdict::NotAllowed(hint) = viewer.verdict("CoreShowChannels") else {
            panic!("expected NotAllowed")
        };
        assert!(hint.contains("add reporting"), "{hint}");
        assert_eq!(viewer.verdict("QueueSummary"), Verdict::NotOffered);
    }

    #[test]
    fn without_an_answer_everything_is_tried() {
        let refused = Offered::from_list_commands(&Reply {
            response: Message::from_pairs([("Response", "Error")]),
            events: Vec::new(),
        });
        assert_eq!(refused.verdict("SIPpeers"), Verdict::Send);
        assert!(grant_hint("PJSIPShowContacts").contains("add system"));
    }

    #[test]
    fn a_module_not_loaded_is_no_news_but_a_missing_sibling_is() {
        let call_only = listing(&[
            ("Redirect", "Redirect.  (Priv: call,all)"),
            (
                "Status",
                "List channel status.  (Priv: system,call,reporting,all)",
            ),
        ]);
        // Neither app_confbridge nor res_parking is loaded.
        assert_eq!(
            call_only.verdict("ConfbridgeListRooms"),
            Verdict::NotOffered
        );
        assert_eq!(call_only.verdict("ParkedCalls"), Verdict::NotOffered);
        // app_confbridge is loaded, but its lists need `reporting`.
        let with_confbridge = listing(&[
            ("Redirect", "Redirect.  (Priv: call,all)"),
            (
                "Status",
                "List channel status.  (Priv: system,call,reporting,all)",
            ),
            (
                "ConfbridgeMute",
                "Mute a Confbridge user.  (Priv: call,all)",
            ),
        ]);
        let Verdict::NotAllowed(hint) = with_confbridge.verdict("ConfbridgeList") else {
            panic!("expected NotAllowed")
        };
        assert!(hint.contains("add reporting"), "{hint}");
        // Asterisk 1.4 knew no `reporting` class: its MeetMe had no list.
        let asterisk_1_4 = listing(&[
            ("MeetmeMute", "Mute a Meetme user.  (Priv: call,all)"),
            ("Status", "Lists channel status.  (Priv: call,all)"),
        ]);
        assert_eq!(asterisk_1_4.verdict("MeetmeList"), Verdict::NotOffered);
    }
}
