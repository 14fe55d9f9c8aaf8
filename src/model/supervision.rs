//! Who is being listened to, and which channels are being recorded.
//!
//! Why it exists: a supervisor must see at a glance that a call is spied on
//! or recorded, and stop it. What the wire says, by generation:
//! - Spying (app_chanspy). 12+ sends `ChanSpyStart`/`ChanSpyStop` with a
//!   `Spyer*` and a `Spyee*` channel snapshot, and no word of the mode
//!   (listen, whisper, barge). The mode is in the ChanSpy options: the
//!   `Data` of the `OriginateResponse` that started the spy (which carries
//!   the spyer's `Uniqueid`), or the spyer channel's own `AppData` when the
//!   dialplan runs ChanSpy. 1.x sends no spy events: there the spyer channel's
//!   application and data are all there is, and the data names a channel
//!   *prefix*, so the spied channel is the live one it picks out.
//!   The spyer never joins the spied channel's bridge (`e6_spy_record`).
//! - Recording (app_mixmonitor). `MixMonitorStart`, `MixMonitorMute`
//!   (`Direction`, `State`) and `MixMonitorStop` name the channel only: not
//!   the file. A hangup ends a recording without a `MixMonitorStop`. The
//!   file is what amitop asked for ([`State::expect_recording`]). 1.x sends
//!   none of these: there amitop's own actions and their replies tell it
//!   ([`State::recording_answered`], [`State::recording_stopped`]).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{Channel, State};
use crate::ami::Message;

/// Asked-for file names kept at once; more means nobody started them.
const MAX_ASKED_RECORDINGS: usize = 64;
/// Spy modes learnt from originates before their `ChanSpyStart`.
const MAX_EARLY_MODES: usize = 64;

/// How a supervisor takes part in a spied call (ChanSpy's options).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpyMode {
    /// Hears both sides, is heard by no one.
    Listen,
    /// Also talks to the spied channel only (`w`).
    Whisper,
    /// Talks to both sides (`B`).
    Barge,
}

impl SpyMode {
    /// The mode ChanSpy's options ask for (listen when they say nothing).
    pub fn from_options(options: &str) -> SpyMode {
        // Only the letters matter: `w`, `B`, and option arguments in
        // parentheses (`g(grp)`, `e(ext)`) are skipped.
        let mut depth = 0u32;
        let mut mode = SpyMode::Listen;
        for c in options.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                'B' if depth == 0 => mode = SpyMode::Barge,
                'w' | 'W' if depth == 0 && mode != SpyMode::Barge => mode = SpyMode::Whisper,
                _ => {}
            }
        }
        mode
    }

    /// ChanSpy's options for this mode (always quiet: no beep, no name
    /// announced to the supervisor).
    pub fn options(self) -> &'static str {
        match self {
            SpyMode::Listen => "q",
            SpyMode::Whisper => "qw",
            SpyMode::Barge => "qB",
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            SpyMode::Listen => "listen",
            SpyMode::Whisper => "whisper",
            SpyMode::Barge => "barge",
        }
    }
}

/// One channel spying on another.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Spy {
    pub spyer: String,
    pub spyer_channel: String,
    /// The spied channel's Uniqueid (12+), or the live channel the 1.x
    /// prefix picks out; empty when none does.
    pub spyee: String,
    pub spyee_channel: String,
    /// `None` when nothing said it.
    pub mode: Option<SpyMode>,
    pub since: f64,
}

/// One channel being recorded.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Recording {
    pub channel: String,
    /// The file amitop asked for; `None` for a recording started elsewhere.
    pub file: Option<String>,
    /// The audio the recording leaves out (`read`, `write`, `both`).
    pub muted: Vec<String>,
    pub since: f64,
    /// The `MixMonitorID` of amitop's own recording (12+ answer with it).
    pub id: Option<String>,
}

/// The spies and recordings of the live channels.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Supervision {
    /// By the spyer's Uniqueid.
    spies: BTreeMap<String, Spy>,
    /// By the recorded channel's Uniqueid.
    recordings: BTreeMap<String, Recording>,
    /// Spyers whose spy the server ended (`ChanSpyStop`) while they still
    /// run ChanSpy: not to be taken for 1.x spies.
    #[serde(skip)]
    stopped: BTreeSet<String>,
    /// Modes from `OriginateResponse`s whose `ChanSpyStart` is still to
    /// come, by the spyer's Uniqueid.
    #[serde(skip)]
    early_modes: Vec<(String, SpyMode)>,
    /// File names amitop asked for, by channel name, oldest first.
    #[serde(skip)]
    asked_files: Vec<(String, String)>,
}

impl Supervision {
    /// The spies the server reported, in spyer order.
    pub fn spies(&self) -> impl Iterator<Item = &Spy> {
        self.spies.values()
    }

    /// The recording of the channel `uniqueid`, if one runs.
    pub fn recording(&self, uniqueid: &str) -> Option<&Recording> {
        self.recordings.get(uniqueid)
    }

    pub fn recordings(&self) -> impl Iterator<Item = (&String, &Recording)> {
        self.recordings.iter()
    }

