//! Attachment bytes in, plain text out: the text of a DOCX document body and the text
//! layer of a PDF, for the worker to store as an extra article.
//!
//! Pure and bounded: no IO, no async, no clock, no RNG, no global state. [`read`] takes the
//! bytes the worker fetched and [`Limits`] that cap the input, the bytes decompressed on the
//! way (zip bombs, PDF stream bombs), the characters returned and the PDF pages read. Every
//! failure is a [`ReadError`] with a stable [`ReadError::code`]; a panic inside a parser is
//! caught and reported as [`ReadError::Corrupt`].
//!
//! # Layout
//! - `lib.rs`: the public types, [`kind_of`], [`sniff`] and [`read`] (input size guard,
//!   panic guard, dispatch).
//! - `sink.rs`: `Sink`, the output builder that enforces `max_chars` and tells "no text".
//! - `docx.rs`: zip + WordprocessingML: `word/document.xml` paragraphs and tables in order.
//! - `pdf.rs`: lopdf loads the file; our own content-stream walker maps glyph codes through
//!   each font's ToUnicode CMap and turns positions into lines and paragraphs.
//! - `testdata.rs` (feature `testdata`): builders of small CJK DOCX and PDF files.

mod docx;
mod pdf;
mod sink;
#[cfg(feature = "testdata")]
pub mod testdata;

use std::panic::{catch_unwind, AssertUnwindSafe};

/// The document formats [`read`] understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Office Open XML word processing document (`.docx`).
    Docx,
    /// Portable Document Format (`.pdf`).
    Pdf,
}

impl Kind {
    /// The lower-case file extension, as used in the extract JSON's `kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Docx => "docx",
            Kind::Pdf => "pdf",
        }
    }
}

/// Input: 20 MiB, above the worker's usual attachment size cap so that cap decides.
pub const DEFAULT_MAX_BYTES: usize = 20 * 1024 * 1024;
/// Decompressed bytes in total: 64 MiB. A real DOCX's `document.xml` is a few MiB even for a
/// 300-page report; a PDF's page content streams are tens of KiB a page.
pub const DEFAULT_MAX_UNCOMPRESSED: u64 = 64 * 1024 * 1024;
/// Characters out: 2 million, about 1,000 dense pages of Chinese.
pub const DEFAULT_MAX_CHARS: usize = 2_000_000;
/// PDF pages read: 500; a longer PDF is read up to there and marked truncated.
pub const DEFAULT_MAX_PAGES: usize = 500;

/// Bounds on one [`read`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Input bytes; more is [`ReadError::TooLarge`].
    pub max_bytes: usize,
    /// Decompressed bytes in total, declared and actual: every zip entry's declared size
    /// and the bytes inflated while reading, PDF streams decoded. Past it:
    /// [`ReadError::TooLarge`] (a zip bomb), or for PDF pages after some text was read, the
    /// text so far with `truncated`.
    pub max_uncompressed: u64,
    /// Characters in `paragraphs` (and in `tables`, counted apart); past it the text is cut
    /// and `truncated` set.
    pub max_chars: usize,
    /// PDF pages read; the pages after it are skipped and `truncated` set.
    pub max_pages: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: DEFAULT_MAX_BYTES,
            max_uncompressed: DEFAULT_MAX_UNCOMPRESSED,
            max_chars: DEFAULT_MAX_CHARS,
            max_pages: DEFAULT_MAX_PAGES,
        }
    }
}

/// The text of a document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    /// The text in reading order, one entry per paragraph (DOCX `w:p`; PDF: a line, or lines
    /// joined when they wrap one paragraph). A DOCX table is here too, one line per row with
    /// its cells joined by a tab, where it stands in the body. Trimmed, never empty; a DOCX
    /// line break (`w:br`) stays a `\n` inside its paragraph.
    pub paragraphs: Vec<String>,
    /// DOCX tables, rows of cells (a cell's paragraphs joined by `\n`), in document order; a
    /// table nested in a cell is listed after the table holding it. Empty for PDF.
    pub tables: Vec<Vec<Vec<String>>>,
    /// A limit cut the text short: `max_chars`, `max_pages`, or the decompression budget
    /// running out after some PDF pages.
    pub truncated: bool,
}

impl Text {
    /// The paragraphs joined by newlines: the text to hand to the extractor.
    pub fn plain(&self) -> String {
        self.paragraphs.join("\n")
    }
}

/// Why a document gave no text. [`ReadError::code`] is the stable label the worker records
/// per attachment (`error: "no_text"`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The document is well formed but has no text: a scanned PDF without a text layer,
    /// fonts whose codes map to no characters, an empty DOCX.
    #[error("the document has no text")]
    NoText,
    /// Not a document of the kind, or damaged: not a zip, no `word/document.xml`, bad XML, a
    /// PDF that does not parse, a parser panic.
    #[error("corrupt document: {0}")]
    Corrupt(String),
    /// Over a [`Limits`] bound: the input, or what it decompresses to (a zip bomb).
    #[error("document too large: {0}")]
    TooLarge(String),
    /// A real document in a variant this crate does not read: a legacy `.doc` (OLE), an
    /// `.xlsx`/`.pptx`, a zip compression method other than stored/deflate.
    #[error("unsupported document: {0}")]
    Unsupported(String),
    /// Needs a password: a PDF whose user password is not empty, an encrypted DOCX (an OLE
    /// `EncryptedPackage`) or a zip with encrypted entries. PDFs with only an owner password
    /// (permissions) open with the empty user password and are read.
    #[error("the document is encrypted")]
    Encrypted,
}

