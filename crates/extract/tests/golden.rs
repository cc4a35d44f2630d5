//! Golden tests in the style of Readability's test-pages: one named trial per folder of
//! `tests/pages/<slug>/`, comparing what `extract` makes of `source.html` with hand-written
//! expectations.
//!
//! A folder holds:
//! - `source.html`: the raw bytes as a server sends them (`.gitattributes` keeps them byte-exact);
//! - `input.json`: `{"url": …, "content_type": …}` (what the transport told the extractor);
//! - `expected.json`: the report minus `main_text`. Every key present is checked (recursively;
//!   an absent actual value counts as `null`); keys left out are not checked, which is how a
//!   genuinely ambiguous field (e.g. `source_org` of a foreign news page) is left open.
//!   `figures` lists the figures a correct extractor must find, matched one-to-one by unit
//!   (`％`/`﹪` = `%`) and value (1e-6 relative), and by `approx` when the expectation says
//!   so, as `report_eval.py` does; extra figures are allowed (see `not_figure_values`).
//! - `expected.txt`: the main text of each article, one block per line, articles separated by
//!   a line `=====`. Compared line by line after collapsing whitespace runs (incl. U+00A0 and
//!   U+3000) to one space; blank lines are ignored.
//! - `snippets.json` (optional): `{"must_contain": [], "must_not_contain": [],
//!   "not_figure_values": []}`; strings are matched against all main text with whitespace
//!   removed; `not_figure_values` are numbers no figure may have (years, phone numbers…).
//!
//! Always checked too: every figure's `raw` occurs verbatim in its article's `main_text`.
//!
//! `UPDATE_GOLDEN=1 cargo test --release --test golden` rewrites `expected.txt` and
//! `expected.json` from the current output (top-level keys of an existing `expected.json`
//! are kept as they are); review the diff before committing it.
//!
//! `tests/pages/KNOWN_FAILURES` lists `slug  reason` lines for extractor bugs that are known
//! and not fixed yet: such a case still runs, prints its diff under `KNOWN FAILURE`, and
//! passes, so CI stays green; `GOLDEN_STRICT=1` makes them fail. A listed case that passes
//! prints `FIXED` (remove it from the list).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    clippy::disallowed_types
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};
use report_extract::{self as extract, Input, Options};
use serde_json::{Map, Value};

/// Separator line between articles in `expected.txt`.
const ARTICLE_SEPARATOR: &str = "=====";
/// Relative tolerance for numbers (figure values), as `report_eval.py` uses.
const NUMBER_TOLERANCE: f64 = 1e-6;
/// Diff lines shown per failure before the rest is summarised (keeps CI logs readable).
const MAX_DIFF_LINES: usize = 60;

fn main() {
    let args = Arguments::from_args();
    let pages = pages_dir();
    let known = known_failures(&pages);
    let update = env_flag("UPDATE_GOLDEN");
    let strict = env_flag("GOLDEN_STRICT");

    let mut trials = Vec::new();
    for dir in case_dirs(&pages) {
        let slug = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let known_reason = known.get(&slug).cloned();
        let name = slug.clone();
        trials.push(Trial::test(name, move || {
            let result = run_case(&dir, update);
            match (result, known_reason) {
                (Ok(()), None) => Ok(()),
                (Err(e), None) => Err(e),
                (Ok(()), Some(_)) => {
                    println!(
                        "\nFIXED: {slug} passes now; remove it from tests/pages/KNOWN_FAILURES"
                    );
                    Ok(())
                }
                (Err(e), Some(reason)) => {
                    let msg = e.message().unwrap_or("").to_owned();
                    if strict {
                        Err(format!("KNOWN FAILURE ({reason}), GOLDEN_STRICT set:\n{msg}").into())
                    } else {
                        println!("\nKNOWN FAILURE {slug}: {reason}\n{}", indent(&msg));
                        Ok(())
                    }
                }
            }
        }));
    }
    let pages_for_check = pages.clone();
    let known_for_check = known.clone();
    trials.push(Trial::test("fixture_set_is_complete", move || {
        check_fixture_set(&pages_for_check, &known_for_check)
    }));
    if !known.is_empty() {
        println!(
            "golden: {} known failure(s) listed in tests/pages/KNOWN_FAILURES: {}",
            known.len(),
            known.keys().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    libtest_mimic::run(&args, trials).exit();
}

fn env_flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0")
}

fn pages_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("pages")
}

