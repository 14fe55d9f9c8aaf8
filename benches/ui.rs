//! One dashboard frame on a busy PBX: 10,000 channels (5,000 bridged calls)
//! and 200 queues, drawn into a 200x60 test terminal, where every pane is
//! on screen at once. Target: 2 ms or less, whether the model just changed
//! (cold) or not (warm).
//!
//! For a load-independent count, run the bench binary under callgrind with
//! `AMITOP_UI_ONCE=cold:<N>` (or `warm:<N>`): it builds the PBX, draws one
//! frame, then `N` frames of that kind, and exits. Instructions per frame
//! are the difference between two runs divided by the difference in `N`:
//!
//! ```text
//! cargo bench --bench ui --no-run
//! AMITOP_UI_ONCE=cold:1 valgrind --tool=callgrind target/release/deps/ui-<hash>
//! AMITOP_UI_ONCE=cold:11 valgrind --tool=callgrind target/release/deps/ui-<hash>
//! ```

use amitop::ami::Message;
use amitop::app::link::Link;
use amitop::model::State;
use amitop::ui::dashboard::{Dashboard, draw};
use amitop::ui::form::Actions;
use amitop::ui::status::Meters;
use amitop::ui::theme::Theme;
use amitop::ui::view::View;
use criterion::{Criterion, criterion_group};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

const NOW: f64 = 1_700_010_000.0;

fn apply(state: &mut State, pairs: &[(&str, &str)]) {
    state.apply(&Message::from_pairs(pairs.iter().copied()), NOW - 100.0);
}

fn busy_pbx() -> State {
    let mut state = State::new();
    for call in 0..5_000 {
        let bridge = format!("bridge-{call}");
        for leg in 0..2 {
            let id = format!("1700000000.{}", call * 2 + leg);
            let name = format!("PJSIP/user{:05}-{:08x}", call * 2 + leg, call * 2 + leg);
            let number = format!("{}", 10_000 + call * 2 + leg);
            let linkedid = format!("1700000000.{}", call * 2);
            apply(
                &mut state,
                &[
                    ("Event", "Newchannel"),
                    ("Channel", &name),
                    ("Uniqueid", &id),
                    ("Linkedid", &linkedid),
                    ("ChannelState", "6"),
                    ("ChannelStateDesc", "Up"),
                    ("CallerIDNum", &number),
                    ("CallerIDName", "Caller Name"),
                    ("Context", "internal"),
                    ("Exten", "100"),
                ],
            );
            apply(
                &mut state,
                &[
                    ("Event", "BridgeEnter"),
                    ("BridgeUniqueid", &bridge),
                    ("BridgeType", "basic"),
                    ("BridgeTechnology", "simple_bridge"),
                    ("Channel", &name),
                    ("Uniqueid", &id),
                ],
            );
        }
    }
    for queue in 0..200 {
        let name = format!("queue-{queue:03}");
        apply(
            &mut state,
            &[
                ("Event", "QueueParams"),
                ("Queue", &name),
                ("Strategy", "ringall"),
                ("Calls", "2"),
                ("Holdtime", "10"),
                ("TalkTime", "60"),
                ("Completed", "5"),
                ("Abandoned", "1"),
            ],
        );
        for member in 0..5 {
            let interface = format!("PJSIP/agent{queue}-{member}");
            apply(
                &mut state,
                &[
                    ("Event", "QueueMember"),
                    ("Queue", &name),
                    ("Name", &interface),
                    ("Location", &interface),
                    ("Status", "1"),
                    ("Paused", "0"),
                    ("CallsTaken", "3"),
                ],
            );
        }
        for caller in 0..2 {
            let id = format!("1700009000.{}", queue * 2 + caller);
            apply(
                &mut state,
                &[
                    ("Event", "QueueEntry"),
                    ("Queue", &name),
                    ("Position", &format!("{}", caller + 1)),
                    ("Channel", "PJSIP/x"),
                    ("Uniqueid", &id),
                    ("CallerIDNum", "555"),
                    ("Wait", "20"),
                ],
            );
        }
    }
    state
}

/// What a frame is drawn from besides the model.
struct Screen {
    view: View,
    link: Link,
    meters: Meters,
    actions: Actions,
}

