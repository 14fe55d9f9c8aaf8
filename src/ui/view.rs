//! What the user is looking at: the focused pane, each table's selection,
//! scroll, filter and sort, the queue drill-down, the detail and help
//! overlays, and a filter being typed.
//!
//! `update` applies a [`Command`] and is pure: what it needs to know about
//! the data (row counts, what a row is) it asks a [`TableData`], so key sequences
//! can be tested with a fake one and no terminal.

use crossterm::event::{Event, KeyEvent};
use ratatui::layout::{Position, Rect};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use std::collections::BTreeMap;

use crate::ui::cache::{Cache, DerivedCache};
use crate::ui::detail_lines::LastSeen;
use crate::ui::grid::Grid;
use crate::ui::keymap::{Command, Context};
use crate::ui::layout;

pub use crate::ui::panes::{Pane, TableId};
pub use crate::ui::selection::{RowId, TableState};

/// Which table of a drilled-down queue has the focus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Members,
    Callers,
}

/// The queue drill-down: one queue's members and waiting callers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drill {
    pub queue: String,
    pub section: Section,
    pub members: TableState,
    pub callers: TableState,
    /// Rows of each table as last followed: the pane is shared by them.
    pub rows: layout::DrillRows,
}

#[derive(Debug)]
pub struct Detail {
    pub target: RowId,
    pub scroll: usize,
    /// What the view last showed, for when the row goes.
    pub kept: DerivedCache<LastSeen>,
}

impl Detail {
    /// A detail view of `target`, at its top, having seen nothing yet.
    pub fn new(target: RowId) -> Detail {
        Detail {
            target,
            scroll: 0,
            kept: DerivedCache::default(),
        }
    }
}

/// What a prompt being typed filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromptKind {
    /// Text filter of the focused table.
    Text,
    /// Event-name filter of the event log.
    EventType,
}

/// A filter being typed (a `tui-input` line editor, as in the forms). It
/// applies live; Esc restores `previous`.
#[derive(Clone, Debug)]
pub struct Prompt {
    pub kind: PromptKind,
    pub previous: String,
    input: Input,
}

impl Prompt {
    /// Where the cursor is, in characters from the start.
    pub fn cursor(&self) -> usize {
        self.input.cursor()
    }
}

impl PartialEq for Prompt {
    fn eq(&self, other: &Prompt) -> bool {
        self.kind == other.kind
            && self.previous == other.previous
            && self.input.value() == other.input.value()
            && self.input.cursor() == other.input.cursor()
    }
}

impl Eq for Prompt {}

/// What the view needs to know about the data.
pub trait TableData {
    /// Rows of `table` after its filter.
    fn rows(&self, view: &View, table: TableId) -> usize;
    /// The thing shown at row `index` of `table` (after filter and sort).
    fn target(&self, view: &View, table: TableId, index: usize) -> Option<RowId>;
    /// Where the row `target` now is in `table` (after filter and sort).
    fn position(&self, view: &View, table: TableId, target: &RowId) -> Option<usize>;
    /// Lines of the detail view for `target`.
    fn detail_lines(&self, target: &RowId) -> usize;
    /// Sequence number of the newest event-log entry.
    fn newest_event(&self) -> u64;
    /// Sortable columns of `table`.
    fn sort_columns(&self, table: TableId) -> usize;
    /// The grid `table` lays its rows out in within `area`, if it draws
    /// them as cells side by side (see [`Shown::grid`](crate::ui::tables::Shown::grid)).
    fn grid(&self, view: &View, table: TableId, area: Rect) -> Option<Grid>;
}

/// Whether the loop should go on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
}

/// The whole view state.
#[derive(Debug)]
pub struct View {
    pub pane: Pane,
    tables: BTreeMap<TableId, TableState>,
    pub drill: Option<Drill>,
    pub detail: Option<Detail>,
    /// Help overlay open, with its scroll.
    pub help: Option<usize>,
    /// `v` was pressed: the next key picks a pane (see [`Context::GoTo`]).
    pub going_to: bool,
    /// The panes of the wide layout, in order (the config's `layout`).
    pub layout: Vec<Pane>,
    pub prompt: Option<Prompt>,
    /// Event-name filter of the event log (case-insensitive prefix).
    pub event_type: String,
    /// While paused, the event log shows entries up to this sequence number.
    pub paused_at: Option<u64>,
    /// Terminal size, for page sizes and mouse hits.
    pub area: Rect,
    /// What the panes derive from the model, kept between frames.
    pub cache: Cache,
}

