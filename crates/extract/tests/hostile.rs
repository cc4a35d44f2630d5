//! Hostile pages (issue 16): inputs nobody here wrote must be extracted or refused
//! with the right reason, never panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use report_extract::{self as extract, Input, Options};

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn utf16be(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

const PAGE: &str = "<html><head><title>2024年工作报告</title></head><body>\
<h1>2024年工作报告</h1><p>全年地区生产总值增长5.2%，财政收入120亿元。</p></body></html>";

#[test]
fn utf16_declared_by_the_header_without_bom_is_decoded() {
    for (bytes, ct) in [
        (utf16le(PAGE), "text/html; charset=utf-16le"),
        (utf16be(PAGE), "text/html; charset=UTF-16BE"),
    ] {
        let input = Input {
            bytes: &bytes,
            url: Some("https://example.gov.cn/a.html"),
            content_type: Some(ct),
        };
        let report = extract::extract(&input, &Options::default())
            .unwrap_or_else(|e| panic!("{ct}: rejected as {e}"));
        assert_eq!(report.title.as_deref(), Some("2024年工作报告"), "{ct}");
        let text: String = report
            .articles
            .iter()
            .map(|a| a.main_text.as_str())
            .collect();
        assert!(text.contains("增长5.2%"), "{ct}: {text}");
    }
}

fn utf32(s: &str, le: bool) -> Vec<u8> {
    s.chars()
        .flat_map(|c| {
            let n = c as u32;
            if le {
                n.to_le_bytes()
            } else {
                n.to_be_bytes()
            }
        })
        .collect()
}

#[test]
fn utf32_by_header_bom_or_meta_is_decoded() {
    let meta_page = PAGE.replace("<head>", "<head><meta charset=\"utf-32\">");
    let bom = |b: &[u8], body: Vec<u8>| [b.to_vec(), body].concat();
    let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        (
            "header le",
            utf32(PAGE, true),
            "text/html; charset=UTF-32LE",
            "utf-32le",
        ),
        (
            "header be",
            utf32(PAGE, false),
            "text/html; charset=utf-32be",
            "utf-32be",
        ),
        (
            "header no order",
            utf32(PAGE, true),
            "text/html; charset=utf-32",
            "utf-32le",
        ),
        (
            "bom le",
            bom(&[0xFF, 0xFE, 0, 0], utf32(PAGE, true)),
            "text/html",
            "utf-32le",
        ),
        (
            "bom be",
            bom(&[0, 0, 0xFE, 0xFF], utf32(PAGE, false)),
            "text/html",
            "utf-32be",
        ),
        ("meta be", utf32(&meta_page, false), "text/html", "utf-32be"),
    ];
    for (what, bytes, ct, used) in cases {
        let input = Input {
            bytes: &bytes,
            url: Some("https://example.gov.cn/a.html"),
            content_type: Some(ct),
        };
        let report = extract::extract(&input, &Options::default())
            .unwrap_or_else(|e| panic!("{what}: rejected as {e}"));
        assert_eq!(report.title.as_deref(), Some("2024年工作报告"), "{what}");
        assert_eq!(report.charset_info.used, used, "{what}");
        assert_eq!(report.charset_info.replacement_ratio, 0.0, "{what}");
        let text: String = report
            .articles
            .iter()
            .map(|a| a.main_text.as_str())
            .collect();
        assert!(text.contains("增长5.2%"), "{what}: {text}");
    }
    // A unit cut by the end and a code point past U+10FFFF become U+FFFD, never a panic.
    let mut bytes = utf32(PAGE, true);
    bytes.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0x7F, 0x41, 0]);
    let input = Input {
        bytes: &bytes,
        url: None,
        content_type: Some("text/html; charset=utf-32le"),
    };
    let report = extract::extract(&input, &Options::default()).unwrap();
    assert!(report.charset_info.replacement_ratio > 0.0);
}

#[test]
fn undeclared_nul_bytes_are_still_not_html() {
    let bytes = utf16le(PAGE);
    let input = Input {
        bytes: &bytes,
        url: None,
        content_type: Some("text/html"),
    };
    assert!(extract::extract(&input, &Options::default()).is_err());
}

fn run(html: &str) -> report_extract::Report {
    let input = Input {
        bytes: html.as_bytes(),
        url: Some("https://example.gov.cn/a.html"),
        content_type: Some("text/html; charset=utf-8"),
    };
    extract::extract(&input, &Options::default()).unwrap_or_else(|e| extract::rejected(&input, &e))
}

const PARA: &str =
    "本年度我们围绕中心工作，扎实推进各项任务落实，取得了明显成效，群众满意度持续提升。";

#[test]
fn pathological_pages_are_capped_and_say_what_was_cut() {
    use report_extract::limits::{MAX_ATTRS, MAX_FIGURES, MAX_OPEN_DEPTH};

    // 200k nested elements: flattened below the cap, the text kept.
    let n = 200_000;
    let nested = format!(
        "<html><body>{}<p>{PARA}</p>{}</body></html>",
        "<div>".repeat(n),
        "</div>".repeat(n)
    );
    let r = run(&nested);
    assert!(r.articles[0].main_text.contains("扎实推进"), "{r:?}");
    // `<body>` is one of the levels kept.
    assert_eq!(r.truncated.depth as usize, n + 1 - MAX_OPEN_DEPTH);

    // 300k attributes on one element: the first MAX_ATTRS kept.
    let attrs: String = (0..300_000).map(|i| format!(" a{i}=x")).collect();
    let r = run(&format!(
        "<html><body><div{attrs}><p>{PARA}</p></div></body></html>"
    ));
    assert!(r.articles[0].main_text.contains("扎实推进"));
    assert_eq!(r.truncated.attributes as usize, 300_000 - MAX_ATTRS);

    // 700k tiny figure cells: the page is cut at the element cap, figures at their cap.
    let cells = "<td>1万元</td>".repeat(700_000);
    let r = run(&format!(
        "<html><body><table><tr>{cells}</tr></table></body></html>"
    ));
    assert!(r.truncated.bytes > 0, "{:?}", r.truncated);
    assert_eq!(r.articles[0].figures.len(), MAX_FIGURES);
    assert!(r.truncated.figures > 0);

    // A normal page is not cut and its JSON has no `truncated`.
    let r = run(&format!(
        "<html><body><div><p>{PARA}</p><p>增长3%</p></div></body></html>"
    ));
    assert!(!r.truncated.any());
    let json = serde_json::to_value(&r).unwrap();
    assert!(json.get("truncated").is_none(), "{json}");
}
