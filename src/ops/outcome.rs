//! Telling the user how an action went, in words: the server's message on
//! success or error, what a listing returned, and — since "Permission
//! denied" alone helps nobody — which manager.conf permission is missing.

use std::time::Duration;

use crate::ami::session::{Reply, SendError};
use crate::ami::{Action, Message};

use super::op::{Op, Request};

/// The result of one action, ready to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// It went as asked (a check that finds a module not loaded counts).
    pub ok: bool,
    /// One line for the status bar or the form.
    pub summary: String,
    /// More lines when there are some: command output, rules, summaries.
    pub details: Vec<String>,
}

impl Outcome {
    pub(super) fn ok(summary: String) -> Outcome {
        Outcome {
            ok: true,
            summary,
            details: Vec::new(),
        }
    }

    pub(super) fn failed(summary: String) -> Outcome {
        Outcome {
            ok: false,
            summary,
            details: Vec::new(),
        }
    }

    fn with_details(mut self, details: Vec<String>) -> Outcome {
        self.details = details;
        self
    }
}

/// Describes the reply to `request` (or why there was none).
pub fn describe(request: &Request, result: &Result<Reply, SendError>) -> Outcome {
    match result {
        Err(error) => unanswered(request.op, error),
        Ok(reply) if reply.is_success() => answered(request, reply),
        Ok(reply) => refused(request, reply),
    }
}

fn answered(request: &Request, reply: &Reply) -> Outcome {
    let title = request.op.title();
    let action = &request.action;
    if request.op == Op::ReadDetail {
        return detail_read(action.name(), reply);
    }
    match action.name() {
        "ModuleCheck" => {
            let module = action.get("Module").unwrap_or_default();
            // Asterisk 22 sends an empty `Version:`: it reports no versions.
            let version = reply
                .response
                .get("Version")
                .filter(|v| !v.trim().is_empty());
            Outcome::ok(match version {
                Some(version) => format!("{module} is loaded (version {})", version.trim()),
                None => format!("{module} is loaded"),
            })
        }
        "Command" => {
            let command = action.get("Command").unwrap_or_default();
            let output = reply.output();
            let summary = match output.len() {
                0 => format!("{command}: no output"),
                1 => format!("{command}: 1 line"),
                n => format!("{command}: {n} lines"),
            };
            Outcome::ok(summary).with_details(output)
        }
        "QueueRule" => {
            let details = queue_rules(&reply.response);
            let rules = details.iter().filter(|line| !line.starts_with(' ')).count();
            let summary = match rules {
                0 => "no queue rules are defined (queuerules.conf)".to_owned(),
                1 => "1 queue rule".to_owned(),
                n => format!("{n} queue rules"),
            };
            Outcome::ok(summary).with_details(details)
        }
        "QueueSummary" => {
            let details: Vec<String> = reply
                .events
                .iter()
                .filter(|e| e.is("Event", "QueueSummary"))
                .map(queue_summary)
                .collect();
            Outcome::ok(format!("{title}: {} queues", details.len())).with_details(details)
        }
        _ => {
            let message = reply.message().unwrap_or_else(|| "done".to_owned());
            Outcome::ok(format!("{title}: {message}"))
        }
    }
}

/// A detail query answered `Success`: a list says how many items came;
/// anything else says what the server said, since app_voicemail answers
/// `Success` to a box it does not have ("There is no voicemail user of
/// the given info.").
fn detail_read(action: &str, reply: &Reply) -> Outcome {
    let message = reply.message().unwrap_or_default();
    if reply.response.has("EventList") {
        let items = reply.events.iter().filter(|e| !is_list_end(e)).count();
        return Outcome::ok(format!("{action}: {items} items read"));
    }
    if reply.response.has("ObjectName") || message.is_empty() {
        return Outcome::ok(format!("{action}: details read"));
    }
    Outcome::ok(format!("{action}: the server says \"{message}\""))
}

fn is_list_end(event: &Message) -> bool {
    event
        .get("EventList")
        .is_some_and(|e| e.eq_ignore_ascii_case("Complete"))
}

/// `QueueRule` answers in one message: `RuleList: name` then its
/// `Rule: seconds,max,min` lines, for each rule.
fn queue_rules(response: &Message) -> Vec<String> {
    response
        .headers()
        .filter_map(|(key, value)| {
            if key.eq_ignore_ascii_case("RuleList") {
                Some(value.into_owned())
            } else if key.eq_ignore_ascii_case("Rule") {
                Some(format!("  after {value}"))
            } else {
                None
            }
        })
        .collect()
}