fn case_dirs(pages: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(pages)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.join("source.html").is_file())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

/// `slug  reason…` per line; `#` starts a comment.
fn known_failures(pages: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(pages.join("KNOWN_FAILURES")).unwrap_or_default();
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(|l| match l.split_once(char::is_whitespace) {
            Some((slug, reason)) => (slug.to_owned(), reason.trim().to_owned()),
            None => (l.to_owned(), "(no reason given)".to_owned()),
        })
        .collect()
}

/// Every folder has its files, the JSON parses, and every KNOWN_FAILURES entry names a folder.
fn check_fixture_set(pages: &Path, known: &BTreeMap<String, String>) -> Result<(), Failed> {
    let dirs = case_dirs(pages);
    let mut problems = Vec::new();
    if dirs.len() < 30 {
        problems.push(format!("only {} fixture folders (want >= 30)", dirs.len()));
    }
    for dir in &dirs {
        for f in ["input.json", "expected.json", "expected.txt"] {
            if !dir.join(f).is_file() {
                problems.push(format!("{}: missing {f}", dir.display()));
            }
        }
        for f in ["input.json", "expected.json", "snippets.json"] {
            let p = dir.join(f);
            if p.is_file() {
                if let Err(e) = read_json(&p) {
                    problems.push(e);
                }
            }
        }
    }
    for slug in known.keys() {
        if !pages.join(slug).join("source.html").is_file() {
            problems.push(format!(
                "KNOWN_FAILURES names {slug}, which is no fixture folder"
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n").into())
    }
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: bad JSON: {e}", path.display()))
}

fn run_case(dir: &Path, update: bool) -> Result<(), Failed> {
    let bytes = std::fs::read(dir.join("source.html")).map_err(|e| e.to_string())?;
    let input_json = read_json(&dir.join("input.json"))?;
    let url = input_json.get("url").and_then(Value::as_str);
    let content_type = input_json.get("content_type").and_then(Value::as_str);
    let input = Input {
        bytes: &bytes,
        url,
        content_type,
    };
    let report = match extract::extract(&input, &Options::default()) {
        Ok(r) => r,
        Err(e) => extract::rejected(&input, &e),
    };
    let mut actual = serde_json::to_value(&report).map_err(|e| e.to_string())?;
    let texts = take_main_texts(&mut actual);

    if update {
        return update_case(dir, &actual, &texts);
    }

    let mut out = String::new();

    // Main text, article by article.
    let expected_txt = std::fs::read_to_string(dir.join("expected.txt")).unwrap_or_default();
    let expected_texts = split_articles(&expected_txt);
    if expected_texts.len() != texts.len() {
        let _ = writeln!(
            out,
            "main_text: expected {} article(s) in expected.txt, got {}",
            expected_texts.len(),
            texts.len()
        );
    }
    let n = expected_texts.len().max(texts.len());
    for i in 0..n {
        let exp = expected_texts
            .get(i)
            .map(|t| normalized_lines(t))
            .unwrap_or_default();
        let act = texts
            .get(i)
            .map(|t| normalized_lines(t))
            .unwrap_or_default();
        if exp != act {
            let _ = writeln!(
                out,
                "main_text of article {i}: line diff (- expected, + actual):\n{}",
                line_diff(&exp, &act)
            );
        }
    }

    // Fields.
    let expected = read_json(&dir.join("expected.json"))?;
    let mut diffs = Vec::new();
    json_diff("", &expected, &actual, &mut diffs);
    if !diffs.is_empty() {
        let _ = writeln!(out, "fields (expected.json vs actual):");
        for d in &diffs {
            let _ = writeln!(out, "  {d}");
        }
    }

    // Invariant: every figure's raw occurs in its own article's main_text.
    if let Some(arts) = actual.get("articles").and_then(Value::as_array) {
        for (i, art) in arts.iter().enumerate() {
            let text = texts.get(i).map(String::as_str).unwrap_or("");
            for fig in art
                .get("figures")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let raw = fig.get("raw").and_then(Value::as_str).unwrap_or("");
                if raw.is_empty() || !text.contains(raw) {
                    let _ = writeln!(
                        out,
                        "articles[{i}].figures: raw {raw:?} does not occur in main_text"
                    );
                }
            }
        }
    }

    // Snippets.
    let snippets_path = dir.join("snippets.json");
    if snippets_path.is_file() {
        let snippets = read_json(&snippets_path)?;
        check_snippets(&snippets, &actual, &texts, &mut out);
    }

    if out.is_empty() {
        Ok(())
    } else {
        Err(out.into())
    }
}

/// Removes `main_text` from every article of `report`, returning them in order.
fn take_main_texts(report: &mut Value) -> Vec<String> {
    let mut texts = Vec::new();
    if let Some(arts) = report.get_mut("articles").and_then(Value::as_array_mut) {
        for art in arts {
            let text = art
                .as_object_mut()
                .and_then(|o| o.remove("main_text"))
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            texts.push(text);
        }
    }
    texts
}

fn split_articles(text: &str) -> Vec<String> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    let mut arts = vec![String::new()];
    for line in text.lines() {
        if line.trim() == ARTICLE_SEPARATOR {
            arts.push(String::new());
        } else if let Some(last) = arts.last_mut() {
            last.push_str(line);
            last.push('\n');
        }
    }
    arts
}

/// Lines with whitespace runs collapsed to one space, trimmed, blank lines dropped.
fn normalized_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

fn no_whitespace(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// An LCS line diff: `-` expected only, `+` actual only, changed regions with one line of
/// context, `@@ line N` marking where each region starts in the expected text.
fn line_diff(exp: &[String], act: &[String]) -> String {
    let (n, m) = (exp.len(), act.len());
    // lcs[i][j] = LCS length of exp[i..] and act[j..]; pages are small (< a few hundred lines).
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if exp[i] == act[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    // (tag, expected line number, text)
    let mut ops: Vec<(char, usize, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && exp[i] == act[j] {
            ops.push((' ', i + 1, &exp[i]));
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            ops.push(('+', i + 1, &act[j]));
            j += 1;
        } else {
            ops.push(('-', i + 1, &exp[i]));
            i += 1;
        }
    }
    let changed: Vec<bool> = ops.iter().map(|o| o.0 != ' ').collect();
    let mut out = String::new();
    let mut shown = 0usize;
    let mut hidden = 0usize;
    let mut last_shown: Option<usize> = None;
    for (k, (tag, line_no, text)) in ops.iter().enumerate() {
        let near = changed[k] || (k > 0 && changed[k - 1]) || (k + 1 < ops.len() && changed[k + 1]);
        if !near {
            continue;
        }
        if shown >= MAX_DIFF_LINES {
            hidden += usize::from(changed[k]);
            continue;
        }
        if last_shown.is_none_or(|l| l + 1 != k) {
            let _ = writeln!(out, "    @@ line {line_no}");
        }
        let _ = writeln!(out, "    {tag} {}", clip(text, 160));
        shown += 1;
        last_shown = Some(k);
    }
    if hidden > 0 {
        let _ = writeln!(out, "    … {hidden} more changed line(s) not shown");
    }
    out
}

fn clip(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s.to_owned()
    } else {
        let mut c: String = s.chars().take(max_chars).collect();
        c.push('…');
        c
    }
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("    {l}\n")).collect()
}

/// Field-level diff: every key of `expected` is compared with `actual` (absent = null).
fn json_diff(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), _) => {
            let empty = Map::new();
            let a = actual.as_object().unwrap_or(&empty);
            if !actual.is_object() && !actual.is_null() {
                out.push(format!("{path}: expected an object, got {}", short(actual)));
                return;
            }
            for (k, ev) in e {
                let av = a.get(k).unwrap_or(&Value::Null);
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if k == "figures" {
                    figures_diff(&p, ev, av, out);
                } else {
                    json_diff(&p, ev, av, out);
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(format!(
                    "{path}: expected {} item(s), got {}",
                    e.len(),
                    a.len()
                ));
            }
            for (i, ev) in e.iter().enumerate() {
                match a.get(i) {
                    Some(av) => json_diff(&format!("{path}[{i}]"), ev, av, out),
                    None => out.push(format!("{path}[{i}]: missing, expected {}", short(ev))),
                }
            }
            for (i, av) in a.iter().enumerate().skip(e.len()) {
                out.push(format!("{path}[{i}]: unexpected {}", short(av)));
            }
        }
        // An empty list the report leaves out (`skip_serializing_if = "Vec::is_empty"`).
        (Value::Array(e), Value::Null) if e.is_empty() => {}
        (Value::Array(_), _) => {
            out.push(format!(
                "{path}: expected {}, got {}",
                short(expected),
                short(actual)
            ));
        }
        (Value::Number(e), Value::Number(a)) => {
            let (e, a) = (
                e.as_f64().unwrap_or(f64::NAN),
                a.as_f64().unwrap_or(f64::NAN),
            );
            if !close(e, a) {
                out.push(format!("{path}: expected {e}, got {a}"));
            }
        }
        _ => {
            if expected != actual {
                out.push(format!(
                    "{path}: expected {}, got {}",
                    short(expected),
                    short(actual)
                ));
            }
        }
    }
}

