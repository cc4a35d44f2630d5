//! Section outline: numbered headings at the start of paragraphs
//! (一、 / （一）(一)〔一〕 / 1. 1、 / （1）) → levels 1–4.

use super::model::OutlineItem;

/// The outline of one article's main text (one paragraph per line).
pub fn outline(_main_text: &str) -> Vec<OutlineItem> {
    Vec::new()
}