impl Default for View {
    fn default() -> Self {
        View::new(Rect::new(0, 0, 80, 24))
    }
}

impl View {
    pub fn new(area: Rect) -> Self {
        View {
            pane: Pane::Channels,
            tables: Default::default(),
            drill: None,
            detail: None,
            help: None,
            going_to: false,
            layout: crate::ui::panes::DEFAULT_LAYOUT.to_vec(),
            prompt: None,
            event_type: String::new(),
            paused_at: None,
            area,
            cache: Cache::default(),
        }
    }

    /// The same view, with nothing derived from the model kept yet (see
    /// [`Cache`]): it draws what this one draws, working it out anew.
    pub fn afresh(&self) -> View {
        View {
            pane: self.pane,
            tables: self.tables.clone(),
            drill: self.drill.clone(),
            detail: self.detail.as_ref().map(|detail| Detail {
                scroll: detail.scroll,
                ..Detail::new(detail.target.clone())
            }),
            help: self.help,
            going_to: self.going_to,
            layout: self.layout.clone(),
            prompt: self.prompt.clone(),
            event_type: self.event_type.clone(),
            paused_at: self.paused_at,
            area: self.area,
            cache: Cache::default(),
        }
    }

    /// The table that has the focus.
    pub fn focused_table(&self) -> TableId {
        self.pane_table(self.pane)
    }

    /// The table of `pane` that keys act on and its title counts: the
    /// section of a drilled-down queue, else the pane's own.
    pub fn pane_table(&self, pane: Pane) -> TableId {
        match (&self.drill, pane) {
            (Some(drill), Pane::Queues) => match drill.section {
                Section::Members => TableId::Members,
                Section::Callers => TableId::Callers,
            },
            _ => pane.table(),
        }
    }

    pub fn table(&self, id: TableId) -> &TableState {
        static UNTOUCHED: TableState = TableState {
            selected: 0,
            anchor: None,
            offset: 0,
            filter: String::new(),
            sort: 0,
            reverse: false,
        };
        match (id, &self.drill) {
            (TableId::Members, Some(drill)) => &drill.members,
            (TableId::Callers, Some(drill)) => &drill.callers,
            _ => self.tables.get(&id).unwrap_or(&UNTOUCHED),
        }
    }

    fn table_mut(&mut self, id: TableId) -> &mut TableState {
        match (id, &mut self.drill) {
            (TableId::Members, Some(drill)) => &mut drill.members,
            (TableId::Callers, Some(drill)) => &mut drill.callers,
            _ => self.tables.entry(id).or_default(),
        }
    }

    /// Brings the selection of every table on screen to its anchored row
    /// (see [`TableState`]), and anchors tables that have none yet. The
    /// loop calls this before each frame and each action; [`View::update`]
    /// around each command.
    pub fn follow(&mut self, lens: &dyn TableData) {
        if self.drill.is_some() {
            let rows = layout::DrillRows {
                members: lens.rows(self, TableId::Members),
                callers: lens.rows(self, TableId::Callers),
            };
            if let Some(drill) = &mut self.drill {
                drill.rows = rows;
            }
        }
        let focused = self.focused_table();
        let mut shown: Vec<TableId> = self.table_areas().into_iter().map(|(id, _)| id).collect();
        if !shown.contains(&focused) {
            shown.push(focused);
        }
        for id in shown {
            self.follow_table(lens, id);
        }
    }

    fn follow_table(&mut self, lens: &dyn TableData, id: TableId) {
        let rows = lens.rows(self, id);
        let page = self.page(id);
        let table = self.table(id);
        let found = table
            .anchor
            .as_ref()
            .and_then(|target| lens.position(self, id, target));
        let anchor = table.anchor.clone();
        let table = self.table_mut(id);
        let at = found.unwrap_or(table.selected);
        table.move_to(at, rows, page);
        table.anchor = match found {
            Some(_) => anchor,
            None => None,
        };
        if self.table(id).anchor.is_none() && rows > 0 {
            let selected = self.table(id).selected;
            let target = lens.target(self, id, selected);
            self.table_mut(id).anchor = target;
        }
    }

