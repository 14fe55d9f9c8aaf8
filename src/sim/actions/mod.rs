//! The actions the simulator answers, who may run them, and the order of
//! checks Asterisk makes before running one. The answers themselves live
//! by subject: `core` (login, ping, events, settings, CLI commands),
//! `calls` (channel and bridge lists, Originate, Hangup, Redirect, Atxfer),
//! `queues` and `system` (modules, registrations, peers).

mod calls;
mod core;
mod features;
mod queues;
mod supervision;
mod system;

use std::time::Duration;

use bytes::Bytes;

use crate::ami::Message;

use super::Shared;
use super::profile::CONFBRIDGE;
use super::session::Session;
use super::vocab::Dialect;
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

    /// A list, marked so in every dialect: `Response: Success` with
    /// `EventList: start` and `message`, the items, then `complete` with
    /// `EventList: Complete` and the count (`complete_extra` adds the
    /// headers some completions carry).
    fn list(
        id: Option<&str>,
        message: &str,
        items: Vec<Fields>,
        complete: &str,
        complete_extra: impl FnOnce(Fields, usize) -> Fields,
    ) -> Self {
        Reply::list_in(
            Dialect::Modern,
            id,
            message,
            items,
            complete,
            complete_extra,
        )
    }

    /// A list as `dialect` sends it: Asterisk 11 marks `Status`,
    /// `QueueStatus` and `QueueSummary` only in words (no `EventList`
    /// headers, no `ListItems`), modern Asterisk as [`Reply::list`] does.
    fn list_in(
        dialect: Dialect,
        id: Option<&str>,
        message: &str,
        items: Vec<Fields>,
        complete: &str,
        complete_extra: impl FnOnce(Fields, usize) -> Fields,
    ) -> Self {
        let mut start = Fields::response("Success", id);
        let mut end = Fields::event(complete).with_action_id(id);
        let count = items.len();
        if dialect == Dialect::Modern {
            start.push("EventList", "start");
            end.push("EventList", "Complete");
            end.push("ListItems", count.to_string());
        }
        let start = start.with("Message", message).build();
        let end = complete_extra(end, count).build();
        let mut parts = vec![wire::bytes(&start)];
        parts.extend(items.into_iter().map(|item| wire::bytes(&item.build())));
        parts.push(wire::bytes(&end));
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

    /// A header's trimmed value; None when absent or empty.
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

    /// Success or Error with the message of an outcome.
    fn outcome(&self, result: Result<&str, &str>) -> Reply {
        match result {
            Ok(message) => self.success(message),
            Err(message) => self.error(message),
        }
    }

    fn dialect(&self) -> Dialect {
        self.shared.dialect()
    }
}

/// Actions of Asterisk 12 and later only (not in the AMI 1.1 dialect),
/// besides app_confbridge's [`CONFBRIDGE`].
const MODERN_ONLY: &[&str] = &[
    "CoreShowChannels",
    "BridgeList",
    "BridgeInfo",
    "Parkinglots",
    "ExtensionStateList",
    "DeviceStateList",
    "PresenceStateList",
    "VoicemailBoxSummary",
];

/// Actions of AMI 1.1 only: the modern PBX's room is a ConfBridge room,
/// so it offers no app_meetme action for it.
const AMI11_ONLY: &[&str] = &["MeetmeList", "MeetmeMute", "MeetmeUnmute"];

struct ActionSpec {
    name: &'static str,
    /// The classes `ListCommands` shows (`Priv:`), as Asterisk registers them.
    privilege: &'static str,
    synopsis: &'static str,
    run: fn(&mut Request) -> Reply,
}

const fn action(
    name: &'static str,
    privilege: &'static str,
    synopsis: &'static str,
    run: fn(&mut Request) -> Reply,
) -> ActionSpec {
    ActionSpec {
        name,
        privilege,
        synopsis,
        run,
    }
}

const SYSTEM_REPORTING: &str = "system,reporting,all";
const NONE: &str = "<none>";