    /// The channel `uniqueid` is gone: it spies and is spied on no more,
    /// and its recording ended with it.
    pub(super) fn forget_channel(&mut self, uniqueid: &str) {
        self.spies
            .retain(|spyer, spy| spyer != uniqueid && spy.spyee != uniqueid);
        self.recordings.remove(uniqueid);
        self.stopped.remove(uniqueid);
        self.early_modes.retain(|(spyer, _)| spyer != uniqueid);
    }

    fn spy_start(&mut self, msg: &Message, now: f64) {
        let Some(spyer) = msg.get("SpyerUniqueid") else {
            return;
        };
        let early = self.early_modes.iter().position(|(id, _)| *id == spyer);
        let mode = early.map(|i| self.early_modes.remove(i).1);
        let spy = Spy {
            spyer: spyer.to_string(),
            spyer_channel: msg.get_or_empty("SpyerChannel").into_owned(),
            spyee: msg.get_or_empty("SpyeeUniqueid").into_owned(),
            spyee_channel: msg.get_or_empty("SpyeeChannel").into_owned(),
            mode,
            since: now,
        };
        self.spies.insert(spy.spyer.clone(), spy);
    }

    fn spy_stop(&mut self, msg: &Message) {
        if let Some(spyer) = msg.get("SpyerUniqueid")
            && self.spies.remove(spyer.as_ref()).is_some()
        {
            self.stopped.insert(spyer.into_owned());
        }
    }

    /// An `OriginateResponse`: one of a ChanSpy application tells the mode
    /// of the spy it started.
    fn originated(&mut self, msg: &Message) {
        if !msg.is("Application", "ChanSpy") {
            return;
        }
        let Some(spyer) = msg.get("Uniqueid") else {
            return;
        };
        let mode = SpyMode::from_options(options_of(&msg.get_or_empty("Data")));
        match self.spies.get_mut(spyer.as_ref()) {
            Some(spy) => spy.mode = Some(mode),
            None => {
                if self.early_modes.len() == MAX_EARLY_MODES {
                    self.early_modes.remove(0);
                }
                self.early_modes.push((spyer.into_owned(), mode));
            }
        }
    }

    fn record_start(&mut self, uniqueid: String, channel: &str, now: f64) {
        let asked = self.asked_files.iter().position(|(c, _)| c == channel);
        let file = asked.map(|i| self.asked_files.remove(i).1);
        let recording = Recording {
            channel: channel.to_owned(),
            file,
            muted: Vec::new(),
            since: now,
            id: None,
        };
        self.recordings.insert(uniqueid, recording);
    }

    fn record_mute(&mut self, uniqueid: &str, msg: &Message) {
        let Some(recording) = self.recordings.get_mut(uniqueid) else {
            return;
        };
        let direction = msg.get_or_empty("Direction").to_ascii_lowercase();
        let directions: &[&str] = match direction.as_str() {
            "both" => &["read", "write"],
            "read" => &["read"],
            "write" => &["write"],
            _ => return,
        };
        let on = super::fields::flag(msg, "State").unwrap_or(false);
        for d in directions {
            recording.muted.retain(|m| m != d);
            if on {
                recording.muted.push((*d).to_owned());
            }
        }
        recording.muted.sort();
    }
}

/// The options part of ChanSpy's data (`target,options`).
fn options_of(data: &str) -> &str {
    data.split_once(',').map_or("", |(_, options)| options)
}

impl State {
    /// amitop asked to record `channel` into `file`: the coming
    /// `MixMonitorStart` for it is that recording.
    pub fn expect_recording(&mut self, channel: &str, file: &str) {
        let asked = &mut self.supervision.asked_files;
        if asked.len() == MAX_ASKED_RECORDINGS {
            asked.remove(0);
        }
        asked.push((channel.to_owned(), file.to_owned()));
    }

    /// The server answered amitop's `MixMonitor` of `channel`: on success
    /// the channel is being recorded (1.x sends no `MixMonitorStart`; on
    /// 12+ this and the event agree) by the recording `id` names, else the
    /// asked-for file is dropped.
    pub fn recording_answered(&mut self, channel: &str, success: bool, id: Option<&str>, now: f64) {
        let Some(uniqueid) = self.channels.id_by_name(channel).map(str::to_owned) else {
            return;
        };
        let supervision = &mut self.supervision;
        if !success {
            supervision.asked_files.retain(|(c, _)| c != channel);
            return;
        }
        if !supervision.recordings.contains_key(&uniqueid) {
            supervision.record_start(uniqueid.clone(), channel, now);
        }
        if let Some(recording) = supervision.recordings.get_mut(&uniqueid) {
            recording.id = id.map(str::to_owned);
        }
    }

    /// The server accepted amitop's `StopMixMonitor` of `channel` (1.x
    /// sends no `MixMonitorStop`).
    pub fn recording_stopped(&mut self, channel: &str) {
        if let Some(uniqueid) = self.channels.id_by_name(channel) {
            let uniqueid = uniqueid.to_owned();
            self.supervision.recordings.remove(&uniqueid);
        }
    }