impl Screen {
    fn new() -> Screen {
        let mut meters = Meters::default();
        for second in 0..300 {
            meters.sample(second % 40);
        }
        Screen {
            view: View::new(Rect::new(0, 0, 200, 60)),
            link: Link::default(),
            meters,
            actions: Actions::default(),
        }
    }

    fn dashboard<'a>(&'a self, state: &'a State) -> Dashboard<'a> {
        Dashboard {
            title: "amitop",
            state,
            stale_since: None,
            view: &self.view,
            link: &self.link,
            meters: &self.meters,
            note: None,
            now: NOW,
            theme: Theme::new(true),
            actions: &self.actions,
            secret_prompt: None,
        }
    }
}

/// The event of a cold frame: a channel's state, as on a busy PBX.
fn newstate() -> Message {
    Message::from_pairs([
        ("Event", "Newstate"),
        ("Channel", "PJSIP/user00000-00000000"),
        ("Uniqueid", "1700000000.0"),
        ("ChannelState", "6"),
        ("ChannelStateDesc", "Up"),
    ])
}

/// A frame right after an event (the model changed: what the panes derive
/// from it is redone), and a frame on a tick with nothing new (the common
/// case on a busy screen, which redraws every tick).
fn frame(c: &mut Criterion) {
    let mut state = busy_pbx();
    assert_eq!(state.channels.len(), 10_000);
    assert_eq!(state.queues.by_name.len(), 200);
    let screen = Screen::new();
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    let event = newstate();
    c.bench_function("ui_frame_cold_10k_channels_200_queues_200x60", |b| {
        b.iter(|| {
            state.apply(&event, NOW);
            let dashboard = screen.dashboard(&state);
            terminal.draw(|f| draw(f, &dashboard)).expect("draw");
        })
    });
    let dashboard = screen.dashboard(&state);
    c.bench_function("ui_frame_warm_10k_channels_200_queues_200x60", |b| {
        b.iter(|| {
            terminal.draw(|f| draw(f, &dashboard)).expect("draw");
        })
    });
}

/// The parts of a frame that grow with the model, measured alone, with
/// nothing kept from the frame before.
fn parts(c: &mut Criterion) {
    use amitop::model::CallGroups;
    use amitop::ui::panes::{calls, channels};
    use amitop::ui::table::CellContext;
    use amitop::ui::tables::Table;
    let state = busy_pbx();
    let env = CellContext {
        state: &state,
        now: NOW,
        theme: Theme::new(true),
    };
    c.bench_function("ui_group_calls_10k_channels", |b| {
        b.iter(|| CallGroups::of(&state).len())
    });
    c.bench_function("ui_call_rows_10k_channels_page_20", |b| {
        b.iter(|| {
            let view = View::new(Rect::new(0, 0, 200, 60));
            calls::Calls.rows(&view, &env, 20).len()
        })
    });
    c.bench_function("ui_channel_rows_10k_page_20", |b| {
        b.iter(|| {
            let view = View::new(Rect::new(0, 0, 200, 60));
            channels::Channels.rows(&view, &env, 20).len()
        })
    });
}

/// `AMITOP_UI_ONCE=cold:<N>` or `warm:<N>`: one frame, then `N` frames of
/// that kind, for callgrind (see the top of this file).
fn frames_once(spec: &str) {
    let (kind, count) = spec.split_once(':').unwrap_or((spec, "10"));
    let count: usize = count.parse().expect("AMITOP_UI_ONCE=cold:<N> or warm:<N>");
    let mut state = busy_pbx();
    let screen = Screen::new();
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    let event = newstate();
    terminal
        .draw(|f| draw(f, &screen.dashboard(&state)))
        .expect("draw");
    for _ in 0..count {
        if kind == "cold" {
            state.apply(&event, NOW);
        }
        terminal
            .draw(|f| draw(f, &screen.dashboard(&state)))
            .expect("draw");
    }
    println!("{count} {kind} frames");
}

criterion_group!(benches, frame, parts);

fn main() {
    if let Ok(spec) = std::env::var("AMITOP_UI_ONCE") {
        frames_once(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
