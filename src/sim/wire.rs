//! AMI messages laid out the way Asterisk writes them: `Response` then
//! `ActionID` then the rest, `Event` then its fields, and the `Follows` form
//! of `Command` output used by Asterisk up to 13.

use std::borrow::Cow;

use bytes::Bytes;

use crate::ami::Message;

/// Ordered headers of one message being built.
#[derive(Debug, Default)]
pub(super) struct Fields(Vec<(Cow<'static, str>, String)>);

impl Fields {
    /// `Event: <name>`.
    pub fn event(name: &str) -> Self {
        Fields::default().with("Event", name)
    }

    /// `Response: <status>` followed by the request's `ActionID`, if it had one.
    pub fn response(status: &str, action_id: Option<&str>) -> Self {
        Fields::default()
            .with("Response", status)
            .with_action_id(action_id)
    }

    /// Appends one header.
    pub fn with(mut self, key: impl Into<Cow<'static, str>>, value: impl Into<String>) -> Self {
        self.push(key, value);
        self
    }

    /// Appends one header in place.
    pub fn push(&mut self, key: impl Into<Cow<'static, str>>, value: impl Into<String>) {
        self.0.push((key.into(), value.into()));
    }

    /// Drops every header named `key`.
    pub fn without(mut self, key: &str) -> Self {
        self.0.retain(|(k, _)| !k.eq_ignore_ascii_case(key));
        self
    }

    /// Appends every header of `other`.
    pub fn append(&mut self, other: Fields) {
        self.0.extend(other.0);
    }

    /// Appends `ActionID` when there is one (Asterisk omits the header otherwise).
    pub fn with_action_id(self, action_id: Option<&str>) -> Self {
        match action_id {
            Some(id) => self.with("ActionID", id),
            None => self,
        }
    }

    pub fn build(self) -> Message {
        Message::from_pairs(self.0)
    }
}

/// `Response: Success` with a `Message`.
pub(super) fn success(action_id: Option<&str>, message: &str) -> Message {
    Fields::response("Success", action_id)
        .with("Message", message)
        .build()
}

/// `Response: Error` with a `Message`.
pub(super) fn error(action_id: Option<&str>, message: &str) -> Message {
    Fields::response("Error", action_id)
        .with("Message", message)
        .build()
}

/// The bytes of a message, for writing.
pub(super) fn bytes(message: &Message) -> Bytes {
    Bytes::copy_from_slice(message.raw())
}

/// `Command` output as Asterisk up to 13 sends it: `Response: Follows`, the
/// raw CLI lines (LF-terminated, as the CLI writes them), `--END COMMAND--`.
pub(super) fn follows(action_id: Option<&str>, lines: &[String]) -> Bytes {
    let mut out = String::from("Response: Follows\r\nPrivilege: Command\r\n");
    if let Some(id) = action_id {
        out.push_str("ActionID: ");
        out.push_str(&id.replace(['\r', '\n'], " "));
        out.push_str("\r\n");
    }
    for line in lines {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("--END COMMAND--\r\n\r\n");
    Bytes::from(out)
}
