//! Whole reports: the reports of a report's pages stitched into one ([`stitch`]), and
//! plain text from an attached document made an article ([`article_from_text`]).
//!
//! Stitching is pure and works on extracted reports only (no HTML):
//! - metadata (title, dates, source, region, type, period, script, charset) from page 1,
//!   a field page 1 lacks from the first page that has it;
//! - when every page has one article, one article: the pages' texts in order. At the top
//!   of a page, lines it repeats are dropped: a line equal to the report's title, lines
//!   equal to the first lines of page 1 (a heading or opening paragraph the site prints on
//!   every page), and lines equal to the last lines (or all) of the previous page;
//! - otherwise (篇N pages) the article lists in order, the first article of a page joining
//!   the last one of the page before when it has no title of its own (its title is the
//!   page's, or none): a 篇 continued over the page break. The same repeats are dropped;
//! - outline and figures re-derived from each article's text with the functions and caps
//!   of [`crate::extract`]; every figure gets the `page` its number sits on; tables and
//!   attachments concatenated (attachments one per URL);
//! - `pagination` is `None` (the stitched report is the whole report; `pages` lists its
//!   pages), `pages` is `[{ordinal, url}]`, `truncated` sums the pages' cuts except
//!   `figures`, which counts what the re-derivation cut.
//!
//! One page stitches to itself, with `pages` set.

use super::model::{Article, Attachment, PageRef, Report};
use super::{dom, figures, hant, limits, outline};

/// Lines of a page compared with the end of the previous page (a site repeats a
/// paragraph or a few, not a whole long page; bounds the quadratic comparison).
const MAX_REPEAT_LINES: usize = 400;

/// Stitches the reports of one report's pages, page 1 first, into one report.
///
/// An empty list gives an empty report (no articles).
pub fn stitch(pages: Vec<Report>) -> Report {
    let refs: Vec<PageRef> = pages
        .iter()
        .zip(1u32..)
        .map(|(p, ordinal)| PageRef {
            ordinal,
            url: p.url.clone().unwrap_or_default(),
        })
        .collect();
    if pages.len() <= 1 {
        return match pages.into_iter().next() {
            Some(only) => Report {
                pages: refs,
                ..only
            },
            None => Report {
                extractor_version: crate::EXTRACTOR_VERSION.into(),
                ..Default::default()
            },
        };
    }
    let first_of = |f: &dyn Fn(&Report) -> Option<String>| pages.iter().find_map(f);
    let title = first_of(&|p| p.title.clone());
    let published = first_of(&|p| p.published.clone());
    // The time belongs to the date it came with.
    let published_time = pages
        .iter()
        .find(|p| p.published.is_some())
        .and_then(|p| p.published_time.clone());
    let source_org = first_of(&|p| p.source_org.clone());
    let region = first_of(&|p| p.region.clone());
    let doc_type = first_of(&|p| p.doc_type.clone());
    let period = first_of(&|p| p.period.clone());
    let script = first_of(&|p| p.script.clone());
    let charset = first_of(&|p| p.charset.clone());

    let mut truncated = limits::Truncated::default();
    for p in &pages {
        truncated.bytes += p.truncated.bytes;
        truncated.depth += p.truncated.depth;
        truncated.attributes += p.truncated.attributes;
        truncated.attachments += p.truncated.attachments;
    }
    let mut attachments: Vec<Attachment> = Vec::new();
    for a in pages.iter().flat_map(|p| &p.attachments) {
        if attachments.iter().any(|b| b.url == a.url) {
            continue;
        }
        if attachments.len() >= limits::MAX_ATTACHMENTS {
            truncated.attachments += 1;
            continue;
        }
        attachments.push(a.clone());
    }

    let parts = parts(&pages);
    let mut articles = Vec::with_capacity(parts.len());
    for part in parts {
        let (article, cut) = part.into_article();
        truncated.figures += cut;
        articles.push(article);
    }

    let mut pages = pages.into_iter();
    let first = pages.next().unwrap_or_default();
    let error = if articles.is_empty() {
        first.error.clone()
    } else {
        None
    };
    Report {
        url: first.url,
        charset,
        title,
        published,
        published_time,
        source_org,
        region,
        doc_type,
        period,
        script,
        articles,
        attachments,
        pagination: None,
        pages: refs,
        error,
        charset_info: first.charset_info,
        extractor_version: crate::EXTRACTOR_VERSION.into(),
        truncated,
    }
}

