//! Publication date.
//!
//! Order (first found wins; `published_time` only comes with the winning source):
//! 1. A labeled date in the page text outside the article, else in the article's first
//!    [`super::HEADER_ZONE_BYTES`] (an info box kept as content) (`发布时间:2023-07-28 09:12`,
//!    `发布日期:`, `更新时间:` with the value in the next element, bare `时间:`/`日期:` when
//!    not part of a longer word such as `活动时间`).
//! 2. `<meta>` dates (`article:published_time`, `PubDate`, `dc.date`…).
//! 3. JSON-LD `datePublished`, then the first `<time datetime>`, then an unlabeled date in
//!    the byline right under the headline (`2023-09-02 08:15　来源：…`).
//! 4. The date in the URL (`/2024/0517/`, `t20240520_`, `/20240520/`), then the last
//!    unlabeled date in the [`BEFORE_CONTENT_BYTES`] right before the content (an info line
//!    under a headline that differs from `<title>`).
//! 5. The document's own date line: a short line among the last lines of the content that is
//!    a date, possibly after a signature (`二○○四年十二月二十日`, `2023年5月6日`).
//!
//! Forms: `2023-05-06`, `2023/5/6`, `2023.05.06`, `2023年5月6日`, full-width digits,
//! Chinese-numeral dates (二○○四/二〇〇四/二零零四年十二月二十日), an optional time
//! (`09:12`, `T15:36:00`, `15时36分`). Placeholders (`20xx年`, `XX年`, `**年`) are not digits,
//! so they never match. Out-of-range parts (month 13, year 1850) are rejected.

use regex::Captures;

use super::{Body, Page};
use crate::rules::metadata::{
    ANY_DATE, BEFORE_CONTENT_BYTES, BYLINE_MAX_BYTES, BYLINE_NEAR_BYTES, DATE_LINE,
    DATE_LINE_MAX_CHARS, DATE_LINE_TAIL, DATE_METAS, HEADLINE_PROBE_CHARS, LABELED, LD_DATE,
    ROC_OFFSET, ROC_YEAR_MAX, URL_DATE, YEAR_MAX, YEAR_MIN,
};

/// A date with an optional time, formatted for the extract JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Published {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `YYYY-MM-DDTHH:MM:SS+08:00` when the source gives a time.
    pub time: Option<String>,
}

/// Decides the publication date (see the module doc). `span` is the content's byte range in
/// `page.text`; labeled dates inside it belong to the report, not to the page.
pub(crate) fn published(
    page: &Page,
    span: Option<(usize, usize)>,
    body: &Body<'_>,
    title: Option<&str>,
    url: Option<&str>,
    roc: bool,
) -> Option<Published> {
    if let Some(re) = LABELED.as_ref() {
        // Outside the content first, then in its header zone (an info box the content
        // extractor kept), never deeper in the report.
        for header_zone in [false, true] {
            // Labels are matched on the folded text (`發布日期` → `发布日期`); only digits
            // are read from the match.
            for caps in re.captures_iter(page.match_text()) {
                let Some(m) = caps.get(0) else { continue };
                if !super::label_allowed(m.start(), span, header_zone) {
                    continue;
                }
                if let Some(p) = from_caps(&caps, roc) {
                    return Some(p);
                }
            }
        }
    }
    if let Some(p) = page.meta(DATE_METAS).and_then(parse_first) {
        return Some(p);
    }
    if let Some(p) = page.ld_date.as_deref().and_then(parse_first) {
        return Some(p);
    }
    if let Some(p) = page.time_attr.as_deref().and_then(parse_first) {
        return Some(p);
    }
    if let Some(p) = near_headline(page, span, title) {
        return Some(p);
    }
    if let Some(p) = url.and_then(from_url) {
        return Some(p);
    }
    if let Some(p) = just_before_content(page, span, title) {
        return Some(p);
    }
    document_date_line(body, roc)
}

