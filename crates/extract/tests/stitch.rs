//! Stitching the dev corpus' two-page report (`004-paged-p1-gb18030` + `004-paged-p2-*`):
//! each page extracted as served, then [`report_extract::stitch`]ed. The stitched text holds
//! every line of both pages' expected text exactly once, in page order, and its outline is
//! the two pages' outlines one after the other.
//!
//! The corpus lives outside the repo (`../shared/corpus/dev`, or `REPORT_CORPUS_DEV`); when
//! it is absent the test says so and passes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    clippy::disallowed_types
)]

use std::path::{Path, PathBuf};

use report_extract::{self as extract, Input, Options, Report};
use serde_json::Value;

fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("REPORT_CORPUS_DEV").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/dev"),
        PathBuf::from,
    );
    dir.is_dir().then_some(dir)
}

/// The case folder whose name starts with `prefix` (the encoding suffix may vary).
fn case(dir: &Path, prefix: &str) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .collect();
    found.sort();
    found.into_iter().next()
}

/// The page extracted as served, and its expected.json.
fn extract_case(dir: &Path) -> (Report, Value) {
    let exp: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let bytes = std::fs::read(dir.join("source.html")).unwrap();
    let input = Input {
        bytes: &bytes,
        url: exp["url"].as_str(),
        content_type: exp["http_content_type"].as_str(),
    };
    (extract::extract(&input, &Options::default()).unwrap(), exp)
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn two_page_dev_report_stitches_into_one() {
    let Some(dir) = corpus_dir() else {
        eprintln!("dev corpus not found: skipped");
        return;
    };
    let (Some(d1), Some(d2)) = (case(&dir, "004-paged-p1-"), case(&dir, "004-paged-p2-")) else {
        eprintln!("paged dev cases not found: skipped");
        return;
    };
    let (p1, e1) = extract_case(&d1);
    let (p2, e2) = extract_case(&d2);
    assert_eq!(
        p1.pagination.as_ref().and_then(|p| p.next.as_deref()),
        p2.url.as_deref(),
        "page 1 points to page 2"
    );
    let (o1, o2) = (
        p1.articles[0].outline.clone(),
        p2.articles[0].outline.clone(),
    );
    let (n1, n2) = (p1.articles[0].figures.len(), p2.articles[0].figures.len());
    let r = extract::stitch(vec![p1.clone(), p2.clone()]);

    assert_eq!(r.articles.len(), 1);
    let a = &r.articles[0];
    let text = squash(&a.main_text);
    // Every expected line of both pages, once, in page order.
    let mut at = 0usize;
    for (page, e) in [(1, &e1), (2, &e2)] {
        for line in e["articles"][0]["main_text"].as_str().unwrap().lines() {
            let l = squash(line);
            if l.is_empty() {
                continue;
            }
            assert_eq!(
                text.matches(&l).count(),
                1,
                "page {page} line not once: {line}"
            );
            let pos = text.find(&l).unwrap();
            assert!(pos >= at, "page {page} line out of order: {line}");
            at = pos;
        }
    }
    // The outline is the union of the pages' outlines, in page order.
    let mut union = o1;
    union.extend(o2);
    assert_eq!(a.outline, union);
    // Figures keep the page they came from.
    let on = |p: u32| a.figures.iter().filter(|f| f.page == Some(p)).count();
    assert_eq!((on(1), on(2), a.figures.len()), (n1, n2, n1 + n2));
    assert!(n1 > 0 && n2 > 0);
    // Metadata: page 1's, and page 2's date that page 1 lacks.
    assert_eq!(r.title, p1.title);
    assert_eq!(r.published, p1.published.clone().or(p2.published.clone()));
    assert!(r.pagination.is_none());
    let urls: Vec<&str> = r.pages.iter().map(|p| p.url.as_str()).collect();
    assert_eq!(
        urls,
        [p1.url.as_deref().unwrap(), p2.url.as_deref().unwrap()]
    );
}