    /// Every spy on a live channel: those the server reported (12+), then
    /// channels running ChanSpy that it did not report (1.x).
    pub fn spies(&self) -> Vec<Spy> {
        let mut spies: Vec<Spy> = self.supervision.spies().cloned().collect();
        for channel in self.channels.iter() {
            if channel.application.eq_ignore_ascii_case("ChanSpy")
                && !self.supervision.spies.contains_key(&channel.uniqueid)
                && !self.supervision.stopped.contains(&channel.uniqueid)
            {
                spies.push(self.spy_from_application(channel));
            }
        }
        spies
    }

    /// Whether a supervisor listens to the channel `uniqueid`, cheaply
    /// enough for every row of a table: on 12+ the spies the server
    /// reported say it; 1.x reports none, so there every channel running
    /// ChanSpy is looked at.
    pub fn is_spied(&self, uniqueid: &str) -> bool {
        if self.supervision.spies().any(|spy| spy.spyee == uniqueid) {
            return true;
        }
        let major = self.server.ami_version.split('.').next();
        let reports_spies = major
            .and_then(|m| m.parse::<u32>().ok())
            .is_some_and(|m| m >= 2);
        !reports_spies && !self.spied_by(uniqueid).is_empty()
    }

    /// The spies listening to the channel `uniqueid`.
    pub fn spied_by(&self, uniqueid: &str) -> Vec<Spy> {
        let mut spies = self.spies();
        spies.retain(|spy| spy.spyee == uniqueid);
        spies
    }

    /// A spy known only from the spyer running ChanSpy: its data's first
    /// argument is a channel name prefix, so the spied channel is the live
    /// channel (other than the spyer) whose name starts with it.
    fn spy_from_application(&self, spyer: &Channel) -> Spy {
        let (prefix, options) = spyer
            .app_data
            .split_once(',')
            .unwrap_or((&spyer.app_data, ""));
        let spyee = (!prefix.is_empty())
            .then(|| {
                self.channels.iter().find(|c| {
                    c.uniqueid != spyer.uniqueid && c.name.starts_with(prefix) && c.state == "Up"
                })
            })
            .flatten();
        Spy {
            spyer: spyer.uniqueid.clone(),
            spyer_channel: spyer.name.clone(),
            spyee: spyee.map(|c| c.uniqueid.clone()).unwrap_or_default(),
            spyee_channel: spyee.map_or_else(|| prefix.to_owned(), |c| c.name.clone()),
            mode: Some(SpyMode::from_options(options)),
            since: spyer.created.unwrap_or_default(),
        }
    }

    /// An originate to an application succeeded: the new channel runs it
    /// (1.x reports that nowhere else; a spy started so is known by it).
    fn application_originated(&mut self, msg: &Message) {
        let (Some(application), Some(uniqueid)) = (msg.get("Application"), msg.get("Uniqueid"))
        else {
            return;
        };
        if !msg.is("Response", "Success") {
            return;
        }
        if let Some(channel) = self.channels.get_mut(&uniqueid) {
            channel.application = application.into();
            channel.app_data = msg.get_or_empty("Data").into();
        }
    }

    /// The spy and recording events; false when `event` is none of them.
    pub(super) fn apply_supervision(&mut self, msg: &Message, event: &str, now: f64) -> bool {
        match event {
            "chanspystart" => self.supervision.spy_start(msg, now),
            "chanspystop" => self.supervision.spy_stop(msg),
            "originateresponse" => {
                self.application_originated(msg);
                self.supervision.originated(msg);
            }
            "mixmonitorstart" | "mixmonitormute" | "mixmonitorstop" => {
                let name = msg.get("Channel");
                let uniqueid = msg.get("Uniqueid");
                let Some(id) = self.channels.resolve(uniqueid.as_deref(), name.as_deref()) else {
                    return true;
                };
                let supervision = &mut self.supervision;
                match event {
                    "mixmonitorstart" => {
                        supervision.record_start(id, name.as_deref().unwrap_or_default(), now)
                    }
                    "mixmonitormute" => supervision.record_mute(&id, msg),
                    _ => {
                        supervision.recordings.remove(&id);
                    }
                }
            }
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::SpyMode;

    #[test]
    fn options_give_the_mode() {
        assert_eq!(SpyMode::from_options("q"), SpyMode::Listen);
        assert_eq!(SpyMode::from_options(""), SpyMode::Listen);
        assert_eq!(SpyMode::from_options("qw"), SpyMode::Whisper);
        assert_eq!(SpyMode::from_options("qB"), SpyMode::Barge);
        assert_eq!(SpyMode::from_options("wB"), SpyMode::Barge);
        // Letters inside an option's argument are not options.
        assert_eq!(SpyMode::from_options("qe(12B4w)"), SpyMode::Listen);
        for mode in [SpyMode::Listen, SpyMode::Whisper, SpyMode::Barge] {
            assert_eq!(SpyMode::from_options(mode.options()), mode);
        }
    }
}
