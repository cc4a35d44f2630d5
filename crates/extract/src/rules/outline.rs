//! Outline (`outline.rs`): heading markers.

use std::sync::LazyLock;

use regex::Regex;

use super::exact;

/// How many whitespace-preceded level-1/2 markers make a line "running text" (several
/// paragraphs glued with spaces). Calibrated: a normal paragraph never carries two of
/// them after spaces in the dev corpus; the flattened doc-share previews carry 15+.
pub(crate) const RUNNING_TEXT_MIN_MARKERS: usize = 2;

/// A heading marker at the very start of a paragraph. Groups: 1 = 一、 2 = （一） 3 = 1. 4 = （1）.
pub(crate) static MARKER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    exact(concat!(
        r"^(?:(?P<l1>[一二三四五六七八九十]{1,3}、)",
        r"|(?P<l2>[（(〔【][一二三四五六七八九十]{1,3}[)）〕】])",
        r"|(?P<l3>[0-9０-９]{1,2}[、．.])",
        r"|(?P<l4>[（(][0-9０-９]{1,2}[)）]))",
    ))
});

/// Level-1/2 markers right after whitespace: the sign of paragraphs glued into one line.
pub(crate) static GLUED_MARKER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    exact(r"\s+(?:[一二三四五六七八九十]{1,3}、|[（(〔【][一二三四五六七八九十]{1,3}[)）〕】])")
});
