//! Operator actions from the keyboard, against the real app and model:
//! action keys open forms pre-filled from the selected row, Enter hands a
//! request to the loop, destructive actions ask first, replies close the
//! form or stay on it, and read-only mode sends nothing.

mod ui_support;

use std::time::Duration;

use amitop::ami::session::{Reply, SendError, SessionEvent};
use amitop::app::operator::ActionReply;
use amitop::app::{App, Msg};
use amitop::ops::{Op, Request};
use amitop::ui::keymap::{BINDINGS, Command};
use crossterm::event::KeyCode;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};
use ui_support::{NOW, fixture, msg, press, render, type_text};

/// The fixture dashboard with actions on; requests land in the receiver.
fn acting(read_only: bool) -> (App, UnboundedReceiver<Request>) {
    let mut app = fixture(100, 30);
    let (outbox, sent) = unbounded_channel();
    app.set_actions(outbox, read_only);
    (app, sent)
}

/// The one request sent so far.
fn only_request(sent: &mut UnboundedReceiver<Request>) -> Request {
    let request = sent.try_recv().expect("a request was sent");
    assert!(sent.try_recv().is_err(), "only one request");
    request
}

fn headers(request: &Request) -> Vec<(&str, &str)> {
    request
        .action
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

fn reply(app: &mut App, request: Request, result: Result<Reply, SendError>) {
    app.handle(Msg::Acted(ActionReply { request, result }), NOW);
}

fn response(pairs: &[(&str, &str)]) -> Result<Reply, SendError> {
    Ok(Reply {
        response: msg(pairs),
        events: Vec::new(),
    })
}

/// The footer: the last line of the screen.
fn footer(app: &App) -> String {
    render(app).lines().last().unwrap_or_default().to_owned()
}

#[test]
fn every_operation_has_a_key_so_help_and_footer_list_it() {
    for op in Op::ALL {
        let bound = BINDINGS
            .iter()
            .any(|binding| binding.command == Command::Act(op));
        assert!(bound, "{op:?} has no key");
    }
    let mut app = fixture(160, 48);
    press(&mut app, KeyCode::Char('?'));
    let screen = render(&app);
    assert!(
        screen.contains("hang up the channel (asks first)"),
        "{screen}"
    );
    let app = fixture(160, 48);
    assert!(footer(&app).contains("o originate"), "{}", footer(&app));
}

#[test]
fn originate_form_sends_and_follows_the_call_to_its_answer() {
    let (mut app, mut sent) = acting(false);
    press(&mut app, KeyCode::Char('o'));
    assert!(render(&app).contains("Originate a call"));
    type_text(&mut app, "PJSIP/300");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "2002");
    press(&mut app, KeyCode::Tab);
    // Keys that mean something on the dashboard are text in a form.
    type_text(&mut app, "q?internal");
    assert!(!app.quit);
    press(&mut app, KeyCode::Enter);

    let request = only_request(&mut sent);
    assert_eq!(
        headers(&request),
        [
            ("Channel", "PJSIP/300"),
            ("Exten", "2002"),
            ("Context", "q?internal"),
            ("Priority", "1"),
            ("Timeout", "30000"),
            ("Async", "true"),
        ]
    );
    // The form waits for the reply without holding the screen.
    assert!(render(&app).contains("sending…"));
    reply(
        &mut app,
        request,
        response(&[
            ("Response", "Success"),
            ("ActionID", "amitop-9"),
            ("Message", "Originate successfully queued"),
        ]),
    );
    assert!(app.operator.ui.overlay.is_none());
    assert!(
        footer(&app).contains("✔ Originate a call: Originate successfully queued"),
        "{}",
        footer(&app)
    );
    let answered = msg(&[
        ("Event", "OriginateResponse"),
        ("ActionID", "amitop-9"),
        ("Response", "Success"),
        ("Channel", "PJSIP/300-00000010"),
        ("Reason", "4"),
    ]);
    app.handle(Msg::Session(SessionEvent::Event(answered)), NOW);
    assert!(
        footer(&app).contains("✔ Originate: PJSIP/300 answered as PJSIP/300-00000010"),
        "{}",
        footer(&app)
    );
}

#[test]
fn an_invalid_form_shows_its_errors_and_sends_nothing() {
    let (mut app, mut sent) = acting(false);
    press(&mut app, KeyCode::Char('o'));
    type_text(&mut app, "nochannel");
    press(&mut app, KeyCode::Enter);
    assert!(sent.try_recv().is_err());
    let screen = render(&app);
    assert!(
        screen.contains("✘ Channel: Channel must be TECH/RESOURCE"),
        "{screen}"
    );
    press(&mut app, KeyCode::Esc);
    assert!(app.operator.ui.overlay.is_none());
    assert!(sent.try_recv().is_err());
}

#[test]
fn hangup_asks_first_and_no_sends_nothing() {
    let (mut app, mut sent) = acting(false);
    // Channels sorted by name: carol first.
    press(&mut app, KeyCode::Char('H'));
    assert!(render(&app).contains("Hang up PJSIP/carol-00000003?"));
    press(&mut app, KeyCode::Char('n'));
    assert!(sent.try_recv().is_err());
    assert!(app.operator.ui.overlay.is_none());

    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('H'));
    press(&mut app, KeyCode::Char('y'));
    let request = only_request(&mut sent);
    assert_eq!(headers(&request), [("Channel", "PJSIP/yamada-00000004")]);
    reply(
        &mut app,
        request,
        response(&[("Response", "Error"), ("Message", "No such channel")]),
    );
    assert!(footer(&app).contains("✘ Hang up failed: No such channel"));
}

