//! The simulated PBX's own state (channels, bridges, calls) and the AMI
//! events each change produces.
//!
//! It knows nothing of sockets or clients: every change appends the events
//! Asterisk 12+ would send to an outbox, which the server drains and
//! broadcasts. Event names and field layouts follow
//! `tests/fixtures/ami/c1_call_bridge.ami`. A call goes through steps
//! (channel created, dial, answer, bridge, hang up) kept as separate methods,
//! so a scheduler can later spread them over time; today each call is set up
//! in one go.

use std::borrow::Cow;
use std::time::{Duration, Instant};

use crate::ami::Message;

use super::clock;
use super::random;
use super::wire::Fields;

/// Where calls started from the test side run their dialplan.
pub const DEFAULT_CONTEXT: &str = "default";
/// What Asterisk shows for a caller ID nobody set.
const UNKNOWN: &str = "<unknown>";
/// The hangup cause of an ordinary end of call.
pub const NORMAL_CLEARING: u32 = 16;

/// Channel states, with Asterisk's numeric codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChannelState {
    Down,
    Ring,
    Ringing,
    Up,
}

impl ChannelState {
    pub fn code(self) -> u8 {
        match self {
            ChannelState::Down => 0,
            ChannelState::Ring => 4,
            ChannelState::Ringing => 5,
            ChannelState::Up => 6,
        }
    }

    pub fn desc(self) -> &'static str {
        match self {
            ChannelState::Down => "Down",
            ChannelState::Ring => "Ring",
            ChannelState::Ringing => "Ringing",
            ChannelState::Up => "Up",
        }
    }
}

/// A number and a name (caller ID or connected line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    pub num: String,
    pub name: String,
}

impl Party {
    pub fn new(num: impl Into<String>, name: impl Into<String>) -> Self {
        Party {
            num: non_empty_or_unknown(num.into()),
            name: non_empty_or_unknown(name.into()),
        }
    }

    fn unknown() -> Self {
        Party::new("", "")
    }
}

fn non_empty_or_unknown(s: String) -> String {
    if s.is_empty() { UNKNOWN.into() } else { s }
}

/// One live channel.
#[derive(Clone, Debug)]
pub struct Channel {
    pub name: String,
    pub uniqueid: String,
    pub linkedid: String,
    pub state: ChannelState,
    pub caller: Party,
    pub connected: Party,
    pub account_code: String,
    pub context: String,
    pub exten: String,
    pub priority: u32,
    pub application: String,
    pub app_data: String,
    /// The bridge it is in.
    pub bridge: Option<String>,
    created: Instant,
}

impl Channel {
    pub fn age(&self) -> Duration {
        self.created.elapsed()
    }
}

/// A two-party mixing bridge.
#[derive(Clone, Debug)]
struct Bridge {
    id: String,
    members: usize,
}

/// What an `Originate` connects the new channel to once it answers.
#[derive(Clone, Debug)]
pub enum OriginateTarget {
    /// Dialplan: the extension is dialled, which makes a two-party call.
    Exten { context: String, exten: String },
    /// An application runs on the channel alone.
    App { application: String, data: String },
}

/// An `Originate` request, parsed.
#[derive(Clone, Debug)]
pub struct Originate {
    /// The device to call first (`PJSIP/100`, `Local/200@test/n`).
    pub device: String,
    pub target: OriginateTarget,
    pub caller_id: Option<Party>,
    pub account: Option<String>,
    pub variables: Vec<(String, String)>,
    /// For `Async: true`: report the outcome in an `OriginateResponse` event
    /// carrying this ActionID (`None` when the request had no ActionID).
    pub report: Option<Option<String>>,
}

/// Who asked for a hangup: it decides the request event's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HangupOrigin {
    /// The `Hangup` action (Asterisk reports a soft hangup request).
    Manager,
    /// The phone or the far end hung up.
    Endpoint,
}

/// The PBX: live channels and bridges, counters, and events not yet sent.
#[derive(Debug)]
pub struct Pbx {
    started: Instant,
    channels: Vec<Channel>,
    bridges: Vec<Bridge>,
    next_channel_seq: u32,
    next_unique_seq: u64,
    calls_processed: u64,
    outbox: Vec<Message>,
}

impl Default for Pbx {
    fn default() -> Self {
        Pbx::new()
    }
}

