//! Forms that place or move calls: Originate, Atxfer, Redirect.

use crate::ami::Action;

use crate::ops::check::Check;
use crate::ops::form::{FieldError, FieldSpec, Form, FormDef, Prefill};
use crate::ops::op::{Op, Request};

/// Longest Originate timeout accepted: a day (longer is surely a typo).
const MAX_TIMEOUT_SECS: f64 = 86_400.0;

pub(in crate::ops) static ORIGINATE: FormDef = FormDef {
    fields: &[
        FieldSpec::new(
            "Channel",
            "Who to call first: TECH/RESOURCE, e.g. PJSIP/100 or Local/100@from-internal",
        )
        .prefill(Prefill::ChannelDevice),
        FieldSpec::new(
            "Exten",
            "Extension to connect the answered call to (with Context and Priority)",
        ),
        FieldSpec::new("Context", "Dialplan context of Exten, e.g. from-internal"),
        FieldSpec::new("Priority", "Priority of Exten: a number from 1, or a label").default("1"),
        FieldSpec::new(
            "Application",
            "Instead of Exten: an application to run on the answered call, e.g. Playback",
        ),
        FieldSpec::new("Data", "Arguments of Application, e.g. demo-congrats"),
        FieldSpec::new(
            "CallerID",
            "Caller ID to present, e.g. \"Front desk\" <100> (optional)",
        ),
        FieldSpec::new("Timeout", "Seconds to let Channel ring before giving up").default("30"),
        FieldSpec::new("Account", "Account code for the call's CDR (optional)"),
        FieldSpec::new(
            "Variables",
            "Channel variables as NAME=value, separated by commas (optional)",
        ),
        FieldSpec::new(
            "Async",
            "yes: the reply comes at once and the call's outcome follows",
        )
        .default("yes"),
    ],
    build: originate,
};

pub(in crate::ops) static ATXFER: FormDef = FormDef {
    fields: &[
        FieldSpec::new(
            "Channel",
            "The transferring channel (the one that consults)",
        )
        .prefill(Prefill::Channel),
        FieldSpec::new("Exten", "Extension to consult before handing the call over"),
        FieldSpec::new(
            "Context",
            "Dialplan context of Exten (empty: the channel's transfer context)",
        )
        .prefill(Prefill::ChannelContext),
        FieldSpec::new(
            "Priority",
            "Only Asterisk 11 and older read it; usually left empty",
        ),
    ],
    build: atxfer,
};

pub(in crate::ops) static REDIRECT: FormDef = FormDef {
    fields: &[
        FieldSpec::new("Channel", "The channel to send elsewhere").prefill(Prefill::Channel),
        FieldSpec::new("Exten", "Extension to send it to"),
        FieldSpec::new("Context", "Dialplan context of Exten, e.g. from-internal")
            .prefill(Prefill::ChannelContext),
        FieldSpec::new("Priority", "Priority of Exten: a number from 1, or a label").default("1"),
    ],
    build: redirect,
};

fn originate(form: &Form) -> Result<Request, Vec<FieldError>> {
    let mut check = Check::new(form);
    let mut action = Action::new("Originate");
    if let Some(channel) = check.tech_resource("Channel") {
        action.push("Channel", channel);
    }
    match (check.optional("Exten"), check.optional("Application")) {
        (Some(_), Some(_)) => check.fail(
            "Application",
            "give either Exten (with Context and Priority) or Application, not both",
        ),
        (None, None) => check.fail(
            "Exten",
            "give an Exten (with Context and Priority), or an Application",
        ),
        (Some(exten), None) => {
            if check.optional("Data").is_some() {
                check.fail("Data", "Data goes with Application, not with Exten");
            }
            let context = check.required("Context");
            let priority = check.priority("Priority");
            if priority.is_none() {
                // Kept only when Priority has no error yet (it is empty).
                check.fail("Priority", "Priority is required with Exten");
            }
            action.push("Exten", exten);
            action.push("Context", context.unwrap_or_default());
            action.push("Priority", priority.unwrap_or_default());
        }
        (None, Some(application)) => {
            action.push("Application", application);
            if let Some(data) = check.optional("Data") {
                action.push("Data", data);
            }
        }
    }
    if let Some(caller_id) = check.optional("CallerID") {
        action.push("CallerID", caller_id);
    }
    if let Some(millis) = timeout_millis(&mut check) {
        action.push("Timeout", millis.to_string());
    }
    if let Some(account) = check.optional("Account") {
        action.push("Account", account);
    }
    for variable in variables(&mut check) {
        action.push("Variable", variable);
    }
    if check.yes_no("Async") {
        action.push("Async", "true");
    }
    check.finish(Request::new(Op::Originate, action))
}

