//! The pure extraction core: bytes + URL + headers in, a [`Report`] out.
//!
//! No IO, no async, no clock, no global mutable state; deterministic.
//! Rules are precompiled once (`LazyLock`) in [`rules`].

mod error;
pub mod figures;
pub mod metadata;
mod model;
pub mod outline;

pub use error::ExtractError;
pub use model::{Article, CharsetInfo, Figure, Input, Options, OutlineItem, Pagination, Report};

/// Bumped whenever extraction output may change; stored with every report so `replay`
/// can select reports made by older versions.
pub const EXTRACTOR_VERSION: &str = "0.1.0";

/// Extracts the report from one page.
pub fn extract(input: &Input<'_>, _opts: &Options) -> Result<Report, ExtractError> {
    // SKELETON: replaced by the real pipeline (charset → dom → chrome → content → split →
    // metadata → outline → figures).
    let text = String::from_utf8_lossy(input.bytes).into_owned();
    Ok(Report {
        url: input.url.map(str::to_owned),
        charset: Some("utf-8".into()),
        articles: vec![Article {
            main_text: text,
            ..Default::default()
        }],
        extractor_version: EXTRACTOR_VERSION.into(),
        ..Default::default()
    })
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
