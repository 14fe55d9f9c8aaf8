//! Channels grouped into calls, kept up to date between frames.
//!
//! A call is the channels of one bridge; a channel in no bridge joins the
//! call of whoever is dialling it (so a ringing call shows its caller and
//! every destination being rung), else groups by Linkedid, else stands
//! alone. Regrouping ten thousand channels after every event would spend
//! the frame budget reading channels that did not change, so the grouping
//! follows the model's journal of changed channels and regroups only those
//! (and whoever they dial).

use std::collections::HashSet;
use std::hash::BuildHasherDefault;

use crate::model::{Channel, Mark, State};
use crate::ui::fasthash::{FastHasher, FastMap};

type FastSet<T> = HashSet<T, BuildHasherDefault<FastHasher>>;

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

/// The call a channel belongs to on its own account.
fn own_key(channel: &Channel) -> CallKey {
    match &channel.bridge {
        Some(bridge) => CallKey::Bridge(bridge.clone()),
        None if !channel.linkedid.is_empty() => CallKey::Linkedid(channel.linkedid.clone()),
        None => CallKey::Channel(channel.uniqueid.clone()),
    }
}

/// What the grouping remembers of a channel.
#[derive(Debug)]
struct Member {
    own: CallKey,
    /// The call it is in, when not its own (a dialler's).
    joined: Option<CallKey>,
    /// Whom it was dialling when last seen.
    dialing: Vec<String>,
}

impl Member {
    fn call(&self) -> &CallKey {
        self.joined.as_ref().unwrap_or(&self.own)
    }
}

/// Which calls an update changed.
#[derive(Debug)]
pub enum Changed {
    /// The grouping was redone from the whole model.
    All,
    /// These calls (some of which may be gone now).
    Calls(FastSet<CallKey>),
}

/// Every call of the model, with its members in order.
#[derive(Debug, Default)]
pub struct CallGroups {
    /// How far the channel and bridge journals were read; `None` before
    /// the first update.
    read: Option<(Mark, Mark)>,
    members: FastMap<String, Member>,
    /// Each call's Uniqueids: the caller (the dialler, else the oldest)
    /// first.
    calls: FastMap<CallKey, Vec<String>>,
    /// Who dials each channel being dialled.
    dialled_by: FastMap<String, Vec<String>>,
}

impl CallGroups {
    /// The grouping of `state`, built from scratch.
    pub fn of(state: &State) -> CallGroups {
        let mut groups = CallGroups::default();
        groups.update(state);
        groups
    }

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

    /// Brings the grouping up to date with `state`: regroups the channels
    /// changed since the last update, or everything when the journals no
    /// longer tell (first update, another model, too far behind).
    pub fn update(&mut self, state: &State) -> Changed {
        let read = (state.channels.changes().mark(), state.bridges.changes().mark());
        let changed = self.read.and_then(|(channels, bridges)| {
            let channels = state.channels.changes().since(channels)?;
            let bridges = state.bridges.changes().since(bridges)?;
            Some((channels, bridges))
        });
        let changed = match changed {
            Some((channels, bridges)) => {
                let bridges = bridges.map(|id| CallKey::Bridge(id.to_owned()));
                Changed::Calls(self.regroup(state, channels, bridges))
            }
            None => {
                *self = CallGroups::default();
                let everyone = state.channels.iter().map(|c| c.uniqueid.as_str());
                self.regroup(state, everyone, std::iter::empty());
                Changed::All
            }
        };
        self.read = Some(read);
        changed
    }

