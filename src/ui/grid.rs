//! Rows laid out as a grid of cells, as `ls` lists files: down the first
//! column, then the next, in columns of even length, a screenful of
//! columns at a time. A table drawn so (the Hints pane's BLF panel) says
//! so through [`Shown::grid`](crate::ui::tables::Shown::grid), and the
//! view moves sideways, pages and maps clicks with what is here, the same
//! for any such table.

/// Screen columns between two cells.
pub const GAP: u16 = 2;

/// How the cells of a table fit its area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grid {
    /// Cells across.
    pub columns: usize,
    /// Cells down a column.
    pub lines: usize,
    /// Width of one cell.
    pub cell: usize,
}

impl Grid {
    /// The grid of `cells` cells, each best `wanted` wide, in `width`
    /// columns of the screen and `lines` lines: as many cells across as
    /// fit whole, sharing the width, and columns no longer than they need
    /// be to hold every cell (`lines` when they cannot).
    pub fn fit(width: u16, lines: usize, cells: usize, wanted: usize) -> Grid {
        let (width, gap) = (usize::from(width), usize::from(GAP));
        let columns = ((width + gap) / (wanted.max(1) + gap)).max(1);
        let cell = width.saturating_sub((columns - 1) * gap) / columns;
        let lines = lines.max(1).min(cells.div_ceil(columns).max(1));
        Grid {
            columns,
            lines,
            cell,
        }
    }

    /// Cells in a screenful of columns.
    pub fn screenful(&self) -> usize {
        self.columns * self.lines
    }

    /// The first cell shown: of the screenful of columns holding
    /// `selected`.
    pub fn first_shown(&self, selected: usize) -> usize {
        selected / self.screenful() * self.screenful()
    }

    /// The cell `step` columns right (left when negative) of `from`, on
    /// the same line, among `total` cells. At either edge the selection
    /// stays; into a last column too short for the line it goes to that
    /// column's foot.
    pub fn sideways(&self, from: usize, step: isize, total: usize) -> usize {
        let Some(last) = total.checked_sub(1) else {
            return 0;
        };
        let from = from.min(last);
        let column = (from / self.lines).saturating_add_signed(step);
        let line = from % self.lines;
        if column * self.lines > last || (step < 0 && from < self.lines) {
            return from;
        }
        (column * self.lines + line).min(last)
    }

    /// The cell under a point `x` columns and `y` lines into the grid's
    /// body, with `selected` choosing the screenful shown, among `total`
    /// cells; none in a gap or past the last cell.
    pub fn at(&self, x: u16, y: u16, selected: usize, total: usize) -> Option<usize> {
        let (x, y) = (usize::from(x), usize::from(y));
        let pitch = self.cell + usize::from(GAP);
        let column = x / pitch;
        if column >= self.columns || x % pitch >= self.cell || y >= self.lines {
            return None;
        }
        let index = self.first_shown(selected) + column * self.lines + y;
        (index < total).then_some(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_fill_even_columns_and_scroll_by_screenfuls() {
        // 98 columns, cells 40 wide: two across; 7 cells make columns of
        // 4 and 3.
        let grid = Grid::fit(98, 8, 7, 40);
        assert_eq!((grid.columns, grid.lines, grid.cell), (2, 4, 48));
        assert_eq!(grid.first_shown(6), 0);
        assert_eq!(Grid::fit(118, 8, 7, 34).columns, 3);
        // 30 cells in 2 columns of at most 8 lines: screens of 16.
        let grid = Grid::fit(98, 8, 30, 40);
        assert_eq!((grid.lines, grid.screenful()), (8, 16));
        assert_eq!(grid.first_shown(15), 0);
        assert_eq!(grid.first_shown(16), 16);
        assert_eq!(grid.first_shown(29), 16);
        // Too narrow for two: one cell across, the whole width.
        let narrow = Grid::fit(40, 5, 3, 50);
        assert_eq!((narrow.columns, narrow.cell), (1, 40));
    }

    #[test]
    fn sideways_keeps_the_line_and_stops_at_the_edges() {
        // Columns of 4, 4 and 2: 0-3, 4-7, 8-9.
        let grid = Grid::fit(150, 8, 10, 40);
        assert_eq!((grid.columns, grid.lines), (3, 4));
        assert_eq!(grid.sideways(1, 1, 10), 5);
        assert_eq!(grid.sideways(5, 1, 10), 9);
        assert_eq!(grid.sideways(5, -1, 10), 1);
        // The left edge, the right edge.
        assert_eq!(grid.sideways(2, -1, 10), 2);
        assert_eq!(grid.sideways(9, 1, 10), 9);
        // Into the short last column: its foot.
        assert_eq!(grid.sideways(7, 1, 10), 9);
        assert_eq!(grid.sideways(6, 1, 10), 9);
        // A selection past the end (rows went) counts from the last cell.
        assert_eq!(grid.sideways(40, -1, 10), 5);
        assert_eq!(grid.sideways(0, 1, 0), 0);
        // Past the screenful: into the next screen's first column.
        let grid = Grid::fit(98, 8, 30, 40);
        assert_eq!(grid.sideways(10, 1, 30), 18);
        assert_eq!(grid.sideways(18, -1, 30), 10);
        assert_eq!(grid.sideways(27, 1, 30), 27);
    }

    #[test]
    fn a_point_finds_the_cell_under_it() {
        // Cells 48 wide with a gap of 2: the second column from x = 50.
        let grid = Grid::fit(98, 8, 7, 40);
        assert_eq!(grid.at(0, 0, 0, 7), Some(0));
        assert_eq!(grid.at(47, 3, 0, 7), Some(3));
        assert_eq!(grid.at(48, 1, 0, 7), None, "the gap");
        assert_eq!(grid.at(50, 1, 0, 7), Some(5));
        assert_eq!(grid.at(60, 3, 0, 7), None, "past the last cell");
        assert_eq!(grid.at(10, 4, 0, 7), None, "below the columns");
        assert_eq!(grid.at(97, 0, 0, 7), Some(4));
        // The second screenful, while the selection is on it.
        let grid = Grid::fit(98, 8, 30, 40);
        assert_eq!(grid.at(55, 2, 20, 30), Some(16 + 8 + 2));
        assert_eq!(grid.at(55, 6, 20, 30), None);
    }
}
