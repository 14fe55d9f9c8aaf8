//! One module per pane, each holding its tables (see [`crate::ui::tables`]);
//! [`tables!`] below lists every table once. [`ModelLens`] answers the
//! view's questions about rows from the same tables, so what a key acts
//! on is what is drawn.

pub mod calls;
pub mod channels;
pub mod events;
pub mod queues;
pub mod registrations;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use crate::model::State;
use crate::ui::table::Env;
use crate::ui::tables::Shown;
use crate::ui::theme::Theme;
use crate::ui::view::{Lens, Pane, Target, View};
use crate::ui::{detail, layout};

/// Declares every table: its [`TableId`] and what draws it. A new table
/// is one line here.
macro_rules! tables {
    ($($(#[$doc:meta])* $id:ident => $table:expr,)*) => {
        /// Every table the screen can show.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum TableId {
            $($(#[$doc])* $id,)*
        }

        /// The table `id`.
        pub fn table(id: TableId) -> &'static dyn Shown {
            match id {
                $(TableId::$id => &$table,)*
            }
        }
    };
}

tables! {
    Channels => channels::Channels,
    Calls => calls::Calls,
    Queues => queues::Queues,
    /// Members of the drilled-down queue.
    Members => queues::Members,
    /// Waiting callers of the drilled-down queue.
    Callers => queues::Callers,
    Registrations => registrations::Registrations,
    Events => events::Events,
}

/// Draws `pane` into `area` (border included): each of its tables, and
/// the drilled-down queue's summary.
pub fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    pane: Pane,
    state: &State,
    view: &View,
    env: &Env,
    focused: bool,
) {
    let drilled = pane == Pane::Queues && view.drill.is_some();
    if drilled {
        queues::draw_drill_summary(frame, area, state, view, env);
    }
    let main = view.pane_table(pane);
    let mut shown = 0;
    for (id, table_area) in layout::tables(pane, area, drilled) {
        let rows = table(id).draw(frame, table_area, state, view, env, focused && id == main);
        if id == main {
            shown = rows;
        }
    }
    frame.render_widget(border(pane, shown, view, env.theme, focused), area);
}

/// The pane's border, titled `1 Channels (12) /filter`.
fn border(pane: Pane, shown: usize, view: &View, theme: Theme, focused: bool) -> Block<'static> {
    let mut title = vec![Span::styled(
        format!(" {} {} ({shown})", pane.index() + 1, pane.title()),
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
    if pane == Pane::Events {
        if !view.event_type.is_empty() {
            title.push(Span::styled(
                format!(" event:{}", view.event_type),
                theme.prompt(),
            ));
        }
        if view.paused_at.is_some() {
            title.push(Span::styled(" ⏸ paused", theme.prompt()));
        }
    }
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
pub struct ModelLens<'a> {
    pub state: &'a State,
    pub now: f64,
}

impl ModelLens<'_> {
    fn env(&self) -> Env<'_> {
        Env {
            state: self.state,
            now: self.now,
            theme: Theme::new(false),
        }
    }
}

impl Lens for ModelLens<'_> {
    fn rows(&self, view: &View, id: TableId) -> usize {
        table(id).count(self.state, view, &self.env())
    }

    fn target(&self, view: &View, id: TableId, index: usize) -> Option<Target> {
        table(id).target(self.state, view, &self.env(), index)
    }

    fn position(&self, view: &View, id: TableId, target: &Target) -> Option<usize> {
        table(id).position(self.state, view, &self.env(), target)
    }

    fn detail_lines(&self, target: &Target) -> usize {
        detail::line_count(self.state, target, self.now)
    }

    fn newest_event(&self) -> u64 {
        self.state.log.total()
    }

    fn sort_columns(&self, id: TableId) -> usize {
        table(id).sort_columns()
    }
}
