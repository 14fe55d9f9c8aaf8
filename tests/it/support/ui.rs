//! A fixed PBX for the dashboard tests: hand-written AMI events applied
//! through the real model, and a way to render the real app into a
//! `TestBackend` as plain text.

use amitop::ami::Message;
use amitop::ami::codec::{AmiVersion, Banner};
use amitop::ami::session::{ConnectionState, SessionEvent};
use amitop::app::update::ResyncOrder;
use amitop::app::{App, Msg};
use amitop::ui::theme::Theme;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use super::msg;

/// The fixture's clock: every event happened before this, durations are
/// measured up to it.
pub const NOW: f64 = 1_700_000_100.0;

/// A ringing call, a bridged call, a queue with two members and one
/// waiting caller, a registration and two peers.
pub fn pbx_events() -> Vec<Message> {
    vec![
        msg(&[
            ("Response", "Success"),
            ("AMIversion", "11.0.0"),
            ("AsteriskVersion", "22.1.0"),
            ("SystemName", "pbx-lab"),
            ("CoreMaxCalls", "0"),
        ]),
        msg(&[
            ("Response", "Success"),
            ("CoreStartupDate", "2023-11-14"),
            ("CoreStartupTime", "22:10:00"),
            ("CoreReloadDate", "2023-11-14"),
            ("CoreReloadTime", "22:11:00"),
            ("CoreCurrentCalls", "2"),
        ]),
        // Alice rings Bob.
        msg(&[
            ("Event", "Newchannel"),
            ("Channel", "SIP/alice-00000001"),
            ("ChannelState", "4"),
            ("ChannelStateDesc", "Ring"),
            ("CallerIDNum", "1001"),
            ("CallerIDName", "Alice"),
            ("ConnectedLineNum", "<unknown>"),
            ("ConnectedLineName", "<unknown>"),
            ("AccountCode", "sales"),
            ("Context", "internal"),
            ("Exten", "1002"),
            ("Priority", "1"),
            ("Uniqueid", "1700000040.1"),
            ("Linkedid", "1700000040.1"),
        ]),
        msg(&[
            ("Event", "Newexten"),
            ("Channel", "SIP/alice-00000001"),
            ("Uniqueid", "1700000040.1"),
            ("Context", "internal"),
            ("Exten", "1002"),
            ("Priority", "1"),
            ("Application", "Dial"),
            ("AppData", "SIP/bob,30"),
        ]),
        msg(&[
            ("Event", "Newchannel"),
            ("Channel", "SIP/bob-00000002"),
            ("ChannelState", "5"),
            ("ChannelStateDesc", "Ringing"),
            ("CallerIDNum", "1002"),
            ("CallerIDName", "Bob"),
            ("Context", "internal"),
            ("Exten", ""),
            ("Uniqueid", "1700000041.2"),
            ("Linkedid", "1700000040.1"),
        ]),
        msg(&[
            ("Event", "DialBegin"),
            ("Channel", "SIP/alice-00000001"),
            ("Uniqueid", "1700000040.1"),
            ("DestChannel", "SIP/bob-00000002"),
            ("DestUniqueid", "1700000041.2"),
            ("DialString", "bob"),
        ]),
        // Carol talks to 山田太郎 (a name two cells per character wide).
        msg(&[
            ("Event", "Newchannel"),
            ("Channel", "PJSIP/carol-00000003"),
            ("ChannelState", "6"),
            ("ChannelStateDesc", "Up"),
            ("CallerIDNum", "1003"),
            ("CallerIDName", "Carol"),
            ("Context", "internal"),
            ("Exten", "1004"),
            ("Uniqueid", "1700000010.3"),
            ("Linkedid", "1700000010.3"),
        ]),
        msg(&[
            ("Event", "Newchannel"),
            ("Channel", "PJSIP/yamada-00000004"),
            ("ChannelState", "6"),
            ("ChannelStateDesc", "Up"),
            ("CallerIDNum", "1004"),
            ("CallerIDName", "山田太郎"),
            ("Context", "internal"),
            ("Exten", ""),
            ("Uniqueid", "1700000011.4"),
            ("Linkedid", "1700000010.3"),
        ]),
        msg(&[
            ("Event", "BridgeCreate"),
            ("BridgeUniqueid", "b-1"),
            ("BridgeType", "basic"),
            ("BridgeTechnology", "simple_bridge"),
            ("BridgeNumChannels", "0"),
        ]),
        msg(&[
            ("Event", "BridgeEnter"),
            ("BridgeUniqueid", "b-1"),
            ("BridgeType", "basic"),
            ("BridgeTechnology", "simple_bridge"),
            ("Channel", "PJSIP/carol-00000003"),
            ("Uniqueid", "1700000010.3"),
        ]),
        msg(&[
            ("Event", "BridgeEnter"),
            ("BridgeUniqueid", "b-1"),
            ("BridgeType", "basic"),
            ("BridgeTechnology", "simple_bridge"),
            ("Channel", "PJSIP/yamada-00000004"),
            ("Uniqueid", "1700000011.4"),
        ]),
        msg(&[
            ("Event", "Hold"),
            ("Channel", "PJSIP/yamada-00000004"),
            ("Uniqueid", "1700000011.4"),
        ]),
        // The support queue: two members, one caller waiting.
        msg(&[
            ("Event", "QueueParams"),
            ("Queue", "support"),
            ("Max", "0"),
            ("Strategy", "ringall"),
            ("Calls", "1"),
            ("Holdtime", "12"),
            ("TalkTime", "80"),
            ("Completed", "10"),
            ("Abandoned", "2"),
            ("ServiceLevel", "60"),
            ("ServicelevelPerf", "90.0"),
            ("Weight", "0"),
        ]),
        msg(&[
            ("Event", "QueueMember"),
            ("Queue", "support"),
            ("Name", "Agent Smith"),
            ("Location", "SIP/agent1"),
            ("StateInterface", "SIP/agent1"),
            ("Membership", "static"),
            ("Penalty", "0"),
            ("CallsTaken", "5"),
            ("LastCall", "1700000000"),
            ("Status", "1"),
            ("Paused", "0"),
        ]),
        msg(&[
            ("Event", "QueueMember"),
            ("Queue", "support"),
            ("Name", "Erin"),
            ("Location", "SIP/agent2"),
            ("StateInterface", "SIP/agent2"),
            ("Membership", "dynamic"),
            ("Penalty", "2"),
            ("CallsTaken", "3"),
            ("LastCall", "0"),
            ("Status", "5"),
            ("Paused", "1"),
            ("PausedReason", "lunch"),
        ]),
        msg(&[
            ("Event", "QueueEntry"),
            ("Queue", "support"),
            ("Position", "1"),
            ("Channel", "SIP/frank-00000005"),
            ("Uniqueid", "1700000070.5"),
            ("CallerIDNum", "1005"),
            ("CallerIDName", "Frank"),
            ("Wait", "30"),
        ]),
        msg(&[
            ("Event", "QueueParams"),
            ("Queue", "sales"),
            ("Max", "0"),
            ("Strategy", "leastrecent"),
            ("Calls", "0"),
            ("Holdtime", "0"),
            ("TalkTime", "0"),
            ("Completed", "0"),
            ("Abandoned", "0"),
        ]),
        // Registrations and peers.
        msg(&[
            ("Event", "RegistryEntry"),
            ("Host", "sip.provider.example"),
            ("Port", "5060"),
            ("Username", "acct1"),
            ("Domain", "provider.example"),
            ("Refresh", "120"),
            ("State", "Registered"),
            ("RegistrationTime", "1700000050"),
        ]),
        msg(&[
            ("Event", "PeerStatus"),
            ("ChannelType", "SIP"),
            ("Peer", "SIP/alice"),
            ("PeerStatus", "Reachable"),
            ("Address", "10.0.0.5:5060"),
            ("Time", "12"),
        ]),
        msg(&[
            ("Event", "PeerStatus"),
            ("ChannelType", "SIP"),
            ("Peer", "SIP/bob"),
            ("PeerStatus", "Unreachable"),
            ("Cause", "Expired"),
        ]),
    ]
}

