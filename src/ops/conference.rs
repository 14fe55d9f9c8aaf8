//! The conference actions: mute, unmute and kick a member, lock and unlock
//! a room.
//!
//! ConfBridge names the room (`Conference`) and the member by channel name
//! (`Channel`; `participants` means every non-admin for mute/unmute).
//! MeetMe (1.x) names the room `Meetme` and the member by `Usernum`. A lock
//! raises no event, so a lock or unlock is followed by
//! `ConfbridgeListRooms`, whose item carries `Locked`.

use crate::ami::Action;

/// What to do to one member of a room.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberAction {
    Mute,
    Unmute,
    Kick,
}

/// The ConfBridge action on `channel` in `conference`.
pub fn confbridge_member(action: MemberAction, conference: &str, channel: &str) -> Action {
    let name = match action {
        MemberAction::Mute => "ConfbridgeMute",
        MemberAction::Unmute => "ConfbridgeUnmute",
        MemberAction::Kick => "ConfbridgeKick",
    };
    Action::new(name)
        .header("Conference", conference)
        .header("Channel", channel)
}

/// The MeetMe mute or unmute of user `usernum` in room `meetme`; MeetMe
/// has no kick action (`None`).
pub fn meetme_member(action: MemberAction, meetme: &str, usernum: u32) -> Option<Action> {
    let name = match action {
        MemberAction::Mute => "MeetmeMute",
        MemberAction::Unmute => "MeetmeUnmute",
        MemberAction::Kick => return None,
    };
    Some(
        Action::new(name)
            .header("Meetme", meetme)
            .header("Usernum", usernum.to_string()),
    )
}

/// Locks (or unlocks) `conference`, then re-reads the rooms, since the
/// lock itself raises no event.
pub fn confbridge_lock(conference: &str, lock: bool) -> [Action; 2] {
    let name = if lock {
        "ConfbridgeLock"
    } else {
        "ConfbridgeUnlock"
    };
    [
        Action::new(name).header("Conference", conference),
        Action::new("ConfbridgeListRooms"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_actions_name_room_and_channel() {
        let kick = confbridge_member(MemberAction::Kick, "amitop_conf", "Local/1@t-1;1");
        assert_eq!(kick.name(), "ConfbridgeKick");
        assert_eq!(kick.get("Conference"), Some("amitop_conf"));
        assert_eq!(kick.get("Channel"), Some("Local/1@t-1;1"));
        let mute = meetme_member(MemberAction::Mute, "600", 3).unwrap();
        assert_eq!(
            (mute.name(), mute.get("Usernum")),
            ("MeetmeMute", Some("3"))
        );
        assert!(meetme_member(MemberAction::Kick, "600", 3).is_none());
    }

    #[test]
    fn a_lock_is_followed_by_a_room_list() {
        let [lock, list] = confbridge_lock("amitop_conf", true);
        assert_eq!(lock.name(), "ConfbridgeLock");
        assert_eq!(list.name(), "ConfbridgeListRooms");
        assert_eq!(confbridge_lock("x", false)[0].name(), "ConfbridgeUnlock");
    }
}