/// The last date right before the content: the byline of a page whose headline was not
/// recognised (it differs from `<title>`). Dates further up (sidebars, tickers) are not read:
/// when the headline shows in the window, only what follows it counts (a byline sits under
/// its headline, a sidebar's list above it); and a window holding a list of dates (several
/// lines with a date each: 最新更新, related articles) is no byline.
fn just_before_content(
    page: &Page,
    span: Option<(usize, usize)>,
    title: Option<&str>,
) -> Option<Published> {
    let (start, _) = span?;
    let mut from = start.saturating_sub(BEFORE_CONTENT_BYTES);
    while !page.text.is_char_boundary(from) {
        from += 1;
    }
    let window = page.text.get(from..start)?;
    let window = match title.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => window.rfind(t).map_or(window, |at| &window[at + t.len()..]),
        None => window,
    };
    let re = ANY_DATE.as_ref()?;
    let dated: Vec<bool> = window.lines().map(|l| re.is_match(l)).collect();
    if dated.windows(2).rev().find(|w| w[1]).is_some_and(|w| w[0]) {
        // The last dated line follows another one: rows of a list, not a byline.
        return None;
    }
    re.captures_iter(window)
        .filter_map(|c| from_caps(&c, false))
        .last()
}

/// The publication date a page's URL shows (a fallback: CMSs file pages by day).
fn from_url(url: &str) -> Option<Published> {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = &after_scheme[after_scheme.find('/')?..];
    let caps = URL_DATE.as_ref()?.captures(path)?;
    let part = |a: &str, b: &str| {
        caps.name(a)
            .or_else(|| caps.name(b))
            .and_then(|m| digits(m.as_str()))
    };
    let (y, m, d) = (part("y", "y2")?, part("m", "m2")?, part("d", "d2")?);
    (d <= days_in_month(y, m)).then(|| Published {
        date: format!("{y:04}-{m:02}-{d:02}"),
        time: None,
    })
}

/// An unlabeled date between the headline and the content (a news byline).
fn near_headline(
    page: &Page,
    span: Option<(usize, usize)>,
    title: Option<&str>,
) -> Option<Published> {
    let title = title?.trim();
    let probe_end = title
        .char_indices()
        .nth(HEADLINE_PROBE_CHARS)
        .map_or(title.len(), |(i, _)| i);
    let probe = &title[..probe_end];
    if probe.is_empty() {
        return None;
    }
    if let Some((content_start, _)) = span {
        let found = page.text.get(..content_start).and_then(|before| {
            let head = before.rfind(probe)? + probe.len();
            parse_first(window(
                &page.text,
                head,
                content_start.min(head + BYLINE_MAX_BYTES),
            ))
        });
        if found.is_some() {
            return found;
        }
    }
    // The content was not located in the page text (its first lines split at inline tags),
    // or no date sat between the headline and it: the first showing of the headline that
    // a date follows closely (a byline right under it, before any body text).
    page.text.match_indices(probe).find_map(|(at, _)| {
        let head = at + probe.len();
        parse_first(window(&page.text, head, head + BYLINE_NEAR_BYTES))
    })
}

/// `text[start..end]`, `end` clamped to the text and moved back to a char boundary.
fn window(text: &str, start: usize, end: usize) -> &str {
    let mut end = end.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(start..end).unwrap_or("")
}

/// The document's own date line among the last lines of the last article.
fn document_date_line(body: &Body<'_>, roc: bool) -> Option<Published> {
    let re = DATE_LINE.as_ref()?;
    let from = body.last_article_start.min(body.lines.len());
    for line in body.folded.iter().skip(from).rev().take(DATE_LINE_TAIL) {
        if line.chars().count() > DATE_LINE_MAX_CHARS {
            continue;
        }
        if let Some(p) = re.captures(line).and_then(|c| from_caps(&c, roc)) {
            return Some(p);
        }
    }
    None
}

/// The first date in `s` (a meta value, a JSON-LD value).
pub(crate) fn parse_first(s: &str) -> Option<Published> {
    ANY_DATE
        .as_ref()?
        .captures_iter(s)
        .find_map(|c| from_caps(&c, false))
}

/// The `datePublished` string of a JSON-LD block.
pub(crate) fn ld_date_published(json: &str) -> Option<String> {
    LD_DATE
        .as_ref()?
        .captures(json)
        .and_then(|c| c.name("v"))
        .map(|m| m.as_str().to_owned())
}

