//! robots.txt (RFC 9309): parsing, matching, and the per-origin cache.
//!
//! - Groups: consecutive `user-agent` lines open a group; `allow`/`disallow`/`crawl-delay`
//!   lines belong to the group above them. Groups naming our product token
//!   ([`UA_TOKEN`], case-insensitive) are merged and used; otherwise the `*` groups;
//!   otherwise everything is allowed.
//! - Matching: the rule whose pattern matches the longest prefix of the URL's path+query
//!   wins (`*` matches any run of characters, `$` at the end anchors the end); on a tie
//!   `allow` wins; an empty `disallow` matches nothing. `/robots.txt` is always allowed.
//!   Percent-escapes are compared in upper case and non-ASCII pattern bytes are
//!   percent-encoded first, so `/新闻` in robots.txt matches the URL's `/%E6%96%B0%E9%97%BB`.
//! - Bounded and linear: at most [`MAX_RULES`] rules of at most [`MAX_PATTERN_LEN`] bytes
//!   are kept, and matching one rule is linear in pattern + path (no backtracking over
//!   `*`), so a hostile file cannot stall the async threads (5,000 wildcard rules against
//!   an 8 KiB path: ~7 ms for all of them).
//! - `crawl-delay: N` (not in RFC 9309, widely used) gives the group's delay in seconds,
//!   clamped to [`MAX_CRAWL_DELAY`].
//! - Fetching and status handling live in [`super::Fetcher::robots_allowed`]; the cache
//!   entries and their lifetimes are here.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Our product token in robots.txt `User-agent` lines (the User-Agent header starts with it).
pub const UA_TOKEN: &str = "report-ingest";

/// Longest robots.txt read, in bytes; the rest is ignored. RFC 9309 §2.5 asks crawlers to
/// parse at least 500 KiB.
pub const MAX_ROBOTS_BYTES: usize = 512 * 1024;

/// How long a fetched robots.txt (or a 4xx "allow all") is reused. RFC 9309 §2.4: caches
/// SHOULD NOT be used for more than 24 hours; one hour keeps changes visible the same day
/// at one request per host per hour.
pub const ROBOTS_TTL: Duration = Duration::from_secs(3600);

/// How long a 5xx / unreachable robots.txt counts as "disallow everything" before it is
/// asked again (RFC 9309 §2.3.1.4). Short, so a brief outage delays pages by about a minute
/// (they are retried through the retry queues, not dead-lettered).
pub const ROBOTS_ERROR_TTL: Duration = Duration::from_secs(60);

/// Largest Crawl-delay honoured, in seconds: a larger value is clamped, so a hostile
/// robots.txt cannot park a host's pages for hours (politeness still applies its own rate).
pub const MAX_CRAWL_DELAY: Duration = Duration::from_secs(60);

/// Most allow/disallow rules kept from one robots.txt; later ones are ignored. Matching
/// is linear per rule, so this bounds one check to `MAX_RULES × (path + pattern)` byte
/// steps (10,000 rules × 8 KiB paths ≈ 80 M steps worst case, tens of ms). Real files have
/// tens to a few hundred rules; Google's robots.txt has ~200.
pub const MAX_RULES: usize = 10_000;

/// Longest pattern kept, in bytes after normalising (runs of `*` collapsed): as long as
/// the longest URL we fetch ([`super::MAX_URL_LEN`]). Longer patterns are dropped.
pub const MAX_PATTERN_LEN: usize = 8 * 1024;

/// Most origins kept in the cache; beyond it, expired entries are dropped first, then
/// entries not being fetched. At ~1 KiB per parsed file this bounds it to ~10 MiB.
pub const MAX_CACHED_ORIGINS: usize = 10_000;

/// One allow/disallow rule, with its pattern normalised for matching.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    allow: bool,
    pattern: Vec<u8>,
}

/// The rules that apply to us, from one robots.txt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rules {
    rules: Vec<Rule>,
    crawl_delay: Option<Duration>,
}

impl Rules {
    /// Everything allowed, no delay (no robots.txt, or a 4xx for it).
    pub fn allow_all() -> Self {
        Self::default()
    }

