//! Page-level metadata: title, dates, issuing organization, region, document type,
//! period, script. Reads the parsed document (head + visible text) and the articles.

use scraper::Html;

use super::model::Article;

/// Everything metadata extraction decides for a page.
#[derive(Debug, Clone, Default, PartialEq)]
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
pub fn metadata(_doc: &Html, _url: Option<&str>, _articles: &[Article]) -> Metadata {
    Metadata::default()
}
