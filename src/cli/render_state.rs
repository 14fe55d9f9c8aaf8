//! The model's state as `amitop replay` and `amitop snapshot` print it:
//! the `--json` document, or a few lines for the server and a table per
//! list.

use std::fmt::Write;

use serde_json::Value;

use crate::model::State;

/// The `--json` document.
pub fn render_json(state: &State) -> String {
    let document = serde_json::to_value(state).and_then(|mut document| {
        document["calls"] = serde_json::to_value(&*state.calls())?;
        serde_json::to_string_pretty(&document)
    });
    document.unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// The readable form: the server on a few lines, then one table per list
/// (channels, bridges, queues, registrations, peers), then unknown events.
/// Columns that are empty in every row are left out.
pub fn render_text(state: &State) -> String {
    let document = serde_json::to_value(state).unwrap_or(Value::Null);
    let mut out = String::new();
    let Value::Object(sections) = document else {
        return out;
    };
    for (name, value) in &sections {
        match value {
            // Members and callers do not fit a table cell: the queues are
            // printed as `queue show` prints them.
            Value::Array(_) if name == "queues" => write_queue_show(&mut out, state),
            Value::Array(rows) => write_table(&mut out, name, rows),
            Value::Object(fields) => {
                let _ = writeln!(out, "{name}:");
                if fields.is_empty() {
                    let _ = writeln!(out, "  (none)");
                }
                for (key, value) in fields {
                    let _ = writeln!(out, "  {key}: {}", cell(value));
                }
            }
            other => {
                let _ = writeln!(out, "{name}: {}", cell(other));
            }
        }
        out.push('\n');
    }
    out
}

/// The queues as the Asterisk CLI's `queue show` prints them: a line per
/// queue, then its members, then its waiting callers.
fn write_queue_show(out: &mut String, state: &State) {
    let queues = &state.queues.by_name;
    let _ = writeln!(out, "queues ({})", queues.len());
    for queue in queues.values() {
        let p = &queue.params;
        let f = &queue.figures;
        let max = match p.max {
            Some(0) | None => "unlimited".to_owned(),
            Some(max) => max.to_string(),
        };
        let strategy = if p.strategy.is_empty() {
            "-"
        } else {
            &p.strategy
        };
        let _ = writeln!(
            out,
            "{} has {} calls (max {max}) in '{strategy}' strategy ({}s holdtime, {}s talktime), \
             W:{}, C:{}, A:{}",
            queue.name,
            queue.callers.len(),
            f.hold_time,
            f.talk_time,
            p.weight.unwrap_or(0),
            f.completed,
            f.abandoned,
        );
        if queue.members.is_empty() {
            let _ = writeln!(out, "   No Members");
        } else {
            let _ = writeln!(out, "   Members:");
        }
        for member in &queue.members {
            let mut line = String::from("      ");
            if !member.name.is_empty() && member.name != member.interface {
                let _ = write!(line, "{} ({})", member.name, member.interface);
            } else {
                line.push_str(&member.interface);
            }
            if let Some(penalty) = member.penalty.filter(|p| *p > 0) {
                let _ = write!(line, " with penalty {penalty}");
            }
            if !member.membership.is_empty() {
                let _ = write!(line, " ({})", member.membership);
            }
            if member.paused {
                line.push_str(" (paused");
                if !member.paused_reason.is_empty() {
                    let _ = write!(line, ":{}", member.paused_reason);
                }
                line.push(')');
            }
            if member.in_call {
                line.push_str(" (in call)");
            }
            let _ = write!(line, " ({})", member.status.label());
            match member.calls_taken {
                Some(calls) => {
                    let _ = write!(line, " has taken {calls} calls");
                }
                None => line.push_str(" has taken no calls yet"),
            }
            let _ = writeln!(out, "{line}");
        }
        if queue.callers.is_empty() {
            let _ = writeln!(out, "   No Callers");
        } else {
            let _ = writeln!(out, "   Callers:");
        }
        for (index, caller) in queue.callers.iter().enumerate() {
            let position = caller.position.map_or(index as u64 + 1, u64::from);
            let wait = caller
                .wait
                .map_or("-".to_owned(), |w| format!("{}:{:02}", w / 60, w % 60));
            let mut who = caller.channel.clone();
            if !caller.caller_id_num.is_empty() {
                let _ = write!(
                    who,
                    " ({} <{}>)",
                    caller.caller_id_name, caller.caller_id_num
                );
            }
            let _ = writeln!(out, "      {position}. {who} (wait: {wait})");
        }
    }
}

fn write_table(out: &mut String, name: &str, rows: &[Value]) {
    let _ = writeln!(out, "{name} ({})", rows.len());
    let mut columns: Vec<&str> = Vec::new();
    for row in rows {
        if let Value::Object(fields) = row {
            for (key, value) in fields {
                if !is_blank(value) && !columns.contains(&key.as_str()) {
                    columns.push(key);
                }
            }
        }
    }
    if columns.is_empty() {
        return;
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            columns
                .iter()
                .map(|c| row.get(*c).map(cell).unwrap_or_default())
                .collect()
        })
        .collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            cells
                .iter()
                .map(|r| r[i].chars().count())
                .chain([c.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let header: Vec<String> = columns.iter().map(|c| c.to_uppercase()).collect();
    for line in std::iter::once(&header).chain(&cells) {
        let mut text = String::new();
        for (value, width) in line.iter().zip(&widths) {
            let _ = write!(text, "{value:<width$}  ");
        }
        let _ = writeln!(out, "{}", text.trim_end());
    }
}

fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Bool(b) => !b,
        _ => false,
    }
}

/// One value as table text: scalars as themselves, lists of scalars joined
/// by commas, anything deeper as a count.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => "-".to_owned(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) if items.iter().all(|v| !v.is_array() && !v.is_object()) => {
            items.iter().map(cell).collect::<Vec<_>>().join(",")
        }
        Value::Array(items) => format!("[{} items]", items.len()),
        Value::Object(fields) => fields
            .iter()
            .map(|(k, v)| format!("{k}={}", cell(v)))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ReplayOptions, replay};

    #[test]
    fn text_tables_leave_out_empty_columns() {
        let ringing = b"Asterisk Call Manager/1.1\r\n\
            Event: Newchannel\r\nChannel: SIP/a-1\r\nUniqueid: 100.1\r\nChannelStateDesc: Ring\r\n\r\n";
        let outcome = replay(ringing, ReplayOptions::default());
        let text = render_text(&outcome.state);
        assert!(text.contains("channels (1)"), "{text}");
        assert!(text.contains("SIP/a-1"), "{text}");
        assert!(!text.contains("APP_DATA"), "{text}");
        let json: Value = serde_json::from_str(&render_json(&outcome.state)).unwrap();
        assert_eq!(json["channels"][0]["uniqueid"], "100.1");
        assert_eq!(json["channels"][0]["created"], 100.0);
        assert_eq!(json["calls"][0]["channels"], serde_json::json!(["100.1"]));
    }
}
