//! What a table says about itself, and what every table gets from that.
//!
//! A pane's table implements [`Table`] (or, when its rows are few enough
//! to sort afresh each frame, the smaller [`Sorted`]): its row type, its
//! columns, its rows from the model, each row's identity and the text of
//! an empty table. Filtering, sorting, the visible window, selection by
//! identity and drawing live once, here and in [`crate::ui::table`], and
//! reach every table through [`Shown`]. The list of tables is in
//! [`crate::ui::panes`]: a new pane is one file there plus one entry in
//! its list, and a further table of a pane one name in that entry.

use std::cmp::Ordering;

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::model::State;
use crate::ui::grid::Grid;
use crate::ui::panes::TableId;
use crate::ui::selection::RowId;
use crate::ui::table::{self, CellContext, Column, DrawOptions, VisibleRows};
use crate::ui::view::View;

/// One table of the screen.
pub trait Table: Sync {
    type Row<'a>;
    /// Which table this is: its [`TableState`](crate::ui::selection::TableState)
    /// in the view.
    const ID: TableId;
    /// Shown when there are no rows.
    const EMPTY: &'static str;
    fn columns<'a>(&self) -> Vec<Column<Self::Row<'a>>>;
    /// How many rows pass the filter, and those of the visible window
    /// (`page` rows tall) in table order.
    fn rows<'a>(
        &self,
        view: &View,
        env: &CellContext<'a>,
        page: usize,
    ) -> VisibleRows<Self::Row<'a>>;
    /// What the row is, wherever it moves: what selection remembers and
    /// actions and detail views act on.
    fn identity(&self, row: &Self::Row<'_>, view: &View) -> RowId;
    /// Where the row `target` now is in table order, if it passes the
    /// filter.
    fn position(&self, view: &View, env: &CellContext, target: &RowId) -> Option<usize>;
}

/// A table whose rows are gathered and sorted afresh for each frame.
pub trait Sorted: Sync {
    type Row<'a>;
    const ID: TableId;
    const EMPTY: &'static str;
    fn columns<'a>(&self) -> Vec<Column<Self::Row<'a>>>;
    /// Every row, in any order.
    fn all<'a>(&self, state: &'a State, view: &View) -> Vec<Self::Row<'a>>;
    /// Orders the rows the sort column finds equal.
    fn tiebreak(a: &Self::Row<'_>, b: &Self::Row<'_>) -> Ordering;
    fn identity(&self, row: &Self::Row<'_>, view: &View) -> RowId;
}

impl<T: Sorted> Table for T {
    type Row<'a> = T::Row<'a>;
    const ID: TableId = T::ID;
    const EMPTY: &'static str = T::EMPTY;

    fn columns<'a>(&self) -> Vec<Column<Self::Row<'a>>> {
        Sorted::columns(self)
    }

    fn rows<'a>(
        &self,
        view: &View,
        env: &CellContext<'a>,
        page: usize,
    ) -> VisibleRows<Self::Row<'a>> {
        let mut rows = self.all(env.state, view);
        let table = view.table(T::ID);
        table::filter_sort(
            &mut rows,
            &Sorted::columns(self),
            table,
            env,
            T::tiebreak,
            page,
        );
        // Past the window the rows are in no order: leave them out.
        let total = rows.len();
        let (_, offset) = table.window(total, page);
        rows.truncate(offset + page);
        VisibleRows {
            total,
            first: 0,
            window: rows,
        }
    }

    fn identity(&self, row: &Self::Row<'_>, view: &View) -> RowId {
        Sorted::identity(self, row, view)
    }

    fn position(&self, view: &View, env: &CellContext, target: &RowId) -> Option<usize> {
        table::rank(
            self.all(env.state, view),
            &Sorted::columns(self),
            view.table(T::ID),
            env,
            T::tiebreak,
            |row| Sorted::identity(self, row, view) == *target,
        )
    }
}

/// A table as the screen and the view use it, whatever its rows.
pub trait Shown: Sync {
    /// Rows passing the filter.
    fn count(&self, view: &View, env: &CellContext) -> usize;
    /// The row at `index` in table order (after filter and sort).
    fn target(&self, view: &View, env: &CellContext, index: usize) -> Option<RowId>;
    /// Where the row `target` now is, if it passes the filter.
    fn position(&self, view: &View, env: &CellContext, target: &RowId) -> Option<usize>;
    fn sort_columns(&self) -> usize;
    /// The grid the rows are laid out in within `area`, for a table that
    /// draws them as cells side by side: the view then moves sideways,
    /// pages and takes clicks by it. `None`, one row a line, for a table.
    fn grid(&self, _view: &View, _env: &CellContext, _area: Rect) -> Option<Grid> {
        None
    }
    /// Draws the titles and the visible rows; returns the rows passing the
    /// filter.
    fn draw(
        &self,
        frame: &mut Frame<'_>,
        area: Rect,
        view: &View,
        env: &CellContext,
        focused: bool,
    ) -> usize;
}

impl<T: Table> Shown for T {
    fn count(&self, view: &View, env: &CellContext) -> usize {
        self.rows(view, env, 0).total
    }

    fn target(&self, view: &View, env: &CellContext, index: usize) -> Option<RowId> {
        // Rows are put in order up to the end of the visible window.
        let rows = self.rows(view, env, view.page(T::ID));
        rows.get(index).map(|row| self.identity(row, view))
    }

    fn position(&self, view: &View, env: &CellContext, target: &RowId) -> Option<usize> {
        Table::position(self, view, env, target)
    }

    fn sort_columns(&self) -> usize {
        self.columns().len()
    }

    fn draw(
        &self,
        frame: &mut Frame<'_>,
        area: Rect,
        view: &View,
        env: &CellContext,
        focused: bool,
    ) -> usize {
        let rows = self.rows(view, env, crate::ui::layout::body_rows(area));
        let options = DrawOptions {
            focused,
            empty: T::EMPTY,
        };
        let columns = self.columns();
        table::draw_window(
            frame,
            area,
            &rows,
            &columns,
            view.table(T::ID),
            env,
            &options,
        );
        rows.total
    }
}
