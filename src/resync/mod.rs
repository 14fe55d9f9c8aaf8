//! Rebuilding the model after every login, from the server's list actions.
//!
//! Why it exists: events only describe changes, so after a (re)connection
//! amitop asks the server what exists now (channels, bridges, queues,
//! registrations, peers, hints, device and presence states, voicemail
//! boxes, DAHDI channels) and sweeps away what the lists no longer report.
//! The asking is I/O and runs as a task; what it learns comes back as
//! [`ResyncUpdate`]s that the owner of the [`State`] applies with
//! [`apply_update`], in between live events, so the reducer stays pure and
//! the model is never rebuilt from scratch (see `State::begin_resync`).
//!
//! Servers differ: the resync first asks `ListCommands` what this server
//! offers this user (see `offered.rs`) and sends only what is listed, so it
//! never makes the PBX log a `RequestBadFormat` or `RequestNotAllowed`. An
//! action the server does not have (`SIPshowregistry` without chan_sip,
//! `CoreShowChannels` on Asterisk 1.4) is skipped quietly, with a fallback
//! where one exists (`Status`). A user without the privilege for a list gets
//! a note naming the class to grant, and a partial model; a kind is swept
//! only when its lists were actually read, so a refused list never empties a
//! pane.

mod offered;

use tokio::sync::mpsc;

pub use offered::{Offered, Verdict, grant_hint};

use crate::ami::{Action, Message, Reply, SendError, SessionHandle};
use crate::model::{ListKind, State};

/// The most items (bridges, conference rooms, voicemail boxes) asked about
/// one by one.
const MAX_PER_ITEM: usize = 200;

/// What the resync task hands to the owner of the model.
#[derive(Debug)]
pub enum ResyncUpdate {
    /// A reply to apply: its response, then its list items.
    Reply(Reply),
    /// Every list of this kind has been read: sweep what they did not report.
    Sweep(ListKind),
    /// Something the user should know (a refused or failed list).
    Note(String),
    /// The actions the server offers this user (`ListCommands`), by name.
    Offered(Vec<String>),
    /// The resync is over.
    Finished,
}

/// Applies one update to the model; `now` is the epoch time.
pub fn apply_update(state: &mut State, update: &ResyncUpdate, now: f64) {
    match update {
        ResyncUpdate::Reply(reply) => {
            state.apply(&reply.response, now);
            for item in &reply.events {
                state.apply(item, now);
            }
        }
        ResyncUpdate::Sweep(kind) => state.sweep(*kind),
        ResyncUpdate::Note(_) | ResyncUpdate::Offered(_) | ResyncUpdate::Finished => {}
    }
}

/// How one list action went.
enum Outcome {
    Read(Reply),
    /// The server does not know the action: normal on some versions.
    Unknown,
    /// An answer that is no AMI response (raw CLI text).
    Unreadable,
    /// A list with items missing (lost to garbage on the wire): what it has
    /// is applied, but it proves nothing gone.
    Damaged(Reply),
    /// Refused or failed; the message says why.
    Failed(String),
}

/// What [`Resync::read`] made of one action, once reported.
enum Listed {
    /// Read and applied; the bridges, rooms or mailboxes it listed (empty
    /// for other lists).
    Read(Vec<String>),
    Unknown,
    Failed,
}

/// The lists that rebuild one kind: a kind is swept once all of them are
/// done, and only if one was read and none failed.
struct KindPlan {
    kind: ListKind,
    /// What the user loses if these lists fail, for the note.
    what: &'static str,
    actions: &'static [&'static str],
}

const PLANS: &[KindPlan] = &[
    KindPlan {
        kind: ListKind::Queues,
        what: "queues",
        actions: &["QueueStatus"],
    },
    KindPlan {
        kind: ListKind::Registrations,
        what: "registrations",
        actions: &[
            "SIPshowregistry",
            "PJSIPShowRegistrationsOutbound",
            "IAXregistry",
        ],
    },
    KindPlan {
        kind: ListKind::Peers,
        what: "peers",
        actions: &["SIPpeers", "IAXpeers", "PJSIPShowContacts"],
    },
    KindPlan {
        kind: ListKind::ParkedCalls,
        what: "parked calls",
        actions: &["ParkedCalls"],
    },
    KindPlan {
        kind: ListKind::ParkingLots,
        what: "parking lots",
        actions: &["Parkinglots"],
    },
    KindPlan {
        kind: ListKind::Hints,
        what: "hints",
        actions: &["ExtensionStateList"],
    },
    KindPlan {
        kind: ListKind::Devices,
        what: "device states",
        actions: &["DeviceStateList"],
    },
    KindPlan {
        kind: ListKind::Presence,
        what: "presence states",
        actions: &["PresenceStateList"],
    },
    KindPlan {
        kind: ListKind::Dahdi,
        what: "DAHDI channels",
        actions: &["DAHDIShowChannels"],
    },
];

