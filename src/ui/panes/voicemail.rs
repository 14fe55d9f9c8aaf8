//! The voicemail pane: one row per mailbox, with its new, old and urgent
//! message counts as the server last reported them (`VoicemailUsersList`,
//! `MailboxCount`, `MessageWaiting`); Enter shows its settings and reads
//! its messages (`VoicemailBoxSummary`).

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::model::State;
use crate::model::voicemail::Mailbox;
use crate::ui::table::{Column, plain};
use crate::ui::tables::Sorted;
use crate::ui::theme::Tone;
use crate::ui::panes::TableId;
use crate::ui::selection::RowId;
use crate::ui::view::View;

fn count(value: Option<u32>) -> Cow<'static, str> {
    value.map_or(Cow::Borrowed("-"), |n| Cow::Owned(n.to_string()))
}

/// Whether messages wait: the server's `Waiting` flag, else a new count.
fn waiting(mailbox: &Mailbox) -> bool {
    mailbox
        .waiting
        .unwrap_or(mailbox.new_messages.unwrap_or(0) > 0)
}

fn email(mailbox: &Mailbox) -> &str {
    mailbox.settings.as_ref().map_or("", |s| s.email.as_str())
}

pub fn columns<'a>() -> [Column<&'a Mailbox>; 7] {
    [
        Column {
            title: "Mailbox",
            width: 14,
            drop: 0,
            text: |m, _| Cow::Borrowed(&m.mailbox),
            style: plain,
            cmp: |a, b| a.mailbox.cmp(&b.mailbox),
        },
        Column {
            title: "Name",
            width: 16,
            drop: 1,
            text: |m, _| Cow::Borrowed(&m.full_name),
            style: plain,
            cmp: |a, b| a.full_name.cmp(&b.full_name),
        },
        Column {
            title: "New",
            width: 4,
            drop: 0,
            text: |m, _| count(m.new_messages),
            style: |m, env| {
                let tone = if waiting(m) { Tone::Alert } else { Tone::Idle };
                env.theme.tone(tone)
            },
            // The fullest box first when sorted descending.
            cmp: |a, b| a.new_messages.cmp(&b.new_messages),
        },
        Column {
            title: "Old",
            width: 4,
            drop: 2,
            text: |m, _| count(m.old_messages),
            style: plain,
            cmp: |a, b| a.old_messages.cmp(&b.old_messages),
        },
        Column {
            title: "Urgent",
            width: 6,
            drop: 3,
            text: |m, _| count(m.urgent_messages),
            style: plain,
            cmp: |a, b| a.urgent_messages.cmp(&b.urgent_messages),
        },
        Column {
            title: "Waiting",
            width: 7,
            drop: 4,
            text: |m, _| Cow::Borrowed(if waiting(m) { "yes" } else { "" }),
            style: |_, env| env.theme.tone(Tone::Alert),
            cmp: |a, b| waiting(a).cmp(&waiting(b)),
        },
        Column {
            title: "Email",
            width: 20,
            drop: 5,
            text: |m, _| Cow::Borrowed(email(m)),
            style: |_, env| env.theme.dim(),
            cmp: |a, b| email(a).cmp(email(b)),
        },
    ]
}

/// Every voicemail box the server reported.
pub struct Voicemail;

impl Sorted for Voicemail {
    type Row<'a> = &'a Mailbox;
    const ID: TableId = TableId::Voicemail;
    const EMPTY: &'static str =
        "no voicemail boxes (VoicemailUsersList lists none, or the server lacks it)";

    fn columns<'a>(&self) -> Vec<Column<&'a Mailbox>> {
        columns().into()
    }

    fn all<'a>(&self, state: &'a State, _: &View) -> Vec<&'a Mailbox> {
        state.voicemail.boxes.values().collect()
    }

    fn tiebreak(a: &&Mailbox, b: &&Mailbox) -> Ordering {
        a.mailbox.cmp(&b.mailbox)
    }

    fn identity(&self, row: &&Mailbox, _: &View) -> RowId {
        RowId::Mailbox(row.mailbox.clone())
    }
}
