//! The bodies of `<script>` and `<style>` elements, dropped before the parse by the one
//! pre-parse scan (`limits::prepare`); this module knows the raw-text elements.
//!
//! On the news benchmark more than half of all bytes are script and style text, which
//! the extractor never reads (their elements are skipped with their subtree) but which
//! html5ever would still tokenize and copy into text nodes. Removing the bodies in the
//! `memchr` scan the caps make anyway costs a fraction of what the parser spends on them.
//! JSON-LD scripts (any `type` containing `json`) are kept: metadata and content read them.
//!
//! The scan follows the tokenizer where it matters: comments are skipped, quoted
//! attribute values may contain `>`, the contents of RCDATA/RAWTEXT elements (`title`,
//! `textarea`, `xmp`, `noscript`, `iframe`, `noembed`, `noframes`) are left alone, an
//! end tag matches by name case-insensitively, and an unterminated element (or
//! `<plaintext>`) leaves the rest of the page untouched.

use memchr::{memchr, memchr3, memmem};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Script,
    Style,
    /// Raw text or RCDATA whose content is not markup: skipped unchanged.
    Opaque,
    Plaintext,
    Other,
}

impl Kind {
    /// Whether the body of this raw-text element is never read, given its start tag's
    /// attributes: scripts (except JSON ones: JSON-LD is read) and styles.
    pub(crate) fn body_unread(self, attrs: &[u8]) -> bool {
        match self {
            Kind::Script => !contains_ignore_case(attrs, b"json"),
            Kind::Style => true,
            _ => false,
        }
    }

    pub(crate) fn of(name: &[u8]) -> Kind {
        const OPAQUE: [&[u8]; 7] = [
            b"title",
            b"textarea",
            b"xmp",
            b"noscript",
            b"iframe",
            b"noembed",
            b"noframes",
        ];
        if name.eq_ignore_ascii_case(b"script") {
            Kind::Script
        } else if name.eq_ignore_ascii_case(b"style") {
            Kind::Style
        } else if name.eq_ignore_ascii_case(b"plaintext") {
            Kind::Plaintext
        } else if OPAQUE.iter().any(|o| name.eq_ignore_ascii_case(o)) {
            Kind::Opaque
        } else {
            Kind::Other
        }
    }
}

/// Index of the `>` closing a start tag whose attributes begin at `from`.
pub(crate) fn start_tag_end(b: &[u8], from: usize) -> Option<usize> {
    let mut j = from;
    loop {
        let p = j + memchr3(b'>', b'"', b'\'', &b[j..])?;
        match b[p] {
            b'>' => return Some(p),
            quote => j = p + 1 + memchr(quote, &b[p + 1..])? + 1,
        }
    }
}

/// Index of the `<` of the first `</name` (followed by a space, `/` or `>`) from `from`.
pub(crate) fn end_tag(b: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let finder = memmem::Finder::new(b"</");
    let mut k = from;
    loop {
        let p = k + finder.find(&b[k..])?;
        let n = p + 2;
        if b.len() >= n + name.len()
            && b[n..n + name.len()].eq_ignore_ascii_case(name)
            && b.get(n + name.len())
                .is_none_or(|c| matches!(c, b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c'))
        {
            return Some(p);
        }
        k = n;
    }
}

fn contains_ignore_case(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    /// What the one pre-parse scan makes of a page that reaches no cap.
    fn strip(s: &str) -> Option<String> {
        crate::limits::prepare(s).0
    }

    #[test]
    fn drops_script_and_style_bodies_only() {
        let page = "<html><head><style>p{color:red}</style><SCRIPT type=text/javascript>var a = '<p>x</p>'; if (a<b) {}</SCRIPT ></head><body><p>正文</p><script>f()</script></body></html>";
        assert_eq!(
            strip(page).as_deref(),
            Some("<html><head><style></style><SCRIPT type=text/javascript></SCRIPT ></head><body><p>正文</p><script></script></body></html>")
        );
    }

    #[test]
    fn keeps_json_ld_titles_comments_and_attributes() {
        let page = r#"<head><title>a <script>b</script> c</title><script type="application/ld+json">{"articleBody":"x"}</script></head><!-- <script>kept</script> --><a title="<style>">t</a><p>y</p>"#;
        assert_eq!(strip(page), None);
    }

    #[test]
    fn an_unterminated_script_leaves_the_rest_alone() {
        assert_eq!(strip("<p>a</p><script>var x = 1; <p>b</p>"), None);
        assert_eq!(strip("<p>a</p><script"), None);
        assert_eq!(strip("<plaintext><script>x</script>"), None);
    }

    #[test]
    fn end_tags_need_the_whole_name() {
        assert_eq!(
            strip("<script>a</scripts>b</script><p>c</p>").as_deref(),
            Some("<script></script><p>c</p>")
        );
    }

    #[test]
    fn the_extracted_text_is_the_same_with_and_without_bodies() {
        let page = "<html><head><title>T</title><style>.x{}</style></head><body><div><script>document.write('<div>junk</div>')</script><p>第一段内容。</p><p>第二段内容。</p></div></body></html>";
        let text = |html: &str| {
            scraper::Html::parse_document(html)
                .root_element()
                .text()
                .filter(|t| !t.contains("junk") && !t.contains(".x"))
                .collect::<String>()
        };
        let stripped = strip(page).unwrap_or_default();
        assert!(!stripped.contains("junk"));
        assert_eq!(text(page), text(&stripped));
    }
}
