//! Extraction speed against the parse floor, in one run:
//!
//! - `parse_only`: `scraper::Html::parse_document` over every benchmark page (the floor
//!   every scraper-based extractor pays);
//! - `extract`: the whole pipeline (`report_extract::extract`) over the same pages.
//!
//! Pages: the 181 pages of the article-extraction-benchmark (`html/*.html[.gz]`), from
//! `$EXTRACT_BENCH_DIR` or `shared/bench/article-extraction-benchmark` beside the checkout
//! (`../shared` from the project root). Skipped with a message when absent.
//! Throughput is printed as items (pages) per second; one thread.
//!
//!     cargo bench -p report-extract --bench extract
// A bench reads its pages from disk and the environment: the core's IO ban is not for it.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use divan::counter::ItemsCount;
use divan::Bencher;
use report_extract::{self as extract, Input, Options};

fn main() {
    divan::main();
}

fn bench_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("EXTRACT_BENCH_DIR").map(PathBuf::from),
        Some(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/bench/article-extraction-benchmark"),
        ),
    ];
    candidates
        .into_iter()
        .flatten()
        .map(|d| d.join("html"))
        .find(|d| d.is_dir())
}

fn load(path: &Path) -> Option<Vec<u8>> {
    let raw = std::fs::read(path).ok()?;
    if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .ok()?;
        Some(out)
    } else {
        Some(raw)
    }
}

/// Every benchmark page as raw bytes, sorted by file name.
static PAGES: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    let Some(dir) = bench_dir() else {
        eprintln!("extract bench: article-extraction-benchmark not found; skipping");
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    paths.iter().filter_map(|p| load(p)).collect()
});

/// The same pages decoded to text once, outside the timed loop (`parse_only` measures
/// the parse alone).
static TEXTS: LazyLock<Vec<String>> = LazyLock::new(|| {
    PAGES
        .iter()
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect()
});

#[divan::bench(sample_count = 5, sample_size = 1)]
fn parse_only(bencher: Bencher) {
    let texts = &*TEXTS;
    bencher.counter(ItemsCount::new(texts.len())).bench(|| {
        for t in texts {
            divan::black_box(scraper::Html::parse_document(t));
        }
    });
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn extract(bencher: Bencher) {
    let pages = &*PAGES;
    let opts = Options::default();
    bencher.counter(ItemsCount::new(pages.len())).bench(|| {
        for p in pages {
            let input = Input {
                bytes: p,
                url: None,
                content_type: None,
            };
            let _ = divan::black_box(extract::extract(&input, &opts));
        }
    });
}
