//! Issuing organization (`source_org`) and the most specific place (`region`).
//!
//! source_org, first found wins:
//! 1. A labeled line outside the article (else in its header zone, see the date rules):
//!    信息来源/来源/发布机构/发文单位/发布单位…:
//!    (generic values such as 网络, 本站, 原创 or a website name are ignored).
//! 2. `<meta name="ContentSource">` / `source`.
//! 3. The signature line at the end of the document (`XX县卫生局`, optionally with a date).
//! 4. The document's own heading line (first content line, then the meta description)
//!    shaped `<org><year>年<type>`, e.g. `某县卫生项目办公室XX年工作总结`.
//! 5. The page title, same shape (`区卫生健康委2023年工作总结…`, `2023年卫生局…小结`).
//!
//! region: the place names that open the organization (`淮南市谢家集区人民政府` → 谢家集区);
//! a placeholder (`xxx市`, `**市`) gives none; a bare level (`区卫生健康委`, `县…办公室`) is
//! resolved from the text when exactly one place of that level dominates it; with no
//! organization the title's opening place is used.

use std::collections::HashMap;

use super::{Body, Page};
use crate::dom::folded_part;
use crate::hant::fold;
use crate::rules::metadata::{
    GENERIC_PLACES, GENERIC_SOURCES, HEAD_ORG, LABELED_ORG, NEXT_FIELDS, NOT_BARE_FOLLOW,
    NOT_PLACE_ENDINGS, NOT_PLACE_OPENINGS, ORG_MAX_CHARS, PLACE_NAME_MAX, PLACE_SCAN_CHARS,
    PLACE_SEG, SIGNATURE, SIGNATURE_MAX_CHARS, SIGNATURE_TAIL, TRAILING_DATE,
};

/// Decides the issuing organization (see the module doc).
/// `title`: the page title and its folded copy.
pub(crate) fn source_org(
    page: &Page,
    span: Option<(usize, usize)>,
    body: &Body<'_>,
    title: Option<(&str, &str)>,
) -> Option<String> {
    if let Some(re) = LABELED_ORG.as_ref() {
        for header_zone in [false, true] {
            for caps in re.captures_iter(page.match_text()) {
                let (Some(m), Some(v)) = (caps.get(0), caps.name("v")) else {
                    continue;
                };
                if !super::label_allowed(m.start(), span, header_zone) {
                    continue;
                }
                // The page's own characters at the folded match's offsets.
                let (Some(orig), Some(folded)) =
                    (page.text.get(v.range()), page.match_text().get(v.range()))
                else {
                    continue;
                };
                if let Some(org) = clean_source(orig, folded) {
                    return Some(org);
                }
            }
        }
    }
    if let Some(org) = page
        .meta(&["contentsource", "source"])
        .and_then(|v| clean_source(v, &fold(v)))
    {
        return Some(org);
    }
    if let Some(org) = signature(body) {
        return Some(org);
    }
    let first_line = body.lines.first().copied().zip(body.folded.first());
    if let Some(org) = first_line.and_then(|(l, f)| heading_org(l, f)) {
        return Some(org);
    }
    // An attribute, not content text: folded here.
    let description = page.meta(&["description", "og:description"]);
    if let Some(org) = description.and_then(|d| heading_org(d, &fold(d))) {
        return Some(org);
    }
    title.and_then(|(t, f)| heading_org(t, f))
}

/// A 来源 value cut at the next field label, or `None` when it names no organization.
/// `folded` is `whole` folded (same byte offsets): labels are found in it.
fn clean_source(whole: &str, folded: &str) -> Option<String> {
    let folded_part = |v: &str| folded_part(whole, v, folded).unwrap_or(v).to_owned();
    let mut v = whole.trim();
    // `谢家集区卫健委【打印】`, `某局[关闭]`: page tools glued to the value.
    if let Some(i) = v.find(['【', '[', '〖']) {
        v = &v[..i];
    }
    for f in NEXT_FIELDS {
        // Found in the folded copy (`點閱次數`), cut at the same offset in `v`.
        if let Some(i) = folded_part(v).find(f) {
            v = &v[..i];
        }
    }
    let v = v.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | '：' | '[' | ']' | '【' | '】' | '.' | '。')
    });
    if v.contains([':', '：']) || v.starts_with(|c: char| c.is_ascii_digit()) {
        // `发布机构：` with an empty value runs into the next label (`索引号：…`).
        return None;
    }
    let lower = folded_part(v).to_lowercase();
    let han = v.chars().filter(|c| is_han(*c)).count();
    let generic =
        GENERIC_SOURCES.iter().any(|g| lower.contains(g)) || v.ends_with('网') || v.ends_with('網');
    (han >= 2 && !generic && v.chars().count() <= ORG_MAX_CHARS).then(|| v.to_owned())
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FFFF}')
}

