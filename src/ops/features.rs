//! The requests of the parking and conference operations that need no
//! form: park the selected call, mute or kick a member, lock a room. The
//! actions themselves are built by [`super::parking`] and
//! [`super::conference`]; this decides which one fits the selection and
//! the server (ConfBridge or MeetMe, res_parking or features.c).

use super::conference::{self, MemberAction};
use super::op::{Op, Refusal, Request, Selection};
use super::parking;

fn picked(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or_default()
}

/// `Park` of the selected channel, given back to the one it talks to on
/// timeout, in the lot Asterisk picks (the parker's).
pub(super) fn park(selection: &Selection) -> Request {
    let action = parking::park(
        selection.parking_api,
        picked(&selection.channel),
        picked(&selection.peer),
        None,
    );
    Request::new(Op::Park, action)
}

/// Mutes the selected member, or unmutes it when it is muted.
pub(super) fn mute(selection: &Selection) -> Result<Request, Refusal> {
    let action = if selection.muted.unwrap_or(false) {
        MemberAction::Unmute
    } else {
        MemberAction::Mute
    };
    member(selection, action).map(|a| Request::new(Op::ConferenceMute, a))
}

/// Kicks the selected member, once the user says yes.
pub(super) fn kick(selection: &Selection) -> Result<Request, Refusal> {
    let action = member(selection, MemberAction::Kick)?;
    let question = format!(
        "Kick {} out of conference {}?",
        picked(&selection.channel),
        picked(&selection.conference)
    );
    Ok(Request::new(Op::ConferenceKick, action).confirm_with(question))
}

/// The action on the selected member, in its room's vocabulary.
fn member(selection: &Selection, action: MemberAction) -> Result<crate::ami::Action, Refusal> {
    let room = picked(&selection.conference);
    if !selection.meetme {
        return Ok(conference::confbridge_member(
            action,
            room,
            picked(&selection.channel),
        ));
    }
    let usernum = selection.user_number.ok_or(Refusal::Unsupported(
        "this MeetMe member's user number is not known yet",
    ))?;
    conference::meetme_member(action, room, usernum).ok_or(Refusal::Unsupported(
        "MeetMe has no kick action (hang the member's channel up instead)",
    ))
}

/// Locks the selected room, or unlocks it when it is locked; the room
/// list is read again after it, since a lock raises no event.
pub(super) fn lock(selection: &Selection) -> Result<Request, Refusal> {
    if selection.meetme {
        return Err(Refusal::Unsupported(
            "MeetMe rooms cannot be locked over AMI (only ConfBridge rooms)",
        ));
    }
    let lock = !selection.locked.unwrap_or(false);
    let [action, list] = conference::confbridge_lock(picked(&selection.conference), lock);
    Ok(Request::new(Op::ConferenceLock, action).then_read(list))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::parking::ParkingApi;
    use crate::ops::start::{Start, start};

    fn member_of(room: &str, channel: &str) -> Selection {
        Selection {
            conference: Some(room.into()),
            channel: Some(channel.into()),
            ..Selection::default()
        }
    }

    fn ready(op: Op, selection: &Selection) -> Request {
        match start(op, selection, false) {
            Ok(Start::Ready(request)) => request,
            other => panic!("{op:?}: {other:?}"),
        }
    }

    #[test]
    fn park_names_the_parker_in_the_servers_vocabulary() {
        let mut selection = Selection {
            channel: Some("SIP/2002-0000000b".into()),
            peer: Some("SIP/2001-0000000a".into()),
            ..Selection::default()
        };
        let modern = ready(Op::Park, &selection);
        assert_eq!(
            modern.action.get("TimeoutChannel"),
            Some("SIP/2001-0000000a")
        );
        assert_eq!(modern.action.get("Parkinglot"), None);
        selection.parking_api = ParkingApi::Features;
        let legacy = ready(Op::Park, &selection);
        assert_eq!(legacy.action.get("Channel2"), Some("SIP/2001-0000000a"));
        // A channel alone in no call has nobody to give the call back to.
        selection.peer = None;
        assert!(matches!(
            start(Op::Park, &selection, false),
            Err(Refusal::NeedsSelection(_))
        ));
    }

    #[test]
    fn mute_toggles_and_kick_asks_first() {
        let mut selection = member_of("800", "SIP/2001-0000000a");
        assert_eq!(
            ready(Op::ConferenceMute, &selection).action.name(),
            "ConfbridgeMute"
        );
        selection.muted = Some(true);
        assert_eq!(
            ready(Op::ConferenceMute, &selection).action.name(),
            "ConfbridgeUnmute"
        );
        let kick = ready(Op::ConferenceKick, &selection);
        assert_eq!(kick.action.name(), "ConfbridgeKick");
        assert_eq!(
            kick.confirmation(),
            Some("Kick SIP/2001-0000000a out of conference 800?")
        );
    }

    #[test]
    fn meetme_members_are_muted_by_number_and_not_kicked() {
        let mut selection = Selection {
            meetme: true,
            user_number: Some(2),
            ..member_of("600", "SIP/2001-0000000a")
        };
        let mute = ready(Op::ConferenceMute, &selection);
        assert_eq!(
            (mute.action.name(), mute.action.get("Usernum")),
            ("MeetmeMute", Some("2"))
        );
        assert!(matches!(
            start(Op::ConferenceKick, &selection, false),
            Err(Refusal::Unsupported(_))
        ));
        assert!(matches!(
            start(Op::ConferenceLock, &selection, false),
            Err(Refusal::Unsupported(_))
        ));
        selection.user_number = None;
        assert!(start(Op::ConferenceMute, &selection, false).is_err());
    }

    #[test]
    fn a_lock_toggles_and_is_followed_by_a_quiet_room_list() {
        let mut room = Selection {
            conference: Some("800".into()),
            ..Selection::default()
        };
        let lock = ready(Op::ConferenceLock, &room);
        assert_eq!(lock.action.name(), "ConfbridgeLock");
        assert!(!lock.is_refresh());
        let list = lock.follow_up().expect("a room list after the lock");
        assert_eq!(list.action.name(), "ConfbridgeListRooms");
        assert!(list.is_refresh());
        assert!(list.follow_up().is_none());
        room.locked = Some(true);
        assert_eq!(
            ready(Op::ConferenceLock, &room).action.name(),
            "ConfbridgeUnlock"
        );
        // Nothing else reads again.
        assert!(
            ready(Op::ConferenceMute, &member_of("800", "x"))
                .follow_up()
                .is_none()
        );
    }
}
