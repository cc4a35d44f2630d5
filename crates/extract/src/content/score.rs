//! Steps 2 and 3: the value of a block, container scores (values summed into ancestors
//! with readability's decay), and the chosen content containers.

use super::Block;
use crate::dom::{self, Dom, Kind};
use crate::rules;

/// Navigation, not prose: mostly linked text and too little unlinked text to be a
/// paragraph that merely cites many links.
pub(crate) fn link_heavy(b: &Block) -> bool {
    b.table.is_none()
        && b.weight > 0
        && b.link as f64 > rules::LINK_DENSITY_MAX * b.weight as f64
        && b.weight.saturating_sub(b.link) < rules::PROSE_UNLINKED_MIN
}

/// The scoring value of one block (see the module doc).
pub(super) fn value(b: &Block) -> f64 {
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
pub(super) fn scores(dom: &Dom<'_>, blocks: &[Block]) -> (Vec<f64>, Vec<f64>) {
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