    /// Keymap contexts in effect, most specific first. Empty while a
    /// prompt takes the keys.
    pub fn contexts(&self) -> Vec<Context> {
        if self.prompt.is_some() {
            return vec![Context::Prompt];
        }
        if self.going_to {
            return vec![Context::GoTo];
        }
        if self.help.is_some() {
            return vec![Context::Help, Context::Global];
        }
        if self.detail.is_some() {
            return vec![Context::Detail, Context::Global];
        }
        let section = self.drill.as_ref().map(|drill| drill.section);
        let (pane_context, row_actions) = match (self.pane, section) {
            // Waiting callers are channels: hang up, redirect, transfer.
            (Pane::Queues, Some(Section::Callers)) => {
                (Some(Context::QueueDrill), Some(Context::Channels))
            }
            (Pane::Queues, Some(Section::Members)) => {
                (Some(Context::QueueDrill), Some(Context::Members))
            }
            (Pane::Queues, None) => (Some(Context::Queues), None),
            (Pane::Events, _) => (Some(Context::EventLog), None),
            (Pane::Channels | Pane::Calls, _) => (None, Some(Context::Channels)),
            (Pane::Agents, _) => (None, Some(Context::Members)),
            // A parked call is a channel: hang it up or redirect it too.
            (Pane::Parked, _) => (Some(Context::Parked), Some(Context::Channels)),
            (Pane::Conferences, _) => (Some(Context::Conferences), None),
            (Pane::Registrations | Pane::Voicemail, _) => (None, Some(Context::Objects)),
            (Pane::Hints, _) => (Some(Context::Grid), None),
        };
        // Operator actions after the basics, so the footer keeps quit and
        // help and lists actions as room allows.
        pane_context
            .into_iter()
            .chain([Context::Table, Context::Global])
            .chain(row_actions)
            .chain([Context::Actions])
            .collect()
    }

    /// The screen regions for the current size.
    pub fn screen(&self) -> layout::Screen {
        layout::screen(self.area, self.pane, &self.layout)
    }

    /// Where each visible table is, given the screen.
    pub fn table_areas(&self) -> Vec<(TableId, Rect)> {
        let screen = self.screen();
        screen
            .panes
            .iter()
            .flat_map(|(pane, area)| self.pane_tables(*pane, *area))
            .collect()
    }

    /// Where the tables of `pane` go in its `area`.
    pub fn pane_tables(&self, pane: Pane, area: Rect) -> Vec<(TableId, Rect)> {
        layout::tables(pane, area, self.drill.as_ref().map(|drill| drill.rows))
    }

    /// Data rows that fit in `table` on screen (at least one).
    pub fn page(&self, table: TableId) -> usize {
        self.table_areas()
            .into_iter()
            .find(|(id, _)| *id == table)
            .map_or(1, |(_, area)| layout::body_rows(area).max(1))
    }

    /// Applies one command to the selection as the data now stands, and
    /// anchors where it leaves the selection.
    pub fn update(&mut self, command: Command, lens: &dyn TableData) -> Flow {
        self.follow(lens);
        let flow = self.command(command, lens);
        self.follow(lens);
        flow
    }

    fn command(&mut self, command: Command, lens: &dyn TableData) -> Flow {
        match command {
            Command::Quit => return Flow::Quit,
            Command::ToggleHelp => {
                self.help = if self.help.is_some() { None } else { Some(0) };
            }
            Command::NextPane => self.show(self.pane.step(1)),
            Command::PrevPane => self.show(self.pane.step(-1)),
            Command::ShowPane(pane) => self.show(pane),
            Command::GoTo => self.going_to = true,
            Command::Up => self.scroll(lens, -1),
            Command::Down => self.scroll(lens, 1),
            Command::Left => self.sideways(lens, -1),
            Command::Right => self.sideways(lens, 1),
            Command::PageUp => self.scroll(lens, -(self.page_for_scroll(lens) as isize)),
            Command::PageDown => self.scroll(lens, self.page_for_scroll(lens) as isize),
            Command::Home => self.scroll(lens, isize::MIN / 2),
            Command::End => self.scroll(lens, isize::MAX / 2),
            Command::Filter => self.start_prompt(PromptKind::Text),
            Command::FilterEventType => self.start_prompt(PromptKind::EventType),
            Command::SortNext => {
                let id = self.focused_table();
                let columns = lens.sort_columns(id).max(1);
                let table = self.table_mut(id);
                table.sort = (table.sort + 1) % columns;
            }
            Command::SortReverse => {
                let table = self.table_mut(self.focused_table());
                table.reverse = !table.reverse;
            }
            Command::Open => self.open(lens),
            Command::Back => self.back(),
            Command::Drill => self.drill(lens),
            Command::Leave => self.drill = None,
            Command::SwitchSection => {
                if let Some(drill) = &mut self.drill {
                    drill.section = match drill.section {
                        Section::Members => Section::Callers,
                        Section::Callers => Section::Members,
                    };
                }
            }
            Command::TogglePause => {
                self.paused_at = match self.paused_at {
                    Some(_) => None,
                    None => Some(lens.newest_event()),
                };
            }
            // The app runs operator actions before the view sees them;
            // forms and prompts look up their own keys.
            Command::Act(_)
            | Command::Submit
            | Command::Cancel
            | Command::NextField
            | Command::PrevField => {}
        }
        Flow::Continue
    }

