//! Live channels, keyed by Uniqueid, and the name index and tombstones
//! that keep them honest.
//!
//! Why Uniqueid: a channel's name changes (`Rename`, 1.x masquerades,
//! `<MASQ>`/`<ZOMBIE>` suffixes) but its Uniqueid does not. Events that carry
//! only a name (1.x `Link`, `Masquerade`, old `Status` replies) are resolved
//! through the name index. A hung-up Uniqueid is remembered for a while (a
//! tombstone) so a late event or list item cannot bring the channel back.

use std::borrow::Cow;
use std::collections::VecDeque;

use foldhash::fast::RandomState;
use foldhash::{HashMap, HashSet};
use hashbrown::hash_map::EntryRef;

use compact_str::CompactString;
use serde::Serialize;

use super::changes::Changes;
use super::small_map::SmallMap;
use super::snapshot::{Snapshot, state_name, uniqueid_epoch};

/// How many hung-up Uniqueids are remembered.
const TOMBSTONES: usize = 4096;
/// Channel variables kept per channel (VarSet floods must not grow memory).
const MAX_VARIABLES: usize = 32;
/// Longest variable value kept, in bytes.
const MAX_VARIABLE_LEN: usize = 256;
/// Channel driver details kept per channel (ChannelUpdate).
const MAX_DRIVER_DETAILS: usize = 16;
/// Removed channels (and name index entries) kept for reuse. Hangups come
/// in bursts of hundreds before the next calls start (64 kept caught only a
/// tenth of the replay corpus's channels); a spare is a kilobyte or two.
const SPARES: usize = 1024;

/// One live channel, in the shape of the `--json` document.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Channel {
    pub uniqueid: String,
    pub name: String,
    /// Text state (`Up`, `Ringing`, ...).
    pub state: CompactString,
    pub caller_id_num: CompactString,
    pub caller_id_name: CompactString,
    pub connected_num: CompactString,
    pub connected_name: CompactString,
    pub account_code: CompactString,
    pub context: CompactString,
    pub exten: CompactString,
    pub priority: Option<u32>,
    pub application: CompactString,
    pub app_data: CompactString,
    /// Put on hold by its own side (`Hold`).
    pub hold: bool,
    /// Hearing music on hold (`MusicOnHoldStart`, 1.x `MusicOnHold`).
    pub music_on_hold: bool,
    pub linkedid: CompactString,
    /// Id of the bridge the channel is in.
    pub bridge: Option<String>,
    /// Uniqueids of the other channels in that bridge.
    pub peers: Vec<String>,
    /// Epoch seconds the channel was created, when known.
    pub created: Option<f64>,
    /// Numeric state, when the server sent it.
    #[serde(skip)]
    pub state_code: Option<u8>,
    /// Music class while `music_on_hold`.
    #[serde(skip)]
    pub music_class: String,
    /// Uniqueids this channel is dialling right now.
    #[serde(skip)]
    pub dialing: Vec<String>,
    /// The last `DialStatus` of a dial this channel made.
    #[serde(skip)]
    pub dial_status: String,
    /// The other half of a Local channel pair (`;1` <-> `;2`).
    #[serde(skip)]
    pub local_peer: Option<String>,
    /// Variables seen in `VarSet` (bounded).
    #[serde(skip)]
    pub variables: SmallMap,
    /// Channel driver details from `ChannelUpdate` (bounded).
    #[serde(skip)]
    pub driver: SmallMap,
    /// Resync generation that last reported this channel.
    #[serde(skip)]
    pub seen: u64,
}

impl Channel {
    fn new(uniqueid: &str) -> Channel {
        Channel {
            uniqueid: uniqueid.to_owned(),
            created: uniqueid_epoch(uniqueid),
            ..Channel::default()
        }
    }

