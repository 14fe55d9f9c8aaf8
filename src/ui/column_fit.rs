//! How wide each column of a table is drawn, from what its visible rows
//! hold and how wide the terminal is.
//!
//! Why it exists: fixed widths with the spare room handed to "flexible"
//! columns gave a 55-cell Queue column to `sales` while Caller ID was cut,
//! and kept an empty Account column while a name was cut. Here every
//! column asks for what its content needs; columns with nothing to show
//! give their room away; numbers are never cut; what is left over stays
//! blank at the right rather than widening one column.

use crate::ui::text;

/// Columns are separated by one space.
pub const GAP: u16 = 1;

/// What one column needs, measured on the rows on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Need {
    /// Width of the title (with its sort arrow).
    pub title: u16,
    /// Widest visible cell; 0 when every visible cell is empty.
    pub content: u16,
    /// Every visible non-empty cell is a number or a duration: drawn
    /// right-aligned and never cut.
    pub numeric: bool,
    /// Width the pane suggests: a text column is cut down to this before
    /// any column is dropped.
    pub suggested: u16,
    /// Narrow terminals drop the columns of highest `drop` first (0 = never).
    pub drop: u8,
    /// Kept even when empty (the first column, the sort column).
    pub keep: bool,
    /// Names the row (the first column): cut only once nothing else can
    /// be dropped.
    pub names_row: bool,
}

impl Need {
    /// What the column would take with room to spare.
    fn want(&self) -> u16 {
        self.title.max(self.content)
    }

    /// The least it is drawn with before being dropped.
    fn least(&self) -> u16 {
        if self.numeric || self.names_row {
            self.want()
        } else {
            self.want().min(self.suggested.max(self.title))
        }
    }
}

/// Measures a column from its title and its visible cells.
pub fn measure<'c>(title: &str, cells: impl IntoIterator<Item = &'c str>) -> (u16, u16, bool) {
    let mut content = 0;
    let mut numeric = true;
    let mut any = false;
    for cell in cells {
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        content = content.max(text::width(cell));
        if cell != "-" {
            any = true;
            numeric &= looks_numeric(cell);
        }
    }
    let narrow = |w: usize| u16::try_from(w).unwrap_or(u16::MAX);
    (narrow(text::width(title)), narrow(content), numeric && any)
}

/// `12`, `-3`, `90.5%`, `1:05`, `59s`, `3d 4h`, `12 ms`: a count or a
/// duration, not words.
pub fn looks_numeric(cell: &str) -> bool {
    let mut chars = cell.chars().peekable();
    if chars.peek() == Some(&'-') {
        chars.next();
    }
    if !chars.peek().is_some_and(char::is_ascii_digit) {
        return false;
    }
    chars.all(|c| c.is_ascii_digit() || ":.,% ".contains(c) || "smhd".contains(c))
}