impl ReadError {
    /// The stable, low-cardinality label: `no_text`, `corrupt`, `too_large`, `unsupported`,
    /// `encrypted`.
    pub fn code(&self) -> &'static str {
        match self {
            ReadError::NoText => "no_text",
            ReadError::Corrupt(_) => "corrupt",
            ReadError::TooLarge(_) => "too_large",
            ReadError::Unsupported(_) => "unsupported",
            ReadError::Encrypted => "encrypted",
        }
    }
}

const DOCX_MIME: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The kind for a file extension (`docx`, `.PDF`), a file name (`报告.docx`) or a
/// `Content-Type` (`application/pdf; charset=binary`); `None` for anything else, `.doc`,
/// `.wps` and `.ofd` included.
pub fn kind_of(ext_or_content_type: &str) -> Option<Kind> {
    let s = ext_or_content_type.trim().to_ascii_lowercase();
    let s = s.split(';').next().unwrap_or_default().trim();
    match s {
        DOCX_MIME => return Some(Kind::Docx),
        "application/pdf" | "application/x-pdf" | "application/acrobat" => return Some(Kind::Pdf),
        _ => {}
    }
    if s.contains('/') {
        return None;
    }
    match s.rsplit('.').next().unwrap_or_default() {
        "docx" => Some(Kind::Docx),
        "pdf" => Some(Kind::Pdf),
        _ => None,
    }
}

/// The kind the bytes themselves show: `%PDF-` near the start, or a zip's local file header.
/// Servers often send `application/octet-stream` or a wrong extension; the worker can prefer
/// this over [`kind_of`]. A zip is reported as [`Kind::Docx`]; [`read`] tells a zip that is
/// not a Word document apart.
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    let head = bytes.get(..bytes.len().min(1024)).unwrap_or_default();
    if head.windows(5).any(|w| w == b"%PDF-") {
        Some(Kind::Pdf)
    } else if bytes.starts_with(b"PK\x03\x04") {
        Some(Kind::Docx)
    } else {
        None
    }
}

/// Reads the text of a document of `kind` from `bytes`, within `limits`.
///
/// The parsers run under [`std::panic::catch_unwind`]: a panic in a dependency on hostile
/// input becomes [`ReadError::Corrupt`] (the default panic hook still prints it to stderr).
/// That needs `panic = "unwind"`, the default.
pub fn read(kind: Kind, bytes: &[u8], limits: &Limits) -> Result<Text, ReadError> {
    if bytes.len() > limits.max_bytes {
        return Err(ReadError::TooLarge(format!(
            "{} bytes, over the {}-byte input limit",
            bytes.len(),
            limits.max_bytes
        )));
    }
    // AssertUnwindSafe: the closure reads shared borrows only and builds its result locally,
    // so nothing half-updated is observable after a panic.
    let outcome = catch_unwind(AssertUnwindSafe(|| match kind {
        Kind::Docx => docx::read(bytes, limits),
        Kind::Pdf => pdf::read(bytes, limits),
    }));
    match outcome {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            Err(ReadError::Corrupt(format!(
                "{} parser panicked: {message}",
                kind.as_str()
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_of_reads_extensions_names_and_content_types() {
        assert_eq!(kind_of("docx"), Some(Kind::Docx));
        assert_eq!(kind_of(".DOCX"), Some(Kind::Docx));
        assert_eq!(kind_of("2023年工作总结.docx"), Some(Kind::Docx));
        assert_eq!(kind_of("pdf"), Some(Kind::Pdf));
        assert_eq!(kind_of("Application/PDF; charset=binary"), Some(Kind::Pdf));
        assert_eq!(kind_of(DOCX_MIME), Some(Kind::Docx));
        for other in [
            "doc",
            "wps",
            "ofd",
            "xlsx",
            "text/html",
            "application/octet-stream",
            "",
        ] {
            assert_eq!(kind_of(other), None, "{other}");
        }
    }

    #[test]
    fn sniff_tells_pdf_from_zip() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(Kind::Pdf));
        assert_eq!(sniff(b"\xef\xbb\xbf %PDF-1.4"), Some(Kind::Pdf));
        assert_eq!(sniff(b"PK\x03\x04rest"), Some(Kind::Docx));
        assert_eq!(sniff(b"<html>"), None);
    }

    #[test]
    fn codes_are_stable() {
        assert_eq!(ReadError::NoText.code(), "no_text");
        assert_eq!(ReadError::Corrupt(String::new()).code(), "corrupt");
        assert_eq!(ReadError::TooLarge(String::new()).code(), "too_large");
        assert_eq!(ReadError::Unsupported(String::new()).code(), "unsupported");
        assert_eq!(ReadError::Encrypted.code(), "encrypted");
    }

    #[test]
    fn input_over_max_bytes_is_too_large() {
        let limits = Limits {
            max_bytes: 4,
            ..Limits::default()
        };
        let err = read(Kind::Pdf, b"%PDF-1.7", &limits);
        assert!(matches!(err, Err(ReadError::TooLarge(_))), "{err:?}");
    }
}