/// The Timeout field, in seconds (fractions allowed), as milliseconds for
/// the wire; `None` when empty (Asterisk's default of 30 s applies).
fn timeout_millis(check: &mut Check) -> Option<u64> {
    let text = check.optional("Timeout")?;
    match text.parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs <= MAX_TIMEOUT_SECS => {
            // In range, so the product fits and rounds to a whole count.
            Some((secs * 1000.0).round() as u64)
        }
        _ => {
            check.fail(
                "Timeout",
                format!(
                    "Timeout must be a number of seconds above 0 and at most {MAX_TIMEOUT_SECS}"
                ),
            );
            None
        }
    }
}

/// The Variables field split into `NAME=value` items, each sent as its own
/// `Variable:` header. Asterisk splits a `Variable` value at commas, so a
/// value cannot hold one anyway.
fn variables<'a>(check: &mut Check<'a>) -> Vec<&'a str> {
    let Some(text) = check.optional("Variables") else {
        return Vec::new();
    };
    let items: Vec<&str> = text
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .collect();
    let bad = items.iter().find(|item| {
        item.split_once('=')
            .is_none_or(|(name, _)| name.is_empty() || name.contains(char::is_whitespace))
    });
    if let Some(bad) = bad {
        check.fail(
            "Variables",
            format!("{bad:?} is not NAME=value (a name without spaces, then =)"),
        );
    }
    items
}

fn atxfer(form: &Form) -> Result<Request, Vec<FieldError>> {
    let mut check = Check::new(form);
    let mut action = Action::new("Atxfer");
    if let Some(channel) = check.tech_resource("Channel") {
        action.push("Channel", channel);
    }
    if let Some(exten) = check.required("Exten") {
        action.push("Exten", exten);
    }
    if let Some(context) = check.optional("Context") {
        action.push("Context", context);
    }
    if let Some(priority) = check.priority("Priority") {
        action.push("Priority", priority);
    }
    check.finish(Request::new(Op::Atxfer, action))
}

