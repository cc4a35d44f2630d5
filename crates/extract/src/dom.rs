//! The parsed page as a flat pre-order arena over scraper's tree.
//!
//! Built by one iterative walk (no recursion: 10,000-deep nesting cannot overflow the
//! stack). Element nesting deeper than `max_depth` is flattened: deeper elements become
//! transparent and their text belongs to the last kept ancestor. In pre-order, a node's
//! subtree is the index range `i..end`, so later passes are plain loops that can skip a
//! whole subtree by jumping to `end`.

use std::borrow::Cow;

use scraper::node::Element;
use scraper::{Html, Node as HtmlNode};

use super::hant;
use super::metadata::{Page, PageReader};
use super::rules::CJK_WEIGHT;

/// The element kinds the extractor distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    Html,
    Body,
    A,
    Br,
    P,
    Div,
    H(u8),
    Li,
    Ul,
    Table,
    Tr,
    Td,
    Caption,
    Pre,
    Blockquote,
    Article,
    Main,
    Section,
    Nav,
    Aside,
    Footer,
    Header,
    Form,
    /// Other block-level elements (a line break before and after).
    Block,
    /// Inline elements (text flows through).
    Inline,
}

impl Tag {
    fn of(name: &str) -> Option<Tag> {
        Some(match name {
            "html" => Tag::Html,
            "body" => Tag::Body,
            "a" => Tag::A,
            "br" => Tag::Br,
            "p" => Tag::P,
            "div" => Tag::Div,
            "h1" => Tag::H(1),
            "h2" => Tag::H(2),
            "h3" => Tag::H(3),
            "h4" => Tag::H(4),
            "h5" => Tag::H(5),
            "h6" => Tag::H(6),
            "li" | "dt" | "dd" => Tag::Li,
            "ul" | "ol" | "dl" | "menu" => Tag::Ul,
            "table" => Tag::Table,
            "tr" => Tag::Tr,
            "td" | "th" => Tag::Td,
            "caption" => Tag::Caption,
            "pre" => Tag::Pre,
            "blockquote" => Tag::Blockquote,
            "article" => Tag::Article,
            "main" => Tag::Main,
            "section" => Tag::Section,
            "nav" => Tag::Nav,
            "aside" => Tag::Aside,
            "footer" => Tag::Footer,
            "header" => Tag::Header,
            "form" => Tag::Form,
            "address" | "center" | "dir" | "fieldset" | "figure" | "figcaption" | "hgroup"
            | "hr" | "legend" | "details" | "summary" | "tbody" | "thead" | "tfoot"
            | "frameset" | "noframes" | "li_" => Tag::Block,
            // Never text: skipped with their whole subtree.
            "script" | "style" | "noscript" | "template" | "head" | "title" | "meta" | "link"
            | "svg" | "math" | "iframe" | "object" | "embed" | "canvas" | "video" | "audio"
            | "select" | "option" | "optgroup" | "textarea" | "input" | "button" | "datalist"
            | "map" | "area" | "param" | "source" | "track" | "dialog" => return None,
            _ => Tag::Inline,
        })
    }

    /// Starts and ends a line.
    pub fn is_block(self) -> bool {
        !matches!(self, Tag::A | Tag::Inline | Tag::Br)
    }
}

/// What one arena slot holds.
#[derive(Debug, Clone, Copy)]
pub enum Kind<'a> {
    Elem(Tag, &'a Element),
    Text(&'a str),
}

/// One node of the arena.
#[derive(Debug, Clone, Copy)]
pub struct Node<'a> {
    pub kind: Kind<'a>,
    /// Index of the parent element (the root points to itself).
    pub parent: u32,
    /// End (exclusive) of this node's subtree in pre-order.
    pub end: u32,
}

/// The flattened page.
pub struct Dom<'a> {
    pub nodes: Vec<Node<'a>>,
    /// Texts of `<script type="application/ld+json">` blocks.
    pub json_ld: Vec<&'a str>,
    /// `<link rel=next|prev href>` from the head.
    pub rel_next: Option<&'a str>,
    pub rel_prev: Option<&'a str>,
    /// The `<title>` text.
    pub title: Option<&'a str>,
    /// `<base href>` and `<link rel=canonical href>` from the head (link resolution when
    /// the caller gave no URL).
    pub base_href: Option<&'a str>,
    pub canonical: Option<&'a str>,
    /// Text weight of every subtree (see [`weight`]).
    pub weight: Vec<u32>,
    /// Per node: its text folded to Simplified (`hant::fold`, once, here) when that changes
    /// it; `None` for elements and for text without Traditional characters. Same byte
    /// offsets as the original, so a slice of a text node has its folded copy at the same
    /// range ([`Dom::folded`]).
    folded: Vec<Option<Box<str>>>,
    /// What metadata reads of the page (`<title>`, `<meta>`, headings, visible text…),
    /// collected by the same walk.
    pub page: Page,
}

