//! The actions the simulator answers, who may run them, and the exact
//! replies and error texts of Asterisk 22 (see `tests/fixtures/ami/`).

use std::time::Duration;

use bytes::Bytes;
use md5::{Digest, Md5};

use crate::ami::Message;

use super::Shared;
use super::cli;
use super::clock;
use super::pbx::{HangupOrigin, NORMAL_CLEARING, Originate, OriginateTarget, Party};
use super::session::{EventMask, LoggedIn, Session};
use super::wire::{self, Fields};

/// What the connection does after answering.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum After {
    Continue,
    Close,
}

/// The answer to one action.
#[derive(Debug)]
pub(super) struct Reply {
    /// Messages to write, in order (a list: response, items, completion).
    pub parts: Vec<Bytes>,
    /// A list reply, whose items may have events between them.
    pub is_list: bool,
    /// Forward the events the action caused before answering (a synchronous
    /// Originate answers once the call is up).
    pub events_first: bool,
    /// Wait this long before answering (a refused login).
    pub delay: Duration,
    pub after: After,
}

impl Reply {
    fn new(parts: Vec<Bytes>) -> Self {
        Reply {
            parts,
            is_list: false,
            events_first: false,
            delay: Duration::ZERO,
            after: After::Continue,
        }
    }

    fn one(message: Message) -> Self {
        Reply::new(vec![wire::bytes(&message)])
    }

    fn list(parts: Vec<Bytes>) -> Self {
        Reply {
            is_list: true,
            ..Reply::new(parts)
        }
    }

    fn closing(mut self) -> Self {
        self.after = After::Close;
        self
    }
}

/// One request being answered.
struct Request<'a> {
    shared: &'a Shared,
    session: &'a mut Session,
    msg: &'a Message,
    id: Option<String>,
}

impl Request<'_> {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    fn header(&self, key: &str) -> Option<String> {
        self.msg
            .get(key)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    fn error(&self, message: &str) -> Reply {
        Reply::one(wire::error(self.id(), message))
    }

    fn success(&self, message: &str) -> Reply {
        Reply::one(wire::success(self.id(), message))
    }
}

struct ActionSpec {
    name: &'static str,
    /// Needs a user with write permission (Asterisk: any action with a privilege class).
    needs_write: bool,
    run: fn(&mut Request) -> Reply,
}

const ACTIONS: &[ActionSpec] = &[
    open("Login", login),
    open("Challenge", challenge),
    open("Logoff", logoff),
    open("Ping", ping),
    open("Events", events),
    write("CoreSettings", core_settings),
    write("CoreStatus", core_status),
    write("CoreShowChannels", core_show_channels),
    write("Command", command),
    write("Originate", originate),
    write("Hangup", hangup),
];

/// An action anyone logged in may run.
const fn open(name: &'static str, run: fn(&mut Request) -> Reply) -> ActionSpec {
    ActionSpec {
        name,
        needs_write: false,
        run,
    }
}

/// An action that needs write permission.
const fn write(name: &'static str, run: fn(&mut Request) -> Reply) -> ActionSpec {
    ActionSpec {
        name,
        needs_write: true,
        run,
    }
}

/// Actions a client may send before logging in.
const BEFORE_LOGIN: [&str; 3] = ["Login", "Challenge", "Logoff"];

/// Answers one action, in the order of checks Asterisk makes.
pub(super) fn dispatch(shared: &Shared, session: &mut Session, msg: &Message) -> Reply {
    let id = msg.action_id().map(|id| id.into_owned());
    let mut request = Request {
        shared,
        session,
        msg,
        id,
    };
    let Some(name) = request.header("Action") else {
        return request.error("Missing action in request");
    };
    let logged_in = request.session.user;
    if logged_in.is_none() && !BEFORE_LOGIN.iter().any(|a| a.eq_ignore_ascii_case(&name)) {
        return request.error("Permission denied");
    }
    let Some(spec) = ACTIONS.iter().find(|a| a.name.eq_ignore_ascii_case(&name)) else {
        return request.error(&format!(
            "Invalid/unknown command: {name}. Use Action: ListCommands to show available commands."
        ));
    };
    if spec.needs_write && !logged_in.is_some_and(|u| u.write) {
        return request.error("Permission denied");
    }
    (spec.run)(&mut request)
}

