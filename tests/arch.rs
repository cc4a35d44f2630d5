//! Architecture rule: `src/extract/**` is the pure core (no IO, no async, no clock, no RNG).
//! It fails if any code there mentions the async runtime, the network/broker/database
//! clients, the file system, the network, the wall clock or randomness.
//!
//! Comments and string literals are skipped (a doc comment saying "no tokio here" or a
//! German keyword "Rand" is no dependency); identifiers are matched as whole tokens, so
//! `random`/`brand` are fine while `rand::`, `tokio_postgres`, `deadpool_postgres` are not.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

/// Crates the pure core must not use: a code identifier equal to one of these, or starting
/// with it followed by `_` (`tokio_postgres`, `deadpool_postgres`), is a violation.
const FORBIDDEN_CRATES: &[&str] = &["tokio", "reqwest", "lapin", "deadpool", "rand"];
/// `std` modules the pure core must not use (file system, sockets).
const FORBIDDEN_STD_MODULES: &[&str] = &["fs", "net"];
/// Identifiers that read the clock wherever they are imported from.
const FORBIDDEN_IDENTS: &[&str] = &["SystemTime"];

/// Code text with comments and string/char literals blanked out (same length in lines).
fn strip_comments_and_strings(src: &str) -> String {
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let n = chars.len();
    while i < n {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < n && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0usize;
            while i < n {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
            out.push(' ');
        } else if (c == 'r' || c == 'b')
            && !prev_is_ident(&chars, i)
            && raw_string_start(&chars, i).is_some()
        {
            let (hashes, body_start) = raw_string_start(&chars, i).unwrap_or((0, i + 1));
            i = body_start;
            while i < n {
                if chars[i] == '"' && (0..hashes).all(|h| chars.get(i + 1 + h) == Some(&'#')) {
                    i += 1 + hashes;
                    break;
                }
                if chars[i] == '\n' {
                    out.push('\n');
                }
                i += 1;
            }
            out.push_str("\"\"");
        } else if c == '"' {
            i += 1;
            while i < n && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                if chars.get(i) == Some(&'\n') {
                    out.push('\n');
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{3000}') or a lifetime ('a): skip literals only.
            if next == Some('\\') {
                i += 2;
                while i < n && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push_str("' '");
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push_str("' '");
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn prev_is_ident(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// At `r"`, `r#"`, `br"`, `br#"`: the number of `#` and the index after the opening quote.
fn raw_string_start(chars: &[char], i: usize) -> Option<(usize, usize)> {
    let mut k = i;
    if chars.get(k) == Some(&'b') {
        k += 1;
    }
    if chars.get(k) != Some(&'r') {
        return None;
    }
    k += 1;
    let mut hashes = 0;
    while chars.get(k) == Some(&'#') {
        hashes += 1;
        k += 1;
    }
    (chars.get(k) == Some(&'"')).then_some((hashes, k + 1))
}

/// Identifier and `::` tokens of stripped code, with the line each starts on.
fn tokens(code: &str) -> Vec<(usize, String)> {
    let mut toks = Vec::new();
    for (ln, line) in code.lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_alphabetic() || c == '_' {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                toks.push((ln + 1, chars[start..i].iter().collect()));
            } else if c == ':' && chars.get(i + 1) == Some(&':') {
                toks.push((ln + 1, "::".to_owned()));
                i += 2;
            } else if "{},;".contains(c) {
                toks.push((ln + 1, c.to_string()));
                i += 1;
            } else {
                i += 1;
            }
        }
    }
    toks
}

/// Violations in one file's source: `(line, what)`.
fn violations(src: &str) -> Vec<(usize, String)> {
    let code = strip_comments_and_strings(src);
    let toks = tokens(&code);
    let mut found = Vec::new();
    for (k, (line, tok)) in toks.iter().enumerate() {
        for krate in FORBIDDEN_CRATES {
            if tok == krate || tok.starts_with(&format!("{krate}_")) {
                found.push((*line, format!("uses `{tok}`")));
            }
        }
        if FORBIDDEN_IDENTS.contains(&tok.as_str()) {
            found.push((*line, format!("uses `{tok}` (the clock)")));
        }
        // `std::fs`, `std::net`, and groups `std::{fs, …}` / `std::{io, net::TcpStream}`.
        let is_std = tok == "std" && toks.get(k + 1).is_some_and(|t| t.1 == "::");
        if is_std {
            match toks.get(k + 2).map(|t| t.1.as_str()) {
                Some(m) if FORBIDDEN_STD_MODULES.contains(&m) => {
                    found.push((*line, format!("uses `std::{m}`")));
                }
                Some("{") => {
                    let mut depth = 0i32;
                    for t in &toks[k + 2..] {
                        match t.1.as_str() {
                            "{" => depth += 1,
                            "}" => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            m if depth == 1 && FORBIDDEN_STD_MODULES.contains(&m) => {
                                found.push((t.0, format!("uses `std::{{{m}}}`")));
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in rd.filter_map(Result::ok) {
        let p = entry.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn extract_core_is_pure() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("src").join("extract.rs")];
    files.retain(|f| f.is_file());
    rust_files(&root.join("src").join("extract"), &mut files);
    assert!(
        files.len() >= 2,
        "src/extract/ not found or empty under {}",
        root.display()
    );
    let mut report = Vec::new();
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap();
        for (line, what) in violations(&src) {
            let rel = f.strip_prefix(root).unwrap_or(f);
            report.push(format!("{}:{line}: {what}", rel.display()));
        }
    }
    assert!(
        report.is_empty(),
        "src/extract must stay pure (no tokio, reqwest, lapin, deadpool, std::fs, std::net, \
         SystemTime, rand):\n{}",
        report.join("\n")
    );
}

/// The scanner itself: it must catch each form of use and ignore comments, strings, and
/// identifiers that merely contain a forbidden word.
#[test]
fn scanner_catches_uses_and_ignores_mentions() {
    let bad = [
        "use tokio::task;",
        "let x = reqwest::get(u);",
        "use lapin::Channel;",
        "use deadpool_postgres::Pool;",
        "use tokio_postgres::Client;",
        "let b = std::fs::read(p);",
        "use std::net::TcpStream;",
        "use std::{io, fs};",
        "use std::{collections::HashMap, net::IpAddr};",
        "let t = std::time::SystemTime::now();",
        "use std::time::{Duration, SystemTime};",
        "let n: u8 = rand::random();",
        "use ::std::fs;",
    ];
    for b in bad {
        assert!(!violations(b).is_empty(), "not caught: {b}");
    }
    let fine = [
        "// no tokio, reqwest or std::fs in here",
        "/// Pure: no `std::net`, no SystemTime, no rand.",
        "/* tokio */ let a = 1;",
        r#"const W: &[&str] = &["Rand", "tokio", "std::fs"];"#,
        r##"const R: &str = r#"rand "quoted" std::net"#;"##,
        "let random_ratio = brand_operand(0.5);",
        "use std::collections::HashMap; use std::sync::LazyLock;",
        "fn f<'a>(s: &'a str) -> char { let c = '\"'; c }",
        "use std::time::Duration;",
        "let fs = 3; let net = fs + 1;",
    ];
    for f in fine {
        assert!(
            violations(f).is_empty(),
            "false alarm on: {f}: {:?}",
            violations(f)
        );
    }
}

/// `[dependencies]` keys of a Cargo manifest, `-` as `_` (as code names them).
fn dependency_names(manifest: &str) -> Vec<String> {
    manifest
        .split("\n[dependencies]")
        .nth(1)
        .unwrap_or("")
        .lines()
        .take_while(|l| !l.trim_start().starts_with('['))
        .filter_map(|l| l.split('=').next())
        .map(|k| k.trim().replace('-', "_"))
        .filter(|k| !k.is_empty() && !k.starts_with('#'))
        .collect()
}

/// The fuzz crate compiles `src/extract` by `#[path]` with its own dependency list: every
/// dependency of the main package that the core names (`name::…`) must be in
/// `fuzz/Cargo.toml`, or the fuzz target stops building without anyone noticing (it is run
/// by hand).
#[test]
fn fuzz_crate_lists_every_crate_the_core_uses() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: PathBuf| std::fs::read_to_string(p).unwrap();
    let ours = dependency_names(&read(root.join("Cargo.toml")));
    let fuzz = dependency_names(&read(root.join("fuzz").join("Cargo.toml")));
    assert!(ours.iter().any(|d| d == "scraper"), "parsed {ours:?}");
    let mut files = Vec::new();
    rust_files(&root.join("src").join("extract"), &mut files);
    let mut missing = Vec::new();
    for f in &files {
        let toks = tokens(&strip_comments_and_strings(&read(f.clone())));
        for w in toks.windows(2) {
            let (name, next) = (&w[0].1, &w[1].1);
            if next == "::"
                && ours.contains(name)
                && !fuzz.contains(name)
                && !missing.contains(name)
            {
                missing.push(name.clone());
            }
        }
    }
    assert!(
        missing.is_empty(),
        "crates used by src/extract but missing from fuzz/Cargo.toml: {missing:?}"
    );
}
