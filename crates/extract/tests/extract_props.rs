//! Property tests: the pure extractor never panics on hostile input, is deterministic, and
//! keeps its own invariants (every figure's `raw` is a span of its article's `main_text`).
//!
//! Inputs: arbitrary bytes under arbitrary Content-Type headers; HTML built from report-like
//! blocks (headings, figures, tables, chrome, scripts) wrapped in random nesting, declared
//! in random (also bogus) charset labels, encoded as UTF-8, GBK or Big5, then mutated
//! (truncated, cut, spliced with random bytes, duplicated). Deep nesting is tested directly.
//!
//! `PROPTEST_CASES=5000 cargo test --release --test extract_props` runs longer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    clippy::disallowed_types
)]

use proptest::prelude::*;
use report_extract::{self as extract, Input, Options, Report};

/// Content-Type headers a server might send, including lies and garbage.
const CONTENT_TYPES: &[Option<&str>] = &[
    None,
    Some("text/html"),
    Some("text/html; charset=utf-8"),
    Some("text/html; charset=GBK"),
    Some("text/html; charset=gb2312"),
    Some("text/html; charset=big5"),
    Some("text/html; charset=utf-16le"),
    Some("text/html; charset=x-user-defined"),
    Some("text/html; charset=replacement"),
    Some("text/html; charset=\"\u{0}\""),
    Some("text/html; charset=no-such-label"),
    Some("application/pdf"),
    Some("text/plain; charset=shift_jis"),
    Some(";;;charset=;"),
];

/// Charset labels written into `<meta>`: valid, WHATWG-special, and bogus.
const LABELS: &[&str] = &[
    "utf-8",
    "UTF8",
    "gbk",
    "gb2312",
    "GB18030",
    "big5",
    "big5-hkscs",
    "shift_jis",
    "euc-kr",
    "iso-8859-1",
    "windows-1251",
    "utf-16",
    "utf-16be",
    "x-user-defined",
    "replacement",
    "iso-2022-cn",
    "",
    "\"gbk",
    "gbk\u{0}",
    "\u{3000}utf-8\u{3000}",
    "a-label-that-is-very-long-and-does-not-exist-anywhere-at-all",
];

/// Text fragments that exercise the rules: heading markers, figures, dates, chrome.
const FRAGMENTS: &[&str] = &[
    "一、总体情况",
    "（一）加强组织领导一是成立专班",
    "(二)",
    "〔三〕完善制度。",
    "1.强化措施",
    "1、",
    "（1）",
    "1.25元",
    "1-6月",
    "2023年5月6日",
    "二○○四年十二月二十日",
    "20xx年",
    "XX年",
    "约25万元",
    "近1.8万人",
    "300余人次",
    "70%左右",
    "８．５％",
    "2.1‰",
    "12.3﹪",
    "3.26亿元",
    "42\u{e010}2萬",
    "热线12345",
    "0571-88888888",
    "篇1",
    "篇2",
    "共3页 当前第1页 下一页",
    "当前位置：首页 > 正文",
    "发布时间：2024-01-15 10:20 来源：某某县卫生健康局",
    "温馨提示：",
    "关键词：工作 总结",
    "相关文章",
    "版权所有 浙ICP备12345678号",
    "文档ID：123 大小：35KB 页数：3页",
    "\u{feff}",
    "\u{200b}",
    "\u{fffd}",
    "&#0;",
    "&#x110000;",
    "&nbsp;&amp;&lt;&gt;",
    "&copy",
    "𬌗𠀀",
    "The council approved 1,200 homes.",
    "Привет, мир",
    "図書館",
    "",
];

const OPEN_TAGS: &[&str] = &[
    "<div>",
    "<div class=\"content\">",
    "<p>",
    "<span>",
    "<table><tr><td>",
    "<ul><li>",
    "<article>",
    "<section>",
    "<font size=3>",
    "<b>",
    "<a href=\"/x_2.html\">",
    "<nav>",
    "<footer>",
    "<form>",
    "<h1>",
    "<h2>",
    "<br>",
    "<script>",
    "<style>",
    "<textarea>",
    "<template>",
    "<svg>",
    "<math>",
    "<noscript>",
    "<iframe>",
    "<select><option>",
    "<pre>",
];