fn close(e: f64, a: f64) -> bool {
    e == a || (e - a).abs() <= NUMBER_TOLERANCE * e.abs().max(a.abs())
}

fn short(v: &Value) -> String {
    clip(&v.to_string(), 200)
}

fn norm_unit(u: &str) -> String {
    u.replace(['％', '﹪'], "%")
}

/// Expected figures are matched one-to-one by unit and value (and approx when given).
fn figures_diff(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    let empty = Vec::new();
    let exp = expected.as_array().unwrap_or(&empty);
    let act = actual.as_array().unwrap_or(&empty);
    let mut used = vec![false; act.len()];
    let mut missing = false;
    for (i, ef) in exp.iter().enumerate() {
        let unit = norm_unit(ef.get("unit").and_then(Value::as_str).unwrap_or(""));
        let value = ef.get("value").and_then(Value::as_f64).unwrap_or(f64::NAN);
        let approx = ef.get("approx").and_then(Value::as_bool);
        let found = act.iter().enumerate().position(|(k, af)| {
            !used[k]
                && norm_unit(af.get("unit").and_then(Value::as_str).unwrap_or("")) == unit
                && close(
                    value,
                    af.get("value").and_then(Value::as_f64).unwrap_or(f64::NAN),
                )
                && approx
                    .is_none_or(|x| af.get("approx").and_then(Value::as_bool).unwrap_or(false) == x)
        });
        match found {
            Some(k) => used[k] = true,
            None => {
                missing = true;
                out.push(format!("{path}[{i}]: not found: {}", short(ef)));
            }
        }
    }
    if missing {
        let got: Vec<String> = act
            .iter()
            .map(|f| {
                format!(
                    "{}{} {} ({})",
                    if f.get("approx").and_then(Value::as_bool).unwrap_or(false) {
                        "~"
                    } else {
                        ""
                    },
                    f.get("value").map(|v| v.to_string()).unwrap_or_default(),
                    f.get("unit").and_then(Value::as_str).unwrap_or(""),
                    f.get("raw").and_then(Value::as_str).unwrap_or("")
                )
            })
            .collect();
        out.push(format!(
            "{path}: the extractor found [{}]",
            clip(&got.join("; "), 600)
        ));
    }
}

