//! The lines of the detail view ([`Item`]), how a model value becomes
//! them, and what the view last showed of its row ([`LastSeen`], kept in
//! the view so a row that went can still be read).

use serde::Serialize;
use serde_json::Value;

use crate::ui::selection::RowId;

/// One line of the view: a key and its value, a section title, or raw text.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Field(String, String),
    Section(String),
    Raw(String),
    /// That the row is gone, and why.
    Gone(String),
}

/// What a detail view last showed of its row, and when it saw it go.
#[derive(Debug, Default)]
pub struct LastSeen(pub(crate) Option<Seen>);

#[derive(Debug)]
pub(crate) struct Seen {
    pub(crate) target: RowId,
    pub(crate) title: String,
    pub(crate) items: Vec<Item>,
    /// Uniqueids of the row's channels, to find their hangups.
    pub(crate) channels: Vec<String>,
    pub(crate) gone_at: Option<f64>,
}

impl LastSeen {
    /// Lines of the kept view (0 when nothing is kept).
    pub fn lines(&self) -> usize {
        self.0.as_ref().map_or(0, |seen| seen.items.len() + 1)
    }
}

pub(crate) fn to_value(value: &impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

pub(crate) fn fields_of(value: &impl Serialize) -> Vec<Item> {
    let mut items = Vec::new();
    flatten("", &to_value(value), &mut items);
    items
}

/// `{"a": {"b": 1}, "c": [2, 3]}` becomes `a b: 1` and `c: 2, 3`.
pub(crate) fn flatten(prefix: &str, value: &Value, out: &mut Vec<Item>) {
    let key = prefix.replace('_', " ");
    match value {
        Value::Object(map) => {
            for (name, inner) in map {
                let path = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix} {name}")
                };
                flatten(&path, inner, out);
            }
        }
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(scalar).collect();
            out.push(Item::Field(key, parts.join(", ")));
        }
        other => out.push(Item::Field(key, scalar(other))),
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::Null => "-".into(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
