//! One simulated channel and the naming rules Asterisk uses for channels,
//! devices and hangup causes.

use std::time::Duration;

/// What Asterisk 12+ shows for a caller ID nobody set (1.1 sends it empty).
pub const UNKNOWN: &str = "<unknown>";
/// The hangup cause of an ordinary end of call.
pub const NORMAL_CLEARING: u32 = 16;
/// The hangup cause of a phone that rang out.
pub const NO_ANSWER: u32 = 19;

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

/// A number and a name (caller ID or connected line); empty when unset.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Party {
    pub num: String,
    pub name: String,
}

impl Party {
    pub fn new(num: impl Into<String>, name: impl Into<String>) -> Self {
        Party {
            num: num.into(),
            name: name.into(),
        }
    }
}

/// One live channel, as the simulator keeps it.
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
    /// Put on hold by its own side.
    pub on_hold: bool,
    /// When it was created, in simulated time since the PBX started.
    pub created: Duration,
}

/// The device an extension or device string names: `100` is `PJSIP/100`.
pub fn device_of(endpoint: &str) -> String {
    if endpoint.contains('/') {
        endpoint.to_owned()
    } else {
        format!("PJSIP/{endpoint}")
    }
}

/// A channel name for a device, as Asterisk forms them:
/// `PJSIP/100-0000000a`, `Local/200@test-00000000;1` (dial options dropped).
pub fn channel_name(device: &str, seq: u32) -> String {
    match device.strip_prefix("Local/") {
        Some(rest) => {
            let base = rest.split('/').next().unwrap_or(rest);
            format!("Local/{base}-{seq:08x};1")
        }
        None => format!("{device}-{seq:08x}"),
    }
}

/// The device part of a channel name: `SIP/2001` for `SIP/2001-0000000a`.
pub fn device_of_channel(name: &str) -> &str {
    name.rsplit_once('-').map_or(name, |(device, _)| device)
}

/// `Cause-txt` for the common hangup causes (Q.850).
pub fn cause_text(cause: u32) -> &'static str {
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

    #[test]
    fn channel_names_follow_asterisk() {
        assert_eq!(
            channel_name("Local/200@test/n", 0),
            "Local/200@test-00000000;1"
        );
        assert_eq!(channel_name("PJSIP/100", 10), "PJSIP/100-0000000a");
        assert_eq!(device_of_channel("SIP/2001-0000000a"), "SIP/2001");
        assert_eq!(device_of("100"), "PJSIP/100");
    }
}
