//! Epoch seconds from the PBX (a channel's creation, a registration) as a
//! person reads them: the local date and time, and how long ago.

/// `2026-12-01 21:36:12 (5:03 ago)` for `epoch` seen at `now`.
pub fn when(epoch: f64, now: f64) -> String {
    let age = crate::ui::text::duration((now - epoch).max(0.0));
    format!("{} ({age} ago)", local_time(epoch))
}

/// `epoch` as `YYYY-MM-DD HH:MM:SS` in the local time zone (UTC, marked,
/// where the zone cannot be read).
pub fn local_time(epoch: f64) -> String {
    let seconds = epoch.floor() as i64;
    match local_fields(seconds) {
        Some((y, mo, d, h, mi, s)) => format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}"),
        None => format!("{} UTC", utc_date_time(seconds)),
    }
}

/// `seconds` since the epoch as `YYYY-MM-DD HH:MM:SS` in UTC.
pub fn utc_date_time(seconds: i64) -> String {
    let (y, mo, d) = civil_from_days(seconds.div_euclid(86_400));
    let rest = seconds.rem_euclid(86_400);
    let (h, mi, s) = (rest / 3600, rest / 60 % 60, rest % 60);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
}

#[cfg(unix)]
fn local_fields(seconds: i64) -> Option<(i64, i64, i64, i64, i64, i64)> {
    // time_t is 32 bits on some targets: a later time does not fit there.
    #[allow(clippy::useless_conversion)]
    let time: libc::time_t = seconds.try_into().ok()?;
    // SAFETY: localtime_r only writes the `tm` it is given, and is the
    // thread-safe variant of localtime.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let filled = unsafe { libc::localtime_r(&time, &mut tm) };
    if filled.is_null() {
        return None;
    }
    Some((
        i64::from(tm.tm_year) + 1900,
        i64::from(tm.tm_mon) + 1,
        i64::from(tm.tm_mday),
        i64::from(tm.tm_hour),
        i64::from(tm.tm_min),
        i64::from(tm.tm_sec),
    ))
}

#[cfg(not(unix))]
fn local_fields(_seconds: i64) -> Option<(i64, i64, i64, i64, i64, i64)> {
    None
}

/// The proleptic Gregorian date of `days` since 1970-01-01 (Howard
/// Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates_are_right_across_leap_years() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(20_788), (2026, 12, 1));
    }

    #[test]
    fn when_gives_a_time_and_an_age() {
        let shown = when(1_796_154_838.0, 1_796_154_838.0 + 65.0);
        assert!(shown.ends_with("(1:05 ago)"), "{shown}");
        assert!(shown.starts_with("2026-"), "{shown}");
        assert!(!shown.contains("1796154838"), "{shown}");
    }
}
