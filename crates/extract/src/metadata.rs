//! Page-level metadata: title, dates, issuing organization, region, document type,
//! period, script. Reads the parsed document (head + visible text) and the articles.
//!
//! One walk over the DOM collects what the rules need ([`PageReader`], run by the arena's own
//! walk in `Dom::build`, or by [`Page::read`] for the public [`metadata`]: `<title>`, `<meta>`,
//! `<h1>`/`<h2>`, JSON-LD dates, the visible text as lines); everything else works on strings:
//! - [`title`]: `<h1>` that the `<title>` confirms, else og:title, else `<title>` minus the
//!   site suffix; file extensions (`.docx`) and page numbers (`(2)`) removed.
//! - [`date`]: a labeled date outside the article (发布时间/日期/时间…) wins, then `<meta>`
//!   dates, JSON-LD, `<time>`, the byline, the URL, then the document's own date line
//!   (`二○○四年十二月二十日`).
//! - [`org`]: issuing organization and region.
//! - [`kind`]: document type, period and script.

mod date;
mod kind;
mod org;
mod title;

use std::borrow::Cow;

use ego_tree::NodeRef;
use scraper::{ElementRef, Html, Node};

use super::model::Article;
use crate::rules::metadata::{
    HEADER_ZONE_BYTES, LONG_PROBE_CHARS, PAGE_TEXT_MAX_BYTES, PROBE_CHARS,
};

/// Everything metadata extraction decides for a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    pub title: Option<String>,
    pub published: Option<String>,
    pub published_time: Option<String>,
    pub source_org: Option<String>,
    pub region: Option<String>,
    pub doc_type: Option<String>,
    pub period: Option<String>,
    pub script: Option<String>,
}

/// Decides the page metadata. `doc` is the whole parsed page (chrome included: date and
/// source lines usually sit in it), `articles` the extracted content.
pub fn metadata(doc: &Html, url: Option<&str>, articles: &[Article]) -> Metadata {
    decide(&Page::read(doc), &Body::new(articles), url)
}

/// [`metadata`] of a page the arena has read ([`Page`], collected by `Dom::build`) and of
/// articles whose main texts come with their folded copies (`folded[i]` for `articles[i]`,
/// as content extraction built them): no second walk, nothing folded again.
pub(crate) fn metadata_of(
    page: &Page,
    url: Option<&str>,
    articles: &[Article],
    folded: &[&str],
) -> Metadata {
    decide(page, &Body::with_folded(articles, folded), url)
}

fn decide(page: &Page, body: &Body<'_>, url: Option<&str>) -> Metadata {
    let span = body.span_in(&page.text);
    let title = title::choose(page);
    // The title folded once for the rules (type words, periods, organizations).
    let folded_title = title.as_deref().map(super::hant::fold);
    let folded_title = folded_title.as_deref();
    let titles = title.as_deref().zip(folded_title);
    let script = kind::script(title.as_deref(), body);
    // Minguo (ROC) years (`112-03-05`, `112年度`) are read only on Traditional pages.
    let roc = script.as_deref() == Some("Hant");
    let (published, published_time) = date::published(page, span, body, title.as_deref(), url, roc)
        .map_or((None, None), |d| (Some(d.date), d.time));
    let source_org = org::source_org(page, span, body, titles);
    let region = org::region(source_org.as_deref(), title.as_deref(), body);
    let doc_type = Some(kind::doc_type(folded_title, body).to_owned());
    // A reporting period is a Chinese report's notion; foreign news titles carry years too.
    let period = if matches!(script.as_deref(), Some("Hans" | "Hant")) {
        kind::period(folded_title, body, roc)
    } else {
        None
    };
    Metadata {
        title,
        published,
        published_time,
        source_org,
        region,
        doc_type,
        period,
        script,
    }
}

/// What the metadata rules read from the DOM, collected in one pass.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Page {
    /// Text of the first `<title>`.
    pub title_tag: Option<String>,
    /// `<meta>` name/property/itemprop (lower-cased) → content, in document order.
    pub metas: Vec<(String, String)>,
    /// Texts of `<h1>` then `<h2>` elements, in document order within each level.
    pub headings: Vec<String>,
    /// Visible text nodes (not script/style), one per line.
    pub text: String,
    /// `datePublished` from JSON-LD, as written.
    pub ld_date: Option<String>,
    /// `datetime` of the first `<time>` element.
    pub time_attr: Option<String>,
    /// [`Page::text`] folded to Simplified (`hant::fold`) when that changes it: rules match
    /// this copy and cut values out of `text` at the same byte offsets.
    pub folded: Option<String>,
}

