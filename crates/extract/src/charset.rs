//! Bytes → text, as a browser would decode them: BOM, then the HTTP `Content-Type`
//! charset, then `<meta charset>` / `http-equiv` anywhere in `<head>`, WHATWG labels
//! (`gb2312` means GBK), and with no declaration a guess (`chardetng`). Also the
//! "is this HTML at all" sniff that runs before any decoding.

use encoding_rs::{Encoding, UTF_8};

use super::error::ExtractError;
use super::model::CharsetInfo;
use super::rules;

/// The decoded page and how it was decoded.
pub struct Decoded {
    pub text: String,
    pub info: CharsetInfo,
}

/// Rejects bytes that are clearly not HTML: known binary magic numbers, or too many
/// control bytes in the first [`rules::SNIFF_WINDOW`] bytes.
pub fn sniff_not_html(bytes: &[u8]) -> Result<(), ExtractError> {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let head = &bytes[start..];
    for (magic, what) in rules::BINARY_MAGIC {
        if head.starts_with(magic) {
            return Err(ExtractError::NotHtml((*what).to_owned()));
        }
    }
    // UTF-16 pages are full of NUL bytes: only a BOM-less page is checked for controls.
    if Encoding::for_bom(bytes).is_some_and(|(enc, _)| enc != UTF_8) {
        return Ok(());
    }
    let window = &bytes[..bytes.len().min(rules::SNIFF_WINDOW)];
    if window.is_empty() {
        return Ok(());
    }
    let controls = window
        .iter()
        .filter(|&&b| b < 0x09 || (0x0E..0x1B).contains(&b) || (0x1C..0x20).contains(&b))
        .count();
    if controls as f64 / window.len() as f64 > rules::MAX_CONTROL_RATIO {
        return Err(ExtractError::NotHtml("binary".to_owned()));
    }
    Ok(())
}

/// UTF-16 in either byte order (decoded from the header's label, never sniffed as binary).
fn is_utf16(enc: &'static Encoding) -> bool {
    enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE
}

/// Whether the Content-Type header declares UTF-16 (its NUL bytes are text, so the
/// binary sniff must not run on them).
pub fn header_declares_utf16(content_type: Option<&str>) -> bool {
    content_type
        .and_then(charset_param)
        .and_then(|l| Encoding::for_label(l.as_bytes()))
        .is_some_and(is_utf16)
}

/// Whether the bytes are UTF-32 text whose NUL bytes the binary sniff must not judge: by
/// BOM, by the header's label, or by the shape of the first character (`<` followed or
/// preceded by three NULs, which is how a page declaring UTF-32 in its meta starts).
pub fn is_utf32_text(bytes: &[u8], content_type: Option<&str>) -> bool {
    utf32(bytes, content_type).is_some()
}

/// Byte order of a UTF-32 body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Utf32 {
    Le,
    Be,
}

/// UTF-32 detection: (byte order, BOM length, declared label, source).
fn utf32(
    bytes: &[u8],
    content_type: Option<&str>,
) -> Option<(Utf32, usize, Option<String>, &'static str)> {
    match bytes {
        [0xFF, 0xFE, 0, 0, ..] => return Some((Utf32::Le, 4, None, "bom")),
        [0, 0, 0xFE, 0xFF, ..] => return Some((Utf32::Be, 4, None, "bom")),
        _ => {}
    }
    let shape = match bytes {
        [c, 0, 0, 0, ..] if *c != 0 => Some(Utf32::Le),
        [0, 0, 0, c, ..] if *c != 0 => Some(Utf32::Be),
        _ => None,
    };
    if let Some(label) = content_type.and_then(charset_param) {
        let order = match label.to_ascii_lowercase().as_str() {
            "utf-32le" | "utf32le" => Some(Utf32::Le),
            "utf-32be" | "utf32be" => Some(Utf32::Be),
            "utf-32" | "utf32" | "ucs-4" | "iso-10646-ucs-4" => Some(shape.unwrap_or(Utf32::Be)),
            _ => None,
        };
        if let Some(order) = order {
            return Some((order, 0, Some(label), "header"));
        }
    }
    // Only a page that starts like markup counts (`<` or whitespace in UTF-32).
    let first = match shape? {
        Utf32::Le => bytes[0],
        Utf32::Be => bytes[3],
    };
    (first == b'<' || first.is_ascii_whitespace()).then_some((shape?, 0, None, "bytes-utf32"))
}

