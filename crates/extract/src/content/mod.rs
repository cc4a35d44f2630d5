//! Main content: the page as blocks (one per paragraph/line), a score per block, the
//! best-scoring container, and its blocks minus line-level chrome.
//!
//! 1. One linear walk over the arena makes blocks: block elements and `<br>` end a line;
//!    data tables become one block per row (cells tab-separated) plus a table of cells;
//!    chrome sub-trees (`chrome.rs`) are jumped over.
//! 2. Each block gets a value: prose counts its unlinked weight, link lists and chrome
//!    lines count against, short unpunctuated lines cost a little.
//! 3. Values are summed into every ancestor (one reverse pass); the element with the
//!    highest sum is the content container: it holds the most prose for the least
//!    furniture. Ties go to the deeper element. An `itemprop="articleBody"` element the
//!    page marks once wins over a best element outside or around it.
//! 4. Its blocks are output without chrome lines, link lists, the page headline and
//!    sub-trees repeating an earlier sibling.
//!
//! By job: `blocks` (step 1: the walk that makes lines and data tables), `score` (steps
//! 2–3: block values, container scores, the chosen containers), `dedupe` (hidden copies,
//! repeated containers and children), `jsonld` (the `articleBody` fallback); this file runs
//! them in order (step 4) and holds the types they share.

mod blocks;
mod dedupe;
mod jsonld;
mod score;

use std::collections::HashSet;

use super::dom::Dom;
use super::{attach, thread};

pub(crate) use blocks::{blocks, Acc};
use dedupe::{dedupe_containers, duplicate_children, hidden_copies};
use jsonld::json_ld_fallback;
pub(crate) use score::{best_container, link_heavy};
use score::{scores, value};

/// One line of text.
#[derive(Debug, Clone)]
pub struct Block {
    pub text: String,
    /// `text` folded to Simplified, when that changes it (see [`Line::folded`]).
    pub folded: Option<String>,
    /// Innermost open element when the line ended.
    pub owner: u32,
    pub weight: u32,
    /// Weight of the text inside links.
    pub link: u32,
    /// `Some(n)` inside `<hN>`.
    pub heading: Option<u8>,
    /// Index into the page's data tables for table rows.
    pub table: Option<usize>,
    /// Line-level chrome by text.
    pub chrome: bool,
}

/// One output line of the main content.
#[derive(Debug, Clone)]
pub struct Line {
    pub text: String,
    /// `text` folded to Simplified (`hant::fold`), when that changes it: built from the
    /// arena's folded text nodes, so no later stage folds again.
    pub folded: Option<String>,
    pub heading: Option<u8>,
    pub table: Option<usize>,
    pub weight: u32,
}

impl Block {
    /// The text the rules match: folded to Simplified, same byte offsets as `text`.
    pub fn folded(&self) -> &str {
        self.folded.as_deref().unwrap_or(&self.text)
    }
}

impl Line {
    /// The text the rules match: folded to Simplified, same byte offsets as `text`.
    pub fn folded(&self) -> &str {
        self.folded.as_deref().unwrap_or(&self.text)
    }
}

/// What content extraction found on the page.
#[derive(Debug, Default)]
pub struct Content {
    pub lines: Vec<Line>,
    /// Data tables (rows of cells), indexed by [`Line::table`].
    pub tables: Vec<Vec<Vec<String>>>,
    /// The page headline (first `<h1>`), used as a title fallback.
    pub headline: Option<String>,
    /// The content containers as arena index ranges `start..end`, in document order.
    pub ranges: Vec<(usize, usize)>,
}

/// Extracts the main content of the page.
pub fn extract(dom: &Dom<'_>, chrome: &[bool]) -> Content {
    let (blocks, tables, headline) = blocks(dom, chrome);
    let (mut containers, best) = best_container(dom, &blocks);
    let thread = best.and_then(|b| thread::detect(dom, &blocks, b));
    if let Some(t) = &thread {
        // Every post body; replies repeating each other ("顶") are all kept.
        containers.clone_from(&t.bodies);
    } else {
        dedupe_containers(dom, &blocks, &mut containers);
    }
    let mut dropped = HashSet::new();
    for &c in &containers {
        dropped.extend(duplicate_children(dom, &blocks, c));
    }
    let ranges: Vec<(usize, usize)> = containers.iter().map(|&c| (c, dom.end(c))).collect();
    let hidden_copy = hidden_copies(dom, &blocks, headline.as_deref());
    let mut lines = Vec::new();
    let mut seen_prose = false;
    for (k, b) in blocks.iter().enumerate() {
        let o = b.owner as usize;
        if !ranges.iter().any(|&(lo, hi)| o >= lo && o < hi)
            || dropped.contains(&k)
            || b.chrome
            || hidden_copy.contains(&k)
        {
            continue;
        }
        if link_heavy(b) {
            continue;
        }
        // `附件：` over a list of file links: the files are the report's attachments
        // (`attach.rs`), their links are no text, and the label alone says nothing.
        if attach::is_label_line(b.folded(), b.weight)
            && blocks.get(k + 1).is_none_or(|next| {
                let no = next.owner as usize;
                link_heavy(next) || !ranges.iter().any(|&(lo, hi)| no >= lo && no < hi)
            })
        {
            continue;
        }
        if thread
            .as_ref()
            .is_some_and(|t| t.skipped(o) || thread::forum_line(b.folded(), b.weight))
        {
            continue;
        }
        if !seen_prose
            && (b.heading == Some(1) || (b.heading.is_some() && is_page_title(&b.text, dom.title)))
        {
            continue;
        }
        if b.heading.is_none() && b.table.is_none() {
            seen_prose = true;
        }
        lines.push(Line {
            text: b.text.clone(),
            folded: b.folded.clone(),
            heading: b.heading,
            table: b.table,
            weight: b.weight,
        });
    }
    let mut content = Content {
        lines,
        tables,
        headline,
        ranges,
    };
    json_ld_fallback(dom, &mut content);
    content
}

