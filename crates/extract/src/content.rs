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

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use super::dom::{self, Dom, Kind, Tag};
use super::{attach, rules, thread};

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

/// Navigation, not prose: mostly linked text and too little unlinked text to be a
/// paragraph that merely cites many links.
/// A heading that repeats the page's `<title>` (which usually adds `_栏目_站名`).
fn is_page_title(line: &str, title: Option<&str>) -> bool {
    let Some(title) = title.map(str::trim) else {
        return false;
    };
    let line = line.trim();
    line.chars().count() >= 4 && (title == line || title.starts_with(line))
}

pub(crate) fn link_heavy(b: &Block) -> bool {
    b.table.is_none()
        && b.weight > 0
        && b.link as f64 > rules::LINK_DENSITY_MAX * b.weight as f64
        && b.weight.saturating_sub(b.link) < rules::PROSE_UNLINKED_MIN
}

/// The scoring value of one block (see the module doc).
fn value(b: &Block) -> f64 {
    let w = b.weight as f64;
    if b.chrome {
        return -(w * rules::CHROME_PENALTY) - rules::SHORT_PENALTY;
    }
    if link_heavy(b) {
        return -w;
    }
    if b.weight < rules::SHORT_BLOCK && !b.text.contains(rules::is_sentence_punct) {
        return -rules::SHORT_PENALTY;
    }
    w - b.link as f64
}

/// Container scores: every block's value goes to its owner and parent in full, to the
/// grandparent by half and further ancestors by `1/(3·level)` (readability's decay), so
/// a container scores by the prose it holds *directly*, not by everything far below.
fn scores(dom: &Dom<'_>, blocks: &[Block]) -> (Vec<f64>, Vec<f64>) {
    let n = dom.nodes.len();
    let mut score = vec![0f64; n];
    let mut link = vec![0f64; n];
    for b in blocks {
        let v = value(b);
        let mut at = b.owner as usize;
        for level in 0..rules::SCORE_LEVELS {
            let Some(s) = score.get_mut(at) else { break };
            let div = match level {
                0 | 1 => 1.0,
                2 => 2.0,
                l => 3.0 * l as f64,
            };
            *s += v / div;
            let p = dom.nodes[at].parent as usize;
            if p == at {
                break;
            }
            at = p;
        }
        if let Some(l) = link.get_mut(b.owner as usize) {
            *l += b.link as f64;
        }
    }
    // Sub-tree link weight, for the link density of a candidate.
    dom::roll_up(&dom.nodes, &mut link, |a, b| a + b);
    (score, link)
}

/// The content: the best-scoring element (score × (1 − link density)) plus those of its
/// siblings that score at least [`rules::SIBLING_SHARE`] of it. Returns element indices
/// in document order; their sub-trees are the content. Also the best element itself when
/// it scored above zero (the anchor of thread detection).
pub(crate) fn best_container(dom: &Dom<'_>, blocks: &[Block]) -> (Vec<usize>, Option<usize>) {
    let n = dom.nodes.len();
    if n == 0 {
        return (vec![0], None);
    }
    let (score, link) = scores(dom, blocks);
    let adjusted = |i: usize| -> f64 {
        let w = dom.weight.get(i).copied().unwrap_or(0) as f64;
        let ld = if w > 0.0 { (link[i] / w).min(1.0) } else { 0.0 };
        score[i] * (1.0 - ld)
    };
    let mut best = 0usize;
    let mut best_score = f64::MIN;
    for i in 0..n {
        if matches!(dom.nodes[i].kind, Kind::Elem(..)) {
            let s = adjusted(i);
            if s > best_score {
                best = i;
                best_score = s;
            }
        }
    }
    if best_score <= 0.0 {
        return (vec![best], None);
    }
    // The page marks its own article body: a best element outside it (a longer related
    // story, a recommendation list) or around it (the body plus the furniture beside it)
    // yields to it; one inside it is part of it and is kept as chosen.
    if let Some(a) = marked_article(dom, blocks) {
        let best_inside = best >= a && best < dom.end(a).max(a + 1);
        if !best_inside {
            return (vec![a], Some(a));
        }
    }
    if let Some(repeated) = repeated_siblings(dom, blocks, best) {
        return (repeated, Some(best));
    }
    let parent = dom.nodes[best].parent as usize;
    if parent == best {
        return (vec![best], Some(best));
    }
    let threshold = (best_score * rules::SIBLING_SHARE).max(rules::SIBLING_MIN);
    let mut out = Vec::new();
    let mut c = parent + 1;
    let pend = dom.end(parent);
    while c < pend {
        let ce = dom.end(c).max(c + 1);
        if c == best || (matches!(dom.nodes[c].kind, Kind::Elem(..)) && adjusted(c) >= threshold) {
            out.push(c);
        }
        c = ce;
    }
    if out.is_empty() {
        out.push(best);
    }
    (out, Some(best))
}

