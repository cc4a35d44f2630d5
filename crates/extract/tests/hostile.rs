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
