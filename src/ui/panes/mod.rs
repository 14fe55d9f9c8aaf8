//! One module per pane, each holding its tables (see [`crate::ui::tables`]).
//! [`list`] lists every pane once, with its module and its tables, so a
//! new pane is one new file plus one entry there. (`cargo fmt` does not
//! see modules a macro declares: `rustfmt --edition 2024
//! src/ui/panes/*.rs` formats them.) [`ModelTables`]
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
use crate::ui::grid::Grid;
use crate::ui::selection::RowId;
use crate::ui::table::CellContext;
use crate::ui::tables::Shown;
use crate::ui::theme::Theme;
use crate::ui::view::{TableData, View};

pub(crate) mod list;

pub use list::{DEFAULT_LAYOUT, Pane, TableId};

/// Declares each pane's module (see [`list::pane_list!`]), finds each table
/// by its id, what each pane's own state adds to its border title and
/// what it draws above its tables.
macro_rules! pane_modules {
    ($($id:ident { module: $module:ident, name: $name:literal, title: $title:literal,
        tab: $tab:literal, $(key: $key:literal,)? goto: $goto:literal,
        tables: [$main:ident $(, $more:ident)* $(,)?], $(title_extras: $extras:path,)?
        $(above_tables: $above:path,)? })*) => {
        $(pub mod $module;)*

        /// The table `id`.
        pub fn table(id: TableId) -> &'static dyn Shown {
            match id {
                $(
                    TableId::$main => &$module::$main,
                    $(TableId::$more => &$module::$more,)*
                )*
            }
        }

        /// What the pane's own state adds to its border title.
        fn title_extras(pane: Pane, view: &View, theme: Theme) -> Vec<Span<'static>> {
            match pane {
                $(Pane::$id => pane_modules!(@extras view, theme $(, $extras)?),)*
            }
        }

        /// Draws what the pane shows above its tables, if anything.
        fn above_tables(
            pane: Pane,
            frame: &mut Frame<'_>,
            area: Rect,
            view: &View,
            env: &CellContext,
        ) {
            match pane {
                $($(Pane::$id => $above(frame, area, view, env),)?)*
                _ => {}
            }
        }
    };
    (@extras $view:ident, $theme:ident, $extras:path) => { $extras($view, $theme) };
    (@extras $view:ident, $theme:ident) => { Vec::new() };
}

list::pane_list!(pane_modules);

/// Draws `pane` into `area` (border included): what the pane shows above
/// its tables, each of its tables, and the border, which counts the rows
/// of the pane's main table.
pub fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    pane: Pane,
    view: &View,
    env: &CellContext,
    focused: bool,
) {
    above_tables(pane, frame, area, view, env);
    let focused_table = view.pane_table(pane);
    let mut shown = None;
    for (id, table_area) in view.pane_tables(pane, area) {
        let rows = table(id).draw(frame, table_area, view, env, focused && id == focused_table);
        if id == pane.table() {
            shown = Some(rows);
        }
    }
    // Also when the pane shows other tables (a drilled-down queue's).
    let shown = shown.unwrap_or_else(|| table(pane.table()).count(view, env));
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
    title.extend(title_extras(pane, view, theme));
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
        table(id).count(view, &self.env())
    }

    fn target(&self, view: &View, id: TableId, index: usize) -> Option<RowId> {
        table(id).target(view, &self.env(), index)
    }

    fn position(&self, view: &View, id: TableId, target: &RowId) -> Option<usize> {
        table(id).position(view, &self.env(), target)
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

    fn grid(&self, view: &View, id: TableId, area: Rect) -> Option<Grid> {
        table(id).grid(view, &self.env(), area)
    }
}
