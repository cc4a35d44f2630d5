//! Copies the page prints twice: hidden copies of visible text, containers repeating an
//! earlier one, children repeating an earlier sibling.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use super::Block;
use crate::dom::{Dom, Tag};
use crate::rules;

/// Blocks inside hidden elements (`display:none`, `hidden`) whose text the visible page
/// already shows, or that repeat the headline: print copies and mobile duplicates. Hidden
/// text shown nowhere else (lazy-loaded bodies) stays.
pub(super) fn hidden_copies(
    dom: &Dom<'_>,
    blocks: &[Block],
    headline: Option<&str>,
) -> HashSet<usize> {
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
pub(super) fn dedupe_containers(dom: &Dom<'_>, blocks: &[Block], containers: &mut Vec<usize>) {
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
pub(super) fn duplicate_children(
    dom: &Dom<'_>,
    blocks: &[Block],
    container: usize,
) -> HashSet<usize> {
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
