//! The report title.
//!
//! 1. The first `<h1>` (then `<h2>`) whose text, cleaned, the `<title>` or og:title confirms
//!    (it is contained in it): the headline as shown, without the site name.
//! 2. Else og:title / ArticleTitle / twitter:title, cleaned.
//! 3. Else `<title>` cut at its first site separator (`_`, `|`, ` - `, `-XX网`…).
//! 4. Else the first heading.
//!
//! Cleaning removes a file extension (`.docx`, `.pdf`…) and a trailing page number (`(2)`).

use std::sync::LazyLock;

use regex::Regex;

use super::{collapse, Page};

/// Title meta keys, most specific first.
const TITLE_METAS: &[&str] = &[
    "og:title",
    "articletitle",
    "twitter:title",
    "headline",
    "title",
];

/// Shortest first segment of a `<title>` accepted as the title, in characters: shorter
/// leading segments are breadcrumbs or abbreviations (`首页`), so the longest segment is used.
const MIN_TITLE_SEGMENT_CHARS: usize = 4;

static EXTENSION: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)\.(?:docx?|pdf|txt|wps|pptx?|xlsx?|rtf|caj)\s*$").ok());

static PAGE_NUMBER: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\s*[(（]\s*(?:第\s*)?[0-9]{1,3}\s*(?:页|頁)?\s*[)）]\s*$").ok());

/// Chooses the title (see the module doc).
pub(crate) fn choose(page: &Page) -> Option<String> {
    let tag = page
        .title_tag
        .as_deref()
        .map(clean)
        .filter(|t| !t.is_empty());
    let meta = page
        .meta(TITLE_METAS)
        .map(|m| clean(&collapse(m)))
        .filter(|t| !t.is_empty());
    let confirmed = |h: &str| {
        tag.as_deref()
            .is_some_and(|t| squash(t).contains(&squash(h)))
            || meta
                .as_deref()
                .is_some_and(|m| squash(m).contains(&squash(h)))
    };
    for h in &page.headings {
        let h = clean(h);
        if h.chars().count() >= 2 && confirmed(&h) {
            return Some(h);
        }
    }
    if let Some(m) = meta {
        return Some(strip_site(&m));
    }
    if let Some(t) = tag {
        return Some(strip_site(&t));
    }
    page.headings
        .first()
        .map(|h| clean(h))
        .filter(|h| !h.is_empty())
}

/// Removes a file extension and a trailing page number.
pub(crate) fn clean(s: &str) -> String {
    let mut s = s.trim().to_owned();
    for re in [EXTENSION.as_ref(), PAGE_NUMBER.as_ref()]
        .into_iter()
        .flatten()
    {
        if let Some(m) = re.find(&s) {
            if m.start() > 0 {
                s.truncate(m.start());
            }
        }
    }
    s.trim().to_owned()
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// `<title>` minus its site name: split at separators, keep the first segment if long
/// enough, else the longest one; each segment cleaned of extensions.
pub(crate) fn strip_site(t: &str) -> String {
    let segs = split_separators(t);
    let first = segs.first().map(|s| clean(s)).unwrap_or_default();
    if first.chars().count() >= MIN_TITLE_SEGMENT_CHARS {
        return first;
    }
    segs.iter()
        .map(|s| clean(s))
        .max_by_key(|s| s.chars().count())
        .unwrap_or_else(|| t.trim().to_owned())
}

/// Splits at `_ | ｜ - – — ·` runs, except a dash between digits (`2023-2024`, `2004—2024`).
fn split_separators(t: &str) -> Vec<String> {
    let chars: Vec<char> = t.chars().collect();
    let mut segs = Vec::new();
    let mut cur = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let is_sep = matches!(c, '_' | '|' | '｜' | '-' | '–' | '—' | '·' | '»' | '«');
        let between_digits = i > 0
            && i + 1 < chars.len()
            && matches!(c, '-' | '–' | '—')
            && chars[i - 1].is_ascii_digit()
            && chars[i + 1].is_ascii_digit();
        if is_sep && !between_digits {
            let s = cur.trim().to_owned();
            if !s.is_empty() {
                segs.push(s);
            }
            cur.clear();
            while i < chars.len()
                && matches!(
                    chars[i],
                    '_' | '|' | '｜' | '-' | '–' | '—' | '·' | '»' | '«' | ' '
                )
            {
                i += 1;
            }
            continue;
        }
        cur.push(c);
        i += 1;
    }
    let s = cur.trim().to_owned();
    if !s.is_empty() {
        segs.push(s);
    }
    segs
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn patterns_compile() {
        assert!(EXTENSION.is_some() && PAGE_NUMBER.is_some());
    }

    #[test]
    fn site_suffixes_and_extensions() {
        assert_eq!(
            strip_site("乡镇卫生院工作总结.docx-某某文库"),
            "乡镇卫生院工作总结"
        );
        assert_eq!(
            strip_site("卫生局工作计划_计划总结_某市卫生局"),
            "卫生局工作计划"
        );
        assert_eq!(strip_site("卫生局工作计划 | 某某网"), "卫生局工作计划");
        assert_eq!(strip_site("卫生局工作小结--某市卫生局"), "卫生局工作小结");
        assert_eq!(
            strip_site("资料汇编(2004—2024年)_资料汇编_某区政府"),
            "资料汇编(2004—2024年)"
        );
        assert_eq!(
            strip_site("首页 - 2023-2024学年卫生工作计划"),
            "2023-2024学年卫生工作计划"
        );
        assert_eq!(clean("项目办公室工作总结(2)"), "项目办公室工作总结");
        assert_eq!(clean("Annual report.PDF"), "Annual report");
    }
}