/// Which columns are drawn and how wide, as `(column index, width)` in
/// column order, for a table `width` cells wide with rows on screen when
/// `has_rows`.
pub fn plan(needs: &[Need], width: u16, has_rows: bool) -> Vec<(usize, u16)> {
    // Columns with nothing to show give their room away.
    let mut shown: Vec<usize> = (0..needs.len())
        .filter(|&i| !has_rows || needs[i].content > 0 || needs[i].keep)
        .collect();
    let total = |shown: &[usize]| -> u32 {
        shown
            .iter()
            .map(|&i| u32::from(needs[i].least()))
            .sum::<u32>()
            + u32::from(GAP) * shown.len().saturating_sub(1) as u32
    };
    while shown.len() > 1 && total(&shown) > u32::from(width) {
        let Some(victim) = shown
            .iter()
            .enumerate()
            .filter(|(_, i)| needs[**i].drop > 0)
            .max_by_key(|(pos, i)| (needs[**i].drop, *pos))
            .map(|(pos, _)| pos)
        else {
            break;
        };
        shown.remove(victim);
    }
    let mut widths: Vec<u16> = shown.iter().map(|&i| needs[i].least()).collect();
    let used = total(&shown);
    // Nothing left to drop and still too wide: the text columns on the
    // right are cut further, then the rest clips at the edge.
    let mut over = used.saturating_sub(u32::from(width));
    for (w, &i) in widths.iter_mut().zip(&shown).rev() {
        let need = needs[i];
        if over == 0 || need.numeric || need.names_row {
            continue;
        }
        let cut = u32::from(*w).saturating_sub(1).min(over);
        *w -= cut as u16;
        over -= cut;
    }
    let mut spare = u32::from(width).saturating_sub(used);
    // Share the spare room, a cell at a time, among the columns cut short.
    while spare > 0 {
        let mut grew = false;
        for (w, &i) in widths.iter_mut().zip(&shown) {
            if spare > 0 && *w < needs[i].want() {
                *w += 1;
                spare -= 1;
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    shown.into_iter().zip(widths).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(title: u16, content: u16, suggested: u16, drop: u8) -> Need {
        Need {
            title,
            content,
            numeric: false,
            suggested,
            drop,
            keep: false,
            names_row: false,
        }
    }

    #[test]
    fn numbers_and_durations_are_numeric_words_are_not() {
        for cell in ["12", "1:05", "59s", "3d 4h", "12 ms", "90.5%", "-3"] {
            assert!(looks_numeric(cell), "{cell}");
        }
        for cell in ["sales", "1:40 ago", "SIP/1001", "1002@internal", "-", ""] {
            assert!(!looks_numeric(cell), "{cell}");
        }
        assert_eq!(measure("Pos", ["10", "9", "-"]), (3, 2, true));
        assert_eq!(measure("Acct", ["", ""]), (4, 0, false));
        assert_eq!(measure("Hold", ["-", "-"]), (4, 1, false));
    }

    #[test]
    fn a_short_name_does_not_take_the_room_a_long_one_needs() {
        // Queue "sales" beside a caller ID that needs 30 cells.
        let needs = [need(5, 5, 14, 0), need(9, 30, 16, 0)];
        assert_eq!(plan(&needs, 80, true), vec![(0, 5), (1, 30)]);
        // Short of room, the long one is cut to what is left.
        assert_eq!(plan(&needs, 30, true), vec![(0, 5), (1, 24)]);
    }

    #[test]
    fn empty_columns_give_their_room_away() {
        let needs = [need(4, 30, 16, 0), need(7, 0, 8, 6)];
        assert_eq!(plan(&needs, 40, true), vec![(0, 30)]);
        // Without rows the titles are all there is to show.
        let titles = [need(4, 0, 16, 0), need(7, 0, 8, 6)];
        assert_eq!(plan(&titles, 40, false), vec![(0, 4), (1, 7)]);
        let kept = [
            need(4, 30, 16, 0),
            Need {
                keep: true,
                ..need(7, 0, 8, 6)
            },
        ];
        assert_eq!(plan(&kept, 40, true), vec![(0, 30), (1, 7)]);
    }

    #[test]
    fn numbers_are_never_cut_text_is() {
        let numeric = Need {
            numeric: true,
            ..need(3, 5, 3, 0)
        };
        let needs = [need(4, 20, 10, 0), numeric];
        assert_eq!(plan(&needs, 16, true), vec![(0, 10), (1, 5)]);
    }

    #[test]
    fn the_column_naming_the_row_is_cut_last() {
        let first = Need {
            names_row: true,
            ..need(7, 21, 18, 0)
        };
        let needs = [first, need(4, 16, 16, 4), need(4, 20, 16, 0)];
        // Room for the name whole, or for the optional column: the name wins.
        assert_eq!(plan(&needs, 50, true), vec![(0, 21), (2, 20)]);
        // Nothing left to drop: then the name is cut too.
        assert_eq!(plan(&needs, 30, true), vec![(0, 21), (2, 8)]);
    }

    #[test]
    fn narrow_tables_drop_the_most_droppable_column_first() {
        let needs = [need(4, 10, 10, 0), need(1, 5, 5, 2), need(1, 5, 5, 1)];
        let shown = |width| -> Vec<usize> {
            plan(&needs, width, true)
                .into_iter()
                .map(|(i, _)| i)
                .collect()
        };
        assert_eq!(shown(22), vec![0, 1, 2]);
        assert_eq!(shown(21), vec![0, 2]);
        assert_eq!(shown(15), vec![0]);
        assert_eq!(shown(3), vec![0]);
    }
}
