//! The page text as the parser gets it: script and style bodies dropped (`rawtext`) and
//! the per-page caps applied, in one linear scan.
//!
//! html5ever is linear in most inputs but not in all: its scope checks walk the stack of
//! open elements (200k nested `<div>` took 183 s), its duplicate-attribute check compares
//! every attribute with the ones before (300k attributes on one element: 153 s), and every
//! element costs a few hundred bytes in its tree and in ours (a 10 MiB table of 655k tiny
//! cells peaked at 724 MB). Real pages stay below each cap (the 330 corpus and benchmark
//! pages: at most 3,295 elements, 256 levels counting every element, 64 attributes on one
//! element), so a page that reaches one is pathological; one linear scan cuts it and says what it cut
//! ([`Truncated`], the report's `truncated`):
//! - past [`MAX_ELEMENTS`] start tags the rest of the page is dropped;
//! - start tags that would open an element deeper than [`MAX_OPEN_DEPTH`] are dropped with
//!   their end tags (their text stays, flattened into the deepest kept element); elements
//!   whose end tag is optional (`p`, `li`, `td`…) and void ones (`br`, `img`…) do not count;
//! - attributes past [`MAX_ATTRS`] on one element are dropped.
//!
//! The scan follows the tokenizer where it matters: comments are skipped, quoted values may
//! hold `>`, the contents of raw-text elements are not markup and their end tags close
//! nothing counted, `/>` closes an element only inside `<svg>`/`<math>` (`<div/>` opens a
//! `div`, as browsers read it).

use memchr::{memchr, memmem};
use serde::{Deserialize, Serialize};

use crate::rawtext::{end_tag, start_tag_end, Kind};

/// Start tags kept; the page is cut before the next one.
pub const MAX_ELEMENTS: usize = 150_000;
/// Deepest nesting of elements that need an end tag.
pub const MAX_OPEN_DEPTH: usize = 1_024;
/// Attributes kept per element.
pub const MAX_ATTRS: usize = 256;
/// Figures listed per article (a report lists a few hundred at most).
pub const MAX_FIGURES: usize = 5_000;
/// Characters kept of a title.
pub const MAX_TITLE_CHARS: usize = 1_000;
/// Attachments listed per page (a report attaches a handful; a download index a few dozen).
pub const MAX_ATTACHMENTS: usize = 1_000;
/// Characters kept of an attachment's name.
pub const MAX_ATTACHMENT_NAME_CHARS: usize = 300;

/// What the caps cut from one page (all zero, and left out of the JSON, for normal pages).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Truncated {
    /// Bytes not read: past `Options::max_bytes`, or after the [`MAX_ELEMENTS`]-th start tag.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bytes: u64,
    /// Start tags dropped because they would nest deeper than [`MAX_OPEN_DEPTH`].
    #[serde(default, skip_serializing_if = "is_zero")]
    pub depth: u64,
    /// Attributes dropped past [`MAX_ATTRS`] per element.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub attributes: u64,
    /// Figures not listed past [`MAX_FIGURES`] per article.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub figures: u64,
    /// Attachments not listed past [`MAX_ATTACHMENTS`] per page.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub attachments: u64,
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Truncated {
    /// Did any cap cut anything?
    pub fn any(&self) -> bool {
        *self != Truncated::default()
    }
}

/// `title` cut to [`MAX_TITLE_CHARS`] characters.
pub fn cap_title(title: String) -> String {
    cap_chars(title, MAX_TITLE_CHARS)
}

/// `s` cut to `max` characters.
pub(crate) fn cap_chars(s: String, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => s[..at].to_owned(),
        None => s,
    }
}

/// Elements whose end tag may be left out, and void elements: they never deepen the
/// stack of open elements the way a `<div>` does (the parser closes them implicitly).
const NOT_NESTING: [&[u8]; 32] = [
    b"p",
    b"li",
    b"dt",
    b"dd",
    b"tr",
    b"td",
    b"th",
    b"tbody",
    b"thead",
    b"tfoot",
    b"option",
    b"optgroup",
    b"colgroup",
    b"rb",
    b"rt",
    b"rp",
    b"rtc",
    b"br",
    b"img",
    b"input",
    b"meta",
    b"link",
    b"hr",
    b"area",
    b"base",
    b"col",
    b"embed",
    b"source",
    b"track",
    b"wbr",
    b"param",
    b"html",
];