    fn show(&mut self, pane: Pane) {
        self.pane = pane;
        self.detail = None;
        self.help = None;
    }

    /// How far PgUp and PgDn move: a table's page of rows, a grid's
    /// screenful of columns.
    fn page_for_scroll(&self, lens: &dyn TableData) -> usize {
        match (&self.help, &self.detail) {
            (None, None) => {
                let id = self.focused_table();
                self.grid(lens, id)
                    .map_or_else(|| self.page(id), |grid| grid.screenful())
            }
            // Overlays take most of the screen.
            _ => usize::from(self.area.height.saturating_sub(6)).max(1),
        }
    }

    /// Moves the selection, or scrolls an open overlay, by `delta` rows.
    fn scroll(&mut self, lens: &dyn TableData, delta: isize) {
        if let Some(help) = &mut self.help {
            *help = help
                .saturating_add_signed(delta)
                .min(crate::ui::help::max_scroll(self.area));
            return;
        }
        if let Some(detail) = &mut self.detail {
            // A row gone keeps its last lines in the view.
            let lines = lens
                .detail_lines(&detail.target)
                .max(detail.kept.borrow_mut().lines());
            detail.scroll = detail
                .scroll
                .saturating_add_signed(delta)
                .min(lines.saturating_sub(1));
            return;
        }
        let id = self.focused_table();
        let rows = lens.rows(self, id);
        let page = self.page(id);
        let table = self.table_mut(id);
        let selected = table.selected.min(rows.saturating_sub(1));
        table.move_to(selected.saturating_add_signed(delta), rows, page);
    }

    /// The grid the table `id` is laid out in on screen, if it is one.
    fn grid(&self, lens: &dyn TableData, id: TableId) -> Option<Grid> {
        let areas = self.table_areas();
        let (_, area) = areas.into_iter().find(|(table, _)| *table == id)?;
        lens.grid(self, id, area)
    }

    /// Moves the selection `step` columns across a grid; a table of one
    /// row a line has no columns to move between.
    fn sideways(&mut self, lens: &dyn TableData, step: isize) {
        let id = self.focused_table();
        let Some(grid) = self.grid(lens, id) else {
            return;
        };
        let rows = lens.rows(self, id);
        let page = self.page(id);
        let table = self.table_mut(id);
        let to = grid.sideways(table.selected, step, rows);
        table.move_to(to, rows, page);
    }

    fn start_prompt(&mut self, kind: PromptKind) {
        let previous = match kind {
            PromptKind::Text => self.table(self.focused_table()).filter.clone(),
            PromptKind::EventType => self.event_type.clone(),
        };
        let input = Input::new(previous.clone());
        self.prompt = Some(Prompt {
            kind,
            previous,
            input,
        });
    }

    /// The text a prompt edits.
    pub fn prompt_text(&self) -> Option<(&Prompt, &str)> {
        let prompt = self.prompt.as_ref()?;
        let text = match prompt.kind {
            PromptKind::Text => &self.table(self.focused_table()).filter,
            PromptKind::EventType => &self.event_type,
        };
        Some((prompt, text))
    }

    /// Feeds a key to the open prompt: its keys come from the keymap
    /// ([`Context::Prompt`]: Enter keeps the filter, Esc restores what it
    /// was); any other key edits it, live.
    pub fn prompt_key(&mut self, key: &KeyEvent) {
        let Some(prompt) = &mut self.prompt else {
            return;
        };
        match crate::ui::keymap::lookup(&[Context::Prompt], key) {
            Some(Command::Submit) => self.prompt = None,
            Some(Command::Cancel) => {
                let previous = std::mem::take(&mut prompt.previous);
                self.set_prompted(previous);
                self.prompt = None;
            }
            _ => {
                let before = prompt.input.value().to_owned();
                prompt.input.handle_event(&Event::Key(*key));
                if prompt.input.value() != before {
                    let text = prompt.input.value().to_owned();
                    self.set_prompted(text);
                }
            }
        }
    }