impl Page {
    /// Reads the parsed document in one walk (the public [`metadata`]; [`crate::extract`]
    /// reads it during the arena's walk instead, see [`PageReader`]).
    pub(crate) fn read(doc: &Html) -> Page {
        let mut reader = PageReader::default();
        for node in doc.tree.root().descendants() {
            reader.visit(node);
        }
        reader.finish()
    }

    /// The page text the rules match: folded to Simplified, same byte offsets as `text`.
    pub fn match_text(&self) -> &str {
        self.folded.as_deref().unwrap_or(&self.text)
    }

    /// The first non-empty `<meta>` content among `keys` (lower-case), in `keys` order.
    pub fn meta(&self, keys: &[&str]) -> Option<&str> {
        keys.iter().find_map(|k| {
            self.metas
                .iter()
                .find(|(name, c)| name == k && !c.is_empty())
                .map(|(_, c)| c.as_str())
        })
    }
}

/// Collects a [`Page`] from the nodes of the parsed document, visited once each in document
/// order: by [`Page::read`], or by the arena's walk (`Dom::build`) so that metadata does not
/// walk the tree a second time.
#[derive(Debug, Default)]
pub(crate) struct PageReader {
    page: Page,
    h1s: Vec<String>,
    h2s: Vec<String>,
}

impl PageReader {
    /// Maximum headings kept (a page's own title is among its first few).
    const MAX_HEADINGS: usize = 12;

    /// Reads one node (any kind; only elements and text count).
    pub fn visit(&mut self, node: NodeRef<'_, Node>) {
        let page = &mut self.page;
        match node.value() {
            Node::Element(el) => match el.name() {
                "title" if page.title_tag.is_none() => {
                    page.title_tag =
                        Some(collapse_keep_gaps(&element_text(ElementRef::wrap(node))));
                }
                "meta" => {
                    let key = el
                        .attr("name")
                        .or_else(|| el.attr("property"))
                        .or_else(|| el.attr("itemprop"));
                    if let (Some(k), Some(c)) = (key, el.attr("content")) {
                        page.metas
                            .push((k.trim().to_ascii_lowercase(), c.trim().to_owned()));
                    }
                }
                "h1" if self.h1s.len() < Self::MAX_HEADINGS => self
                    .h1s
                    .push(collapse(&element_text(ElementRef::wrap(node)))),
                "h2" if self.h2s.len() < Self::MAX_HEADINGS => self
                    .h2s
                    .push(collapse(&element_text(ElementRef::wrap(node)))),
                "time" if page.time_attr.is_none() => {
                    page.time_attr = el.attr("datetime").map(str::to_owned);
                }
                "script"
                    if page.ld_date.is_none()
                        && el.attr("type").is_some_and(|t| t.contains("ld+json")) =>
                {
                    page.ld_date = date::ld_date_published(&element_text(ElementRef::wrap(node)));
                }
                _ => {}
            },
            Node::Text(t) => {
                let t: &str = t;
                match super::hant::fold(t) {
                    Cow::Owned(f) => self.text(node, t, Some(&f)),
                    Cow::Borrowed(_) => self.text(node, t, None),
                }
            }
            _ => {}
        }
    }

    /// Reads text node `node` (its text `t`, and `folded`, its fold when that changes it).
    pub fn text(&mut self, node: NodeRef<'_, Node>, t: &str, folded: Option<&str>) {
        let hidden = node
            .parent()
            .and_then(|p| p.value().as_element())
            .is_some_and(|p| {
                matches!(
                    p.name(),
                    "script" | "style" | "noscript" | "template" | "title" | "textarea"
                )
            });
        let s = t.trim();
        let page = &mut self.page;
        if hidden || s.is_empty() || page.text.len() + s.len() >= PAGE_TEXT_MAX_BYTES {
            return;
        }
        let fs = folded.and_then(|f| crate::dom::folded_part(t, s, f));
        if fs.is_some() && page.folded.is_none() {
            page.folded = Some(page.text.clone());
        }
        page.text.push_str(s);
        page.text.push('\n');
        if let Some(f) = page.folded.as_mut() {
            f.push_str(fs.unwrap_or(s));
            f.push('\n');
        }
    }

    /// The page read.
    pub fn finish(self) -> Page {
        let PageReader {
            mut page, h1s, h2s, ..
        } = self;
        page.headings = h1s
            .into_iter()
            .chain(h2s)
            .filter(|h| !h.is_empty())
            .collect();
        page
    }
}