impl Pbx {
    pub fn new() -> Self {
        Pbx {
            started: Instant::now(),
            channels: Vec::new(),
            bridges: Vec::new(),
            next_channel_seq: 0,
            next_unique_seq: 1,
            calls_processed: 0,
            outbox: Vec::new(),
        }
    }

    /// Time since the PBX started.
    pub fn uptime(&self) -> Duration {
        self.started.elapsed()
    }

    /// Live channels, oldest first.
    pub fn channels(&self) -> &[Channel] {
        &self.channels
    }

    /// Calls in progress (channels grouped by linkedid).
    pub fn active_calls(&self) -> usize {
        let mut linkedids: Vec<&str> = self.channels.iter().map(|c| c.linkedid.as_str()).collect();
        linkedids.sort_unstable();
        linkedids.dedup();
        linkedids.len()
    }

    /// Calls started since the PBX started.
    pub fn calls_processed(&self) -> u64 {
        self.calls_processed
    }

    /// The events produced since the last call, oldest first.
    pub fn take_events(&mut self) -> Vec<Message> {
        std::mem::take(&mut self.outbox)
    }

    /// A phone (`caller`, an extension or a device like `SIP/alice`) dials
    /// `callee`, who answers: a bridged two-party call. Returns its linkedid.
    pub fn start_call(&mut self, caller: &str, callee: &str, caller_id_name: &str) -> String {
        let caller_num = caller.rsplit('/').next().unwrap_or(caller);
        let a = self.new_channel(
            &device_of(caller),
            ChannelState::Ring,
            Party::new(caller_num, caller_id_name),
            DEFAULT_CONTEXT,
            callee,
            None,
        );
        self.dial_and_bridge(a, callee)
    }

    /// The `Originate` action: calls `device`; once it answers, connects it
    /// to the target. Returns the linkedid of the new call.
    pub fn originate(&mut self, request: &Originate) -> String {
        let (context, exten) = match &request.target {
            OriginateTarget::Exten { context, exten } => (context.as_str(), exten.as_str()),
            OriginateTarget::App { .. } => (DEFAULT_CONTEXT, ""),
        };
        let a = self.new_channel(
            &request.device,
            ChannelState::Down,
            Party::unknown(),
            context,
            exten,
            None,
        );
        for (name, value) in &request.variables {
            self.set_variable(a, name, value);
        }
        if let Some(account) = &request.account {
            self.set_account_code(a, account);
        }
        if let Some(caller_id) = &request.caller_id {
            self.set_caller_id(a, caller_id.clone());
        }
        self.set_state(a, ChannelState::Up);
        if let Some(action_id) = &request.report {
            self.originate_response(a, &request.target, action_id.as_deref());
        }
        match &request.target {
            OriginateTarget::Exten { exten, .. } => self.dial_and_bridge(a, exten),
            OriginateTarget::App { application, data } => {
                let chan = &mut self.channels[a];
                chan.application = application.clone();
                chan.app_data = data.clone();
                chan.linkedid.clone()
            }
        }
    }

    /// Hangs up the channel named `name` and the rest of its call (the peer
    /// in its bridge, a callee still ringing). False if there is no such channel.
    pub fn hangup(&mut self, name: &str, cause: u32, origin: HangupOrigin) -> bool {
        let Some(index) = self.index_of(name) else {
            return false;
        };
        let linkedid = self.channels[index].linkedid.clone();
        let request = match origin {
            HangupOrigin::Manager => "SoftHangupRequest",
            HangupOrigin::Endpoint => "HangupRequest",
        };
        self.end_channel(index, cause, request);
        while let Some(peer) = self.channels.iter().position(|c| c.linkedid == linkedid) {
            self.end_channel(peer, cause, "HangupRequest");
        }
        true
    }

    /// Ends the call with this linkedid, as if its first channel hung up.
    pub fn hangup_call(&mut self, linkedid: &str) -> bool {
        let first = self.channels.iter().find(|c| c.linkedid == linkedid);
        match first.map(|c| c.name.clone()) {
            Some(name) => self.hangup(&name, NORMAL_CLEARING, HangupOrigin::Endpoint),
            None => false,
        }
    }

    // --- call steps ---