/// One article of the stitched report before outline and figures: its text as pieces,
/// each from one page.
struct Part {
    title: Option<String>,
    /// (1-based page, text) in order.
    pieces: Vec<(u32, String)>,
    tables: Vec<Vec<Vec<String>>>,
}

impl Part {
    fn new(title: Option<String>, page: u32, text: String, tables: Vec<Vec<Vec<String>>>) -> Part {
        Part {
            title,
            pieces: vec![(page, text)],
            tables,
        }
    }

    /// The last lines this part holds (the end of the previous page, for repeats).
    fn last_text(&self) -> &str {
        self.pieces
            .iter()
            .rev()
            .map(|(_, t)| t.as_str())
            .find(|t| !t.trim().is_empty())
            .unwrap_or("")
    }

    /// The article, and how many figures the cap cut.
    fn into_article(self) -> (Article, u64) {
        let mut main_text = String::new();
        // (start byte, page) of every piece in main_text.
        let mut starts: Vec<(usize, u32)> = Vec::with_capacity(self.pieces.len());
        for (page, text) in &self.pieces {
            if text.is_empty() {
                continue;
            }
            if !main_text.is_empty() {
                main_text.push('\n');
            }
            starts.push((main_text.len(), *page));
            main_text.push_str(text);
        }
        let page_at = |at: usize| -> Option<u32> {
            starts
                .iter()
                .rev()
                .find(|(s, _)| *s <= at)
                .or(starts.first())
                .map(|&(_, p)| p)
        };
        // The stitched text is new text: folded here, once.
        let mut figures: Vec<_> = figures::figures_at(&main_text, &hant::fold(&main_text))
            .into_iter()
            .map(|(at, mut f)| {
                f.page = page_at(at);
                f
            })
            .collect();
        let cut = figures.len().saturating_sub(limits::MAX_FIGURES) as u64;
        figures.truncate(limits::MAX_FIGURES);
        let article = Article {
            title: self.title,
            outline: outline::outline(&main_text),
            figures,
            main_text,
            tables: self.tables,
            ..Article::default()
        };
        (article, cut)
    }
}

/// The stitched articles of pages `pages` (at least two), before outline and figures.
fn parts(pages: &[Report]) -> Vec<Part> {
    let one_each = pages.iter().all(|p| p.articles.len() == 1);
    let Some(first) = pages.first() else {
        return Vec::new();
    };
    // What every later page may repeat of the report's top: its title and first lines.
    let mut titles: Vec<String> = [first.title.as_deref()]
        .into_iter()
        .chain(first.articles.first().map(|a| a.title.as_deref()))
        .flatten()
        .map(norm)
        .filter(|t| !t.is_empty())
        .collect();
    titles.dedup();
    let top: Vec<String> = first
        .articles
        .first()
        .map(|a| a.main_text.lines().map(norm).collect())
        .unwrap_or_default();

    let mut parts: Vec<Part> = Vec::new();
    for (page, (k, report)) in (1u32..).zip(pages.iter().enumerate()) {
        for (j, a) in report.articles.iter().enumerate() {
            let lead = k > 0 && j == 0;
            let text = match (lead, parts.last()) {
                (true, Some(last)) => drop_repeats(&a.main_text, &titles, &top, last.last_text()),
                _ => a.main_text.clone(),
            };
            let continues = lead && !parts.is_empty() && (one_each || !own_title(a, report, first));
            match parts.last_mut() {
                Some(last) if continues => {
                    last.pieces.push((page, text));
                    last.tables.extend(a.tables.iter().cloned());
                    if last.title.is_none() {
                        last.title.clone_from(&a.title);
                    }
                }
                _ => parts.push(Part::new(a.title.clone(), page, text, a.tables.clone())),
            }
        }
    }
    parts
}

/// The article has a title of its own (a 篇N heading), not just the page's title.
fn own_title(a: &Article, page: &Report, first: &Report) -> bool {
    let Some(t) = a.title.as_deref().map(norm).filter(|t| !t.is_empty()) else {
        return false;
    };
    ![page.title.as_deref(), first.title.as_deref()]
        .into_iter()
        .flatten()
        .any(|p| norm(p) == t)
}

