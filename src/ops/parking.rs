//! The parking actions: park a channel, and pick a parked call up.
//!
//! Asterisk 12+ (`res_parking`): `Park` with `Channel` (the call to park)
//! and `TimeoutChannel` (who gets it back on timeout: the party it talks
//! to, the parker). With no `Parkinglot` the lot is the *parker's*
//! `CHANNEL(parkinglot)`, not the parkee's (see `s4_sip_peer_detail`), so
//! the lot is only sent when the operator names one. Asterisk 1.x
//! (`features.c`) needs `Channel2`, the channel told the space number and
//! returned to on timeout. A parked call is picked up by calling its space
//! in the lot's context (`parkedcalls` for the default lot).

use crate::ami::Action;

/// The context the default lot's spaces live in.
pub const DEFAULT_PARKING_CONTEXT: &str = "parkedcalls";

/// How the server parks: with res_parking (12+) or features.c (1.x).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ParkingApi {
    #[default]
    ResParking,
    Features,
}

impl ParkingApi {
    /// The API of a server with this major version (0 when unknown: the
    /// modern one).
    pub fn for_major_version(major: u32) -> ParkingApi {
        if (1..12).contains(&major) {
            ParkingApi::Features
        } else {
            ParkingApi::ResParking
        }
    }

    /// The API of the server whose `CoreSettings` gave `asterisk_version`
    /// (`22.10.1`, `1.8.32.3`) and whose banner gave `ami_version`: AMI
    /// 1.x is Asterisk 11 or older when the version is not known yet.
    pub fn for_server(asterisk_version: &str, ami_version: &str) -> ParkingApi {
        let major = asterisk_version
            .split('.')
            .next()
            .and_then(|major| major.trim().parse().ok());
        match major {
            Some(major) => ParkingApi::for_major_version(major),
            None if ami_version.starts_with("1.") => ParkingApi::Features,
            None => ParkingApi::ResParking,
        }
    }
}

/// `Park` of `channel`; `parker` is the channel it talks to (it gets the
/// call back on timeout); `lot` only when the operator chose one.
pub fn park(api: ParkingApi, channel: &str, parker: &str, lot: Option<&str>) -> Action {
    let parker_header = match api {
        ParkingApi::ResParking => "TimeoutChannel",
        ParkingApi::Features => "Channel2",
    };
    let action = Action::new("Park")
        .header("Channel", channel)
        .header(parker_header, parker);
    match lot.filter(|l| !l.is_empty()) {
        Some(lot) => action.header("Parkinglot", lot),
        None => action,
    }
}

/// Rings `phone` and connects it to the call parked in `space` of the lot
/// whose spaces are in `context`.
pub fn pick_up(phone: &str, context: &str, space: &str) -> Action {
    Action::new("Originate")
        .header("Channel", phone)
        .header("Context", context)
        .header("Exten", space)
        .header("Priority", "1")
        .header("Async", "true")
}

/// The context of a lot's spaces, from its `park:<space>@<context>` device
/// states (the only place the server names it); the default otherwise.
pub fn lot_context<'a>(devices: impl IntoIterator<Item = &'a str>, space: &str) -> String {
    devices
        .into_iter()
        .filter_map(|d| d.strip_prefix("park:"))
        .find_map(|rest| rest.split_once('@').filter(|(s, _)| *s == space))
        .map_or_else(|| DEFAULT_PARKING_CONTEXT.to_owned(), |(_, c)| c.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modern_park_names_the_parker_and_no_lot_unless_chosen() {
        let action = park(ParkingApi::ResParking, "SIP/2002-8", "SIP/2001-9", None);
        assert_eq!(action.get("TimeoutChannel"), Some("SIP/2001-9"));
        assert_eq!(action.get("Parkinglot"), None);
        assert_eq!(action.get("Channel2"), None);
        let chosen = park(ParkingApi::ResParking, "a", "b", Some("vip"));
        assert_eq!(chosen.get("Parkinglot"), Some("vip"));
    }

    #[test]
    fn legacy_park_needs_channel2() {
        let action = park(ParkingApi::Features, "SIP/a-1", "SIP/b-2", Some(""));
        assert_eq!(action.get("Channel2"), Some("SIP/b-2"));
        assert_eq!(action.get("Parkinglot"), None);
        assert_eq!(ParkingApi::for_major_version(11), ParkingApi::Features);
        assert_eq!(ParkingApi::for_major_version(22), ParkingApi::ResParking);
        assert_eq!(ParkingApi::for_major_version(0), ParkingApi::ResParking);
        assert_eq!(
            ParkingApi::for_server("1.8.32.3", "1.1"),
            ParkingApi::Features
        );
        assert_eq!(ParkingApi::for_server("", "1.1"), ParkingApi::Features);
        assert_eq!(
            ParkingApi::for_server("22.10.1", "11.0.0"),
            ParkingApi::ResParking
        );
        assert_eq!(ParkingApi::for_server("", "11.0.0"), ParkingApi::ResParking);
    }

    #[test]
    fn the_lot_context_comes_from_its_device_states() {
        let devices = [
            "park:701@parkedcalls",
            "park:751@parkedcalls-sip",
            "SIP/2001",
        ];
        assert_eq!(lot_context(devices, "751"), "parkedcalls-sip");
        assert_eq!(lot_context(devices, "701"), "parkedcalls");
        assert_eq!(lot_context(devices, "799"), DEFAULT_PARKING_CONTEXT);
    }
}
