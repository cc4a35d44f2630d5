//! Fuzz target: `extract` on arbitrary bytes never panics, never overflows the stack, is
//! deterministic, and every figure's `raw` occurs in its article's `main_text`.
//!
//! The first input byte picks the Content-Type header (none, plain, lying charsets, not
//! HTML); the rest is the body.
#![no_main]

use libfuzzer_sys::fuzz_target;

use report_extract::{self as extract, Input, Options};

const CONTENT_TYPES: &[Option<&str>] = &[
    None,
    Some("text/html"),
    Some("text/html; charset=utf-8"),
    Some("text/html; charset=gbk"),
    Some("text/html; charset=gb18030"),
    Some("text/html; charset=big5"),
    Some("text/html; charset=utf-16le"),
    Some("text/html; charset=x-user-defined"),
    Some("text/html; charset=no-such-label"),
    Some("application/pdf"),
];

fuzz_target!(|data: &[u8]| {
    let (ct, body) = match data.split_first() {
        Some((b, rest)) => (CONTENT_TYPES[usize::from(*b) % CONTENT_TYPES.len()], rest),
        None => (None, data),
    };
    let input = Input {
        bytes: body,
        url: Some("http://example.gov.cn/a/b.html"),
        content_type: ct,
    };
    let opts = Options::default();
    let first = extract::extract(&input, &opts);
    let second = extract::extract(&input, &opts);
    assert_eq!(first, second, "extract is not deterministic");
    if let Ok(report) = first {
        for art in &report.articles {
            for fig in &art.figures {
                assert!(
                    art.main_text.contains(&fig.raw),
                    "figure raw {:?} not in main_text",
                    fig.raw
                );
            }
        }
    }
});