/// Decodes UTF-32 (no crate does: the WHATWG encodings exclude it); an invalid code
/// point or a cut last unit becomes U+FFFD.
fn decode_utf32(body: &[u8], order: Utf32) -> (String, usize, usize) {
    let mut text = String::with_capacity(body.len() / 2);
    let (mut total, mut bad) = (0usize, 0usize);
    let mut units = body.chunks_exact(4);
    for unit in units.by_ref() {
        let b = [unit[0], unit[1], unit[2], unit[3]];
        let n = match order {
            Utf32::Le => u32::from_le_bytes(b),
            Utf32::Be => u32::from_be_bytes(b),
        };
        total += 1;
        match char::from_u32(n) {
            Some(c) => text.push(c),
            None => {
                bad += 1;
                text.push('\u{FFFD}');
            }
        }
    }
    if !units.remainder().is_empty() {
        total += 1;
        bad += 1;
        text.push('\u{FFFD}');
    }
    (text, total, bad)
}

/// Decodes the body. Never fails: undecodable bytes become U+FFFD and are counted.
///
/// A declaration (header or meta) that decodes the bytes with errors while another
/// candidate (UTF-8, then the byte-statistics guess) decodes them cleanly is overridden
/// by the bytes: `source = "bytes-override"`, `declared` keeps the label. A declaration
/// that decodes cleanly is never overridden.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> Decoded {
    if let Some((order, skip, declared, source)) = utf32(bytes, content_type) {
        let (text, total, bad) = decode_utf32(&bytes[skip..], order);
        return Decoded {
            text,
            info: CharsetInfo {
                declared,
                source: source.to_owned(),
                used: match order {
                    Utf32::Le => "utf-32le",
                    Utf32::Be => "utf-32be",
                }
                .to_owned(),
                replacement_ratio: if total == 0 {
                    0.0
                } else {
                    bad as f64 / total as f64
                },
            },
        };
    }
    let (mut encoding, declared, mut source, skip) = choose(bytes, content_type);
    let body = &bytes[skip..];
    let (mut text, mut had_errors) = encoding.decode_without_bom_handling(body);
    if had_errors
        && matches!(
            source,
            "header" | "meta-charset" | "http-equiv" | "late-meta"
        )
    {
        if let Some((enc, clean)) = clean_candidate(body, encoding) {
            encoding = enc;
            text = clean;
            had_errors = false;
            source = "bytes-override";
        }
    }
    let replacement_ratio = if had_errors {
        let mut total = 0usize;
        let mut bad = 0usize;
        for c in text.chars() {
            total += 1;
            if c == '\u{FFFD}' {
                bad += 1;
            }
        }
        if total == 0 {
            0.0
        } else {
            bad as f64 / total as f64
        }
    } else {
        0.0
    };
    Decoded {
        text: text.into_owned(),
        info: CharsetInfo {
            declared,
            source: source.to_owned(),
            used: encoding.name().to_ascii_lowercase(),
            replacement_ratio,
        },
    }
}

/// Another encoding that decodes `body` without a single error: UTF-8 first (valid
/// UTF-8 of any length is a strong signal; a character cut by the end still counts),
/// then the byte-statistics guess.
fn clean_candidate<'a>(
    body: &'a [u8],
    declared: &'static Encoding,
) -> Option<(&'static Encoding, std::borrow::Cow<'a, str>)> {
    if declared != UTF_8 && looks_utf8(body) {
        let (text, _) = UTF_8.decode_without_bom_handling(body);
        return Some((UTF_8, text));
    }
    let guessed = guess(body);
    if guessed != declared && guessed != UTF_8 {
        let (text, errors) = guessed.decode_without_bom_handling(body);
        if !errors {
            return Some((guessed, text));
        }
    }
    None
}

