//! Who talks to whom: how one party of a call names the others.
//!
//! Why it exists: Caller ID alone misleads. In a queue call app_queue gives
//! the agent's leg the caller's Caller ID, so the answered call looks like
//! the caller talking to themselves; a dialled phone's channel carries the
//! dialler's number too. The other party is named here, in this order:
//! the queue member in the call (or being rung for it), the peer's own
//! Caller ID when it is not an echo of ours, our connected line (what the
//! PBX says we are connected to) when it is not an echo either, and last
//! the peer's device (`SIP/3001` of `SIP/3001-0000002a`).

use super::{Channel, State};

impl State {
    /// How `of` names the rest of its call (`others`): `Alice`, `→ Alice,
    /// Bob` while ringing, `waiting in sales (#2)` for a caller alone in a
    /// queue, "" when nothing is known.
    pub fn talking_to(&self, of: &Channel, others: &[&Channel]) -> String {
        let in_call = |uniqueid: &str| {
            !uniqueid.is_empty()
                && (of.uniqueid == uniqueid || others.iter().any(|c| c.uniqueid == uniqueid))
        };
        let mut agents = Vec::new();
        let mut rung = Vec::new();
        let mut callers = Vec::new();
        for queue in self.queues.by_name.values() {
            for member in &queue.members {
                let call = member.call.as_ref().filter(|c| in_call(&c.caller.uniqueid));
                if let Some(call) = call
                    && is_members_leg(of, member)
                {
                    // The agent's own leg talks to the caller.
                    push_new(&mut callers, caller_id(&call.caller.name, &call.caller.num));
                } else if call.is_some() {
                    push_new(&mut agents, member.label().to_owned());
                } else if member
                    .ringing_for
                    .as_ref()
                    .is_some_and(|p| in_call(&p.uniqueid))
                {
                    push_new(&mut rung, member.label().to_owned());
                }
            }
        }
        callers.retain(|c| !c.is_empty());
        if !callers.is_empty() {
            return callers.join(", ");
        }
        if !agents.is_empty() {
            return agents.join(", ");
        }
        let ringing =
            others.iter().any(|c| is_ringing(c)) || (of.bridge.is_none() && !of.dialing.is_empty());
        if !rung.is_empty() {
            return format!("→ {}", rung.join(", "));
        }
        let mut names = Vec::new();
        for other in others {
            push_new(&mut names, identity(of, other));
        }
        names.retain(|n| !n.is_empty());
        if names.is_empty() {
            return self.waiting_in_queue(of).unwrap_or_default();
        }
        let names = names.join(", ");
        if ringing {
            format!("→ {names}")
        } else {
            names
        }
    }

    /// `waiting in sales (#2)` for a caller waiting in a queue.
    fn waiting_in_queue(&self, channel: &Channel) -> Option<String> {
        let (queue, caller) = self.queues.waiting(&channel.uniqueid)?;
        Some(match caller.position {
            Some(position) => format!("waiting in {} (#{position})", queue.name),
            None => format!("waiting in {}", queue.name),
        })
    }

    /// The state word of a call one of whose `channels` waits in a queue:
    /// `waiting`, `ringing Alice` (music while queued is not hold, and a
    /// caller listed at login is not just `Up`); `None` for other calls.
    pub fn queue_call_state(&self, channels: &[&Channel]) -> Option<String> {
        channels.iter().find_map(|channel| {
            let (queue, caller) = self.queues.waiting(&channel.uniqueid)?;
            Some(queue.caller_state(caller).to_string())
        })
    }
}

/// True when `channel` is `member`'s own phone: its device is the
/// member's interface (`SIP/3001`; `Local/101@test` of `Local/101@test/n`)
/// or state interface.
fn is_members_leg(channel: &Channel, member: &crate::model::queues::QueueMember) -> bool {
    let own = device(&channel.name);
    let names = |interface: &str| {
        !interface.is_empty()
            && (interface == own
                || interface
                    .strip_prefix(own)
                    .is_some_and(|rest| rest.starts_with('/')))
    };
    names(&member.interface) || names(&member.state_interface)
}

fn push_new(names: &mut Vec<String>, name: String) {
    if !names.contains(&name) {
        names.push(name);
    }
}

fn is_ringing(channel: &Channel) -> bool {
    matches!(channel.state.as_str(), "Ringing" | "Ring")
}

