//! Channel lifecycle events and channel list items, in every vocabulary.
//!
//! Which events may create a channel matters for ghosts: only events that
//! describe a live channel (Newchannel, the Newstate family, list items,
//! BridgeEnter, DialBegin) create one when its Uniqueid is unknown. Events
//! that can arrive after a channel is gone (Hangup, HangupRequest, VarSet,
//! hold and music changes, DialEnd, BridgeLeave) only update a channel
//! that is still there. A replay started mid-stream therefore shows the
//! calls it sees described, and never invents one that already ended.

use super::State;
use super::bridges::leave;
use super::snapshot::Snapshot;
use crate::ami::Message;

impl State {
    /// Newchannel, Newstate, NewCallerid, NewConnectedLine, NewAccountCode,
    /// Newexten and the like: copy the snapshot, creating when allowed.
    pub(super) fn channel_snapshot(&mut self, msg: &Message, create: bool) -> Option<String> {
        let snap = Snapshot::parse(msg, "");
        self.channels.upsert(&snap, create, self.generation)
    }

    /// [`State::channel_snapshot`] when the Uniqueid is not needed after.
    pub(super) fn update_channel(&mut self, msg: &Message, create: bool) {
        let snap = Snapshot::parse(msg, "");
        self.channels.apply_snapshot(&snap, create, self.generation);
    }

    /// Hangup: the channel leaves its bridge and the model for good.
    pub(super) fn hangup(&mut self, msg: &Message) {
        let Some(id) =
            (self.channels).resolve_cow(msg.get("Uniqueid"), msg.get("Channel").as_deref())
        else {
            return;
        };
        leave(&mut self.bridges, &mut self.channels, &id);
        self.forget_in_pbx_objects(&id);
        if let Some(channel) = self.channels.remove(&id)
            && let Some(other) = channel.local_peer.as_deref()
            && let Some(other) = self.channels.get_mut(other)
        {
            other.local_peer = None;
        }
    }

    /// Rename: 1.1+ `Channel` + `Newname`, older `Oldname` + `Newname`.
    pub(super) fn rename(&mut self, msg: &Message) {
        let Some(new_name) = msg.get("Newname") else {
            return;
        };
        let old_name = msg.get_any(&["Channel", "Oldname"]);
        if let Some(id) = (self.channels).resolve_cow(msg.get("Uniqueid"), old_name.as_deref()) {
            self.channels.rename(&id, &new_name);
        }
    }

    /// Hold: 1.1 `Hold` with `Status: On/Off`, 12+ `Hold` / `Unhold`.
    pub(super) fn hold(&mut self, msg: &Message, on: bool) {
        let on = match msg.get("Status") {
            Some(status) => status.eq_ignore_ascii_case("On"),
            None => on,
        };
        if let Some(channel) = self.channel_named_by(msg) {
            channel.hold = on;
        }
    }

    /// Music on hold: 12+ `MusicOnHoldStart/Stop`, 1.x `MusicOnHold` with
    /// `State: Start/Stop`.
    pub(super) fn music_on_hold(&mut self, msg: &Message, on: Option<bool>) {
        let on = on.unwrap_or_else(|| msg.is("State", "Start"));
        let class = msg.get("Class").unwrap_or_default();
        if let Some(channel) = self.channel_named_by(msg) {
            channel.music_on_hold = on;
            channel.music_class.clear();
            if on {
                channel.music_class.push_str(&class);
            }
        }
    }

    pub(super) fn var_set(&mut self, msg: &Message) {
        let [name, value, uniqueid, channel] =
            msg.get_each(["Variable", "Value", "Uniqueid", "Channel"]);
        let (Some(name), Some(value)) = (name, value) else {
            return;
        };
        let text = |raw| msg.text(raw);
        let (uniqueid, channel) = (uniqueid.map(text), channel.map(text));
        if let Some(channel) = self.channel_with(uniqueid.as_deref(), channel.as_deref()) {
            channel.set_variable(&msg.text(name), &msg.text(value));
        }
    }