    /// Makes this channel what [`Channel::new`] would give (a test holds
    /// them to it), keeping the room of its strings and lists: a removed
    /// channel becomes the next new one without allocating. Every field is
    /// named, so a new one cannot be forgotten here.
    fn reset(&mut self, new_uniqueid: &str) {
        let Channel {
            uniqueid,
            name,
            state,
            caller_id_num,
            caller_id_name,
            connected_num,
            connected_name,
            account_code,
            context,
            exten,
            priority,
            application,
            app_data,
            hold,
            music_on_hold,
            linkedid,
            bridge,
            peers,
            created,
            state_code,
            music_class,
            dialing,
            dial_status,
            local_peer,
            variables,
            driver,
            seen,
        } = self;
        refill(uniqueid, new_uniqueid);
        [name, music_class, dial_status]
            .into_iter()
            .for_each(String::clear);
        let snapshot_fields = [
            state,
            caller_id_num,
            caller_id_name,
            connected_num,
            connected_name,
            account_code,
            context,
            exten,
            application,
            app_data,
            linkedid,
        ];
        snapshot_fields.into_iter().for_each(CompactString::clear);
        peers.clear();
        dialing.clear();
        variables.clear();
        driver.clear();
        *bridge = None;
        *local_peer = None;
        *priority = None;
        *state_code = None;
        *hold = false;
        *music_on_hold = false;
        *seen = 0;
        *created = uniqueid_epoch(new_uniqueid);
    }

    /// Copies whatever the snapshot carries; absent fields stay as they were.
    fn update(&mut self, snap: &Snapshot<'_>) {
        if let Some(code) = snap.state_code {
            self.state_code = Some(code);
            if snap.state_desc.is_none() {
                set_field(&mut self.state, state_name(code));
            }
        }
        let text_fields = [
            (&mut self.state, snap.state_desc),
            (&mut self.caller_id_num, snap.caller_id_num),
            (&mut self.caller_id_name, snap.caller_id_name),
            (&mut self.connected_num, snap.connected_num),
            (&mut self.connected_name, snap.connected_name),
            (&mut self.account_code, snap.account_code),
            (&mut self.context, snap.context),
            (&mut self.exten, snap.exten),
            (&mut self.linkedid, snap.linkedid),
            (&mut self.application, snap.application),
            (&mut self.app_data, snap.app_data),
        ];
        for (field, raw) in text_fields {
            // Compared raw first: decoding is for values that changed.
            if let Some(raw) = raw
                && !same_bytes(field.as_bytes(), raw)
            {
                set_field(field, &snap.text(raw));
            }
        }
        if snap.priority.is_some() {
            self.priority = snap.priority;
        }
    }

    /// Records a `VarSet`, within the per-channel bounds.
    pub fn set_variable(&mut self, name: &str, value: &str) {
        let value = truncate(value, MAX_VARIABLE_LEN);
        self.variables.set(name, value, MAX_VARIABLES);
    }

    /// Records one channel driver detail (`ChannelUpdate`), within bounds.
    pub fn set_driver_detail(&mut self, key: &str, value: &str) {
        self.driver.set(key, value, MAX_DRIVER_DETAILS);
    }
}

/// Overwrites a snapshot field. Short values (nearly all: states,
/// numbers, names, contexts, ids) live inside the `CompactString` itself,
/// so filling a new channel allocates nothing, and comparing a field with
/// the next event's value reads no memory but the channel's own.
fn set_field(field: &mut CompactString, value: &str) {
    field.clear();
    field.push_str(value);
}

/// Overwrites `field` with `value`, reusing its allocation.
pub(crate) fn set(field: &mut String, value: &str) {
    if field == value {
        return;
    }
    if field.capacity() == 0 {
        // A new channel's fields: one allocation of the exact size costs
        // less than growing an empty string.
        *field = value.to_owned();
    } else {
        field.clear();
        field.push_str(value);
    }
}

/// `a == b`, inline for values up to 16 bytes (nearly every snapshot
/// value): an event repeats most of its channel's snapshot, so these
/// compares run a dozen times an event, and a call to `memcmp` costs more
/// than the bytes compared. Overlapping words cover the lengths between.
#[inline(always)]
pub(super) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let len = a.len();
    if len != b.len() {
        return false;
    }
    let word =
        |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or_default());
    let half =
        |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().unwrap_or_default());
    match len {
        0 => true,
        1..=3 => a[0] == b[0] && a[len / 2] == b[len / 2] && a[len - 1] == b[len - 1],
        4..=7 => half(a, 0) == half(b, 0) && half(a, len - 4) == half(b, len - 4),
        8..=16 => word(a, 0) == word(b, 0) && word(a, len - 8) == word(b, len - 8),
        _ => a == b,
    }
}