/// Valid UTF-8 with at least one multi-byte character (pure ASCII proves nothing),
/// allowing one character cut by the end of the (size-capped) body.
fn looks_utf8(body: &[u8]) -> bool {
    let valid = match std::str::from_utf8(body) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    valid && !body.is_ascii()
}

/// Picks the encoding: (encoding, declared label, source, BOM length to skip).
fn choose(
    bytes: &[u8],
    content_type: Option<&str>,
) -> (&'static Encoding, Option<String>, &'static str, usize) {
    if let Some((enc, len)) = Encoding::for_bom(bytes) {
        return (enc, None, "bom", len);
    }
    if let Some(label) = content_type.and_then(charset_param) {
        if let Some(enc) = Encoding::for_label(label.as_bytes()) {
            // UTF-16 declared by the header is honoured (only a meta cannot declare it).
            if is_utf16(enc) {
                return (enc, Some(label), "header", 0);
            }
            return (html_override(enc), Some(label), "header", 0);
        }
    }
    if let Some((label, source)) = meta_declaration(bytes) {
        if let Some(enc) = Encoding::for_label(label.as_bytes()) {
            return (html_override(enc), Some(label), source, 0);
        }
    }
    (guess(bytes), None, "none", 0)
}

/// WHATWG: a page cannot declare itself UTF-16 in a meta (the meta is ASCII); such
/// declarations mean UTF-8, and `x-user-defined` means windows-1252.
fn html_override(enc: &'static Encoding) -> &'static Encoding {
    if is_utf16(enc) {
        UTF_8
    } else if enc == encoding_rs::X_USER_DEFINED {
        encoding_rs::WINDOWS_1252
    } else {
        enc
    }
}

/// No declaration: valid UTF-8 is UTF-8; otherwise ask chardetng about a prefix.
fn guess(bytes: &[u8]) -> &'static Encoding {
    let prefix = &bytes[..bytes.len().min(rules::GUESS_WINDOW)];
    let valid = match std::str::from_utf8(prefix) {
        Ok(_) => true,
        // A multi-byte character cut by the window end is still valid UTF-8.
        Err(e) => e.error_len().is_none() && e.valid_up_to() + 4 > prefix.len(),
    };
    if valid {
        return UTF_8;
    }
    let mut det = chardetng::EncodingDetector::new();
    det.feed(prefix, prefix.len() == bytes.len());
    det.guess(None, true)
}

/// `text/html; charset="gbk"` → `gbk` (the label as written).
fn charset_param(content_type: &str) -> Option<String> {
    // ASCII lowercasing keeps byte offsets, so positions map back to the original.
    let lower = content_type.to_ascii_lowercase();
    let pos = lower.find("charset")?;
    let rest = content_type[pos + 7..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let value: String = rest
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| !matches!(c, ';' | '"' | '\'' | ' ' | ','))
        .collect();
    (!value.is_empty()).then_some(value)
}

/// The first charset declaration in a `<meta>` before `</head>` / `<body>` (or within
/// [`rules::META_SCAN_LIMIT`] bytes): `(label, source)`.
fn meta_declaration(bytes: &[u8]) -> Option<(String, &'static str)> {
    let limit = bytes.len().min(rules::META_SCAN_LIMIT);
    let hay = &bytes[..limit];
    let mut i = 0;
    while i + 5 < hay.len() {
        let Some(rel) = memchr_lt(&hay[i..]) else {
            break;
        };
        let at = i + rel;
        let tag = &hay[at..];
        if starts_with_ci(tag, b"<meta")
            && tag
                .get(5)
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
        {
            let end = tag.iter().position(|&b| b == b'>').unwrap_or(tag.len());
            let attrs = &tag[5..end];
            if let Some((label, kind)) = meta_charset(attrs) {
                let source = if at >= rules::PRESCAN_BYTES {
                    "late-meta"
                } else {
                    kind
                };
                return Some((label, source));
            }
            i = at + end.max(1);
            continue;
        }
        if starts_with_ci(tag, b"</head") || starts_with_ci(tag, b"<body") {
            break;
        }
        if starts_with_ci(tag, b"<!--") {
            // Skip comments: a commented-out meta is no declaration.
            match find(&tag[4..], b"-->") {
                Some(e) => i = at + 4 + e + 3,
                None => break,
            }
            continue;
        }
        i = at + 1;
    }
    None
}

