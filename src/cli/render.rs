//! How messages look on stdout: AMI text or JSON.
//!
//! JSON keeps the wire order of the headers (serde_json's `preserve_order`),
//! turns a repeated key (`Variable`, `Output`) into an array of its values,
//! and has invalid UTF-8 replaced by U+FFFD (values are decoded lossily).

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use crate::ami::Message;
use crate::ami::session::Reply;

/// One message as a JSON object, keys in wire order. AMI keys are
/// case-insensitive, so `Variable` and `variable` are the same key; the first
/// spelling names it.
pub fn message_json(message: &Message) -> Value {
    let mut object = Map::new();
    for (key, value) in message.headers() {
        let existing = object
            .keys()
            .find(|k| k.eq_ignore_ascii_case(&key))
            .cloned();
        let value = Value::String(value.into_owned());
        match existing.and_then(|k| object.get_mut(&k)) {
            Some(Value::Array(values)) => values.push(value),
            Some(first) => *first = Value::Array(vec![first.take(), value]),
            None => {
                object.insert(key.into_owned(), value);
            }
        }
    }
    Value::Object(object)
}

/// A reply as `{"response": {...}, "events": [...], "output": [...]}`.
pub fn reply_json(reply: &Reply) -> Value {
    json!({
        "response": message_json(&reply.response),
        "events": reply.events.iter().map(message_json).collect::<Vec<_>>(),
        "output": reply.output(),
    })
}

/// A reply as text: the response headers, then each list item, each as a
/// block ending in a blank line, then command output as plain lines
/// ([`Reply::text_lines`], also what the dashboard shows).
pub fn write_reply_text(out: &mut impl Write, reply: &Reply) -> io::Result<()> {
    for line in reply.text_lines() {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use bytes::BytesMut;
    use tokio_util::codec::Decoder;

    use super::*;
    use crate::ami::{AmiCodec, Frame};

    /// Decodes wire bytes (after a banner) into messages, as the session would.
    fn decode(wire: &[u8]) -> Vec<Message> {
        let mut codec = AmiCodec::default();
        let mut buf = BytesMut::from(&b"Asterisk Call Manager/11.0.0\r\n"[..]);
        buf.extend_from_slice(wire);
        let mut messages = Vec::new();
        while let Some(frame) = codec.decode_eof(&mut buf).unwrap() {
            if let Frame::Message(m) = frame {
                messages.push(m);
            }
        }
        messages
    }

    #[test]
    fn json_keeps_wire_order_and_groups_repeats() {
        let m = Message::from_pairs([
            ("Event", "VarSet"),
            ("Variable", "a=1"),
            ("Channel", "PJSIP/100-1"),
            ("variable", "b=2"),
            ("Variable", "c=3"),
            ("Empty", ""),
        ]);
        assert_eq!(
            serde_json::to_string(&message_json(&m)).unwrap(),
            r#"{"Event":"VarSet","Variable":["a=1","b=2","c=3"],"Channel":"PJSIP/100-1","Empty":""}"#
        );
    }

    #[test]
    fn json_replaces_invalid_utf8() {
        let m = &decode(b"Event: Newchannel\r\nCallerIDName: Andr\xe9\r\n\r\n")[0];
        assert_eq!(message_json(m)["CallerIDName"], "Andr\u{FFFD}");
    }

    #[test]
    fn reply_json_has_response_events_and_output() {
        let reply = Reply {
            response: Message::from_pairs([
                ("Response", "Success"),
                ("Output", "one"),
                ("Output", "two"),
            ]),
            events: vec![Message::from_pairs([("Event", "CoreShowChannelsComplete")])],
        };
        let doc = reply_json(&reply);
        assert_eq!(doc["response"]["Response"], "Success");
        assert_eq!(doc["events"][0]["Event"], "CoreShowChannelsComplete");
        assert_eq!(doc["output"], json!(["one", "two"]));
    }

    #[test]
    fn text_puts_output_lines_after_the_headers_and_items() {
        let reply = Reply {
            response: Message::from_pairs([
                ("Response", "Success"),
                ("Message", "Command output follows"),
                ("Output", "Asterisk 22.10.1"),
            ]),
            events: vec![Message::from_pairs([("Event", "Item"), ("Name", "x")])],
        };
        let mut out = Vec::new();
        write_reply_text(&mut out, &reply).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Response: Success\nMessage: Command output follows\n\n\
             Event: Item\nName: x\n\nAsterisk 22.10.1\n"
        );
    }

    #[test]
    fn a_follows_body_prints_as_output_lines() {
        let messages = decode(
            b"Response: Follows\r\nPrivilege: Command\r\n\
              Asterisk 13.1: built\nby someone\n--END COMMAND--\r\n\r\n",
        );
        let reply = Reply {
            response: messages[0].clone(),
            events: Vec::new(),
        };
        let mut out = Vec::new();
        write_reply_text(&mut out, &reply).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Response: Follows\nPrivilege: Command\n\nAsterisk 13.1: built\nby someone\n"
        );
    }
}
