//! What a call is: channels grouped into calls, kept up to date.
//!
//! A call is the channels of one bridge; a channel in no bridge joins the
//! call of whoever is dialling it (so a ringing call shows its caller and
//! every destination being rung), else groups by Linkedid, else stands
//! alone. Regrouping ten thousand channels after every event would spend
//! the frame budget reading channels that did not change, so the grouping
//! follows the model's journal of changed channels and regroups only those
//! (and whoever they dial).
//!
//! The header, the calls pane, `snapshot --json` and `replay --json` all
//! read the one grouping [`State::calls`] keeps, so they count the same
//! calls. Readers that keep something per call (the calls table's order)
//! follow the grouping's own journal of changed calls.

use std::cell::{Ref, RefCell};
use std::collections::{HashMap, HashSet};

// Hashed with foldhash's fixed seed: the keys are ids the model already
// holds, hashed on every update, and the same model iterates the same way.
use foldhash::fast::FixedState;

use serde::Serialize;
use serde::ser::{SerializeSeq, SerializeStruct};

use crate::model::{Changes, Channel, Mark, State};

/// What holds a call together; stable while the call lasts.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CallKey {
    Bridge(String),
    Linkedid(String),
    /// A channel on its own (no bridge, no Linkedid: AMI 1.x).
    Channel(String),
}

impl std::fmt::Display for CallKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallKey::Bridge(id) => write!(f, "bridge:{id}"),
            CallKey::Linkedid(id) => write!(f, "linkedid:{id}"),
            CallKey::Channel(id) => write!(f, "channel:{id}"),
        }
    }
}

impl CallKey {
    /// The key its `Display` wrote.
    pub fn parse(text: &str) -> Option<CallKey> {
        let (kind, id) = text.split_once(':')?;
        let id = id.to_owned();
        match kind {
            "bridge" => Some(CallKey::Bridge(id)),
            "linkedid" => Some(CallKey::Linkedid(id)),
            "channel" => Some(CallKey::Channel(id)),
            _ => None,
        }
    }

    fn as_ref(&self) -> KeyRef<'_> {
        match self {
            CallKey::Bridge(id) => KeyRef::Bridge(id),
            CallKey::Linkedid(id) => KeyRef::Linkedid(id),
            CallKey::Channel(id) => KeyRef::Channel(id),
        }
    }
}

/// A [`CallKey`] borrowed from the model, to compare without allocating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyRef<'a> {
    Bridge(&'a str),
    Linkedid(&'a str),
    Channel(&'a str),
}

impl KeyRef<'_> {
    /// The call a channel belongs to on its own account.
    fn own(channel: &Channel) -> KeyRef<'_> {
        match &channel.bridge {
            Some(bridge) => KeyRef::Bridge(bridge),
            None if !channel.linkedid.is_empty() => KeyRef::Linkedid(&channel.linkedid),
            None => KeyRef::Channel(&channel.uniqueid),
        }
    }

    fn to_owned(self) -> CallKey {
        match self {
            KeyRef::Bridge(id) => CallKey::Bridge(id.to_owned()),
            KeyRef::Linkedid(id) => CallKey::Linkedid(id.to_owned()),
            KeyRef::Channel(id) => CallKey::Channel(id.to_owned()),
        }
    }
}

/// What the grouping remembers of a channel.
#[derive(Debug)]
struct Member {
    own: CallKey,
    listed: Listed,
    /// Whom it was dialling when last seen.
    dialing: Vec<String>,
    /// Where it goes among its call's members: diallers first, then the
    /// oldest.
    rank: (bool, f64),
}

/// Which call a channel is listed in.
#[derive(Debug)]
enum Listed {
    Nowhere,
    /// Its own (the common case: no copy of the key).
    Own,
    /// A dialler's, or the one it was in before its own key changed.
    Other(CallKey),
}

impl Member {
    fn listed(&self) -> Option<&CallKey> {
        match &self.listed {
            Listed::Nowhere => None,
            Listed::Own => Some(&self.own),
            Listed::Other(call) => Some(call),
        }
    }
}

/// Which calls an update changed.
#[derive(Debug)]
pub enum Changed {
    /// The grouping was redone from the whole model.
    All,
    /// These calls (some of which may be gone now).
    Calls(HashSet<CallKey, FixedState>),
}

