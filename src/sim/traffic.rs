//! The traffic of a small office and a call centre, from a seeded
//! scheduler: office calls that ring, are answered or ring out, go on hold
//! and get transferred (blind and attended); trunk callers who wait in a
//! queue until an agent answers or they give up; agents who ring out or
//! pause; phones re-registering and a trunk that flaps now and then.
//!
//! Nothing here reads a clock: `advance` moves simulated time and runs
//! every step that falls due, in time order, so the same seed and rate
//! give the same events however the time is sliced.

use std::collections::BTreeMap;
use std::time::Duration;

use super::channel::{ChannelState, NORMAL_CLEARING, Party, device_of_channel};
use super::features::{CONFERENCE_EXTEN, VOICEMAIL_EXTEN};
use super::flows::{Consultation, QUEUE_EXTENS, phone_party};
use super::pbx::{OFFICE_PHONES, PHONES, Pbx};
use super::random::SeededRng;

/// Calls per minute when nobody says otherwise.
pub const DEFAULT_RATE: f64 = 6.0;

/// Names inbound callers may carry (empty: number only).
const CALLER_NAMES: [&str; 6] = ["", "Jones Ltd", "M. Garcia", "", "City Council", "K. Novak"];

/// One thing that will happen, to channels named by uniqueid (a step
/// whose channels are gone by then does nothing).
#[derive(Clone, Debug)]
enum Step {
    /// An office call's callee answers or rings out.
    Answer {
        caller: String,
        callee: String,
    },
    RingOut {
        caller: String,
        callee: String,
    },
    /// What a talking office call does next.
    Hold {
        chan: String,
    },
    Unhold {
        chan: String,
    },
    BlindTransfer {
        transferer: String,
        exten: &'static str,
    },
    Consult {
        transferer: String,
        exten: &'static str,
    },
    CompleteConsult(Consultation),
    /// A ringing callee of a blind transfer answers.
    TransferAnswer {
        transferee: String,
        target: String,
    },
    Hangup {
        chan: String,
    },
    /// A queue agent answers or rings out.
    AgentAnswer {
        agent: String,
    },
    AgentRingOut {
        agent: String,
    },
    /// A waiting caller runs out of patience.
    Abandon {
        caller: String,
    },
    /// An idle office phone picks up the parked call, if still parked.
    PickUp {
        parkee: String,
    },
    TrunkUp,
}

impl Step {
    /// Whether this step does more than hang up channel `uid`.
    fn plans_for(&self, uid: &str) -> bool {
        match self {
            Step::Answer { caller, callee } | Step::RingOut { caller, callee } => {
                caller == uid || callee == uid
            }
            Step::Hold { chan } | Step::Unhold { chan } => chan == uid,
            Step::BlindTransfer { transferer, .. } | Step::Consult { transferer, .. } => {
                transferer == uid
            }
            Step::CompleteConsult(c) => [&c.transferer, &c.transferee, &c.target]
                .iter()
                .any(|chan| *chan == uid),
            Step::TransferAnswer { transferee, target } => transferee == uid || target == uid,
            Step::PickUp { parkee } => parkee == uid,
            _ => false,
        }
    }
}

/// Recurring happenings and when each comes next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Recurring {
    Arrival,
    PauseToggle,
    TrunkFlap,
    Reregister,
    /// A caller from the trunk joins the conference room or leaves a
    /// voicemail.
    Feature,
    /// A talking office call is parked.
    Park,
}

/// What comes next in simulated time.
#[derive(Clone, Copy, Debug)]
enum Next {
    Step,
    /// Parked calls time out.
    ParkTimeout,
    Recurring(Recurring),
}

#[derive(Debug)]
pub struct Traffic {
    rng: SeededRng,
    /// Its own generator, so the other traffic stays what it was.
    feature_rng: SeededRng,
    calls_per_minute: f64,
    /// Steps by due time, then by order of scheduling.
    agenda: BTreeMap<(Duration, u64), Step>,
    next_seq: u64,
    recurring: BTreeMap<Recurring, Duration>,
}