    /// Parses a robots.txt and keeps the group for `token` (else `*`).
    pub fn parse(text: &str, token: &str) -> Self {
        let token = token.to_ascii_lowercase();
        let mut ours = Rules::default();
        let mut star = Rules::default();
        let mut found_ours = false;
        let mut found_star = false;

        // The user agents of the group being read, and whether its rules started.
        let mut agents: Vec<String> = Vec::new();
        let mut in_rules = false;

        for raw_line in text.lines() {
            let line = match raw_line.find('#') {
                Some(i) => &raw_line[..i],
                None => raw_line,
            };
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim();
            match key.as_str() {
                "user-agent" | "useragent" | "user agent" => {
                    if in_rules {
                        agents.clear();
                        in_rules = false;
                    }
                    agents.push(value.to_ascii_lowercase());
                }
                "allow" | "disallow" | "crawl-delay" | "crawldelay" | "crawl delay" => {
                    if agents.is_empty() {
                        // A rule before any user-agent line belongs to no group.
                        continue;
                    }
                    in_rules = true;
                    let for_ours = agents.iter().any(|a| agent_matches(a, &token));
                    let for_star = agents.iter().any(|a| a == "*");
                    found_ours |= for_ours;
                    found_star |= for_star;
                    let mut targets: Vec<&mut Rules> = Vec::with_capacity(2);
                    if for_ours {
                        targets.push(&mut ours);
                    }
                    if for_star {
                        targets.push(&mut star);
                    }
                    for t in targets {
                        t.add(&key, value);
                    }
                }
                _ => {}
            }
        }
        if found_ours {
            ours
        } else if found_star {
            star
        } else {
            Rules::default()
        }
    }

    fn add(&mut self, key: &str, value: &str) {
        match key {
            "allow" | "disallow" => {
                if value.is_empty() {
                    // `Disallow:` (empty) allows everything; `Allow:` (empty) says nothing.
                    return;
                }
                if self.rules.len() >= MAX_RULES {
                    return;
                }
                let mut pattern = normalise(value.as_bytes());
                pattern.dedup_by(|a, b| *a == b'*' && *b == b'*');
                if pattern.len() > MAX_PATTERN_LEN {
                    return;
                }
                self.rules.push(Rule {
                    allow: key == "allow",
                    pattern,
                });
            }
            _ => {
                if let Ok(secs) = value.parse::<f64>() {
                    if secs.is_finite() && secs >= 0.0 {
                        let d = Duration::from_secs_f64(secs.min(MAX_CRAWL_DELAY.as_secs_f64()));
                        // Several groups merged: keep the largest delay asked for.
                        self.crawl_delay = Some(self.crawl_delay.map_or(d, |old| old.max(d)));
                    }
                }
            }
        }
    }

    /// Whether `path_and_query` (as it appears in the URL, e.g. `/a/b?x=1`) may be fetched.
    pub fn allowed(&self, path_and_query: &str) -> bool {
        if path_and_query == "/robots.txt" {
            return true;
        }
        let path = normalise(path_and_query.as_bytes());
        let mut best: Option<(usize, bool)> = None;
        for rule in &self.rules {
            if matches(&rule.pattern, &path) {
                let len = rule.pattern.len();
                best = match best {
                    Some((blen, ballow)) if blen > len || (blen == len && ballow) => {
                        Some((blen, ballow))
                    }
                    _ => Some((len, rule.allow)),
                };
            }
        }
        match best {
            None => true,
            Some((_, allow)) => allow,
        }
    }

    /// The Crawl-delay of the group used, if any.
    pub fn crawl_delay(&self) -> Option<Duration> {
        self.crawl_delay
    }
}

/// A `User-agent` value names us when its product token equals ours, case-insensitively
/// (`report-ingest`, `report-ingest/1.0`).
fn agent_matches(agent: &str, token: &str) -> bool {
    let product = agent.split(['/', ' ']).next().unwrap_or("");
    product == token
}

/// Percent-encodes non-ASCII bytes and upper-cases existing escapes, so patterns and paths
/// compare byte for byte.
fn normalise(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        if b == b'%'
            && i + 2 < s.len()
            && s[i + 1].is_ascii_hexdigit()
            && s[i + 2].is_ascii_hexdigit()
        {
            out.push(b'%');
            out.push(s[i + 1].to_ascii_uppercase());
            out.push(s[i + 2].to_ascii_uppercase());
            i += 3;
            continue;
        }
        if b >= 0x80 || b == b' ' {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        } else {
            out.push(b);
        }
        i += 1;
    }
    out
}

