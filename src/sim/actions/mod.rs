//! The actions the simulator answers, who may run them, and the order of
//! checks Asterisk makes before running one. The answers themselves live
//! by subject: `core` (login, ping, events, settings, CLI commands),
//! `calls` (channel and bridge lists, Originate, Hangup, Redirect, Atxfer),
//! `queues` and `system` (modules, registrations, peers).

mod calls;
mod core;
mod features;
mod queues;
mod system;

use std::time::Duration;

use bytes::Bytes;

use crate::ami::Message;

use super::Shared;
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

/// Who may run an action, and in which dialect it exists.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Anyone logged in (actions with no privilege class).
    Open,
    /// A user with write permission.
    Write,
    /// A user with write permission, on Asterisk 12+ only.
    WriteModern,
}

struct ActionSpec {
    name: &'static str,
    access: Access,
    run: fn(&mut Request) -> Reply,
}

const fn action(name: &'static str, access: Access, run: fn(&mut Request) -> Reply) -> ActionSpec {
    ActionSpec { name, access, run }
}

const ACTIONS: &[ActionSpec] = &[
    action("Login", Access::Open, core::login),
    action("Challenge", Access::Open, core::challenge),
    action("Logoff", Access::Open, core::logoff),
    action("Ping", Access::Open, core::ping),
    action("Events", Access::Open, core::events),
    action("CoreSettings", Access::Write, core::core_settings),
    action("CoreStatus", Access::Write, core::core_status),
    action("Command", Access::Write, core::command),
    action(
        "CoreShowChannels",
        Access::WriteModern,
        calls::core_show_channels,
    ),
    action("Status", Access::Write, calls::status),
    action("BridgeList", Access::WriteModern, calls::bridge_list),
    action("BridgeInfo", Access::WriteModern, calls::bridge_info),
    action("Originate", Access::Write, calls::originate),
    action("Hangup", Access::Write, calls::hangup),
    action("Redirect", Access::Write, calls::redirect),
    action("Atxfer", Access::Write, calls::atxfer),
    action("QueueStatus", Access::Open, queues::queue_status),
    action("QueueSummary", Access::Open, queues::queue_summary),
    action("QueueRule", Access::Open, queues::queue_rule),
    action("QueuePenalty", Access::Write, queues::queue_penalty),
    action("QueuePause", Access::Write, queues::queue_pause),
    action("QueueAdd", Access::Write, queues::queue_add),
    action("QueueRemove", Access::Write, queues::queue_remove),
    action("ModuleCheck", Access::Write, system::module_check),
    action("ModuleLoad", Access::Write, system::module_load),
    action("Reload", Access::Write, system::reload),
    action("SIPpeers", Access::Write, system::sip_peers),
    action("SIPshowregistry", Access::Write, system::sip_registry),
    action("IAXregistry", Access::Write, system::iax_registry),
    action("IAXpeers", Access::Write, system::iax_peers),
    action("Park", Access::Write, features::park),
    action("ParkedCalls", Access::Open, features::parked_calls),
    action("Parkinglots", Access::WriteModern, features::parking_lots),
    action(
        "ConfbridgeList",
        Access::WriteModern,
        features::confbridge_list,
    ),
    action(
        "ConfbridgeListRooms",
        Access::WriteModern,
        features::confbridge_list_rooms,
    ),
    action(
        "ConfbridgeMute",
        Access::WriteModern,
        features::confbridge_mute_on,
    ),
    action(
        "ConfbridgeUnmute",
        Access::WriteModern,
        features::confbridge_mute_off,
    ),
    action(
        "ConfbridgeKick",
        Access::WriteModern,
        features::confbridge_kick,
    ),
    action(
        "ConfbridgeLock",
        Access::WriteModern,
        features::confbridge_lock_on,
    ),
    action(
        "ConfbridgeUnlock",
        Access::WriteModern,
        features::confbridge_lock_off,
    ),
    action("MeetmeList", Access::Write, features::meetme_list),
    action("MailboxCount", Access::Write, features::mailbox_count),
    action("MailboxStatus", Access::Write, features::mailbox_status),
    action(
        "VoicemailUsersList",
        Access::Write,
        features::voicemail_users,
    ),
    action(
        "DAHDIShowChannels",
        Access::Write,
        features::dahdi_show_channels,
    ),
    action("SIPshowpeer", Access::Write, features::sip_show_peer),
    action("IAXpeerlist", Access::Write, features::iax_peer_list),
    action(
        "PJSIPShowEndpoint",
        Access::WriteModern,
        features::pjsip_show_endpoint,
    ),
    action(
        "ExtensionStateList",
        Access::WriteModern,
        features::extension_state_list,
    ),
    action(
        "DeviceStateList",
        Access::WriteModern,
        features::device_state_list,
    ),
    action(
        "PresenceStateList",
        Access::WriteModern,
        features::presence_state_list,
    ),
];

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
    let spec = ACTIONS
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(&name))
        .filter(|a| a.access != Access::WriteModern || shared.dialect() == Dialect::Modern);
    let Some(spec) = spec else {
        return request.error(&format!(
            "Invalid/unknown command: {name}. Use Action: ListCommands to show available commands."
        ));
    };
    if spec.access != Access::Open && !logged_in.is_some_and(|u| u.write) {
        return request.error("Permission denied");
    }
    (spec.run)(&mut request)
}

/// Asterisk's `ast_true`.
fn is_true(value: &str) -> bool {
    ["yes", "true", "y", "t", "1", "on"]
        .iter()
        .any(|t| t.eq_ignore_ascii_case(value.trim()))
}
