//! Fitting text into terminal cells.
//!
//! Caller names, channel names and queue names come from the PBX and may hold
//! CJK (two cells per character), emoji and combining marks. Cutting by bytes
//! or by `char` count would split a character or overflow a column, so every
//! cut here is measured in display cells and made on a character boundary.

use std::borrow::Cow;

use unicode_width::UnicodeWidthChar;

/// The ellipsis that marks a cut.
const ELLIPSIS: char = '…';

/// Display width of `text` in terminal cells (control characters count as zero).
pub fn width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// `text` cut to at most `max` cells, ending in `…` when something was cut.
/// Borrows when the text already fits.
pub fn truncate(text: &str, max: usize) -> Cow<'_, str> {
    if max == 0 {
        return Cow::Borrowed("");
    }
    // Fast path: ASCII that fits needs no measuring.
    if text.len() <= max && text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let mut used = 0;
    let mut fits_until = None;
    for (index, c) in text.char_indices() {
        let w = char_width(c);
        if used + w > max {
            fits_until = Some(index);
            break;
        }
        used += w;
    }
    let Some(_) = fits_until else {
        return Cow::Borrowed(text);
    };
    // Make room for the ellipsis (one cell) and keep whole characters only.
    let mut out = String::with_capacity(max + 3);
    let mut used = 0;
    for c in text.chars() {
        let w = char_width(c);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push(ELLIPSIS);
    Cow::Owned(out)
}

/// `text` truncated to `max` cells and padded with spaces to exactly `max`.
pub fn fit(text: &str, max: usize) -> String {
    let cut = truncate(text, max);
    let pad = max.saturating_sub(width(&cut));
    let mut out = String::with_capacity(cut.len() + pad);
    out.push_str(&cut);
    out.extend(std::iter::repeat_n(' ', pad));
    out
}

/// Seconds as a compact duration: `42s`, `3:07`, `1:02:03`, `3d04h`.
pub fn duration(seconds: f64) -> String {
    let total = if seconds.is_finite() && seconds > 0.0 {
        seconds as u64
    } else {
        0
    };
    let (days, hours, minutes, secs) = (
        total / 86_400,
        total / 3_600 % 24,
        total / 60 % 60,
        total % 60,
    );
    if days > 0 {
        format!("{days}d{hours:02}h")
    } else if hours > 0 {
        format!("{hours}:{minutes:02}:{secs:02}")
    } else if minutes > 0 {
        format!("{minutes}:{secs:02}")
    } else {
        format!("{secs}s")
    }
}

/// Case-insensitive substring test for table filters (ASCII folding, which
/// covers what admins type; other scripts must match exactly).
pub fn contains_folded(haystack: &str, needle_lower: &str) -> bool {
    if needle_lower.is_empty() {
        return true;
    }
    if haystack.is_ascii() && needle_lower.is_ascii() {
        let (hay, needle) = (haystack.as_bytes(), needle_lower.as_bytes());
        return hay
            .windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle));
    }
    haystack.to_lowercase().contains(needle_lower)
}

/// `text` broken into lines of at most `max` cells, at spaces where it
/// can, inside a word too long for a line where it must. Nothing is lost.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split(' ') {
        let word_width = width(word);
        if used > 0 && used + 1 + word_width <= max {
            line.push(' ');
            line.push_str(word);
            used += 1 + word_width;
            continue;
        }
        if used > 0 {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        for c in word.chars() {
            let w = char_width(c);
            if used + w > max && used > 0 {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += w;
        }
    }
    if used > 0 || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_spaces_and_inside_long_words() {
        assert_eq!(
            wrap("Who to call first: TECH/RESOURCE", 12),
            ["Who to call", "first:", "TECH/RESOURC", "E"]
        );
        assert_eq!(wrap("short", 40), ["short"]);
        assert_eq!(wrap("", 10), [""]);
        let long = "✘ Channel must be TECH/RESOURCE, e.g. PJSIP/100 or Local/100@from-internal";
        let lines = wrap(long, 30);
        assert!(lines.iter().all(|l| width(l) <= 30), "{lines:?}");
        assert_eq!(lines.join(" "), long);
    }

    #[test]
    fn ascii_that_fits_is_borrowed() {
        assert!(matches!(
            truncate("SIP/alice", 9),
            Cow::Borrowed("SIP/alice")
        ));
        assert_eq!(truncate("SIP/alice", 8), "SIP/ali…");
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(truncate("abc", 1), "…");
    }

    #[test]
    fn cjk_is_cut_on_character_boundaries_by_cells() {
        // Each ideograph is two cells wide.
        assert_eq!(width("山田太郎"), 8);
        assert_eq!(truncate("山田太郎", 8), "山田太郎");
        assert_eq!(truncate("山田太郎", 7), "山田太…");
        // Six cells: two ideographs (4) + ellipsis (1); a third would overflow.
        assert_eq!(truncate("山田太郎", 6), "山田…");
        assert_eq!(width(&truncate("山田太郎", 6)), 5);
    }

    #[test]
    fn emoji_and_combining_marks_stay_whole() {
        assert_eq!(truncate("📞📞📞", 5), "📞📞…");
        // "é" as e + combining acute: the mark has no width and stays with its base.
        assert_eq!(truncate("cafe\u{301} noir", 5), "cafe\u{301}…");
    }

    #[test]
    fn fit_pads_to_exact_width() {
        assert_eq!(fit("ab", 4), "ab  ");
        assert_eq!(fit("山田太郎", 5), "山田…");
        assert_eq!(width(&fit("山田太郎", 6)), 6);
    }

    #[test]
    fn durations_are_compact() {
        assert_eq!(duration(0.0), "0s");
        assert_eq!(duration(42.9), "42s");
        assert_eq!(duration(187.0), "3:07");
        assert_eq!(duration(3_723.0), "1:02:03");
        assert_eq!(duration(273_600.0), "3d04h");
        assert_eq!(duration(-5.0), "0s");
        assert_eq!(duration(f64::NAN), "0s");
    }

    #[test]
    fn filters_fold_ascii_case() {
        assert!(contains_folded("SIP/Alice-0001", "alice"));
        assert!(!contains_folded("SIP/Bob", "alice"));
        assert!(contains_folded("Müller", "müller"));
        assert!(contains_folded("anything", ""));
    }
}
