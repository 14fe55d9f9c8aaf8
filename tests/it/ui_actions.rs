//! Operator actions from the keyboard, against the real app and model:
//! action keys open forms pre-filled from the selected row, Enter hands a
//! request to the loop, destructive actions ask first, replies close the
//! form or stay on it, and read-only mode sends nothing.

use std::time::Duration;

use crate::support::msg;
use crate::support::ui::{NOW, fixture, press, render, type_text};
use amitop::ami::session::{Reply, SendError, SessionEvent};
use amitop::app::operator::ActionReply;
use amitop::app::{App, Msg};
use amitop::ops::{Op, Request};
use amitop::ui::keymap::{BINDINGS, Command};
use crossterm::event::KeyCode;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

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
    // The channel keys come after the pane keys, past the first page.
    press(&mut app, KeyCode::PageDown);
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

    // x asks which queue (the open one), then asks first.
    press(&mut app, KeyCode::Char('x'));
    let form = render(&app);
    assert!(form.contains("Remove queue member"), "{form}");
    press(&mut app, KeyCode::Enter);
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
fn read_only_mode_refuses_changes_and_lets_reads_through() {
    let (mut app, mut sent) = acting(true);
    for key in ['o', 'H', 't', 'r', ':'] {
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
    // The same keys on an agent are refused too.
    press(&mut app, KeyCode::Char('6'));
    for key in ['P', 'p', 'x'] {
        press(&mut app, KeyCode::Char(key));
        assert!(app.operator.ui.overlay.is_none(), "{key}");
        assert!(footer(&app).contains("read-only mode"), "{key}");
    }
    assert!(sent.try_recv().is_err());

    // Queue rules and the summary change nothing: they are sent.
    for (key, action) in [('R', "QueueRule"), ('u', "QueueSummary")] {
        press(&mut app, KeyCode::Char(key));
        assert_eq!(only_request(&mut sent).action.name(), action);
    }
    // The module form opens: check is sent, unload is refused on the form.
    press(&mut app, KeyCode::Char('m'));
    type_text(&mut app, "app_queue");
    press(&mut app, KeyCode::Enter);
    assert_eq!(only_request(&mut sent).action.name(), "ModuleCheck");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "unload");
    press(&mut app, KeyCode::BackTab);
    type_text(&mut app, ".so");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('y'));
    assert!(sent.try_recv().is_err(), "unload must not be sent");
    let screen = render(&app);
    assert!(app.operator.ui.overlay.is_some(), "{screen}");
    assert!(screen.contains("ModuleLoad was not sent"), "{screen}");
}

#[test]
fn a_read_only_footer_offers_only_what_it_allows() {
    let (app, _sent) = acting(true);
    let shown = footer(&app);
    for refused in ["hangup", "originate", "command", "redirect"] {
        assert!(!shown.contains(refused), "{refused}: {shown}");
    }
    assert!(shown.contains("? help"), "{shown}");
}

#[test]
fn a_refused_unload_stays_on_its_form_with_the_reason() {
    let (mut app, mut sent) = acting(false);
    press(&mut app, KeyCode::Char('m'));
    type_text(&mut app, "app_echo.so");
    press(&mut app, KeyCode::Tab);
    // "check" is a default: typing replaces it.
    type_text(&mut app, "unload");
    press(&mut app, KeyCode::Enter);
    assert!(render(&app).contains("Unload app_echo.so?"));
    press(&mut app, KeyCode::Char('y'));
    let request = only_request(&mut sent);
    assert_eq!(
        headers(&request),
        [("LoadType", "unload"), ("Module", "app_echo.so")]
    );
    reply(
        &mut app,
        request,
        response(&[
            ("Response", "Error"),
            ("Message", "Could not unload module."),
        ]),
    );
    let screen = render(&app);
    assert!(app.operator.ui.overlay.is_some(), "{screen}");
    assert!(screen.contains("Could not unload module."), "{screen}");
    // "No" to the question goes back to the form too.
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('n'));
    assert!(render(&app).contains("Module load / unload"));
    assert!(sent.try_recv().is_err());
}

/// The legs of the selected call (at least two), from the Calls pane.
fn call_legs(app: &mut App) -> Vec<String> {
    press(app, KeyCode::Char('2'));
    let selection = amitop::app::operator::selection(&app.view, &app.state, NOW);
    assert!(selection.legs.len() >= 2, "{selection:?}");
    selection.legs
}

#[test]
fn hangup_in_calls_offers_each_leg_and_hangs_up_the_one_picked() {
    let (mut app, mut sent) = acting(false);
    let legs = call_legs(&mut app);
    press(&mut app, KeyCode::Char('H'));
    let screen = render(&app);
    for leg in &legs {
        assert!(screen.contains(&format!("only {leg}")), "{screen}");
    }
    assert!(screen.contains("the whole call"), "{screen}");
    assert!(footer(&app).contains("pick"), "{}", footer(&app));
    // ↓ Enter picks the second leg, and asks first; "no" goes back.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    let question = format!("Hang up {}?", legs[1]);
    assert!(render(&app).contains(&question), "{}", render(&app));
    press(&mut app, KeyCode::Char('n'));
    assert!(sent.try_recv().is_err(), "nothing sent on no");
    assert!(render(&app).contains("which?"), "{}", render(&app));
    // Its number picks it too; yes sends that leg's Hangup only.
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('y'));
    let request = only_request(&mut sent);
    assert_eq!(request.action.name(), "Hangup");
    assert_eq!(headers(&request), [("Channel", legs[1].as_str())]);
    assert!(app.operator.ui.overlay.is_none());
}

