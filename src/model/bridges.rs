//! Bridges: who talks to whom.
//!
//! Asterisk 12+ reports bridges as objects with their own id
//! (`BridgeCreate/Enter/Leave/Destroy/Merge`, `BridgeListItem`,
//! `BridgeInfoChannel`). Asterisk 1.4 to 11 only reports that two channels
//! were linked or unlinked (`Link`/`Unlink`, `Bridge` with `Bridgestate`);
//! such a link becomes a two-member bridge with a made-up id derived from the
//! two Uniqueids, so it is stable across replays. Either way, every channel
//! records its bridge and its peers, kept in step here.

use foldhash::HashMap;
use serde::Serialize;

use super::State;
use super::changes::Changes;
use super::channels::{Channels, set};
use super::snapshot::Snapshot;
use crate::ami::Message;

/// Pending `BridgeInfo` replies kept while waiting for their end event.
const MAX_PENDING_INFO: usize = 64;

/// One bridge, in the shape of the `--json` document.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Bridge {
    pub id: String,
    /// `basic`, `holding`... (12+), or the 1.x `Bridgetype` (`core`,
    /// `rtp-native`, `rtp-direct`, `rtp-remote`).
    #[serde(rename = "type")]
    pub bridge_type: String,
    /// `simple_bridge`, `native_rtp`... (12+; empty for a 1.x link).
    pub technology: String,
    /// Uniqueids, in the order they entered.
    pub members: Vec<String>,
    #[serde(skip)]
    pub name: String,
    #[serde(skip)]
    pub creator: String,
    /// A 1.x link (exists only while both channels are linked).
    #[serde(skip)]
    pub legacy: bool,
    #[serde(skip)]
    pub seen: u64,
}

/// Every known bridge.
#[derive(Clone, Debug, Default)]
pub struct Bridges {
    by_id: HashMap<String, Bridge>,
    /// Channels of a `BridgeInfo` reply, by ActionID, until its
    /// `BridgeInfoComplete` names the bridge.
    pending_info: HashMap<String, Vec<String>>,
    /// Bridges whose description may have changed (who is in a bridge is
    /// told by the channels' own changes).
    changes: Changes,
}

impl Bridges {
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Bridge> {
        self.by_id.get(id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Bridge> {
        self.by_id.values()
    }

    /// The bridges changed lately, for views that keep what they derive.
    pub fn changes(&self) -> &Changes {
        &self.changes
    }

    /// Bridges ordered by id, for display.
    pub fn sorted(&self) -> Vec<&Bridge> {
        let mut list: Vec<&Bridge> = self.by_id.values().collect();
        list.sort_by(|a, b| a.id.cmp(&b.id));
        list
    }

    /// Ids of bridges not reported since `generation` began.
    pub fn stale(&self, generation: u64) -> Vec<String> {
        self.by_id
            .values()
            .filter(|b| b.seen < generation)
            .map(|b| b.id.clone())
            .collect()
    }

    /// The bridge `id`, made by `new` from a copy of `id` when unknown.
    /// Looked up before any copy is made: nearly every event is about a
    /// bridge already known.
    fn known_or(&mut self, id: &str, new: impl FnOnce(String) -> Bridge) -> &mut Bridge {
        if !self.by_id.contains_key(id) {
            self.by_id.insert(id.to_owned(), new(id.to_owned()));
        }
        self.by_id.get_mut(id).expect("inserted above")
    }

    /// The bridge `id`, created empty if unknown; its description is
    /// refreshed from the event's `Bridge*` headers.
    fn touch(&mut self, id: &str, msg: &Message, generation: u64) -> &mut Bridge {
        self.changes.record(id);
        let bridge = self.known_or(id, Bridge::new);
        bridge.seen = generation;
        let values = msg.get_each([
            "BridgeType",
            "BridgeTechnology",
            "BridgeName",
            "BridgeCreator",
        ]);
        let fields = [
            &mut bridge.bridge_type,
            &mut bridge.technology,
            &mut bridge.name,
            &mut bridge.creator,
        ];
        for (field, value) in fields.into_iter().zip(values) {
            if let Some(value) = value.map(|raw| msg.text(raw)) {
                set(field, if value == "<unknown>" { "" } else { &value });
            }
        }
        bridge
    }
}

impl Bridge {
    /// An empty bridge, until events describe it.
    fn new(id: String) -> Bridge {
        Bridge {
            id,
            ..Bridge::default()
        }
    }
}

impl Serialize for Bridges {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.sorted())
    }
}

/// The made-up id of a 1.x link between two channels (order-independent).
pub fn legacy_id(a: &str, b: &str) -> String {
    let (first, second) = if a <= b { (a, b) } else { (b, a) };
    format!("link:{first}+{second}")
}