fn queue_summary(event: &Message) -> String {
    let field = |key| event.get_or_empty(key).into_owned();
    format!(
        "{}: {} logged in, {} available, {} waiting, longest wait {} s",
        field("Queue"),
        field("LoggedIn"),
        field("Available"),
        field("Callers"),
        field("LongestHoldTime"),
    )
}

fn refused(request: &Request, reply: &Reply) -> Outcome {
    let action = &request.action;
    let message = reply.message().unwrap_or_default();
    if action.name() == "ModuleCheck" && message.eq_ignore_ascii_case("Module not loaded") {
        let module = action.get("Module").unwrap_or_default();
        return Outcome::ok(format!("{module} is not loaded"));
    }
    if message.eq_ignore_ascii_case("Permission denied") {
        return Outcome::failed(permission_denied(action));
    }
    if message.contains("System privilege") {
        let application = action.get("Application").unwrap_or_default();
        return Outcome::failed(format!(
            "Originate refused: {application} can run shell commands, so Asterisk also \
             requires the `system` write permission, which this AMI user lacks"
        ));
    }
    // A refused CLI command says why in its output ("No such command
    // ..."), its Message only "Command output follows".
    let output = reply.output();
    let reason = match output.first() {
        Some(first) if action.name() == "Command" => first.trim().to_owned(),
        _ if message.is_empty() => "the server gave no reason".to_owned(),
        _ => message,
    };
    let outcome = Outcome::failed(format!("{} failed: {reason}", request.op.title()));
    if output.len() > 1 {
        return outcome.with_details(output);
    }
    outcome
}

/// The write permission (manager.conf `write =` class) each action needs.
fn needed_permission(action: &str) -> Option<&'static str> {
    Some(match action {
        "Originate" => "originate",
        "Hangup" => "call (or system)",
        "Redirect" | "Atxfer" => "call",
        "QueuePenalty" | "QueuePause" | "QueueAdd" | "QueueRemove" => "agent",
        "ModuleLoad" | "ModuleCheck" => "system",
        "Command" => "command",
        "SIPshowpeer" | "IAXpeerlist" | "DAHDIShowChannels" => "reporting (or system)",
        "PJSIPShowEndpoint" => "system",
        "VoicemailBoxSummary" => "reporting (or call)",
        _ => return None,
    })
}

/// Asterisk's test for an Originate that could reach a shell, which needs
/// the `system` permission on top of `originate`.
fn runs_a_shell(action: &Action) -> bool {
    let application = action.get("Application").unwrap_or_default().to_lowercase();
    let data = action.get("Data").unwrap_or_default();
    ["system", "exec", "agi"]
        .iter()
        .any(|word| application.contains(word))
        || data.contains("SHELL")
        || data.contains("EVAL")
}

fn permission_denied(action: &Action) -> String {
    let name = action.name();
    let mut text = format!("Permission denied: this AMI user may not run {name}");
    if let Some(permission) = needed_permission(name) {
        text.push_str(&format!(
            "; it needs the `{permission}` write permission in manager.conf \
             (a read-only user, with no `write =`, can only watch)"
        ));
    }
    if name == "Originate" && runs_a_shell(action) {
        let application = action.get("Application").unwrap_or_default();
        text.push_str(&format!(
            ", and since {application} can run shell commands, `system` as well"
        ));
    }
    text
}

fn unanswered(op: Op, error: &SendError) -> Outcome {
    let title = op.title();
    Outcome::failed(match error {
        SendError::Timeout(limit) => format!(
            "{title}: no reply within {}; it may still have been carried out",
            seconds(*limit)
        ),
        SendError::NotConnected => format!("{title}: not sent, not connected to the server"),
        SendError::Disconnected => format!(
            "{title}: the connection dropped before the reply; it may or may not have been carried out"
        ),
        SendError::Closed => format!("{title}: not sent, the session has ended"),
        SendError::Invalid(why) => format!("{title}: not sent, {why}"),
    })
}

