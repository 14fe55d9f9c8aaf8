//! The action that reads what the detail view of a row shows beyond its
//! list entry: everything a driver knows of one peer, a DAHDI port's
//! status, a mailbox's messages.
//!
//! Why it exists: the peers list carries one status line per device, and
//! each driver has its own way to tell the rest. chan_sip answers
//! `SIPshowpeer` about one peer; chan_iax2 has no such action, so its
//! `IAXpeerlist` (whose items carry the `ActionID`) is read whole; PJSIP
//! answers `PJSIPShowEndpoint` about one endpoint; chan_dahdi filters
//! `DAHDIShowChannels` by its `DAHDIChannel` argument; app_voicemail
//! lists a box with `VoicemailBoxSummary` (`Context` and `Mailbox` apart).

use crate::ami::Action;

/// What a row is, for the query: a peer or DAHDI port as the peers rows
/// name it (`SIP/2001`, `IAX2/trunk`, `PJSIP/100`, `DAHDI/1`), or a
/// mailbox (`1001@default`). `None` for anything else.
pub fn detail_query(object: &str) -> Option<Action> {
    if let Some((tech, name)) = object.split_once('/') {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        let action = match tech.to_ascii_uppercase().as_str() {
            "SIP" => Action::new("SIPshowpeer").header("Peer", name),
            "IAX2" | "IAX" => Action::new("IAXpeerlist"),
            "PJSIP" => Action::new("PJSIPShowEndpoint").header("Endpoint", name),
            "DAHDI" => Action::new("DAHDIShowChannels").header("DAHDIChannel", name),
            _ => return None,
        };
        return Some(action);
    }
    let (mailbox, context) = object.split_once('@')?;
    if mailbox.is_empty() || context.is_empty() {
        return None;
    }
    Some(
        Action::new("VoicemailBoxSummary")
            .header("Context", context)
            .header("Mailbox", mailbox),
    )
}

/// The mailbox a query is about, when it reads one (its items do not
/// name their box, so the model is told; see
/// `State::expect_mailbox_summary`).
pub fn queried_mailbox(action: &Action) -> Option<String> {
    if !action.name().eq_ignore_ascii_case("VoicemailBoxSummary") {
        return None;
    }
    Some(format!(
        "{}@{}",
        action.get("Mailbox")?,
        action.get("Context")?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_driver_is_asked_its_own_way() {
        let sip = detail_query("SIP/2002").unwrap();
        assert_eq!(sip, Action::new("SIPshowpeer").header("Peer", "2002"));
        assert_eq!(detail_query("IAX2/trunk").unwrap().name(), "IAXpeerlist");
        assert_eq!(
            detail_query("PJSIP/100").unwrap(),
            Action::new("PJSIPShowEndpoint").header("Endpoint", "100")
        );
        assert_eq!(
            detail_query("DAHDI/4").unwrap(),
            Action::new("DAHDIShowChannels").header("DAHDIChannel", "4")
        );
        let summary = detail_query("1001@default").unwrap();
        assert_eq!(
            summary,
            Action::new("VoicemailBoxSummary")
                .header("Context", "default")
                .header("Mailbox", "1001")
        );
        assert_eq!(queried_mailbox(&summary).as_deref(), Some("1001@default"));
        assert_eq!(queried_mailbox(&sip), None);
        for nothing in ["Local/101@test", "SIP/", "@default", "1001", ""] {
            assert_eq!(detail_query(nothing), None, "{nothing}");
        }
    }
}