    /// A bracketed paste into the open prompt, at its cursor: its text,
    /// line breaks left out (a filter is one line).
    pub fn prompt_paste(&mut self, pasted: &str) {
        let Some(prompt) = &mut self.prompt else {
            return;
        };
        let clean: String = pasted.chars().filter(|c| !c.is_control()).collect();
        let cursor = prompt.input.cursor();
        let mut text: String = prompt.input.value().chars().take(cursor).collect();
        text.push_str(&clean);
        text.extend(prompt.input.value().chars().skip(cursor));
        prompt.input = Input::new(text.clone()).with_cursor(cursor + clean.chars().count());
        self.set_prompted(text);
    }

    /// Sets the filter the open prompt edits; a new filter shows its best
    /// match first.
    fn set_prompted(&mut self, text: String) {
        let Some(kind) = self.prompt.as_ref().map(|p| p.kind) else {
            return;
        };
        let table_id = self.focused_table();
        match kind {
            PromptKind::Text => self.table_mut(table_id).filter = text,
            PromptKind::EventType => self.event_type = text,
        }
        let table = self.table_mut(table_id);
        table.selected = 0;
        table.offset = 0;
        table.anchor = None;
    }

    fn open(&mut self, lens: &dyn TableData) {
        if self.pane == Pane::Queues && self.drill.is_none() {
            return self.drill(lens);
        }
        let id = self.focused_table();
        let rows = lens.rows(self, id);
        let (selected, _) = self.table(id).window(rows, self.page(id));
        if let Some(target) = lens.target(self, id, selected) {
            self.detail = Some(Detail::new(target));
        }
    }

    fn drill(&mut self, lens: &dyn TableData) {
        if self.pane != Pane::Queues || self.drill.is_some() {
            return;
        }
        let rows = lens.rows(self, TableId::Queues);
        let (selected, _) = self
            .table(TableId::Queues)
            .window(rows, self.page(TableId::Queues));
        if let Some(RowId::Queue(queue)) = lens.target(self, TableId::Queues, selected) {
            self.drill = Some(Drill {
                queue,
                section: Section::Members,
                members: TableState::default(),
                callers: TableState::default(),
                rows: layout::DrillRows::default(),
            });
        }
    }

    fn back(&mut self) {
        if self.detail.take().is_some() || self.help.take().is_some() {
            return;
        }
        let id = self.focused_table();
        let table = self.table_mut(id);
        if !table.filter.is_empty() {
            table.filter.clear();
        } else if self.pane == Pane::Events {
            self.event_type.clear();
        }
    }

    /// A click: focuses the pane under the pointer and selects the row (a
    /// grid's cell) under it.
    pub fn click(&mut self, column: u16, row: u16, lens: &dyn TableData) {
        self.follow(lens);
        self.click_at(column, row, lens);
        self.follow(lens);
    }

    fn click_at(&mut self, column: u16, row: u16, lens: &dyn TableData) {
        if self.help.is_some() || self.detail.is_some() {
            return;
        }
        let point = Position::new(column, row);
        let screen = self.screen();
        if let Some(tabs) = screen.tabs
            && tabs.contains(point)
        {
            if let Some(pane) = crate::ui::tabs::pane_at(tabs, column) {
                self.show(pane);
            }
            return;
        }
        let Some((pane, _)) = screen.panes.iter().find(|(_, area)| area.contains(point)) else {
            return;
        };
        self.pane = *pane;
        let Some((id, area)) = self
            .table_areas()
            .into_iter()
            .find(|(_, a)| a.contains(point))
        else {
            return;
        };
        if let (Some(drill), TableId::Callers | TableId::Members) = (&mut self.drill, id) {
            drill.section = if id == TableId::Members {
                Section::Members
            } else {
                Section::Callers
            };
        }
        if row < layout::body_top(area) {
            return;
        }
        let rows = lens.rows(self, id);
        let page = layout::body_rows(area);
        let (selected, offset) = self.table(id).window(rows, page);
        let (x, y) = (column - area.x, row - layout::body_top(area));
        let index = match lens.grid(self, id, area) {
            Some(grid) => grid.at(x, y, selected, rows),
            None => Some(offset + usize::from(y)),
        };
        if let Some(index) = index.filter(|&index| index < rows) {
            self.table_mut(id).move_to(index, rows, page);
        }
    }