/// The signature among the last lines of the last article.
fn signature(body: &Body<'_>) -> Option<String> {
    let sig = SIGNATURE.as_ref()?;
    let date = TRAILING_DATE.as_ref()?;
    let from = body.last_article_start.min(body.lines.len());
    let tail = body.lines.iter().zip(&body.folded).skip(from);
    for (line, folded) in tail.rev().take(SIGNATURE_TAIL) {
        if line.chars().count() > SIGNATURE_MAX_CHARS {
            continue;
        }
        let without_date = date.find(line).map_or(*line, |m| &line[..m.start()]);
        let name = without_date.trim();
        let folded_name = folded_part(line, name, folded).unwrap_or(name);
        if let Some(m) = sig.captures(folded_name).and_then(|c| c.name("org")) {
            return name.get(m.range()).map(str::to_owned);
        }
    }
    None
}

/// The organization opening a heading-like line (`<org><year>年<type>`, `<year>年<org>…`);
/// `folded` is the line folded.
fn heading_org(line: &str, folded: &str) -> Option<String> {
    let line = line.trim();
    let folded = folded.trim();
    let caps = HEAD_ORG.as_ref()?.captures(folded)?;
    let m = caps
        .name("a")
        .or_else(|| caps.name("b"))
        .or_else(|| caps.name("c"))?;
    let org = line.get(m.range())?;
    (org.chars().count() >= 3).then(|| org.to_owned())
}

/// What the opening of an organization (or title) says about its place.
#[derive(Debug, PartialEq, Eq)]
enum Place {
    /// A real place name, the most specific one (`谢家集区`).
    Named(String),
    /// A placeholder name (`xxx市`, `**市`): no region.
    Placeholder,
    /// Only the administrative level (`区卫生健康委`): the place is in the text.
    Bare(char),
    /// No place at all.
    None,
}

/// Characters that mark an organization word, not a place name.
fn is_org_char(c: char) -> bool {
    matches!(
        c,
        '局' | '委'
            | '厅'
            | '廳'
            | '院'
            | '办'
            | '辦'
            | '部'
            | '处'
            | '處'
            | '科'
            | '所'
            | '站'
            | '室'
            | '会'
            | '會'
    )
}

fn is_placeholder(s: &str) -> bool {
    s.contains(['x', 'X', '×', '*', '＊']) || s.contains("某")
}

/// Reads the place segments opening `s`.
fn place_of(s: &str) -> Place {
    let Some(re) = PLACE_SEG.as_ref() else {
        return Place::None;
    };
    let mut segs: Vec<String> = Vec::new();
    let mut rest = s.trim();
    while let Some(m) = re.find(rest) {
        let seg = m.as_str();
        if seg.chars().any(is_org_char) || GENERIC_PLACES.contains(&seg) {
            break;
        }
        if seg.chars().count() == 1 {
            if let Some(prev) = segs.last_mut() {
                if prev.ends_with('州') {
                    // `广州` + `市`: a level after a name ending in 州 belongs to it.
                    prev.push_str(seg);
                    rest = &rest[m.end()..];
                    continue;
                }
                // `安吉县` + `市场监督管理局`: the level character opens the organization.
                break;
            }
        }
        segs.push(seg.to_owned());
        rest = &rest[m.end()..];
    }
    if segs.len() == 1
        && segs[0].chars().count() == 1
        && rest.starts_with(|c: char| NOT_BARE_FOLLOW.contains(c))
    {
        // `市场部`, `县级医院`, `区域中心`: the level character starts an ordinary word.
        return Place::None;
    }
    let Some(last) = segs.last() else {
        return Place::None;
    };
    if is_placeholder(last) {
        return Place::Placeholder;
    }
    let mut chars = last.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Place::Bare(c),
        _ => Place::Named(last.clone()),
    }
}

/// Decides the region (see the module doc).
pub(crate) fn region(org: Option<&str>, title: Option<&str>, body: &Body<'_>) -> Option<String> {
    match org.map(place_of) {
        Some(Place::Named(n)) => Some(n),
        Some(Place::Placeholder) => None,
        Some(Place::Bare(level)) => place_in_text(level, body),
        Some(Place::None) | None => match title.map(place_of) {
            Some(Place::Named(n)) => Some(n),
            Some(Place::Bare(level)) if org.is_none() => place_in_text(level, body),
            _ => None,
        },
    }
}

fn generic_before_level(c: char) -> bool {
    NOT_PLACE_ENDINGS.contains(c)
}

fn function_char(c: char) -> bool {
    NOT_PLACE_OPENINGS.contains(c)
}