fn redirect(form: &Form) -> Result<Request, Vec<FieldError>> {
    let mut check = Check::new(form);
    let mut action = Action::new("Redirect");
    if let Some(channel) = check.tech_resource("Channel") {
        action.push("Channel", channel);
    }
    let exten = check.required("Exten");
    let context = check.required("Context");
    let priority = check.priority("Priority");
    if priority.is_none() {
        check.fail("Priority", "Priority is required");
    }
    action.push("Exten", exten.unwrap_or_default());
    action.push("Context", context.unwrap_or_default());
    action.push("Priority", priority.unwrap_or_default());
    check.finish(Request::new(Op::Redirect, action))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::forms::testing::{errors, form, pairs, sent};

    #[test]
    fn originate_to_an_extension_sends_milliseconds_repeated_variables_and_async() {
        let filled = form(
            Op::Originate,
            &[
                ("Channel", "PJSIP/100"),
                ("Exten", "200"),
                ("Context", "from-internal"),
                ("CallerID", "\"Front desk\" <100>"),
                ("Timeout", "2.5"),
                ("Account", "sales"),
                ("Variables", "A=1, B=two words ,C="),
            ],
        );
        assert_eq!(
            sent(&filled),
            pairs(&[
                ("Channel", "PJSIP/100"),
                ("Exten", "200"),
                ("Context", "from-internal"),
                ("Priority", "1"),
                ("CallerID", "\"Front desk\" <100>"),
                ("Timeout", "2500"),
                ("Account", "sales"),
                ("Variable", "A=1"),
                ("Variable", "B=two words"),
                ("Variable", "C="),
                ("Async", "true"),
            ])
        );
    }

    #[test]
    fn originate_to_an_application_leaves_the_dialplan_fields_out() {
        let filled = form(
            Op::Originate,
            &[
                ("Channel", "Local/100@test/n"),
                ("Application", "Playback"),
                ("Data", "demo-congrats"),
                ("Timeout", ""),
                ("Async", "no"),
            ],
        );
        assert_eq!(
            sent(&filled),
            pairs(&[
                ("Channel", "Local/100@test/n"),
                ("Application", "Playback"),
                ("Data", "demo-congrats"),
            ])
        );
    }

    #[test]
    fn originate_errors_name_each_bad_field() {
        let filled = form(
            Op::Originate,
            &[
                ("Channel", "100"),
                ("Exten", "200"),
                ("Priority", "0"),
                ("Data", "x"),
                ("Timeout", "soon"),
                ("Variables", "A=1,novalue"),
                ("Async", "maybe"),
            ],
        );
        let found = errors(&filled);
        let labels: Vec<&str> = found.iter().map(|(label, _)| *label).collect();
        assert_eq!(
            labels,
            [
                "Channel",
                "Context",
                "Priority",
                "Data",
                "Timeout",
                "Variables",
                "Async"
            ]
        );
        assert!(found[0].1.contains("TECH/RESOURCE"), "{found:?}");
        assert!(found[5].1.contains("\"novalue\""), "{found:?}");

        let neither = form(Op::Originate, &[("Channel", "PJSIP/100")]);
        assert_eq!(errors(&neither)[0].0, "Exten");
        let both = form(
            Op::Originate,
            &[
                ("Channel", "PJSIP/100"),
                ("Exten", "200"),
                ("Context", "x"),
                ("Application", "Wait"),
            ],
        );
        assert_eq!(errors(&both)[0].0, "Application");
        for timeout in ["0", "-3", "86401", "NaN", "inf"] {
            let bad = form(
                Op::Originate,
                &[
                    ("Channel", "PJSIP/1"),
                    ("Application", "Wait"),
                    ("Timeout", timeout),
                ],
            );
            assert_eq!(errors(&bad)[0].0, "Timeout", "{timeout}");
        }
    }

    #[test]
    fn a_line_break_in_any_field_is_refused() {
        let injected = form(
            Op::Originate,
            &[
                ("Channel", "PJSIP/100"),
                ("Application", "Wait"),
                ("CallerID", "x\r\nAction: Hangup"),
            ],
        );
        let found = errors(&injected);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "CallerID");
        assert!(found[0].1.contains("line break"));

        let lf_only = form(Op::Redirect, &[("Exten", "2\n00"), ("Context", "c")]);
        assert_eq!(errors(&lf_only)[0].0, "Exten");
    }

    #[test]
    fn atxfer_sends_only_what_was_given() {
        let filled = form(Op::Atxfer, &[("Exten", "2002")]);
        assert_eq!(
            sent(&filled),
            pairs(&[("Channel", "PJSIP/100-00000001"), ("Exten", "2002")])
        );
        let full = form(
            Op::Atxfer,
            &[
                ("Exten", "2002"),
                ("Context", "from-internal"),
                ("Priority", "1"),
            ],
        );
        assert_eq!(sent(&full).len(), 4);
        let missing = form(Op::Atxfer, &[("Channel", " ")]);
        let labels: Vec<_> = errors(&missing).into_iter().map(|(l, _)| l).collect();
        assert_eq!(labels, ["Channel", "Exten"]);
    }

    #[test]
    fn redirect_needs_exten_context_and_priority() {
        let filled = form(
            Op::Redirect,
            &[("Exten", "600"), ("Context", "from-internal")],
        );
        assert_eq!(
            sent(&filled),
            pairs(&[
                ("Channel", "PJSIP/100-00000001"),
                ("Exten", "600"),
                ("Context", "from-internal"),
                ("Priority", "1"),
            ])
        );
        let labels: Vec<_> = errors(&form(Op::Redirect, &[("Priority", "")]))
            .into_iter()
            .map(|(l, _)| l)
            .collect();
        assert_eq!(labels, ["Exten", "Context", "Priority"]);
        let label = form(
            Op::Redirect,
            &[("Exten", "s"), ("Context", "ivr"), ("Priority", "start")],
        );
        assert_eq!(submitted_priority(&label), "start");
    }

    fn submitted_priority(form: &Form) -> String {
        sent(form)
            .into_iter()
            .find(|(k, _)| k == "Priority")
            .map(|(_, v)| v)
            .unwrap_or_default()
    }
}
