//! Why a page yields no report.

/// A page the extractor refuses. Every variant is permanent: refetching gives the same bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    /// The bytes are not HTML (PDF, ZIP, image, other binary), whatever the header said.
    #[error("not_html: {0}")]
    NotHtml(String),
    /// No content could be found at all. Carries the metadata the page still shows (its
    /// title, date, source), which [`crate::rejected`] reports.
    #[error("empty: the page has no extractable text")]
    Empty(Box<EmptyPage>),
}

/// What a page rejected as empty still tells: its metadata, what the caps cut, and the
/// files it attaches (a notice whose body is only `附件：…pdf`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmptyPage {
    pub metadata: crate::metadata::Metadata,
    pub truncated: crate::limits::Truncated,
    pub attachments: Vec<crate::model::Attachment>,
}

impl ExtractError {
    /// The short machine code used in the extract JSON `error` field and as a DLQ reason.
    pub fn code(&self) -> &'static str {
        match self {
            ExtractError::NotHtml(_) => "not_html",
            ExtractError::Empty(_) => "empty",
        }
    }
}