const ACTIONS: &[ActionSpec] = &[
    action("Login", NONE, "Login Manager.", core::login),
    action(
        "Challenge",
        NONE,
        "Generate Challenge for MD5 Auth.",
        core::challenge,
    ),
    action("Logoff", NONE, "Logoff Manager.", core::logoff),
    action("Ping", NONE, "Keepalive command.", core::ping),
    action("Events", NONE, "Control Event Flow.", core::events),
    action(
        "ListCommands",
        NONE,
        "List available manager commands.",
        list_commands,
    ),
    action(
        "CoreSettings",
        SYSTEM_REPORTING,
        "Show PBX core settings (version etc).",
        core::core_settings,
    ),
    action(
        "CoreStatus",
        SYSTEM_REPORTING,
        "Show PBX core status variables.",
        core::core_status,
    ),
    action(
        "Command",
        "command,all",
        "Execute Asterisk CLI Command.",
        core::command,
    ),
    action(
        "CoreShowChannels",
        SYSTEM_REPORTING,
        "List currently active channels.",
        calls::core_show_channels,
    ),
    action(
        "Status",
        "system,call,reporting,all",
        "List channel status.",
        calls::status,
    ),
    action(
        "BridgeList",
        NONE,
        "Get a list of bridges in the system.",
        calls::bridge_list,
    ),
    action(
        "BridgeInfo",
        NONE,
        "Get information about a bridge.",
        calls::bridge_info,
    ),
    action(
        "Originate",
        "originate,all",
        "Originate a call.",
        calls::originate,
    ),
    action(
        "Hangup",
        "system,call,all",
        "Hangup channel.",
        calls::hangup,
    ),
    action(
        "Redirect",
        "call,all",
        "Redirect (transfer) a call.",
        calls::redirect,
    ),
    action("Atxfer", "call,all", "Attended transfer.", calls::atxfer),
    action(
        "QueueStatus",
        NONE,
        "Show queue status.",
        queues::queue_status,
    ),
    action(
        "QueueSummary",
        NONE,
        "Show queue summary.",
        queues::queue_summary,
    ),
    action("QueueRule", NONE, "Queue Rules.", queues::queue_rule),
    action(
        "QueuePenalty",
        "agent,all",
        "Set the penalty for a queue member.",
        queues::queue_penalty,
    ),
    action(
        "QueuePause",
        "agent,all",
        "Makes a queue member temporarily unavailable.",
        queues::queue_pause,
    ),
    action(
        "QueueAdd",
        "agent,all",
        "Add interface to queue.",
        queues::queue_add,
    ),
    action(
        "QueueRemove",
        "agent,all",
        "Remove interface from queue.",
        queues::queue_remove,
    ),
    action(
        "ModuleCheck",
        "system,all",
        "Check if module is loaded.",
        system::module_check,
    ),
    action(
        "ModuleLoad",
        "system,all",
        "Module management.",
        system::module_load,
    ),
    action(
        "Reload",
        "system,config,all",
        "Send a reload event.",
        system::reload,
    ),
    action(
        "SIPpeers",
        SYSTEM_REPORTING,
        "List SIP peers (text format).",
        system::sip_peers,
    ),
    action(
        "SIPshowregistry",
        SYSTEM_REPORTING,
        "Show SIP registrations (text format).",
        system::sip_registry,
    ),
    action(
        "IAXregistry",
        SYSTEM_REPORTING,
        "Show IAX registrations.",
        system::iax_registry,
    ),
    action(
        "IAXpeers",
        SYSTEM_REPORTING,
        "List IAX peers.",
        system::iax_peers,
    ),
    action(
        "MixMonitor",
        "system,all",
        "Record a call and mix the audio during the recording.  Use of StopMixMonitor is required to guarantee the audio file is available for processing during dialplan execution.",
        supervision::mix_monitor,
    ),
    action(
        "MixMonitorMute",
        "system,call,all",
        "Mute / unMute a Mixmonitor recording.",
        supervision::mix_monitor_mute,
    ),
    action(
        "StopMixMonitor",
        "system,call,all",
        "Stop recording a call through MixMonitor, and free the recording's file handle.",
        supervision::stop_mix_monitor,
    ),
    action("Park", "call,all", "Park a channel.", features::park),
    action(
        "ParkedCalls",
        "call,all",
        "List parked calls.",
        features::parked_calls,
    ),
    action(
        "Parkinglots",
        "call,all",
        "Get a list of parking lots",
        features::parking_lots,
    ),
    action(
        "ConfbridgeList",
        "reporting,all",
        "List participants in a conference.",
        features::confbridge_list,
    ),
    action(
        "ConfbridgeListRooms",
        "reporting,all",
        "List active conferences.",
        features::confbridge_list_rooms,
    ),
    action(
        "ConfbridgeMute",
        "call,all",
        "Mute a Confbridge user.",
        features::confbridge_mute_on,
    ),
    action(
        "ConfbridgeUnmute",
        "call,all",
        "Unmute a Confbridge user.",
        features::confbridge_mute_off,
    ),
    action(
        "ConfbridgeKick",
        "call,all",
        "Kick a Confbridge user.",
        features::confbridge_kick,
    ),
    action(
        "ConfbridgeLock",
        "call,all",
        "Lock a Confbridge conference.",
        features::confbridge_lock_on,
    ),
    action(
        "ConfbridgeUnlock",
        "call,all",
        "Unlock a Confbridge conference.",
        features::confbridge_lock_off,
    ),
    action(
        "MeetmeList",
        "reporting,all",
        "List participants in a conference.",
        features::meetme_list,
    ),
    action(
        "MeetmeMute",
        "call,all",
        "Mute a Meetme user.",
        features::meetme_mute_on,
    ),
    action(
        "MeetmeUnmute",
        "call,all",
        "Unmute a Meetme user.",
        features::meetme_mute_off,
    ),
    action(
        "MailboxCount",
        "call,reporting,all",
        "Check Mailbox Message Count.",
        features::mailbox_count,
    ),
    action(
        "MailboxStatus",
        "call,reporting,all",
        "Check mailbox.",
        features::mailbox_status,
    ),
    action(
        "VoicemailUsersList",
        "call,reporting,all",
        "List All Voicemail User Information.",
        features::voicemail_users,
    ),
    action(
        "VoicemailBoxSummary",
        "call,reporting,all",
        "Show the mailbox contents of given voicemail user.",
        features::voicemail_box_summary,
    ),
    action(
        "DAHDIShowChannels",
        "system,reporting,all",
        "Show status of DAHDI channels.",
        features::dahdi_show_channels,
    ),
    action(
        "SIPshowpeer",
        "system,reporting,all",
        "show SIP peer (text format).",
        features::sip_show_peer,
    ),
    action(
        "IAXpeerlist",
        "system,reporting,all",
        "List IAX Peers.",
        features::iax_peer_list,
    ),
    action(
        "ExtensionStateList",
        "call,reporting,all",
        "List the current known extension states.",
        features::extension_state_list,
    ),
    action(
        "DeviceStateList",
        "call,reporting,all",
        "List the current known device states.",
        features::device_state_list,
    ),
    action(
        "PresenceStateList",
        "call,reporting,all",
        "List the current known presence states.",
        features::presence_state_list,
    ),
];