    /// Regroups the channels `touched` (and whom they dial, or dialled),
    /// and returns the calls that changed, with the calls of `bridges`.
    fn regroup<'a>(
        &mut self,
        state: &State,
        touched: impl Iterator<Item = &'a str>,
        bridges: impl Iterator<Item = CallKey>,
    ) -> FastSet<CallKey> {
        let touched: FastSet<&str> = touched.collect();
        let mut dirty: FastSet<CallKey> = bridges.collect();
        // Whose call may change: the touched, and whoever they dial or
        // dialled (a dialler's call is where they ring).
        let mut moving: FastSet<String> = FastSet::default();
        for &id in &touched {
            let channel = state.channels.get(id);
            self.note_dialing(id, channel, &mut moving);
            moving.insert(id.to_owned());
        }
        for id in &moving {
            let call = state.channels.get(id).map(|c| self.call_of(c));
            let old = self.members.get(id).map(|m| m.call().clone());
            let moved = old != call;
            if moved {
                if let Some(old) = &old
                    && let Some(members) = self.calls.get_mut(old)
                {
                    members.retain(|m| m != id);
                }
                if let Some(call) = &call {
                    self.calls.entry(call.clone()).or_default().push(id.clone());
                }
                dirty.extend(old);
            }
            match call {
                Some(call) => {
                    if let Some(member) = self.members.get_mut(id) {
                        member.joined = (call != member.own).then(|| call.clone());
                    }
                    // Its call changed, or what the call shows of it may have.
                    if moved || touched.contains(id.as_str()) {
                        dirty.insert(call);
                    }
                }
                None => {
                    self.members.remove(id);
                }
            }
        }
        for call in &dirty {
            self.order(state, call);
        }
        dirty
    }

    /// Records the channel's own key and whom it dials, adding to `moving`
    /// the channels whose call that may change.
    fn note_dialing(&mut self, id: &str, channel: Option<&Channel>, moving: &mut FastSet<String>) {
        let own = channel.map(own_key);
        let dialing: &[String] = channel.map_or(&[], |c| &c.dialing);
        let (old_own, old_dialing) = match self.members.get_mut(id) {
            Some(member) => (
                Some(member.own.clone()),
                std::mem::take(&mut member.dialing),
            ),
            None => (None, Vec::new()),
        };
        for gone in old_dialing.iter().filter(|d| !dialing.contains(d)) {
            if let Some(diallers) = self.dialled_by.get_mut(gone) {
                diallers.retain(|d| d != id);
                if diallers.is_empty() {
                    self.dialled_by.remove(gone);
                }
            }
            moving.insert(gone.clone());
        }
        for new in dialing.iter().filter(|d| !old_dialing.contains(d)) {
            self.dialled_by
                .entry(new.clone())
                .or_default()
                .push(id.to_owned());
            moving.insert(new.clone());
        }
        if own != old_own {
            moving.extend(dialing.iter().cloned());
        }
        if let Some(own) = own {
            let member = self.members.entry(id.to_owned()).or_insert(Member {
                own: own.clone(),
                joined: None,
                dialing: Vec::new(),
            });
            member.own = own;
            member.dialing = dialing.to_vec();
        }
    }

    /// The call `channel` is in: its dialler's when it is rung outside any
    /// bridge, else its own.
    fn call_of(&self, channel: &Channel) -> CallKey {
        let own = own_key(channel);
        if channel.bridge.is_some() {
            return own;
        }
        let dialler = self
            .dialled_by
            .get(&channel.uniqueid)
            .into_iter()
            .flatten()
            .filter_map(|d| self.members.get(d))
            .find(|d| d.own != own);
        match dialler {
            Some(dialler) => dialler.own.clone(),
            None => own,
        }
    }

    /// Puts the members of `call` in order (the dialler first, then the
    /// oldest), and forgets the call once nobody is in it.
    fn order(&mut self, state: &State, call: &CallKey) {
        let Some(members) = self.calls.get_mut(call) else {
            return;
        };
        if members.is_empty() {
            self.calls.remove(call);
            return;
        }
        let mut ranked: Vec<((bool, f64), String)> = members
            .drain(..)
            .map(|id| {
                let channel = state.channels.get(&id);
                let rank = (
                    channel.is_none_or(|c| c.dialing.is_empty()),
                    channel.and_then(|c| c.created).unwrap_or(f64::MAX),
                );
                (rank, id)
            })
            .collect();
        ranked.sort_by(|(a, id_a), (b, id_b)| {
            a.0.cmp(&b.0)
                .then_with(|| a.1.total_cmp(&b.1))
                .then_with(|| id_a.cmp(id_b))
        });
        members.extend(ranked.into_iter().map(|(_, id)| id));
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
        assert_eq!(groups.members(&CallKey::Linkedid("1.1".into())).unwrap(), ["1.1", "1.2"]);

        for id in ["1.2", "1.1"] {
            apply(
                &mut state,
                &[("Event", "BridgeEnter"), ("BridgeUniqueid", "b1"), ("Uniqueid", id)],
            );
            check(&mut groups, &state);
        }
        apply(&mut state, &dial("DialEnd"));
        check(&mut groups, &state);
        assert_eq!(calls(&groups), [("bridge:b1".into(), vec!["1.1".into(), "1.2".into()])]);

        apply(&mut state, &[("Event", "Hangup"), ("Uniqueid", "1.2")]);
        assert_eq!(changed(check(&mut groups, &state)), ["bridge:b1"]);
        apply(&mut state, &[("Event", "Hangup"), ("Uniqueid", "1.1")]);
        check(&mut groups, &state);
        assert!(groups.is_empty());
    }

    #[test]
    fn a_dialler_moving_takes_whom_it_rings_along() {
        let mut state = State::new();
        new_channel(&mut state, "1.1", "1.1");
        new_channel(&mut state, "1.2", "1.2");
        let mut groups = CallGroups::of(&state);
        apply(
            &mut state,
            &[("Event", "DialBegin"), ("Uniqueid", "1.1"), ("DestUniqueid", "1.2")],
        );
        check(&mut groups, &state);
        apply(
            &mut state,
            &[("Event", "BridgeEnter"), ("BridgeUniqueid", "b1"), ("Uniqueid", "1.1")],
        );
        check(&mut groups, &state);
        assert_eq!(calls(&groups), [("bridge:b1".into(), vec!["1.1".into(), "1.2".into()])]);
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
}