#[test]
fn hangup_of_the_whole_call_asks_first_and_hangs_up_every_leg() {
    let (mut app, mut sent) = acting(false);
    let legs = call_legs(&mut app);
    press(&mut app, KeyCode::Char('H'));
    for _ in 0..legs.len() {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    let screen = render(&app);
    assert!(screen.contains("Hang up the whole call"), "{screen}");
    assert!(sent.try_recv().is_err(), "nothing sent before yes");
    press(&mut app, KeyCode::Char('y'));
    let mut channels = Vec::new();
    while let Ok(request) = sent.try_recv() {
        assert_eq!(request.action.name(), "Hangup");
        channels.push(request.action.get("Channel").unwrap().to_owned());
    }
    assert_eq!(channels, legs);
}

#[test]
fn waiting_callers_are_channels_and_member_keys_say_where_they_work() {
    let (mut app, mut sent) = acting(false);
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('P'));
    assert!(app.operator.ui.overlay.is_none());
    // The queue is open already: it says where its members are.
    let said = footer(&app);
    assert!(said.contains("Tab to this queue's members"), "{said}");
    press(&mut app, KeyCode::Char('r'));
    assert!(render(&app).contains("Redirect"));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('H'));
    assert!(render(&app).contains("Hang up SIP/frank-00000005?"));
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(
        headers(&only_request(&mut sent)),
        [("Channel", "SIP/frank-00000005")]
    );
}

#[test]
fn penalty_opens_on_the_current_penalty_and_typing_replaces_it() {
    let (mut app, mut sent) = acting(false);
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Char('p'));
    let Some(amitop::ui::form::Overlay::Form(form)) = &app.operator.ui.overlay else {
        panic!("the penalty form is open");
    };
    assert_eq!(form.focus(), 1, "the cursor is on Penalty");
    let current = form.value(1).to_owned();
    assert!(!current.is_empty(), "pre-filled with the current penalty");
    type_text(&mut app, "7");
    press(&mut app, KeyCode::Enter);
    let request = only_request(&mut sent);
    assert_eq!(request.action.get("Penalty"), Some("7"));
}

#[test]
fn a_paste_fills_the_field_and_never_submits() {
    let (mut app, mut sent) = acting(false);
    press(&mut app, KeyCode::Char('o'));
    app.handle(
        Msg::Input(crossterm::event::Event::Paste(
            "PJSIP/300\nExten: 2002".into(),
        )),
        NOW,
    );
    assert!(sent.try_recv().is_err(), "a paste never submits");
    let Some(amitop::ui::form::Overlay::Form(form)) = &app.operator.ui.overlay else {
        panic!("the form stays open");
    };
    assert_eq!(form.value(0), "PJSIP/300\nExten: 2002");
    press(&mut app, KeyCode::Enter);
    assert!(sent.try_recv().is_err());
    let screen = render(&app);
    assert!(screen.contains("line break"), "{screen}");
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

#[test]
fn the_console_keeps_a_history_across_openings() {
    let (mut app, mut sent) = acting(false);
    for command in ["core show uptime", "sip show peers"] {
        press(&mut app, KeyCode::Char(':'));
        type_text(&mut app, command);
        press(&mut app, KeyCode::Enter);
        let request = only_request(&mut sent);
        reply(
            &mut app,
            request,
            response(&[("Response", "Success"), ("Output", "ok")]),
        );
        press(&mut app, KeyCode::Esc);
    }
    press(&mut app, KeyCode::Char(':'));
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        only_request(&mut sent).action.get("Command"),
        Some("core show uptime")
    );
}

/// On the Agents pane the member keys act on the selected agent, in the
/// queue the form names: pre-filled with the one its state is in.
#[test]
fn member_actions_work_on_an_agent() {
    let (mut app, mut sent) = acting(false);
    press(&mut app, KeyCode::Char('6'));
    // Erin, paused for lunch, comes first.
    press(&mut app, KeyCode::Char('P'));
    let form = render(&app);
    assert!(form.contains("Pause / unpause member"), "{form}");
    // The Queue field says what leaving it empty does.
    press(&mut app, KeyCode::Tab);
    let form = render(&app);
    assert!(
        form.contains("empty: pause or unpause it in every queue"),
        "{form}"
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        headers(&only_request(&mut sent)),
        [
            ("Interface", "SIP/agent2"),
            ("Paused", "false"),
            ("Queue", "support"),
        ]
    );
    app.operator.ui.overlay = None;

    press(&mut app, KeyCode::Char('x'));
    let form = render(&app);
    assert!(form.contains("Remove queue member"), "{form}");
    // The queue is asked for (focused, pre-filled): typed over, the
    // other queue is sent.
    type_text(&mut app, "sales");
    press(&mut app, KeyCode::Enter);
    assert!(render(&app).contains("Remove SIP/agent2 from queue sales?"));
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        headers(&only_request(&mut sent)),
        [("Queue", "sales"), ("Interface", "SIP/agent2")]
    );
}