#[test]
fn member_keys_prefill_interface_queue_and_the_pause_toggle() {
    let (mut app, mut sent) = acting(false);
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Right);
    // Erin (SIP/agent2) is paused: P offers to unpause.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('P'));
    press(&mut app, KeyCode::Enter);
    let request = only_request(&mut sent);
    assert_eq!(
        headers(&request),
        [
            ("Interface", "SIP/agent2"),
            ("Paused", "false"),
            ("Queue", "support"),
        ]
    );
    reply(
        &mut app,
        request,
        response(&[
            ("Response", "Success"),
            ("Message", "Interface unpaused successfully"),
        ]),
    );

    // Agent Smith is not: P pauses, with a reason.
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Char('P'));
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    type_text(&mut app, "coffee");
    press(&mut app, KeyCode::Enter);
    let request = only_request(&mut sent);
    assert_eq!(
        headers(&request),
        [
            ("Interface", "SIP/agent1"),
            ("Paused", "true"),
            ("Queue", "support"),
            ("Reason", "coffee"),
        ]
    );
    reply(
        &mut app,
        request,
        response(&[("Response", "Success"), ("Message", "Interface paused")]),
    );

    press(&mut app, KeyCode::Char('x'));
    assert!(render(&app).contains("Remove SIP/agent1 from queue support?"));
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        headers(&only_request(&mut sent)),
        [("Queue", "support"), ("Interface", "SIP/agent1")]
    );
}

#[test]
fn a_refusal_stays_on_the_form_and_output_opens_in_its_own_box() {
    let (mut app, mut sent) = acting(false);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "core show nothing");
    press(&mut app, KeyCode::Enter);
    let request = only_request(&mut sent);
    reply(
        &mut app,
        request,
        response(&[("Response", "Error"), ("Message", "Permission denied")]),
    );
    let screen = render(&app);
    assert!(
        screen.contains("✘ Permission denied: this AMI user may not run Command"),
        "{screen}"
    );
    assert!(app.operator.ui.overlay.is_some());

    // Edit and send again: this time the output comes back.
    press(&mut app, KeyCode::Enter);
    let request = only_request(&mut sent);
    reply(
        &mut app,
        request,
        response(&[
            ("Response", "Success"),
            ("Message", "Command output follows"),
            ("Output", "Asterisk 22.10.1 built by demo"),
        ]),
    );
    let screen = render(&app);
    assert!(screen.contains("core show nothing: 1 line"), "{screen}");
    assert!(
        screen.contains("Asterisk 22.10.1 built by demo"),
        "{screen}"
    );
    press(&mut app, KeyCode::Esc);
    assert!(app.operator.ui.overlay.is_none());
}

#[test]
fn a_timeout_is_reported_and_the_screen_stays_usable() {
    let (mut app, mut sent) = acting(false);
    press(&mut app, KeyCode::Char('u'));
    let request = only_request(&mut sent);
    assert_eq!(request.action.name(), "QueueSummary");
    // Before the reply, the dashboard still takes keys.
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(app.view.pane, amitop::ui::view::Pane::Calls);
    reply(
        &mut app,
        request,
        Err(SendError::Timeout(Duration::from_secs(10))),
    );
    assert!(
        footer(&app).contains("no reply within 10 s"),
        "{}",
        footer(&app)
    );
}

#[test]
fn a_summary_refresh_updates_the_queues_and_lists_them() {
    let (mut app, mut sent) = acting(false);
    press(&mut app, KeyCode::Char('u'));
    let request = only_request(&mut sent);
    let summary = msg(&[
        ("Event", "QueueSummary"),
        ("Queue", "support"),
        ("LoggedIn", "7"),
        ("Available", "4"),
        ("Callers", "0"),
        ("HoldTime", "42"),
        ("TalkTime", "0"),
        ("LongestHoldTime", "0"),
        ("ActionID", "amitop-4"),
    ]);
    let result = Ok(Reply {
        response: msg(&[("Response", "Success"), ("EventList", "start")]),
        events: vec![summary],
    });
    reply(&mut app, request, result);
    let support = app.state.queues.get("support").expect("support");
    assert_eq!(
        support.figures.hold_time, 42,
        "the summary re-bases the figures"
    );
    assert!(render(&app).contains("support: 7 logged in, 4 available"));
}

#[test]
fn read_only_mode_says_so_and_sends_nothing() {
    let (mut app, mut sent) = acting(true);
    for key in ['o', 'H', 't', 'r', 'm', ':', 'R', 'u'] {
        press(&mut app, KeyCode::Char(key));
        assert!(app.operator.ui.overlay.is_none(), "{key}");
        assert!(
            footer(&app).contains("read-only mode"),
            "{key}: {}",
            footer(&app)
        );
    }
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Right);
    for key in ['P', 'p', 'x', 'a'] {
        press(&mut app, KeyCode::Char(key));
        assert!(app.operator.ui.overlay.is_none(), "{key}");
    }
    assert!(sent.try_recv().is_err());
}

#[test]
fn the_status_fades_after_a_while() {
    let (mut app, _sent) = acting(true);
    press(&mut app, KeyCode::Char('o'));
    assert!(app.operator.ui.status.is_some());
    app.handle(Msg::Tick, NOW + 60.0);
    assert!(app.operator.ui.status.is_none());
    assert!(footer(&app).contains("q quit"));
}
