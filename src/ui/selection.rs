//! What a table's selection is: the row it is on, by what the row is
//! ([`RowId`]), and the table's scroll, filter and sort ([`TableState`]).
//! Every layer of the UI names rows this way; this module names nothing
//! above it.

use crate::model::CallKey;

/// Selection, scroll, filter and sort of one table.
///
/// The selection is the row `anchor` names, wherever the current sort puts
/// it: [`View::follow`](crate::ui::view::View::follow) moves `selected`
/// to it as rows come and go, and when it is gone keeps `selected` where it
/// was (else on the last row) and anchors there.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableState {
    pub selected: usize,
    /// What the selected row is; `None` until the view followed the data,
    /// or after a move by position.
    pub anchor: Option<RowId>,
    /// Index of the first visible row.
    pub offset: usize,
    pub filter: String,
    /// Index of the sort column.
    pub sort: usize,
    pub reverse: bool,
}

impl TableState {
    /// The selection and offset to draw with when the table has `rows` rows
    /// and `page` of them fit: the selection stays on a row and in sight,
    /// even if the data shrank since the last key press.
    pub fn window(&self, rows: usize, page: usize) -> (usize, usize) {
        let selected = self.selected.min(rows.saturating_sub(1));
        let page = page.max(1);
        let mut offset = self.offset.min(rows.saturating_sub(page));
        if selected < offset {
            offset = selected;
        } else if selected >= offset + page {
            offset = selected + 1 - page;
        }
        (selected, offset)
    }

    pub(crate) fn move_to(&mut self, selected: usize, rows: usize, page: usize) {
        self.selected = selected.min(rows.saturating_sub(1));
        (self.selected, self.offset) = self.window(rows, page);
        self.anchor = None;
    }
}

/// What a detail view (or the raw message view) shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowId {
    Channel(String),
    /// A call, by what holds it together.
    Call(CallKey),
    Queue(String),
    Member {
        queue: String,
        interface: String,
    },
    Caller {
        queue: String,
        uniqueid: String,
    },
    /// A queue member across its queues, by interface.
    Agent(String),
    /// An outbound registration, by its registry key.
    Registration(String, String),
    /// A peer or contact, by its registry key.
    Peer(String, String),
    /// A DAHDI channel, by its number.
    Dahdi(u32),
    /// A dialplan hint, by context and extension.
    Hint(String, String),
    /// A voicemail box, `1001@default`.
    Mailbox(String),
    /// An event log entry, by its sequence number.
    Event(u64),
    /// A parked call, by its lot and space.
    Parked {
        lot: String,
        space: String,
    },
    /// A conference room, by name.
    Conference(String),
    /// A member of a room, by the room and its channel's Uniqueid.
    ConferenceMember {
        room: String,
        uniqueid: String,
    },
}