/// Whether `pattern` (with `*` and a final `$`) matches a prefix of `path`.
///
/// Linear time, no backtracking: the pattern is split at `*` into literal segments; the
/// first must be a prefix of the path, each later one is found at its leftmost position
/// after the previous (leftmost is always safe: it leaves the most path for the rest), and
/// with `$` the last segment must end the path, after the others. Each segment is searched
/// with `memchr::memmem` (linear), so one match costs O(len(pattern) + len(path)).
fn matches(pattern: &[u8], path: &[u8]) -> bool {
    let (pattern, anchored) = match pattern.split_last() {
        Some((b'$', rest)) => (rest, true),
        _ => (pattern, false),
    };
    let mut segments = pattern.split(|&b| b == b'*');
    let first = segments.next().unwrap_or_default();
    if !path.starts_with(first) {
        return false;
    }
    let mut pos = first.len();
    let rest: Vec<&[u8]> = segments.collect();
    let Some((last, middle)) = rest.split_last() else {
        // No `*`: a plain prefix, or with `$` the whole path.
        return !anchored || pos == path.len();
    };
    for seg in middle {
        match memchr::memmem::find(path.get(pos..).unwrap_or_default(), seg) {
            Some(at) => pos += at + seg.len(),
            None => return false,
        }
    }
    if anchored {
        path.len() >= pos + last.len() && path.ends_with(last)
    } else {
        memchr::memmem::find(path.get(pos..).unwrap_or_default(), last).is_some()
    }
}

/// What is known about one origin's robots.txt.
#[derive(Debug, Clone)]
pub enum Cached {
    /// Parsed (or a 4xx: allow all), valid until the instant.
    Rules(Arc<Rules>, Instant),
    /// 5xx or unreachable: everything disallowed until the instant (retry then).
    Unavailable { status: Option<u16>, until: Instant },
}

impl Cached {
    fn fresh(&self, now: Instant) -> bool {
        match self {
            Cached::Rules(_, until) | Cached::Unavailable { until, .. } => *until > now,
        }
    }
}

/// One origin's slot: an async lock so concurrent callers for the same origin wait for one
/// fetch instead of each fetching.
pub type Slot = Arc<tokio::sync::Mutex<Option<Cached>>>;

/// The robots.txt cache, keyed by origin (`scheme://host:port`), bounded.
#[derive(Debug, Default)]
pub struct RobotsCache {
    slots: Mutex<HashMap<String, Slot>>,
}

impl RobotsCache {
    /// The slot for `origin`, created if needed (evicting when the map is full).
    pub fn slot(&self, origin: &str) -> Slot {
        let mut map = match self.slots.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(s) = map.get(origin) {
            return s.clone();
        }
        if map.len() >= MAX_CACHED_ORIGINS {
            let now = Instant::now();
            // Drop slots nobody holds whose entry is stale or missing.
            map.retain(|_, slot| {
                Arc::strong_count(slot) > 1
                    || slot
                        .try_lock()
                        .map(|g| g.as_ref().is_some_and(|c| c.fresh(now)))
                        .unwrap_or(true)
            });
            if map.len() >= MAX_CACHED_ORIGINS {
                // Still full of fresh entries: drop the idle half (they are refetched on use).
                let mut budget = map.len() / 2;
                map.retain(|_, slot| {
                    if budget > 0 && Arc::strong_count(slot) == 1 {
                        budget -= 1;
                        false
                    } else {
                        true
                    }
                });
            }
        }
        let slot: Slot = Arc::new(tokio::sync::Mutex::new(None));
        map.insert(origin.to_owned(), slot.clone());
        slot
    }

    /// A fresh entry in `slot`, if any.
    pub fn fresh(entry: &Option<Cached>, now: Instant) -> Option<Cached> {
        entry.as_ref().filter(|c| c.fresh(now)).cloned()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    const TXT: &str = "\
# comment
User-agent: *
Disallow: /private/
Allow: /private/open
Crawl-delay: 2

User-agent: report-ingest
User-agent: other-bot
Disallow: /drafts
Allow: /drafts/public$
Disallow: /*.pdf$
Disallow: /search?q=
Crawl-delay: 1.5
";

    #[test]
    fn our_group_wins_over_star() {
        let r = Rules::parse(TXT, UA_TOKEN);
        assert!(r.allowed("/private/x"), "star rules do not apply to us");
        assert!(!r.allowed("/drafts"));
        assert!(!r.allowed("/drafts/2024"));
        assert!(r.allowed("/drafts/public"));
        assert!(!r.allowed("/drafts/public/more"), "$ anchors");
        assert!(!r.allowed("/files/a.pdf"));
        assert!(r.allowed("/files/a.pdf.html"));
        assert!(!r.allowed("/search?q=x"));
        assert!(r.allowed("/search"));
        assert_eq!(r.crawl_delay(), Some(Duration::from_millis(1500)));
    }

    #[test]
    fn star_group_when_not_named() {
        let r = Rules::parse(TXT, "someone-else");
        assert!(!r.allowed("/private/x"));
        assert!(r.allowed("/private/open"), "longer allow wins");
        assert!(r.allowed("/drafts"));
        assert_eq!(r.crawl_delay(), Some(Duration::from_secs(2)));
    }

    #[test]
    fn empty_and_garbage_allow_all() {
        for t in [
            "",
            "garbage\n\0\u{fffd}",
            "Disallow: /\n",
            "User-agent: *\nDisallow:\n",
        ] {
            let r = Rules::parse(t, UA_TOKEN);
            assert!(r.allowed("/anything"), "{t:?}");
        }
    }

    #[test]
    fn disallow_all_and_robots_txt_exempt() {
        let r = Rules::parse("User-agent: *\nDisallow: /\n", UA_TOKEN);
        assert!(!r.allowed("/"));
        assert!(!r.allowed("/a"));
        assert!(r.allowed("/robots.txt"));
    }

    #[test]
    fn tie_goes_to_allow_and_case_of_token() {
        let r = Rules::parse(
            "USER-AGENT: Report-Ingest/2.0\nDisallow: /a\nAllow: /a\n",
            UA_TOKEN,
        );
        assert!(r.allowed("/a"));
    }

    #[test]
    fn non_ascii_patterns_match_encoded_paths() {
        let r = Rules::parse("User-agent: *\nDisallow: /新闻/\n", UA_TOKEN);
        assert!(!r.allowed("/%e6%96%b0%e9%97%bb/1.html"));
        assert!(r.allowed("/other/"));
    }

    #[test]
    fn wildcards() {
        assert!(matches(b"/a*b", b"/axxb/c"));
        assert!(matches(b"/a*b$", b"/axxb"));
        assert!(!matches(b"/a*b$", b"/axxbc"));
        assert!(matches(b"*", b"/"));
        assert!(matches(b"/*/x$", b"/a/b/x"));
        assert!(!matches(b"/b", b"/a"));
    }