    fn new_channel(
        &mut self,
        device: &str,
        state: ChannelState,
        caller: Party,
        context: &str,
        exten: &str,
        linkedid: Option<&str>,
    ) -> usize {
        let seq = self.next_channel_seq;
        self.next_channel_seq += 1;
        let uniqueid = format!(
            "{}.{}",
            clock::since_epoch().as_secs(),
            self.next_unique_seq
        );
        self.next_unique_seq += 1;
        if linkedid.is_none() {
            self.calls_processed += 1;
        }
        self.channels.push(Channel {
            name: channel_name(device, seq),
            linkedid: linkedid.unwrap_or(&uniqueid).to_owned(),
            uniqueid,
            state,
            caller,
            connected: Party::unknown(),
            account_code: String::new(),
            context: context.into(),
            exten: exten.into(),
            priority: 1,
            application: String::new(),
            app_data: String::new(),
            bridge: None,
            created: Instant::now(),
        });
        let index = self.channels.len() - 1;
        self.emit_channel("Newchannel", "call", index, Fields::default());
        index
    }

    /// Channel `a` runs `Dial` to `exten`'s phone, which rings and answers;
    /// both enter a new bridge. Returns the call's linkedid.
    fn dial_and_bridge(&mut self, a: usize, exten: &str) -> String {
        let callee_device = device_of(exten);
        let dial_data = format!("{callee_device},30");
        {
            let chan = &mut self.channels[a];
            chan.application = "Dial".into();
            chan.app_data = dial_data.clone();
        }
        let extension = self.channels[a].exten.clone();
        self.emit_channel(
            "Newexten",
            "dialplan",
            a,
            Fields::default()
                .with("Extension", extension)
                .with("Application", "Dial")
                .with("AppData", dial_data),
        );
        let (context, linkedid, caller) = {
            let chan = &self.channels[a];
            (
                chan.context.clone(),
                chan.linkedid.clone(),
                chan.caller.clone(),
            )
        };
        let b = self.new_channel(
            &callee_device,
            ChannelState::Down,
            Party::new(exten, ""),
            &context,
            exten,
            Some(&linkedid),
        );
        {
            let chan = &mut self.channels[b];
            chan.connected = caller;
            chan.application = "AppDial".into();
            chan.app_data = "(Outgoing Line)".into();
        }
        let dial_string = exten.to_owned();
        self.emit_dial(
            "DialBegin",
            a,
            b,
            Fields::default().with("DialString", dial_string),
        );
        self.set_state(b, ChannelState::Ringing);
        self.set_state(b, ChannelState::Up);
        self.emit_dial(
            "DialEnd",
            a,
            b,
            Fields::default().with("DialStatus", "ANSWER"),
        );
        self.channels[a].connected = self.channels[b].caller.clone();
        if self.channels[a].state != ChannelState::Up {
            self.set_state(a, ChannelState::Up);
        }
        self.bridge_pair(a, b);
        linkedid
    }

    fn bridge_pair(&mut self, a: usize, b: usize) {
        let bridge = Bridge {
            id: random::uuid(),
            members: 0,
        };
        self.emit(bridge_fields(Fields::event("BridgeCreate"), &bridge));
        self.bridges.push(bridge);
        let bridge_index = self.bridges.len() - 1;
        for member in [a, b] {
            let bridge = &mut self.bridges[bridge_index];
            bridge.members += 1;
            let entered = bridge_fields(Fields::event("BridgeEnter"), bridge);
            self.channels[member].bridge = Some(bridge.id.clone());
            self.emit_channel_after(entered, member, Fields::default());
        }
        for (member, peer) in [(a, b), (b, a)] {
            let peer_name = self.channels[peer].name.clone();
            self.set_variable(member, "BRIDGEPEER", &peer_name);
        }
    }

    fn end_channel(&mut self, index: usize, cause: u32, request: &'static str) {
        self.emit_channel(
            request,
            "call",
            index,
            Fields::default().with("Cause", cause.to_string()),
        );
        if let Some(bridge_id) = self.channels[index].bridge.take() {
            self.leave_bridge(index, &bridge_id);
        }
        self.emit_channel(
            "Hangup",
            "call",
            index,
            Fields::default()
                .with("Cause", cause.to_string())
                .with("Cause-txt", cause_text(cause)),
        );
        self.channels.remove(index);
    }