impl Traffic {
    /// Traffic at `calls_per_minute` (0: only the phones and trunk live).
    pub fn new(seed: u64, calls_per_minute: f64) -> Self {
        let mut traffic = Traffic {
            rng: SeededRng::new(seed),
            feature_rng: SeededRng::new(seed ^ 0x0fea_7e5e),
            calls_per_minute: calls_per_minute.max(0.0),
            agenda: BTreeMap::new(),
            next_seq: 0,
            recurring: BTreeMap::new(),
        };
        let start = Duration::ZERO;
        for what in [
            Recurring::Arrival,
            Recurring::PauseToggle,
            Recurring::TrunkFlap,
            Recurring::Reregister,
            Recurring::Feature,
            Recurring::Park,
        ] {
            let at = start + traffic.interval(what);
            traffic.recurring.insert(what, at);
        }
        traffic
    }

    fn interval(&mut self, what: Recurring) -> Duration {
        match what {
            Recurring::Arrival if self.calls_per_minute > 0.0 => {
                let mean = Duration::from_secs_f64(60.0 / self.calls_per_minute);
                self.rng.exponential(mean).max(Duration::from_millis(1))
            }
            // No calls: look again in an hour of simulated time.
            Recurring::Arrival => Duration::from_secs(3600),
            Recurring::PauseToggle => self.rng.between(30.0, 90.0),
            Recurring::TrunkFlap => self.rng.between(180.0, 480.0),
            Recurring::Reregister => self.rng.between(20.0, 60.0),
            Recurring::Feature if self.calls_per_minute > 0.0 => {
                self.feature_rng.between(20.0, 60.0)
            }
            Recurring::Park if self.calls_per_minute > 0.0 => self.feature_rng.between(15.0, 45.0),
            Recurring::Feature | Recurring::Park => Duration::from_secs(3600),
        }
    }

    /// Runs everything due up to `pbx.now + by`, in time order.
    pub fn advance(&mut self, pbx: &mut Pbx, by: Duration) {
        let until = pbx.now + by;
        while let Some((due, next)) = self.next(pbx).filter(|(at, _)| *at <= until) {
            pbx.advance(due.saturating_sub(pbx.now));
            match next {
                Next::Step => {
                    if let Some((_, step)) = self.agenda.pop_first() {
                        self.run(pbx, step);
                    }
                }
                Next::ParkTimeout => self.park_timeouts(pbx),
                Next::Recurring(what) => {
                    let next = due + self.interval(what);
                    self.recurring.insert(what, next);
                    self.recur(pbx, what);
                }
            }
            self.dispatch_queues(pbx);
        }
        pbx.advance(until.saturating_sub(pbx.now));
    }

    /// The earliest of the next step, parking timeout and recurring
    /// happening (in that order when due together).
    fn next(&self, pbx: &Pbx) -> Option<(Duration, Next)> {
        let step = self.agenda.keys().next().map(|(at, _)| (*at, Next::Step));
        let timeout = pbx.next_park_timeout().map(|at| (at, Next::ParkTimeout));
        let recurring = self
            .recurring
            .iter()
            .min_by_key(|(_, at)| **at)
            .map(|(what, at)| (*at, Next::Recurring(*what)));
        [step, timeout, recurring]
            .into_iter()
            .flatten()
            .min_by_key(|(at, _)| *at)
    }

    fn schedule(&mut self, pbx: &Pbx, after: Duration, step: Step) {
        self.agenda.insert((pbx.now + after, self.next_seq), step);
        self.next_seq += 1;
    }

    fn recur(&mut self, pbx: &mut Pbx, what: Recurring) {
        match what {
            Recurring::Arrival => self.arrival(pbx),
            Recurring::PauseToggle => self.toggle_pause(pbx),
            Recurring::TrunkFlap => {
                if pbx.trunk_registered() {
                    pbx.set_trunk_registered(false);
                    let back = self.rng.between(10.0, 40.0);
                    self.schedule(pbx, back, Step::TrunkUp);
                }
            }
            Recurring::Feature => self.feature(pbx),
            Recurring::Park => self.park(pbx),
            Recurring::Reregister => {
                let phone = self.rng.below(PHONES.len());
                // Now and then a registration lapses before the phone comes back.
                let lapses = self.rng.chance(0.15);
                pbx.set_peer_registered(phone, !lapses);
                if lapses {
                    pbx.set_peer_registered(phone, true);
                }
            }
        }
    }

    /// A new call: from the trunk into a queue, or between office phones.
    fn arrival(&mut self, pbx: &mut Pbx) {
        let idle = pbx.idle_office_phones();
        if pbx.trunk_registered() && (self.rng.chance(0.45) || idle.len() < 2) {
            self.inbound_to_queue(pbx);
        } else if idle.len() >= 2 {
            let from = idle[self.rng.below(idle.len())];
            let others: Vec<&str> = idle.iter().copied().filter(|e| *e != from).collect();
            let to = others[self.rng.below(others.len())];
            self.office_call(pbx, from, to);
        }
    }

