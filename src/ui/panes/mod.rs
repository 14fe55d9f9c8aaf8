//! One module per pane, each holding its tables (see [`crate::ui::tables`]).
//! [`panes!`] below lists every pane once, with its module and its tables,
//! so a new pane is one new file plus one entry there. [`ModelTables`]
//! answers the view's questions about rows from the same tables, so what a
//! key acts on is what is drawn.
//!
//! How panes are reached: the first ten by one key each (`1`-`9`, `0`),
//! every pane by two, `v` then its letter; Tab and Shift-Tab step through
//! them in list order. The tab bar lists every pane; the wide layout shows
//! the panes named by `layout` in the config ([`DEFAULT_LAYOUT`] without
//! one), and a pane outside it full screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use crate::model::State;
use crate::ui::detail;
use crate::ui::keymap::{Binding, Command, Context, bind, ch};
use crate::ui::table::CellContext;
use crate::ui::tables::Shown;
use crate::ui::theme::Theme;
use crate::ui::view::{RowId, TableData, View};

/// Declares every pane: its module (the file holding its tables), its name
/// in the config's `layout`, its border title, its tab bar label, its one
/// key (the first ten only), its letter after `v`, its tables (the main one
/// first; each is the type of that name in the module), and optionally
/// what its own border title adds.
macro_rules! panes {
    ($($id:ident {
        module: $module:ident,
        name: $name:literal,
        title: $title:literal,
        tab: $tab:literal,
        $(key: $key:literal,)?
        goto: $goto:literal,
        tables: [$main:ident $(, $more:ident)* $(,)?],
        $(title_extras: $extras:path,)?
    })*) => {
        $(pub mod $module;)*

        /// Every pane, in tab order.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Pane {
            $($id,)*
        }

        /// Every table the screen can show.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum TableId {
            $($main, $($more,)*)*
        }

        /// The table `id`.
        pub fn table(id: TableId) -> &'static dyn Shown {
            match id {
                $(
                    TableId::$main => &$module::$main,
                    $(TableId::$more => &$module::$more,)*
                )*
            }
        }

        impl Pane {
            pub const ALL: &[Pane] = &[$(Pane::$id,)*];

            /// The pane's name in the config's `layout`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Pane::$id => $name,)*
                }
            }

            pub fn title(self) -> &'static str {
                match self {
                    $(Pane::$id => $title,)*
                }
            }

            /// The pane's label on the tab bar.
            pub fn tab(self) -> &'static str {
                match self {
                    $(Pane::$id => $tab,)*
                }
            }

            /// The pane's main table.
            pub fn table(self) -> TableId {
                match self {
                    $(Pane::$id => TableId::$main,)*
                }
            }

            /// The shortest keys that show the pane, as the border and the
            /// tab bar write them: `1`, or `v x` past the first ten.
            pub fn shortcut(self) -> String {
                match self {
                    $(Pane::$id => panes!(@shortcut $goto $(, $key)?),)*
                }
            }

            /// What the pane's own state adds to its border title.
            fn title_extras(self, view: &View, theme: Theme) -> Vec<Span<'static>> {
                match self {
                    $(Pane::$id => panes!(@extras view, theme $(, $extras)?),)*
                }
            }
        }

        /// The keys that show each pane (joined to the keymap).
        pub const PANE_BINDINGS: &[Binding] = &[
            $($(bind(Context::Global, &[ch($key)], Command::ShowPane(Pane::$id), $title, None),)?)*
            $(bind(Context::GoTo, &[ch($goto)], Command::ShowPane(Pane::$id), $title, Some($tab)),)*
        ];
    };
    (@shortcut $goto:literal, $key:literal) => { String::from($key) };
    (@shortcut $goto:literal) => { format!("v {}", $goto) };
    (@extras $view:ident, $theme:ident, $extras:path) => { $extras($view, $theme) };
    (@extras $view:ident, $theme:ident) => { Vec::new() };
}