/// The date of a match. Minguo groups count only when `roc` (a Traditional page) or the
/// match writes 民國; their year must be 1..=[`ROC_YEAR_MAX`].
fn from_caps(c: &Captures<'_>, roc: bool) -> Option<Published> {
    let (y, m, d) = if let (Some(y), Some(m), Some(d)) = (c.name("y"), c.name("m"), c.name("d")) {
        (
            digits(y.as_str())?,
            digits(m.as_str())?,
            digits(d.as_str())?,
        )
    } else if let (Some(y), Some(m), Some(d)) = (c.name("cy"), c.name("cm"), c.name("cd")) {
        (
            cn_year(y.as_str())?,
            cn_small(m.as_str())?,
            cn_small(d.as_str())?,
        )
    } else if let (Some(y), Some(m), Some(d)) = (c.name("ry"), c.name("rm"), c.name("rd")) {
        if !roc && c.name("mg").is_none() {
            return None;
        }
        let y = digits(y.as_str())?;
        if !(1..=ROC_YEAR_MAX).contains(&y) {
            return None;
        }
        (y + ROC_OFFSET, digits(m.as_str())?, digits(d.as_str())?)
    } else {
        return None;
    };
    if !(YEAR_MIN..=YEAR_MAX).contains(&y)
        || !(1..=12).contains(&m)
        || !(1..=days_in_month(y, m)).contains(&d)
    {
        return None;
    }
    let date = format!("{y:04}-{m:02}-{d:02}");
    let time = match (c.name("H"), c.name("M")) {
        (Some(h), Some(mi)) => {
            let h = digits(h.as_str())?;
            let mi = digits(mi.as_str())?;
            let s = c.name("S").and_then(|s| digits(s.as_str())).unwrap_or(0);
            (h < 24 && mi < 60 && s < 60).then(|| format!("{date}T{h:02}:{mi:02}:{s:02}+08:00"))
        }
        _ => None,
    };
    Some(Published { date, time })
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// ASCII or full-width decimal digits → number.
fn digits(s: &str) -> Option<u32> {
    let mut n: u32 = 0;
    for c in s.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            '０'..='９' => c as u32 - '０' as u32,
            _ => return None,
        };
        n = n.checked_mul(10)?.checked_add(d)?;
    }
    Some(n)
}

/// One Chinese digit (〇/○/零 and a Latin o/0 typed for the circle).
fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '○' | '零' | 'o' | 'O' | '0' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// 二○○四 → 2004 (digit by digit).
fn cn_year(s: &str) -> Option<u32> {
    s.chars().try_fold(0u32, |n, c| Some(n * 10 + cn_digit(c)?))
}