    fn inbound_to_queue(&mut self, pbx: &mut Pbx) {
        let number = format!("+3215550{:03}", self.rng.below(1000));
        let name = CALLER_NAMES[self.rng.below(CALLER_NAMES.len())];
        let (exten, _) = QUEUE_EXTENS[self.rng.below(QUEUE_EXTENS.len())];
        let a = pbx.new_channel(
            "SIP/trunk",
            ChannelState::Ring,
            Party::new(number, name),
            "from-trunk",
            exten,
            None,
        );
        let caller = pbx.uid(a);
        pbx.ring(a, exten);
        let patience = self.rng.between(20.0, 150.0);
        self.schedule(pbx, patience, Step::Abandon { caller });
    }

    fn office_call(&mut self, pbx: &mut Pbx, from: &str, to: &'static str) {
        let a = pbx.new_channel(
            &format!("SIP/{from}"),
            ChannelState::Ring,
            phone_party(from),
            "from-sip",
            to,
            None,
        );
        let caller = pbx.uid(a);
        let Some(callee) = pbx.ring(a, to) else {
            return;
        };
        let ring = self.rng.between(2.0, 10.0);
        let step = if self.rng.chance(0.8) {
            Step::Answer { caller, callee }
        } else {
            Step::RingOut { caller, callee }
        };
        self.schedule(pbx, ring, step);
    }

    fn run(&mut self, pbx: &mut Pbx, step: Step) {
        match step {
            Step::Answer { caller, callee } => {
                if let (Some(a), Some(b)) = (pbx.index_of_uid(&caller), pbx.index_of_uid(&callee)) {
                    pbx.answer_and_bridge(a, b);
                    self.after_answer(pbx, &caller, &callee);
                }
            }
            Step::RingOut { caller, callee } => {
                if let (Some(a), Some(b)) = (pbx.index_of_uid(&caller), pbx.index_of_uid(&callee)) {
                    pbx.ring_out(a, b);
                    self.hang_up(pbx, &caller);
                }
            }
            Step::Hold { chan } => {
                if let Some(index) = pbx.index_of_uid(&chan) {
                    pbx.hold(index, true);
                    let held = self.rng.between(5.0, 30.0);
                    self.schedule(pbx, held, Step::Unhold { chan });
                }
            }
            Step::Unhold { chan } => {
                if let Some(index) = pbx.index_of_uid(&chan) {
                    pbx.hold(index, false);
                    let talk = self.rng.between(10.0, 90.0);
                    self.schedule(pbx, talk, Step::Hangup { chan });
                }
            }
            Step::BlindTransfer { transferer, exten } => {
                match pbx.blind_transfer(&transferer, exten) {
                    Some((transferee, Some(target))) => {
                        let ring = self.rng.between(2.0, 8.0);
                        self.schedule(pbx, ring, Step::TransferAnswer { transferee, target });
                    }
                    _ => self.hang_up(pbx, &transferer),
                }
            }
            Step::TransferAnswer { transferee, target } => {
                if let (Some(e), Some(x)) =
                    (pbx.index_of_uid(&transferee), pbx.index_of_uid(&target))
                {
                    pbx.answer_and_bridge(e, x);
                    let talk = self.rng.between(15.0, 120.0);
                    self.schedule(pbx, talk, Step::Hangup { chan: target });
                } else {
                    self.hang_up(pbx, &transferee);
                }
            }
            Step::Consult { transferer, exten } => match pbx.consult(&transferer, exten) {
                Some(consultation) => {
                    let talk = self.rng.between(5.0, 20.0);
                    self.schedule(pbx, talk, Step::CompleteConsult(consultation));
                }
                None => self.hang_up(pbx, &transferer),
            },
            Step::CompleteConsult(c) => {
                if pbx.complete_consultation(&c) {
                    let talk = self.rng.between(15.0, 120.0);
                    self.schedule(pbx, talk, Step::Hangup { chan: c.target });
                } else {
                    // Someone left mid-transfer: end whatever is left of the call.
                    for chan in [&c.transferer, &c.transferee, &c.target] {
                        self.hang_up(pbx, chan);
                    }
                }
            }
            Step::Hangup { chan } => self.hang_up(pbx, &chan),
            Step::AgentAnswer { agent } => {
                pbx.agent_answer(&agent);
                if pbx.index_of_uid(&agent).is_some() {
                    let talk = self.rng.between(15.0, 90.0);
                    self.schedule(pbx, talk, Step::Hangup { chan: agent });
                }
            }
            Step::AgentRingOut { agent } => pbx.agent_no_answer(&agent),
            Step::Abandon { caller } => {
                let waiting = pbx
                    .queues
                    .queues
                    .iter()
                    .any(|q| q.position_of(&caller).is_some());
                if waiting {
                    self.hang_up(pbx, &caller);
                }
            }
            Step::PickUp { parkee } => self.pick_up(pbx, &parkee),
            Step::TrunkUp => pbx.set_trunk_registered(true),
        }
    }

