//! The "any action" form: an action name (completed from what the server's
//! `ListCommands` lists) and header lines, sent as typed.

use crate::ops::any_action::{any_action, header_line};
use crate::ops::check::Check;
use crate::ops::form::{FieldError, FieldSpec, Form, FormDef};
use crate::ops::op::{Op, Request};

const HEADER_HELP: &str = "A header as Key: Value (e.g. Channel: PJSIP/100-00000001), or empty";

/// The field labels of the header lines.
const HEADERS: [&str; 6] = [
    "Header 1", "Header 2", "Header 3", "Header 4", "Header 5", "Header 6",
];

pub(in crate::ops) static ANY_ACTION: FormDef = FormDef {
    fields: &[
        FieldSpec::new(
            "Action",
            "The action's name, e.g. JabberSend or CoreStatus (Tab completes it)",
        ),
        FieldSpec::new(HEADERS[0], HEADER_HELP),
        FieldSpec::new(HEADERS[1], HEADER_HELP),
        FieldSpec::new(HEADERS[2], HEADER_HELP),
        FieldSpec::new(HEADERS[3], HEADER_HELP),
        FieldSpec::new(HEADERS[4], HEADER_HELP),
        FieldSpec::new(HEADERS[5], HEADER_HELP),
    ],
    build: action_and_headers,
};

/// Read-only mode is checked when the request is sent (see
/// [`crate::ops::permit`]), so the form only checks the framing.
fn action_and_headers(form: &Form) -> Result<Request, Vec<FieldError>> {
    let mut check = Check::new(form);
    let name = check.required("Action").unwrap_or_default();
    if name.contains(char::is_whitespace) {
        check.fail("Action", "an action's name is one word, e.g. CoreStatus");
    }
    let mut headers = Vec::new();
    for label in HEADERS {
        let Some(line) = check.optional(label) else {
            continue;
        };
        match header_line(line) {
            Some(header) => headers.push(header),
            None => check.fail(label, "a header is Key: Value"),
        }
    }
    let action = match any_action(name, headers, false) {
        Ok(action) => action,
        Err(why) => {
            check.fail("Action", why);
            crate::ami::Action::new(name)
        }
    };
    check.finish(Request::new(Op::AnyAction, action))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{errors, form, pairs, sent};
    use super::*;

    #[test]
    fn header_lines_are_sent_as_typed_in_order() {
        let filled = form(
            Op::AnyAction,
            &[
                ("Action", "JabberSend"),
                ("Header 1", "Jabber: asterisk"),
                ("Header 3", "JID: bob@example.com"),
                ("Header 4", "Message: a: b"),
            ],
        );
        assert_eq!(filled.submit().unwrap().action.name(), "JabberSend");
        assert_eq!(
            sent(&filled),
            pairs(&[
                ("Jabber", "asterisk"),
                ("JID", "bob@example.com"),
                ("Message", "a: b"),
            ])
        );
    }

    #[test]
    fn a_bad_line_or_name_is_named() {
        let bad = form(
            Op::AnyAction,
            &[("Action", "Core Status"), ("Header 2", "no colon")],
        );
        let labels: Vec<&str> = errors(&bad).into_iter().map(|(l, _)| l).collect();
        assert_eq!(labels, ["Action", "Header 2"]);
        let id = form(
            Op::AnyAction,
            &[("Action", "Ping"), ("Header 1", "ActionID: 9")],
        );
        assert_eq!(errors(&id)[0].0, "Action");
    }
}