    fn leave_bridge(&mut self, index: usize, bridge_id: &str) {
        let Some(position) = self.bridges.iter().position(|b| b.id == bridge_id) else {
            return;
        };
        let bridge = &mut self.bridges[position];
        bridge.members = bridge.members.saturating_sub(1);
        let left = bridge_fields(Fields::event("BridgeLeave"), bridge);
        self.emit_channel_after(left, index, Fields::default());
        if self.bridges[position].members == 0 {
            let bridge = self.bridges.remove(position);
            self.emit(bridge_fields(Fields::event("BridgeDestroy"), &bridge));
        }
    }

    fn set_state(&mut self, index: usize, state: ChannelState) {
        self.channels[index].state = state;
        self.emit_channel("Newstate", "call", index, Fields::default());
    }

    fn set_variable(&mut self, index: usize, name: &str, value: &str) {
        self.emit_channel(
            "VarSet",
            "dialplan",
            index,
            Fields::default()
                .with("Variable", name)
                .with("Value", value),
        );
    }

    fn set_account_code(&mut self, index: usize, account: &str) {
        let old = std::mem::replace(&mut self.channels[index].account_code, account.into());
        self.emit_channel(
            "NewAccountCode",
            "call",
            index,
            Fields::default().with("OldAccountCode", old),
        );
    }

    fn set_caller_id(&mut self, index: usize, caller: Party) {
        self.channels[index].caller = caller;
        self.emit_channel(
            "NewCallerid",
            "call",
            index,
            Fields::default().with("CID-CallingPres", "0 (Presentation Allowed, Not Screened)"),
        );
    }

    fn originate_response(
        &mut self,
        index: usize,
        target: &OriginateTarget,
        action_id: Option<&str>,
    ) {
        let chan = &self.channels[index];
        let mut event = Fields::event("OriginateResponse")
            .with("Privilege", "call,all")
            .with_action_id(action_id)
            .with("Response", "Success")
            .with("Channel", chan.name.clone());
        match target {
            OriginateTarget::Exten { context, exten } => {
                event.push("Context", context.clone());
                event.push("Exten", exten.clone());
            }
            OriginateTarget::App { application, data } => {
                event.push("Application", application.clone());
                event.push("Data", data.clone());
            }
        }
        let event = event
            .with("Reason", "4")
            .with("Uniqueid", chan.uniqueid.clone())
            .with("CallerIDNum", chan.caller.num.clone())
            .with("CallerIDName", chan.caller.name.clone());
        self.emit(event);
    }

    // --- events ---

    fn emit(&mut self, fields: Fields) {
        self.outbox.push(fields.build());
    }

    /// `Event`, `Privilege`, the channel's fields, then `extra`.
    fn emit_channel(&mut self, event: &str, class: &str, index: usize, extra: Fields) {
        let head = Fields::event(event).with("Privilege", format!("{class},all"));
        self.emit_channel_after(head, index, extra);
    }

    /// `head` (an event with its own fields), the channel's fields, then `extra`.
    fn emit_channel_after(&mut self, head: Fields, index: usize, extra: Fields) {
        let mut fields = channel_fields(head, "", &self.channels[index]);
        fields.append(extra);
        self.emit(fields);
    }

    /// DialBegin / DialEnd: the caller's fields, the callee's as `Dest...`.
    fn emit_dial(&mut self, event: &str, caller: usize, callee: usize, extra: Fields) {
        let head = Fields::event(event).with("Privilege", "call,all");
        let fields = channel_fields(head, "", &self.channels[caller]);
        let mut fields = channel_fields(fields, "Dest", &self.channels[callee]);
        fields.append(extra);
        self.emit(fields);
    }

    fn index_of(&self, name: &str) -> Option<usize> {
        self.channels.iter().position(|c| c.name == name)
    }
}