    #[test]
    fn wildcards_against_a_reference() {
        // A plain recursive matcher, exponential but obviously right, on small inputs.
        fn reference(p: &[u8], s: &[u8], anchored: bool) -> bool {
            match p.split_first() {
                None => !anchored || s.is_empty(),
                Some((b'*', rest)) => (0..=s.len()).any(|i| reference(rest, &s[i..], anchored)),
                Some((c, rest)) => s.first() == Some(c) && reference(rest, &s[1..], anchored),
            }
        }
        let pats = [
            "/a", "*", "/*a", "/a*b*c", "a*", "/*/x", "**b", "/ab*ab", "/*a*a", "",
        ];
        let paths = [
            "/", "/a", "/ab", "/abab", "/aab/c", "/xab/x", "/a/b/x", "/bca", "/aba",
        ];
        for p in pats {
            for anchored in [false, true] {
                let full = if anchored {
                    format!("{p}$")
                } else {
                    p.to_owned()
                };
                for s in paths {
                    assert_eq!(
                        matches(full.as_bytes(), s.as_bytes()),
                        reference(p.as_bytes(), s.as_bytes(), anchored),
                        "{full} vs {s}"
                    );
                }
            }
        }
    }

    #[test]
    fn hostile_robots_txt_is_bounded_and_linear() {
        // 5,000 wildcard rules that almost match, and an 8 KiB path of `a`s: the old
        // backtracking matcher took seconds; this one is linear per rule.
        let mut txt = String::from("User-agent: *\n");
        for i in 0..5000 {
            txt.push_str(&format!("Disallow: /*a*a*a*a*a*a*a*a*a*a*b{i}$\n"));
        }
        txt.push_str("Disallow: /private\n");
        let r = Rules::parse(&txt, UA_TOKEN);
        assert_eq!(r.rules.len(), 5001);
        let long = format!("/{}", "a".repeat(8000));
        let t = Instant::now();
        assert!(r.allowed(&long));
        assert!(!r.allowed(&format!("{long}b17")));
        assert!(!r.allowed("/private/x"));
        eprintln!("5,000 wildcard rules × 8 KiB path: {:?}", t.elapsed());

        // Caps: rules beyond MAX_RULES and over-long patterns are dropped.
        let mut many = String::from("User-agent: *\n");
        for i in 0..(MAX_RULES + 50) {
            many.push_str(&format!("Disallow: /r{i}/\n"));
        }
        many.push_str(&format!("Disallow: /{}\n", "x".repeat(MAX_PATTERN_LEN + 1)));
        let r = Rules::parse(&many, UA_TOKEN);
        assert_eq!(r.rules.len(), MAX_RULES);
        assert!(!r.allowed("/r0/"));
        assert!(r.allowed(&format!("/r{}/", MAX_RULES + 10)));
    }

    #[test]
    fn crawl_delay_is_clamped() {
        let r = Rules::parse("User-agent: *\nCrawl-delay: 100000\n", UA_TOKEN);
        assert_eq!(r.crawl_delay(), Some(MAX_CRAWL_DELAY));
    }
}
