//! The voicemail pane: one row per mailbox, with its new, old and urgent
//! message counts as the server last reported them (`VoicemailUsersList`,
//! `MailboxCount`, `MessageWaiting`); Enter shows its settings and reads
//! its messages (`VoicemailBoxSummary`).

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::model::State;
use crate::model::voicemail::Mailbox;
use crate::ui::panes::TableId;
use crate::ui::selection::RowId;
use crate::ui::table::Column;
use crate::ui::tables::Sorted;
use crate::ui::theme::Tone;
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

type Row<'a> = &'a Mailbox;

pub fn columns<'a>() -> [Column<Row<'a>>; 7] {
    [
        Column::new("Mailbox", 14, 0, |m, _| Cow::Borrowed(&m.mailbox)),
        Column::new("Name", 16, 1, |m, _| Cow::Borrowed(&m.full_name)),
        Column::<Row>::new("New", 4, 0, |m, _| count(m.new_messages))
            .styled(|m, env| {
                let tone = if waiting(m) { Tone::Alert } else { Tone::Idle };
                env.theme.tone(tone)
            })
            // The fullest box first when sorted descending.
            .sorted_by(|a, b| a.new_messages.cmp(&b.new_messages)),
        Column::<Row>::new("Old", 4, 2, |m, _| count(m.old_messages))
            .sorted_by(|a, b| a.old_messages.cmp(&b.old_messages)),
        Column::<Row>::new("Urgent", 6, 3, |m, _| count(m.urgent_messages))
            .sorted_by(|a, b| a.urgent_messages.cmp(&b.urgent_messages)),
        Column::<Row>::new("Waiting", 7, 4, |m, _| {
            Cow::Borrowed(if waiting(m) { "yes" } else { "" })
        })
        .styled(|_, env| env.theme.tone(Tone::Alert))
        .sorted_by(|a, b| waiting(a).cmp(&waiting(b))),
        Column::<Row>::new("Email", 20, 5, |m, _| Cow::Borrowed(email(m)))
            .styled(|_, env| env.theme.dim()),
    ]
}

/// Every voicemail box the server reported.
pub struct Voicemail;

impl Sorted for Voicemail {
    type Row<'a> = &'a Mailbox;
    const ID: TableId = TableId::Voicemail;
    const EMPTY: &'static str =
        "no voicemail boxes (VoicemailUsersList lists none, or the server lacks it)";

    fn columns<'a>(&self) -> Vec<Column<Row<'a>>> {
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