fn check_snippets(snippets: &Value, actual: &Value, texts: &[String], out: &mut String) {
    let all = no_whitespace(&texts.join("\n"));
    let list = |key: &str| -> Vec<String> {
        snippets
            .get(key)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(no_whitespace))
                    .collect()
            })
            .unwrap_or_default()
    };
    for s in list("must_contain") {
        if !all.contains(&s) {
            let _ = writeln!(out, "snippets: main_text lacks {s:?}");
        }
    }
    for s in list("must_not_contain") {
        if all.contains(&s) {
            let _ = writeln!(out, "snippets: main_text contains chrome {s:?}");
        }
    }
    let bad: Vec<f64> = snippets
        .get("not_figure_values")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    let arts = actual.get("articles").and_then(Value::as_array);
    for (i, art) in arts.into_iter().flatten().enumerate() {
        for fig in art
            .get("figures")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let v = fig.get("value").and_then(Value::as_f64).unwrap_or(f64::NAN);
            if bad.iter().any(|b| close(*b, v)) {
                let _ = writeln!(out, "articles[{i}].figures: {} is not a figure", short(fig));
            }
        }
    }
}

/// `UPDATE_GOLDEN=1`: writes what the extractor outputs now, for review in the diff.
fn update_case(dir: &Path, actual: &Value, texts: &[String]) -> Result<(), Failed> {
    let txt = texts
        .iter()
        .map(|t| t.trim_end().to_owned())
        .collect::<Vec<_>>()
        .join(&format!("\n{ARTICLE_SEPARATOR}\n"));
    let txt = if txt.is_empty() { txt } else { txt + "\n" };
    std::fs::write(dir.join("expected.txt"), txt).map_err(|e| e.to_string())?;

    let mut new = actual.clone();
    if let Some(obj) = new.as_object_mut() {
        obj.remove("extractor_version");
        if let Ok(Value::Object(old)) = read_json(&dir.join("expected.json")) {
            obj.retain(|k, _| old.contains_key(k));
            for k in old.keys() {
                obj.entry(k.clone()).or_insert(Value::Null);
            }
        }
    }
    let mut text = String::new();
    write_ordered(&new, 0, &mut text);
    text.push('\n');
    std::fs::write(dir.join("expected.json"), text).map_err(|e| e.to_string())?;
    println!("\nupdated {}", dir.display());
    Ok(())
}