impl Changed {
    fn mark(&mut self, call: &CallKey) {
        if let Changed::Calls(calls) = self
            && !calls.contains(call)
        {
            calls.insert(call.clone());
        }
    }
}

/// Every call of the model, with its members in order.
#[derive(Debug, Default)]
pub struct CallGroups {
    /// How far the channel and bridge journals were read; `None` before
    /// the first update.
    read: Option<(Mark, Mark)>,
    /// The calls each update changed, as their [`CallKey`] text; a new
    /// journal when everything was regrouped, so readers start over.
    journal: Changes,
    members: HashMap<String, Member, FixedState>,
    /// Each call's Uniqueids: the caller (the dialler, else the oldest)
    /// first.
    calls: HashMap<CallKey, Vec<String>, FixedState>,
    /// Who dials each channel being dialled.
    dialled_by: HashMap<String, Vec<String>, FixedState>,
}

impl CallGroups {
    /// The grouping of `state`, built from scratch.
    pub fn of(state: &State) -> CallGroups {
        let mut groups = CallGroups::default();
        groups.update(state);
        groups
    }

    /// How many calls there are.
    pub fn len(&self) -> usize {
        self.calls.len()
    }

    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// Every call, in no particular order.
    pub fn keys(&self) -> impl Iterator<Item = &CallKey> {
        self.calls.keys()
    }

    /// The Uniqueids of call `key`, its caller first.
    pub fn members(&self, key: &CallKey) -> Option<&[String]> {
        self.calls.get(key).map(Vec::as_slice)
    }

    /// Where a reader that has seen every change so far stands.
    pub fn mark(&self) -> Mark {
        self.journal.mark()
    }