    /// What an answered office call does: talk and hang up, or first go
    /// on hold, or get transferred blind or attended to an idle phone.
    fn after_answer(&mut self, pbx: &mut Pbx, caller: &str, callee: &str) {
        let talk = self.rng.between(15.0, 240.0);
        let roll = self.rng.unit();
        let in_call: Vec<&str> = [caller, callee]
            .iter()
            .filter_map(|uid| pbx.index_of_uid(uid))
            .map(|i| device_of_channel(&pbx.channels[i].name))
            .collect();
        let others: Vec<&'static str> = PHONES[..OFFICE_PHONES]
            .iter()
            .map(|(ext, _)| *ext)
            .filter(|ext| !in_call.iter().any(|d| d.strip_prefix("SIP/") == Some(*ext)))
            .collect();
        let target = others[self.rng.below(others.len())];
        let step = match roll {
            r if r < 0.2 => Step::Hold {
                chan: caller.to_owned(),
            },
            r if r < 0.32 => Step::BlindTransfer {
                transferer: callee.to_owned(),
                exten: target,
            },
            r if r < 0.42 => Step::Consult {
                transferer: callee.to_owned(),
                exten: target,
            },
            _ => Step::Hangup {
                chan: caller.to_owned(),
            },
        };
        let after = if matches!(step, Step::Hangup { .. }) {
            talk
        } else {
            talk / 4
        };
        self.schedule(pbx, after, step);
    }

    /// Conference and voicemail traffic: a caller from the trunk dials
    /// into the room (and hangs up after a while) or leaves a message.
    fn feature(&mut self, pbx: &mut Pbx) {
        let rng = &mut self.feature_rng;
        let exten = if rng.chance(0.7) {
            CONFERENCE_EXTEN
        } else {
            VOICEMAIL_EXTEN
        };
        let number = format!("+3215551{:03}", rng.below(1000));
        let stay = rng.between(30.0, 180.0);
        let a = pbx.new_channel(
            "SIP/trunk",
            ChannelState::Up,
            Party::new(number, ""),
            "from-trunk",
            exten,
            None,
        );
        let chan = pbx.uid(a);
        pbx.connect(a, exten);
        if pbx.index_of_uid(&chan).is_some() {
            self.schedule(pbx, stay, Step::Hangup { chan });
        }
    }

    /// One end of a talking office call is parked (its parker hangs up),
    /// then picked up by an idle phone, given up, or left to time out and
    /// ring its parker again.
    fn park(&mut self, pbx: &mut Pbx) {
        let talking: Vec<String> = pbx
            .channels
            .iter()
            .filter(|c| c.bridge.is_some() && c.state == ChannelState::Up)
            // Queue calls keep their agent bookkeeping: office calls only.
            .filter(|c| {
                !pbx.legs
                    .iter()
                    .any(|l| l.caller == c.uniqueid || l.agent == c.uniqueid)
            })
            // A call of two with nothing planned but its hangup.
            .filter(|c| {
                let bridge = pbx
                    .bridges
                    .iter()
                    .find(|b| Some(&b.id) == c.bridge.as_ref());
                bridge.is_some_and(|b| b.members.len() == 2)
            })
            .filter(|c| !self.agenda.values().any(|step| step.plans_for(&c.uniqueid)))
            .map(|c| c.name.clone())
            .collect();
        if talking.is_empty() {
            return;
        }
        let rng = &mut self.feature_rng;
        let name = talking[rng.below(talking.len())].clone();
        if pbx.park(&name, None).is_err() {
            return;
        }
        let Some(index) = pbx.index_of(&name) else {
            return;
        };
        let parkee = pbx.uid(index);
        // From now on the lot decides when the call ends, not its talk.
        self.agenda
            .retain(|_, step| !matches!(step, Step::Hangup { chan } if *chan == parkee));
        let roll = rng.unit();
        let after = rng.between(8.0, 40.0);
        if roll < 0.6 {
            self.schedule(pbx, after, Step::PickUp { parkee });
        } else if roll < 0.75 {
            self.schedule(pbx, after, Step::Hangup { chan: parkee });
        }
    }