/// Sends the resync actions one after another and reports through `out`.
/// Ends early (without `Finished`) if the connection goes or the receiver
/// is dropped; the owner starts a new resync after the next login.
pub async fn run(handle: SessionHandle, out: mpsc::Sender<ResyncUpdate>) {
    let mut resync = Resync {
        handle,
        out,
        offered: Offered::unknown(),
    };
    // Err means: stop, the connection or the receiver is gone.
    let _ = resync.all().await;
}

struct Resync {
    handle: SessionHandle,
    out: mpsc::Sender<ResyncUpdate>,
    offered: Offered,
}

/// The resync stopped because the session or the receiver went away.
struct Stopped;

impl Resync {
    async fn all(&mut self) -> Result<(), Stopped> {
        self.offered = self.probe().await?;
        let names = self.offered.names();
        if !names.is_empty() {
            self.emit(ResyncUpdate::Offered(names)).await?;
        }
        for name in ["CoreSettings", "CoreStatus"] {
            self.plain(name).await?;
        }
        self.channels().await?;
        self.bridges().await?;
        for plan in PLANS {
            self.kind(plan).await?;
        }
        self.voicemail().await?;
        self.plain("QueueSummary").await?;
        self.conferences().await?;
        self.emit(ResyncUpdate::Finished).await
    }

    /// Asks what the server offers; a failed probe means "try everything".
    async fn probe(&self) -> Result<Offered, Stopped> {
        match self.outcome(Action::new("ListCommands")).await? {
            Outcome::Read(reply) => Ok(Offered::from_list_commands(&reply)),
            Outcome::Unknown | Outcome::Unreadable | Outcome::Damaged(_) | Outcome::Failed(_) => {
                Ok(Offered::unknown())
            }
        }
    }

    /// An action whose reply only updates the model (no sweep).
    async fn plain(&self, name: &str) -> Result<(), Stopped> {
        self.read(Action::new(name), name).await.map(drop)
    }

    /// `CoreShowChannels`, or `Status` where the server does not have it
    /// (Asterisk 1.4) or lists only `Status` for this user; a refusal is
    /// not a reason to try the other.
    async fn channels(&self) -> Result<(), Stopped> {
        let status_only = self.offered.verdict("CoreShowChannels") != Verdict::Send
            && self.offered.verdict("Status") == Verdict::Send;
        let mut listed = if status_only {
            Listed::Unknown
        } else {
            self.read(Action::new("CoreShowChannels"), "channels")
                .await?
        };
        if matches!(listed, Listed::Unknown) {
            listed = self.read(Action::new("Status"), "channels").await?;
        }
        if matches!(listed, Listed::Read(_)) {
            self.emit(ResyncUpdate::Sweep(ListKind::Channels)).await?;
        }
        Ok(())
    }

    /// `BridgeList` (Asterisk 12+), then `BridgeInfo` for each bridge so
    /// members are known even where channel items lack a bridge id.
    async fn bridges(&self) -> Result<(), Stopped> {
        let Listed::Read(ids) = self.read(Action::new("BridgeList"), "bridges").await? else {
            return Ok(());
        };
        for id in ids.iter().take(MAX_PER_ITEM) {
            let info = Action::new("BridgeInfo").header("BridgeUniqueid", id.as_str());
            self.read(info, "bridge details").await?;
        }
        self.emit(ResyncUpdate::Sweep(ListKind::Bridges)).await
    }

