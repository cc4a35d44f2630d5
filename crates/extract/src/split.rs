//! Content lines → articles, and where the page sits in a multi-page report.
//!
//! - 篇1…篇N headings ([`rules::PIAN_HEADING`]) split the lines into several articles,
//!   each titled by its heading (the heading line itself is the title, not main text).
//! - Pagination comes from `<link rel=next/prev>`, 下一页/上一页 links and
//!   `共N页` / `当前第N页` text, with the page number from the URL as a fallback.

use super::content::{Content, Line};
use super::dom::{Dom, Kind, Tag};
use super::model::Pagination;
use super::rules;

/// One article before metadata/outline/figures.
#[derive(Debug, Default)]
pub struct Draft {
    pub title: Option<String>,
    pub main_text: String,
    /// `main_text` folded to Simplified, when that changes it (joined from the lines'
    /// folded texts: nothing is folded again).
    pub folded: Option<String>,
    pub tables: Vec<Vec<Vec<String>>>,
}

impl Draft {
    /// The main text the rules match: folded, same byte offsets as `main_text`.
    pub fn folded(&self) -> &str {
        self.folded.as_deref().unwrap_or(&self.main_text)
    }
}

/// Splits the content into articles at 篇N headings (needs at least two of them).
pub fn articles(content: Content) -> Vec<Draft> {
    let Content { lines, tables, .. } = content;
    let heads: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| is_pian_heading(l))
        .map(|(k, _)| k)
        .collect();
    if heads.len() < 2 {
        return vec![draft(None, &lines, &tables)];
    }
    let mut out = Vec::with_capacity(heads.len());
    for (h, &start) in heads.iter().enumerate() {
        let stop = heads.get(h + 1).copied().unwrap_or(lines.len());
        // Lines before the first heading belong to the first article.
        let from = if h == 0 { 0 } else { start };
        let body: Vec<Line> = lines[from..stop]
            .iter()
            .enumerate()
            .filter(|(k, _)| from + k != start)
            .map(|(_, l)| l.clone())
            .collect();
        let title = lines.get(start).map(|l| l.text.clone());
        out.push(draft(title, &body, &tables));
    }
    out
}

fn is_pian_heading(l: &Line) -> bool {
    if l.table.is_some() || (l.heading.is_none() && l.weight > rules::PIAN_HEADING_MAX) {
        return false;
    }
    // Rules are Simplified: match the folded copy (`範文三`, `第二篇`).
    let text = l.folded();
    rules::PIAN_WORDS.iter().any(|w| text.contains(w)) && rules::PIAN_HEADING.is_match(text)
}

fn draft(title: Option<String>, lines: &[Line], tables: &[Vec<Vec<String>>]) -> Draft {
    let mut main_text = String::with_capacity(lines.iter().map(|l| l.text.len() + 1).sum());
    let mut folded = lines
        .iter()
        .any(|l| l.folded.is_some())
        .then(|| String::with_capacity(main_text.capacity()));
    let mut used: Vec<usize> = Vec::new();
    for l in lines {
        if !main_text.is_empty() {
            main_text.push('\n');
            if let Some(f) = folded.as_mut() {
                f.push('\n');
            }
        }
        main_text.push_str(&l.text);
        if let Some(f) = folded.as_mut() {
            f.push_str(l.folded());
        }
        if let Some(t) = l.table {
            if !used.contains(&t) {
                used.push(t);
            }
        }
    }
    Draft {
        title,
        main_text,
        folded,
        tables: used
            .into_iter()
            .filter_map(|t| tables.get(t).cloned())
            .collect(),
    }
}

