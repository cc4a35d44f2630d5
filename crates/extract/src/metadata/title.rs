//! The report title.
//!
//! 1. The first `<h1>` (then `<h2>`) whose text, cleaned, the `<title>` or og:title confirms
//!    (it is contained in it), unless it is the site's name (the last `<title>` segment or
//!    og:site_name: logos sit in `<h1>` on many sites): the headline as shown.
//! 2. Else og:title / ArticleTitle / twitter:title, cleaned.
//! 3. Else `<title>` cut at its site separators (`_`, `|`, ` - `, `-XX网`…): the first
//!    segment that does not look like a site name (`…网`, `…门户`, `www.…`). A `<title>`
//!    without such separators may set the site's name off by a wide gap (two or more
//!    spaces, or an ideographic space): `某某大赛  某某中医药研究院附属医院`; the part after
//!    the last gap is cut when it ends like a site or organization name.
//! 4. Else the first heading.
//!
//! Cleaning removes a file extension (`.docx`, `.pdf`…), a trailing page number (`(2)`) and a
//! trailing bracketed tag (`【自行车吧】`, `【转载】`).

use super::{collapse, Page};
use crate::rules::metadata::{
    EXTENSION, MIN_TITLE_SEGMENT_CHARS, ORG_ENDINGS, PAGE_NUMBER, SITE_ENDINGS, TITLE_METAS,
    TRAILING_TAG,
};

/// Chooses the title (see the module doc), whitespace collapsed.
pub(crate) fn choose(page: &Page) -> Option<String> {
    choose_spaced(page).map(|t| collapse(&t))
}

fn choose_spaced(page: &Page) -> Option<String> {
    let tag = page
        .title_tag
        .as_deref()
        .map(clean)
        .filter(|t| !t.is_empty());
    let meta = page
        .meta(TITLE_METAS)
        .map(|m| clean(&collapse(m)))
        .filter(|t| !t.is_empty());
    // The site's own name, which logos often put in an <h1>: the last <title> segment and
    // the site-name metas. A heading equal to it is not the headline.
    let tag_segments = tag.as_deref().map(split_separators).unwrap_or_default();
    let site_names: Vec<String> = tag_segments
        .last()
        .filter(|_| tag_segments.len() >= 2)
        .map(|s| squash(s))
        .into_iter()
        .chain(
            page.meta(&["og:site_name", "sitename", "application-name"])
                .map(squash),
        )
        .collect();
    let confirmed = |h: &str| {
        let h = squash(h);
        !site_names.contains(&h)
            && (tag.as_deref().is_some_and(|t| squash(t).contains(&h))
                || meta.as_deref().is_some_and(|m| squash(m).contains(&h)))
    };
    let tag_title = tag.as_deref().map(strip_site);
    for h in &page.headings {
        let h = clean(h);
        if h.chars().count() >= 2 && confirmed(&h) {
            // A heading that is only part of the <title>'s own title (a column name such as
            // 工作总结 above `某局2023年工作总结_某网`) yields to the fuller title.
            if let Some(t) = tag_title.as_deref() {
                if t.chars().count() > h.chars().count() && squash(t).contains(&squash(&h)) {
                    return Some(t.to_owned());
                }
            }
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
    // (pattern, characters that must stay before the cut)
    for (re, keep) in [
        (EXTENSION.as_ref(), 1),
        (PAGE_NUMBER.as_ref(), 1),
        (TRAILING_TAG.as_ref(), MIN_TITLE_SEGMENT_CHARS),
    ] {
        if let Some(m) = re.and_then(|re| re.find(&s)) {
            if s[..m.start()].chars().count() >= keep {
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
    if segs.len() == 1 {
        if let Some(head) = cut_gap_suffix(&segs[0]) {
            return head;
        }
    }
    let first = segs
        .iter()
        .map(|s| clean(s))
        .find(|s| !looks_like_site_name(s))
        .unwrap_or_default();
    if first.chars().count() >= MIN_TITLE_SEGMENT_CHARS {
        return first;
    }
    segs.iter()
        .map(|s| clean(s))
        .max_by_key(|s| s.chars().count())
        .unwrap_or_else(|| t.trim().to_owned())
}

/// `headline␣␣Site Name` (a gap of two or more spaces, or an ideographic space, before a
/// tail ending like a site or organization name): the headline, if it is long enough.
fn cut_gap_suffix(t: &str) -> Option<String> {
    let t = t.trim();
    // Byte start and end of the last gap.
    let mut gap: Option<(usize, usize)> = None;
    let mut run_start: Option<usize> = None;
    let mut run_len = 0usize;
    let mut ideographic = false;
    for (i, c) in t.char_indices() {
        if c.is_whitespace() {
            if run_start.is_none() {
                run_start = Some(i);
                run_len = 0;
                ideographic = false;
            }
            run_len += 1;
            ideographic |= c == '\u{3000}';
        } else if let Some(start) = run_start.take() {
            if run_len >= 2 || ideographic {
                gap = Some((start, i));
            }
        }
    }
    let (start, end) = gap?;
    let (head, tail) = (clean(&t[..start]), &t[end..]);
    let org_like = SITE_ENDINGS
        .iter()
        .chain(ORG_ENDINGS)
        .any(|e| tail.ends_with(e))
        || looks_like_site_name(tail);
    (org_like && head.chars().count() >= MIN_TITLE_SEGMENT_CHARS).then_some(head)
}

/// True for a `<title>` segment that names the site rather than the page.
fn looks_like_site_name(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    SITE_ENDINGS.iter().any(|e| s.ends_with(e))
        || lower.starts_with("www.")
        || lower.ends_with(".com")
        || lower.ends_with(".cn")
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
        assert_eq!(strip_site("某某范文网 - 卫生院工作计划"), "卫生院工作计划");
        assert_eq!(clean("Annual report.PDF"), "Annual report");
        assert_eq!(clean("换内胎的过程记录【自行车吧】"), "换内胎的过程记录");
        assert_eq!(
            clean("关于做好防汛工作的通知 [转载]"),
            "关于做好防汛工作的通知"
        );
        assert_eq!(
            clean("【第4篇】村卫生室年度工作计划"),
            "【第4篇】村卫生室年度工作计划"
        );
        assert_eq!(clean("短题【图】"), "短题【图】");
        assert_eq!(
            strip_site("我院举办2019年药学技能大赛  某省中医药研究院附属医院"),
            "我院举办2019年药学技能大赛"
        );
        assert_eq!(
            strip_site("关于开展安全检查的通知\u{3000}某县应急管理局"),
            "关于开展安全检查的通知"
        );
        // A wide gap inside the headline itself, or a tail that names no site, stays.
        assert_eq!(
            strip_site("【不忘初心 牢记使命】主题党日  活动纪实"),
            "【不忘初心 牢记使命】主题党日  活动纪实"
        );
    }
}