/// All text below `node` (an element), concatenated.
fn element_text(el: Option<ElementRef<'_>>) -> String {
    el.map(|e| e.text().collect()).unwrap_or_default()
}

/// Whitespace runs (incl. U+00A0, U+3000) collapsed to one space, trimmed.
pub(crate) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Like [`collapse`], but a wide gap (two or more whitespace characters, or an ideographic
/// space) becomes two spaces: a `<title>` may set the site's name off by such a gap only.
pub(crate) fn collapse_keep_gaps(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = 0usize;
    let mut wide = false;
    for c in s.trim().chars() {
        if c.is_whitespace() {
            run += 1;
            wide |= c == '\u{3000}';
            continue;
        }
        if run > 0 {
            out.push_str(if run >= 2 || wide { "  " } else { " " });
            run = 0;
            wide = false;
        }
        out.push(c);
    }
    out
}

/// The extracted content as the rules need it.
#[derive(Debug, Default)]
pub(crate) struct Body<'a> {
    /// Non-empty trimmed lines of all articles, in order.
    pub lines: Vec<&'a str>,
    /// `lines[i]` folded to Simplified (same byte offsets): the rules match these.
    pub folded: Vec<Cow<'a, str>>,
    /// Index in `lines` where the last article starts.
    pub last_article_start: usize,
}

impl<'a> Body<'a> {
    /// The body of articles that come without folded copies (the public [`metadata`]):
    /// each line is folded here.
    fn new(articles: &'a [Article]) -> Self {
        let texts: Vec<&str> = articles.iter().map(|a| a.main_text.as_str()).collect();
        let mut body = Body::default();
        for (i, text) in texts.iter().enumerate() {
            if i + 1 == texts.len() {
                body.last_article_start = body.lines.len();
            }
            for l in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                body.lines.push(l);
                body.folded.push(super::hant::fold(l));
            }
        }
        body
    }

    /// The body of articles with their folded main texts (`folded[i]` for `articles[i]`,
    /// same byte offsets).
    fn with_folded(articles: &'a [Article], folded: &[&'a str]) -> Self {
        let mut body = Body::default();
        for (i, (a, f)) in articles.iter().zip(folded).enumerate() {
            if i + 1 == articles.len() {
                body.last_article_start = body.lines.len();
            }
            for (l, fl) in a.main_text.lines().zip(f.lines()) {
                let (l, fl) = (l.trim(), fl.trim());
                if !l.is_empty() {
                    body.lines.push(l);
                    body.folded.push(Cow::Borrowed(fl));
                }
            }
        }
        body
    }

    /// Byte range of the content inside the page text, located by a probe from the first
    /// and last lines (the page text splits at inline tags, so short probes are used).
    fn span_in(&self, text: &str) -> Option<(usize, usize)> {
        // A long probe first: the content often repeats the headline, which the page also
        // shows above the date line; only the long probe tells the two apart.
        let first = self
            .lines
            .iter()
            .take(3)
            .find_map(|l| long_probe(l).and_then(|p| text.find(p)))
            .or_else(|| {
                self.lines
                    .iter()
                    .take(3)
                    .find_map(|l| probe(l, true).and_then(|p| text.find(p)))
            })?;
        let last = self
            .lines
            .iter()
            .rev()
            .take(3)
            .find_map(|l| probe(l, false).and_then(|p| text.rfind(p).map(|i| i + p.len())))
            .unwrap_or(text.len());
        Some((first, last.max(first)))
    }

    /// The first `max_chars` characters of the content, lines joined by `\n`.
    pub fn head(&self, max_chars: usize) -> String {
        head_of(self.lines.iter().copied(), max_chars)
    }

    /// [`Body::head`] of the folded lines.
    pub fn folded_head(&self, max_chars: usize) -> String {
        head_of(self.folded.iter().map(|l| &**l), max_chars)
    }
}

/// The first `max_chars` characters of `lines`, joined by `\n`.
fn head_of<'l>(lines: impl Iterator<Item = &'l str>, max_chars: usize) -> String {
    let mut s = String::new();
    let mut n = 0;
    for l in lines {
        for c in l.chars() {
            if n >= max_chars {
                return s;
            }
            s.push(c);
            n += 1;
        }
        s.push('\n');
    }
    s
}

