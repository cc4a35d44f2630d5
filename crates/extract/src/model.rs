//! The extractor's input and output types. Field names of [`Report`] are the contract's
//! "extract JSON" (`../shared/corpus/schema.json`); never rename them, add freely.

use serde::{Deserialize, Serialize};

/// What a server sent: the body bytes plus what the transport told us about them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Input<'a> {
    /// Raw body bytes, exactly as received (after content-encoding is undone).
    pub bytes: &'a [u8],
    /// The page's URL (final URL after redirects), used to resolve links.
    pub url: Option<&'a str>,
    /// The HTTP `Content-Type` header value, e.g. `text/html; charset=gbk`.
    pub content_type: Option<&'a str>,
}

/// Knobs for one extraction. `Default` is what production uses.
#[derive(Debug, Clone)]
pub struct Options {
    /// Bodies larger than this are cut before parsing (bounded memory).
    pub max_bytes: usize,
    /// Element nesting deeper than this is flattened by the DOM walker.
    pub max_depth: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            // Calibrated: the largest corpus page is ~1 MB; fetch caps bodies at 10 MB.
            max_bytes: 16 * 1024 * 1024,
            // html5ever builds arbitrarily deep trees; our walkers stop descending here.
            max_depth: 2048,
        }
    }
}

/// How the bytes were decoded and what that tells about the page's health.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CharsetInfo {
    /// The label as written (`gb2312`, `GBK`, …), if any.
    pub declared: Option<String>,
    /// Where it was declared: `bom`, `header`, `meta-charset`, `http-equiv`, `late-meta`, `none`;
    /// `bytes-override` when the declared label decoded with errors and the bytes decoded
    /// cleanly as another encoding (`declared` keeps the label).
    pub source: String,
    /// The WHATWG encoding actually used (`utf-8`, `gbk`, `gb18030`, `big5`, …).
    pub used: String,
    /// Share of decoded characters that are U+FFFD (0.0 = clean).
    pub replacement_ratio: f64,
}

/// One numbered heading at the start of a paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutlineItem {
    /// 1 = 一、  2 = （一）/(一)/〔一〕  3 = 1. / 1、  4 = （1）
    pub level: u8,
    /// The marker in the page's own characters, e.g. `一、`, `〔二〕`, `3.`.
    pub marker: String,
    /// Heading text after the marker, up to the first 。 or `:` (or before an inline 一是).
    pub heading: String,
}

/// A number with its unit found in the main text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// What is counted, e.g. `免费接诊群众`.
    pub subject: String,
    /// Value with 万/亿 multiplied out (`约25万元` → 250000).
    pub value: f64,
    /// Unit as written after the number (`元`, `人次`, `%`, `‰`, `平方米`…); `％`/`﹪` → `%`.
    pub unit: String,
    /// The span of main_text it came from (occurs verbatim in main_text).
    pub raw: String,
    /// 约/近/多/余/左右 mark an approximate figure.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub approx: bool,
    /// In a report stitched from several pages ([`crate::stitch`]): the page (1-based) whose
    /// text the figure came from. Absent for a single page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

/// One report on the page (a page may carry several: 篇1…篇N).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    pub title: Option<String>,
    pub outline: Vec<OutlineItem>,
    /// Clean content, one line per paragraph/block, joined by `\n`.
    pub main_text: String,
    pub figures: Vec<Figure>,
    /// Statistics tables as rows of cell strings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<Vec<Vec<String>>>,
    /// `attachment` for the text of a file the report links to (read by the worker with
    /// `--fetch-attachments`); absent for the page's own articles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The attachment's URL when `source` is `attachment`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment_url: Option<String>,
}

/// A file the page offers with the report: a link in the content, or in the `附件` block
/// next to it, to a document or archive ([`crate::attach`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The link text without numbering, extension and download/size notes
    /// (`附件1：2023年工作总结.docx（56KB）` → `2023年工作总结`).
    pub name: String,
    /// Absolute URL (resolved against the page URL); as written when the page has none.
    pub url: String,
    /// Lower-case file extension without the dot: `docx`, `pdf`, `xls`, `ofd`, `zip`…
    pub kind: String,
    /// Why the worker could not read this attachment (`no_text` for a PDF without a text
    /// layer, `corrupt`, `http_404`, …); absent when it was read or not asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One page a stitched report was made from ([`crate::stitch`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRef {
    /// 1-based position of the page in the report.
    pub ordinal: u32,
    /// The page's URL (empty when the page report carried none).
    pub url: String,
}

/// Where this page sits in a report split over several pages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pagination {
    pub page: u32,
    pub total: Option<u32>,
    pub next: Option<String>,
    pub prev: Option<String>,
}

/// The structured content of one page: the contract's extract JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub url: Option<String>,
    /// WHATWG name of the encoding used, `null` for rejected pages.
    pub charset: Option<String>,
    pub title: Option<String>,
    /// ISO date `YYYY-MM-DD`.
    pub published: Option<String>,
    /// ISO date-time with offset, when the page gives a time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_time: Option<String>,
    pub source_org: Option<String>,
    pub region: Option<String>,
    /// 工作总结, 工作计划, 工作报告, 先进事迹 or 其他.
    pub doc_type: Option<String>,
    /// `2023`, `2023H1`, … or null.
    pub period: Option<String>,
    /// `Hans` or `Hant` for Chinese; ISO 15924 code otherwise (`Latn`, …).
    pub script: Option<String>,
    pub articles: Vec<Article>,
    /// Files the page offers with the report (documents, archives), in page order, one per URL.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// Where this page sits among the pages of a report; `null` for a stitched report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    /// The pages a stitched report was made from, in order; empty for one extracted page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pages: Vec<PageRef>,
    /// Set for a rejected page (`not_html`, …); then `articles` is empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// How the bytes were decoded (encoding forensics).
    #[serde(default)]
    pub charset_info: CharsetInfo,
    /// [`crate::EXTRACTOR_VERSION`] that produced this report.
    #[serde(default)]
    pub extractor_version: String,
    /// What the per-page caps cut from a pathological page (`crate::limits`); left out of
    /// the JSON when nothing was cut.
    #[serde(default, skip_serializing_if = "no_cut")]
    pub truncated: crate::limits::Truncated,
}

fn no_cut(t: &crate::limits::Truncated) -> bool {
    !t.any()
}
