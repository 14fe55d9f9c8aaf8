//! The operator actions of `amitop::ops` over real TCP: each form and row
//! action goes through the real session to the test PBX, which records
//! what arrived (compared as a list of headers, ActionID left out) and
//! acts on it; the replies are described as the user will read them.

use std::time::Duration;

use amitop::ami::session::{AuthMode, ConnectionState, Reply, SendError, SessionEvent};
use amitop::ami::{Action, SessionConfig, SessionEvents, SessionHandle, spawn};
use amitop::ops::{self, Op, OriginateWatch, Outcome, Refusal, Request, Selection, Start};
use amitop::sim::{PbxConfig, SimUser, TestPbx};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::time::timeout;

/// Upper bound for anything to arrive; passing tests never wait this long.
const WAIT: Duration = Duration::from_secs(5);

fn pbx_config() -> PbxConfig {
    PbxConfig {
        users: vec![
            SimUser::new("amitop", "secret", true),
            SimUser::new("viewer", "viewer-secret", false),
        ],
        login_failure_delay: Duration::from_millis(10),
        ..PbxConfig::default()
    }
}

fn session_config(port: u16, user: &str, secret: &str) -> SessionConfig {
    let mut config = SessionConfig::new("127.0.0.1", port, user, secret);
    config.reconnect = false;
    config.ping_interval = Duration::ZERO;
    config
}

/// Logs in and waits until the session says so.
async fn log_in(config: SessionConfig) -> (SessionHandle, SessionEvents) {
    let (handle, mut events) = spawn(config);
    let logged_in = async {
        loop {
            match events.recv().await {
                Some(SessionEvent::State(ConnectionState::LoggedIn { .. })) => return,
                Some(SessionEvent::State(ConnectionState::Connecting { .. })) | Some(_) => {}
                None => panic!("the session ended before logging in"),
            }
        }
    };
    timeout(WAIT, logged_in).await.expect("login in time");
    (handle, events)
}

/// A PBX and a session logged in as `user`, with the login forgotten by
/// the PBX so `received_actions` holds only what the test sends.
async fn connected(user: &str, secret: &str) -> (TestPbx, SessionHandle, SessionEvents) {
    let pbx = TestPbx::start(pbx_config()).await.unwrap();
    let (handle, events) = log_in(session_config(pbx.addr().port(), user, secret)).await;
    pbx.clear_received();
    (pbx, handle, events)
}