/// Parses the attributes of one meta tag for `charset=` or `http-equiv=content-type`.
fn meta_charset(attrs: &[u8]) -> Option<(String, &'static str)> {
    let text = String::from_utf8_lossy(attrs);
    let mut charset = None;
    let mut http_equiv = false;
    let mut content = None;
    for (name, value) in parse_attrs(&text) {
        match name.as_str() {
            "charset" if !value.is_empty() => charset = Some(value),
            "http-equiv" => http_equiv = value.eq_ignore_ascii_case("content-type"),
            "content" => content = Some(value),
            _ => {}
        }
    }
    if let Some(c) = charset {
        return Some((c, "meta-charset"));
    }
    if http_equiv {
        if let Some(label) = content.as_deref().and_then(charset_param) {
            return Some((label, "http-equiv"));
        }
    }
    None
}

/// Minimal attribute tokenizer: `name=value`, `name="value"`, `name='value'`, bare names.
fn parse_attrs(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let ns = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'/' {
            i += 1;
        }
        let name = s[ns..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                i += 1;
                let vs = i;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                value = s[vs..i].to_owned();
                i += 1;
            } else {
                let vs = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                value = s[vs..i].to_owned();
            }
        }
        if name.is_empty() {
            i += 1;
            continue;
        }
        out.push((name, value.trim().to_owned()));
    }
    out
}

fn memchr_lt(hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == b'<')
}

fn starts_with_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay[..needle.len()].eq_ignore_ascii_case(needle)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn gb2312_label_means_gbk_via_http_equiv() {
        let html = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head>";
        let d = decode(html, None);
        assert_eq!(d.info.used, "gbk");
        assert_eq!(d.info.source, "http-equiv");
        assert_eq!(d.info.declared.as_deref(), Some("gb2312"));
    }

    #[test]
    fn late_meta_is_found_after_1024_bytes() {
        let mut html = b"<html><head><title>x</title>".to_vec();
        html.extend(std::iter::repeat_n(b' ', 3000));
        html.extend_from_slice(b"<meta charset=big5></head><body>");
        let d = decode(&html, None);
        assert_eq!(d.info.used, "big5");
        assert_eq!(d.info.source, "late-meta");
    }

    #[test]
    fn header_beats_meta_and_pdf_is_rejected() {
        let d = decode(b"<meta charset=utf-8>", Some("text/html; charset=GBK"));
        assert_eq!(d.info.used, "gbk");
        assert_eq!(d.info.source, "header");
        assert!(sniff_not_html(b"%PDF-1.7\n%\xe2\xe3").is_err());
        assert!(sniff_not_html(b"<html>hello</html>").is_ok());
    }

    #[test]
    fn utf8_bytes_under_a_gb2312_meta_are_decoded_as_utf8() {
        let html = "<html><head><meta charset=gb2312><title>关于做好年度工作的通知</title></head>\
                    <body><p>各有关单位：现将有关事项通知如下。</p></body></html>";
        let d = decode(html.as_bytes(), None);
        assert_eq!(d.info.used, "utf-8");
        assert_eq!(d.info.source, "bytes-override");
        assert_eq!(d.info.declared.as_deref(), Some("gb2312"));
        assert!(d.text.contains("各有关单位"));
        assert!(d.info.replacement_ratio.abs() < f64::EPSILON);
    }

    #[test]
    fn a_declaration_that_decodes_cleanly_is_kept() {
        let (gbk, _, _) =
            encoding_rs::GBK.encode("<meta charset=gbk><p>各有关单位：通知如下。</p>");
        let d = decode(&gbk, None);
        assert_eq!(d.info.used, "gbk");
        assert_eq!(d.info.source, "meta-charset");
        assert!(d.text.contains("各有关单位"));
    }
}
