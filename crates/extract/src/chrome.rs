//! Element-level chrome: whole sub-trees that are site furniture, decided before any
//! text is read. Three generic signals, no site names:
//! 1. furniture tags (`nav`, `aside`, `footer`; small `header` and `form`),
//! 2. class/id tokens of furniture ([`rules::UNLIKELY_CLASS`]) unless rescued,
//! 3. sections opened by a recommendation/notice heading ([`rules::SECTION_HEAD`]):
//!    相关文章, 猜你喜欢, 温馨提示 … remove the small section they head.
//!
//! Line-level chrome (meta lines, buttons, breadcrumbs, footers) is judged on text in
//! `content.rs`. A sub-tree holding a large share of the page's text is never removed
//! here: the article itself must survive a stray token.

use super::dom::{Dom, Kind, Tag};
use super::rules;

/// Per arena node: `true` when the node's whole sub-tree is chrome.
pub fn mark(dom: &Dom<'_>) -> Vec<bool> {
    let n = dom.nodes.len();
    let mut chrome = vec![false; n];
    let total = dom.total_weight().max(1) as f64;
    let share = |i: usize| dom.weight.get(i).copied().unwrap_or(0) as f64 / total;
    let mut i = 0;
    while i < n {
        let Some(node) = dom.nodes.get(i) else { break };
        match node.kind {
            Kind::Elem(tag, el) => {
                let furniture = match tag {
                    Tag::Nav | Tag::Aside | Tag::Footer | Tag::Header | Tag::Form => {
                        share(i) < rules::UNLIKELY_MAX_SHARE
                    }
                    _ => false,
                };
                let unlikely = !furniture
                    && !matches!(
                        tag,
                        Tag::Html | Tag::Body | Tag::Article | Tag::Main | Tag::A
                    )
                    && unlikely_attrs(el)
                    && share(i) < rules::UNLIKELY_MAX_SHARE;
                // Hidden widgets (menus, dialogs); hidden *content* (lazy-loaded bodies)
                // is large and kept.
                let hidden = (el.attr("hidden").is_some()
                    || el.attr("aria-hidden").is_some_and(|v| v == "true")
                    || el
                        .attr("style")
                        .is_some_and(|v| rules::HIDDEN_STYLE.is_match(v))
                    || el
                        .attr("itemprop")
                        .is_some_and(|v| rules::META_ITEMPROP.is_match(v))
                    || el.name() == "figcaption")
                    && share(i) < rules::HIDDEN_MAX_SHARE;
                if furniture || unlikely || hidden {
                    chrome[i] = true;
                    // The whole sub-tree is gone: no need to look inside.
                    i = dom.end(i).max(i + 1);
                    continue;
                }
            }
            Kind::Text(t) => {
                if let Some(section) = section_of_heading(dom, i, dom.folded(i, t).unwrap_or(t)) {
                    if share(section) < rules::SECTION_MAX_SHARE
                        && !matches!(dom.tag(section), Some(Tag::Html | Tag::Body))
                    {
                        chrome[section] = true;
                        i = dom.end(section).max(i + 1);
                        continue;
                    }
                }
            }
        }
        i += 1;
    }
    chrome
}

/// class/id look like furniture and nothing rescues them.
fn unlikely_attrs(el: &scraper::node::Element) -> bool {
    let class = el.attr("class").unwrap_or("");
    let id = el.id().unwrap_or("");
    if class.is_empty() && id.is_empty() {
        return false;
    }
    let hit = (!class.is_empty() && rules::UNLIKELY_CLASS.is_match(class))
        || (!id.is_empty() && rules::UNLIKELY_CLASS.is_match(id));
    if !hit {
        return false;
    }
    let rescued = |v: &str| !v.is_empty() && rules::OK_MAYBE.is_match(v);
    !rescued(class) && !rescued(id)
}

/// If text node `i` (`text`: its folded text) is a recommendation/notice heading, the
/// element of the section it opens: the heading's own block when the heading shares it with the list, else the
/// heading block's parent.
fn section_of_heading(dom: &Dom<'_>, i: usize, text: &str) -> Option<usize> {
    let t = text.trim();
    if t.is_empty() || t.len() > rules::SECTION_HEAD_MAX_CHARS * 3 {
        return None;
    }
    if t.chars().count() > rules::SECTION_HEAD_MAX_CHARS || !rules::SECTION_HEAD.is_match(t) {
        return None;
    }
    // Nearest block-level ancestor.
    let mut b = dom.nodes.get(i)?.parent as usize;
    let mut guard = 0;
    while !dom.tag(b).is_some_and(|t| t.is_block()) {
        let p = dom.nodes.get(b)?.parent as usize;
        if p == b || guard > 64 {
            return None;
        }
        b = p;
        guard += 1;
    }
    let own = dom.weight.get(b).copied().unwrap_or(0);
    let head = super::dom::weight(t);
    if own <= head + 6 {
        // The block is just the heading: the section is its parent.
        let p = dom.nodes.get(b)?.parent as usize;
        if p == b {
            return None;
        }
        Some(p)
    } else {
        Some(b)
    }
}