/// How `of` names `other`: its Caller ID unless it only echoes ours, else
/// our connected line unless that echoes us too, else its device. When
/// `other` began the call and `of` was dialled from it, the echo is ours
/// (a dialled leg is given its caller's Caller ID), so `other`'s is its own.
fn identity(of: &Channel, other: &Channel) -> String {
    let echoes = |num: &str| !num.is_empty() && num == of.caller_id_num;
    let dialled_by_other =
        !of.linkedid.is_empty() && of.linkedid == other.uniqueid && of.uniqueid != other.uniqueid;
    if !other.caller_id_num.is_empty() && (dialled_by_other || !echoes(&other.caller_id_num)) {
        return caller_id(&other.caller_id_name, &other.caller_id_num);
    }
    if !of.connected_num.is_empty() && !echoes(&of.connected_num) {
        return caller_id(&of.connected_name, &of.connected_num);
    }
    device(&other.name).to_owned()
}

/// `Name <number>`, or whichever of the two is known.
fn caller_id(name: &str, num: &str) -> String {
    match (name.is_empty(), num.is_empty()) {
        (false, false) if name != num => format!("{name} <{num}>"),
        (false, _) => name.to_owned(),
        _ => num.to_owned(),
    }
}

/// The device of a channel name: `SIP/3001` of `SIP/3001-0000002a`,
/// `Local/101@test` of `Local/101@test-00000003;1`.
pub fn device(channel: &str) -> &str {
    let name = channel.split_once(';').map_or(channel, |(head, _)| head);
    match name.rsplit_once('-') {
        Some((head, tail)) if !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_hexdigit()) => {
            head
        }
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(state: &mut State, pairs: &[(&str, &str)]) {
        let msg = crate::ami::Message::from_pairs(pairs.iter().copied());
        state.apply(&msg, 100.0);
    }

    /// A trunk's call (`9.1`) and the agent's leg it dialled (`9.2`), both
    /// up and carrying the caller's Caller ID.
    fn trunk_and_agent_legs() -> State {
        let mut state = State::new();
        for (channel, id) in [("SIP/trunk-00000001", "9.1"), ("SIP/3001-0000000a", "9.2")] {
            apply(
                &mut state,
                &[
                    ("Event", "Newchannel"),
                    ("Channel", channel),
                    ("ChannelState", "6"),
                    ("ChannelStateDesc", "Up"),
                    ("CallerIDNum", "+3215550475"),
                    ("CallerIDName", "K. Novak"),
                    ("Uniqueid", id),
                    ("Linkedid", "9.1"),
                ],
            );
        }
        state
    }

    #[test]
    fn the_agents_own_leg_talks_to_the_caller() {
        let mut state = trunk_and_agent_legs();
        apply(
            &mut state,
            &[
                ("Event", "AgentConnect"),
                ("Queue", "support"),
                ("Interface", "SIP/3001"),
                ("MemberName", "Alice"),
                ("Uniqueid", "9.1"),
                ("CallerIDNum", "+3215550475"),
                ("CallerIDName", "K. Novak"),
                ("HoldTime", "4"),
            ],
        );
        let caller = state.channels.get("9.1").unwrap();
        let leg = state.channels.get("9.2").unwrap();
        assert_eq!(state.talking_to(caller, &[leg]), "Alice");
        assert_eq!(state.talking_to(leg, &[caller]), "K. Novak <+3215550475>");
    }

    #[test]
    fn a_dialled_leg_names_its_caller_even_with_no_queue_event_seen() {
        // As after a resync: the agent's leg (dialled by the trunk's, so
        // carrying its Caller ID) in a bridge with it, no AgentConnect.
        let state = trunk_and_agent_legs();
        let caller = state.channels.get("9.1").unwrap();
        let leg = state.channels.get("9.2").unwrap();
        assert_eq!(state.talking_to(leg, &[caller]), "K. Novak <+3215550475>");
        assert_eq!(state.talking_to(caller, &[leg]), "SIP/3001");
    }

    #[test]
    fn devices_drop_the_channel_suffix() {
        assert_eq!(device("SIP/3001-0000002a"), "SIP/3001");
        assert_eq!(device("Local/101@test-00000003;1"), "Local/101@test");
        assert_eq!(device("DAHDI/1-1"), "DAHDI/1");
        assert_eq!(device("Agent/1001"), "Agent/1001");
    }
}
