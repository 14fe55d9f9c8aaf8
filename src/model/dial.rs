//! Dialling, in its three vocabularies: 1.4/1.1 `Dial` (one event per
//! dial), 1.6-11 `Dial` with `SubEvent: Begin/End`, and 12+
//! `DialBegin`/`DialEnd`. The caller records whom it is dialling, so a
//! ringing call can be shown as "A -> B" before any bridge exists.

use std::borrow::Cow;

use super::State;
use super::snapshot::Snapshot;
use crate::ami::Message;

impl State {
    /// 1.x `Dial`: without `SubEvent` (1.4 / 1.1) or `SubEvent: Begin`
    /// starts a dial, `SubEvent: End` finishes every dial of the caller.
    pub(super) fn dial_legacy(&mut self, msg: &Message) {
        let caller_id = msg.get_any(&["UniqueID", "SrcUniqueID"]);
        let caller_name = msg.get_any(&["Channel", "Source"]);
        let Some(caller) = self.channels.resolve_cow(caller_id, caller_name.as_deref()) else {
            return;
        };
        if msg.is("SubEvent", "End") {
            if let Some(channel) = self.channels.get_mut(&caller) {
                channel.dialing.clear();
                channel.dial_status = msg.get_or_empty("DialStatus").into_owned();
            }
            return;
        }
        let dest = Snapshot {
            uniqueid: msg.get("DestUniqueID"),
            name: msg.get("Destination"),
            ..Snapshot::default()
        };
        let caller_snapshot = Snapshot {
            uniqueid: Some(Cow::Borrowed(&caller)),
            name: caller_name.clone(),
            ..Snapshot::parse_caller_id(msg)
        };
        self.channels
            .apply_snapshot(&caller_snapshot, true, self.generation);
        let dest = self.channels.upsert_cow(&dest, true, self.generation);
        self.start_dial(&caller, dest.as_deref());
    }

    /// 12+ `DialBegin`. An originated call's first one has only `Dest*`
    /// headers: there is no calling channel then.
    pub(super) fn dial_begin(&mut self, msg: &Message) {
        let [caller_snapshot, dest_snapshot] = Snapshot::parse_each(msg, ["", "Dest"]);
        let caller = self
            .channels
            .upsert_cow(&caller_snapshot, true, self.generation);
        let dest = self
            .channels
            .upsert_cow(&dest_snapshot, true, self.generation);
        if let Some(caller) = caller {
            self.start_dial(&caller, dest.as_deref());
        }
    }

    /// 12+ `DialEnd`: one dial of the caller finished with `DialStatus`.
    pub(super) fn dial_end(&mut self, msg: &Message) {
        let [caller_snapshot, dest] = Snapshot::parse_each(msg, ["", "Dest"]);
        let caller = self
            .channels
            .upsert_cow(&caller_snapshot, false, self.generation);
        self.channels.apply_snapshot(&dest, false, self.generation);
        let (Some(caller), Some(dest_id)) = (caller, dest.uniqueid) else {
            return;
        };
        if let Some(channel) = self.channels.get_mut(&caller) {
            channel.dialing.retain(|d| *d != dest_id);
            channel.dial_status = msg.get_or_empty("DialStatus").into_owned();
        }
    }

    fn start_dial(&mut self, caller: &str, dest: Option<&str>) {
        let (Some(channel), Some(dest)) = (self.channels.get_mut(caller), dest) else {
            return;
        };
        if !channel.dialing.iter().any(|d| d == dest) {
            channel.dialing.push(dest.to_owned());
        }
        channel.dial_status.clear();
    }
}

impl<'a> Snapshot<'a> {
    /// Only the caller ID headers of a message (1.x `Dial` carries the
    /// caller's, and nothing else of its snapshot).
    fn parse_caller_id(msg: &'a Message) -> Snapshot<'a> {
        let full = Snapshot::parse(msg, "");
        Snapshot {
            caller_id_num: full.caller_id_num,
            caller_id_name: full.caller_id_name,
            ..Snapshot::default()
        }
    }
}
