//! Login, Challenge, Logoff, Ping, Events, CoreSettings, CoreStatus and
//! Command, with the replies of Asterisk 22 (`a1`..`a4`, `b1`, `b4` captures).

use md5::{Digest, Md5};

use crate::ami::Message;

use super::{Reply, Request};
use crate::sim::cli;
use crate::sim::clock;
use crate::sim::session::{EventMask, LoggedIn};
use crate::sim::vocab::Dialect;
use crate::sim::wire::{self, Fields};

pub(super) fn login(r: &mut Request) -> Reply {
    if r.session.user.is_some() {
        return r.success("Already authenticated");
    }
    let username = r.header("Username").unwrap_or_default();
    let user = r
        .shared
        .config
        .users
        .iter()
        .find(|u| u.username == username);
    let accepted =
        user.is_some_and(|u| credentials_match(r.msg, &u.secret, r.session.issued_challenge()));
    let Some(user) = user.filter(|_| accepted) else {
        let mut reply = r.error("Authentication failed").closing();
        reply.delay = r.shared.config.login_failure_delay;
        return reply;
    };
    r.session.user = Some(LoggedIn { write: user.write });
    if let Some(mask) = r.header("Events") {
        r.session.events = EventMask::parse(&mask);
    }
    let uptime = r.shared.read(|pbx| pbx.uptime()).as_secs().to_string();
    let booted = Fields::event("FullyBooted")
        .with("Privilege", "system,all")
        .with("Uptime", uptime.clone())
        .with("LastReload", uptime)
        .with("Status", "Fully Booted")
        .build();
    let mut reply = r.success("Authentication accepted");
    reply.parts.push(wire::bytes(&booted));
    reply
}

/// Plaintext `Secret`, or `AuthType: MD5` with `Key` = md5(challenge + secret).
fn credentials_match(msg: &Message, secret: &str, challenge: Option<&str>) -> bool {
    if msg.is("AuthType", "MD5") {
        let (Some(challenge), Some(key)) = (challenge, msg.get("Key")) else {
            return false;
        };
        let digest = Md5::digest(format!("{challenge}{secret}").as_bytes());
        let expected: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        key.trim() == expected
    } else {
        msg.get("Secret").is_some_and(|s| s == secret)
    }
}

pub(super) fn challenge(r: &mut Request) -> Reply {
    if !r.msg.is("AuthType", "MD5") {
        return r.error("Must specify AuthType");
    }
    let challenge = r.session.challenge().to_owned();
    Reply::one(
        Fields::response("Success", r.id())
            .with("Challenge", challenge)
            .build(),
    )
}

pub(super) fn logoff(r: &mut Request) -> Reply {
    Reply::one(
        Fields::response("Goodbye", r.id())
            .with("Message", "Thanks for all the fish.")
            .build(),
    )
    .closing()
}

pub(super) fn ping(r: &mut Request) -> Reply {
    Reply::one(
        Fields::response("Success", r.id())
            .with("Ping", "Pong")
            .with("Timestamp", clock::timestamp(clock::since_epoch()))
            .build(),
    )
}

/// Versions and limits, with the fields of Asterisk 22 (b1_core_actions.ami).
pub(super) fn core_settings(r: &mut Request) -> Reply {
    let config = &r.shared.config;
    Reply::one(
        Fields::response("Success", r.id())
            .with("AMIversion", config.ami_version.clone())
            .with("AsteriskVersion", config.asterisk_version.clone())
            .with("SystemName", "")
            .with("CoreMaxCalls", "0")
            .with("CoreMaxLoadAvg", "0.000000")
            .with("CoreRunUser", "")
            .with("CoreRunGroup", "")
            .with("CoreMaxFilehandles", "0")
            .with("CoreRealTimeEnabled", "No")
            .with("CoreCDRenabled", "Yes")
            .with("CoreHTTPenabled", "No")
            .build(),
    )
}

/// Start time (the simulator's own) and call counts.
pub(super) fn core_status(r: &mut Request) -> Reply {
    let (started, calls, processed) = r
        .shared
        .read(|pbx| (pbx.started_at(), pbx.active_calls(), pbx.calls_processed()));
    let started = clock::utc_date_time(started);
    let (date, time) = started.split_once(' ').unwrap_or((&started, ""));
    Reply::one(
        Fields::response("Success", r.id())
            .with("CoreStartupDate", date.to_owned())
            .with("CoreStartupTime", time.to_owned())
            .with("CoreReloadDate", date.to_owned())
            .with("CoreReloadTime", time.to_owned())
            .with("CoreCurrentCalls", calls.to_string())
            .with("CoreProcessedCalls", processed.to_string())
            .build(),
    )
}

pub(super) fn events(r: &mut Request) -> Reply {
    r.session.events = EventMask::parse(&r.header("EventMask").unwrap_or_default());
    let state = if r.session.events.is_on() {
        "On"
    } else {
        "Off"
    };
    Reply::one(
        Fields::response("Success", r.id())
            .with("Events", state)
            .build(),
    )
}

pub(super) fn command(r: &mut Request) -> Reply {
    let Some(line) = r.header("Command") else {
        return r.error("No command provided");
    };
    let config = &r.shared.config;
    let output = r
        .shared
        .read(|pbx| cli::run(&line, pbx, &config.asterisk_version));
    if config.legacy_command || r.dialect() == Dialect::Ami11 {
        return Reply::new(vec![wire::follows(r.id(), &output.lines)]);
    }
    let status = if output.known { "Success" } else { "Error" };
    let mut fields = Fields::response(status, r.id()).with("Message", "Command output follows");
    for line in output.lines {
        fields.push("Output", line);
    }
    Reply::one(fields.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_key_is_lowercase_hex_of_challenge_and_secret() {
        // From a2_login_md5: challenge 169249100, the capture's secret.
        let login = Message::from_pairs([
            ("Action", "Login"),
            ("AuthType", "MD5"),
            ("Key", "c4b33165aaf1c26ef58b330cc639e025"),
        ]);
        assert!(credentials_match(
            &login,
            "amitop-secret",
            Some("169249100")
        ));
        assert!(!credentials_match(&login, "amitop-secret", Some("1")));
        assert!(!credentials_match(&login, "amitop-secret", None));
    }
}