    /// ChannelUpdate (1.x chan_sip / chan_iax2): driver details.
    pub(super) fn channel_update(&mut self, msg: &Message) {
        const NOT_DETAILS: [&str; 4] = ["Event", "Privilege", "Channel", "Uniqueid"];
        let details: Vec<_> = msg
            .headers()
            .filter(|(k, _)| !NOT_DETAILS.iter().any(|n| k.eq_ignore_ascii_case(n)))
            .collect();
        if let Some(channel) = self.channel_named_by(msg) {
            for (key, value) in details {
                channel.set_driver_detail(&key, &value);
            }
        }
    }

    /// LocalBridge: the two halves of a Local channel are connected
    /// (1.x `Uniqueid1/2`, 12+ `LocalOne*/LocalTwo*` snapshots).
    pub(super) fn local_bridge(&mut self, msg: &Message) {
        let [one, two] = Snapshot::parse_each(msg, ["LocalOne", "LocalTwo"]);
        let (one, two) = if one.uniqueid.is_some() {
            (
                self.channels.upsert(&one, true, self.generation),
                self.channels.upsert(&two, true, self.generation),
            )
        } else {
            let one = msg.get("Uniqueid1");
            let two = msg.get("Uniqueid2");
            (
                self.channels
                    .resolve(one.as_deref(), msg.get("Channel1").as_deref()),
                self.channels
                    .resolve(two.as_deref(), msg.get("Channel2").as_deref()),
            )
        };
        let (Some(one), Some(two)) = (one, two) else {
            return;
        };
        if self.channels.get(&one).is_none() || self.channels.get(&two).is_none() {
            return;
        }
        if let Some(channel) = self.channels.get_mut(&one) {
            channel.local_peer = Some(two.clone());
        }
        if let Some(channel) = self.channels.get_mut(&two) {
            channel.local_peer = Some(one);
        }
    }

    /// CoreShowChannel (12+ list item): the channel as it is now.
    pub(super) fn core_show_channel(&mut self, msg: &Message) {
        let Some(id) = self.channel_snapshot(msg, true) else {
            return;
        };
        if let Some(bridge) = msg.get("BridgeId") {
            self.channel_in_bridge(&id, &bridge);
        }
    }

    /// Status list item: 12+ (`BridgeID`), 1.1-11 (`BridgedUniqueid`,
    /// `BridgedChannel`) or older (`Link` = bridged channel's name).
    pub(super) fn status_item(&mut self, msg: &Message) {
        let Some(id) = self.channel_snapshot(msg, true) else {
            return;
        };
        if let Some(bridge) = msg.get("BridgeID") {
            self.channel_in_bridge(&id, &bridge);
            return;
        }
        let bridged_id = msg.get("BridgedUniqueid");
        let bridged_name = msg.get_any(&["BridgedChannel", "Link"]);
        if bridged_id.is_none() && bridged_name.is_none() {
            return;
        }
        match self
            .channels
            .resolve(bridged_id.as_deref(), bridged_name.as_deref())
        {
            Some(other) => self.legacy_link(&id, &other, ""),
            None => leave(&mut self.bridges, &mut self.channels, &id),
        }
    }

    /// The live channel an event is about, by Uniqueid or by name.
    fn channel_named_by(&mut self, msg: &Message) -> Option<&mut super::Channel> {
        let [uniqueid, name] = msg.get_each(["Uniqueid", "Channel"]);
        let text = |raw| msg.text(raw);
        let (uniqueid, name) = (uniqueid.map(text), name.map(text));
        self.channel_with(uniqueid.as_deref(), name.as_deref())
    }

    /// The live channel with this Uniqueid, or else this name.
    fn channel_with(
        &mut self,
        uniqueid: Option<&str>,
        name: Option<&str>,
    ) -> Option<&mut super::Channel> {
        let generation = self.generation;
        let channel = self.channels.find_mut(uniqueid, name)?;
        channel.seen = generation;
        Some(channel)
    }
}