/// The headers of every action the PBX received, ActionID left out.
fn received(pbx: &TestPbx) -> Vec<Vec<(String, String)>> {
    pbx.received_actions()
        .iter()
        .map(|action| {
            action
                .headers()
                .filter(|(key, _)| !key.eq_ignore_ascii_case("ActionID"))
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .collect()
}

fn headers(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Starts `op` on `selection`, fills its form (if it has one) by label and
/// submits it (or picks a choice's last option); the request must be valid.
fn request(op: Op, selection: &Selection, values: &[(&str, &str)]) -> Request {
    match ops::start(op, selection, false).expect("the operation starts") {
        Start::Ready(request) => request,
        Start::Choose(choice) => choice.options.last().expect("an option").1.clone(),
        Start::Form(mut form) => {
            for (label, value) in values {
                let index = form.index_of(label).expect("a field with this label");
                form.set_value(index, *value);
            }
            form.submit()
                .unwrap_or_else(|errors| panic!("{op:?} refused: {errors:?}"))
        }
    }
}

/// Sends `request`, checks that the PBX received exactly `expected` (as
/// its last action), and describes the reply.
async fn act(
    pbx: &TestPbx,
    handle: &SessionHandle,
    request: &Request,
    expected: &[(&str, &str)],
) -> (Reply, Outcome) {
    let result = handle.send(request.action.clone()).await;
    let outcome = ops::describe(request, &result);
    assert_eq!(
        received(pbx).last(),
        Some(&headers(expected)),
        "{:?}",
        request.op
    );
    (result.expect("a reply"), outcome)
}

fn channel(name: &str) -> Selection {
    Selection {
        channel: Some(name.into()),
        ..Selection::default()
    }
}

fn member(queue: &str, interface: &str, paused: bool) -> Selection {
    Selection {
        queue: Some(queue.into()),
        interface: Some(interface.into()),
        paused: Some(paused),
        ..Selection::default()
    }
}

/// The name of the live channel of `device` (e.g. `PJSIP/100`).
fn channel_of(pbx: &TestPbx, device: &str) -> Option<String> {
    let prefix = format!("{device}-");
    pbx.snapshot()
        .channels
        .into_iter()
        .map(|c| c.name)
        .find(|name| name.starts_with(&prefix))
}

/// Feeds session events to the watch until it reports the outcome.
async fn originate_outcome(watch: &mut OriginateWatch, events: &mut SessionEvents) -> Outcome {
    let found = async {
        loop {
            match events.recv().await {
                Some(SessionEvent::Event(event)) => {
                    if let Some(outcome) = watch.event(&event) {
                        return outcome;
                    }
                }
                Some(_) => {}
                None => panic!("the session ended"),
            }
        }
    };
    timeout(WAIT, found).await.expect("an OriginateResponse")
}

#[tokio::test]
async fn originate_sends_milliseconds_repeated_variables_and_async_and_a_call_appears() {
    let (pbx, handle, mut events) = connected("amitop", "secret").await;
    let originate = request(
        Op::Originate,
        &Selection::default(),
        &[
            ("Channel", "PJSIP/300"),
            ("Exten", "2002"),
            ("Context", "from-internal"),
            ("CallerID", "\"Front desk\" <300>"),
            ("Timeout", "20"),
            ("Account", "desk"),
            ("Variables", "TEAM=blue, PRIORITY_CALL=1"),
        ],
    );
    let (reply, outcome) = act(
        &pbx,
        &handle,
        &originate,
        &[
            ("Action", "Originate"),
            ("Channel", "PJSIP/300"),
            ("Exten", "2002"),
            ("Context", "from-internal"),
            ("Priority", "1"),
            ("CallerID", "\"Front desk\" <300>"),
            ("Timeout", "20000"),
            ("Account", "desk"),
            ("Variable", "TEAM=blue"),
            ("Variable", "PRIORITY_CALL=1"),
            ("Async", "true"),
        ],
    )
    .await;
    assert_eq!(
        outcome,
        Outcome {
            ok: true,
            summary: "Originate a call: Originate successfully queued".into(),
            details: Vec::new(),
        }
    );

    let mut watch = OriginateWatch::new();
    let answered = match watch.accepted(&originate, &reply) {
        Some(outcome) => outcome,
        None => originate_outcome(&mut watch, &mut events).await,
    };
    assert!(answered.ok, "{answered:?}");
    assert!(
        answered
            .summary
            .starts_with("Originate: PJSIP/300 answered as PJSIP/300-"),
        "{answered:?}"
    );
    assert!(channel_of(&pbx, "PJSIP/300").is_some());
}

#[tokio::test]
async fn transfers_and_hangup_act_on_the_selected_channel() {
    let (pbx, handle, _events) = connected("amitop", "secret").await;
    pbx.start_call("100", "2001", "Ann");
    pbx.start_call("101", "2002", "Ben");
    pbx.start_call("102", "2003", "Cy");

    let first = channel_of(&pbx, "PJSIP/100").unwrap();
    let atxfer = request(Op::Atxfer, &channel(&first), &[("Exten", "2004")]);
    let (_, outcome) = act(
        &pbx,
        &handle,
        &atxfer,
        &[("Action", "Atxfer"), ("Channel", &first), ("Exten", "2004")],
    )
    .await;
    assert!(outcome.ok, "{outcome:?}");

    let second = channel_of(&pbx, "PJSIP/101").unwrap();
    let redirect = request(
        Op::Redirect,
        &channel(&second),
        &[("Exten", "600"), ("Context", "default")],
    );
    let (_, outcome) = act(
        &pbx,
        &handle,
        &redirect,
        &[
            ("Action", "Redirect"),
            ("Channel", &second),
            ("Exten", "600"),
            ("Context", "default"),
            ("Priority", "1"),
        ],
    )
    .await;
    assert_eq!(
        outcome.summary,
        "Redirect (blind transfer): Redirect successful"
    );

    let third = channel_of(&pbx, "PJSIP/102").unwrap();
    let hangup = request(Op::Hangup, &channel(&third), &[]);
    assert_eq!(
        hangup.confirmation(),
        Some(format!("Hang up {third}?").as_str())
    );
    let (_, outcome) = act(
        &pbx,
        &handle,
        &hangup,
        &[("Action", "Hangup"), ("Channel", &third)],
    )
    .await;
    assert_eq!(outcome.summary, "Hang up: Channel Hungup");
    assert_eq!(channel_of(&pbx, "PJSIP/102"), None);
}

#[tokio::test]
async fn queue_actions_change_the_members() {
    let (pbx, handle, _events) = connected("amitop", "secret").await;
    let member_of = |queue: &str, interface: &str| {
        pbx.snapshot()
            .queues
            .into_iter()
            .find(|q| q.name == queue)
            .and_then(|q| q.members.into_iter().find(|m| m.interface == interface))
    };

    let penalty = request(
        Op::QueuePenalty,
        &member("support", "SIP/3003", false),
        &[("Penalty", "5")],
    );
    let (_, outcome) = act(
        &pbx,
        &handle,
        &penalty,
        &[
            ("Action", "QueuePenalty"),
            ("Interface", "SIP/3003"),
            ("Penalty", "5"),
            ("Queue", "support"),
        ],
    )
    .await;
    assert!(outcome.ok, "{outcome:?}");
    assert_eq!(member_of("support", "SIP/3003").unwrap().penalty, 5);

    let pause = request(
        Op::QueuePause,
        &member("support", "SIP/3002", false),
        &[("Reason", "lunch")],
    );
    let (_, outcome) = act(
        &pbx,
        &handle,
        &pause,
        &[
            ("Action", "QueuePause"),
            ("Interface", "SIP/3002"),
            ("Paused", "true"),
            ("Queue", "support"),
            ("Reason", "lunch"),
        ],
    )
    .await;
    assert_eq!(
        outcome.summary,
        "Pause / unpause member: Interface paused successfully"
    );
    let bob = member_of("support", "SIP/3002").unwrap();
    assert!(bob.paused);
    assert_eq!(bob.paused_reason, "lunch");

    let sales = Selection {
        queue: Some("sales".into()),
        ..Selection::default()
    };
    let add = request(
        Op::QueueAdd,
        &sales,
        &[("Interface", "SIP/3005"), ("MemberName", "Eve")],
    );
    act(
        &pbx,
        &handle,
        &add,
        &[
            ("Action", "QueueAdd"),
            ("Queue", "sales"),
            ("Interface", "SIP/3005"),
            ("Penalty", "0"),
            ("MemberName", "Eve"),
        ],
    )
    .await;
    assert_eq!(member_of("sales", "SIP/3005").unwrap().name, "Eve");

    let remove = request(Op::QueueRemove, &member("sales", "SIP/3005", false), &[]);
    assert!(remove.confirmation().is_some());
    let (_, outcome) = act(
        &pbx,
        &handle,
        &remove,
        &[
            ("Action", "QueueRemove"),
            ("Queue", "sales"),
            ("Interface", "SIP/3005"),
        ],
    )
    .await;
    assert!(outcome.ok, "{outcome:?}");
    assert!(member_of("sales", "SIP/3005").is_none());

    let rules = request(Op::QueueRules, &Selection::default(), &[]);
    let (_, outcome) = act(&pbx, &handle, &rules, &[("Action", "QueueRule")]).await;
    assert_eq!(outcome.summary, "2 queue rules");
    assert!(
        outcome.details.contains(&"escalate".to_owned()),
        "{outcome:?}"
    );

    let summary = request(Op::QueueSummary, &Selection::default(), &[]);
    let (_, outcome) = act(&pbx, &handle, &summary, &[("Action", "QueueSummary")]).await;
    assert_eq!(outcome.details.len(), 2, "{outcome:?}");
    assert!(
        outcome.details[0].starts_with("support: 3 logged in"),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn module_form_checks_unloads_and_reloads() {
    let (pbx, handle, _events) = connected("amitop", "secret").await;
    let none = Selection::default();
    let module = |name: &str, load_type: &str| {
        request(
            Op::Module,
            &none,
            &[("Module", name), ("LoadType", load_type)],
        )
    };

    let (_, outcome) = act(
        &pbx,
        &handle,
        &module("app_echo.so", "check"),
        &[("Action", "ModuleCheck"), ("Module", "app_echo.so")],
    )
    .await;
    assert_eq!(outcome.summary, "app_echo.so is loaded");

    let unload = module("app_echo.so", "unload");
    assert!(unload.confirmation().is_some());
    let (_, outcome) = act(
        &pbx,
        &handle,
        &unload,
        &[
            ("Action", "ModuleLoad"),
            ("LoadType", "unload"),
            ("Module", "app_echo.so"),
        ],
    )
    .await;
    assert!(outcome.ok, "{outcome:?}");

    let (_, outcome) = act(
        &pbx,
        &handle,
        &module("app_echo", "check"),
        &[("Action", "ModuleCheck"), ("Module", "app_echo")],
    )
    .await;
    assert_eq!(
        outcome,
        Outcome {
            ok: true,
            summary: "app_echo is not loaded".into(),
            details: Vec::new(),
        }
    );

    let (_, outcome) = act(
        &pbx,
        &handle,
        &module("", "reload"),
        &[("Action", "ModuleLoad"), ("LoadType", "reload")],
    )
    .await;
    assert!(outcome.ok, "{outcome:?}");
}

#[tokio::test]
async fn the_console_shows_command_output_in_both_reply_forms() {
    for legacy in [false, true] {
        let pbx = TestPbx::start(PbxConfig {
            legacy_command: legacy,
            ..pbx_config()
        })
        .await
        .unwrap();
        let (handle, _events) = log_in(session_config(pbx.addr().port(), "amitop", "secret")).await;
        let console = request(
            Op::Console,
            &Selection::default(),
            &[("Command", "core show version")],
        );
        let (_, outcome) = act(
            &pbx,
            &handle,
            &console,
            &[("Action", "Command"), ("Command", "core show version")],
        )
        .await;
        assert!(outcome.ok, "{outcome:?}");
        assert!(
            outcome
                .details
                .iter()
                .any(|line| line.contains("Asterisk 22.10.1")),
            "legacy {legacy}: {outcome:?}"
        );
    }
}

#[tokio::test]
async fn invalid_input_never_reaches_the_wire() {
    let (pbx, handle, _events) = connected("amitop", "secret").await;
    let selection = Selection {
        channel: Some("PJSIP/100-00000001".into()),
        ..member("support", "SIP/3002", false)
    };
    let bad_forms: [(Op, &[(&str, &str)]); 6] = [
        (
            Op::Originate,
            &[
                ("Channel", "PJSIP/100"),
                ("Application", "Wait\r\nAction: Hangup"),
            ],
        ),
        (Op::Originate, &[("Channel", "100"), ("Exten", "200")]),
        (Op::QueuePenalty, &[("Penalty", "-1")]),
        (
            Op::Redirect,
            &[("Exten", "200\nAction: Originate"), ("Context", "x")],
        ),
        (
            Op::Module,
            &[("Module", "app_echo"), ("LoadType", "unload")],
        ),
        (Op::Console, &[("Command", "")]),
    ];
    for (op, values) in bad_forms {
        let Ok(Start::Form(mut form)) = ops::start(op, &selection, false) else {
            panic!("{op:?} has a form");
        };
        for (label, value) in values {
            form.set_value(form.index_of(label).unwrap(), *value);
        }
        let errors = form.submit().expect_err("refused before sending");
        assert!(!errors.is_empty());
    }
    // Even an action built by hand with a line break is stopped by the session.
    let smuggled = Action::new("Hangup").header("Channel", "x\r\nAction: Originate");
    assert!(matches!(
        handle.send(smuggled).await,
        Err(SendError::Invalid(_))
    ));
    // A Ping after all that is the first thing the PBX sees.
    handle.send(Action::new("Ping")).await.unwrap();
    assert_eq!(received(&pbx), [headers(&[("Action", "Ping")])]);
}

#[tokio::test]
async fn errors_and_permission_refusals_are_explained() {
    let (pbx, handle, _events) = connected("amitop", "secret").await;
    let gone = request(Op::Hangup, &channel("PJSIP/999-00000099"), &[]);
    let (_, outcome) = act(
        &pbx,
        &handle,
        &gone,
        &[("Action", "Hangup"), ("Channel", "PJSIP/999-00000099")],
    )
    .await;
    assert_eq!(
        outcome,
        Outcome {
            ok: false,
            summary: "Hang up failed: No such channel".into(),
            details: Vec::new(),
        }
    );

    let (viewer_pbx, viewer, _events) = connected("viewer", "viewer-secret").await;
    let originate = request(
        Op::Originate,
        &Selection::default(),
        &[
            ("Channel", "Local/100@test/n"),
            ("Application", "Wait"),
            ("Data", "1"),
        ],
    );
    let (_, outcome) = act(
        &viewer_pbx,
        &viewer,
        &originate,
        &[
            ("Action", "Originate"),
            ("Channel", "Local/100@test/n"),
            ("Application", "Wait"),
            ("Data", "1"),
            ("Timeout", "30000"),
            ("Async", "true"),
        ],
    )
    .await;
    assert!(!outcome.ok);
    assert!(
        outcome.summary.starts_with("Permission denied")
            && outcome.summary.contains("`originate` write permission"),
        "{outcome:?}"
    );
}

/// An AMI server that accepts any plain login, then never answers again.
async fn silent_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        stream
            .write_all(b"Asterisk Call Manager/11.0.0\r\n")
            .await
            .unwrap();
        let mut request = Vec::new();
        let mut byte = [0u8; 1];
        while !request.ends_with(b"\r\n\r\n") {
            if stream.read(&mut byte).await.unwrap() == 0 {
                return;
            }
            request.push(byte[0]);
        }
        let text = String::from_utf8_lossy(&request);
        let action_id = text
            .lines()
            .find_map(|line| line.strip_prefix("ActionID: "))
            .unwrap_or_default();
        let accepted = format!(
            "Response: Success\r\nActionID: {action_id}\r\nMessage: Authentication accepted\r\n\r\n"
        );
        stream.write_all(accepted.as_bytes()).await.unwrap();
        // Read and ignore everything else.
        let mut sink = [0u8; 512];
        while stream.read(&mut sink).await.is_ok_and(|n| n > 0) {}
    });
    port
}

#[tokio::test]
async fn a_missing_reply_is_described_as_a_timeout() {
    let port = silent_server().await;
    let mut config = session_config(port, "amitop", "secret");
    config.auth = AuthMode::Plain;
    let (handle, _events) = log_in(config).await;
    let hangup = request(Op::Hangup, &channel("PJSIP/100-00000001"), &[]);
    let result = handle
        .send_with_timeout(hangup.action.clone(), Duration::from_millis(100))
        .await;
    let outcome = ops::describe(&hangup, &result);
    assert!(!outcome.ok);
    assert_eq!(
        outcome.summary,
        "Hang up: no reply within 0.1 s; it may still have been carried out"
    );
}

#[tokio::test]
async fn read_only_mode_sends_nothing_that_changes_the_pbx() {
    let (pbx, _handle, _events) = connected("amitop", "secret").await;
    let everything = Selection {
        channel: Some("PJSIP/100-00000001".into()),
        object: Some("SIP/2001".into()),
        ..member("support", "SIP/3002", false)
    };
    for op in Op::ALL {
        if op.allowed_read_only() {
            assert!(ops::start(op, &everything, true).is_ok(), "{op:?}");
        } else {
            assert_eq!(
                ops::start(op, &everything, true),
                Err(Refusal::ReadOnly),
                "{op:?}"
            );
        }
    }
    assert!(received(&pbx).is_empty());
}

/// Sends a builder's action and checks the PBX received exactly these
/// headers; returns the reply.
async fn sent_as(
    pbx: &TestPbx,
    handle: &SessionHandle,
    action: Action,
    expected: &[(&str, &str)],
) -> Reply {
    let reply = handle.send(action).await.expect("a reply");
    assert_eq!(received(pbx).last(), Some(&headers(expected)));
    reply
}

#[tokio::test]
async fn park_and_pick_up_send_the_headers_each_asterisk_wants() {
    use amitop::ops::parking::{self, ParkingApi};
    let (pbx, handle, _events) = connected("amitop", "secret").await;
    let call = Action::new("Originate")
        .header("Channel", "PJSIP/300")
        .header("Context", "default")
        .header("Exten", "2002");
    handle.send(call).await.unwrap();
    let callee = channel_of(&pbx, "SIP/2002").expect("the callee's channel");
    let caller = channel_of(&pbx, "PJSIP/300").expect("the caller's channel");
    // No Parkinglot: Asterisk picks the parker's lot.
    let reply = sent_as(
        &pbx,
        &handle,
        parking::park(ParkingApi::ResParking, &callee, &caller, None),
        &[
            ("Action", "Park"),
            ("Channel", &callee),
            ("TimeoutChannel", &caller),
        ],
    )
    .await;
    assert!(reply.response.is("Message", "Park successful"));
    let reply = sent_as(
        &pbx,
        &handle,
        parking::pick_up("PJSIP/301", "parkedcalls", "701"),
        &[
            ("Action", "Originate"),
            ("Channel", "PJSIP/301"),
            ("Context", "parkedcalls"),
            ("Exten", "701"),
            ("Priority", "1"),
            ("Async", "true"),
        ],
    )
    .await;
    assert!(reply.is_success());
    // Asterisk 1.x: Channel2, and the lot when one was chosen.
    sent_as(
        &pbx,
        &handle,
        parking::park(
            ParkingApi::Features,
            "SIP/2001-1",
            "SIP/2002-2",
            Some("vip"),
        ),
        &[
            ("Action", "Park"),
            ("Channel", "SIP/2001-1"),
            ("Channel2", "SIP/2002-2"),
            ("Parkinglot", "vip"),
        ],
    )
    .await;
}

#[tokio::test]
async fn conference_actions_send_room_and_member() {
    use amitop::ops::conference::{self, MemberAction};
    let (pbx, handle, _events) = connected("amitop", "secret").await;
    let join = Action::new("Originate")
        .header("Channel", "PJSIP/300")
        .header("Context", "default")
        .header("Exten", "800");
    handle.send(join).await.unwrap();
    let member = channel_of(&pbx, "PJSIP/300").expect("in the room");
    for (action, name, answer) in [
        (MemberAction::Mute, "ConfbridgeMute", "User muted"),
        (MemberAction::Unmute, "ConfbridgeUnmute", "User unmuted"),
        (MemberAction::Kick, "ConfbridgeKick", "User kicked"),
    ] {
        let reply = sent_as(
            &pbx,
            &handle,
            conference::confbridge_member(action, "800", &member),
            &[
                ("Action", name),
                ("Conference", "800"),
                ("Channel", &member),
            ],
        )
        .await;
        assert!(
            reply.response.is("Message", answer),
            "{name}: {:?}",
            reply.response
        );
    }
    handle
        .send(
            Action::new("Originate")
                .header("Channel", "PJSIP/301")
                .header("Context", "default")
                .header("Exten", "800"),
        )
        .await
        .unwrap();
    for lock in [true, false] {
        let [first, then] = conference::confbridge_lock("800", lock);
        let name = if lock {
            "ConfbridgeLock"
        } else {
            "ConfbridgeUnlock"
        };
        sent_as(
            &pbx,
            &handle,
            first,
            &[("Action", name), ("Conference", "800")],
        )
        .await;
        let rooms = sent_as(&pbx, &handle, then, &[("Action", "ConfbridgeListRooms")]).await;
        let locked = if lock { "Yes" } else { "No" };
        assert!(rooms.events.iter().any(|item| item.is("Locked", locked)));
    }
    let mute = conference::meetme_member(MemberAction::Mute, "800", 2).unwrap();
    sent_as(
        &pbx,
        &handle,
        mute,
        &[
            ("Action", "MeetmeMute"),
            ("Meetme", "800"),
            ("Usernum", "2"),
        ],
    )
    .await;
}

// The supervisor's keys, from the real app's keymap and selection to the
// test PBX over TCP.

mod supervisor {
    use amitop::app::operator::ActionReply;
    use amitop::app::{App, Msg};
    use amitop::ops::supervise::{RecordingSetup, SupervisorSettings};
    use amitop::resync::{Offered, ResyncUpdate};
    use crossterm::event::KeyCode;
    use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

    use crate::model_spy_target::{PHONE, hint_3001, local_queue_call};
    use crate::support::ui::{NOW, new_app, press, render, type_text};

    use super::*;

    /// The dashboard with actions on; its requests land in the receiver.
    fn dashboard() -> (App, UnboundedReceiver<Request>) {
        let (mut app, _resyncs) = new_app(160, 40);
        let (outbox, sent) = unbounded_channel();
        app.set_actions(outbox, false);
        (app, sent)
    }

    /// Selects the first row matching `filter` in the pane of key `pane`.
    fn select(app: &mut App, pane: char, filter: &str) {
        press(app, KeyCode::Char(pane));
        press(app, KeyCode::Char('/'));
        type_text(app, filter);
        press(app, KeyCode::Enter);
    }

    /// Feeds the session's events to the app until `done` holds.
    async fn follow(app: &mut App, events: &mut SessionEvents, done: impl Fn(&App) -> bool) {
        let caught_up = async {
            while !done(app) {
                match events.recv().await {
                    Some(event) => app.handle(Msg::Session(event), NOW),
                    None => panic!("the session ended"),
                }
            }
        };
        timeout(WAIT, caught_up).await.expect("the model in time");
    }

    /// Sends the one request the app made, checks the PBX received
    /// exactly `expected`, and hands the reply back to the app.
    async fn send_next(
        app: &mut App,
        sent: &mut UnboundedReceiver<Request>,
        (pbx, handle): (&TestPbx, &SessionHandle),
        expected: Vec<(String, String)>,
    ) -> Reply {
        let request = sent.try_recv().unwrap_or_else(|_| {
            let status = app.operator.ui.status.as_ref().map(|s| s.text.clone());
            panic!("the key sent no request: {status:?}")
        });
        assert!(sent.try_recv().is_err(), "one request");
        let result = handle.send(request.action.clone()).await;
        assert_eq!(received(pbx).last(), Some(&expected));
        let reply = result.as_ref().expect("a reply").clone();
        app.handle(Msg::Acted(ActionReply { request, result }), NOW);
        reply
    }

    /// The Originate of a spy from `phone` on `target`.
    fn spy(phone: &str, mode: &str, options: &str, target: &str) -> Vec<(String, String)> {
        let data = format!("{target},{options}E");
        let caller_id = format!("\"{mode} {target}\" <spy>");
        headers(&[
            ("Action", "Originate"),
            ("Channel", phone),
            ("Application", "ChanSpy"),
            ("Data", &data),
            ("CallerID", &caller_id),
            ("Async", "true"),
        ])
    }

    #[tokio::test]
    async fn spy_and_record_keys_send_chanspy_and_mixmonitor_for_the_selected_channel() {
        let (pbx, handle, mut events) = connected("amitop", "secret").await;
        let (mut app, mut sent) = dashboard();
        let to = (&pbx, &handle);
        pbx.start_call("100", "2001", "Ann");
        let target = channel_of(&pbx, "PJSIP/100").unwrap();
        follow(&mut app, &mut events, |app| {
            app.state.channels.id_by_name(&target).is_some()
        })
        .await;
        let uniqueid = app.state.channels.id_by_name(&target).unwrap().to_owned();
        select(&mut app, '1', "PJSIP/100-");

        // No supervisor configured: the form asks for the phone.
        press(&mut app, KeyCode::Char('l'));
        assert!(sent.try_recv().is_err(), "the form is open");
        type_text(&mut app, "PJSIP/200");
        press(&mut app, KeyCode::Enter);
        let listen = spy("PJSIP/200", "listen", "q", &target);
        send_next(&mut app, &mut sent, to, listen).await;
        // The phone typed is offered again: Enter alone sends.
        press(&mut app, KeyCode::Char('w'));
        press(&mut app, KeyCode::Enter);
        let whisper = spy("PJSIP/200", "whisper", "qw", &target);
        send_next(&mut app, &mut sent, to, whisper).await;

        // With `supervisor` configured, no form; barging asks first.
        app.operator.set_supervisor(SupervisorSettings {
            phone: Some("PJSIP/201".into()),
            recording: RecordingSetup {
                template: "sup/{channel}-{uniqueid}.wav".into(),
                options: "b".into(),
            },
        });
        press(&mut app, KeyCode::Char('B'));
        assert!(sent.try_recv().is_err(), "barge asks first");
        press(&mut app, KeyCode::Char('y'));
        let barge = spy("PJSIP/201", "barge", "qB", &target);
        send_next(&mut app, &mut sent, to, barge).await;

        press(&mut app, KeyCode::Char('C'));
        assert!(sent.try_recv().is_err(), "recording asks first");
        press(&mut app, KeyCode::Char('y'));
        let file = format!("sup/{}-{uniqueid}.wav", target.replace('/', "-"));
        let record = [
            ("Action", "MixMonitor"),
            ("Channel", target.as_str()),
            ("File", file.as_str()),
            ("Options", "b"),
        ];
        let reply = send_next(&mut app, &mut sent, to, headers(&record)).await;
        assert!(reply.is_success(), "{reply:?}");
        let recording_id = reply.response.get("MixMonitorID").expect("an id on 12+");
        follow(&mut app, &mut events, |app| {
            app.state.supervision.recording(&uniqueid).is_some()
        })
        .await;
        let recording = app.state.supervision.recording(&uniqueid).unwrap();
        assert_eq!(recording.file.as_deref(), Some(file.as_str()));
        // Each spy's mode is what was asked (the events do not say it).
        follow(&mut app, &mut events, |app| {
            let spies = app.state.spied_by(&uniqueid);
            spies.len() == 3 && spies.iter().all(|spy| spy.mode.is_some())
        })
        .await;
        let screen = render(&app);
        assert!(screen.contains(&format!("●◉ {target}")), "{screen}");
        press(&mut app, KeyCode::Enter);
        let detail = render(&app);
        for mode in ["(listen)", "(whisper)", "(barge)"] {
            let spied = detail
                .lines()
                .find(|l| l.contains("spied on by") && l.contains(mode));
            assert!(spied.is_some(), "{mode}:\n{detail}");
        }
        let recording = detail.lines().find(|l| l.contains("recording to"));
        assert!(recording.is_some_and(|l| l.contains(&file)), "{detail}");
        press(&mut app, KeyCode::Esc);

        press(&mut app, KeyCode::Char('M'));
        let mute = [
            ("Action", "MixMonitorMute"),
            ("Channel", target.as_str()),
            ("Direction", "both"),
            ("State", "1"),
        ];
        send_next(&mut app, &mut sent, to, headers(&mute)).await;
        press(&mut app, KeyCode::Char('X'));
        // The stop names amitop's own recording, not the channel's first.
        let stop = [
            ("Action", "StopMixMonitor"),
            ("Channel", target.as_str()),
            ("MixMonitorID", &recording_id),
        ];
        let reply = send_next(&mut app, &mut sent, to, headers(&stop)).await;
        assert!(reply.is_success(), "{reply:?}");
        assert!(app.state.supervision.recording(&uniqueid).is_none());
    }

    #[tokio::test]
    async fn a_local_or_hint_member_is_spied_on_the_phone_it_talks_on() {
        let (pbx, handle, _events) = connected("amitop", "secret").await;
        for (interface, state_interface) in [
            ("Local/3001@agents/n", "PJSIP/3001"),
            ("hint:3001@internal", ""),
        ] {
            let (mut app, mut sent) = dashboard();
            app.operator.set_supervisor(SupervisorSettings {
                phone: Some("PJSIP/200".into()),
                ..SupervisorSettings::default()
            });
            let call = local_queue_call(interface, state_interface);
            for message in std::iter::once(hint_3001()).chain(call) {
                app.handle(Msg::Session(SessionEvent::Event(message)), NOW);
            }
            select(&mut app, '6', "Alice");
            press(&mut app, KeyCode::Char('l'));
            let listen = spy("PJSIP/200", "listen", "q", PHONE);
            send_next(&mut app, &mut sent, (&pbx, &handle), listen).await;
        }
    }

    #[tokio::test]
    async fn any_action_completes_from_list_commands_and_shows_the_whole_reply() {
        let (pbx, handle, _events) = connected("amitop", "secret").await;
        let listed = handle.send(Action::new("ListCommands")).await.unwrap();
        let names = Offered::from_list_commands(&listed).names();
        assert!(names.iter().any(|n| n == "CoreStatus"), "{names:?}");
        let (mut app, mut sent) = dashboard();
        app.handle(Msg::Resync(ResyncUpdate::Offered(names)), NOW);

        press(&mut app, KeyCode::Char('A'));
        type_text(&mut app, "corest");
        press(&mut app, KeyCode::Tab);
        press(&mut app, KeyCode::Tab);
        type_text(&mut app, "Variable: x=1");
        press(&mut app, KeyCode::Enter);
        let expected = [("Action", "CoreStatus"), ("Variable", "x=1")];
        let reply = send_next(&mut app, &mut sent, (&pbx, &handle), headers(&expected)).await;
        let Some(amitop::ui::form::Overlay::Output(shown)) = &app.operator.ui.overlay else {
            panic!("the reply is shown");
        };
        assert_eq!(shown.lines, reply.text_lines());
        assert!(shown.lines.contains(&"Response: Success".to_owned()));
        assert!(shown.copyable);
    }

    #[test]
    fn read_only_refuses_every_supervisor_key_and_any_action_but_reads() {
        let (mut app, _) = dashboard();
        let (outbox, mut sent) = unbounded_channel();
        app.set_actions(outbox, true);
        for (pane, key) in [('1', 'l'), ('1', 'w'), ('1', 'B'), ('2', 'C'), ('1', 'M')]
            .into_iter()
            .chain([('1', 'X'), ('6', 'l'), ('6', 'w'), ('6', 'B')])
        {
            press(&mut app, KeyCode::Char(pane));
            press(&mut app, KeyCode::Char(key));
            assert!(sent.try_recv().is_err(), "{key} in pane {pane}");
            let status = app.operator.ui.status.as_ref().map(|s| s.text.as_str());
            assert!(
                status.is_some_and(|s| s.starts_with("read-only mode")),
                "{key} in pane {pane}: {status:?}"
            );
        }
        for (name, allowed) in [("JabberSend", false), ("CoreStatus", true)] {
            press(&mut app, KeyCode::Char('A'));
            type_text(&mut app, name);
            press(&mut app, KeyCode::Enter);
            assert_eq!(sent.try_recv().is_ok(), allowed, "{name}");
            press(&mut app, KeyCode::Esc);
        }
    }
}