    /// The calls changed since `mark` (some may be gone now, some repeat),
    /// or `None` when the reader must start over from [`CallGroups::keys`].
    pub fn changed_since(&self, mark: Mark) -> Option<impl Iterator<Item = CallKey> + '_> {
        Some(self.journal.since(mark)?.filter_map(CallKey::parse))
    }

    /// Brings the grouping up to date with `state`: regroups the channels
    /// changed since the last update, or everything when the journals no
    /// longer tell (first update, another model, too far behind).
    pub fn update(&mut self, state: &State) -> Changed {
        let read = (
            state.channels.changes().mark(),
            state.bridges.changes().mark(),
        );
        let changed = self.read.and_then(|(channels, bridges)| {
            let channels = state.channels.changes().since(channels)?;
            let bridges = state.bridges.changes().since(bridges)?;
            Some((channels, bridges))
        });
        let changed = match changed {
            Some((channels, bridges)) => {
                let channels = channels.map(|id| (id, state.channels.get(id)));
                let bridges = bridges.map(|id| CallKey::Bridge(id.to_owned())).collect();
                self.regroup(state, channels, Changed::Calls(bridges))
            }
            None => {
                // A fresh journal too: readers' marks no longer match it.
                *self = CallGroups::default();
                self.members.reserve(state.channels.len());
                let everyone = state
                    .channels
                    .iter()
                    .map(|c| (c.uniqueid.as_str(), Some(c)));
                self.regroup(state, everyone, Changed::All)
            }
        };
        self.read = Some(read);
        if let Changed::Calls(calls) = &changed {
            for call in calls {
                self.journal.record(&call.to_string());
            }
        }
        changed
    }

    /// Regroups the channels `touched` (Uniqueid, and the channel unless it
    /// is gone) and whoever they dial or dialled, and returns the calls
    /// that changed: those of `dirty` and the ones they moved or touched.
    fn regroup<'s>(
        &mut self,
        state: &'s State,
        touched: impl Iterator<Item = (&'s str, Option<&'s Channel>)>,
        mut dirty: Changed,
    ) -> Changed {
        let mut seen: HashSet<&str, FixedState> = HashSet::default();
        // Each channel whose call may change, and whether it changed itself.
        let mut moving: Vec<(&str, Option<&Channel>, bool)> = Vec::new();
        let mut rung: Vec<String> = Vec::new();
        for (id, channel) in touched {
            if seen.insert(id) {
                self.note(id, channel, &mut rung);
                moving.push((id, channel, true));
            }
        }
        // Whom they dial or dialled: their call is where they ring.
        for id in rung {
            match state.channels.get(&id) {
                Some(channel) if seen.insert(&channel.uniqueid) => {
                    moving.push((&channel.uniqueid, Some(channel), false));
                }
                Some(_) => {}
                None => self.place(&id, None, false, &mut dirty),
            }
        }
        for (id, channel, changed) in moving {
            self.place(id, channel, changed, &mut dirty);
        }
        let CallGroups { members, calls, .. } = self;
        match &dirty {
            Changed::All => {
                calls.retain(|_, group| !group.is_empty());
                for group in calls.values_mut() {
                    order(group, members);
                }
            }
            Changed::Calls(changed) => {
                for call in changed {
                    match calls.get_mut(call) {
                        Some(group) if group.is_empty() => {
                            calls.remove(call);
                        }
                        Some(group) => order(group, members),
                        None => {}
                    }
                }
            }
        }
        dirty
    }

    /// Records the channel's own key, rank and whom it dials, adding to
    /// `rung` the channels whose call that may change.
    fn note(&mut self, id: &str, channel: Option<&Channel>, rung: &mut Vec<String>) {
        let dialing: &[String] = channel.map_or(&[], |c| &c.dialing);
        let (own_changed, old_dialing) = match self.members.get_mut(id) {
            Some(member) => (
                channel.is_none_or(|c| KeyRef::own(c) != member.own.as_ref()),
                std::mem::take(&mut member.dialing),
            ),
            None => (true, Vec::new()),
        };
        for gone in old_dialing.iter().filter(|d| !dialing.contains(d)) {
            if let Some(diallers) = self.dialled_by.get_mut(gone) {
                diallers.retain(|d| d != id);
                if diallers.is_empty() {
                    self.dialled_by.remove(gone);
                }
            }
            rung.push(gone.clone());
        }
        for new in dialing.iter().filter(|d| !old_dialing.contains(d)) {
            self.dialled_by
                .entry(new.clone())
                .or_default()
                .push(id.to_owned());
            rung.push(new.clone());
        }
        if own_changed {
            rung.extend(dialing.iter().cloned());
        }
        let Some(channel) = channel else {
            return;
        };
        let rank = (
            channel.dialing.is_empty(),
            channel.created.unwrap_or(f64::MAX),
        );
        match self.members.get_mut(id) {
            Some(member) => {
                if own_changed {
                    let old = std::mem::replace(&mut member.own, KeyRef::own(channel).to_owned());
                    if matches!(member.listed, Listed::Own) {
                        member.listed = Listed::Other(old);
                    }
                }
                member.dialing = dialing.to_vec();
                member.rank = rank;
            }
            None => {
                let member = Member {
                    own: KeyRef::own(channel).to_owned(),
                    listed: Listed::Nowhere,
                    dialing: dialing.to_vec(),
                    rank,
                };
                self.members.insert(id.to_owned(), member);
            }
        }
    }

    /// Lists the channel `id` in the call it now belongs to (none when it
    /// is gone), marking in `dirty` the calls it left or joined, and its
    /// call when the channel `changed` itself.
    fn place(&mut self, id: &str, channel: Option<&Channel>, changed: bool, dirty: &mut Changed) {
        let call = channel.map(|c| self.call_of(c));
        let old = self.members.get(id).and_then(Member::listed);
        if old.map(CallKey::as_ref) == call {
            if changed && let Some(old) = old {
                dirty.mark(old);
            }
            return;
        }
        let call = call.map(KeyRef::to_owned);
        if let Some(old) = old.cloned() {
            if let Some(members) = self.calls.get_mut(&old) {
                members.retain(|m| m != id);
            }
            dirty.mark(&old);
        }
        match call {
            Some(call) => {
                self.calls
                    .entry(call.clone())
                    .or_default()
                    .push(id.to_owned());
                if let Some(member) = self.members.get_mut(id) {
                    member.listed = if call == member.own {
                        Listed::Own
                    } else {
                        Listed::Other(call.clone())
                    };
                }
                dirty.mark(&call);
            }
            None => {
                self.members.remove(id);
            }
        }
    }

    /// The call `channel` is in: its dialler's when it is rung outside any
    /// bridge, else its own.
    fn call_of<'a>(&'a self, channel: &'a Channel) -> KeyRef<'a> {
        let own = KeyRef::own(channel);
        if channel.bridge.is_some() {
            return own;
        }
        self.dialled_by
            .get(&channel.uniqueid)
            .into_iter()
            .flatten()
            .filter_map(|d| self.members.get(d))
            .map(|d| d.own.as_ref())
            .find(|d| *d != own)
            .unwrap_or(own)
    }
}

