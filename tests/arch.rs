//! Architecture rule: the extraction core is its own crate (`crates/extract`), so Cargo
//! enforces that it can only name the crates its manifest lists. This test pins that list:
//! no async runtime, no HTTP, broker or database client, no randomness, no clock crate.
//! The std file-system, network, environment and clock APIs are disallowed for the core by
//! `crates/extract/clippy.toml` (CI runs `cargo clippy --all-targets -- -D warnings`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

/// Crates the pure core must never depend on.
const FORBIDDEN: &[&str] = &[
    "tokio",
    "reqwest",
    "lapin",
    "deadpool",
    "postgres",
    "rand",
    "chrono",
    "hyper",
    "axum",
    "futures",
    "getrandom",
    "uuid",
];

/// `[dependencies]` keys of a Cargo manifest (not dev-dependencies: tests may read files).
fn dependency_names(manifest: &str) -> Vec<String> {
    manifest
        .split("\n[dependencies]")
        .nth(1)
        .unwrap_or("")
        .lines()
        .take_while(|l| !l.trim_start().starts_with('['))
        .filter_map(|l| l.split('=').next())
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty() && !k.starts_with('#'))
        .collect()
}

fn read(rel: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn extract_core_depends_on_no_runtime_network_database_clock_or_rng() {
    let deps = dependency_names(&read("crates/extract/Cargo.toml"));
    assert!(deps.iter().any(|d| d == "scraper"), "parsed {deps:?}");
    let bad: Vec<&String> = deps
        .iter()
        .filter(|d| FORBIDDEN.iter().any(|f| d.contains(f)))
        .collect();
    assert!(
        bad.is_empty(),
        "the extract core must stay pure, it depends on {bad:?}"
    );
}

#[test]
fn extract_core_disallows_io_clock_and_environment_apis() {
    let clippy = read("crates/extract/clippy.toml");
    for api in [
        "std::fs::read",
        "std::fs::File",
        "std::net::TcpStream",
        "std::time::SystemTime::now",
        "std::time::Instant::now",
        "std::env::var",
    ] {
        assert!(
            clippy.contains(&format!("\"{api}\"")),
            "crates/extract/clippy.toml must disallow {api}"
        );
    }
}

#[test]
fn shells_reach_the_core_only_through_its_crate() {
    let lib = read("src/lib.rs");
    assert!(lib.contains("pub use report_extract as extract;"));
    assert!(!Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/extract")
        .exists());
}