/// A heading that repeats the page's `<title>` (which usually adds `_栏目_站名`).
fn is_page_title(line: &str, title: Option<&str>) -> bool {
    let Some(title) = title.map(str::trim) else {
        return false;
    };
    let line = line.trim();
    line.chars().count() >= 4 && (title == line || title.starts_with(line))
}

/// A human-readable trace of the content decision: chrome-marked elements, the best
/// containers with their scores, and every block with its value (for `extract --explain`).
pub fn explain(dom: &Dom<'_>, chrome: &[bool]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let describe = |i: usize| -> String {
        match dom.element(i) {
            Some(e) => format!(
                "#{i} <{} class={:?} id={:?}> w={}",
                e.name(),
                e.attr("class").unwrap_or(""),
                e.id().unwrap_or(""),
                dom.weight.get(i).copied().unwrap_or(0)
            ),
            None => format!("#{i} text"),
        }
    };
    let _ = writeln!(s, "== chrome sub-trees");
    for (i, c) in chrome.iter().enumerate() {
        if *c {
            let _ = writeln!(s, "  {}", describe(i));
        }
    }
    let (blocks, _, _) = blocks(dom, chrome);
    let n = dom.nodes.len();
    let (score, _) = scores(dom, &blocks);
    let mut order: Vec<usize> = (0..n).filter(|&i| dom.element(i).is_some()).collect();
    order.sort_by(|a, b| score[*b].total_cmp(&score[*a]));
    let _ = writeln!(s, "== best containers");
    for &i in order.iter().take(12) {
        let _ = writeln!(s, "  {:>9.1} {}", score[i], describe(i));
    }
    let (mut best, anchor) = best_container(dom, &blocks);
    if let Some(t) = anchor.and_then(|a| thread::detect(dom, &blocks, a)) {
        let _ = writeln!(
            s,
            "== thread: {} post bodies, {} quote/signature sub-trees skipped",
            t.bodies.len(),
            t.skip.len()
        );
        best = t.bodies;
    }
    for &c in &best {
        let _ = writeln!(s, "== chosen {}", describe(c));
    }
    let _ = writeln!(s, "== blocks");
    for b in &blocks {
        let o = b.owner as usize;
        let inside = best.iter().any(|&c| o >= c && o < dom.end(c));
        let _ = writeln!(
            s,
            "  {} {:>7.1} o={} w={} l={} {}{}",
            if inside { '*' } else { ' ' },
            value(b),
            b.owner,
            b.weight,
            b.link,
            if b.chrome { "[chrome] " } else { "" },
            b.text.chars().take(100).collect::<String>()
        );
    }
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::hant;

    #[test]
    fn blocks_lines_and_drafts_carry_the_folded_text() {
        let para = "本局推動各項工作，成效顯著，群眾滿意度持續提升，各項指標穩步增長。";
        let html = scraper::Html::parse_document(&format!(
            "<html><body><div><p>{para}</p><p>發布日期：2023-03-05</p><p>{para}</p>\
             <table><tr><td>項目</td><td>數量</td></tr><tr><td>義診</td><td>3800</td></tr></table>\
             <p>plain text, nothing to fold.</p><p>【關閉視窗】</p></div></body></html>"
        ));
        let dom = Dom::build(&html, 64);
        let chrome = crate::chrome::mark(&dom);
        let (blocks, _, _) = blocks(&dom, &chrome);
        for b in &blocks {
            assert_eq!(b.folded(), hant::fold(&b.text), "{}", b.text);
            assert_eq!(
                b.folded.is_some(),
                hant::has_traditional(&b.text),
                "{}",
                b.text
            );
        }
        assert!(blocks
            .iter()
            .any(|b| b.table.is_some() && b.folded() == "义诊\t3800"));
        // Traditional chrome lines match the Simplified rules through the carried copy.
        for line in ["發布日期：2023-03-05", "【關閉視窗】"] {
            let b = blocks.iter().find(|b| b.text == line).unwrap();
            assert!(b.chrome, "{line}");
        }
        let content = extract(&dom, &chrome);
        assert!(content.lines.iter().any(|l| l.folded.is_some()));
        for l in &content.lines {
            assert_eq!(l.folded(), hant::fold(&l.text), "{}", l.text);
        }
        let drafts = crate::split::articles(content);
        assert_eq!(drafts.len(), 1);
        assert_eq!(drafts[0].folded(), hant::fold(&drafts[0].main_text));
        assert!(drafts[0].main_text.contains("義診\t3800"));
    }
}
