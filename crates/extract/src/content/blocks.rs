//! Step 1: one linear walk over the arena makes blocks (lines); data tables become one
//! block per row plus a table of cells; chrome sub-trees are jumped over. Each block carries
//! its folded text, built from the arena's folded text nodes.

use super::Block;
use crate::dom::{self, Dom, Kind, Tag};
use crate::rules;

/// The rows of cells of one data table.
type TableRows = Vec<Vec<String>>;

/// Builder state for one line.
#[derive(Default)]
pub(crate) struct Acc {
    pub text: String,
    /// `text` folded, once a folded text node was pushed (until then equal to `text`).
    pub folded: Option<String>,
    weight: u32,
    link: u32,
    space: bool,
}

impl Acc {
    /// Appends text node `i` of `dom` (or `t`, a sub-slice of it) with its folded copy.
    pub fn push_node(&mut self, dom: &Dom<'_>, i: usize, t: &str, in_link: bool) {
        self.push_text(t, dom.folded(i, t), in_link);
    }

    /// Appends `t` (whitespace runs collapsed) and `folded`, its folded copy when that
    /// differs.
    fn push_text(&mut self, t: &str, folded: Option<&str>, in_link: bool) {
        if folded.is_some() && self.folded.is_none() {
            self.folded = Some(self.text.clone());
        }
        let mut fchars = folded.map(str::chars);
        let mut any = false;
        for ch in t.chars() {
            let fch = fchars.as_mut().and_then(Iterator::next).unwrap_or(ch);
            if dom::is_space(ch) {
                self.space = true;
            } else {
                if self.space && !self.text.is_empty() {
                    self.text.push(' ');
                    if let Some(f) = self.folded.as_mut() {
                        f.push(' ');
                    }
                }
                self.space = false;
                self.text.push(ch);
                if let Some(f) = self.folded.as_mut() {
                    f.push(fch);
                }
                any = true;
            }
        }
        if any {
            let w = dom::weight(t);
            self.weight += w;
            if in_link {
                self.link += w;
            }
        }
    }
}

/// The linear walk of step 1.
pub(crate) fn blocks(
    dom: &Dom<'_>,
    chrome: &[bool],
) -> (Vec<Block>, Vec<Vec<Vec<String>>>, Option<String>) {
    let n = dom.nodes.len();
    let mut out: Vec<Block> = Vec::with_capacity(256);
    let mut tables: Vec<Vec<Vec<String>>> = Vec::new();
    let mut headline: Option<String> = None;
    // Open elements: (end, tag, index).
    let mut open: Vec<(u32, Tag, u32)> = Vec::with_capacity(64);
    let mut acc = Acc::default();
    let mut link_end = 0usize;
    let flush = |acc: &mut Acc, open: &[(u32, Tag, u32)], out: &mut Vec<Block>| {
        if acc.text.is_empty() {
            acc.space = false;
            return;
        }
        let owner = open
            .iter()
            .rev()
            .find(|o| o.1.is_block())
            .map_or(0, |o| o.2);
        let heading = open.iter().rev().find_map(|o| match o.1 {
            Tag::H(l) => Some(l),
            _ => None,
        });
        let text = std::mem::take(&mut acc.text);
        let folded = acc.folded.take();
        let chrome = is_chrome_line(folded.as_deref().unwrap_or(&text), acc.weight);
        out.push(Block {
            text,
            folded,
            owner,
            weight: acc.weight,
            link: acc.link,
            heading,
            table: None,
            chrome,
        });
        acc.weight = 0;
        acc.link = 0;
        acc.space = false;
    };
    let mut i = 0usize;
    while i < n {
        while let Some(&(end, tag, _)) = open.last() {
            if (end as usize) <= i {
                if tag.is_block() || matches!(tag, Tag::Br) {
                    flush(&mut acc, &open, &mut out);
                }
                open.pop();
            } else {
                break;
            }
        }
        let node = dom.nodes[i];
        match node.kind {
            Kind::Text(t) => acc.push_node(dom, i, t, i < link_end),
            Kind::Elem(tag, _) => {
                let end = node.end as usize;
                if chrome.get(i).copied().unwrap_or(false) {
                    if tag.is_block() {
                        flush(&mut acc, &open, &mut out);
                    }
                    i = end.max(i + 1);
                    continue;
                }
                match tag {
                    Tag::Br => flush(&mut acc, &open, &mut out),
                    Tag::A => link_end = link_end.max(end),
                    Tag::Table => {
                        flush(&mut acc, &open, &mut out);
                        if let Some((rows, folded_rows)) = data_table(dom, i, chrome) {
                            let t = tables.len();
                            for (row, folded) in rows.iter().zip(folded_rows) {
                                let text = row.join("\t");
                                let weight = dom::weight(&text);
                                out.push(Block {
                                    text,
                                    folded,
                                    owner: i as u32,
                                    weight,
                                    link: 0,
                                    heading: None,
                                    table: Some(t),
                                    chrome: false,
                                });
                            }
                            tables.push(rows);
                            i = end.max(i + 1);
                            continue;
                        }
                    }
                    Tag::H(1) if headline.is_none() => {
                        flush(&mut acc, &open, &mut out);
                        let mut h = Acc::default();
                        for j in i + 1..end.min(n) {
                            if let Kind::Text(t) = dom.nodes[j].kind {
                                h.push_text(t, None, false);
                            }
                        }
                        if !h.text.is_empty() {
                            headline = Some(h.text);
                        }
                    }
                    t if t.is_block() => flush(&mut acc, &open, &mut out),
                    _ => {}
                }
                open.push((end as u32, tag, i as u32));
            }
        }
        i += 1;
    }
    while let Some(&(_, _, _)) = open.last() {
        flush(&mut acc, &open, &mut out);
        open.pop();
    }
    (out, tables, headline)
}