/// Puts a call's members in order: the dialler first, then the oldest.
fn order(group: &mut [String], members: &HashMap<String, Member, FixedState>) {
    let rank = |id: &String| members.get(id).map_or((true, f64::MAX), |m| m.rank);
    group.sort_by(|a, b| {
        let (rank_a, rank_b) = (rank(a), rank(b));
        rank_a
            .0
            .cmp(&rank_b.0)
            .then_with(|| rank_a.1.total_cmp(&rank_b.1))
            .then_with(|| a.cmp(b))
    });
}

/// The grouping [`State`] keeps: brought up to date when read, so an event
/// costs nothing until someone asks about calls.
#[derive(Debug, Default)]
pub struct Calls {
    groups: RefCell<CallGroups>,
}

/// A copy of the model groups its own channels afresh.
impl Clone for Calls {
    fn clone(&self) -> Self {
        Calls::default()
    }
}

impl State {
    /// Every call, up to date with the model.
    pub fn calls(&self) -> Ref<'_, CallGroups> {
        // Someone still holding the grouping read it from this same state
        // (changing the state takes `&mut`), so it is up to date already.
        if let Ok(mut groups) = self.calls.groups.try_borrow_mut() {
            groups.update(self);
        }
        self.calls.groups.borrow()
    }
}

