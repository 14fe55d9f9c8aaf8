//! Which Asterisk the simulator plays: which modules are loaded, which
//! actions exist, and how `ListCommands` lists them.
//!
//! Why it exists: amitop must ask a server only what it has (an unknown
//! action raises a `RequestBadFormat` security event on a real PBX). The
//! profiles are the servers seen in the field: one with chan_sip and no
//! PJSIP (Asterisk 20 as in `asterisk20-sip/`), one with neither (Asterisk 22
//! as in `e7_listcommands.ami`), and Asterisk 1.4 (AMI 1.0: no
//! `CoreShowChannels`, `CoreSettings`, bridges, `QueueSummary` or
//! registration lists; `IAXpeers` answers CLI text without a Response
//! header; an action runs only for a user holding every class it names).

/// A server the simulator can be.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ServerProfile {
    /// chan_sip and chan_iax2 loaded, no PJSIP (Asterisk 20).
    #[default]
    WithoutPjsip,
    /// Neither chan_sip nor PJSIP; chan_iax2 only (Asterisk 22).
    WithoutChanSip,
    /// Asterisk 1.4 (AMI 1.0).
    Asterisk14,
    /// Asterisk 20 with res_parking, app_confbridge and app_meetme not
    /// loaded (`noload` in modules.conf): no parking or conference action.
    WithoutParkingOrConferences,
}

/// Actions app_confbridge registers (the simulator offers them on
/// Asterisk 12 and later).
pub(super) const CONFBRIDGE: &[&str] = &[
    "ConfbridgeList",
    "ConfbridgeListRooms",
    "ConfbridgeMute",
    "ConfbridgeUnmute",
    "ConfbridgeKick",
    "ConfbridgeLock",
    "ConfbridgeUnlock",
];

/// Actions chan_sip registers.
const CHAN_SIP: &[&str] = &["SIPpeers", "SIPshowregistry"];

/// Actions res_parking and app_meetme register (app_confbridge's are
/// [`CONFBRIDGE`]).
const PARKING_AND_MEETME: &[&str] = &[
    "Park",
    "ParkedCalls",
    "Parkinglots",
    "MeetmeList",
    "MeetmeMute",
    "MeetmeUnmute",
];

/// Actions the simulator implements that Asterisk 1.4 did not have
/// (besides [`CONFBRIDGE`]).
const NOT_IN_1_4: &[&str] = &[
    "CoreSettings",
    "CoreStatus",
    "CoreShowChannels",
    "BridgeList",
    "BridgeInfo",
    "Atxfer",
    "QueueSummary",
    "QueueRule",
    "QueuePenalty",
    "ModuleCheck",
    "ModuleLoad",
    "Reload",
    "SIPshowregistry",
    "IAXregistry",
    "Park",
    "Parkinglots",
    "MeetmeList",
    "VoicemailUsersList",
    "VoicemailBoxSummary",
    "DAHDIShowChannels",
    "IAXpeerlist",
    "ExtensionStateList",
    "DeviceStateList",
    "PresenceStateList",
];

impl ServerProfile {
    /// Whether this server has `action` (a module providing it is loaded).
    pub fn has(self, action: &str) -> bool {
        let lacking: &[&[&str]] = match self {
            ServerProfile::WithoutPjsip => &[],
            ServerProfile::WithoutChanSip => &[CHAN_SIP],
            ServerProfile::Asterisk14 => &[NOT_IN_1_4, CONFBRIDGE],
            ServerProfile::WithoutParkingOrConferences => &[PARKING_AND_MEETME, CONFBRIDGE],
        };
        !lacking
            .iter()
            .flat_map(|list| list.iter())
            .any(|a| a.eq_ignore_ascii_case(action))
    }

    /// Whether chan_sip is loaded (SIP peers and registrations exist).
    pub fn has_chan_sip(self) -> bool {
        self.has("SIPpeers")
    }

    /// The `Priv:` classes `ListCommands` shows for `action` where this
    /// server registers it differently from Asterisk 12+ (1.4's chan_sip,
    /// chan_iax2 and manager.c).
    pub fn privilege(self, action: &str) -> Option<&'static str> {
        const IN_1_4: &[(&str, &str)] = &[
            ("IAXpeers", "<none>"),
            ("SIPpeers", "system,all"),
            ("Status", "call,all"),
            ("Hangup", "call,all"),
            // 1.4 had no `reporting` class.
            ("MailboxCount", "call,all"),
            ("MailboxStatus", "call,all"),
            ("SIPshowpeer", "system,all"),
            ("ParkedCalls", "<none>"),
        ];
        if !self.is_1_4() {
            return None;
        }
        IN_1_4
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(action))
            .map(|(_, privilege)| *privilege)
    }

    /// Asterisk 1.4: raises no security events (they came with 1.8), says
    /// just `Invalid/unknown command`, and answers `IAXpeers` with CLI text.
    pub fn is_1_4(self) -> bool {
        self == ServerProfile::Asterisk14
    }
}