/// The standard channel snapshot Asterisk puts in call events, with an
/// optional key prefix (`Dest` in DialBegin).
pub fn channel_fields(mut fields: Fields, prefix: &'static str, chan: &Channel) -> Fields {
    let key = |k: &'static str| -> Cow<'static, str> {
        if prefix.is_empty() {
            Cow::Borrowed(k)
        } else {
            Cow::Owned(format!("{prefix}{k}"))
        }
    };
    fields.push(key("Channel"), chan.name.clone());
    fields.push(key("ChannelState"), chan.state.code().to_string());
    fields.push(key("ChannelStateDesc"), chan.state.desc());
    fields.push(key("CallerIDNum"), chan.caller.num.clone());
    fields.push(key("CallerIDName"), chan.caller.name.clone());
    fields.push(key("ConnectedLineNum"), chan.connected.num.clone());
    fields.push(key("ConnectedLineName"), chan.connected.name.clone());
    fields.push(key("Language"), "en");
    fields.push(key("AccountCode"), chan.account_code.clone());
    fields.push(key("Context"), chan.context.clone());
    fields.push(key("Exten"), chan.exten.clone());
    fields.push(key("Priority"), chan.priority.to_string());
    fields.push(key("Uniqueid"), chan.uniqueid.clone());
    fields.push(key("Linkedid"), chan.linkedid.clone());
    fields
}

fn bridge_fields(fields: Fields, bridge: &Bridge) -> Fields {
    fields
        .with("Privilege", "call,all")
        .with("BridgeUniqueid", bridge.id.clone())
        .with("BridgeType", "basic")
        .with("BridgeTechnology", "simple_bridge")
        .with("BridgeCreator", UNKNOWN)
        .with("BridgeName", UNKNOWN)
        .with("BridgeNumChannels", bridge.members.to_string())
        .with("BridgeVideoSourceMode", "none")
}

/// The device an extension or device string names: `100` is `PJSIP/100`.
fn device_of(endpoint: &str) -> String {
    if endpoint.contains('/') {
        endpoint.to_owned()
    } else {
        format!("PJSIP/{endpoint}")
    }
}

/// A channel name for a device, as Asterisk forms them:
/// `PJSIP/100-0000000a`, `Local/200@test-00000000;1` (dial options dropped).
fn channel_name(device: &str, seq: u32) -> String {
    match device.strip_prefix("Local/") {
        Some(rest) => {
            let base = rest.split('/').next().unwrap_or(rest);
            format!("Local/{base}-{seq:08x};1")
        }
        None => format!("{device}-{seq:08x}"),
    }
}

/// `Cause-txt` for the common hangup causes (Q.850).
fn cause_text(cause: u32) -> &'static str {
    match cause {
        1 => "Unallocated (unassigned) number",
        16 => "Normal Clearing",
        17 => "User busy",
        18 => "No user responding",
        19 => "User alerting, no answer",
        21 => "Call Rejected",
        34 => "Circuit/channel congestion",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(events: &[Message]) -> Vec<String> {
        events
            .iter()
            .map(|e| e.event().unwrap_or_default().into_owned())
            .collect()
    }

    #[test]
    fn a_call_bridges_two_channels_and_hangup_empties_the_pbx() {
        let mut pbx = Pbx::new();
        let linkedid = pbx.start_call("100", "200", "Alice");
        assert_eq!(pbx.channels().len(), 2);
        assert_eq!(pbx.active_calls(), 1);
        let bridge = pbx.channels()[0].bridge.clone();
        assert!(bridge.is_some());
        assert_eq!(pbx.channels()[1].bridge, bridge);
        assert!(pbx.channels().iter().all(|c| c.linkedid == linkedid));
        assert!(pbx.channels()[0].name.starts_with("PJSIP/100-"));
        assert!(pbx.channels()[1].name.starts_with("PJSIP/200-"));
        let setup = names(&pbx.take_events());
        assert_eq!(setup.first().map(String::as_str), Some("Newchannel"));
        assert!(setup.iter().any(|n| n == "BridgeEnter"));

        assert!(pbx.hangup_call(&linkedid));
        assert!(pbx.channels().is_empty());
        assert_eq!(
            names(&pbx.take_events()),
            [
                "HangupRequest",
                "BridgeLeave",
                "Hangup",
                "HangupRequest",
                "BridgeLeave",
                "BridgeDestroy",
                "Hangup"
            ]
        );
        assert!(!pbx.hangup_call(&linkedid));
        assert_eq!(pbx.calls_processed(), 1);
    }

    #[test]
    fn local_channel_names_drop_dial_options() {
        assert_eq!(
            channel_name("Local/200@test/n", 0),
            "Local/200@test-00000000;1"
        );
        assert_eq!(channel_name("PJSIP/100", 10), "PJSIP/100-0000000a");
    }
}