/// Overwrites `text` with `value`, in its room when it has enough.
fn refill(text: &mut String, value: &str) {
    text.clear();
    text.push_str(value);
}

/// `value` in the `spare` string when there is one, else in a new one.
fn copy_into(spare: Option<String>, value: &str) -> String {
    match spare {
        Some(mut text) => {
            refill(&mut text, value);
            text
        }
        None => value.to_owned(),
    }
}

fn truncate(value: &str, max: usize) -> &str {
    if value.len() <= max {
        return value;
    }
    let mut end = max;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    &value[..end]
}

/// Every live channel, plus the indexes that resolve names and refuse the dead.
#[derive(Clone, Debug, Default)]
pub struct Channels {
    /// hashbrown's map (with the same hasher) for its `entry_ref`.
    by_id: hashbrown::HashMap<String, Channel, RandomState>,
    by_name: HashMap<String, String>,
    tombstones: HashSet<String>,
    tombstone_order: VecDeque<String>,
    /// Every channel handed out for writing, created or removed.
    changes: Changes,
    spares: Spares,
}

/// What removed channels leave for the next new ones: a channel comes and
/// goes with every call, and reusing its strings spares the allocator a
/// few dozen calls each time.
#[derive(Debug, Default)]
struct Spares {
    /// `by_id` keys with their channels.
    channels: Vec<(String, Channel)>,
    /// `by_name` entries (name, Uniqueid).
    names: Vec<(String, String)>,
}

/// A copy of the model (the picture kept when the connection goes) starts
/// with no spares: they are room, not state.
impl Clone for Spares {
    fn clone(&self) -> Spares {
        Spares::default()
    }
}

impl Spares {
    /// A key and a channel as new, for `uniqueid`.
    fn channel(&mut self, uniqueid: &str) -> (String, Channel) {
        match self.channels.pop() {
            Some((mut key, mut channel)) => {
                refill(&mut key, uniqueid);
                channel.reset(uniqueid);
                (key, channel)
            }
            None => (uniqueid.to_owned(), Channel::new(uniqueid)),
        }
    }

    fn keep_channel(&mut self, key: String, channel: Channel) {
        if self.channels.len() < SPARES {
            self.channels.push((key, channel));
        }
    }

    /// A name index entry for `name` and `uniqueid`.
    fn name_entry(&mut self, name: &str, uniqueid: &str) -> (String, String) {
        let (key, owner) = self.names.pop().unzip();
        (copy_into(key, name), copy_into(owner, uniqueid))
    }

    fn keep_name_entry(&mut self, entry: (String, String)) {
        if self.names.len() < SPARES {
            self.names.push(entry);
        }
    }
}

/// What a removed channel leaves for its remover to tidy up; the rest of
/// it is kept for reuse.
#[derive(Debug)]
pub struct RemovedChannel {
    /// The other half of its Local channel pair.
    pub local_peer: Option<String>,
}

impl Channels {
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    pub fn get(&self, uniqueid: &str) -> Option<&Channel> {
        self.by_id.get(uniqueid)
    }

    pub fn get_mut(&mut self, uniqueid: &str) -> Option<&mut Channel> {
        let channel = self.by_id.get_mut(uniqueid)?;
        self.changes.record(uniqueid);
        Some(channel)
    }

    /// The channels changed lately, for views that keep what they derive.
    pub fn changes(&self) -> &Changes {
        &self.changes
    }