    /// MeetMe's members (1.x: every room at once), then ConfBridge's rooms
    /// and each room's members. The rooms are swept once their list is
    /// read, the members once every member list is; a failure sweeps
    /// nothing.
    async fn conferences(&self) -> Result<(), Stopped> {
        let meetme = self.read(Action::new("MeetmeList"), "conferences").await?;
        let rooms = self
            .read(Action::new("ConfbridgeListRooms"), "conferences")
            .await?;
        let mut members = [meetme, Listed::Unknown];
        if let Listed::Read(names) = &rooms {
            members[1] = Listed::Read(Vec::new());
            for name in names.iter().take(MAX_PER_ITEM) {
                let list = Action::new("ConfbridgeList").header("Conference", name.as_str());
                if let Listed::Failed = self.read(list, "conference members").await? {
                    members[1] = Listed::Failed;
                }
            }
            self.emit(ResyncUpdate::Sweep(ListKind::Conferences))
                .await?;
        }
        let read_any = members.iter().any(|l| matches!(l, Listed::Read(_)));
        let failed_any = members.iter().any(|l| matches!(l, Listed::Failed));
        if read_any && !failed_any {
            self.emit(ResyncUpdate::Sweep(ListKind::ConferenceMembers))
                .await?;
        }
        Ok(())
    }

    /// `VoicemailUsersList` (boxes and settings), then `MailboxCount` for
    /// each box it listed: the only source of the urgent count, and a
    /// reply that names its box (unlike `VoicemailBoxSummary`'s items).
    async fn voicemail(&self) -> Result<(), Stopped> {
        let list = Action::new("VoicemailUsersList");
        let Listed::Read(boxes) = self.read(list, "voicemail boxes").await? else {
            return Ok(());
        };
        self.emit(ResyncUpdate::Sweep(ListKind::Mailboxes)).await?;
        for mailbox in boxes.iter().take(MAX_PER_ITEM) {
            let count = Action::new("MailboxCount").header("Mailbox", mailbox.as_str());
            self.read(count, "voicemail counts").await?;
        }
        Ok(())
    }

    async fn kind(&self, plan: &KindPlan) -> Result<(), Stopped> {
        let mut read_any = false;
        let mut failed_any = false;
        for name in plan.actions {
            match self.read(Action::new(*name), plan.what).await? {
                Listed::Read(_) => read_any = true,
                Listed::Unknown => {}
                Listed::Failed => failed_any = true,
            }
        }
        if read_any && !failed_any {
            self.emit(ResyncUpdate::Sweep(plan.kind)).await?;
        }
        Ok(())
    }

    /// Sends one action if the server offers it; on success emits its
    /// reply. A failure, or an action this user may not run, becomes a note
    /// saying `what` may be incomplete.
    async fn read(&self, action: Action, what: &str) -> Result<Listed, Stopped> {
        let name = action.name().to_owned();
        match self.offered.verdict(&name) {
            Verdict::Send => {}
            Verdict::NotOffered => return Ok(Listed::Unknown),
            Verdict::NotAllowed(hint) => {
                let why = format!("not allowed for this user: {hint} ({what} may be incomplete)");
                self.note(&name, &why).await?;
                return Ok(Listed::Failed);
            }
        }
        match self.outcome(action).await? {
            Outcome::Read(reply) => {
                let ids = listed_ids(&reply);
                self.emit(ResyncUpdate::Reply(reply)).await?;
                Ok(Listed::Read(ids))
            }
            Outcome::Unknown => Ok(Listed::Unknown),
            Outcome::Damaged(reply) => {
                let missing = reply.missing_items();
                self.emit(ResyncUpdate::Reply(reply)).await?;
                let why =
                    format!("{missing} list items could not be read ({what} may be incomplete)");
                self.note(&name, &why).await?;
                Ok(Listed::Failed)
            }
            Outcome::Unreadable => {
                tracing::info!(action = %name, "skipped an answer that is no AMI response");
                Ok(Listed::Unknown)
            }
            Outcome::Failed(why) if why == PERMISSION_DENIED => {
                let why = format!(
                    "permission denied: {} ({what} may be incomplete)",
                    grant_hint(&name)
                );
                self.note(&name, &why).await?;
                Ok(Listed::Failed)
            }
            Outcome::Failed(why) => {
                self.note(&name, &format!("{why} ({what} may be incomplete)"))
                    .await?;
                Ok(Listed::Failed)
            }
        }
    }

