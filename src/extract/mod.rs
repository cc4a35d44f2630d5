//! The pure extraction core: bytes + URL + headers in, a [`Report`] out.
//!
//! No IO, no async, no clock, no global mutable state; deterministic.
//! Rules are precompiled once (`LazyLock`) in [`rules`].

mod charset;
mod chrome;
mod content;
mod dom;
mod error;
pub mod figures;
pub mod metadata;
mod model;
pub mod outline;
mod rules;
mod split;

pub use error::ExtractError;
pub use model::{Article, CharsetInfo, Figure, Input, Options, OutlineItem, Pagination, Report};

/// Bumped whenever extraction output may change; stored with every report so `replay`
/// can select reports made by older versions.
pub const EXTRACTOR_VERSION: &str = "0.2.0";

/// Extracts the report from one page.
///
/// size guard → not-HTML sniff → charset → parse once → chrome sub-trees → main content
/// → articles (篇N) → pagination → metadata, outline and figures per article.
pub fn extract(input: &Input<'_>, opts: &Options) -> Result<Report, ExtractError> {
    let bytes = &input.bytes[..input.bytes.len().min(opts.max_bytes)];
    charset::sniff_not_html(bytes)?;
    let decoded = charset::decode(bytes, input.content_type);
    let html = scraper::Html::parse_document(&decoded.text);
    let dom = dom::Dom::build(&html, opts.max_depth);
    let chrome = chrome::mark(&dom);
    let content = content::extract(&dom, &chrome);
    let headline = content.headline.clone();
    let pagination = split::pagination(&dom, input.url);
    let drafts = split::articles(content);
    if drafts.iter().all(|d| d.main_text.trim().is_empty()) {
        return Err(ExtractError::Empty);
    }
    let mut articles: Vec<Article> = drafts
        .into_iter()
        .map(|d| Article {
            title: d.title.or_else(|| headline.clone()),
            outline: outline::outline(&d.main_text),
            figures: figures::figures(&d.main_text),
            main_text: d.main_text,
            tables: d.tables,
        })
        .collect();
    let meta = metadata::metadata(&html, input.url, &articles);
    if let [only] = articles.as_mut_slice() {
        if meta.title.is_some() {
            only.title.clone_from(&meta.title);
        }
    }
    Ok(Report {
        url: input.url.map(str::to_owned),
        charset: Some(decoded.info.used.clone()),
        title: meta.title,
        published: meta.published,
        published_time: meta.published_time,
        source_org: meta.source_org,
        region: meta.region,
        doc_type: meta.doc_type,
        period: meta.period,
        script: meta.script,
        articles,
        pagination,
        error: None,
        charset_info: decoded.info,
        extractor_version: EXTRACTOR_VERSION.into(),
    })
}

/// A human-readable trace of how the main content was chosen (debugging aid for
/// `report-ingest extract --explain`).
pub fn explain(input: &Input<'_>, opts: &Options) -> String {
    let bytes = &input.bytes[..input.bytes.len().min(opts.max_bytes)];
    if let Err(e) = charset::sniff_not_html(bytes) {
        return format!("rejected: {e}");
    }
    let decoded = charset::decode(bytes, input.content_type);
    let html = scraper::Html::parse_document(&decoded.text);
    let dom = dom::Dom::build(&html, opts.max_depth);
    let chrome = chrome::mark(&dom);
    content::explain(&dom, &chrome)
}

/// The extract JSON for a rejected page: `{"url":…, "error": "not_html", "articles": []}`.
pub fn rejected(input: &Input<'_>, err: &ExtractError) -> Report {
    Report {
        url: input.url.map(str::to_owned),
        error: Some(err.code().to_owned()),
        extractor_version: EXTRACTOR_VERSION.into(),
        ..Default::default()
    }
}