/// Pagination of this page, when it is one page of several.
pub fn pagination(dom: &Dom<'_>, url: Option<&str>) -> Option<Pagination> {
    let mut total: Option<u32> = None;
    let mut current: Option<u32> = None;
    let mut next = dom.rel_next.map(str::to_owned);
    let mut prev = dom.rel_prev.map(str::to_owned);
    let mut link_end = 0usize;
    let mut link_idx = 0usize;
    let mut href: Option<&str> = None;
    // The element holding the 下一页/上一页 links (the pager), for numbered page lists.
    let mut pager: Option<usize> = None;
    for (i, node) in dom.nodes.iter().enumerate() {
        match node.kind {
            Kind::Elem(Tag::A, el) => {
                link_end = node.end as usize;
                link_idx = i;
                href = el.attr("href");
            }
            Kind::Text(t) => {
                let t = t.trim();
                if t.is_empty() || t.len() > 120 {
                    continue;
                }
                // Rules are Simplified: `下一頁`, `共3頁` match folded.
                let t = dom.folded(i, t).unwrap_or(t);
                if i < link_end {
                    let usable = href.filter(|h| {
                        let h = h.trim();
                        !h.is_empty()
                            && !h.starts_with('#')
                            && !h.to_ascii_lowercase().starts_with("javascript")
                    });
                    let is_next = rules::NEXT_TEXT.is_match(t) && t.contains('页');
                    let is_prev = rules::PREV_TEXT.is_match(t) && t.contains('页');
                    if is_next || is_prev {
                        pager =
                            pager.or_else(|| dom.nodes.get(link_idx).map(|n| n.parent as usize));
                    }
                    if let Some(h) = usable {
                        if next.is_none() && is_next {
                            next = Some(h.to_owned());
                        } else if prev.is_none() && is_prev {
                            prev = Some(h.to_owned());
                        }
                    }
                    continue;
                }
                if !t.contains('页') {
                    continue;
                }
                if total.is_none() {
                    if let Some(c) = rules::PAGE_TOTAL.captures(t) {
                        total = c
                            .get(1)
                            .or_else(|| c.get(2))
                            .and_then(|m| m.as_str().parse().ok());
                    }
                }
                if current.is_none() {
                    if let Some(c) = rules::PAGE_CURRENT.captures(t) {
                        current = c
                            .get(1)
                            .or_else(|| c.get(2))
                            .and_then(|m| m.as_str().parse().ok());
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(p) = pager {
        let (max, here) = numbered_pages(dom, p);
        total = total.or(max);
        current = current.or(here);
    }
    let total = total.filter(|&t| t >= 2);
    if total.is_none() && next.is_none() && prev.is_none() {
        return None;
    }
    let page = current
        .or_else(|| url.or(dom.canonical).and_then(page_from_url))
        .unwrap_or(if prev.is_none() { 1 } else { 2 });
    let base = link_base(dom, url);
    let base = base.as_deref();
    Some(Pagination {
        page,
        total,
        next: next.map(|h| resolve(base, &h)),
        prev: prev.map(|h| resolve(base, &h)),
    })
}

/// In a pager element (`上一页 1 [2] 3 下一页`): the highest page number, and the one
/// number that is not a link (the current page).
fn numbered_pages(dom: &Dom<'_>, pager: usize) -> (Option<u32>, Option<u32>) {
    let end = dom.end(pager);
    let mut max: Option<u32> = None;
    let mut unlinked: Vec<u32> = Vec::new();
    let mut link_end = 0usize;
    for i in pager + 1..end.min(dom.nodes.len()) {
        match dom.nodes[i].kind {
            Kind::Elem(Tag::A, _) => link_end = dom.nodes[i].end as usize,
            Kind::Text(t) => {
                let t = t
                    .trim()
                    .trim_matches(|c| matches!(c, '[' | ']' | '【' | '】'));
                if t.is_empty() || t.len() > 3 || !t.bytes().all(|b| b.is_ascii_digit()) {
                    continue;
                }
                let Ok(n) = t.parse::<u32>() else { continue };
                if n == 0 {
                    continue;
                }
                max = Some(max.map_or(n, |m| m.max(n)));
                if i >= link_end {
                    unlinked.push(n);
                }
            }
            _ => {}
        }
    }
    let here = if unlinked.len() == 1 {
        unlinked.first().copied()
    } else {
        None
    };
    (max, here)
}

fn page_from_url(url: &str) -> Option<u32> {
    rules::URL_PAGE
        .captures(url)
        .and_then(|c| c.get(1))
        .and_then(|m| m.as_str().parse().ok())
        .filter(|&p: &u32| p < 1000)
}

/// What the page's links resolve against: `<base href>` (itself relative to the page
/// URL), else the page URL, else the page's canonical URL.
pub(crate) fn link_base(dom: &Dom<'_>, url: Option<&str>) -> Option<String> {
    let page_url = url.map(str::to_owned).or_else(|| {
        dom.canonical
            .filter(|c| c.starts_with("http://") || c.starts_with("https://"))
            .map(str::to_owned)
    });
    match dom.base_href {
        Some(b) => Some(resolve(page_url.as_deref(), b)),
        None => page_url,
    }
}

/// Resolves `href` against the page URL when there is one.
fn resolve(base: Option<&str>, href: &str) -> String {
    let href = href.trim();
    base.and_then(|b| url::Url::parse(b).ok())
        .and_then(|b| b.join(href).ok())
        .map_or_else(|| href.to_owned(), |u| u.to_string())
}