    async fn outcome(&self, action: Action) -> Result<Outcome, Stopped> {
        // `IAXpeers` items carry no ActionID, so they reach the model as
        // live events and its reply holds none of the items it counts.
        let counts_its_items = !action.name().eq_ignore_ascii_case("IAXpeers");
        match self.handle.send(action).await {
            Ok(reply) if counts_its_items && reply.missing_items() > 0 => {
                Ok(Outcome::Damaged(reply))
            }
            Ok(reply) if reply.is_success() => Ok(Outcome::Read(reply)),
            // Asterisk 1.4's `IAXpeers` answers CLI text with no Response.
            Ok(reply) if !reply.response.has("Response") => Ok(Outcome::Unreadable),
            Ok(reply) => {
                let message = reply.message().unwrap_or_default();
                Ok(if means_none(&message) {
                    Outcome::Read(reply)
                } else if is_unknown_action(&message) {
                    Outcome::Unknown
                } else {
                    Outcome::Failed(explain_refusal(&message))
                })
            }
            Err(SendError::Timeout(limit)) => Ok(Outcome::Failed(format!(
                "no answer within {} s",
                limit.as_secs()
            ))),
            Err(SendError::Invalid(e)) => Ok(Outcome::Failed(e.to_string())),
            Err(SendError::NotConnected | SendError::Disconnected | SendError::Closed) => {
                Err(Stopped)
            }
        }
    }

    async fn note(&self, action: &str, why: &str) -> Result<(), Stopped> {
        self.emit(ResyncUpdate::Note(format!("{action}: {why}")))
            .await
    }

    async fn emit(&self, update: ResyncUpdate) -> Result<(), Stopped> {
        self.out.send(update).await.map_err(|_| Stopped)
    }
}

/// Asterisk's answer to an action it does not have (module not loaded or
/// an older version): `Invalid/unknown command`, which Asterisk 1.6 and
/// later follow with `: NAME. Use Action: ListCommands ...`.
fn is_unknown_action(message: &str) -> bool {
    const UNKNOWN: &str = "invalid/unknown command";
    message
        .get(..UNKNOWN.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(UNKNOWN))
}

/// ConfBridge's and MeetMe's answer to a list when there is nothing to
/// list (no room at all, or the room ended between the room list and its
/// member list): an `Error`, but a list read, and empty.
fn means_none(message: &str) -> bool {
    [
        "No active conferences.",
        "No Conference by that name found.",
    ]
    .iter()
    .any(|none| message.eq_ignore_ascii_case(none))
}

/// [`explain_refusal`]'s word for `Permission denied`, which the note
/// then completes with the class to grant.
const PERMISSION_DENIED: &str = "permission denied";

/// The server's refusal in words a user can act on.
fn explain_refusal(message: &str) -> String {
    if message.eq_ignore_ascii_case("Permission denied") {
        PERMISSION_DENIED.into()
    } else if message.is_empty() {
        "the server answered Error without a message".into()
    } else {
        message.to_owned()
    }
}

/// The bridge ids a `BridgeList` reply reports, the room names of a
/// `ConfbridgeListRooms` reply, or the boxes (`1001@default`) a
/// `VoicemailUsersList` reply reports.
fn listed_ids(reply: &Reply) -> Vec<String> {
    let id = |e: &Message| {
        if e.is("Event", "BridgeListItem") {
            return e.get("BridgeUniqueid").map(|id| id.into_owned());
        }
        if e.is("Event", "ConfbridgeListRooms") {
            return e.get("Conference").map(|id| id.into_owned());
        }
        if !e.is("Event", "VoicemailUserEntry") {
            return None;
        }
        let (number, context) = (e.get("VoiceMailbox")?, e.get("VMContext")?);
        Some(format!("{number}@{context}"))
    };
    reply.events.iter().filter_map(id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_explained() {
        assert_eq!(explain_refusal("Permission denied"), PERMISSION_DENIED);
        assert_eq!(explain_refusal("Queue not found"), "Queue not found");
        assert!(is_unknown_action("Invalid/unknown command"));
        assert!(is_unknown_action(
            "Invalid/unknown command: Queues. Use Action: ListCommands to show available commands."
        ));
        assert!(!is_unknown_action("Permission denied"));
        assert!(means_none("No active conferences."));
        assert!(!means_none("Permission denied"));
    }
}