/// The one element the page marks as its article body (`itemprop="articleBody"`), when
/// it holds at least [`rules::MARKED_ARTICLE_MIN`] of prose value. Two or more such
/// elements (a list of teasers marked up as articles) mark nothing.
fn marked_article(dom: &Dom<'_>, blocks: &[Block]) -> Option<usize> {
    let mut found = None;
    for i in 0..dom.nodes.len() {
        let Some(e) = dom.element(i) else { continue };
        if e.attr("itemprop").is_some_and(|v| {
            v.split_ascii_whitespace()
                .any(|t| t.eq_ignore_ascii_case("articleBody"))
        }) {
            if found.is_some() {
                return None;
            }
            found = Some(i);
        }
    }
    let a = found?;
    let end = dom.end(a).max(a + 1);
    let prose: f64 = blocks
        .iter()
        .filter(|b| (a..end).contains(&(b.owner as usize)))
        .map(value)
        .sum();
    (prose >= rules::MARKED_ARTICLE_MIN).then_some(a)
}

/// Bodies split into repeated containers (one `<div class="card …">` per paragraph, a
/// column per few paragraphs): walking up from the best element at most
/// [`rules::REPEAT_LEVELS`] levels, the first ancestor-or-self with at least two siblings
/// of the same tag and class that hold prose; all of them (in order) are the content.
fn repeated_siblings(dom: &Dom<'_>, blocks: &[Block], best: usize) -> Option<Vec<usize>> {
    let n = dom.nodes.len();
    // Plain (undecayed) value sums per sub-tree.
    let mut sum = vec![0f64; n];
    for b in blocks {
        if let Some(s) = sum.get_mut(b.owner as usize) {
            *s += value(b);
        }
    }
    dom::roll_up(&dom.nodes, &mut sum, |a, b| a + b);
    let signature = |i: usize| -> Option<(&str, &str)> {
        let e = dom.element(i)?;
        let class = e.attr("class").unwrap_or("").trim();
        (!class.is_empty()).then_some((e.name(), class))
    };
    // The best element or one of its two nearest ancestors carries the repeated class;
    // its same-class cousins live under an ancestor at most REPEAT_LEVELS up.
    let mut x = best;
    for _ in 0..3 {
        if let Some(sig) = signature(x) {
            let mut anc = x;
            for _ in 0..rules::REPEAT_LEVELS {
                let p = dom.nodes.get(anc)?.parent as usize;
                if p == anc {
                    break;
                }
                anc = p;
                let mut same = Vec::new();
                let mut c = anc + 1;
                let aend = dom.end(anc);
                while c < aend {
                    if signature(c) == Some(sig) {
                        if sum[c] > 0.0 {
                            same.push(c);
                        }
                        // Not nested inside another match.
                        c = dom.end(c).max(c + 1);
                    } else {
                        c += 1;
                    }
                }
                if same.len() >= 2 {
                    return Some(same);
                }
            }
        }
        let p = dom.nodes.get(x)?.parent as usize;
        if p == x {
            break;
        }
        x = p;
    }
    None
}

/// Blocks inside hidden elements (`display:none`, `hidden`) whose text the visible page
/// already shows, or that repeat the headline: print copies and mobile duplicates. Hidden
/// text shown nowhere else (lazy-loaded bodies) stays.
fn hidden_copies(dom: &Dom<'_>, blocks: &[Block], headline: Option<&str>) -> HashSet<usize> {
    let n = dom.nodes.len();
    let mut hidden = vec![false; n];
    let mut any = false;
    for i in 0..n {
        let p = dom.nodes[i].parent as usize;
        let inherited = p != i && hidden.get(p).copied().unwrap_or(false);
        let own = dom.element(i).is_some_and(|e| {
            e.attr("hidden").is_some()
                || e.attr("style")
                    .is_some_and(|v| rules::HIDDEN_STYLE.is_match(v))
        });
        hidden[i] = inherited || own;
        any |= own;
    }
    let mut out = HashSet::new();
    if !any {
        return out;
    }
    let is_hidden = |b: &Block| hidden.get(b.owner as usize).copied().unwrap_or(false);
    let visible: HashSet<&str> = blocks
        .iter()
        .filter(|b| !is_hidden(b))
        .map(|b| b.text.as_str())
        .chain(headline)
        .collect();
    for (k, b) in blocks.iter().enumerate() {
        if is_hidden(b) && visible.contains(b.text.as_str()) {
            out.insert(k);
        }
    }
    out
}