const CLOSE_TAGS: &[&str] = &[
    "</div>",
    "</p>",
    "</span>",
    "</td></tr></table>",
    "</li></ul>",
    "</article>",
    "</b>",
    "</a>",
    "</script>",
    "</style>",
    "</h1>",
    "</table>",
    "</form>",
    "</svg>",
    "",
];

fn run(bytes: &[u8], content_type: Option<&str>) -> Result<Report, extract::ExtractError> {
    let input = Input {
        bytes,
        url: Some("http://example.gov.cn/a/b/c.html"),
        content_type,
    };
    extract::extract(&input, &Options::default())
}

/// The properties every input must satisfy.
fn check(bytes: &[u8], content_type: Option<&str>) -> Result<(), TestCaseError> {
    let first = run(bytes, content_type);
    let second = run(bytes, content_type);
    prop_assert_eq!(&first, &second, "extract is not deterministic");
    if let Ok(report) = &first {
        prop_assert!(
            report.error.is_none(),
            "Ok report with error {:?}",
            report.error
        );
        for (i, art) in report.articles.iter().enumerate() {
            for fig in &art.figures {
                prop_assert!(
                    !fig.raw.is_empty() && art.main_text.contains(&fig.raw),
                    "article {} figure raw {:?} is not in main_text {:?}",
                    i,
                    fig.raw,
                    art.main_text
                );
                prop_assert!(
                    fig.value.is_finite(),
                    "figure value {} not finite",
                    fig.value
                );
            }
            for item in &art.outline {
                prop_assert!(
                    (1..=4).contains(&item.level),
                    "outline level {}",
                    item.level
                );
            }
        }
        // The report always serializes (no NaN, no invalid strings).
        prop_assert!(serde_json::to_string(report).is_ok());
    }
    Ok(())
}

fn content_type() -> impl Strategy<Value = Option<&'static str>> {
    prop::sample::select(CONTENT_TYPES)
}

