//! The flood: two-party calls sent to one client as fast as its socket
//! takes them, with a fixed number of calls live at once.
//!
//! Why it looks like this: the PBX's own traffic keeps every channel in
//! lists searched by name, fine for an office, but a flood must cost the
//! same per event however many calls are live. So the PBX plays one call
//! once (`PJSIP/100` dials `PJSIP/200`, who answers; later a hangup), and
//! each of its events becomes a template whose channel names, uniqueids and
//! bridge id are holes. Every live call is a lane that knows only which
//! phase of that call it has reached and its own ids; the lanes take turns,
//! one phase each, and a phase is written by copying its templates and
//! filling the holes. The state after each phase is recorded too, so list
//! actions and snapshots can show the live flood calls.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::channel::{Channel, ChannelState, NORMAL_CLEARING, Party};
use super::flows::DEFAULT_CONTEXT;
use super::pbx::{Bridge, Pbx};
use super::vocab::Dialect;

/// How hard to flood.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FloodConfig {
    /// Calls in progress at any time.
    pub live_calls: usize,
    /// Stop after this many events (at the end of a phase); None: never.
    pub events: Option<u64>,
}

/// The ids that differ from one flood call to the next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hole {
    CallerName,
    CallerId,
    CalleeName,
    CalleeId,
    BridgeId,
}

const HOLES: [Hole; 5] = [
    Hole::CallerName,
    Hole::CallerId,
    Hole::CalleeName,
    Hole::CalleeId,
    Hole::BridgeId,
];

/// One event as literal runs, each followed by an optional hole.
#[derive(Debug)]
struct Template {
    pieces: Vec<(Vec<u8>, Option<Hole>)>,
}

/// One step of the scripted call: its events and the call's state after.
#[derive(Debug)]
struct Phase {
    events: Vec<Template>,
    channels: Vec<Channel>,
    bridges: Vec<Bridge>,
}

/// The ids of one call, formatted once when it starts.
#[derive(Debug, Default)]
struct Ids {
    values: [String; HOLES.len()],
}

impl Ids {
    fn get(&self, hole: Hole) -> &str {
        &self.values[hole as usize]
    }
}

/// One live call slot.
#[derive(Debug)]
struct Lane {
    /// Phases of the current call already sent (0: no call yet).
    done: usize,
    ids: Ids,
}

/// How far a flood has got.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FloodProgress {
    /// Events written so far.
    pub sent: u64,
    /// Every flood has reached its event limit.
    pub finished: bool,
    /// The longest time between two writes the socket took: how long the
    /// client left its socket full, unread (plus the few microseconds a
    /// chunk takes to make).
    pub longest_wait: Duration,
}

/// Tells floods of one process apart, so their ids never collide.
static FLOODS: AtomicU64 = AtomicU64::new(0);

/// A flood in progress.
#[derive(Debug)]
pub(super) struct Flood {
    phases: Vec<Phase>,
    /// The ids the scripted call had, by hole.
    script_ids: Ids,
    lanes: Vec<Lane>,
    /// The lane whose turn it is.
    next_lane: usize,
    /// Calls started so far.
    calls: u64,
    /// Events made so far.
    sent: u64,
    limit: Option<u64>,
    last_write: Option<Instant>,
    longest_wait: Duration,
    /// Uniqueids are `<epoch>.<base + n>`, as Asterisk numbers them.
    epoch: u64,
    base: u64,
}

impl Flood {
    pub fn new(config: FloodConfig, dialect: Dialect, epoch: Duration) -> Flood {
        let (phases, script_ids) = script(dialect, epoch);
        let flood = FLOODS.fetch_add(1, Ordering::Relaxed);
        Flood {
            phases,
            script_ids,
            lanes: (0..config.live_calls.max(1))
                .map(|_| Lane {
                    done: 0,
                    ids: Ids::default(),
                })
                .collect(),
            next_lane: 0,
            calls: 0,
            sent: 0,
            limit: config.events,
            last_write: None,
            longest_wait: Duration::ZERO,
            epoch: epoch.as_secs(),
            // Far above what the PBX's own counter reaches.
            base: (flood + 1) * 1_000_000_000_000,
        }
    }

    /// True once the event limit is reached.
    pub fn finished(&self) -> bool {
        self.limit.is_some_and(|limit| self.sent >= limit)
    }

    /// The socket took some of the flood at `at`.
    pub fn wrote(&mut self, at: Instant) {
        if let Some(last) = self.last_write {
            self.longest_wait = self.longest_wait.max(at - last);
        }
        self.last_write = Some(at);
    }

    pub fn progress(&self) -> FloodProgress {
        FloodProgress {
            sent: self.sent,
            finished: self.finished(),
            longest_wait: self.longest_wait,
        }
    }