/// The actions this server has, in the dialect and profile it plays.
fn offered(shared: &Shared) -> impl Iterator<Item = &'static ActionSpec> + '_ {
    ACTIONS.iter().filter(|a| {
        shared.config.profile.has(a.name)
            && match shared.dialect() {
                Dialect::Modern => !AMI11_ONLY.contains(&a.name),
                Dialect::Ami11 => ![MODERN_ONLY, CONFBRIDGE]
                    .iter()
                    .any(|l| l.contains(&a.name)),
            }
    })
}

/// Whether this server has an action of that name.
pub(super) fn exists(shared: &Shared, name: &str) -> bool {
    offered(shared).any(|a| a.name.eq_ignore_ascii_case(name))
}

/// Whether a user (with write permission or not) may run `spec`: an
/// action with no class is open to everyone.
fn allowed(shared: &Shared, spec: &ActionSpec, user_writes: bool) -> bool {
    privilege(shared, spec) == NONE || user_writes
}

/// The classes `spec` needs on this server, as `ListCommands` shows them.
fn privilege(shared: &Shared, spec: &ActionSpec) -> &'static str {
    shared
        .config
        .profile
        .privilege(spec.name)
        .unwrap_or(spec.privilege)
}

/// `ListCommands`: one `Name: synopsis  (Priv: classes)` header for each
/// action this user may run (`a4_viewer_readonly`, `e7_listcommands`).
fn list_commands(r: &mut Request) -> Reply {
    let shared = r.shared;
    let user_writes = r.session.user.is_some_and(|u| u.write);
    let mut fields = Fields::response("Success", r.id());
    for spec in offered(shared).filter(|s| allowed(shared, s, user_writes)) {
        let privilege = privilege(shared, spec);
        fields.push(spec.name, format!("{}  (Priv: {privilege})", spec.synopsis));
    }
    Reply::one(fields.build())
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
    let spec = offered(shared).find(|a| a.name.eq_ignore_ascii_case(&name));
    let Some(spec) = spec else {
        return unknown(&request, &name);
    };
    if !allowed(shared, spec, logged_in.is_some_and(|u| u.write)) {
        return request.error("Permission denied");
    }
    (spec.run)(&mut request)
}

/// The answer to an action this server does not have: Asterisk 1.8 and
/// later add a `RequestBadFormat` security event (before the response, as
/// in `e7_listcommands.ami`) and point to `ListCommands`; 1.4 says just
/// `Invalid/unknown command`.
fn unknown(request: &Request, name: &str) -> Reply {
    if request.shared.config.profile.is_1_4() {
        return request.error("Invalid/unknown command");
    }
    let event = Fields::event("RequestBadFormat")
        .with("Privilege", "security,all")
        .with("Severity", "Error")
        .with("Service", "AMI")
        .with("EventVersion", "1")
        .with("RequestType", format!("Action: {name}"))
        .build();
    let error = wire::error(
        request.id(),
        &format!(
            "Invalid/unknown command: {name}. Use Action: ListCommands to show available commands."
        ),
    );
    Reply::new(vec![wire::bytes(&event), wire::bytes(&error)])
}

/// Asterisk's `ast_true`.
fn is_true(value: &str) -> bool {
    ["yes", "true", "y", "t", "1", "on"]
        .iter()
        .any(|t| t.eq_ignore_ascii_case(value.trim()))
}