/// Puts a channel into a bridge, out of any other one first.
fn join(bridges: &mut Bridges, channels: &mut Channels, bridge_id: &str, uniqueid: &str) {
    let Some(channel) = channels.get(uniqueid) else {
        return;
    };
    if channel.bridge.as_deref() != Some(bridge_id) {
        leave(bridges, channels, uniqueid);
    }
    let Some(bridge) = bridges.by_id.get_mut(bridge_id) else {
        return;
    };
    if !bridge.members.iter().any(|m| m == uniqueid) {
        bridge.members.push(uniqueid.to_owned());
    }
    if let Some(channel) = channels.get_mut(uniqueid) {
        match &mut channel.bridge {
            Some(bridge) => set(bridge, bridge_id),
            None => channel.bridge = Some(bridge_id.to_owned()),
        }
    }
    sync_peers(bridges, channels, bridge_id);
}

/// Takes a channel out of its bridge; a 1.x link ends with it.
pub(super) fn leave(bridges: &mut Bridges, channels: &mut Channels, uniqueid: &str) {
    let Some(bridge_id) = channels.get_mut(uniqueid).and_then(|c| {
        c.peers.clear();
        c.bridge.take()
    }) else {
        return;
    };
    let Some(bridge) = bridges.by_id.get_mut(&bridge_id) else {
        return;
    };
    bridge.members.retain(|m| m != uniqueid);
    if bridge.legacy {
        destroy(bridges, channels, &bridge_id);
    } else {
        sync_peers(bridges, channels, &bridge_id);
    }
}

/// Removes a bridge; whoever was still in it is in no bridge now.
fn destroy(bridges: &mut Bridges, channels: &mut Channels, bridge_id: &str) {
    let Some(bridge) = bridges.by_id.remove(bridge_id) else {
        return;
    };
    for member in &bridge.members {
        if let Some(channel) = channels.get_mut(member)
            && channel.bridge.as_deref() == Some(bridge_id)
        {
            channel.bridge = None;
            channel.peers.clear();
        }
    }
}

/// Rewrites every member's peer list from the bridge's member list.
fn sync_peers(bridges: &Bridges, channels: &mut Channels, bridge_id: &str) {
    let Some(bridge) = bridges.by_id.get(bridge_id) else {
        return;
    };
    // Calls waiting in a parking lot share its bridge but do not talk.
    let talking = !bridge.is_parking_lot();
    for member in &bridge.members {
        if let Some(channel) = channels.get_mut(member) {
            let others = bridge.members.iter().filter(|m| *m != member);
            overwrite(&mut channel.peers, others.filter(|_| talking));
        }
    }
}

/// Makes `list` hold `items`, in the strings it already has: a member's
/// peers are rewritten whenever anyone enters or leaves.
fn overwrite<'a>(list: &mut Vec<String>, items: impl Iterator<Item = &'a String>) {
    let mut len = 0;
    for item in items {
        match list.get_mut(len) {
            Some(kept) => set(kept, item),
            None => list.push(item.clone()),
        }
        len += 1;
    }
    list.truncate(len);
}

impl State {
    pub(super) fn bridge_create(&mut self, msg: &Message) {
        if let Some(id) = msg.get("BridgeUniqueid") {
            self.bridges.touch(&id, msg, self.generation);
        }
    }

    /// `BridgeEnter`; with `SwapUniqueid` (Local channel optimisation) the
    /// entering channel replaces the swapped one at once.
    pub(super) fn bridge_enter(&mut self, msg: &Message) {
        let Some(bridge_id) = msg.get("BridgeUniqueid") else {
            return;
        };
        let snap = Snapshot::parse(msg, "");
        let Some(uniqueid) = self.channels.upsert_cow(&snap, true, self.generation) else {
            return;
        };
        self.bridges.touch(&bridge_id, msg, self.generation);
        let swapped = msg.get("SwapUniqueid").filter(|s| !s.is_empty());
        if let Some(swapped) = swapped
            && self
                .channels
                .get(&swapped)
                .and_then(|c| c.bridge.as_deref())
                == Some(&*bridge_id)
        {
            leave(&mut self.bridges, &mut self.channels, &swapped);
        }
        join(&mut self.bridges, &mut self.channels, &bridge_id, &uniqueid);
    }

    pub(super) fn bridge_leave(&mut self, msg: &Message) {
        let snap = Snapshot::parse(msg, "");
        if let Some(uniqueid) = self.channels.upsert_cow(&snap, false, self.generation) {
            leave(&mut self.bridges, &mut self.channels, &uniqueid);
        }
        if let Some(bridge_id) = msg.get("BridgeUniqueid")
            && let Some(bridge) = self.bridges.by_id.get_mut(&*bridge_id)
            && let Some(gone) = snap.uniqueid.as_deref()
        {
            bridge.members.retain(|m| m != gone);
        }
    }

    pub(super) fn bridge_destroy(&mut self, msg: &Message) {
        if let Some(id) = msg.get("BridgeUniqueid") {
            destroy(&mut self.bridges, &mut self.channels, &id);
        }
    }