    /// Appends whole phases to `out` until it holds at least `bytes` bytes
    /// or the limit is reached.
    pub fn fill(&mut self, out: &mut Vec<u8>, bytes: usize) {
        while out.len() < bytes && !self.finished() {
            self.next_phase(out);
        }
    }

    fn next_phase(&mut self, out: &mut Vec<u8>) {
        let lane_index = self.next_lane;
        self.next_lane = (self.next_lane + 1) % self.lanes.len();
        if self.lanes[lane_index].done == self.phases.len() {
            self.lanes[lane_index].done = 0;
        }
        if self.lanes[lane_index].done == 0 {
            let call = self.calls;
            self.calls += 1;
            let ids = &mut self.lanes[lane_index].ids;
            call_ids(ids, self.epoch, self.base + 2 * call);
        }
        let lane = &mut self.lanes[lane_index];
        let phase = &self.phases[lane.done];
        for event in &phase.events {
            for (literal, hole) in &event.pieces {
                out.extend_from_slice(literal);
                if let Some(hole) = hole {
                    out.extend_from_slice(lane.ids.get(*hole).as_bytes());
                }
            }
        }
        self.sent += phase.events.len() as u64;
        lane.done += 1;
    }

    /// The live flood channels, as the PBX would list them.
    pub fn channels(&self) -> Vec<Channel> {
        self.live()
            .flat_map(|(phase, ids)| {
                phase
                    .channels
                    .iter()
                    .map(move |c| self.relabel_channel(c, ids))
            })
            .collect()
    }

    /// The live flood bridges.
    pub fn bridges(&self) -> Vec<Bridge> {
        self.live()
            .flat_map(|(phase, ids)| {
                phase.bridges.iter().map(move |b| Bridge {
                    id: self.relabel(&b.id, ids),
                    members: b.members.iter().map(|m| self.relabel(m, ids)).collect(),
                })
            })
            .collect()
    }

    /// Each lane with a call under way: the phase it reached and its ids.
    fn live(&self) -> impl Iterator<Item = (&Phase, &Ids)> {
        self.lanes
            .iter()
            .filter(|lane| lane.done > 0)
            .map(|lane| (&self.phases[lane.done - 1], &lane.ids))
    }

    fn relabel(&self, value: &str, ids: &Ids) -> String {
        match HOLES.iter().find(|h| self.script_ids.get(**h) == value) {
            Some(hole) => ids.get(*hole).to_owned(),
            None => value.to_owned(),
        }
    }

    fn relabel_channel(&self, chan: &Channel, ids: &Ids) -> Channel {
        Channel {
            name: self.relabel(&chan.name, ids),
            uniqueid: self.relabel(&chan.uniqueid, ids),
            linkedid: self.relabel(&chan.linkedid, ids),
            bridge: chan.bridge.as_ref().map(|b| self.relabel(b, ids)),
            ..chan.clone()
        }
    }
}

/// Formats the ids of the call whose caller is uniqueid `<epoch>.<seq>`.
fn call_ids(ids: &mut Ids, epoch: u64, seq: u64) {
    for value in &mut ids.values {
        value.clear();
    }
    let [caller_name, caller_id, callee_name, callee_id, bridge] = &mut ids.values;
    // Writing to a String cannot fail.
    let _ = write!(caller_name, "PJSIP/100-{:08x}", seq as u32);
    let _ = write!(caller_id, "{epoch}.{seq}");
    let _ = write!(callee_name, "PJSIP/200-{:08x}", (seq + 1) as u32);
    let _ = write!(callee_id, "{epoch}.{}", seq + 1);
    let _ = write!(
        bridge,
        "f100d000-{:04x}-4000-8000-{:012x}",
        (seq >> 48) as u16,
        seq & 0xffff_ffff_ffff
    );
}

/// Plays the scripted call on a scratch PBX, phase by phase.
fn script(dialect: Dialect, epoch: Duration) -> (Vec<Phase>, Ids) {
    let mut pbx = Pbx::new(dialect, 0, epoch);
    let mut phases = Vec::new();
    let record = |pbx: &mut Pbx| {
        let events = pbx.take_events();
        let channels = pbx.channels().to_vec();
        let bridges = pbx.bridges().to_vec();
        (events, channels, bridges)
    };
    let caller = pbx.new_channel(
        "PJSIP/100",
        ChannelState::Ring,
        Party::new("100", "Flood"),
        DEFAULT_CONTEXT,
        "200",
        None,
    );
    pbx.run_app(caller, "Dial", "PJSIP/200,30");
    phases.push(record(&mut pbx));
    let callee = pbx.dial(caller, "PJSIP/200", "200", Party::new("200", ""));
    phases.push(record(&mut pbx));
    pbx.answer_and_bridge(caller, callee);
    let ids = Ids {
        values: [
            pbx.channels()[caller].name.clone(),
            pbx.channels()[caller].uniqueid.clone(),
            pbx.channels()[callee].name.clone(),
            pbx.channels()[callee].uniqueid.clone(),
            pbx.bridges()[0].id.clone(),
        ],
    };
    phases.push(record(&mut pbx));
    let caller_name = pbx.channels()[caller].name.clone();
    pbx.hangup(&caller_name, NORMAL_CLEARING, false);
    phases.push(record(&mut pbx));
    let phases = phases
        .into_iter()
        .map(|(events, channels, bridges)| Phase {
            events: events.iter().map(|e| template(e.raw(), &ids)).collect(),
            channels,
            bridges,
        })
        .collect();
    (phases, ids)
}