fn seconds(limit: Duration) -> String {
    let secs = limit.as_secs_f64();
    if secs.fract() == 0.0 {
        format!("{secs:.0} s")
    } else {
        format!("{secs:.1} s")
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::ami::{AmiCodec, Frame};
    use crate::ops::forms::testing::{form, submitted};
    use bytes::BytesMut;
    use tokio_util::codec::Decoder;

    /// Every message of a capture, in order.
    fn capture(name: &str) -> Vec<Message> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/ami")
            .join(name);
        let mut bytes = BytesMut::from(&std::fs::read(path).unwrap()[..]);
        let mut codec = AmiCodec::default();
        let mut messages = Vec::new();
        while let Some(frame) = codec.decode_eof(&mut bytes).unwrap() {
            if let Frame::Message(message) = frame {
                messages.push(message);
            }
        }
        messages
    }

    /// The response to `action_id` in a capture, as a reply with no events.
    fn reply_in(messages: &[Message], action_id: &str) -> Reply {
        let response = messages
            .iter()
            .find(|m| m.has("Response") && m.is("ActionID", action_id))
            .unwrap_or_else(|| panic!("no response {action_id}"))
            .clone();
        Reply {
            response,
            events: Vec::new(),
        }
    }

    fn reply(pairs: &[(&str, &str)]) -> Reply {
        Reply {
            response: Message::from_pairs(pairs.iter().copied()),
            events: Vec::new(),
        }
    }

    fn module(name: &str, load_type: &str) -> Request {
        submitted(&form(
            Op::Module,
            &[("Module", name), ("LoadType", load_type)],
        ))
    }

    #[test]
    fn module_check_on_asterisk_22_says_loaded_without_a_version() {
        let b2 = capture("b2_modules.ami");
        let loaded = describe(
            &module("app_queue.so", "check"),
            &Ok(reply_in(&b2, "b2-002")),
        );
        assert_eq!(loaded, Outcome::ok("app_queue.so is loaded".into()));
        let missing = describe(
            &module("chan_skinny.so", "check"),
            &Ok(reply_in(&b2, "b2-005")),
        );
        assert_eq!(missing, Outcome::ok("chan_skinny.so is not loaded".into()));
        let versioned = reply(&[("Response", "Success"), ("Version", "413587")]);
        assert_eq!(
            describe(&module("app_queue", "check"), &Ok(versioned)).summary,
            "app_queue is loaded (version 413587)"
        );
    }

    #[test]
    fn module_load_shows_the_server_message_or_its_error() {
        let b2 = capture("b2_modules.ami");
        let unloaded = describe(
            &module("app_echo.so", "unload"),
            &Ok(reply_in(&b2, "b2-008")),
        );
        assert!(unloaded.ok);
        assert!(
            unloaded.summary.ends_with(": Module unloaded."),
            "{unloaded:?}"
        );
        let not_found = describe(
            &module("app_nosuchthing.so", "load"),
            &Ok(reply_in(&b2, "b2-012")),
        );
        assert!(!not_found.ok);
        assert!(
            not_found.summary.ends_with("failed: Module not found."),
            "{not_found:?}"
        );
    }

    #[test]
    fn a_read_only_user_is_told_which_permission_is_missing() {
        let a4 = capture("a4_viewer_readonly.ami");
        let denied = reply_in(&a4, "a4-008");
        let originate = submitted(&form(
            Op::Originate,
            &[
                ("Channel", "Local/100@test/n"),
                ("Application", "Wait"),
                ("Data", "1"),
            ],
        ));
        let outcome = describe(&originate, &Ok(denied.clone()));
        assert!(!outcome.ok);
        assert!(outcome.summary.contains("`originate`"), "{outcome:?}");
        assert!(outcome.summary.contains("read-only"), "{outcome:?}");
        assert!(!outcome.summary.contains("system"), "{outcome:?}");

        let shell = submitted(&form(
            Op::Originate,
            &[
                ("Channel", "PJSIP/100"),
                ("Application", "TrySystem"),
                ("Data", "ls"),
            ],
        ));
        let outcome = describe(&shell, &Ok(denied.clone()));
        assert!(outcome.summary.contains("`system` as well"), "{outcome:?}");

        let queue_pause = submitted(&form(Op::QueuePause, &[]));
        let outcome = describe(&queue_pause, &Ok(denied));
        assert!(outcome.summary.contains("`agent`"), "{outcome:?}");
    }

    #[test]
    fn the_system_privilege_refusal_is_explained() {
        let shell = submitted(&form(
            Op::Originate,
            &[
                ("Channel", "PJSIP/100"),
                ("Application", "System"),
                ("Data", "reboot"),
            ],
        ));
        let refusal = reply(&[
            ("Response", "Error"),
            (
                "Message",
                "Originate with certain 'Application' arguments requires the additional System privilege, which you do not have.",
            ),
        ]);
        let outcome = describe(&shell, &Ok(refusal));
        assert!(!outcome.ok);
        assert!(
            outcome.summary.contains("System can run shell commands")
                && outcome.summary.contains("`system`"),
            "{outcome:?}"
        );
        assert!(runs_a_shell(
            &Action::new("Originate").header("Application", "EAGI")
        ));
        assert!(runs_a_shell(
            &Action::new("Originate")
                .header("Application", "NoOp")
                .header("Data", "${SHELL(id)}")
        ));
        assert!(!runs_a_shell(
            &Action::new("Originate").header("Application", "Playback")
        ));
    }

    #[test]
    fn command_output_comes_in_both_forms() {
        let console = submitted(&form(Op::Console, &[("Command", "core show uptime")]));
        let modern = reply(&[
            ("Response", "Success"),
            ("Message", "Command output follows"),
            ("Output", "System uptime: 1 hour"),
            ("Output", "Last reload: 1 hour"),
        ]);
        let outcome = describe(&console, &Ok(modern));
        assert_eq!(outcome.summary, "core show uptime: 2 lines");
        assert_eq!(
            outcome.details,
            ["System uptime: 1 hour", "Last reload: 1 hour"]
        );

        let mut codec = AmiCodec::default();
        let mut legacy = BytesMut::from(
            "Asterisk Call Manager/1.1\r\nResponse: Follows\r\nPrivilege: Command\r\n\
             System uptime: 5 minutes\n--END COMMAND--\r\n\r\n",
        );
        let mut follows = None;
        while let Some(frame) = codec.decode(&mut legacy).unwrap() {
            if let Frame::Message(message) = frame {
                follows = Some(message);
            }
        }
        let legacy = Reply {
            response: follows.expect("a Follows message"),
            events: Vec::new(),
        };
        let outcome = describe(&console, &Ok(legacy));
        assert!(outcome.ok);
        assert_eq!(outcome.details, ["System uptime: 5 minutes"]);
    }

    #[test]
    fn queue_rules_and_summaries_become_lines() {
        let b3 = capture("b3_queues.ami");
        let rules = submitted_ready(Op::QueueRules);
        let outcome = describe(&rules, &Ok(reply_in(&b3, "b3-006")));
        assert_eq!(outcome.summary, "2 queue rules");
        assert_eq!(
            outcome.details,
            [
                "escalate",
                "  after 10,+1,+0",
                "  after 20,+2,0",
                "strict",
                "  after 30,0,0"
            ]
        );

        let a4 = capture("a4_viewer_readonly.ami");
        let summary = Reply {
            events: a4
                .iter()
                .filter(|m| m.is("ActionID", "a4-007") && m.has("Event"))
                .cloned()
                .collect(),
            ..reply_in(&a4, "a4-007")
        };
        let outcome = describe(&submitted_ready(Op::QueueSummary), &Ok(summary));
        assert_eq!(outcome.summary, "Refresh queue summary: 2 queues");
        assert_eq!(
            outcome.details[0],
            "support: 3 logged in, 3 available, 0 waiting, longest wait 0 s"
        );
    }

    #[test]
    fn an_unknown_cli_command_shows_the_servers_words() {
        let b4 = capture("b4_errors.ami");
        let console = submitted(&form(Op::Console, &[("Command", "no such cli command")]));
        let outcome = describe(&console, &Ok(reply_in(&b4, "b4-012")));
        assert!(!outcome.ok);
        assert_eq!(
            outcome.summary,
            "CLI command failed: No such command 'no such cli command' \
             (type 'core show help no such' for other possible commands)"
        );
    }

    fn submitted_ready(op: Op) -> Request {
        match crate::ops::start(op, &Default::default(), false) {
            Ok(crate::ops::Start::Ready(request)) => request,
            other => panic!("{op:?}: {other:?}"),
        }
    }

    #[test]
    fn errors_and_missing_replies_are_worded() {
        let hangup = submitted_ready_hangup();
        let error = reply(&[("Response", "Error"), ("Message", "No such channel")]);
        assert_eq!(
            describe(&hangup, &Ok(error)),
            Outcome::failed("Hang up failed: No such channel".into())
        );
        let timeout = describe(&hangup, &Err(SendError::Timeout(Duration::from_secs(10))));
        assert!(!timeout.ok);
        assert!(
            timeout.summary.contains("no reply within 10 s"),
            "{timeout:?}"
        );
        let half = describe(
            &hangup,
            &Err(SendError::Timeout(Duration::from_millis(1500))),
        );
        assert!(half.summary.contains("1.5 s"), "{half:?}");
        for error in [
            SendError::NotConnected,
            SendError::Closed,
            SendError::Disconnected,
        ] {
            assert!(!describe(&hangup, &Err(error)).ok);
        }
        let ok = reply(&[("Response", "Success"), ("Message", "Channel Hungup")]);
        assert_eq!(
            describe(&hangup, &Ok(ok)),
            Outcome::ok("Hang up: Channel Hungup".into())
        );
    }

    fn submitted_ready_hangup() -> Request {
        let selection = crate::ops::forms::testing::everything();
        match crate::ops::start(Op::Hangup, &selection, false) {
            Ok(crate::ops::Start::Ready(request)) => request,
            other => panic!("{other:?}"),
        }
    }
}