    /// Channels in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &Channel> {
        self.by_id.values()
    }

    /// Channels oldest first (by creation time, then Uniqueid), for display.
    pub fn sorted(&self) -> Vec<&Channel> {
        let mut list: Vec<&Channel> = self.by_id.values().collect();
        list.sort_by(|a, b| {
            a.created
                .unwrap_or(f64::MAX)
                .total_cmp(&b.created.unwrap_or(f64::MAX))
                .then_with(|| a.uniqueid.cmp(&b.uniqueid))
        });
        list
    }

    /// The Uniqueid of the live channel called `name`.
    pub fn id_by_name(&self, name: &str) -> Option<&str> {
        self.by_name.get(name).map(String::as_str)
    }

    /// The Uniqueid an event means: its own, else the one behind its name.
    pub fn resolve(&self, uniqueid: Option<&str>, name: Option<&str>) -> Option<String> {
        self.resolve_cow(uniqueid.map(Cow::Borrowed), name)
            .map(Cow::into_owned)
    }

    /// [`Channels::resolve`] that hands the event's own Uniqueid back
    /// as it came, without a copy; only one found by name is copied.
    pub(super) fn resolve_cow<'u>(
        &self,
        uniqueid: Option<Cow<'u, str>>,
        name: Option<&str>,
    ) -> Option<Cow<'u, str>> {
        match uniqueid.filter(|u| !u.is_empty()) {
            Some(u) => Some(u),
            None => name
                .and_then(|n| self.id_by_name(n))
                .map(|id| id.to_owned().into()),
        }
    }

    /// The live channel an event means (see [`Channels::resolve`]).
    pub fn find_mut(&mut self, uniqueid: Option<&str>, name: Option<&str>) -> Option<&mut Channel> {
        let id = match uniqueid.filter(|u| !u.is_empty()) {
            Some(u) => u,
            None => self.by_name.get(name?)?,
        };
        let channel = self.by_id.get_mut(id)?;
        self.changes.record(id);
        Some(channel)
    }

    /// True when `uniqueid` hung up (recently enough to be remembered).
    pub fn is_dead(&self, uniqueid: &str) -> bool {
        self.tombstones.contains(uniqueid)
    }

    /// Applies a snapshot to its channel, creating the channel when `create`
    /// and it is neither known nor dead. Returns the channel's Uniqueid when
    /// the channel exists afterwards.
    pub fn upsert(&mut self, snap: &Snapshot<'_>, create: bool, generation: u64) -> Option<String> {
        self.upsert_cow(snap, create, generation)
            .map(Cow::into_owned)
    }

    /// [`Channels::upsert`] that lends the snapshot's own Uniqueid back;
    /// only one found by name is copied.
    pub(super) fn upsert_cow<'s>(
        &mut self,
        snap: &'s Snapshot<'_>,
        create: bool,
        generation: u64,
    ) -> Option<Cow<'s, str>> {
        let channel = self.apply_snapshot(snap, create, generation)?;
        match snap.uniqueid.as_deref().filter(|u| !u.is_empty()) {
            Some(id) => Some(Cow::Borrowed(id)),
            None => Some(Cow::Owned(channel.uniqueid.clone())),
        }
    }

    /// [`Channels::upsert`] for callers that need no Uniqueid back: nothing
    /// is allocated unless the channel is new or renamed.
    pub(super) fn apply_snapshot(
        &mut self,
        snap: &Snapshot<'_>,
        create: bool,
        generation: u64,
    ) -> Option<&mut Channel> {
        let id = match snap.uniqueid.as_deref().filter(|u| !u.is_empty()) {
            Some(id) => Cow::Borrowed(id),
            // A copy: the name index may change below.
            None => Cow::Owned(self.id_by_name(snap.name.as_deref()?)?.to_owned()),
        };
        let id: &str = &id;
        let channel = match self.by_id.entry_ref(id) {
            EntryRef::Occupied(known) => known.into_mut(),
            EntryRef::Vacant(unknown) => {
                if !create || self.tombstones.contains(id) {
                    return None;
                }
                let (key, mut channel) = self.spares.channel(id);
                if snap.timestamp.is_some() {
                    channel.created = snap.timestamp;
                }
                unknown.insert_with_key(key, channel)
            }
        };
        self.changes.record(id);
        channel.update(snap);
        channel.seen = generation;
        if let Some(name) = snap.name.as_deref()
            && !same_bytes(channel.name.as_bytes(), name.as_bytes())
        {
            reindex(&mut self.by_name, &mut self.spares, id, &channel.name, name);
            set(&mut channel.name, name);
        }
        Some(channel)
    }

    /// Moves a channel to a new name (`Rename`, masquerades).
    pub fn rename(&mut self, uniqueid: &str, new_name: &str) -> bool {
        let Some(channel) = self.by_id.get_mut(uniqueid) else {
            return false;
        };
        self.changes.record(uniqueid);
        reindex(
            &mut self.by_name,
            &mut self.spares,
            uniqueid,
            &channel.name,
            new_name,
        );
        set(&mut channel.name, new_name);
        true
    }

    /// Removes a channel for good and remembers that it is dead.
    pub fn remove(&mut self, uniqueid: &str) -> Option<RemovedChannel> {
        self.bury(uniqueid);
        let (key, mut channel) = self.by_id.remove_entry(uniqueid)?;
        self.changes.record(uniqueid);
        if let Some(entry) = unindex(&mut self.by_name, uniqueid, &channel.name) {
            self.spares.keep_name_entry(entry);
        }
        let removed = RemovedChannel {
            local_peer: channel.local_peer.take(),
        };
        self.spares.keep_channel(key, channel);
        Some(removed)
    }

    fn bury(&mut self, uniqueid: &str) {
        if uniqueid.is_empty() || self.tombstones.contains(uniqueid) {
            return;
        }
        // The oldest tombstone makes room, and lends its two strings.
        let (in_set, in_order) = if self.tombstone_order.len() >= TOMBSTONES {
            self.forget_oldest_tombstone()
        } else {
            (None, None)
        };
        self.tombstones.insert(copy_into(in_set, uniqueid));
        self.tombstone_order
            .push_back(copy_into(in_order, uniqueid));
    }

    /// Takes the oldest tombstone out: its strings in the set and in the order.
    fn forget_oldest_tombstone(&mut self) -> (Option<String>, Option<String>) {
        let oldest = self.tombstone_order.pop_front();
        let in_set = oldest.as_ref().and_then(|o| self.tombstones.take(o));
        (in_set, oldest)
    }

    /// Uniqueids of channels not reported since `generation` began.
    pub fn stale(&self, generation: u64) -> Vec<String> {
        self.by_id
            .values()
            .filter(|c| c.seen < generation)
            .map(|c| c.uniqueid.clone())
            .collect()
    }
}