    /// `BridgeMerge`: the `From` bridge's channels move into the `To` bridge.
    pub(super) fn bridge_merge(&mut self, msg: &Message) {
        let (Some(to), Some(from)) = (msg.get("ToBridgeUniqueid"), msg.get("FromBridgeUniqueid"))
        else {
            return;
        };
        let moving = self
            .bridges
            .by_id
            .get(&*from)
            .map(|b| b.members.clone())
            .unwrap_or_default();
        let to_snapshot = rename_prefixed(msg, "To");
        self.bridges.touch(&to, &to_snapshot, self.generation);
        destroy(&mut self.bridges, &mut self.channels, &from);
        for member in moving {
            join(&mut self.bridges, &mut self.channels, &to, &member);
        }
    }

    /// `BridgeListItem`: a bridge that exists now.
    pub(super) fn bridge_list_item(&mut self, msg: &Message) {
        if let Some(id) = msg.get("BridgeUniqueid") {
            self.bridges.touch(&id, msg, self.generation);
        }
    }

    /// `BridgeInfoChannel`: a member of the bridge the reply is about; the
    /// bridge itself is only named by the `BridgeInfoComplete` that follows.
    pub(super) fn bridge_info_channel(&mut self, msg: &Message) {
        let snap = Snapshot::parse(msg, "");
        let Some(uniqueid) = self.channels.upsert(&snap, true, self.generation) else {
            return;
        };
        let action = msg.action_id().unwrap_or_default().into_owned();
        let pending = &mut self.bridges.pending_info;
        if pending.len() >= MAX_PENDING_INFO && !pending.contains_key(&action) {
            pending.clear();
        }
        pending.entry(action).or_default().push(uniqueid);
    }

    pub(super) fn bridge_info_complete(&mut self, msg: &Message) {
        let action = msg.action_id().unwrap_or_default();
        let members = self
            .bridges
            .pending_info
            .remove(&*action)
            .unwrap_or_default();
        let Some(id) = msg.get("BridgeUniqueid") else {
            return;
        };
        self.bridges.touch(&id, msg, self.generation);
        for member in members {
            join(&mut self.bridges, &mut self.channels, &id, &member);
        }
    }

    /// A list item (`CoreShowChannel`, 12+ `Status`) saying which bridge a
    /// channel is in; an empty id means none.
    pub(super) fn channel_in_bridge(&mut self, uniqueid: &str, bridge_id: &str) {
        if bridge_id.is_empty() {
            leave(&mut self.bridges, &mut self.channels, uniqueid);
            return;
        }
        let bridge = self.bridges.known_or(bridge_id, Bridge::new);
        bridge.seen = self.generation;
        join(&mut self.bridges, &mut self.channels, bridge_id, uniqueid);
    }

    /// A 1.x link between two channels (`Link`, `Bridge` with Link, or an
    /// old `Status` reply naming the bridged channel).
    pub(super) fn legacy_link(&mut self, a: &str, b: &str, bridge_type: &str) {
        if a == b || self.channels.get(a).is_none() || self.channels.get(b).is_none() {
            return;
        }
        let id = legacy_id(a, b);
        let bridge = self.bridges.known_or(&id, |id| Bridge {
            legacy: true,
            ..Bridge::new(id)
        });
        bridge.seen = self.generation;
        if !bridge_type.is_empty() {
            set(&mut bridge.bridge_type, bridge_type);
        }
        join(&mut self.bridges, &mut self.channels, &id, a);
        join(&mut self.bridges, &mut self.channels, &id, b);
    }

    /// A 1.x unlink: the link between the two ends, or failing that
    /// (names moved by a masquerade) whatever link each end is in.
    pub(super) fn legacy_unlink(&mut self, a: &str, b: &str) {
        let id = legacy_id(a, b);
        if self.bridges.by_id.contains_key(&id) {
            destroy(&mut self.bridges, &mut self.channels, &id);
            return;
        }
        for end in [a, b] {
            let in_link = self
                .channels
                .get(end)
                .and_then(|c| c.bridge.as_deref())
                .and_then(|id| self.bridges.get(id))
                .is_some_and(|bridge| bridge.legacy);
            if in_link {
                leave(&mut self.bridges, &mut self.channels, end);
            }
        }
    }

    /// Removes bridges not reported since the resync began.
    pub(super) fn sweep_bridges(&mut self) {
        for id in self.bridges.stale(self.generation) {
            destroy(&mut self.bridges, &mut self.channels, &id);
        }
    }
}

/// A message whose `To`-prefixed bridge headers appear unprefixed, so
/// `BridgeMerge` can describe its surviving bridge like any other event.
fn rename_prefixed(msg: &Message, prefix: &str) -> Message {
    Message::from_pairs(msg.headers().filter_map(|(key, value)| {
        let head = key.get(..prefix.len())?;
        head.eq_ignore_ascii_case(prefix)
            .then(|| (key[prefix.len()..].to_owned(), value.into_owned()))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_ids_ignore_order() {
        assert_eq!(legacy_id("1.2", "1.1"), legacy_id("1.1", "1.2"));
        assert_eq!(legacy_id("1.1", "1.2"), "link:1.1+1.2");
    }
}
