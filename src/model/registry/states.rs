//! Normalised states of devices, peers, registrations and extensions.
//!
//! Why it exists: the same condition is spelled many ways on the wire
//! (`NOT_INUSE`, queue member `Status: 1`, `OK (3 ms)`, `PeerStatus:
//! Reachable`, `Request Sent`, `StatusText: InUse`), and the UI colours by
//! condition, not by spelling. Each enum serialises as a short readable
//! label; the models keep the raw text beside it for display.

use std::fmt;

/// Declares a state enum with a readable label per variant, used for
/// `Display` and for serialisation.
macro_rules! labelled_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $label:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Short readable text, e.g. for a table cell.
            pub fn label(self) -> &'static str {
                match self {
                    $(Self::$variant => $label,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.label())
            }
        }
    };
}

labelled_enum! {
    /// Asterisk's device state: of a device (`DeviceStateChange`) and of a
    /// queue member (`Status: 0..8`, the same list in the same order).
    pub enum DeviceState {
        #[default]
        Unknown => "unknown",
        NotInUse => "not in use",
        InUse => "in use",
        Busy => "busy",
        Invalid => "invalid",
        Unavailable => "unavailable",
        Ringing => "ringing",
        RingInUse => "ringing, in use",
        OnHold => "on hold",
    }
}

impl DeviceState {
    /// From a queue member's numeric `Status`; out of range is `Unknown`.
    pub fn from_code(code: u32) -> DeviceState {
        match code {
            1 => DeviceState::NotInUse,
            2 => DeviceState::InUse,
            3 => DeviceState::Busy,
            4 => DeviceState::Invalid,
            5 => DeviceState::Unavailable,
            6 => DeviceState::Ringing,
            7 => DeviceState::RingInUse,
            8 => DeviceState::OnHold,
            _ => DeviceState::Unknown,
        }
    }

    /// The numeric code app_queue writes in a member's `Status`.
    pub fn code(self) -> u32 {
        match self {
            DeviceState::Unknown => 0,
            DeviceState::NotInUse => 1,
            DeviceState::InUse => 2,
            DeviceState::Busy => 3,
            DeviceState::Invalid => 4,
            DeviceState::Unavailable => 5,
            DeviceState::Ringing => 6,
            DeviceState::RingInUse => 7,
            DeviceState::OnHold => 8,
        }
    }

    /// From a `DeviceStateChange` `State` (`NOT_INUSE`, `RINGINUSE`, ...).
    pub fn from_name(name: &str) -> DeviceState {
        const NAMES: [(&str, DeviceState); 8] = [
            ("NOT_INUSE", DeviceState::NotInUse),
            ("INUSE", DeviceState::InUse),
            ("BUSY", DeviceState::Busy),
            ("INVALID", DeviceState::Invalid),
            ("UNAVAILABLE", DeviceState::Unavailable),
            ("RINGING", DeviceState::Ringing),
            ("RINGINUSE", DeviceState::RingInUse),
            ("ONHOLD", DeviceState::OnHold),
        ];
        let name = name.trim();
        NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map_or(DeviceState::Unknown, |(_, state)| *state)
    }
}

labelled_enum! {
    /// Whether a peer (chan_sip, IAX2) or PJSIP contact can be reached.
    pub enum PeerState {
        /// Qualify answered in time (`OK (1 ms)`, `Reachable`).
        Reachable => "reachable",
        /// Qualify answered, but slowly (`LAGGED (600 ms)`, `Lagged`).
        Lagged => "lagged",
        /// Registered, not (yet) qualified.
        Registered => "registered",
        Unreachable => "unreachable",
        Unregistered => "unregistered",
        /// A registration attempt was refused (wrong secret).
        Rejected => "rejected",
        /// Qualify is off (`Unmonitored`, PJSIP `NonQualified`).
        Unmonitored => "unmonitored",
        #[default]
        Unknown => "unknown",
    }
}

impl PeerState {
    /// From any of the spellings: `PeerStatus` (events and `SIPpeerstatus`
    /// items), `PeerEntry` `Status` (`OK (1 ms)`, `UNKNOWN`) and PJSIP
    /// contact statuses. `None` for texts that say nothing about
    /// reachability (PJSIP `Created`, `Updated`, `Removed`).
    pub fn parse(text: &str) -> Option<PeerState> {
        let word = text.split_whitespace().next().unwrap_or("");
        let is = |w: &str| word.eq_ignore_ascii_case(w);
        Some(if is("OK") || is("Reachable") {
            PeerState::Reachable
        } else if is("Lagged") {
            PeerState::Lagged
        } else if is("Registered") {
            PeerState::Registered
        } else if is("Unreachable") {
            PeerState::Unreachable
        } else if is("Unregistered") {
            PeerState::Unregistered
        } else if is("Rejected") {
            PeerState::Rejected
        } else if is("Unmonitored") || is("NonQualified") || is("Unqualified") {
            PeerState::Unmonitored
        } else if is("Unknown") || word.is_empty() {
            PeerState::Unknown
        } else {
            return None;
        })
    }

    /// True while the peer answers.
    pub fn is_up(self) -> bool {
        matches!(
            self,
            PeerState::Reachable | PeerState::Lagged | PeerState::Registered
        )
    }
}