/// Line-level chrome by text (see `rules`); `text` is the folded line (the rules are
/// Simplified).
fn is_chrome_line(text: &str, weight: u32) -> bool {
    (weight <= rules::CHROME_LINE_MAX
        && (rules::CHROME_LINE.is_match(text) || rules::PLATFORM_LINE.is_match(text)))
        || (weight <= rules::META_LINE_MAX && rules::META_LABEL.is_match(text))
        || (weight <= rules::SEO_INTRO_MAX && rules::SEO_INTRO.is_match(text))
        || (weight <= rules::SECTION_LINE_MAX && rules::SECTION_HEAD.is_match(text))
        || (weight <= rules::TEASER_MAX && rules::is_teaser(text))
        || (weight <= rules::CHROME_LINE_MAX
            && text.contains(' ')
            && !text.contains(rules::is_sentence_punct)
            && rules::KEYWORD_LINE.is_match(text))
}

/// Rows of cells when the table at `i` is a data table (no nested table, ≥ 2 rows,
/// ≥ 2 cells in some row, no heavy cell); `None` for layout tables. With the rows, each
/// row's tab-joined folded text when folding changes it.
fn data_table(
    dom: &Dom<'_>,
    i: usize,
    chrome: &[bool],
) -> Option<(TableRows, Vec<Option<String>>)> {
    let end = dom.end(i);
    let mut rows: Vec<Vec<Acc>> = Vec::new();
    let mut max_cells = 0usize;
    let mut j = i + 1;
    let mut cell: Option<(usize, Acc)> = None;
    let mut row_end = 0usize;
    let mut link_end = 0usize;
    let (mut total_w, mut link_w) = (0u32, 0u32);
    while j < end {
        if let Some((ce, _)) = &cell {
            if j >= *ce {
                if let Some((_, acc)) = cell.take() {
                    if acc.weight > rules::DATA_CELL_MAX {
                        return None;
                    }
                    if let Some(r) = rows.last_mut() {
                        r.push(acc);
                    }
                }
            }
        }
        let node = dom.nodes[j];
        match node.kind {
            Kind::Elem(Tag::Table, _) => return None,
            Kind::Elem(Tag::Tr, _) => {
                if let Some((_, acc)) = cell.take() {
                    if let Some(r) = rows.last_mut() {
                        r.push(acc);
                    }
                }
                rows.push(Vec::new());
                row_end = node.end as usize;
            }
            Kind::Elem(Tag::Td, _) => {
                if j >= row_end || rows.is_empty() {
                    rows.push(Vec::new());
                    row_end = end;
                }
                cell = Some((node.end as usize, Acc::default()));
            }
            Kind::Elem(tag @ (Tag::Br | Tag::P | Tag::Div | Tag::Li), el) => {
                // A cell holding a numbered record's division (`<div id="post_message_12">`)
                // is a layout cell of a post table, not a statistics cell.
                if tag == Tag::Div
                    && cell.is_some()
                    && el
                        .id()
                        .is_some_and(|id| id.bytes().any(|b| b.is_ascii_digit()))
                {
                    return None;
                }
                if let Some((_, acc)) = cell.as_mut() {
                    acc.space = true;
                }
            }
            Kind::Elem(tag, _) => {
                if chrome.get(j).copied().unwrap_or(false) {
                    j = (node.end as usize).max(j + 1);
                    continue;
                }
                if tag == Tag::A {
                    link_end = link_end.max(node.end as usize);
                }
            }
            Kind::Text(t) => {
                if let Some((_, acc)) = cell.as_mut() {
                    let before = acc.weight;
                    acc.push_node(dom, j, t, false);
                    let w = acc.weight - before;
                    total_w += w;
                    if j < link_end {
                        link_w += w;
                    }
                }
            }
        }
        j += 1;
    }
    if let Some((_, acc)) = cell.take() {
        if acc.weight > rules::DATA_CELL_MAX {
            return None;
        }
        if let Some(r) = rows.last_mut() {
            r.push(acc);
        }
    }
    for r in &rows {
        max_cells = max_cells.max(r.len());
    }
    rows.retain(|r| r.iter().any(|c| !c.text.is_empty()));
    if rows.len() < 2
        || max_cells < 2
        || link_w as f64 > rules::DATA_LINK_MAX * total_w.max(1) as f64
    {
        return None;
    }
    let folded = rows
        .iter()
        .map(|r| {
            r.iter().any(|c| c.folded.is_some()).then(|| {
                let cells: Vec<&str> = r
                    .iter()
                    .map(|c| c.folded.as_deref().unwrap_or(&c.text))
                    .collect();
                cells.join("\t")
            })
        })
        .collect();
    let rows = rows
        .into_iter()
        .map(|r| r.into_iter().map(|c| c.text).collect())
        .collect();
    Some((rows, folded))
}