/// A fresh app of the given size, with a receiver for its resync requests.
pub fn new_app(width: u16, height: u16) -> (App, UnboundedReceiver<ResyncOrder>) {
    let (tx, rx) = unbounded_channel();
    let app = App::new(
        "amitop".into(),
        Rect::new(0, 0, width, height),
        Theme::new(false),
        tx,
    );
    (app, rx)
}

/// The fixture PBX, logged in, with a minute of meter history.
pub fn fixture(width: u16, height: u16) -> App {
    let (mut app, _requests) = new_app(width, height);
    let banner = Banner {
        text: "Asterisk Call Manager/11.0.0".into(),
        version: AmiVersion::parse("11.0.0"),
    };
    app.handle(
        Msg::Session(SessionEvent::State(ConnectionState::LoggedIn { banner })),
        NOW - 60.0,
    );
    for (i, event) in pbx_events().into_iter().enumerate() {
        app.handle(
            Msg::Session(SessionEvent::Event(event)),
            NOW - 50.0 + i as f64,
        );
    }
    for _ in 0..60 {
        app.handle(Msg::Tick, NOW);
    }
    app
}

/// Feeds one key press.
pub fn press(app: &mut App, code: KeyCode) {
    press_with(app, code, KeyModifiers::NONE);
}

pub fn press_with(app: &mut App, code: KeyCode, modifiers: KeyModifiers) {
    app.handle(Msg::Input(Event::Key(KeyEvent::new(code, modifiers))), NOW);
}

/// Types each character of `text`.
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// The app drawn at `NOW` into a test terminal of the view's size, as text
/// (one line per row, trailing spaces trimmed).
pub fn render(app: &App) -> String {
    render_at(app, NOW)
}

/// The app drawn at `now`, as [`render`] does.
pub fn render_at(app: &App, now: f64) -> String {
    let area = app.view.area;
    let mut terminal =
        Terminal::new(TestBackend::new(area.width, area.height)).expect("test terminal");
    terminal
        .draw(|frame| amitop::ui::draw(frame, &app.dashboard(now)))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..area.width {
            // A wide character fills its cell and blanks the next one.
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
            line.push_str(symbol);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
