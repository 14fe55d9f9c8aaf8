//! The screens a user sees, from a fixed PBX, at 80x24 and 160x48, as text
//! snapshots (tests/it/snapshots/).

use crate::support::ui::{fixture, press, render};
use amitop::ami::session::SessionEvent;
use amitop::app::Msg;
use crossterm::event::KeyCode;

fn snapshot(name: &str, screen: String) {
    let screen = local_times_masked(&screen);
    insta::assert_snapshot!(name, screen);
}

/// The screen with each `YYYY-MM-DD HH:MM:SS (… ago)` time replaced by a
/// mark of the same width: amitop shows those in the machine's time zone.
fn local_times_masked(screen: &str) -> String {
    const SHAPE: &[u8] = b"dddd-dd-dd dd:dd:dd";
    let bytes = screen.as_bytes();
    let mut out = String::with_capacity(screen.len());
    let mut i = 0;
    while i < bytes.len() {
        let fits = bytes.len() - i >= SHAPE.len()
            && SHAPE.iter().zip(&bytes[i..]).all(|(shape, b)| match shape {
                b'd' => b.is_ascii_digit(),
                other => other == b,
            })
            && bytes[i + SHAPE.len()..].starts_with(b" (");
        if fits {
            out.push_str("<local date time>__");
            i += SHAPE.len();
        } else {
            let c = screen[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

#[test]
fn each_pane_at_80x24() {
    let mut app = fixture(80, 24);
    for (key, name) in [
        ('1', "channels"),
        ('2', "calls"),
        ('3', "queues"),
        ('4', "registrations"),
        ('5', "events"),
    ] {
        press(&mut app, KeyCode::Char(key));
        snapshot(&format!("{name}_80x24"), render(&app));
    }
}

#[test]
fn every_pane_at_once_at_160x48() {
    let app = fixture(160, 48);
    snapshot("all_160x48", render(&app));
}

#[test]
fn queue_drill_down() {
    for (width, height) in [(80, 24), (160, 48)] {
        let mut app = fixture(width, height);
        press(&mut app, KeyCode::Char('3'));
        press(&mut app, KeyCode::Down); // support, after sales
        press(&mut app, KeyCode::Enter);
        snapshot(&format!("queue_drill_{width}x{height}"), render(&app));
    }
}

#[test]
fn channel_detail_view() {
    for (width, height) in [(80, 24), (160, 48)] {
        let mut app = fixture(width, height);
        press(&mut app, KeyCode::Char('1'));
        press(&mut app, KeyCode::Enter);
        snapshot(&format!("detail_{width}x{height}"), render(&app));
    }
}

#[test]
fn raw_event_view() {
    let mut app = fixture(80, 24);
    press(&mut app, KeyCode::Char('5'));
    press(&mut app, KeyCode::Enter);
    snapshot("raw_event_80x24", render(&app));
}

#[test]
fn help_overlay() {
    for (width, height) in [(80, 24), (160, 48)] {
        let mut app = fixture(width, height);
        press(&mut app, KeyCode::Char('?'));
        snapshot(&format!("help_{width}x{height}"), render(&app));
    }
}

/// The Calls pane on a queue call: the answered caller talks to the agent
/// (app_queue gives the agent's leg the caller's Caller ID), and a caller
/// hearing music while queued is waiting, not on hold.
#[test]
fn a_queue_call_names_the_agent_and_a_queued_caller_waits() {
    use crate::support::msg;
    use crate::support::ui::new_app;
    let (mut app, _requests) = new_app(100, 24);
    let channel = |event: &str, name: &str, id: &str, state: &str, num: &str, who: &str| {
        msg(&[
            ("Event", event),
            ("Channel", name),
            ("ChannelState", if state == "Up" { "6" } else { "5" }),
            ("ChannelStateDesc", state),
            ("CallerIDNum", num),
            ("CallerIDName", who),
            ("ConnectedLineNum", num),
            ("ConnectedLineName", who),
            ("Uniqueid", id),
            ("Linkedid", id),
            ("Queue", "support"),
            ("Interface", "SIP/3001"),
            ("MemberName", "Alice"),
            ("BridgeUniqueid", "br-1"),
            ("Status", "2"),
            ("Position", "1"),
            ("Count", "1"),
            ("HoldTime", "4"),
        ])
    };
    // Uniqueids are creation times: the call began 1:05 before NOW.
    let novak = (
        "SIP/trunk-00000001",
        "1700000035.1",
        "+3215550475",
        "K. Novak",
    );
    let leg = (
        "SIP/3001-0000000a",
        "1700000040.2",
        "+3215550475",
        "K. Novak",
    );
    let dupont = (
        "SIP/trunk-00000002",
        "1700000070.3",
        "+3215550999",
        "J. Dupont",
    );
    let events = [
        ("Newchannel", novak, "Up"),
        ("QueueMemberStatus", leg, "Up"),
        ("QueueCallerJoin", novak, "Up"),
        ("Newchannel", leg, "Ringing"),
        ("AgentCalled", novak, "Up"),
        ("Newstate", leg, "Up"),
        ("QueueCallerLeave", novak, "Up"),
        ("AgentConnect", novak, "Up"),
        ("BridgeCreate", novak, "Up"),
        ("BridgeEnter", novak, "Up"),
        ("BridgeEnter", leg, "Up"),
        ("Newchannel", dupont, "Up"),
        ("QueueCallerJoin", dupont, "Up"),
        ("MusicOnHoldStart", dupont, "Up"),
    ];
    for (event, (name, id, num, who), state) in events {
        let m = channel(event, name, id, state, num, who);
        app.handle(Msg::Session(SessionEvent::Event(m)), 1_700_000_000.0);
    }
    press(&mut app, KeyCode::Char('2'));
    let screen = render(&app);
    snapshot("queue_call_100x24", screen.clone());
    let row = |who: &str| {
        screen
            .lines()
            .find(|l| l.contains(who) && !l.contains("Caller"))
            .unwrap_or_else(|| panic!("no row for {who}:\n{screen}"))
            .to_owned()
    };
    let answered = row("K. Novak");
    assert!(
        answered.contains("Alice") && answered.contains("talking"),
        "{answered}\n{screen}"
    );
    assert_eq!(answered.matches("K. Novak").count(), 1, "{answered}");
    let queued = row("J. Dupont");
    assert!(
        queued.contains("waiting in support (#1)") && queued.contains("waiting"),
        "{queued}"
    );
    assert!(!queued.contains("on hold"), "{queued}");
}

/// The Originate form at 80x24 after a bad submit: the long error wraps
/// inside the popup, and the footer shows the form's keys.
#[test]
fn form_errors_wrap_at_80x24() {
    let mut app = fixture(80, 24);
    let (outbox, _sent) = tokio::sync::mpsc::unbounded_channel();
    app.set_actions(outbox, false);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('o'));
    for c in "nochannel".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    snapshot("form_error_80x24", render(&app));
}

/// At 60x15 the Originate form does not fit: it scrolls so the focused
/// field (the last) is in sight.
#[test]
fn a_form_scrolls_to_its_focused_field_at_60x15() {
    let mut app = fixture(60, 15);
    let (outbox, _sent) = tokio::sync::mpsc::unbounded_channel();
    app.set_actions(outbox, false);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('o'));
    press(&mut app, KeyCode::BackTab);
    let screen = render(&app);
    assert!(screen.contains("›Async"), "{screen}");
    assert!(screen.contains("field 11 of 11"), "{screen}");
    snapshot("form_scrolled_60x15", screen);
}

/// A call centre for the agents tests: `support` and `sales`, Alice in
/// both, one caller answered by Alice, one being rung at Bob, Carol paused
/// for lunch, Dave who let a call ring out, Eve logged out; and as many
/// more callers waiting in support as `waiting` says.
fn call_centre(width: u16, height: u16, waiting: usize) -> amitop::app::App {
    use crate::support::msg;
    use crate::support::ui::{NOW, new_app};
    let (mut app, _requests) = new_app(width, height);
    let member = |queue: &str, name: &str, ext: &str, penalty: &str, status: &str| {
        let interface = format!("SIP/{ext}");
        msg(&[
            ("Event", "QueueMember"),
            ("Queue", queue),
            ("Name", name),
            ("Location", &interface),
            ("StateInterface", &interface),
            ("Membership", "dynamic"),
            ("Penalty", penalty),
            ("CallsTaken", "4"),
            ("LastCall", "1700000000"),
            ("Status", status),
            ("Paused", "0"),
        ])
    };
    let caller = |event: &str, id: &str, num: &str, name: &str, position: usize| {
        msg(&[
            ("Event", event),
            ("Queue", "support"),
            ("Position", &position.to_string()),
            ("Channel", &format!("SIP/trunk-{id:0>8}")),
            ("Uniqueid", &format!("1700000000.{id}")),
            ("CallerIDNum", num),
            ("CallerIDName", name),
            ("Interface", "SIP/3002"),
            ("MemberName", "Bob"),
            ("HoldTime", "5"),
        ])
    };
    let mut events = vec![
        member("support", "Alice", "3001", "0", "2"),
        member("support", "Bob", "3002", "0", "1"),
        member("support", "Carol", "3003", "2", "1"),
        member("sales", "Alice", "3001", "1", "2"),
        member("sales", "Dave", "3004", "3", "1"),
        member("sales", "Eve", "3005", "0", "5"),
        msg(&[
            ("Event", "AgentConnect"),
            ("Queue", "support"),
            ("Interface", "SIP/3001"),
            ("MemberName", "Alice"),
            ("Uniqueid", "1700000000.1"),
            ("CallerIDNum", "+3215550475"),
            ("CallerIDName", "K. Novak"),
            ("HoldTime", "4"),
        ]),
        msg(&[
            ("Event", "QueueMemberPause"),
            ("Queue", "support"),
            ("Interface", "SIP/3003"),
            ("MemberName", "Carol"),
            ("Paused", "1"),
            ("PausedReason", "lunch"),
        ]),
        msg(&[
            ("Event", "AgentRingNoAnswer"),
            ("Queue", "sales"),
            ("Interface", "SIP/3004"),
            ("MemberName", "Dave"),
            ("Uniqueid", "1700000000.9"),
        ]),
        caller("QueueCallerJoin", "2", "+3215550999", "J. Dupont", 1),
        caller("AgentCalled", "2", "+3215550999", "J. Dupont", 1),
    ];
    for n in 0..waiting {
        let id = (10 + n).to_string();
        events.push(caller(
            "QueueCallerJoin",
            &id,
            &format!("+32155501{id}"),
            &format!("Caller {id}"),
            n + 2,
        ));
    }
    let count = events.len() as f64;
    for (i, event) in events.into_iter().enumerate() {
        let at = NOW - 120.0 + 100.0 * i as f64 / count;
        app.handle(Msg::Session(SessionEvent::Event(event)), at);
    }
    app.handle(Msg::Tick, NOW);
    app
}

/// Each member once, problems first: in a call (with whom, for how
/// long), ringing for a caller, paused (for how long, why), then the free
/// and the logged out; each with its queues and penalty there.
#[test]
fn agents_pane() {
    let mut app = call_centre(100, 24, 0);
    press(&mut app, KeyCode::Char('6'));
    let screen = render(&app);
    snapshot("agents_100x24", screen.clone());
    let rows: Vec<&str> = screen
        .lines()
        .filter(|l| l.starts_with('│') && l.contains("SIP/300"))
        .collect();
    let order: Vec<&str> = ["Alice", "Bob", "Carol", "Dave", "Eve"]
        .into_iter()
        .filter(|name| rows.iter().any(|r| r.contains(name)))
        .collect();
    assert_eq!(order.len(), 5, "each member once:\n{screen}");
    assert!(rows[0].contains("in call with K. Novak"), "{screen}");
    assert!(rows[0].contains("support 0, sales 1") || rows[0].contains("sales 1, support 0"));
    assert!(rows[1].contains("ringing for J. Dupont"), "{screen}");
    assert!(
        rows[2].contains("paused") && rows[2].contains("lunch"),
        "{screen}"
    );
    assert!(rows[4].contains("unavailable"), "{screen}");

    // Enter: the agent's detail, every queue it is in.
    press(&mut app, KeyCode::Enter);
    let detail = render(&app);
    assert!(detail.contains("Agent Alice (SIP/3001)"), "{detail}");
    assert!(detail.contains("queue sales"), "{detail}");
    let target = amitop::ui::view::RowId::Agent("SIP/3001".into());
    let (_, items) =
        amitop::ui::detail::items(&app.state, &target, crate::support::ui::NOW).unwrap();
    let sections: Vec<&amitop::ui::detail::Item> = items
        .iter()
        .filter(|item| matches!(item, amitop::ui::detail::Item::Section(_)))
        .collect();
    assert_eq!(sections.len(), 2, "one section per queue: {items:?}");
}

/// More callers than fit: members stay right above the callers (no blank
/// rows between), the summary says how many callers are out of sight, and
/// the callers table scrolls to the last of them.
#[test]
fn queue_drill_down_with_more_callers_than_fit() {
    let mut app = call_centre(80, 24, 14);
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Down); // support, after sales
    press(&mut app, KeyCode::Enter);
    let screen = render(&app);
    snapshot("queue_drill_many_callers_80x24", screen.clone());
    assert!(screen.contains("15 waiting"), "{screen}");
    assert!(screen.contains("4 not shown, Tab ↓"), "{screen}");
    assert!(screen.contains("ringing Bob"), "{screen}");
    let lines: Vec<&str> = screen.lines().collect();
    let titles = lines.iter().position(|l| l.contains("Pos▲")).unwrap();
    assert!(
        lines[titles - 1].contains("Carol"),
        "no gap above the callers:\n{screen}"
    );
    assert!(!screen.contains("Caller 23"), "{screen}");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::End);
    let scrolled = render(&app);
    assert!(scrolled.contains("Caller 23"), "{scrolled}");
    assert!(
        scrolled.contains(" 3 Queues (2)"),
        "the title counts queues:\n{scrolled}"
    );
}