fn login(r: &mut Request) -> Reply {
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

fn challenge(r: &mut Request) -> Reply {
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

fn logoff(r: &mut Request) -> Reply {
    Reply::one(
        Fields::response("Goodbye", r.id())
            .with("Message", "Thanks for all the fish.")
            .build(),
    )
    .closing()
}

fn ping(r: &mut Request) -> Reply {
    Reply::one(
        Fields::response("Success", r.id())
            .with("Ping", "Pong")
            .with("Timestamp", clock::timestamp(clock::since_epoch()))
            .build(),
    )
}

/// Versions and limits, with the fields of Asterisk 22 (b1_core_actions.ami).
fn core_settings(r: &mut Request) -> Reply {
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
fn core_status(r: &mut Request) -> Reply {
    let (uptime, calls, processed) = r
        .shared
        .read(|pbx| (pbx.uptime(), pbx.active_calls(), pbx.calls_processed()));
    let started = clock::utc_date_time(clock::since_epoch().saturating_sub(uptime));
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

fn events(r: &mut Request) -> Reply {
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

fn core_show_channels(r: &mut Request) -> Reply {
    let id = r.id();
    let items: Vec<Message> = r.shared.read(|pbx| {
        pbx.channels()
            .iter()
            .map(|chan| {
                let head = Fields::event("CoreShowChannel").with_action_id(id);
                super::pbx::channel_fields(head, "", chan)
                    .with("Application", chan.application.clone())
                    .with("ApplicationData", chan.app_data.clone())
                    .with("Duration", clock::hours_minutes_seconds(chan.age()))
                    .with("BridgeId", chan.bridge.clone().unwrap_or_default())
                    .build()
            })
            .collect()
    });
    let start = Fields::response("Success", id)
        .with("EventList", "start")
        .with("Message", "Channels will follow")
        .build();
    let complete = Fields::event("CoreShowChannelsComplete")
        .with_action_id(id)
        .with("EventList", "Complete")
        .with("ListItems", items.len().to_string())
        .build();
    let parts = std::iter::once(&start)
        .chain(&items)
        .chain(std::iter::once(&complete))
        .map(wire::bytes)
        .collect();
    Reply::list(parts)
}

fn command(r: &mut Request) -> Reply {
    let Some(line) = r.header("Command") else {
        return r.error("No command provided");
    };
    let config = &r.shared.config;
    let output = r
        .shared
        .read(|pbx| cli::run(&line, pbx, &config.asterisk_version));
    if config.legacy_command {
        return Reply::new(vec![wire::follows(r.id(), &output.lines)]);
    }
    let status = if output.known { "Success" } else { "Error" };
    let mut fields = Fields::response(status, r.id()).with("Message", "Command output follows");
    for line in output.lines {
        fields.push("Output", line);
    }
    Reply::one(fields.build())
}

fn originate(r: &mut Request) -> Reply {
    let Some(device) = r.header("Channel") else {
        return r.error("Channel not specified");
    };
    if !device.contains('/') {
        return r.error("Invalid channel");
    }
    let target = match (r.header("Exten"), r.header("Application")) {
        (Some(exten), _) => OriginateTarget::Exten {
            context: r.header("Context").unwrap_or_else(|| "default".into()),
            exten,
        },
        (None, Some(application)) => OriginateTarget::App {
            application,
            data: r.header("Data").unwrap_or_default(),
        },
        (None, None) => return r.error("Originate failed"),
    };
    let is_async = r.header("Async").is_some_and(|v| is_true(&v));
    let request = Originate {
        device,
        target,
        caller_id: r.header("CallerID").map(|cid| parse_caller_id(&cid)),
        account: r.header("Account"),
        variables: r
            .msg
            .get_all("Variable")
            .flat_map(|v| {
                v.split(',')
                    .filter_map(|pair| pair.split_once('='))
                    .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
                    .collect::<Vec<_>>()
            })
            .collect(),
        report: is_async.then(|| r.id.clone()),
    };
    r.shared.change(|pbx| pbx.originate(&request));
    let mut reply = r.success("Originate successfully queued");
    reply.events_first = !is_async;
    reply
}

fn hangup(r: &mut Request) -> Reply {
    let Some(channel) = r.header("Channel") else {
        return r.error("No channel specified");
    };
    // Like Asterisk, a bad cause is ignored rather than keeping the call up.
    let cause = r
        .header("Cause")
        .and_then(|text| text.parse().ok())
        .filter(|cause| (1..=127).contains(cause))
        .unwrap_or(NORMAL_CLEARING);
    if r.shared
        .change(|pbx| pbx.hangup(&channel, cause, HangupOrigin::Manager))
    {
        r.success("Channel Hungup")
    } else {
        r.error("No such channel")
    }
}

/// Asterisk's `ast_true`.
fn is_true(value: &str) -> bool {
    ["yes", "true", "y", "t", "1", "on"]
        .iter()
        .any(|t| t.eq_ignore_ascii_case(value.trim()))
}

/// `"Alice Example" <5551000>`, `<5551000>`, `Alice` or `5551000`.
fn parse_caller_id(text: &str) -> Party {
    if let Some((name, rest)) = text.split_once('<') {
        let num = rest.split('>').next().unwrap_or_default().trim();
        let name = name.trim().trim_matches('"').trim();
        return Party::new(num, name);
    }
    let text = text.trim();
    let is_number = text
        .chars()
        .all(|c| c.is_ascii_digit() || "+*#".contains(c));
    if is_number {
        Party::new(text, "")
    } else {
        Party::new("", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caller_ids_parse_like_asterisk() {
        assert_eq!(
            parse_caller_id("\"Alice Example\" <5551000>"),
            Party::new("5551000", "Alice Example")
        );
        assert_eq!(parse_caller_id("<100>"), Party::new("100", ""));
        assert_eq!(parse_caller_id("Bob"), Party::new("", "Bob"));
        assert_eq!(parse_caller_id("+3212"), Party::new("+3212", ""));
    }

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
