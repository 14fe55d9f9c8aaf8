//! An action to send to Asterisk: a name plus ordered headers.
//!
//! Why it exists: every path that writes to the wire (session, CLI `send`,
//! forms) builds one of these, and [`Action::validate`] is the single place
//! that refuses header injection (a CR or LF in a name or value would let a
//! form field smuggle a second action onto the wire).

use std::fmt;

use thiserror::Error;

/// An action as the user or the app wants it sent; the session adds the
/// `ActionID` when it writes it.
#[derive(Clone, PartialEq, Eq)]
pub struct Action {
    name: String,
    headers: Vec<(String, String)>,
}

/// Why an action cannot be written to the wire.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InvalidAction {
    #[error("the action has no name")]
    EmptyName,
    #[error("header name {0:?} is empty or contains ':', CR, LF or a space at its ends")]
    BadKey(String),
    #[error("the value of {0} contains a line break (CR or LF)")]
    LineBreak(String),
    #[error("ActionID is chosen by the session; do not set it by hand")]
    ActionIdSet,
}

impl Action {
    /// A new action with no headers, e.g. `Action::new("Ping")`.
    pub fn new(name: impl Into<String>) -> Self {
        Action {
            name: name.into(),
            headers: Vec::new(),
        }
    }

    /// Appends a header (keys may repeat, e.g. `Variable`).
    pub fn header(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.push(key, value);
        self
    }

    /// Appends a header in place.
    pub fn push(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.headers.push((key.into(), value.into()));
    }

    /// The action name (`Originate`, `Ping`, ...).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The headers other than `Action` and `ActionID`, in order.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The first value of `key`, ignoring ASCII case.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    /// Checks that the action can be framed safely.
    pub fn validate(&self) -> Result<(), InvalidAction> {
        if self.name.trim().is_empty() {
            return Err(InvalidAction::EmptyName);
        }
        if has_line_break(&self.name) {
            return Err(InvalidAction::LineBreak("Action".into()));
        }
        for (key, value) in &self.headers {
            let bad_key = key.is_empty()
                || key.contains(':')
                || has_line_break(key)
                || key.trim() != key.as_str();
            if bad_key {
                return Err(InvalidAction::BadKey(key.clone()));
            }
            if key.eq_ignore_ascii_case("ActionID") {
                return Err(InvalidAction::ActionIdSet);
            }
            if has_line_break(value) {
                return Err(InvalidAction::LineBreak(key.clone()));
            }
        }
        Ok(())
    }

    /// The wire form with the given ActionID. Call [`Action::validate`] first.
    pub fn to_wire(&self, action_id: &str) -> String {
        let mut out = String::with_capacity(64);
        out.push_str("Action: ");
        out.push_str(&self.name);
        out.push_str("\r\nActionID: ");
        out.push_str(action_id);
        out.push_str("\r\n");
        for (key, value) in &self.headers {
            out.push_str(key);
            out.push_str(": ");
            out.push_str(value);
            out.push_str("\r\n");
        }
        out.push_str("\r\n");
        out
    }
}

fn has_line_break(s: &str) -> bool {
    s.contains(['\r', '\n'])
}

impl fmt::Debug for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        list.entry(&format_args!("Action: {}", self.name));
        for (k, v) in &self.headers {
            // Never print secrets into logs.
            let shown = if k.eq_ignore_ascii_case("Secret") || k.eq_ignore_ascii_case("Key") {
                "***"
            } else {
                v
            };
            list.entry(&format_args!("{k}: {shown}"));
        }
        list.finish()
    }
}

/// The core subsystems `ModuleLoad` takes by name instead of a module file
/// (AMI 1.1 change list): the module form and the simulator both know them.
pub const MODULE_LOAD_SUBSYSTEMS: [&str; 7] = [
    "cdr",
    "enum",
    "dnsmgr",
    "extconfig",
    "manager",
    "rtp",
    "http",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_form_puts_action_and_id_first_and_keeps_repeats() {
        let a = Action::new("Originate")
            .header("Channel", "Local/100@test")
            .header("Variable", "a=1")
            .header("Variable", "b=2");
        assert_eq!(
            a.to_wire("7"),
            "Action: Originate\r\nActionID: 7\r\nChannel: Local/100@test\r\n\
             Variable: a=1\r\nVariable: b=2\r\n\r\n"
        );
    }

    #[test]
    fn line_breaks_are_refused_everywhere() {
        let injected = Action::new("Redirect").header("Exten", "100\r\nAction: Hangup");
        assert_eq!(
            injected.validate(),
            Err(InvalidAction::LineBreak("Exten".into()))
        );
        assert!(Action::new("Ping\n").validate().is_err());
        assert!(Action::new("Ping").header("A\nB", "x").validate().is_err());
        assert!(Action::new("Ping").header("Key:", "x").validate().is_err());
        assert!(Action::new("").validate().is_err());
        assert!(
            Action::new("Ping")
                .header("ActionID", "x")
                .validate()
                .is_err()
        );
        assert!(Action::new("Ping").header("X", "").validate().is_ok());
    }

    #[test]
    fn debug_hides_secrets() {
        let a = Action::new("Login").header("Secret", "hunter2");
        assert!(!format!("{a:?}").contains("hunter2"));
    }
}