/// Calls as `snapshot --json` and `replay --json` list them: the key,
/// the bridge if any, and the Uniqueids, caller first.
impl Serialize for CallGroups {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Call<'a>(&'a CallKey, &'a [String]);
        impl Serialize for Call<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut call = s.serialize_struct("Call", 3)?;
                call.serialize_field("call", &self.0.to_string())?;
                let bridge = match self.0 {
                    CallKey::Bridge(id) => Some(id),
                    _ => None,
                };
                call.serialize_field("bridge", &bridge)?;
                call.serialize_field("channels", self.1)?;
                call.end()
            }
        }
        // Sorted, so the same model always reads the same.
        let mut keys: Vec<&CallKey> = self.calls.keys().collect();
        keys.sort();
        let mut list = serializer.serialize_seq(Some(keys.len()))?;
        for key in keys {
            list.serialize_element(&Call(key, &self.calls[key]))?;
        }
        list.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ami::Message;

    fn apply(state: &mut State, pairs: &[(&str, &str)]) {
        state.apply(&Message::from_pairs(pairs.iter().copied()), 0.0);
    }

    fn new_channel(state: &mut State, id: &str, linkedid: &str) {
        apply(
            state,
            &[
                ("Event", "Newchannel"),
                ("Channel", &format!("PJSIP/{id}")),
                ("Uniqueid", id),
                ("Linkedid", linkedid),
            ],
        );
    }

    fn calls(groups: &CallGroups) -> Vec<(String, Vec<String>)> {
        let mut calls: Vec<(String, Vec<String>)> = groups
            .calls
            .iter()
            .map(|(key, members)| (key.to_string(), members.clone()))
            .collect();
        calls.sort();
        calls
    }

    /// The grouping kept up to date equals the one built from scratch.
    fn check(groups: &mut CallGroups, state: &State) -> Changed {
        let changed = groups.update(state);
        assert_eq!(calls(groups), calls(&CallGroups::of(state)));
        changed
    }

    fn changed(changed: Changed) -> Vec<String> {
        let Changed::Calls(calls) = changed else {
            panic!("rebuilt: {changed:?}");
        };
        let mut calls: Vec<String> = calls.iter().map(ToString::to_string).collect();
        calls.sort();
        calls
    }

    #[test]
    fn follows_dials_bridges_and_hangups() {
        let mut state = State::new();
        let mut groups = CallGroups::default();
        new_channel(&mut state, "1.1", "1.1");
        new_channel(&mut state, "1.2", "1.2");
        assert!(matches!(check(&mut groups, &state), Changed::All));
        assert_eq!(groups.len(), 2);

        let dial = |event| {
            [
                ("Event", event),
                ("Uniqueid", "1.1"),
                ("DestUniqueid", "1.2"),
                ("DialStatus", "ANSWER"),
            ]
        };
        apply(&mut state, &dial("DialBegin"));
        assert_eq!(
            changed(check(&mut groups, &state)),
            ["linkedid:1.1", "linkedid:1.2"]
        );
        assert_eq!(
            groups.members(&CallKey::Linkedid("1.1".into())).unwrap(),
            ["1.1", "1.2"]
        );

        for id in ["1.2", "1.1"] {
            apply(
                &mut state,
                &[
                    ("Event", "BridgeEnter"),
                    ("BridgeUniqueid", "b1"),
                    ("Uniqueid", id),
                ],
            );
            check(&mut groups, &state);
        }
        apply(&mut state, &dial("DialEnd"));
        check(&mut groups, &state);
        assert_eq!(
            calls(&groups),
            [("bridge:b1".into(), vec!["1.1".into(), "1.2".into()])]
        );

        apply(&mut state, &[("Event", "Hangup"), ("Uniqueid", "1.2")]);
        assert_eq!(changed(check(&mut groups, &state)), ["bridge:b1"]);
        apply(&mut state, &[("Event", "Hangup"), ("Uniqueid", "1.1")]);
        check(&mut groups, &state);
        assert_eq!(groups.len(), 0);
    }

    #[test]
    fn a_dialler_moving_takes_whom_it_rings_along() {
        let mut state = State::new();
        new_channel(&mut state, "1.1", "1.1");
        new_channel(&mut state, "1.2", "1.2");
        let mut groups = CallGroups::of(&state);
        apply(
            &mut state,
            &[
                ("Event", "DialBegin"),
                ("Uniqueid", "1.1"),
                ("DestUniqueid", "1.2"),
            ],
        );
        check(&mut groups, &state);
        apply(
            &mut state,
            &[
                ("Event", "BridgeEnter"),
                ("BridgeUniqueid", "b1"),
                ("Uniqueid", "1.1"),
            ],
        );
        check(&mut groups, &state);
        assert_eq!(
            calls(&groups),
            [("bridge:b1".into(), vec!["1.1".into(), "1.2".into()])]
        );
    }

    #[test]
    fn keys_read_back_what_they_write() {
        for key in [
            CallKey::Bridge("b-1:2".into()),
            CallKey::Linkedid("1.1".into()),
            CallKey::Channel("1.2".into()),
        ] {
            assert_eq!(CallKey::parse(&key.to_string()), Some(key));
        }
        assert_eq!(CallKey::parse("queue:1"), None);
        assert_eq!(CallKey::parse("bridge"), None);
    }

    #[test]
    fn another_model_is_grouped_from_scratch() {
        let mut state = State::new();
        new_channel(&mut state, "1.1", "1.1");
        let mut groups = CallGroups::of(&state);
        let copy = state.clone();
        assert!(matches!(groups.update(&copy), Changed::All));
        assert!(matches!(groups.update(&copy), Changed::Calls(c) if c.is_empty()));
    }

    #[test]
    fn the_json_documents_list_the_calls_the_model_groups() {
        let mut state = State::new();
        new_channel(&mut state, "1.1", "1.1");
        new_channel(&mut state, "1.2", "1.2");
        for id in ["1.1", "1.2"] {
            apply(
                &mut state,
                &[
                    ("Event", "BridgeEnter"),
                    ("BridgeUniqueid", "b1"),
                    ("Uniqueid", id),
                ],
            );
        }
        new_channel(&mut state, "1.3", "1.3");
        // The `--json` documents print this list as their `calls`.
        let calls = serde_json::to_value(&*state.calls()).unwrap();
        assert_eq!(
            calls,
            serde_json::json!([
                {"call": "bridge:b1", "bridge": "b1", "channels": ["1.1", "1.2"]},
                {"call": "linkedid:1.3", "bridge": null, "channels": ["1.3"]},
            ])
        );
        assert_eq!(state.calls().len(), 2);
    }
}