/// Moves `uniqueid` from `old` to `new` in the name index, in the strings
/// of its old entry (or of a spare one) when it has one.
fn reindex(
    by_name: &mut HashMap<String, String>,
    spares: &mut Spares,
    uniqueid: &str,
    old: &str,
    new: &str,
) {
    let (key, owner) = match unindex(by_name, uniqueid, old) {
        Some((mut key, owner)) => {
            refill(&mut key, new);
            (key, owner)
        }
        None => spares.name_entry(new, uniqueid),
    };
    by_name.insert(key, owner);
}

/// Takes `name` out of the name index when `uniqueid` owns it.
fn unindex(
    by_name: &mut HashMap<String, String>,
    uniqueid: &str,
    name: &str,
) -> Option<(String, String)> {
    if by_name.get(name).is_some_and(|owner| owner == uniqueid) {
        by_name.remove_entry(name)
    } else {
        None
    }
}

impl Serialize for Channels {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.sorted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ami::Message;

    fn snap_of(pairs: &[(&str, &str)]) -> Message {
        Message::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn dead_channels_are_not_recreated() {
        let mut channels = Channels::default();
        let m = snap_of(&[("Uniqueid", "1.1"), ("Channel", "SIP/a-1")]);
        let snap = Snapshot::parse(&m, "");
        assert_eq!(channels.upsert(&snap, true, 0).as_deref(), Some("1.1"));
        assert!(channels.remove("1.1").is_some());
        assert_eq!(channels.upsert(&snap, true, 0), None);
        assert!(channels.is_empty());
        assert_eq!(channels.id_by_name("SIP/a-1"), None);
    }

    #[test]
    fn rename_moves_the_name_index() {
        let mut channels = Channels::default();
        let m = snap_of(&[("Uniqueid", "1.1"), ("Channel", "SIP/a-1")]);
        channels.upsert(&Snapshot::parse(&m, ""), true, 0);
        assert!(channels.rename("1.1", "SIP/a-1<MASQ>"));
        assert_eq!(channels.id_by_name("SIP/a-1"), None);
        assert_eq!(channels.id_by_name("SIP/a-1<MASQ>"), Some("1.1"));
    }

    #[test]
    fn variables_are_bounded() {
        let mut channel = Channel::new("1.1");
        for i in 0..100 {
            channel.set_variable(&format!("V{i}"), &"x".repeat(1000));
        }
        assert_eq!(channel.variables.len(), MAX_VARIABLES);
        assert!(
            channel
                .variables
                .iter()
                .all(|(_, v)| v.len() == MAX_VARIABLE_LEN)
        );
    }

    #[test]
    fn same_bytes_agrees_with_eq_at_every_length() {
        let base: Vec<u8> = (0..40u8).collect();
        for len in 0..base.len() {
            let a = &base[..len];
            assert!(same_bytes(a, a));
            for at in 0..len {
                let mut b = a.to_vec();
                b[at] ^= 1;
                assert!(!same_bytes(a, &b), "len {len}, byte {at}");
            }
            assert!(!same_bytes(a, &base[..len + 1]));
        }
    }

    /// A channel with every field away from its default.
    fn lived_in(uniqueid: &str) -> Channel {
        let text = |s: &str| format!("{s} {uniqueid}");
        let mut channel = Channel {
            uniqueid: uniqueid.to_owned(),
            name: text("SIP/a"),
            state: text("Up").into(),
            caller_id_num: text("100").into(),
            caller_id_name: text("Alice").into(),
            connected_num: text("200").into(),
            connected_name: text("Bob").into(),
            account_code: text("acc").into(),
            context: text("ctx").into(),
            exten: text("300").into(),
            priority: Some(7),
            application: text("Dial").into(),
            app_data: text("SIP/b").into(),
            hold: true,
            music_on_hold: true,
            linkedid: text("link").into(),
            bridge: Some(text("bridge")),
            peers: vec![text("peer")],
            created: Some(12.5),
            state_code: Some(6),
            music_class: text("default"),
            dialing: vec![text("dest")],
            dial_status: text("ANSWER"),
            local_peer: Some(text("local")),
            seen: 9,
            ..Channel::default()
        };
        channel.set_variable("V", "x");
        channel.set_driver_detail("D", "y");
        channel
    }

    #[test]
    fn a_reset_channel_equals_a_new_one() {
        let mut channel = lived_in("1.1");
        channel.reset("1795730904.2");
        assert_eq!(channel, Channel::new("1795730904.2"));
        assert_eq!(channel.created, Some(1795730904.0));
    }

    #[test]
    fn a_channel_made_from_a_removed_one_equals_a_fresh_one() {
        let mut fresh = Channels::default();
        let mut reused = Channels::default();
        let old = snap_of(&[("Uniqueid", "1.1"), ("Channel", "SIP/a-1")]);
        reused.upsert(&Snapshot::parse(&old, ""), true, 3);
        *reused.get_mut("1.1").unwrap() = Channel {
            name: "SIP/a-1".to_owned(),
            ..lived_in("1.1")
        };
        let removed = reused.remove("1.1").unwrap();
        assert_eq!(removed.local_peer.as_deref(), Some("local 1.1"));
        assert_eq!(reused.spares.channels.len(), 1);

        let new = snap_of(&[("Uniqueid", "2.2"), ("Channel", "SIP/b-2")]);
        for channels in [&mut fresh, &mut reused] {
            channels.upsert(&Snapshot::parse(&new, ""), true, 4);
        }
        assert!(reused.spares.channels.is_empty());
        assert_eq!(reused.get("2.2"), fresh.get("2.2"));
        assert_eq!(reused.id_by_name("SIP/b-2"), Some("2.2"));
        assert_eq!(reused.id_by_name("SIP/a-1"), None);
        assert_eq!(reused.len(), 1);
    }

    #[test]
    fn tombstones_are_bounded() {
        let mut channels = Channels::default();
        for i in 0..TOMBSTONES + 10 {
            channels.remove(&format!("1.{i}"));
        }
        assert_eq!(channels.tombstones.len(), TOMBSTONES);
        assert!(!channels.is_dead("1.0"));
        assert!(channels.is_dead(&format!("1.{}", TOMBSTONES + 9)));
        assert!(channels.is_dead("1.10"));
        assert!(!channels.is_dead("1.9"));
        assert_eq!(channels.tombstone_order.len(), TOMBSTONES);
        assert!(channels.tombstone_order.iter().all(|t| channels.is_dead(t)));
    }
}