impl<'a> Dom<'a> {
    /// Walks the parsed document once. `max_depth` bounds element nesting. The same walk
    /// reads what metadata needs ([`Dom::page`]).
    pub fn build(html: &'a Html, max_depth: usize) -> Dom<'a> {
        let mut reader = PageReader::default();
        let mut folded: Vec<Option<Box<str>>> = Vec::with_capacity(1024);
        let mut nodes: Vec<Node<'a>> = Vec::with_capacity(1024);
        let mut json_ld = Vec::new();
        let mut rel_next = None;
        let mut rel_prev = None;
        let mut title = None;
        let mut base_href = None;
        let mut canonical = None;
        // Frame: (arena index of the element, or None when transparent; next child).
        let root = html.tree.root();
        let mut stack = Vec::with_capacity(64);
        stack.push((None::<u32>, root.first_child()));
        // Arena indices of the kept open elements (the parent chain).
        let mut kept: Vec<u32> = Vec::with_capacity(64);
        while let Some(top) = stack.last_mut() {
            let Some(child) = top.1 else {
                let (idx, _) = stack.pop().unwrap_or((None, None));
                if let Some(i) = idx {
                    let len = nodes.len() as u32;
                    if let Some(n) = nodes.get_mut(i as usize) {
                        n.end = len;
                    }
                    kept.pop();
                }
                continue;
            };
            top.1 = child.next_sibling();
            let parent = kept.last().copied().unwrap_or(0);
            // Every node is read for metadata once, in document order: here, or below (a text
            // with its fold, an element the arena skips with its sub-tree).
            let read_here = match child.value() {
                HtmlNode::Text(_) => false,
                HtmlNode::Element(el) => Tag::of(el.name()).is_some(),
                _ => true,
            };
            if read_here {
                reader.visit(child);
            }
            match child.value() {
                HtmlNode::Text(t) => {
                    let s: &'a str = t;
                    // Folded once, here: for the arena and for metadata's page text.
                    let f = match hant::fold(s) {
                        Cow::Owned(f) => Some(f.into_boxed_str()),
                        Cow::Borrowed(_) => None,
                    };
                    reader.text(child, s, f.as_deref());
                    if nodes.is_empty() {
                        continue;
                    }
                    nodes.push(Node {
                        kind: Kind::Text(s),
                        parent,
                        end: nodes.len() as u32 + 1,
                    });
                    folded.push(f);
                }
                HtmlNode::Element(el) => {
                    let name = el.name();
                    match Tag::of(name) {
                        None => {
                            if name != "head" {
                                for d in child.descendants() {
                                    reader.visit(d);
                                }
                            }
                            match name {
                                "script"
                                    if el.attr("type").is_some_and(|t| {
                                        t.trim().eq_ignore_ascii_case("application/ld+json")
                                    }) =>
                                {
                                    for c in child.children() {
                                        if let HtmlNode::Text(t) = c.value() {
                                            let s: &'a str = t;
                                            json_ld.push(s);
                                        }
                                    }
                                }
                                "head" => {
                                    // Only <link rel=next/prev> matter here; metadata reads
                                    // the head itself.
                                    for d in child.descendants() {
                                        reader.visit(d);
                                        if let HtmlNode::Element(e) = d.value() {
                                            if e.name() == "script"
                                                && e.attr("type").is_some_and(|t| {
                                                    t.trim()
                                                        .eq_ignore_ascii_case("application/ld+json")
                                                })
                                            {
                                                for c in d.children() {
                                                    if let HtmlNode::Text(t) = c.value() {
                                                        let s: &'a str = t;
                                                        json_ld.push(s);
                                                    }
                                                }
                                            }
                                            if e.name() == "title" && title.is_none() {
                                                title =
                                                    d.first_child().and_then(|c| match c.value() {
                                                        HtmlNode::Text(t) => {
                                                            let s: &'a str = t;
                                                            Some(s)
                                                        }
                                                        _ => None,
                                                    });
                                            }
                                            if e.name() == "base" && base_href.is_none() {
                                                base_href = e.attr("href");
                                            }
                                            if e.name() == "link"
                                                && canonical.is_none()
                                                && e.attr("rel").is_some_and(|r| {
                                                    r.eq_ignore_ascii_case("canonical")
                                                })
                                            {
                                                canonical = e.attr("href");
                                            }
                                            if e.name() == "link" {
                                                let rel = e.attr("rel").unwrap_or("");
                                                if rel.eq_ignore_ascii_case("next") {
                                                    rel_next = e.attr("href");
                                                } else if rel.eq_ignore_ascii_case("prev")
                                                    || rel.eq_ignore_ascii_case("previous")
                                                {
                                                    rel_prev = e.attr("href");
                                                }
                                            }
                                        }
                                    }
                                }
                                _ => {}
                            }
                        }
                        Some(tag) => {
                            if kept.len() >= max_depth && !nodes.is_empty() {
                                // Too deep: the element stays as an empty marker (so block
                                // boundaries survive) and its children attach to `parent`.
                                let idx = nodes.len() as u32;
                                nodes.push(Node {
                                    kind: Kind::Elem(tag, el),
                                    parent,
                                    end: idx + 1,
                                });
                                folded.push(None);
                                stack.push((None, child.first_child()));
                                continue;
                            }
                            let idx = nodes.len() as u32;
                            nodes.push(Node {
                                kind: Kind::Elem(tag, el),
                                parent: if nodes.is_empty() { 0 } else { parent },
                                end: idx + 1,
                            });
                            folded.push(None);
                            kept.push(idx);
                            stack.push((Some(idx), child.first_child()));
                        }
                    }
                }
                HtmlNode::Document | HtmlNode::Fragment => {
                    stack.push((None, child.first_child()));
                }
                _ => {}
            }
        }
        let weight = subtree_weights(&nodes);
        Dom {
            page: reader.finish(),
            nodes,
            json_ld,
            rel_next,
            rel_prev,
            title,
            base_href,
            canonical,
            weight,
            folded,
        }
    }

    /// The folded copy of `text`, a sub-slice of text node `i`'s text (`None` when folding
    /// changes nothing).
    pub fn folded(&self, i: usize, text: &str) -> Option<&str> {
        let f = self.folded.get(i)?.as_deref()?;
        let Kind::Text(t) = self.nodes.get(i)?.kind else {
            return None;
        };
        folded_part(t, text, f)
    }

    /// The tag of node `i`, if it is an element.
    pub fn tag(&self, i: usize) -> Option<Tag> {
        match self.nodes.get(i)?.kind {
            Kind::Elem(t, _) => Some(t),
            Kind::Text(_) => None,
        }
    }

    /// The element of node `i`, if it is one.
    pub fn element(&self, i: usize) -> Option<&'a Element> {
        match self.nodes.get(i)?.kind {
            Kind::Elem(_, e) => Some(e),
            Kind::Text(_) => None,
        }
    }

