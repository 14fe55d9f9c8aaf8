//! Which channel a supervisor spies on to hear a queue member.
//!
//! Why it exists: the most common complaint about operator panels is a spy
//! that hears nothing or the wrong call when the member is not a plain
//! device. A member may be `Local/3001@agents/n` (its calls run through a
//! Local pair: the queue bridges the caller with `;1`, and `;2` is bridged
//! with the phone's own channel) or `hint:3001@internal` (the hint names the
//! devices); spying on the member's name, or on a Local half, misses the
//! phone. The phone's channel is found here, through the model.

use super::parties::device;
use super::queues::QueueMember;
use super::{Channel, State};

/// Local pairs followed at most: a chain longer than this is a loop.
const MAX_LOCAL_HOPS: usize = 8;

fn is_local(channel: &Channel) -> bool {
    channel
        .name
        .get(..6)
        .is_some_and(|p| p.eq_ignore_ascii_case("Local/"))
}

impl State {
    /// The channel carrying `uniqueid`'s audio past any Local pairs: itself
    /// unless it is a Local half, else the channel the other half is
    /// bridged with (or dialling), and so on.
    pub fn voice_channel(&self, uniqueid: &str) -> Option<&Channel> {
        let mut current = self.channels.get(uniqueid)?;
        for _ in 0..MAX_LOCAL_HOPS {
            if !is_local(current) {
                return Some(current);
            }
            let other = self.channels.get(current.local_peer.as_deref()?)?;
            let next = other.peers.iter().chain(&other.dialing).next()?;
            current = self.channels.get(next)?;
        }
        None
    }

    /// The channel to spy on to hear the member `interface` now: the phone
    /// in its queue call, else a live channel of its device.
    pub fn agent_voice_channel(&self, interface: &str) -> Option<&Channel> {
        let member = self
            .queues
            .by_name
            .values()
            .flat_map(|q| &q.members)
            .find(|m| m.interface == interface);
        let devices = self.member_devices(interface, member);
        let is_theirs = |c: &Channel| {
            devices
                .iter()
                .any(|d| device(&c.name).eq_ignore_ascii_case(d))
        };
        let in_call = member
            .and_then(|m| m.call.as_ref())
            .and_then(|call| self.channels.get(&call.caller.uniqueid));
        if let Some(caller) = in_call {
            let heard: Vec<&Channel> = caller
                .peers
                .iter()
                .filter_map(|peer| self.voice_channel(peer))
                .collect();
            if let Some(channel) = heard.iter().find(|c| is_theirs(c)).or(heard.first()) {
                return Some(channel);
            }
        }
        let mut live: Vec<&Channel> = self.channels.iter().filter(|c| is_theirs(c)).collect();
        // A channel in a call before one ringing or idle.
        live.sort_by_key(|c| (c.bridge.is_none(), c.state != "Up", c.uniqueid.clone()));
        live.first().copied()
    }

    /// The devices behind a member: a `hint:` member's hint devices, a
    /// Local member's state interface, else the interface itself.
    fn member_devices(&self, interface: &str, member: Option<&QueueMember>) -> Vec<String> {
        let state_interface = member.map_or("", |m| m.state_interface.as_str());
        let source = if interface
            .get(..6)
            .is_some_and(|p| p.eq_ignore_ascii_case("Local/"))
            && !state_interface.is_empty()
        {
            state_interface
        } else {
            interface
        };
        match source.strip_prefix("hint:") {
            Some(hint) => self.hint_devices(hint),
            None => vec![source.to_owned()],
        }
    }

    /// The devices of the hint `exten@context` (its presence provider,
    /// after a comma, and `Custom:` states are no channels).
    fn hint_devices(&self, hint: &str) -> Vec<String> {
        let (exten, context) = hint.split_once('@').unwrap_or((hint, "default"));
        let Some(found) = self
            .registry
            .extensions
            .get(&(context.to_owned(), exten.to_owned()))
        else {
            return Vec::new();
        };
        let devices = found.hint.split(',').next().unwrap_or_default();
        devices
            .split('&')
            .filter(|d| d.contains('/'))
            .map(str::to_owned)
            .collect()
    }
}
