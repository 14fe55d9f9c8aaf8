//! The simulator without sockets: the PBX and its traffic, stepped through
//! simulated time, and a read-only snapshot of its state. The server wraps
//! one; tests drive one directly to run hours of traffic in milliseconds.

use std::time::Duration;

use crate::ami::Message;

use super::channel::Channel;
use super::features::Features;
use super::pbx::{Bridge, Pbx};
use super::queues::Queue;
use super::registry::{Peer, Registration};
use super::supervision::Supervision;
use super::traffic::Traffic;
use super::vocab::Dialect;

/// What to simulate.
#[derive(Clone, Debug)]
pub struct SimConfig {
    pub dialect: Dialect,
    pub seed: u64,
    /// Call volume of the generated traffic; None: no traffic at all (only
    /// what tests and actions do).
    pub calls_per_minute: Option<f64>,
    /// Wall-clock time the PBX starts at, since the Unix epoch (ids and
    /// timestamps derive from it).
    pub start_epoch: Duration,
}

/// The PBX and its traffic.
#[derive(Debug)]
pub struct Simulation {
    pub(super) pbx: Pbx,
    traffic: Option<Traffic>,
}

/// The simulator's own state at one moment (its types, not amitop's model).
#[derive(Clone, Debug)]
pub struct SimSnapshot {
    pub uptime: Duration,
    pub channels: Vec<Channel>,
    pub bridges: Vec<Bridge>,
    pub queues: Vec<Queue>,
    pub peers: Vec<Peer>,
    pub registrations: Vec<Registration>,
    pub loaded_modules: Vec<String>,
    /// Parked calls, the conference room, mailboxes and the DAHDI span.
    pub features: Features,
    /// Spies and recordings.
    pub supervision: Supervision,
}

impl Simulation {
    pub fn new(config: &SimConfig) -> Self {
        Simulation {
            pbx: Pbx::new(config.dialect, config.seed, config.start_epoch),
            traffic: config
                .calls_per_minute
                .map(|rate| Traffic::new(config.seed, rate)),
        }
    }

    /// Moves simulated time forward, running the traffic due meanwhile,
    /// and returns every event produced since the last call.
    pub fn step(&mut self, by: Duration) -> Vec<Message> {
        self.advance(by);
        self.pbx.take_events()
    }

    /// Moves simulated time forward; the events stay in the outbox.
    pub(super) fn advance(&mut self, by: Duration) {
        match &mut self.traffic {
            Some(traffic) => traffic.advance(&mut self.pbx, by),
            None => self.pbx.advance(by),
        }
    }

    pub fn snapshot(&self) -> SimSnapshot {
        let pbx = &self.pbx;
        SimSnapshot {
            uptime: pbx.uptime(),
            channels: pbx.channels().to_vec(),
            bridges: pbx.bridges().to_vec(),
            queues: pbx.queues().queues.clone(),
            peers: pbx.registry().peers.clone(),
            registrations: pbx.registry().registrations.clone(),
            loaded_modules: pbx.modules().loaded().map(str::to_owned).collect(),
            features: pbx.features().clone(),
            supervision: pbx.supervision.clone(),
        }
    }
}