    /// Subtree end of node `i`.
    pub fn end(&self, i: usize) -> usize {
        self.nodes.get(i).map_or(i + 1, |n| n.end as usize)
    }

    /// Text weight of the whole document.
    pub fn total_weight(&self) -> u32 {
        self.weight.first().copied().unwrap_or(0)
    }
}

/// The folded copy of `part`, a sub-slice of `whole` whose folded copy is `folded`: the
/// same byte range (folding keeps offsets). `None` when `part` is not inside `whole`.
pub fn folded_part<'f>(whole: &str, part: &str, folded: &'f str) -> Option<&'f str> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    if start + part.len() > whole.len() {
        return None;
    }
    folded.get(start..start + part.len())
}

/// Text weight of every subtree: one pass over the text nodes, one reverse pass to add
/// children into parents (pre-order makes every parent index smaller than its children).
fn subtree_weights(nodes: &[Node<'_>]) -> Vec<u32> {
    let mut w = vec![0u32; nodes.len()];
    for (i, n) in nodes.iter().enumerate() {
        if let Kind::Text(t) = n.kind {
            w[i] = weight(t);
        }
    }
    roll_up(nodes, &mut w, u32::saturating_add);
    w
}

/// Adds every node's value into its parent's, children first (pre-order puts every parent
/// before its children), so `v[i]` becomes the sum over `i`'s sub-tree.
pub fn roll_up<T: Copy>(nodes: &[Node<'_>], v: &mut [T], add: impl Fn(T, T) -> T) {
    for i in (1..nodes.len().min(v.len())).rev() {
        let p = nodes[i].parent as usize;
        if p != i && p < v.len() {
            v[p] = add(v[p], v[i]);
        }
    }
}

/// Text weight: ASCII letters/digits and other visible characters count 1, CJK
/// characters count [`CJK_WEIGHT`]; whitespace counts 0.
pub fn weight(s: &str) -> u32 {
    let mut w = 0u32;
    for b in s.bytes() {
        // ASCII bytes: visible ones count 1. Lead bytes of 3-byte UTF-8 sequences (CJK
        // lives there) count CJK_WEIGHT; other multi-byte lead bytes count 1.
        if b < 0x80 {
            if b > b' ' {
                w += 1;
            }
        } else if b >= 0xE0 {
            if b < 0xF0 {
                w += CJK_WEIGHT;
            } else {
                w += 1;
            }
        } else if b >= 0xC0 {
            w += 1;
        }
    }
    w
}

/// Is `c` whitespace for text normalization (incl. U+00A0 and U+3000)?
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}' || c == '\u{3000}' || c == '\u{200b}' || c == '\u{feff}'
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn the_arena_walk_reads_the_page_as_metadata_alone_does() {
        let deep = "<div>".repeat(40);
        let html = Html::parse_document(&format!(
            "<html><head><title>某县  工作總結</title><meta name=\"PubDate\" content=\"2024-03-05\">\
             <script type=\"application/ld+json\">{{\"datePublished\":\"2024-03-05T10:00\"}}</script>\
             <style>p{{}}</style></head><body><h1>标题<script>x=1</script></h1><h2>副标题</h2>\
             <div><button>按钮</button><select><option>选项</option></select><svg><text>图示</text></svg>\
             <noscript>无脚本</noscript><template><p>模板</p></template>\
             <time datetime=\"2024-03-05\">三月</time><meta itemprop=\"author\" content=\"某人\">\
             {deep}<p>正文發布</p></div></body></html>"
        ));
        for depth in [4, 1024] {
            let dom = Dom::build(&html, depth);
            assert_eq!(dom.page, Page::read(&html), "max_depth {depth}");
        }
        let page = Dom::build(&html, 64).page;
        for text in ["按钮", "选项", "图示", "模板", "正文發布"] {
            assert!(page.text.contains(text), "{text} in {:?}", page.text);
        }
        assert!(!page.text.contains("x=1") && !page.text.contains("无脚本"));
        assert_eq!(page.headings, ["标题x=1", "副标题"]);
        assert_eq!(page.time_attr.as_deref(), Some("2024-03-05"));
        // The page text's fold is joined from the nodes' folds: the same as folding it whole.
        assert_eq!(page.folded.as_deref(), Some(&*hant::fold(&page.text)));
        assert!(page.text.contains("正文發布") && page.match_text().contains("正文发布"));
    }

    #[test]
    fn text_nodes_are_folded_once_with_the_same_offsets() {
        let html = Html::parse_document(
            "<html><body><p>發布日期：112-03-05</p><p>plain 简体</p><p> 關閉視窗 </p></body></html>",
        );
        let dom = Dom::build(&html, 64);
        let mut seen = Vec::new();
        for (i, n) in dom.nodes.iter().enumerate() {
            let Kind::Text(t) = n.kind else { continue };
            let folded = dom.folded(i, t);
            // Folded exactly when folding changes the text, and equal to `hant::fold`.
            assert_eq!(folded.is_some(), hant::has_traditional(t), "{t}");
            assert_eq!(folded.unwrap_or(t), hant::fold(t), "{t}");
            // A sub-slice (trimmed) finds its folded copy at the same range.
            let trimmed = t.trim();
            assert_eq!(
                dom.folded(i, trimmed).unwrap_or(trimmed),
                hant::fold(trimmed)
            );
            seen.push(folded.unwrap_or(t).trim().to_owned());
        }
        assert_eq!(seen, ["发布日期：112-03-05", "plain 简体", "关闭视窗"]);
        // A slice from elsewhere has no folded copy in the node.
        assert_eq!(folded_part("abc", "xyz", "abc"), None);
    }
}