/// An event's bytes with every header value that is one of `ids` made a hole.
fn template(raw: &[u8], ids: &Ids) -> Template {
    let mut pieces = Vec::new();
    let mut literal = Vec::new();
    for line in raw.split_inclusive(|b| *b == b'\n') {
        let text = line.strip_suffix(b"\r\n").unwrap_or(line);
        let hole = text
            .iter()
            .position(|b| *b == b':')
            .map(|colon| &text[(colon + 2).min(text.len())..])
            .and_then(|value| HOLES.iter().find(|h| ids.get(**h).as_bytes() == value));
        match hole {
            Some(hole) => {
                let value_start = text.len() - ids.get(*hole).len();
                literal.extend_from_slice(&line[..value_start]);
                pieces.push((std::mem::take(&mut literal), Some(*hole)));
                literal.extend_from_slice(&line[text.len()..]);
            }
            None => literal.extend_from_slice(line),
        }
    }
    pieces.push((literal, None));
    Template { pieces }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ami::{AmiCodec, Frame};
    use bytes::BytesMut;
    use tokio_util::codec::Decoder;

    fn flood(live_calls: usize, events: u64) -> Flood {
        let config = FloodConfig {
            live_calls,
            events: Some(events),
        };
        Flood::new(config, Dialect::Modern, Duration::from_secs(1_795_730_000))
    }

    fn events(bytes: &[u8]) -> Vec<crate::ami::Message> {
        let mut codec = AmiCodec::default();
        let mut buf = BytesMut::from(bytes);
        let mut out = Vec::new();
        while let Some(frame) = codec.decode_eof(&mut buf).unwrap() {
            match frame {
                Frame::Message(m) => out.push(m),
                other => panic!("not a message: {other:?}"),
            }
        }
        out
    }

    #[test]
    fn lanes_keep_a_fixed_number_of_calls_live_with_their_own_ids() {
        let mut flood = flood(3, 10_000);
        let mut out = Vec::new();
        flood.fill(&mut out, usize::MAX);
        assert!(flood.finished());
        let sent = events(&out);
        assert_eq!(sent.len() as u64, flood.sent);
        let channels = flood.channels();
        // Three lanes, each a call of at most two channels.
        assert!(channels.len() <= 6, "{}", channels.len());
        let mut ids: Vec<&str> = channels.iter().map(|c| c.uniqueid.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), channels.len());
        // Every live channel's last event names it, and its Hangup has not come.
        for chan in &channels {
            let mine: Vec<_> = sent
                .iter()
                .filter(|m| m.get("Uniqueid").as_deref() == Some(chan.uniqueid.as_str()))
                .collect();
            assert!(!mine.is_empty());
            assert!(mine.iter().all(|m| !m.is("Event", "Hangup")));
            assert_eq!(mine[0].get("Channel").as_deref(), Some(chan.name.as_str()));
        }
    }

    #[test]
    fn every_call_is_set_up_bridged_and_hung_up() {
        let mut flood = flood(2, 1);
        let mut out = Vec::new();
        // Two lanes, four phases each: a second round of calls has begun.
        while flood.calls < 4 {
            flood.limit = Some(flood.sent + 1);
            flood.fill(&mut out, usize::MAX);
        }
        let sent = events(&out);
        let first_call = sent[0].get("Uniqueid").unwrap().into_owned();
        let of_first: Vec<String> = sent
            .iter()
            .filter(|m| m.get("Linkedid").as_deref() == Some(first_call.as_str()))
            .map(|m| m.event().unwrap().into_owned())
            .collect();
        for name in [
            "Newchannel",
            "DialBegin",
            "DialEnd",
            "BridgeEnter",
            "Hangup",
        ] {
            assert!(of_first.iter().any(|e| e == name), "{name} in {of_first:?}");
        }
        assert!(sent.iter().any(|m| m.is("Event", "BridgeDestroy")));
    }
}