/// Drops content containers whose text repeats an earlier one (a body printed twice,
/// e.g. desktop and hidden mobile copies with the same class).
fn dedupe_containers(dom: &Dom<'_>, blocks: &[Block], containers: &mut Vec<usize>) {
    if containers.len() < 2 {
        return;
    }
    let mut seen: HashSet<u64> = HashSet::new();
    containers.retain(|&c| {
        let end = dom.end(c);
        let mut h = std::collections::hash_map::DefaultHasher::new();
        let mut any = false;
        for b in blocks {
            let o = b.owner as usize;
            if o >= c && o < end {
                b.text.hash(&mut h);
                any = true;
            }
        }
        !any || seen.insert(h.finish())
    });
}

/// Blocks of child sub-trees of `container` whose text repeats an earlier child (sites
/// printing the body twice). Children lighter than [`rules::DUPLICATE_MIN`] are ignored.
fn duplicate_children(dom: &Dom<'_>, blocks: &[Block], container: usize) -> HashSet<usize> {
    let mut dropped = HashSet::new();
    let end = dom.end(container);
    let mut seen: HashSet<u64> = HashSet::new();
    let mut c = container + 1;
    let mut first_block = 0usize;
    while c < end {
        let ce = dom.end(c).max(c + 1);
        // Only containers: repeated paragraphs are content (a report may repeat itself).
        let container_tag = matches!(
            dom.tag(c),
            Some(Tag::Div | Tag::Section | Tag::Article | Tag::Main | Tag::Block | Tag::Table)
        );
        if container_tag && dom.weight.get(c).copied().unwrap_or(0) >= rules::DUPLICATE_MIN {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            let mut members = Vec::new();
            for (k, b) in blocks.iter().enumerate().skip(first_block) {
                let o = b.owner as usize;
                if o >= ce {
                    break;
                }
                if o >= c {
                    b.text.hash(&mut h);
                    members.push(k);
                }
            }
            if !members.is_empty() && !seen.insert(h.finish()) {
                dropped.extend(members);
            }
        }
        while first_block < blocks.len() && (blocks[first_block].owner as usize) < ce {
            first_block += 1;
        }
        c = ce;
    }
    dropped
}

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

/// JSON-LD `articleBody` replaces a DOM extraction that found much less text.
fn json_ld_fallback(dom: &Dom<'_>, content: &mut Content) {
    let body = dom
        .json_ld
        .iter()
        .filter(|s| s.contains("articleBody"))
        .filter_map(|s| serde_json::from_str::<serde_json::Value>(s.trim()).ok())
        .find_map(|v| find_article_body(&v, 0));
    let Some(body) = body else { return };
    let w = dom::weight(&body);
    if w < rules::JSONLD_MIN {
        return;
    }
    let dom_w: u32 = content.lines.iter().map(|l| l.weight).sum();
    if (dom_w as f64) >= rules::JSONLD_PREFER_RATIO * w as f64 {
        return;
    }
    content.lines = body
        .lines()
        .map(|l| {
            l.split(dom::is_space)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|l| !l.is_empty())
        .map(|text| Line {
            weight: dom::weight(&text),
            // Text from the JSON, not the arena: folded here, once.
            folded: match super::hant::fold(&text) {
                std::borrow::Cow::Owned(f) => Some(f),
                std::borrow::Cow::Borrowed(_) => None,
            },
            text,
            heading: None,
            table: None,
        })
        .collect();
    content.tables.clear();
}

fn find_article_body(v: &serde_json::Value, depth: usize) -> Option<String> {
    if depth > 8 {
        return None;
    }
    match v {
        serde_json::Value::Object(m) => {
            if let Some(serde_json::Value::String(s)) = m.get("articleBody") {
                return Some(s.clone());
            }
            m.values().find_map(|x| find_article_body(x, depth + 1))
        }
        serde_json::Value::Array(a) => a.iter().find_map(|x| find_article_body(x, depth + 1)),
        _ => None,
    }
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
