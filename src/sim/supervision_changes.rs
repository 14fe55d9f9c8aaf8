//! The spy and recording changes of the simulated PBX (its state is in
//! `supervision`), with the events each sends.

use super::pbx::Pbx;
use super::supervision::{MixMonitor, Spy};
use super::vocab::{Dialect, channel_fields};
use super::wire::Fields;

impl Pbx {
    /// The spyer `spyer` (answered, running ChanSpy with `data`) starts to
    /// listen to the live channel its prefix picks out, if any.
    pub(super) fn start_spy(&mut self, spyer: usize, data: &str) {
        let (prefix, options) = data.split_once(',').unwrap_or((data, ""));
        let Some(spyee) = self
            .channels
            .iter()
            .enumerate()
            .position(|(i, c)| i != spyer && !prefix.is_empty() && c.name.starts_with(prefix))
        else {
            return;
        };
        let spy = Spy {
            spyer: self.uid(spyer),
            spyee: self.uid(spyee),
            exit_with_spyee: options.contains('E'),
        };
        self.supervision.spies.push(spy);
        self.spy_event("ChanSpyStart", spyer, spyee);
    }

    fn spy_event(&mut self, event: &str, spyer: usize, spyee: usize) {
        if self.dialect == Dialect::Modern {
            let head = Fields::event(event).with("Privilege", "call,all");
            let fields = channel_fields(head, "Spyer", &self.channels[spyer]);
            let fields = channel_fields(fields, "Spyee", &self.channels[spyee]);
            self.emit(fields);
        }
    }

    /// The channel `index` is about to hang up: its spies stop (and those
    /// started with `E` hang up after it), and its recording ends silently.
    /// Returns the spyers to hang up.
    pub(super) fn supervision_hangup(&mut self, index: usize) -> Vec<String> {
        let uid = self.uid(index);
        self.supervision.recordings.retain(|r| r.uniqueid != uid);
        let (ended, kept) = std::mem::take(&mut self.supervision.spies)
            .into_iter()
            .partition(|s: &Spy| s.spyer == uid || s.spyee == uid);
        self.supervision.spies = kept;
        let mut exiting = Vec::new();
        for spy in ended {
            if let (Some(spyer), Some(spyee)) =
                (self.index_of_uid(&spy.spyer), self.index_of_uid(&spy.spyee))
            {
                self.spy_event("ChanSpyStop", spyer, spyee);
            }
            if spy.spyee == uid && spy.exit_with_spyee {
                exiting.push(spy.spyer);
            }
        }
        exiting
    }

    /// `MixMonitor` of the channel `name`: the new recording's id.
    pub(super) fn mix_monitor(&mut self, name: &str) -> Result<String, &'static str> {
        let index = self.index_of(name).ok_or("No such channel")?;
        let uniqueid = self.uid(index);
        self.supervision
            .recordings
            .retain(|r| r.uniqueid != uniqueid);
        self.supervision.next_recording += 1;
        let id = format!("0x7f5e{:08x}", self.supervision.next_recording);
        self.supervision.recordings.push(MixMonitor {
            uniqueid,
            id: id.clone(),
        });
        self.recording_event(index, "MixMonitorStart", Fields::default());
        Ok(id)
    }

    /// `MixMonitorMute` of the channel `name`'s recording.
    pub(super) fn mix_monitor_mute(
        &mut self,
        name: &str,
        direction: &str,
        on: bool,
    ) -> Result<(), &'static str> {
        let index = self.recorded(name).ok_or("Cannot set mute flag")?;
        let extra = Fields::default()
            .with("Direction", direction.to_owned())
            .with("State", if on { "1" } else { "0" });
        self.recording_event(index, "MixMonitorMute", extra);
        Ok(())
    }

    /// `StopMixMonitor` of the channel `name` (of the recording `id` when
    /// given).
    pub(super) fn stop_mix_monitor(
        &mut self,
        name: &str,
        id: Option<&str>,
    ) -> Result<(), &'static str> {
        const REFUSED: &str = "Could not stop monitoring channel";
        let index = self.recorded(name).ok_or(REFUSED)?;
        let uniqueid = self.uid(index);
        let before = self.supervision.recordings.len();
        self.supervision
            .recordings
            .retain(|r| r.uniqueid != uniqueid || id.is_some_and(|id| id != r.id));
        if self.supervision.recordings.len() == before {
            return Err(REFUSED);
        }
        self.recording_event(index, "MixMonitorStop", Fields::default());
        Ok(())
    }

    /// The index of the channel `name` if it is being recorded.
    fn recorded(&self, name: &str) -> Option<usize> {
        let index = self.index_of(name)?;
        let uniqueid = self.uid(index);
        self.supervision
            .recordings
            .iter()
            .any(|r| r.uniqueid == uniqueid)
            .then_some(index)
    }

    /// A recording event of the channel `index`, with `extra`'s headers
    /// after its snapshot (12+ only: 1.x sends none).
    fn recording_event(&mut self, index: usize, event: &str, extra: Fields) {
        if self.dialect == Dialect::Modern {
            let head = Fields::event(event).with("Privilege", "call,all");
            let mut fields = channel_fields(head, "", &self.channels[index]);
            fields.append(extra);
            self.emit(fields);
        }
    }
}
