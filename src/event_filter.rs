//! Which events to show, by name, with `*` globs and no regard to case
//! (AMI event names are case-insensitive in practice: `VarSet` and
//! `Varset` both occur): `tail --filter`, and the event log's `e`.

/// A set of event-name patterns; an empty set lets everything through.
#[derive(Clone, Debug, Default)]
pub struct EventFilter {
    patterns: Vec<Vec<u8>>,
}

impl EventFilter {
    /// Builds a filter from patterns such as `Newchannel`, `Dial*`, `*Bridge*`.
    /// Blank patterns (from `a,,b`) are ignored.
    pub fn new<S: AsRef<str>>(patterns: impl IntoIterator<Item = S>) -> Self {
        let patterns = patterns
            .into_iter()
            .map(|p| p.as_ref().trim().to_ascii_lowercase().into_bytes())
            .filter(|p| !p.is_empty())
            .collect();
        EventFilter { patterns }
    }

    /// The event log's filter, typed live: comma-separated patterns as
    /// for `tail --filter`, except that one without a `*` matches names
    /// that start with it (`queuemem` while `QueueMember` is being typed).
    pub fn typed(text: &str) -> Self {
        let mut filter = EventFilter::new(text.split(','));
        for pattern in &mut filter.patterns {
            if !pattern.contains(&b'*') {
                pattern.push(b'*');
            }
        }
        filter
    }

    /// True when `event` (an `Event:` header value, or `None` for a message
    /// without one) should be shown.
    pub fn matches(&self, event: Option<&str>) -> bool {
        if self.patterns.is_empty() {
            return true;
        }
        let Some(name) = event else { return false };
        let name = name.to_ascii_lowercase();
        self.patterns.iter().any(|p| glob(p, name.as_bytes()))
    }
}

/// `*` matches any run of bytes; everything else matches itself. Greedy with
/// one backtrack point, so it runs in linear-ish time on any input.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((star_p, star_t)) = star {
            // Let the last `*` swallow one more byte and try again.
            p = star_p + 1;
            t = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&b| b == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_whole_and_ignore_case() {
        let f = EventFilter::new(["Newchannel", "hangup"]);
        assert!(f.matches(Some("Newchannel")));
        assert!(f.matches(Some("NEWCHANNEL")));
        assert!(f.matches(Some("Hangup")));
        assert!(!f.matches(Some("HangupRequest")));
        assert!(!f.matches(Some("Newchan")));
        assert!(!f.matches(None));
    }

    #[test]
    fn stars_match_any_run() {
        let f = EventFilter::new(["Dial*", "*Bridge*", "Q*e*Member"]);
        for yes in [
            "DialBegin",
            "Dial",
            "BridgeEnter",
            "bridgecreate",
            "LocalBridge",
            "QueueMember",
        ] {
            assert!(f.matches(Some(yes)), "{yes}");
        }
        for no in ["Hangup", "Newstate", "QueueMemberStatus", "ADial"] {
            assert!(!f.matches(Some(no)), "{no}");
        }
        assert!(EventFilter::new(["*"]).matches(Some("Anything")));
    }

    #[test]
    fn typed_filters_take_globs_lists_and_prefixes() {
        let f = EventFilter::typed("Queue*Status, hang");
        for yes in [
            "QueueMemberStatus",
            "queuestatus",
            "Hangup",
            "HangupRequest",
        ] {
            assert!(f.matches(Some(yes)), "{yes}");
        }
        for no in ["QueueMember", "Newchannel", "SoftHangupRequest"] {
            assert!(!f.matches(Some(no)), "{no}");
        }
        assert!(EventFilter::typed("*Bridge*").matches(Some("LocalBridge")));
        assert!(EventFilter::typed("").matches(Some("VarSet")));
    }

    #[test]
    fn an_empty_filter_lets_everything_through() {
        assert!(EventFilter::new(Vec::<String>::new()).matches(Some("VarSet")));
        assert!(EventFilter::new([" ", ""]).matches(None));
    }

    #[test]
    fn backtracking_finds_late_matches() {
        assert!(glob(b"*ab", b"aaab"));
        assert!(glob(b"a*b*c", b"axxbyyc"));
        assert!(!glob(b"a*b*c", b"axxbyy"));
        assert!(glob(b"**", b""));
    }
}