/// The one place of `level` (`区`, `县`…) that the content names repeatedly, if one
/// dominates: each occurrence of the level character is read as the longest name ending
/// there that occurs at least twice; the most frequent name wins if it has at least 2
/// occurrences and more than twice those of the runner-up.
fn place_in_text(level: char, body: &Body<'_>) -> Option<String> {
    let text: String = body.head(PLACE_SCAN_CHARS);
    let chars: Vec<char> = text.chars().collect();
    // Candidate names per occurrence: names of 2..=PLACE_NAME_MAX chars before the level.
    let mut occurrences: Vec<Vec<String>> = Vec::new();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (i, &c) in chars.iter().enumerate() {
        if c != level || i == 0 || generic_before_level(chars[i - 1]) {
            continue;
        }
        let mut cands = Vec::new();
        let mut start = i;
        while start > 0 && i - start < PLACE_NAME_MAX && is_han(chars[start - 1]) {
            start -= 1;
            if i - start >= 2 {
                let name: String = chars[start..=i].iter().collect();
                *counts.entry(name.clone()).or_default() += 1;
                cands.push(name);
            }
        }
        occurrences.push(cands);
    }
    let mut tally: HashMap<String, usize> = HashMap::new();
    for cands in occurrences {
        let best = cands.into_iter().rev().find(|n| {
            counts.get(n).copied().unwrap_or(0) >= 2
                && !n.chars().next().is_some_and(function_char)
                && !GENERIC_PLACES.contains(&n.as_str())
        });
        if let Some(b) = best {
            *tally.entry(b).or_default() += 1;
        }
    }
    let mut ranked: Vec<(String, usize)> = tally.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let (name, n) = ranked.first()?.clone();
    let runner_up = ranked.get(1).map_or(0, |r| r.1);
    (n >= 2 && n > 2 * runner_up).then_some(name)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn heading(line: &str) -> Option<String> {
        heading_org(line, &fold(line))
    }

    fn clean(v: &str) -> Option<String> {
        clean_source(v, &fold(v))
    }

    #[test]
    fn patterns_compile() {
        assert!(LABELED_ORG.is_some() && HEAD_ORG.is_some() && SIGNATURE.is_some());
        assert!(PLACE_SEG.is_some() && TRAILING_DATE.is_some());
    }

    #[test]
    fn heading_shapes() {
        assert_eq!(
            heading("区卫生健康委2023年工作总结与2024年工作谋划").as_deref(),
            Some("区卫生健康委")
        );
        assert_eq!(
            heading("某某自治县卫生Ⅷ项目办公室XX年工作总结").as_deref(),
            Some("某某自治县卫生Ⅷ项目办公室")
        );
        assert_eq!(
            heading("2023年卫生局行风建设上半年工作小结").as_deref(),
            Some("卫生局")
        );
        assert_eq!(heading("**市衛生局先進事蹟").as_deref(), Some("**市衛生局"));
        assert_eq!(heading("2023卫计办工作计划6篇"), None);
        assert_eq!(heading("今年以来,我局认真落实各项工作。"), None);
    }

    #[test]
    fn sources() {
        assert_eq!(
            clean("长宁县卫生健康局作者:张三").as_deref(),
            Some("长宁县卫生健康局")
        );
        assert_eq!(clean("網絡"), None);
        assert_eq!(clean("某某范文网"), None);
        assert_eq!(clean("本站原创"), None);
        assert_eq!(clean("索引号：11450000"), None);
        assert_eq!(
            clean("谢家集区卫健委【打印】").as_deref(),
            Some("谢家集区卫健委")
        );
    }

    #[test]
    fn places() {
        assert_eq!(
            place_of("淮南市谢家集区人民政府"),
            Place::Named("谢家集区".into())
        );
        assert_eq!(
            place_of("广州市卫生健康委员会"),
            Place::Named("广州市".into())
        );
        assert_eq!(place_of("某某土家族苗族自治县卫生局"), Place::Placeholder);
        assert_eq!(
            place_of("秀水土家族苗族自治县卫生局"),
            Place::Named("秀水土家族苗族自治县".into())
        );
        assert_eq!(place_of("xxx市卫生局"), Place::Placeholder);
        assert_eq!(place_of("区卫生健康委"), Place::Bare('区'));
        assert_eq!(
            place_of("安吉县市场监督管理局"),
            Place::Named("安吉县".into())
        );
        assert_eq!(
            place_of("恩施州卫生健康委员会"),
            Place::Named("恩施州".into())
        );
        assert_eq!(place_of("卫生局"), Place::None);
        assert_eq!(place_of("社区卫生服务中心"), Place::None);
    }

    #[test]
    fn bare_level_resolved_from_text() {
        let text = "今年,区卫生健康委完成任务,长丰区托育中心建成。\n完成长丰区医院改造,社区服务加强,全区推进。";
        let arts = [crate::Article {
            main_text: text.into(),
            ..Default::default()
        }];
        let body = Body::new(&arts);
        assert_eq!(
            region(Some("区卫生健康委"), None, &body).as_deref(),
            Some("长丰区")
        );
        let mixed = "北流市参合人数增加,重庆市也在推进。北流市完成,重庆市完成。";
        let arts = [crate::Article {
            main_text: mixed.into(),
            ..Default::default()
        }];
        let body = Body::new(&arts);
        assert_eq!(region(Some("市卫生健康委办公室"), None, &body), None);
    }
}