/// `text` (a later page's first article) without the lines it repeats at its top: a
/// line equal to a report title, lines equal to the report's first lines (`top`), lines
/// equal to the end (or all) of the previous page (`prev`).
fn drop_repeats(text: &str, titles: &[String], top: &[String], prev: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let normed: Vec<String> = lines.iter().map(|l| norm(l)).collect();
    let prev: Vec<String> = {
        let all: Vec<&str> = prev.lines().collect();
        let from = all.len().saturating_sub(MAX_REPEAT_LINES);
        all.get(from..)
            .unwrap_or(&[])
            .iter()
            .map(|l| norm(l))
            .collect()
    };
    let mut at = 0usize;
    loop {
        let rest = normed.get(at..).unwrap_or(&[]);
        let Some(head) = rest.first() else { break };
        if head.is_empty() {
            at += 1;
            continue;
        }
        if titles.iter().any(|t| t == head) {
            at += 1;
            continue;
        }
        let common = rest
            .iter()
            .zip(top)
            .take_while(|(a, b)| a == b && !a.is_empty())
            .count();
        if common > 0 {
            at += common;
            continue;
        }
        let overlap = suffix_overlap(&prev, rest);
        if overlap > 0 {
            at += overlap;
            continue;
        }
        break;
    }
    lines.get(at..).unwrap_or(&[]).join("\n")
}

/// The largest `m` such that the first `m` lines of `next` are the last `m` of `prev`.
fn suffix_overlap(prev: &[String], next: &[String]) -> usize {
    let max = prev.len().min(next.len()).min(MAX_REPEAT_LINES);
    (1..=max)
        .rev()
        .find(|&m| {
            let tail = prev.get(prev.len() - m..).unwrap_or(&[]);
            let head = next.get(..m).unwrap_or(&[]);
            tail == head && tail.iter().any(|l| !l.is_empty())
        })
        .unwrap_or(0)
}