// The pane list. A new pane: its file beside this one, one entry here, and
// its name in DEFAULT_LAYOUT if it belongs on the wide screen by default.
// A drilled-down queue shows the Queues pane's `Members` and `Callers`.
panes! {
    Channels {
        module: channels, name: "channels", title: "Channels", tab: "Channels",
        key: '1', goto: 'c', tables: [Channels],
    }
    Calls {
        module: calls, name: "calls", title: "Calls", tab: "Calls",
        key: '2', goto: 'a', tables: [Calls],
    }
    Queues {
        module: queues, name: "queues", title: "Queues", tab: "Queues",
        key: '3', goto: 'q', tables: [Queues, Members, Callers],
    }
    Registrations {
        module: registrations, name: "registrations", title: "Registrations & peers",
        tab: "Registrations", key: '4', goto: 'r', tables: [Registrations],
    }
    Events {
        module: events, name: "events", title: "Event log", tab: "Events",
        key: '5', goto: 'e', tables: [Events], title_extras: events::title_extras,
    }
    Agents {
        module: agents, name: "agents", title: "Agents", tab: "Agents",
        key: '6', goto: 'g', tables: [Agents],
    }
    Parked {
        module: parked, name: "parked", title: "Parked calls", tab: "Parked",
        key: '7', goto: 'p', tables: [Parked],
    }
    Conferences {
        module: conferences, name: "conferences", title: "Conferences", tab: "Conferences",
        key: '8', goto: 'f', tables: [Conferences],
    }
    Hints {
        module: hints, name: "hints", title: "Hints (BLF)", tab: "Hints",
        key: '9', goto: 'h', tables: [Hints],
    }
    Voicemail {
        module: voicemail, name: "voicemail", title: "Voicemail", tab: "Voicemail",
        key: '0', goto: 'm', tables: [Voicemail],
    }
}

/// The panes of the wide layout when the config names none.
pub const DEFAULT_LAYOUT: &[Pane] = &[
    Pane::Channels,
    Pane::Calls,
    Pane::Queues,
    Pane::Registrations,
    Pane::Events,
];

impl Pane {
    pub fn index(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    /// The pane called `name` in the config's `layout`.
    pub fn named(name: &str) -> Option<Pane> {
        Pane::ALL.iter().copied().find(|pane| pane.name() == name)
    }

    /// The pane `delta` steps away in tab order, wrapping around.
    pub fn step(self, delta: isize) -> Pane {
        let n = Pane::ALL.len() as isize;
        Pane::ALL[(self.index() as isize + delta).rem_euclid(n) as usize]
    }
}

/// Draws `pane` into `area` (border included): each of its tables, and
/// the drilled-down queue's summary.
pub fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    pane: Pane,
    state: &State,
    view: &View,
    env: &CellContext,
    focused: bool,
) {
    let drilled = pane == Pane::Queues && view.drill.is_some();
    if drilled {
        queues::draw_drill_summary(frame, area, state, view, env);
    }
    let main = view.pane_table(pane);
    let mut shown = 0;
    for (id, table_area) in view.pane_tables(pane, area) {
        let rows = table(id).draw(frame, table_area, state, view, env, focused && id == main);
        if id == main {
            shown = rows;
        }
    }
    // The title counts what the pane lists: queues, also when one is open.
    if drilled {
        shown = table(pane.table()).count(state, view, env);
    }
    frame.render_widget(border(pane, shown, view, env.theme, focused), area);
}

/// The pane's border, titled `1 Channels (12) /filter`.
fn border(pane: Pane, shown: usize, view: &View, theme: Theme, focused: bool) -> Block<'static> {
    let mut title = vec![Span::styled(
        format!(" {} {} ({shown})", pane.shortcut(), pane.title()),
        if focused {
            theme.focused_border()
        } else {
            theme.border()
        },
    )];
    let filter = &view.table(view.pane_table(pane)).filter;
    if !filter.is_empty() {
        title.push(Span::styled(format!(" /{filter}"), theme.prompt()));
    }
    title.extend(pane.title_extras(view, theme));
    title.push(Span::raw(" "));
    Block::default()
        .borders(Borders::ALL)
        .border_style(if focused {
            theme.focused_border()
        } else {
            theme.border()
        })
        .title(Line::from(title))
}

/// The view's questions about rows, answered from the model.
pub struct ModelTables<'a> {
    pub state: &'a State,
    pub now: f64,
}

impl ModelTables<'_> {
    fn env(&self) -> CellContext<'_> {
        CellContext {
            state: self.state,
            now: self.now,
            theme: Theme::new(false),
        }
    }
}

impl TableData for ModelTables<'_> {
    fn rows(&self, view: &View, id: TableId) -> usize {
        table(id).count(self.state, view, &self.env())
    }

    fn target(&self, view: &View, id: TableId, index: usize) -> Option<RowId> {
        table(id).target(self.state, view, &self.env(), index)
    }

    fn position(&self, view: &View, id: TableId, target: &RowId) -> Option<usize> {
        table(id).position(self.state, view, &self.env(), target)
    }

    fn detail_lines(&self, target: &RowId) -> usize {
        detail::line_count(self.state, target, self.now)
    }

    fn newest_event(&self) -> u64 {
        self.state.log.total()
    }

    fn sort_columns(&self, id: TableId) -> usize {
        table(id).sort_columns()
    }
}