    /// An idle office phone calls the space the call waits in; both hang
    /// up after they talk. Nobody free: the call waits on.
    fn pick_up(&mut self, pbx: &mut Pbx, parkee: &str) {
        let Some(space) = pbx
            .features
            .parked
            .iter()
            .find(|p| p.uniqueid == parkee)
            .map(|p| p.space)
        else {
            return;
        };
        let idle = pbx.idle_office_phones();
        if idle.is_empty() {
            return;
        }
        let rng = &mut self.feature_rng;
        let phone = idle[rng.below(idle.len())];
        let talk = rng.between(15.0, 90.0);
        if let Some(retriever) = pbx.call_parked(phone, space) {
            self.schedule(pbx, talk, Step::Hangup { chan: retriever });
            let parkee = parkee.to_owned();
            self.schedule(pbx, talk, Step::Hangup { chan: parkee });
        }
    }

    /// Parked calls whose time is up ring their parker, who answers (and
    /// the call goes on as any answered call) or lets it ring out.
    fn park_timeouts(&mut self, pbx: &mut Pbx) {
        for (caller, callee) in pbx.park_comebacks() {
            let rng = &mut self.feature_rng;
            let ring = rng.between(2.0, 10.0);
            let step = if rng.chance(0.7) {
                Step::Answer { caller, callee }
            } else {
                Step::RingOut { caller, callee }
            };
            self.schedule(pbx, ring, step);
        }
    }

    fn hang_up(&mut self, pbx: &mut Pbx, uid: &str) {
        if let Some(index) = pbx.index_of_uid(uid) {
            let name = pbx.channels[index].name.clone();
            pbx.hangup(&name, NORMAL_CLEARING, false);
        }
    }

    /// Rings a free agent for every waiting caller nobody is ringing.
    fn dispatch_queues(&mut self, pbx: &mut Pbx) {
        for q in 0..pbx.queues.queues.len() {
            let queue = &pbx.queues.queues[q];
            let waiting: Vec<String> = queue
                .callers
                .iter()
                .filter(|c| !pbx.legs.iter().any(|l| l.caller == c.uniqueid))
                .map(|c| c.uniqueid.clone())
                .collect();
            let name = queue.name.clone();
            for caller in waiting {
                let free: Vec<String> = pbx.queues.queues[q]
                    .members
                    .iter()
                    .filter(|m| m.available() && !pbx.device_busy(&m.interface))
                    .map(|m| m.interface.clone())
                    .collect();
                if free.is_empty() {
                    break;
                }
                let interface = &free[self.rng.below(free.len())];
                let Some(agent) = pbx.ring_agent(&name, &caller, interface) else {
                    continue;
                };
                let step = if self.rng.chance(0.75) {
                    Step::AgentAnswer { agent }
                } else {
                    Step::AgentRingOut { agent }
                };
                let ring = if matches!(step, Step::AgentAnswer { .. }) {
                    self.rng.between(1.0, 8.0)
                } else {
                    Duration::from_secs(15)
                };
                self.schedule(pbx, ring, step);
            }
        }
    }

    /// An agent goes on a break, or comes back from one.
    fn toggle_pause(&mut self, pbx: &mut Pbx) {
        let agents = &PHONES[OFFICE_PHONES..];
        let (ext, _) = agents[self.rng.below(agents.len())];
        let interface = format!("SIP/{ext}");
        let paused = pbx
            .queues
            .queues
            .iter()
            .find_map(|q| q.member(&interface))
            .is_some_and(|m| m.paused);
        let reason = ["lunch", "break", "training"][self.rng.below(3)];
        // Keep at least two agents of the centre unpaused.
        let unpaused = pbx
            .queues
            .queues
            .iter()
            .flat_map(|q| &q.members)
            .filter(|m| !m.paused)
            .count();
        if paused || unpaused > 2 {
            let _ = pbx.queue_pause(&interface, !paused, None, if paused { "" } else { reason });
        }
    }
}
