//! Time as Asterisk prints it: `Ping` timestamps, channel durations, CLI
//! uptimes and dates. Kept apart so the PBX state and the CLI share one
//! formatting of each (no date crate is needed for these few forms).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Time since the Unix epoch (zero if the clock is set before 1970).
pub(super) fn since_epoch() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// `1795730898.430990`: seconds and microseconds, as in a `Ping` reply.
pub(super) fn timestamp(t: Duration) -> String {
    format!("{}.{:06}", t.as_secs(), t.subsec_micros())
}

/// `00:00:01`: the `Duration` of a `CoreShowChannel` item.
pub(super) fn hours_minutes_seconds(d: Duration) -> String {
    let s = d.as_secs();
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// `1 hour, 2 minutes, 5 seconds`: the CLI's way of printing an uptime.
pub(super) fn uptime_text(d: Duration) -> String {
    const UNITS: [(u64, &str); 5] = [
        (7 * 86_400, "week"),
        (86_400, "day"),
        (3600, "hour"),
        (60, "minute"),
        (1, "second"),
    ];
    let mut rest = d.as_secs();
    let mut parts = Vec::new();
    for (size, name) in UNITS {
        let n = rest / size;
        rest %= size;
        if n > 0 {
            parts.push(format!("{n} {name}{}", if n == 1 { "" } else { "s" }));
        }
    }
    if parts.is_empty() {
        return "0 seconds".into();
    }
    parts.join(", ")
}

/// `2026-11-26 21:58:56` (UTC), as in `core show version`.
pub(super) fn utc_date_time(t: Duration) -> String {
    crate::ui::clock::utc_date_time(t.as_secs().try_into().unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_match_asterisk_output() {
        assert_eq!(
            timestamp(Duration::new(1_795_730_898, 430_990_000)),
            "1795730898.430990"
        );
        assert_eq!(hours_minutes_seconds(Duration::from_secs(3661)), "01:01:01");
        assert_eq!(uptime_text(Duration::from_secs(9)), "9 seconds");
        assert_eq!(uptime_text(Duration::from_secs(61)), "1 minute, 1 second");
        assert_eq!(uptime_text(Duration::ZERO), "0 seconds");
        // The capture's `core show version` build date.
        assert_eq!(
            utc_date_time(Duration::from_secs(1_795_730_336)),
            "2026-11-26 21:58:56"
        );
        assert_eq!(utc_date_time(Duration::ZERO), "1970-01-01 00:00:00");
    }
}