/// The round trip in a `PeerEntry` status such as `OK (3 ms)`.
pub fn latency_in_status(text: &str) -> Option<f64> {
    let inner = text.split_once('(')?.1.split_once(')')?.0;
    let ms = inner.trim().strip_suffix("ms")?.trim();
    ms.parse().ok()
}

labelled_enum! {
    /// The state of an outbound registration (this server registering to
    /// another): chan_sip and IAX2 `State`/`Status`, PJSIP `Status`.
    pub enum RegistrationState {
        Registered => "registered",
        /// A request is out (`Request Sent`, `Auth. Sent`).
        Pending => "pending",
        Unregistered => "unregistered",
        /// Given up or refused (`Failed`, `Rejected`, `Timeout`,
        /// `No Authentication`).
        Failed => "failed",
        #[default]
        Unknown => "unknown",
    }
}

impl RegistrationState {
    /// From the registration state text of any channel driver.
    pub fn parse(text: &str) -> RegistrationState {
        let text = text.trim();
        let is = |w: &str| text.eq_ignore_ascii_case(w);
        if is("Registered") {
            RegistrationState::Registered
        } else if is("Request Sent") || is("Auth. Sent") || is("Registering") {
            RegistrationState::Pending
        } else if is("Unregistered") || is("Stopped") {
            RegistrationState::Unregistered
        } else if is("Failed") || is("Rejected") || is("Timeout") || is("No Authentication") {
            RegistrationState::Failed
        } else {
            RegistrationState::Unknown
        }
    }
}

labelled_enum! {
    /// The state of a dialplan hint (`ExtensionStatus`): a bit set of in
    /// use (1), busy (2), unavailable (4), ringing (8) and on hold (16).
    pub enum ExtensionState {
        Idle => "idle",
        InUse => "in use",
        Busy => "busy",
        Unavailable => "unavailable",
        Ringing => "ringing",
        RingInUse => "ringing, in use",
        OnHold => "on hold",
        InUseOnHold => "in use, on hold",
        #[default]
        Unknown => "unknown",
    }
}

impl ExtensionState {
    /// From the numeric `Status`. Negative codes (hint removed) are not
    /// states; the caller drops the hint instead.
    pub fn from_code(code: i32) -> ExtensionState {
        match code {
            0 => ExtensionState::Idle,
            1 => ExtensionState::InUse,
            2 => ExtensionState::Busy,
            4 => ExtensionState::Unavailable,
            8 => ExtensionState::Ringing,
            9 => ExtensionState::RingInUse,
            16 => ExtensionState::OnHold,
            17 => ExtensionState::InUseOnHold,
            _ => ExtensionState::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_codes_and_device_names_agree() {
        for (code, name) in [
            (0, "UNKNOWN"),
            (1, "NOT_INUSE"),
            (2, "INUSE"),
            (3, "BUSY"),
            (4, "INVALID"),
            (5, "UNAVAILABLE"),
            (6, "RINGING"),
            (7, "RINGINUSE"),
            (8, "ONHOLD"),
        ] {
            assert_eq!(DeviceState::from_code(code), DeviceState::from_name(name));
        }
        assert_eq!(DeviceState::from_code(1).label(), "not in use");
        assert_eq!(DeviceState::from_code(99), DeviceState::Unknown);
        assert_eq!(DeviceState::from_name("garbage"), DeviceState::Unknown);
    }

    #[test]
    fn peer_states_from_every_spelling() {
        for (text, state) in [
            ("OK (1 ms)", Some(PeerState::Reachable)),
            ("LAGGED (2500 ms)", Some(PeerState::Lagged)),
            ("UNKNOWN", Some(PeerState::Unknown)),
            ("UNREACHABLE", Some(PeerState::Unreachable)),
            ("Unmonitored", Some(PeerState::Unmonitored)),
            ("NonQualified", Some(PeerState::Unmonitored)),
            ("Registered", Some(PeerState::Registered)),
            ("Updated", None),
        ] {
            assert_eq!(PeerState::parse(text), state, "{text}");
        }
        assert_eq!(latency_in_status("OK (3 ms)"), Some(3.0));
        assert_eq!(latency_in_status("UNKNOWN"), None);
    }

    #[test]
    fn registration_states_from_every_driver() {
        for (text, state) in [
            ("Registered", RegistrationState::Registered),
            ("Request Sent", RegistrationState::Pending),
            ("Failed", RegistrationState::Failed),
            ("Rejected", RegistrationState::Failed),
            ("Unregistered", RegistrationState::Unregistered),
            ("???", RegistrationState::Unknown),
        ] {
            assert_eq!(RegistrationState::parse(text), state, "{text}");
        }
    }

    #[test]
    fn extension_codes_are_bit_sets() {
        assert_eq!(ExtensionState::from_code(0), ExtensionState::Idle);
        assert_eq!(ExtensionState::from_code(9), ExtensionState::RingInUse);
        assert_eq!(ExtensionState::from_code(17), ExtensionState::InUseOnHold);
        assert_eq!(ExtensionState::from_code(3), ExtensionState::Unknown);
        assert_eq!(
            serde_json::to_string(&ExtensionState::InUse).unwrap(),
            "\"in use\""
        );
    }
}
