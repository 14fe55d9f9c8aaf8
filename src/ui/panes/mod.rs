//! One module per pane; each turns the model into the rows of its table(s)
//! and draws them. [`ModelLens`] answers the view's questions about rows
//! from the same functions, so what a key acts on is what is drawn.

mod call_groups;
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
use crate::ui::cache::Cache;
use crate::ui::table::Env;
use crate::ui::theme::Theme;
use crate::ui::view::{Lens, Pane, TableId, Target, View};
use crate::ui::{detail, layout};

/// Draws `pane` into `area` (border included).
pub fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    pane: Pane,
    state: &State,
    view: &View,
    env: &Env,
    focused: bool,
) {
    let inner = layout::inner(area);
    let page = layout::body_rows(inner);
    let shown = match pane {
        Pane::Channels => {
            let rows = channels::rows(state, view, env, page);
            channels::draw(frame, inner, &rows, view, env, focused);
            rows.len()
        }
        Pane::Calls => {
            let rows = calls::rows(state, view, env, page);
            calls::draw(frame, inner, &rows, view, env, focused);
            rows.len()
        }
        Pane::Queues => queues::draw(frame, area, state, view, env, focused),
        Pane::Registrations => {
            let rows = registrations::rows(state, view, env, page);
            registrations::draw(frame, inner, &rows, view, env, focused);
            rows.len()
        }
        Pane::Events => {
            let rows = events::rows(state, view, env, page);
            events::draw(frame, inner, &rows, view, env, focused);
            rows.len()
        }
    };
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
    let table = view.table(if pane == Pane::Queues {
        view.focused_table()
    } else {
        pane.table()
    });
    if !table.filter.is_empty() {
        title.push(Span::styled(format!(" /{}", table.filter), theme.prompt()));
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
    fn rows(&self, view: &View, table: TableId) -> usize {
        let (state, env) = (self.state, &self.env());
        match table {
            TableId::Channels => channels::rows(state, view, env, 0).len(),
            TableId::Calls => calls::rows(state, view, env, 0).len(),
            TableId::Queues => queues::queue_rows(state, view, env, 0).len(),
            TableId::Members => queues::member_rows(state, view, env, 0).len(),
            TableId::Callers => queues::caller_rows(state, view, env, 0).len(),
            TableId::Registrations => registrations::rows(state, view, env, 0).len(),
            TableId::Events => events::rows(state, view, env, 0).len(),
        }
    }

    fn target(&self, view: &View, table: TableId, index: usize) -> Option<Target> {
        let (state, env) = (self.state, &self.env());
        let queue = || {
            view.drill
                .as_ref()
                .map(|d| d.queue.clone())
                .unwrap_or_default()
        };
        // Rows are put in order up to the end of the visible window.
        let page = view.page(table);
        match table {
            TableId::Channels => channels::rows(state, view, env, page)
                .get(index)
                .map(|c| Target::Channel(c.uniqueid.clone())),
            TableId::Calls => calls::rows(state, view, env, page)
                .get(index)
                .map(|c| Target::Call(c.key.to_string())),
            TableId::Queues => queues::queue_rows(state, view, env, page)
                .get(index)
                .map(|q| Target::Queue(q.name.clone())),
            TableId::Members => queues::member_rows(state, view, env, page)
                .get(index)
                .map(|m| Target::Member {
                    queue: queue(),
                    interface: m.interface.clone(),
                }),
            TableId::Callers => queues::caller_rows(state, view, env, page)
                .get(index)
                .map(|c| Target::Caller {
                    queue: queue(),
                    uniqueid: c.uniqueid.clone(),
                }),
            TableId::Registrations => registrations::rows(state, view, env, page)
                .get(index)
                .map(|r| r.target()),
            TableId::Events => events::rows(state, view, env, page)
                .get(index)
                .map(|(seq, _)| Target::Event(*seq)),
        }
    }

    fn detail_lines(&self, cache: &Cache, target: &Target) -> usize {
        detail::line_count(self.state, cache, target, self.now)
    }

    fn newest_event(&self) -> u64 {
        self.state.log.total()
    }

    fn sort_columns(&self, table: TableId) -> usize {
        match table {
            TableId::Channels => channels::columns().len(),
            TableId::Calls => calls::columns().len(),
            TableId::Queues => queues::queue_columns().len(),
            TableId::Members => queues::member_columns().len(),
            TableId::Callers => queues::caller_columns().len(),
            TableId::Registrations => registrations::columns().len(),
            TableId::Events => events::columns().len(),
        }
    }
}
