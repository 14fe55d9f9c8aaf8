//! Spies and recordings on the simulated PBX, as app_chanspy and
//! app_mixmonitor report them (`e6_spy_record`).
//!
//! A spy is an `Originate` of the `ChanSpy` application: its channel never
//! joins the spied call's bridge; 12+ announces it with `ChanSpyStart` and
//! `ChanSpyStop` (Spyer and Spyee snapshots); 1.x says nothing but the
//! spyer's application. With the `E` option the spy ends when the spied
//! channel does. A recording is the `MixMonitor` action: 12+ sends
//! `MixMonitorStart`, `MixMonitorMute` and `MixMonitorStop` and answers with
//! a `MixMonitorID`; a hangup ends it with no `MixMonitorStop`.
//!
//! The state lives here; the changes the PBX makes to it are in
//! `supervision_changes`.

/// A channel spying on another, by Uniqueid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spy {
    pub spyer: String,
    pub spyee: String,
    /// ChanSpy's `E`: exit when the spied channel hangs up.
    pub exit_with_spyee: bool,
}

/// A running recording, by the recorded channel's Uniqueid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MixMonitor {
    pub uniqueid: String,
    /// The `MixMonitorID` it was answered with.
    pub id: String,
}

/// The spies and recordings running now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Supervision {
    pub spies: Vec<Spy>,
    pub recordings: Vec<MixMonitor>,
    pub(super) next_recording: u64,
}