/// Whether a label found at byte `pos` of the page text may be used: outside the content
/// span on the first pass, in the content's header zone on the second.
pub(crate) fn label_allowed(pos: usize, span: Option<(usize, usize)>, header_zone: bool) -> bool {
    let inside = span.is_some_and(|(a, b)| pos >= a && pos < b);
    if header_zone {
        inside && span.is_some_and(|(a, _)| pos < a + HEADER_ZONE_BYTES)
    } else {
        !inside
    }
}

/// The first [`LONG_PROBE_CHARS`] characters of `line`, if it is that long.
fn long_probe(line: &str) -> Option<&str> {
    let end = line.char_indices().nth(LONG_PROBE_CHARS).map(|(i, _)| i)?;
    Some(&line[..end])
}

/// A whitespace-free run of up to [`PROBE_CHARS`] characters at the start (or end) of `line`.
fn probe(line: &str, from_start: bool) -> Option<&str> {
    let word = if from_start {
        line.split_whitespace().next()?
    } else {
        line.split_whitespace().next_back()?
    };
    let n = word.chars().count();
    if n < 4 {
        return None;
    }
    let take = n.min(PROBE_CHARS);
    let (a, b) = if from_start {
        (
            0,
            word.char_indices().nth(take).map_or(word.len(), |(i, _)| i),
        )
    } else {
        (
            word.char_indices().nth(n - take).map_or(0, |(i, _)| i),
            word.len(),
        )
    };
    Some(&word[a..b])
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn art(text: &str) -> Article {
        Article {
            main_text: text.to_owned(),
            ..Default::default()
        }
    }

    #[test]
    fn gov_page_with_labels() {
        let html = r#"<html><head><title>某县2023年卫生工作总结_政务公开_某县人民政府</title>
            <meta name="PubDate" content="2023-08-02 10:00"></head><body>
            <div class="nav">首页 &gt; 政务公开</div>
            <h1>某县2023年卫生工作总结</h1>
            <div class="info"><span>发布时间:2023-08-01 09:30</span><span>信息来源:长宁县卫生健康局</span></div>
            <div id="c"><p>今年以来,我局认真落实各项工作。</p><p>一、主要工作</p><p>全县接诊12000人次。</p></div>
            <div class="foot">联系电话:0831-1234567</div></body></html>"#;
        let doc = Html::parse_document(html);
        let arts = [art(
            "今年以来,我局认真落实各项工作。\n一、主要工作\n全县接诊12000人次。",
        )];
        let m = metadata(&doc, None, &arts);
        assert_eq!(m.title.as_deref(), Some("某县2023年卫生工作总结"));
        assert_eq!(m.published.as_deref(), Some("2023-08-01"));
        assert_eq!(
            m.published_time.as_deref(),
            Some("2023-08-01T09:30:00+08:00")
        );
        assert_eq!(m.source_org.as_deref(), Some("长宁县卫生健康局"));
        assert_eq!(m.region.as_deref(), Some("长宁县"));
        assert_eq!(m.doc_type.as_deref(), Some("工作总结"));
        assert_eq!(m.period.as_deref(), Some("2023"));
        assert_eq!(m.script.as_deref(), Some("Hans"));
    }

    #[test]
    fn document_date_line_and_signature() {
        let html = "<html><head><title>卫生院上半年工作小结.doc-某某文库</title></head><body>\
            <h1>卫生院上半年工作小结.doc</h1><div>更新时间:</div><div><p>上半年完成体检800人。</p>\
            <p>安平镇中心卫生院</p><p>二〇一九年七月五日</p></div></body></html>";
        let doc = Html::parse_document(html);
        let arts = [art(
            "上半年完成体检800人。\n安平镇中心卫生院\n二〇一九年七月五日",
        )];
        let m = metadata(&doc, None, &arts);
        assert_eq!(m.title.as_deref(), Some("卫生院上半年工作小结"));
        assert_eq!(m.published.as_deref(), Some("2019-07-05"));
        assert_eq!(m.published_time, None);
        assert_eq!(m.source_org.as_deref(), Some("安平镇中心卫生院"));
        assert_eq!(m.region.as_deref(), Some("安平镇"));
        assert_eq!(m.period, None);
    }

    #[test]
    fn info_box_kept_as_content_still_declares_date_and_org() {
        let html = "<html><head><title>卫生健康局2023年工作总结_某县人民政府</title></head><body>\
            <h1>某县人民政府</h1><table><tr><td>发布机构：</td><td>长宁县卫生健康局</td></tr>\
            <tr><td>发文日期：</td><td>2023年07月10日</td></tr></table>\
            <div><p>今年以来,我局围绕年度目标扎实推进各项工作,现将有关情况报告如下,请审阅并提出意见建议。</p>\
            <p>成文后的活动时间:2023年8月1日</p><p>长宁县卫生健康局</p><p>2023年7月8日</p></div></body></html>";
        let doc = Html::parse_document(html);
        let arts = [art("发布机构：\t长宁县卫生健康局\n发文日期：\t2023年07月10日\n今年以来,我局围绕年度目标扎实推进各项工作,现将有关情况报告如下,请审阅并提出意见建议。\n成文后的活动时间:2023年8月1日\n长宁县卫生健康局\n2023年7月8日")];
        let m = metadata(&doc, None, &arts);
        assert_eq!(m.title.as_deref(), Some("卫生健康局2023年工作总结"));
        assert_eq!(m.published.as_deref(), Some("2023-07-10"));
        assert_eq!(m.source_org.as_deref(), Some("长宁县卫生健康局"));
        assert_eq!(m.region.as_deref(), Some("长宁县"));
    }

    #[test]
    fn traditional_page() {
        let html = "<html><head><title>**市衛生局先進事蹟 - 範文網</title></head><body><h1>**市衛生局先進事蹟</h1>\
            <p>來源:網絡</p><div><p>近年來,市衛生局認真貫徹落實各項政策,醫療服務體系進一步完善。</p></div></body></html>";
        let doc = Html::parse_document(html);
        let arts = [art(
            "近年來,市衛生局認真貫徹落實各項政策,醫療服務體系進一步完善。",
        )];
        let m = metadata(&doc, None, &arts);
        assert_eq!(m.title.as_deref(), Some("**市衛生局先進事蹟"));
        assert_eq!(m.source_org.as_deref(), Some("**市衛生局"));
        assert_eq!(m.region, None);
        assert_eq!(m.doc_type.as_deref(), Some("先进事迹"));
        assert_eq!(m.script.as_deref(), Some("Hant"));
        assert_eq!(m.published, None);
    }

    #[test]
    fn logo_and_column_headings_yield_to_the_page_title() {
        let html = "<html><head><title>长宁县卫生健康局2023年工作总结_工作动态_长宁县人民政府</title></head><body>\
            <h1>长宁县人民政府</h1><h2>工作总结</h2><div><p>今年以来,我局认真落实各项工作。</p></div></body></html>";
        let doc = Html::parse_document(html);
        let arts = [art("今年以来,我局认真落实各项工作。")];
        let m = metadata(&doc, None, &arts);
        assert_eq!(m.title.as_deref(), Some("长宁县卫生健康局2023年工作总结"));
    }

    #[test]
    fn traditional_labels_and_region() {
        let html = "<html><head><title>關於2023年上半年衛生工作的報告</title></head><body>\
            <h1>關於2023年上半年衛生工作的報告</h1><div>發布日期：2023年08月01日　資料來源：新竹縣衛生局</div>\
            <div><p>本局上半年持續推動各項衛生工作，茲將辦理情形報告如下：</p></div></body></html>";
        let doc = Html::parse_document(html);
        let arts = [art(
            "本局上半年持續推動各項衛生工作，茲將辦理情形報告如下：",
        )];
        let m = metadata(&doc, None, &arts);
        assert_eq!(m.published.as_deref(), Some("2023-08-01"));
        assert_eq!(m.source_org.as_deref(), Some("新竹縣衛生局"));
        assert_eq!(m.region.as_deref(), Some("新竹縣"));
        assert_eq!(m.doc_type.as_deref(), Some("工作报告"));
        assert_eq!(m.period.as_deref(), Some("2023H1"));
        assert_eq!(m.script.as_deref(), Some("Hant"));
    }

    #[test]
    fn english_news_page() {
        let html = r#"<html><head><title>City council approves budget | The Daily</title>
            <meta property="og:title" content="City council approves budget">
            <meta property="article:published_time" content="2024-03-05T14:20:00Z"></head>
            <body><h1>City council approves budget</h1><p>The council voted on Tuesday to approve the plan.</p></body></html>"#;
        let doc = Html::parse_document(html);
        let arts = [art("The council voted on Tuesday to approve the plan.")];
        let m = metadata(&doc, None, &arts);
        assert_eq!(m.title.as_deref(), Some("City council approves budget"));
        assert_eq!(m.published.as_deref(), Some("2024-03-05"));
        assert_eq!(m.script.as_deref(), Some("Latn"));
        assert_eq!(m.doc_type.as_deref(), Some("其他"));
        assert_eq!(m.source_org, None);
    }
}
