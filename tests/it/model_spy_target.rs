//! The channel a supervisor spies on to hear a queue member: through a
//! Local pair, through a `hint:` member's hint, and for a plain device, on
//! the Asterisk 12+ events that build those calls.

use crate::support::msg;
use amitop::model::State;

fn newchannel(id: &str, name: &str) -> amitop::ami::Message {
    msg(&[
        ("Event", "Newchannel"),
        ("Channel", name),
        ("ChannelState", "6"),
        ("ChannelStateDesc", "Up"),
        ("Uniqueid", id),
    ])
}

fn enter(bridge: &str, id: &str, name: &str) -> amitop::ami::Message {
    msg(&[
        ("Event", "BridgeEnter"),
        ("BridgeUniqueid", bridge),
        ("BridgeType", "basic"),
        ("Channel", name),
        ("Uniqueid", id),
    ])
}

fn member(interface: &str, state_interface: &str) -> amitop::ami::Message {
    msg(&[
        ("Event", "QueueMemberAdded"),
        ("Queue", "support"),
        ("MemberName", "Alice"),
        ("Interface", interface),
        ("StateInterface", state_interface),
        ("Status", "2"),
        ("Paused", "0"),
    ])
}

const CALLER: &str = "PJSIP/trunk-00000001";
const PHONE: &str = "PJSIP/3001-00000004";

/// A caller answered by the member `interface`: the queue bridges the
/// caller with the Local pair's `;1`, whose `;2` is bridged with the phone.
fn queue_call_through_local(interface: &str, state_interface: &str) -> State {
    let mut state = State::new();
    let steps = [
        newchannel("1.1", CALLER),
        newchannel("1.2", "Local/3001@agents-00000001;1"),
        newchannel("1.3", "Local/3001@agents-00000001;2"),
        msg(&[
            ("Event", "LocalBridge"),
            ("LocalOneChannel", "Local/3001@agents-00000001;1"),
            ("LocalOneUniqueid", "1.2"),
            ("LocalTwoChannel", "Local/3001@agents-00000001;2"),
            ("LocalTwoUniqueid", "1.3"),
        ]),
        newchannel("1.4", PHONE),
        // Another call of the same agent's neighbour, to be skipped.
        newchannel("1.5", "PJSIP/3002-00000005"),
        enter("b1", "1.1", CALLER),
        enter("b1", "1.2", "Local/3001@agents-00000001;1"),
        enter("b2", "1.3", "Local/3001@agents-00000001;2"),
        enter("b2", "1.4", PHONE),
        member(interface, state_interface),
        msg(&[
            ("Event", "AgentConnect"),
            ("Queue", "support"),
            ("Interface", interface),
            ("MemberName", "Alice"),
            ("Channel", CALLER),
            ("Uniqueid", "1.1"),
            ("DestChannel", "Local/3001@agents-00000001;1"),
            ("DestUniqueid", "1.2"),
            ("HoldTime", "4"),
            ("RingTime", "2"),
        ]),
    ];
    for step in &steps {
        state.apply(step, 100.0);
    }
    state
}

#[test]
fn a_local_member_is_heard_on_its_phone() {
    let state = queue_call_through_local("Local/3001@agents/n", "PJSIP/3001");
    let heard = state
        .agent_voice_channel("Local/3001@agents/n")
        .expect("a channel");
    assert_eq!(heard.name, PHONE);
    // Past the Local pair from either half.
    assert_eq!(state.voice_channel("1.2").unwrap().name, PHONE);
    assert_eq!(state.voice_channel("1.4").unwrap().name, PHONE);
}

#[test]
fn a_hint_member_is_heard_on_its_hints_device() {
    let mut state = queue_call_through_local("hint:3001@internal", "");
    state.apply(
        &msg(&[
            ("Event", "ExtensionStatus"),
            ("Exten", "3001"),
            ("Context", "internal"),
            ("Hint", "PJSIP/3001,CustomPresence:3001"),
            ("Status", "1"),
            ("StatusText", "InUse"),
        ]),
        100.0,
    );
    let heard = state
        .agent_voice_channel("hint:3001@internal")
        .expect("a channel");
    assert_eq!(heard.name, PHONE);
}

#[test]
fn a_device_member_without_a_queue_call_is_heard_on_its_live_channel() {
    let mut state = State::new();
    state.apply(&member("PJSIP/3002", ""), 100.0);
    assert!(
        state.agent_voice_channel("PJSIP/3002").is_none(),
        "no channel yet"
    );
    state.apply(&newchannel("2.1", "PJSIP/3002-0000000a"), 100.0);
    state.apply(&newchannel("2.2", "PJSIP/30020-0000000b"), 100.0);
    let heard = state.agent_voice_channel("PJSIP/3002").expect("a channel");
    assert_eq!(heard.name, "PJSIP/3002-0000000a");
}