/// A line for comparison: whitespace runs (incl. U+3000, U+00A0) collapsed, trimmed.
fn norm(line: &str) -> String {
    line.split(dom::is_space)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// An article from plain text (an attachment's DOCX paragraphs or PDF text layer, one
/// paragraph per line): whitespace normalized (runs of spaces to one space, a run with a
/// tab to one tab — the cell separator of table rows — control characters dropped, empty
/// lines dropped), then outline and figures as [`crate::extract`] derives them, figures
/// capped at [`limits::MAX_FIGURES`] and the title at [`limits::MAX_TITLE_CHARS`].
pub fn article_from_text(title: Option<String>, text: &str) -> Article {
    let main_text = normalize_text(text);
    let mut figures = figures::figures(&main_text);
    figures.truncate(limits::MAX_FIGURES);
    Article {
        title: title
            .map(|t| norm(&t))
            .filter(|t| !t.is_empty())
            .map(limits::cap_title),
        outline: outline::outline(&main_text),
        figures,
        main_text,
        ..Article::default()
    }
}

/// See [`article_from_text`].
fn normalize_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for raw in text.split(['\n', '\r', '\u{0b}', '\u{0c}', '\u{2028}', '\u{2029}']) {
        let mut line = String::with_capacity(raw.len());
        // 0 = no gap, 1 = space, 2 = tab.
        let mut gap = 0u8;
        for c in raw.chars() {
            if c == '\t' {
                gap = 2;
            } else if dom::is_space(c) {
                gap = gap.max(1);
            } else if c.is_control() {
                continue;
            } else {
                if !line.is_empty() {
                    match gap {
                        2 => line.push('\t'),
                        1 => line.push(' '),
                        _ => {}
                    }
                }
                gap = 0;
                line.push(c);
            }
        }
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&line);
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn page(url: &str, title: Option<&str>, articles: &[(Option<&str>, &str)]) -> Report {
        Report {
            url: Some(url.to_owned()),
            charset: Some("gbk".into()),
            title: title.map(str::to_owned),
            script: Some("Hans".into()),
            articles: articles
                .iter()
                .map(|(t, text)| article_from_text(t.map(str::to_owned), text))
                .collect(),
            extractor_version: crate::EXTRACTOR_VERSION.into(),
            ..Default::default()
        }
    }

    const T: &str = "某县文化馆2023年工作总结";

    #[test]
    fn two_pages_drop_the_repeated_heading_and_paragraph() {
        let p1 = page(
            "http://a.cn/z/1.html",
            Some(T),
            &[(
                Some(T),
                "某县文化馆2023年度工作总结\n一、群众文化活动丰富\n全年举办文艺演出86场，观众约3万人次。\n培训业余文艺骨干420人。",
            )],
        );
        let mut p2 = page(
            "http://a.cn/z/1_2.html",
            Some(T),
            &[(
                Some(T),
                "某县文化馆2023年度工作总结\n培训业余文艺骨干420人。\n二、文艺创作成果显著\n创作原创作品21个，获省级奖项3个。",
            )],
        );
        p2.published = Some("2024-01-05".into());
        p2.source_org = Some("某县文化馆".into());
        let r = stitch(vec![p1, p2]);
        assert_eq!(r.articles.len(), 1);
        let a = &r.articles[0];
        assert_eq!(
            a.main_text,
            "某县文化馆2023年度工作总结\n一、群众文化活动丰富\n全年举办文艺演出86场，观众约3万人次。\n培训业余文艺骨干420人。\n二、文艺创作成果显著\n创作原创作品21个，获省级奖项3个。"
        );
        let heads: Vec<&str> = a.outline.iter().map(|o| o.heading.as_str()).collect();
        assert_eq!(heads, ["群众文化活动丰富", "文艺创作成果显著"]);
        let pages: Vec<(f64, Option<u32>)> = a.figures.iter().map(|f| (f.value, f.page)).collect();
        assert!(pages.contains(&(86.0, Some(1))), "{pages:?}");
        assert!(pages.contains(&(420.0, Some(1))), "{pages:?}");
        assert!(pages.contains(&(21.0, Some(2))), "{pages:?}");
        assert!(pages.contains(&(3.0, Some(2))), "{pages:?}");
        assert_eq!(a.title.as_deref(), Some(T));
        // Metadata page 1 lacks comes from page 2; pagination is gone, pages are listed.
        assert_eq!(r.published.as_deref(), Some("2024-01-05"));
        assert_eq!(r.source_org.as_deref(), Some("某县文化馆"));
        assert_eq!(r.title.as_deref(), Some(T));
        assert!(r.pagination.is_none());
        assert_eq!(
            r.pages,
            vec![
                PageRef {
                    ordinal: 1,
                    url: "http://a.cn/z/1.html".into()
                },
                PageRef {
                    ordinal: 2,
                    url: "http://a.cn/z/1_2.html".into()
                },
            ]
        );
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["articles"][0]["figures"][0]["page"], 1);
        assert_eq!(json["pages"][1]["ordinal"], 2);
    }

    #[test]
    fn three_pages_each_repeating_the_opening_paragraph() {
        let open = "为全面总结全年工作，现将有关情况报告如下。";
        let p1 = page(
            "http://a.cn/r/9.html",
            Some(T),
            &[(
                None,
                &format!("{open}\n一、基本情况\n全县共有村级文化礼堂128个。"),
            )],
        );
        let p2 = page(
            "http://a.cn/r/9_2.html",
            None,
            &[(
                None,
                &format!("{open}\n二、主要做法\n开展送戏下乡演出64场。"),
            )],
        );
        let p3 = page(
            "http://a.cn/r/9_3.html",
            None,
            &[(
                None,
                &format!("{open}\n三、下步打算\n计划新建城市书房6家。"),
            )],
        );
        let r = stitch(vec![p1, p2, p3]);
        let a = &r.articles[0];
        assert_eq!(a.main_text.matches(open).count(), 1, "{}", a.main_text);
        assert_eq!(a.outline.len(), 3);
        let pages: Vec<Option<u32>> = a.figures.iter().map(|f| f.page).collect();
        assert_eq!(pages, [Some(1), Some(2), Some(3)]);
        assert_eq!(r.pages.len(), 3);
        assert_eq!(r.pages[2].ordinal, 3);
        // Page 1 has no article title: the report's title stays the page's.
        assert_eq!(r.title.as_deref(), Some(T));
    }

    #[test]
    fn pian_pages_join_a_continued_article_and_keep_new_ones() {
        let p1 = page(
            "http://a.cn/f/5.html",
            Some("工作计划范文"),
            &[
                (Some("工作计划篇1"), "一、目标\n全年完成培训30场。"),
                (Some("工作计划篇2"), "一、思路\n新建站点4个。"),
            ],
        );
        // Page 2 opens with the rest of 篇2 (no title of its own: the page's), then 篇3.
        let p2 = page(
            "http://a.cn/f/5_2.html",
            Some("工作计划范文"),
            &[
                (Some("工作计划范文"), "二、措施\n投入资金约50万元。"),
                (Some("工作计划篇3"), "一、任务\n走访企业120家。"),
            ],
        );
        let r = stitch(vec![p1, p2]);
        let titles: Vec<&str> = r
            .articles
            .iter()
            .map(|a| a.title.as_deref().unwrap_or(""))
            .collect();
        assert_eq!(titles, ["工作计划篇1", "工作计划篇2", "工作计划篇3"]);
        let second = &r.articles[1];
        assert_eq!(
            second.main_text,
            "一、思路\n新建站点4个。\n二、措施\n投入资金约50万元。"
        );
        assert_eq!(second.outline.len(), 2);
        let pages: Vec<Option<u32>> = second.figures.iter().map(|f| f.page).collect();
        assert_eq!(pages, [Some(1), Some(2)]);
        assert_eq!(r.articles[2].figures[0].page, Some(2));
        assert_eq!(r.articles[0].figures[0].page, Some(1));
    }

    #[test]
    fn one_page_stitches_to_itself_with_its_page_listed() {
        let mut p = page(
            "http://a.cn/o/1.html",
            Some(T),
            &[(Some(T), "一、概况\n全年接待群众约2万人次。")],
        );
        p.attachments = vec![Attachment {
            name: "统计表".into(),
            url: "http://a.cn/f/1.xls".into(),
            kind: "xls".into(),
            error: None,
        }];
        let r = stitch(vec![p.clone()]);
        assert_eq!(
            r.pages,
            vec![PageRef {
                ordinal: 1,
                url: "http://a.cn/o/1.html".into()
            }]
        );
        assert_eq!(
            Report {
                pages: Vec::new(),
                ..r
            },
            p
        );
        assert!(stitch(Vec::new()).articles.is_empty());
    }

    #[test]
    fn attachments_and_cuts_add_up() {
        let att = |u: &str| Attachment {
            name: "x".into(),
            url: u.into(),
            kind: "pdf".into(),
            error: None,
        };
        let mut p1 = page("http://a.cn/1.html", Some(T), &[(None, "甲")]);
        let mut p2 = page("http://a.cn/1_2.html", Some(T), &[(None, "乙")]);
        p1.attachments = vec![att("http://a.cn/a.pdf"), att("http://a.cn/b.pdf")];
        p2.attachments = vec![att("http://a.cn/b.pdf"), att("http://a.cn/c.pdf")];
        p1.truncated.bytes = 10;
        p2.truncated.bytes = 5;
        p2.truncated.depth = 2;
        let r = stitch(vec![p1, p2]);
        let urls: Vec<&str> = r.attachments.iter().map(|a| a.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "http://a.cn/a.pdf",
                "http://a.cn/b.pdf",
                "http://a.cn/c.pdf"
            ]
        );
        assert_eq!((r.truncated.bytes, r.truncated.depth), (15, 2));
        assert_eq!(r.articles[0].main_text, "甲\n乙");
    }

    #[test]
    fn plain_text_becomes_an_article() {
        let a = article_from_text(
            Some("  2023年 工作总结 ".into()),
            "\u{feff}一、主要成效\r\n\r\n  全年新增就业  1.2万人，\u{3000}同比增长5%。\n项目\t\t数量 \n\x07",
        );
        assert_eq!(a.title.as_deref(), Some("2023年 工作总结"));
        assert_eq!(
            a.main_text,
            "一、主要成效\n全年新增就业 1.2万人， 同比增长5%。\n项目\t数量"
        );
        assert_eq!(a.outline.len(), 1);
        let vals: Vec<f64> = a.figures.iter().map(|f| f.value).collect();
        assert!(vals.contains(&12000.0) && vals.contains(&5.0), "{vals:?}");
        assert!(a.figures.iter().all(|f| f.page.is_none()));
        assert_eq!(article_from_text(None, " \n\t\n").main_text, "");
    }
}
