//! The supervisor's actions: listen to, whisper to or barge into a call,
//! and record a channel.
//!
//! A spy is an `Originate` that rings the supervisor's own phone and runs
//! the `ChanSpy` application on it once answered. Its data is the exact
//! channel to hear (ChanSpy reads it as a name prefix, so the whole name
//! picks one channel) and the options: `q` (no beep or name announced),
//! `w` whisper or `B` barge, and `E` so the spy ends when that channel
//! hangs up instead of waiting for another one to match. A recording is
//! `MixMonitor` (both directions mixed into one file) with `b` when only
//! the bridged part of the call is wanted; it answers with a
//! `MixMonitorID`, and `StopMixMonitor` with that id stops that one.

use crate::ami::Action;
use crate::model::SpyMode;

/// The Caller ID the supervisor's phone shows, naming the spied channel.
fn spy_caller_id(mode: SpyMode, target: &str) -> String {
    format!("\"{} {}\" <spy>", mode.word(), target)
}

/// Rings `supervisor` and, once answered, spies on `target` in `mode`.
pub fn spy(supervisor: &str, target: &str, mode: SpyMode) -> Action {
    Action::new("Originate")
        .header("Channel", supervisor)
        .header("Application", "ChanSpy")
        .header("Data", format!("{target},{}E", mode.options()))
        .header("CallerID", spy_caller_id(mode, target))
        .header("Async", "true")
}

/// What of a call a recording keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordScope {
    /// Everything the channel hears and says, from now on.
    Whole,
    /// Only while the channel is bridged to another (no ringing, music or
    /// menus).
    Bridged,
}

impl RecordScope {
    /// MixMonitor's options for this scope.
    pub fn options(self) -> &'static str {
        match self {
            RecordScope::Whole => "",
            RecordScope::Bridged => "b",
        }
    }
}

/// Starts recording `channel` into `file`.
pub fn record(channel: &str, file: &str, scope: RecordScope) -> Action {
    record_with(channel, file, scope.options())
}

/// Starts recording `channel` into `file` with MixMonitor's `options`
/// (none when empty).
pub fn record_with(channel: &str, file: &str, options: &str) -> Action {
    let action = Action::new("MixMonitor")
        .header("Channel", channel)
        .header("File", file);
    if options.is_empty() {
        action
    } else {
        action.header("Options", options)
    }
}

/// The file name template of recordings when the config names none:
/// `MONITOR_DIR` (MixMonitor's default directory) keeps a relative name.
pub const RECORDING_FILE: &str = "amitop-{time}-{channel}-{uniqueid}.wav";

/// How the supervisor's recordings are named and made, from the server's
/// config table (`recording_file`, `recording_options`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordingSetup {
    /// See [`recording_file`] for what it may hold.
    pub template: String,
    /// MixMonitor's options for every recording (`b`: bridged part only).
    pub options: String,
}

impl Default for RecordingSetup {
    fn default() -> RecordingSetup {
        RecordingSetup {
            template: RECORDING_FILE.to_owned(),
            options: String::new(),
        }
    }
}

/// The supervisor's settings of one server: their phone and recordings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SupervisorSettings {
    /// The phone a spy rings (`supervisor = "PJSIP/200"`); without it the
    /// spy form asks.
    pub phone: Option<String>,
    pub recording: RecordingSetup,
}

/// Mutes (or unmutes) what `channel` says (`read`), hears (`write`) or
/// both in its recording.
pub fn mute_recording(channel: &str, direction: &str, mute: bool) -> Action {
    Action::new("MixMonitorMute")
        .header("Channel", channel)
        .header("Direction", direction)
        .header("State", if mute { "1" } else { "0" })
}

/// Stops the recording of `channel` (the one answered with `id`, when
/// known).
pub fn stop_recording(channel: &str, id: Option<&str>) -> Action {
    let action = Action::new("StopMixMonitor").header("Channel", channel);
    match id {
        Some(id) => action.header("MixMonitorID", id),
        None => action,
    }
}

/// The file name of a recording: `template` with `{uniqueid}`, `{channel}`
/// (its `/` made `-`, so it stays one file name) and `{time}` (epoch
/// seconds) filled in.
pub fn recording_file(template: &str, uniqueid: &str, channel: &str, now: f64) -> String {
    let channel = channel.replace(['/', ';', '@'], "-");
    template
        .replace("{uniqueid}", uniqueid)
        .replace("{channel}", &channel)
        .replace("{time}", &format!("{}", now as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spy_data_names_the_channel_and_the_mode() {
        let action = spy("PJSIP/200", "PJSIP/3001-00000004", SpyMode::Whisper);
        assert_eq!(action.get("Data"), Some("PJSIP/3001-00000004,qwE"));
        assert_eq!(action.get("Application"), Some("ChanSpy"));
        assert_eq!(action.get("Channel"), Some("PJSIP/200"));
    }

    #[test]
    fn file_names_fill_the_template() {
        let file = recording_file(
            "{time}-{channel}-{uniqueid}.wav",
            "17.3",
            "PJSIP/3001-0a;1",
            99.7,
        );
        assert_eq!(file, "99-PJSIP-3001-0a-1-17.3.wav");
    }
}