#[derive(Debug, Clone)]
enum Piece {
    Text(&'static str),
    Open(&'static str),
    Close(&'static str),
    Random(String),
}

fn piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        4 => prop::sample::select(FRAGMENTS).prop_map(Piece::Text),
        3 => prop::sample::select(OPEN_TAGS).prop_map(Piece::Open),
        2 => prop::sample::select(CLOSE_TAGS).prop_map(Piece::Close),
        1 => any::<String>().prop_map(Piece::Random),
    ]
}

#[derive(Debug, Clone)]
enum Encode {
    Utf8,
    Gbk,
    Big5,
    Utf8Bom,
}

#[derive(Debug, Clone)]
enum Mutation {
    None,
    Truncate(prop::sample::Index),
    Cut(prop::sample::Index, usize),
    Splice(prop::sample::Index, Vec<u8>),
    Duplicate(prop::sample::Index, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        2 => Just(Mutation::None),
        2 => any::<prop::sample::Index>().prop_map(Mutation::Truncate),
        1 => (any::<prop::sample::Index>(), 1usize..200).prop_map(|(i, n)| Mutation::Cut(i, n)),
        1 => (any::<prop::sample::Index>(), prop::collection::vec(any::<u8>(), 1..64))
            .prop_map(|(i, b)| Mutation::Splice(i, b)),
        1 => (any::<prop::sample::Index>(), 1usize..400).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
    ]
}

fn apply(mut bytes: Vec<u8>, m: &Mutation) -> Vec<u8> {
    if bytes.is_empty() {
        return bytes;
    }
    match m {
        Mutation::None => {}
        Mutation::Truncate(i) => bytes.truncate(i.index(bytes.len())),
        Mutation::Cut(i, n) => {
            let at = i.index(bytes.len());
            let end = (at + n).min(bytes.len());
            bytes.drain(at..end);
        }
        Mutation::Splice(i, b) => {
            let at = i.index(bytes.len());
            bytes.splice(at..at, b.iter().copied());
        }
        Mutation::Duplicate(i, n) => {
            let at = i.index(bytes.len());
            let end = (at + n).min(bytes.len());
            let copy = bytes[at..end].to_vec();
            bytes.splice(at..at, copy);
        }
    }
    bytes
}

fn encode(text: &str, how: &Encode) -> Vec<u8> {
    match how {
        Encode::Utf8 => text.as_bytes().to_vec(),
        Encode::Utf8Bom => [&b"\xef\xbb\xbf"[..], text.as_bytes()].concat(),
        Encode::Gbk => encoding_rs::GBK.encode(text).0.into_owned(),
        Encode::Big5 => encoding_rs::BIG5.encode(text).0.into_owned(),
    }
}

/// A report-like page: head with a (possibly bogus, possibly late) charset label, a title,
/// then random pieces inside `depth` wrappers.
fn html_page() -> impl Strategy<Value = (Vec<u8>, Option<&'static str>)> {
    (
        prop::sample::select(LABELS),
        any::<bool>(),
        prop::collection::vec(piece(), 0..80),
        0usize..300,
        prop_oneof![
            Just(Encode::Utf8),
            Just(Encode::Gbk),
            Just(Encode::Big5),
            Just(Encode::Utf8Bom)
        ],
        mutation(),
        content_type(),
    )
        .prop_map(|(label, late, pieces, depth, enc, m, ct)| {
            let mut s = String::from("<!DOCTYPE html><html><head>");
            if late {
                s.push_str("<style>");
                s.push_str(&".x{margin:0}".repeat(100));
                s.push_str("</style>");
            }
            s.push_str(&format!(
                "<meta http-equiv=\"Content-Type\" content=\"text/html; charset={label}\">"
            ));
            s.push_str("<title>某某县卫生健康局2023年工作总结_某某网</title></head><body>");
            s.push_str(&"<div>".repeat(depth));
            for p in &pieces {
                match p {
                    Piece::Text(t) | Piece::Open(t) | Piece::Close(t) => s.push_str(t),
                    Piece::Random(r) => s.push_str(r),
                }
            }
            s.push_str(&"</div>".repeat(depth));
            s.push_str("</body></html>");
            (apply(encode(&s, &enc), &m), ct)
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        max_shrink_iters: 2048,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096), ct in content_type()) {
        check(&bytes, ct)?;
    }

    #[test]
    fn html_prefixed_bytes_never_panic(tail in prop::collection::vec(any::<u8>(), 0..2048), ct in content_type()) {
        // Bytes that pass a "looks like HTML" sniff and then turn into garbage.
        let mut bytes = b"<!DOCTYPE html><html><head><meta charset=gbk></head><body><p>".to_vec();
        bytes.extend_from_slice(&tail);
        check(&bytes, ct)?;
    }

    #[test]
    fn mutated_report_html_never_panics((bytes, ct) in html_page()) {
        check(&bytes, ct)?;
    }
}

fn nested(open: &str, close: &str, depth: usize, inner: &str) -> Vec<u8> {
    let mut s =
        String::from("<html><head><meta charset=utf-8><title>深层嵌套</title></head><body>");
    s.push_str(&open.repeat(depth));
    s.push_str(inner);
    s.push_str(&close.repeat(depth));
    s.push_str("</body></html>");
    s.into_bytes()
}

const INNER: &str = "<p>全年接处警1862起，营救被困群众213人，火灾起数同比下降15.7%。</p>\
                     <p>检查社会单位3420家次，督促整改火灾隐患5610处。</p>";

#[test]
fn ten_thousand_nested_divs_extract() {
    let bytes = nested("<div>", "</div>", 10_000, INNER);
    let report = run(&bytes, Some("text/html")).expect("a deep page is still a page");
    let text: String = report
        .articles
        .iter()
        .map(|a| a.main_text.as_str())
        .collect();
    assert!(text.contains("全年接处警1862起"), "content lost: {text:?}");
    assert!(
        text.contains("督促整改火灾隐患5610处"),
        "content lost: {text:?}"
    );
    check(&bytes, Some("text/html")).unwrap();
}

#[test]
fn deep_unclosed_and_mixed_nesting_never_panics() {
    let cases = [
        nested("<div>", "", 10_000, INNER),
        nested("<table><tr><td>", "</td></tr></table>", 2_000, INNER),
        nested("<ul><li>", "</li></ul>", 3_000, INNER),
        nested("<span>", "</span>", 10_000, INNER),
        nested("<blockquote>", "</blockquote>", 5_000, INNER),
        nested("<b><i>", "</i></b>", 1_000, INNER),
    ];
    for bytes in &cases {
        check(bytes, Some("text/html")).unwrap();
    }
}