/// 十二 → 12, 二十 → 20, 二十一 → 21, 九 → 9 (1..=31).
fn cn_small(s: &str) -> Option<u32> {
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        ['十', u] => Some(10 + cn_digit(*u)?),
        [t, '十'] => Some(cn_digit(*t)? * 10),
        [t, '十', u] => Some(cn_digit(*t)? * 10 + cn_digit(*u)?),
        [u] => cn_digit(*u),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    /// `published` for a page whose text is `text` and whose content starts at `正文`.
    fn published_before_body(text: &str, title: Option<&str>) -> Option<Published> {
        let page = Page {
            text: text.to_owned(),
            ..Default::default()
        };
        let start = text.find("正文").unwrap();
        published(
            &page,
            Some((start, text.len())),
            &Body::default(),
            title,
            None,
            false,
        )
    }

    fn d(s: &str) -> Option<(String, Option<String>)> {
        parse_first(s).map(|p| (p.date, p.time))
    }

    #[test]
    fn patterns_compile() {
        assert!(
            LABELED.is_some()
                && ANY_DATE.is_some()
                && DATE_LINE.is_some()
                && LD_DATE.is_some()
                && URL_DATE.is_some()
        );
    }

    #[test]
    fn forms() {
        assert_eq!(d("2023-05-06"), Some(("2023-05-06".into(), None)));
        assert_eq!(d("2023/5/6"), Some(("2023-05-06".into(), None)));
        assert_eq!(d("2023.05.06"), Some(("2023-05-06".into(), None)));
        assert_eq!(d("2023年5月6日"), Some(("2023-05-06".into(), None)));
        assert_eq!(d("２０２３年５月６日"), Some(("2023-05-06".into(), None)));
        assert_eq!(d("二○○四年十二月二十日"), Some(("2004-12-20".into(), None)));
        assert_eq!(
            d("二〇二一年一月三十一日"),
            Some(("2021-01-31".into(), None))
        );
        assert_eq!(d("二零一九年七月五日"), Some(("2019-07-05".into(), None)));
        assert_eq!(
            d("2024-07-18T15:36:00+08:00"),
            Some((
                "2024-07-18".into(),
                Some("2024-07-18T15:36:00+08:00".into())
            ))
        );
        assert_eq!(
            d("2023-7-31 09:12"),
            Some((
                "2023-07-31".into(),
                Some("2023-07-31T09:12:00+08:00".into())
            ))
        );
        assert_eq!(
            d("2023年07月28日 15时36分"),
            Some((
                "2023-07-28".into(),
                Some("2023-07-28T15:36:00+08:00".into())
            ))
        );
    }

    #[test]
    fn url_path_dates() {
        let u = |s: &str| from_url(s).map(|p| p.date);
        for (url, want) in [
            (
                "http://www.x.gov.cn/art/2024/0517/art_88_1.html",
                "2024-05-17",
            ),
            (
                "https://x.gov.cn/zwgk/202405/t20240520_4471.html",
                "2024-05-20",
            ),
            ("http://news.x.com/20240520/n123.shtml", "2024-05-20"),
            ("http://x.org/2024-05-17/story.html", "2024-05-17"),
            ("http://x.org/2024/5/7/story", "2024-05-07"),
            ("http://x.org/a/2016_03_09/99.htm", "2016-03-09"),
        ] {
            assert_eq!(u(url).as_deref(), Some(want), "{url}");
        }
        for url in [
            "http://20240520.example.org/news/1.html",
            "http://x.org/article/123456789.html",
            "http://x.org/2024/02/30/x.html",
            "http://x.org/202405/index.html",
            "http://x.org/id/20241399/x",
            "http://x.org",
        ] {
            assert_eq!(u(url), None, "{url}");
        }
    }

    #[test]
    fn url_date_is_a_fallback_after_the_page_text() {
        let page = Page {
            text: "标题\n发表于 2023-3-4 12:01\n正文。\n".to_owned(),
            ..Default::default()
        };
        let body = Body::default();
        let got = |page: &Page| {
            published(
                page,
                None,
                &body,
                None,
                Some("http://x.cn/2024/0517/1.html"),
                false,
            )
            .map(|p| p.date)
        };
        assert_eq!(got(&page).as_deref(), Some("2023-03-04"));
        assert_eq!(got(&Page::default()).as_deref(), Some("2024-05-17"));
    }

    #[test]
    fn unlabeled_date_just_before_the_content() {
        let text =
            "导航 2020-01-01 某栏目\n一则不同于标题的大字标题\n2023-06-07 09:30\n正文第一段。\n";
        let p = published_before_body(text, Some("页面标题")).unwrap();
        assert_eq!(p.date, "2023-06-07");
        // Far above the content (a ticker, a sidebar) is not the page's date.
        let far = format!("2020-01-01 {}\n正文第一段。\n", "栏目".repeat(300));
        assert_eq!(published_before_body(&far, None), None);
        // A sidebar's dated list right above the headline: the dates are not under the
        // headline, so none is the page's date; nor is a dated list without a headline.
        let list = "最新更新\n述职报告范文2024-01-10\n工作计划2024-02-11\n";
        let above = format!("{list}县卫生办公室工作总结\n正文第一段。\n");
        assert_eq!(
            published_before_body(&above, Some("县卫生办公室工作总结")),
            None
        );
        assert_eq!(
            published_before_body(&format!("{list}正文第一段。\n"), None),
            None
        );
        // Under the headline the byline still counts.
        let under = format!("{list}县卫生办公室工作总结\n2023-06-07\n正文第一段。\n");
        let p = published_before_body(&under, Some("县卫生办公室工作总结")).unwrap();
        assert_eq!(p.date, "2023-06-07");
    }

    #[test]
    fn placeholders_and_nonsense_rejected() {
        for s in [
            "20xx年5月6日",
            "XX年10月",
            "**年3月2日",
            "2023年13月1日",
            "2023-02-30",
            "1850-01-01",
            "0775-2821234",
        ] {
            assert_eq!(d(s), None, "{s}");
        }
    }

    #[test]
    fn byline_date_under_headline() {
        let text =
            "首页 2023-01-01\n托育点投入使用\n2023-09-02 08:15　来源：城市晚报\n正文第一段。\n";
        let p = published_before_body(text, Some("托育点投入使用")).unwrap();
        assert_eq!(p.date, "2023-09-02");
        assert_eq!(p.time.as_deref(), Some("2023-09-02T08:15:00+08:00"));
    }

    #[test]
    fn labeled_dates_skip_words_and_content() {
        let text = "活动时间:2023-03-01\n发布时间:\n2023-07-28 09:12\n正文说明\n时间:2022-01-01\n";
        let page = Page {
            text: text.to_owned(),
            ..Default::default()
        };
        let body = Body::default();
        let p = published(&page, None, &body, None, None, false).unwrap();
        assert_eq!(p.date, "2023-07-28");
        let start = text.find("正文").unwrap();
        let p = published(&page, Some((0, start)), &body, None, None, false).unwrap();
        assert_eq!(p.date, "2022-01-01");
    }

    fn labeled(text: &str, roc: bool) -> Option<String> {
        let folded = crate::hant::fold(text);
        let page = Page {
            text: text.to_owned(),
            folded: matches!(folded, std::borrow::Cow::Owned(_)).then(|| folded.into_owned()),
            ..Default::default()
        };
        published(&page, None, &Body::default(), None, None, roc).map(|p| p.date)
    }

    #[test]
    fn minguo_dates() {
        let hant = |s: &str| labeled(s, true);
        assert_eq!(hant("發布日期：112-03-05\n").as_deref(), Some("2023-03-05"));
        assert_eq!(hant("發布日期：112/3/5\n").as_deref(), Some("2023-03-05"));
        assert_eq!(hant("更新日期：112.03.05\n").as_deref(), Some("2023-03-05"));
        assert_eq!(
            hant("發布時間：112年3月5日\n").as_deref(),
            Some("2023-03-05")
        );
        assert_eq!(
            hant("日期：民國99年12月1日\n").as_deref(),
            Some("2010-12-01")
        );
        // Gregorian dates still win on Traditional pages.
        assert_eq!(
            hant("發布日期：2023-03-05\n").as_deref(),
            Some("2023-03-05")
        );
        // 民國 is explicit on any page; bare ROC years only on Traditional pages.
        assert_eq!(
            labeled("日期：民国112年3月5日\n", false).as_deref(),
            Some("2023-03-05")
        );
        assert_eq!(labeled("发布日期：112-03-05\n", false), None);
        // Year out of range, invalid month, unlabeled numbers are not dates.
        assert_eq!(hant("發布日期：151-03-05\n"), None);
        assert_eq!(hant("發布日期：112-13-05\n"), None);
        assert_eq!(hant("本局辦理112-03-05場次\n"), None);
        assert_eq!(hant("發布日期：5-03-05\n"), None);
        // The document's own date line.
        let arts = [crate::model::Article {
            main_text: "本局推動各項工作。\n臺中市政府衛生局\n中華民國112年3月5日".to_owned(),
            ..Default::default()
        }];
        let body = Body::new(&arts);
        assert_eq!(
            document_date_line(&body, true).map(|p| p.date).as_deref(),
            Some("2023-03-05")
        );
        let arts = [crate::model::Article {
            main_text: "本局推動各項工作。\n共計112.3.5公里".to_owned(),
            ..Default::default()
        }];
        assert_eq!(document_date_line(&Body::new(&arts), true), None);
    }
}