fn nests(name: &[u8]) -> bool {
    !NOT_NESTING.iter().any(|n| name.eq_ignore_ascii_case(n))
}

/// The page as the parser gets it (`None` when nothing was removed) and what the caps cut:
/// script and style bodies dropped (`rawtext`) and the caps applied, in one scan.
pub fn prepare(s: &str) -> (Option<String>, Truncated) {
    prepare_with(s, MAX_ELEMENTS, MAX_OPEN_DEPTH, MAX_ATTRS)
}

fn prepare_with(
    s: &str,
    max_elements: usize,
    max_depth: usize,
    max_attrs: usize,
) -> (Option<String>, Truncated) {
    let b = s.as_bytes();
    let mut cut = Truncated::default();
    let mut out: Option<String> = None;
    // `s[..copied]` (minus what was dropped) is already in `out`; drops only move forward.
    let mut copied = 0usize;
    let mut remove = |from: usize, to: usize| {
        let o = out.get_or_insert_with(|| String::with_capacity(s.len()));
        o.push_str(&s[copied..from]);
        copied = to;
    };
    let mut elements = 0usize;
    let mut depth = 0usize;
    // Start tags dropped for depth whose end tags are still to come.
    let mut excess = 0usize;
    // Open `<svg>`/`<math>`: only there does `/>` close an element.
    let mut foreign = 0usize;
    let mut i = 0usize;
    while let Some(off) = memchr(b'<', &b[i..]) {
        let lt = i + off;
        let rest = &b[lt + 1..];
        if let Some(after) = rest.strip_prefix(b"!--") {
            match memmem::find(after, b"-->") {
                Some(e) => {
                    i = lt + 4 + e + 3;
                    continue;
                }
                None => break,
            }
        }
        let closing = rest.first() == Some(&b'/');
        let name_at = lt + 1 + usize::from(closing);
        let name_len = b[name_at..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if name_len == 0 || !b[name_at].is_ascii_alphabetic() {
            i = lt + 1;
            continue;
        }
        let name = &b[name_at..name_at + name_len];
        let Some(gt) = start_tag_end(b, name_at + name_len) else {
            break;
        };
        i = gt + 1;
        if closing {
            if is_foreign_root(name) {
                foreign = foreign.saturating_sub(1);
            }
            if nests(name) {
                if excess > 0 {
                    excess -= 1;
                    remove(lt, gt + 1);
                } else {
                    depth = depth.saturating_sub(1);
                }
            }
            continue;
        }
        let kind = Kind::of(name);
        let self_closing = foreign > 0 && b[gt - 1] == b'/';
        let opens = kind == Kind::Other && nests(name) && !self_closing;
        if opens && depth >= max_depth {
            excess += 1;
            cut.depth += 1;
            remove(lt, gt + 1);
            continue;
        }
        // Only kept start tags count (a dropped one costs the parser nothing).
        elements += 1;
        if elements > max_elements {
            cut.bytes = (b.len() - lt) as u64;
            remove(lt, b.len());
            break;
        }
        if kind == Kind::Plaintext {
            break;
        }
        // A tag long enough to hold more than `max_attrs` attributes: count them.
        let attrs_from = name_at + name_len;
        if gt - attrs_from > 2 * max_attrs {
            if let Some((keep_to, dropped)) = attrs_past(b, attrs_from, gt, max_attrs) {
                cut.attributes += dropped as u64;
                remove(keep_to, gt);
            }
        }
        if opens {
            depth += 1;
            if is_foreign_root(name) {
                foreign += 1;
            }
        } else if kind != Kind::Other {
            // Raw text: its content is not markup, and its end tag closes nothing counted.
            let Some(end) = end_tag(b, gt + 1, name) else {
                break;
            };
            if kind.body_unread(&b[attrs_from..gt]) && end > gt + 1 {
                remove(gt + 1, end);
            }
            i = end + 2;
        }
    }
    let out = out.map(|mut o| {
        o.push_str(&s[copied.min(s.len())..]);
        o
    });
    (out, cut)
}

fn is_foreign_root(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"svg") || name.eq_ignore_ascii_case(b"math")
}