    /// The mouse wheel over a table scrolls it (and focuses its pane).
    pub fn wheel(&mut self, column: u16, row: u16, delta: isize, lens: &dyn TableData) {
        self.follow(lens);
        let point = Position::new(column, row);
        let overlay = self.help.is_some() || self.detail.is_some();
        if !overlay
            && let Some((pane, _)) = self.screen().panes.iter().find(|(_, a)| a.contains(point))
        {
            self.pane = *pane;
        }
        self.scroll(lens, delta);
        self.follow(lens);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyCode;
    use crossterm::event::KeyEvent;

    /// A fake data set: a fixed number of rows per table.
    struct FakeData {
        channels: usize,
        queues: usize,
        members: usize,
        /// Laid out as a grid of cells 40 wide.
        hints: usize,
    }

    impl TableData for FakeData {
        fn rows(&self, view: &View, table: TableId) -> usize {
            let all = match table {
                TableId::Channels => self.channels,
                TableId::Queues => self.queues,
                TableId::Members => self.members,
                TableId::Hints => self.hints,
                _ => 0,
            };
            // The filter "x" hides everything: enough to see it applies.
            if view.table(table).filter == "x" {
                0
            } else {
                all
            }
        }
        fn target(&self, _: &View, table: TableId, index: usize) -> Option<RowId> {
            match table {
                TableId::Channels => Some(RowId::Channel(format!("chan{index}"))),
                TableId::Queues => Some(RowId::Queue(format!("q{index}"))),
                TableId::Members => Some(RowId::Member {
                    queue: "q".into(),
                    interface: format!("m{index}"),
                }),
                TableId::Hints => Some(RowId::Hint("default".into(), index.to_string())),
                _ => None,
            }
        }
        fn position(&self, view: &View, table: TableId, target: &RowId) -> Option<usize> {
            (0..self.rows(view, table))
                .find(|&i| self.target(view, table, i).as_ref() == Some(target))
        }
        fn detail_lines(&self, _: &RowId) -> usize {
            10
        }
        fn newest_event(&self) -> u64 {
            77
        }
        fn sort_columns(&self, _: TableId) -> usize {
            3
        }
        fn grid(&self, view: &View, table: TableId, area: Rect) -> Option<Grid> {
            let rows = self.rows(view, table);
            (table == TableId::Hints)
                .then(|| Grid::fit(area.width, layout::body_rows(area), rows, 40))
        }
    }

    const DATA: FakeData = FakeData {
        channels: 100,
        queues: 4,
        members: 6,
        hints: 20,
    };

    fn run(view: &mut View, commands: &[Command]) {
        for command in commands {
            assert_eq!(view.update(*command, &DATA), Flow::Continue);
        }
    }

    #[test]
    fn panes_cycle_and_jump() {
        let mut view = View::default();
        run(&mut view, &[Command::NextPane, Command::NextPane]);
        assert_eq!(view.pane, Pane::Queues);
        run(
            &mut view,
            &[Command::PrevPane, Command::PrevPane, Command::PrevPane],
        );
        assert_eq!(Some(&view.pane), Pane::ALL.last(), "wraps around");
        run(&mut view, &[Command::ShowPane(Pane::Calls)]);
        assert_eq!(view.pane, Pane::Calls);
    }

    #[test]
    fn movement_clamps_and_keeps_the_selection_in_sight() {
        let mut view = View::default();
        let page = view.page(TableId::Channels);
        assert_eq!(page, 16);
        run(&mut view, &[Command::Up]);
        assert_eq!(view.table(TableId::Channels).selected, 0);
        run(&mut view, &[Command::PageDown, Command::PageDown]);
        let table = view.table(TableId::Channels);
        assert_eq!(table.selected, 32);
        assert_eq!(table.offset, 32 + 1 - page);
        run(&mut view, &[Command::End]);
        assert_eq!(view.table(TableId::Channels).selected, 99);
        run(&mut view, &[Command::Down]);
        assert_eq!(view.table(TableId::Channels).selected, 99);
        run(&mut view, &[Command::Home]);
        assert_eq!(view.table(TableId::Channels).selected, 0);
        assert_eq!(view.table(TableId::Channels).offset, 0);
    }

    #[test]
    fn window_follows_shrinking_data() {
        let table = TableState {
            selected: 50,
            offset: 45,
            ..Default::default()
        };
        assert_eq!(table.window(10, 5), (9, 5));
        assert_eq!(table.window(0, 5), (0, 0));
    }

    #[test]
    fn sort_cycles_and_reverses() {
        let mut view = View::default();
        run(&mut view, &[Command::SortNext, Command::SortNext]);
        assert_eq!(view.table(TableId::Channels).sort, 2);
        run(&mut view, &[Command::SortNext, Command::SortReverse]);
        assert_eq!(view.table(TableId::Channels).sort, 0);
        assert!(view.table(TableId::Channels).reverse);
    }

    #[test]
    fn filter_types_live_and_esc_restores() {
        let mut view = View::default();
        run(&mut view, &[Command::Filter]);
        assert_eq!(view.contexts(), [Context::Prompt]);
        for c in "ali".chars() {
            view.prompt_key(&KeyEvent::from(KeyCode::Char(c)));
        }
        view.prompt_key(&KeyEvent::from(KeyCode::Backspace));
        assert_eq!(view.table(TableId::Channels).filter, "al");
        view.prompt_key(&KeyEvent::from(KeyCode::Enter));
        assert!(view.prompt.is_none());
        assert_eq!(view.table(TableId::Channels).filter, "al");

        run(&mut view, &[Command::Filter]);
        view.prompt_key(&KeyEvent::from(KeyCode::Char('z')));
        view.prompt_key(&KeyEvent::from(KeyCode::Esc));
        assert_eq!(view.table(TableId::Channels).filter, "al");

        run(&mut view, &[Command::Back]);
        assert_eq!(view.table(TableId::Channels).filter, "");
    }

    #[test]
    fn the_filter_prompt_edits_at_its_cursor_and_pastes_there() {
        let mut view = View::default();
        run(&mut view, &[Command::Filter]);
        for c in "alce".chars() {
            view.prompt_key(&KeyEvent::from(KeyCode::Char(c)));
        }
        view.prompt_key(&KeyEvent::from(KeyCode::Left));
        view.prompt_key(&KeyEvent::from(KeyCode::Left));
        view.prompt_key(&KeyEvent::from(KeyCode::Char('i')));
        assert_eq!(view.table(TableId::Channels).filter, "alice");
        view.prompt_key(&KeyEvent::from(KeyCode::Home));
        view.prompt_paste("m\n");
        assert_eq!(view.table(TableId::Channels).filter, "malice");
        assert_eq!(view.prompt.as_ref().map(Prompt::cursor), Some(1));
        let ctrl_u = KeyEvent::new(KeyCode::Char('u'), crossterm::event::KeyModifiers::CONTROL);
        view.prompt_key(&ctrl_u);
        assert_eq!(view.table(TableId::Channels).filter, "");
        view.prompt_key(&KeyEvent::from(KeyCode::Esc));
        assert_eq!(view.table(TableId::Channels).filter, "");
    }

    #[test]
    fn queue_drill_down_and_back() {
        let mut view = View::default();
        run(
            &mut view,
            &[
                Command::ShowPane(Pane::Queues),
                Command::Down,
                Command::Drill,
            ],
        );
        let drill = view.drill.as_ref().expect("drilled");
        assert_eq!(drill.queue, "q1");
        assert_eq!(view.focused_table(), TableId::Members);
        assert_eq!(view.contexts()[0], Context::QueueDrill);
        run(&mut view, &[Command::Down, Command::Open]);
        assert_eq!(
            view.detail.as_ref().map(|d| &d.target),
            Some(&RowId::Member {
                queue: "q".into(),
                interface: "m1".into()
            })
        );
        run(&mut view, &[Command::Back, Command::SwitchSection]);
        assert_eq!(view.focused_table(), TableId::Callers);
        run(&mut view, &[Command::Leave]);
        assert!(view.drill.is_none());
        assert_eq!(view.focused_table(), TableId::Queues);
    }

    #[test]
    fn detail_and_help_open_scroll_and_close() {
        let mut view = View::default();
        run(&mut view, &[Command::Down, Command::Down, Command::Open]);
        assert_eq!(
            view.detail.as_ref().unwrap().target,
            RowId::Channel("chan2".into())
        );
        assert_eq!(view.contexts(), vec![Context::Detail, Context::Global]);
        run(&mut view, &[Command::End]);
        assert_eq!(view.detail.as_ref().unwrap().scroll, 9);
        run(&mut view, &[Command::Back]);
        assert!(view.detail.is_none());
        assert_eq!(view.table(TableId::Channels).selected, 2);

        run(&mut view, &[Command::ToggleHelp]);
        assert_eq!(view.contexts()[0], Context::Help);
        run(&mut view, &[Command::Down, Command::ToggleHelp]);
        assert!(view.help.is_none());
    }

    #[test]
    fn pause_freezes_at_the_newest_event() {
        let mut view = View::default();
        run(
            &mut view,
            &[Command::ShowPane(Pane::Events), Command::TogglePause],
        );
        assert_eq!(view.paused_at, Some(77));
        run(&mut view, &[Command::TogglePause]);
        assert_eq!(view.paused_at, None);
    }

    #[test]
    fn quit_stops_the_loop() {
        assert_eq!(View::default().update(Command::Quit, &DATA), Flow::Quit);
    }

    #[test]
    fn click_selects_the_row_under_the_pointer() {
        let mut view = View::default();
        // Pane at y=4: border, column titles at y=5, first data row at y=6.
        view.click(10, 9, &DATA);
        assert_eq!(view.table(TableId::Channels).selected, 3);
        view.wheel(10, 9, 3, &DATA);
        assert_eq!(view.table(TableId::Channels).selected, 6);
    }

    #[test]
    fn a_grid_moves_sideways_pages_by_screenfuls_and_takes_clicks_by_cell() {
        let data = FakeData { hints: 60, ..DATA };
        let mut view = View::new(Rect::new(0, 0, 130, 24));
        let update = |view: &mut View, commands: &[Command]| {
            for command in commands {
                view.update(*command, &data);
            }
            view.table(TableId::Hints).selected
        };
        update(&mut view, &[Command::ShowPane(Pane::Hints)]);
        assert_eq!(view.contexts()[0], Context::Grid);
        let grid = view.grid(&data, TableId::Hints).expect("a grid");
        // Three columns of 16 a screen: 0-15, 16-31, 32-47, then 48-59.
        assert_eq!((grid.columns, grid.lines), (3, 16));
        assert_eq!(update(&mut view, &[Command::Down, Command::Right]), 17);
        assert_eq!(update(&mut view, &[Command::Right, Command::Right]), 49);
        assert_eq!(update(&mut view, &[Command::Left, Command::Left]), 17);
        assert_eq!(update(&mut view, &[Command::Left, Command::Left]), 1);
        assert_eq!(update(&mut view, &[Command::PageDown]), 49);
        assert_eq!(update(&mut view, &[Command::PageDown]), 59);
        assert_eq!(update(&mut view, &[Command::PageUp]), 11);
        assert_eq!(update(&mut view, &[Command::Home]), 0);
        assert_eq!(update(&mut view, &[Command::End]), 59);

        // A click selects the cell under it, on the screen shown: the
        // second screen's first column, where it has no second.
        let (_, area) = view.table_areas()[0];
        let pitch = grid.cell as u16 + crate::ui::grid::GAP;
        let (x, y) = (area.x + pitch + 3, layout::body_top(area) + 3);
        view.click(area.x + 3, y, &data);
        assert_eq!(view.table(TableId::Hints).selected, 48 + 3);
        view.click(x, y, &data);
        assert_eq!(view.table(TableId::Hints).selected, 48 + 3);
        update(&mut view, &[Command::Home]);
        view.click(x, y, &data);
        assert_eq!(view.table(TableId::Hints).selected, 16 + 3);
        // The gap between cells selects nothing.
        view.click(area.x + grid.cell as u16, y, &data);
        assert_eq!(view.table(TableId::Hints).selected, 16 + 3);

        // A table of one row a line has no columns to move between.
        let moves = [Command::ShowPane(Pane::Channels), Command::Down];
        update(&mut view, &moves);
        update(&mut view, &[Command::Right, Command::Left]);
        assert_eq!(view.table(TableId::Channels).selected, 1);
    }

    #[test]
    fn click_in_the_wide_layout_focuses_that_pane() {
        let mut view = View::new(Rect::new(0, 0, 160, 48));
        let queues = view.screen().pane_area(Pane::Queues).unwrap();
        view.click(queues.x + 2, queues.y + 3, &DATA);
        assert_eq!(view.pane, Pane::Queues);
        assert_eq!(view.table(TableId::Queues).selected, 1);
    }
}