/// Key order of the written `expected.json` (the report's own field order), so that an
/// update's diff shows changed values, not reshuffled keys; other keys follow, sorted.
const KEY_ORDER: &[&str] = &[
    "url",
    "charset",
    "charset_info",
    "declared",
    "source",
    "used",
    "title",
    "published",
    "published_time",
    "source_org",
    "region",
    "doc_type",
    "period",
    "script",
    "error",
    "pagination",
    "page",
    "total",
    "next",
    "prev",
    "articles",
    "outline",
    "level",
    "marker",
    "heading",
    "figures",
    "subject",
    "value",
    "unit",
    "raw",
    "approx",
    "tables",
];

/// Pretty JSON (2-space indent) with object keys in [`KEY_ORDER`].
fn write_ordered(v: &Value, indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent + 1);
    let end = "  ".repeat(indent);
    match v {
        Value::Object(map) if !map.is_empty() => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by_key(|k| {
                (
                    KEY_ORDER.iter().position(|o| o == k).unwrap_or(usize::MAX),
                    (*k).clone(),
                )
            });
            out.push_str("{\n");
            for (i, k) in keys.iter().enumerate() {
                out.push_str(&pad);
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push_str(": ");
                write_ordered(&map[*k], indent + 1, out);
                out.push_str(if i + 1 < keys.len() { ",\n" } else { "\n" });
            }
            out.push_str(&end);
            out.push('}');
        }
        Value::Array(items) if !items.is_empty() => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                out.push_str(&pad);
                write_ordered(item, indent + 1, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&end);
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}