/// Where the `max`-th attribute of the tag whose attributes span `b[from..gt]` ends, and how
/// many follow it; `None` when there are at most `max`.
fn attrs_past(b: &[u8], from: usize, gt: usize, max: usize) -> Option<(usize, usize)> {
    let mut j = from;
    let mut n = 0usize;
    let mut keep_to = None;
    while j < gt {
        while j < gt && (b[j].is_ascii_whitespace() || b[j] == b'/') {
            j += 1;
        }
        if j >= gt {
            break;
        }
        // Name.
        while j < gt && !b[j].is_ascii_whitespace() && b[j] != b'=' && b[j] != b'/' {
            j += 1;
        }
        // Optional `= value`.
        let mut k = j;
        while k < gt && b[k].is_ascii_whitespace() {
            k += 1;
        }
        if k < gt && b[k] == b'=' {
            k += 1;
            while k < gt && b[k].is_ascii_whitespace() {
                k += 1;
            }
            if k < gt && (b[k] == b'"' || b[k] == b'\'') {
                let q = b[k];
                k = memchr(q, &b[k + 1..gt]).map_or(gt, |e| k + 1 + e + 1);
            } else {
                while k < gt && !b[k].is_ascii_whitespace() {
                    k += 1;
                }
            }
            j = k;
        }
        n += 1;
        if n == max {
            keep_to = Some(j);
        }
    }
    keep_to.filter(|_| n > max).map(|k| (k, n - max))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn normal_pages_are_left_alone() {
        let page = "<html><head><title>a<b</title></head><body><div class=\"x\" id=y>\
                    <p>一<p>二<ul><li>三<li>四</ul><br><img src=a.png></div><!-- <div><div> --></body></html>";
        assert_eq!(prepare_with(page, 100, 3, 4), (None, Truncated::default()));
    }

    #[test]
    fn deep_nesting_is_flattened_and_text_kept() {
        let page = format!("{}正文{}", "<div>".repeat(10), "</div>".repeat(10));
        let (out, cut) = prepare_with(&page, 100, 4, 64);
        assert_eq!(
            out.as_deref(),
            Some("<div><div><div><div>正文</div></div></div></div>")
        );
        assert_eq!(cut.depth, 6);
    }

    #[test]
    fn raw_text_end_tags_and_self_closing_divs_do_not_escape_the_depth_cap() {
        // `</title>` closes nothing counted; `<div/>` opens a div (as browsers read it).
        let page = "<div><title>t</title>".repeat(10);
        assert_eq!(prepare_with(&page, 1000, 4, 64).1.depth, 6);
        let page = "<div/>".repeat(10);
        assert_eq!(prepare_with(&page, 1000, 4, 64).1.depth, 6);
        // Inside <svg>, `/>` closes: a drawing of many paths is not deep.
        let page = format!("<svg>{}</svg><div>x</div>", "<path d=\"M0 0\"/>".repeat(50));
        assert_eq!(
            prepare_with(&page, 1000, 4, 64),
            (None, Truncated::default())
        );
    }

    #[test]
    fn optional_end_tags_do_not_count_as_depth() {
        let page = "<p>a".repeat(50) + "<div><div>b</div></div>";
        assert_eq!(prepare_with(&page, 1000, 3, 64).0, None);
    }

    #[test]
    fn pages_past_the_element_cap_are_cut() {
        let page = "<td>1</td>".repeat(10);
        let (out, cut) = prepare_with(&page, 3, 512, 64);
        assert_eq!(out.as_deref(), Some("<td>1</td><td>1</td><td>1</td>"));
        assert_eq!(cut.bytes, 70);
    }

    #[test]
    fn attributes_past_the_cap_are_dropped() {
        let attrs: Vec<String> = (0..20).map(|i| format!("a{i}=\"v>{i}\"")).collect();
        let page = format!("<div {}>文本</div>", attrs.join(" "));
        let (out, cut) = prepare_with(&page, 100, 512, 5);
        assert_eq!(
            out.as_deref(),
            Some("<div a0=\"v>0\" a1=\"v>1\" a2=\"v>2\" a3=\"v>3\" a4=\"v>4\">文本</div>")
        );
        assert_eq!(cut.attributes, 15);
    }
}
