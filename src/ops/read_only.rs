//! The one rule read-only mode obeys: an allow-list of AMI actions that
//! change nothing on the PBX. Every path that sends an action (the
//! dashboard's operator, `amitop send`) asks [`read_only_allows`] first, so
//! a new action, an unknown name or `Command` is refused unless it is
//! known to be harmless.

/// Actions allowed by name (compared case-insensitively, like Asterisk).
const ALLOWED: &[&str] = &[
    "Login",
    "Logoff",
    "Challenge",
    "Ping",
    "Events",
    "ListCommands",
    "CoreSettings",
    "CoreStatus",
    "Status",
    "QueueSummary",
    "QueueRule",
    "ModuleCheck",
    "Getvar",
    "MWIGet",
    "MailboxCount",
    "MailboxStatus",
    "ExtensionState",
    "IAXpeers",
    "IAXregistry",
    "IAXnetstats",
    "SIPpeers",
    "Agents",
    "ParkedCalls",
    "Parkinglots",
    "ConfbridgeListRooms",
    "MeetmeListRooms",
    "WaitEvent",
];

/// Families of read actions, by the shape of their name: the lists
/// (`BridgeList`, `IAXpeerlist`), the status reports (`QueueStatus`,
/// `ExtensionStateList` aside) and the show actions (`CoreShowChannels`,
/// `SIPshowpeer`, `PJSIPShowEndpoints`).
fn read_family(lower: &str) -> bool {
    lower.ends_with("list") || lower.ends_with("status") || lower.contains("show")
}

/// Whether read-only mode lets `action` through: it is a read (a list, a
/// status, a show, or one of the named harmless actions). Everything else
/// is refused, unknown names and `Command` included.
pub fn read_only_allows(action: &str) -> bool {
    let lower = action.trim().to_ascii_lowercase();
    if lower.is_empty() {
        return false;
    }
    ALLOWED.iter().any(|name| name.eq_ignore_ascii_case(&lower)) || read_family(&lower)
}

/// The sentence shown when read-only mode refuses `action`.
pub fn read_only_refusal(action: &str) -> String {
    format!(
        "read-only mode: {action} was not sent (only actions that change nothing are allowed; \
         started with --read-only or read_only = true)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pass_whatever_their_case() {
        for action in [
            "Login",
            "logoff",
            "Challenge",
            "Ping",
            "Events",
            "ListCommands",
            "CoreSettings",
            "CoreStatus",
            "CoreShowChannels",
            "BridgeList",
            "QueueStatus",
            "QueueSummary",
            "QueueRule",
            "ModuleCheck",
            "Getvar",
            "MWIGet",
            "MailboxCount",
            "SIPshowregistry",
            "SIPpeers",
            "PJSIPShowEndpoints",
            "PJSIPShowRegistrationsOutbound",
            "IAXpeerlist",
            "IAXregistry",
            "Status",
            "DeviceStateList",
            "ParkedCalls",
            "Parkinglots",
            "ConfbridgeList",
            "ConfbridgeListRooms",
            "MeetmeList",
        ] {
            assert!(read_only_allows(action), "{action}");
        }
    }

    #[test]
    fn everything_else_is_refused() {
        for action in [
            "Hangup",
            "Originate",
            "Redirect",
            "Atxfer",
            "Command",
            "ModuleLoad",
            "QueuePause",
            "QueuePenalty",
            "QueueAdd",
            "QueueRemove",
            "Setvar",
            "Reload",
            "UserEvent",
            "Park",
            "ConfbridgeMute",
            "ConfbridgeUnmute",
            "ConfbridgeKick",
            "ConfbridgeLock",
            "ConfbridgeUnlock",
            "MeetmeMute",
            "MeetmeUnmute",
            "NoSuchAction",
            "",
            "  ",
        ] {
            assert!(!read_only_allows(action), "{action:?}");
        }
        assert!(read_only_refusal("Hangup").contains("Hangup was not sent"));
    }
}
