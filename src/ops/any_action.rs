//! Any action the user names, with headers they type: shared by the
//! dashboard's "any action" form and `amitop send`, so both frame it, check
//! it and refuse it in read-only mode by the same rules.

use crate::ami::Action;

use crate::ops::start::permit;

/// `name` with `headers` in order (a key may repeat), checked for what
/// cannot be framed (line breaks, an `ActionID`, bad keys) and, with
/// `read_only`, refused unless it is an allowed read. `Err` says why.
pub fn any_action<'a>(
    name: &str,
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    read_only: bool,
) -> Result<Action, String> {
    let mut action = Action::new(name.trim());
    for (key, value) in headers {
        action.push(key, value);
    }
    action.validate().map_err(|err| err.to_string())?;
    permit(&action, read_only)?;
    Ok(action)
}

/// One header line as the form takes it, `Key: Value` (split at the first
/// colon, the space after it dropped, as on the wire); `None` without a
/// key before the colon.
pub fn header_line(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once(':')?;
    let key = key.trim();
    let value = value.strip_prefix(' ').unwrap_or(value);
    (!key.is_empty()).then_some((key, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines_split_at_the_first_colon() {
        assert_eq!(header_line("Data: a:b"), Some(("Data", "a:b")));
        assert_eq!(header_line("Variable:x=1"), Some(("Variable", "x=1")));
        assert_eq!(header_line(" : value"), None);
        assert_eq!(header_line("no colon"), None);
    }

    #[test]
    fn read_only_and_framing_refuse_with_a_reason() {
        let ok = any_action("JabberSend", [("Jabber", "asterisk")], false).unwrap();
        assert_eq!(ok.get("Jabber"), Some("asterisk"));
        let refused = any_action("JabberSend", [], true).unwrap_err();
        assert!(refused.contains("read-only"), "{refused}");
        assert!(any_action("CoreStatus", [], true).is_ok());
        assert!(any_action("Ping", [("ActionID", "7")], false).is_err());
        assert!(any_action(" ", [], false).is_err());
    }
}
