//! Quality gate: runs the corpus scorer (`report_eval.py`) over `../shared/corpus/dev` with
//! the release binary this test run built, and fails if `report_score` or `text_f1` fall
//! below the floors recorded in `tests/floors.json`. Floors only ever go up:
//! `scripts/raise-floors.sh` raises them to what is measured now and never lowers one.
//!
//! `../shared` is resolved relative to the repository's parent directory. When it (or
//! `python3`) is missing the gate prints a notice and passes, unless
//! `REPORT_INGEST_REQUIRE_CORPUS=1` is set, which makes a missing corpus a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Slack when comparing a measured score with its floor: the scorer is deterministic, but
/// its averages go through float sums; floors are written rounded down to 3 decimals.
const EPSILON: f64 = 1e-9;

/// Notices go straight to the stderr handle: libtest captures `eprintln!` of passing tests.
fn notice(msg: &str) {
    let _ = writeln!(std::io::stderr(), "quality_gate: {msg}");
}

fn shared_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    root.parent().unwrap_or(root).join("shared")
}

fn skip_or_fail(why: &str) {
    if std::env::var("REPORT_INGEST_REQUIRE_CORPUS").is_ok_and(|v| v == "1") {
        panic!("quality gate cannot run: {why} (REPORT_INGEST_REQUIRE_CORPUS=1)");
    }
    notice(&format!("SKIPPED: {why}"));
}

/// Single-quotes a path for the `sh -c` command line report_eval.py runs.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn read_floors() -> serde_json::Map<String, Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/floors.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v.get("floors")
        .and_then(Value::as_object)
        .cloned()
        .expect("tests/floors.json has a \"floors\" object")
}

#[test]
fn floors_file_is_sane() {
    let floors = read_floors();
    for key in ["report_score", "text_f1"] {
        let v = floors
            .get(key)
            .and_then(Value::as_f64)
            .unwrap_or_else(|| panic!("floors.{key} missing"));
        assert!((0.0..=1.0).contains(&v), "floors.{key} = {v} is no score");
    }
}

/// The corpus folder, the scorer script and python3 are there; else skips (or fails
/// when the corpus is required) and says why.
fn scorer_ready(corpus: &Path, script: &Path) -> bool {
    if !corpus.is_dir() || !script.is_file() {
        skip_or_fail(&format!(
            "{} or {} not found",
            corpus.display(),
            script.display()
        ));
        return false;
    }
    if Command::new("python3").arg("--version").output().is_err() {
        skip_or_fail("python3 not found");
        return false;
    }
    true
}

#[test]
fn dev_corpus_scores_stay_above_floors() {
    let shared = shared_dir();
    let dev = shared.join("corpus").join("dev");
    let script = shared
        .join("tools")
        .join("extract-eval")
        .join("report_eval.py");
    if !scorer_ready(&dev, &script) {
        return;
    }
    let floors = read_floors();
    let bin = env!("CARGO_BIN_EXE_report-ingest");
    let out_dir = tempfile::tempdir().unwrap();
    let json_out = out_dir.path().join("scores.json");
    let output = Command::new("python3")
        .arg(&script)
        .arg(&dev)
        .arg("--cmd-batch")
        .arg(format!(
            "{} extract --jsonl {{list_file}}",
            shell_quote(bin)
        ))
        .arg("--per-page")
        .arg("--json-out")
        .arg(&json_out)
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&output.stdout);
    notice(&format!("report_eval.py on {}:\n{table}", dev.display()));
    assert!(
        output.status.success(),
        "report_eval.py failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_out).unwrap()).unwrap();
    let agg = results
        .as_array()
        .and_then(|a| a.first())
        .expect("one dataset in the scorer output");
    assert_eq!(
        agg.get("missing").and_then(Value::as_u64),
        Some(0),
        "the binary printed no line for some pages"
    );

    let mut failures = Vec::new();
    for (key, floor) in &floors {
        let Some(floor) = floor.as_f64() else {
            continue;
        };
        let got = agg.get(key).and_then(Value::as_f64);
        match got {
            Some(got) if got + EPSILON >= floor => {
                notice(&format!("{key} = {got:.4} (floor {floor:.3})"));
            }
            Some(got) => failures.push(format!("{key} = {got:.4} fell below its floor {floor:.3}")),
            None => failures.push(format!("{key} missing from the scorer output")),
        }
    }
    assert!(
        failures.is_empty(),
        "quality gate failed on {}:\n{}\n(scores per page above; floors in tests/floors.json \
         only go up)",
        dev.display(),
        failures.join("\n")
    );
}

/// The `real_floors` object of tests/floors.json: set name → {metric → floor}.
fn read_real_floors() -> Vec<(String, serde_json::Map<String, Value>)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/floors.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    v.get("real_floors")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_object()?.clone())))
                .collect()
        })
        .unwrap_or_default()
}

/// Main-text F1 (score.py) of the binary on one layout-A real set.
fn real_text_f1(script: &Path, set: &Path, bin: &str) -> f64 {
    let out_dir = tempfile::tempdir().unwrap();
    let json_out = out_dir.path().join("score.json");
    let output = Command::new("python3")
        .arg(script)
        .arg(set)
        .arg("--cmd-batch")
        .arg(format!(
            "{} extract --jsonl {{list_file}}",
            shell_quote(bin)
        ))
        .arg("--json-field")
        .arg("articles.*.main_text")
        .arg("--name")
        .arg("report-ingest")
        .arg("--json-out")
        .arg(&json_out)
        .output()
        .unwrap();
    notice(&format!(
        "score.py on {}:\n{}",
        set.display(),
        String::from_utf8_lossy(&output.stdout)
    ));
    assert!(
        output.status.success(),
        "score.py failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&json_out).unwrap()).unwrap();
    let agg = v.as_array().and_then(|a| a.first()).unwrap_or(&v);
    agg.get("F1")
        .and_then(Value::as_f64)
        .expect("score.py output has F1")
}

/// Share of the set's pages whose `published` day equals the truth `date` (YYYY-MM-DD…).
fn real_date_exact_day(set: &Path, bin: &str) -> f64 {
    use std::io::Read as _;
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(set.join("ground-truth.json")).unwrap())
            .unwrap();
    let truth = truth.as_object().expect("ground-truth.json is an object");
    let dir = tempfile::tempdir().unwrap();
    let mut list = String::new();
    let mut want = std::collections::HashMap::new();
    for (id, t) in truth {
        let Some(day) = t
            .get("date")
            .and_then(Value::as_str)
            .and_then(|d| d.get(..10))
        else {
            continue;
        };
        let gz = set.join("html").join(format!("{id}.html.gz"));
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&gz).unwrap())
            .read_to_end(&mut bytes)
            .unwrap();
        let plain = dir.path().join(format!("{id}.html"));
        std::fs::write(&plain, &bytes).unwrap();
        let p = plain.to_string_lossy().into_owned();
        list.push_str(&p);
        list.push('\n');
        want.insert(p, day.to_owned());
    }
    let list_path = dir.path().join("list.txt");
    std::fs::write(&list_path, list).unwrap();
    let output = Command::new(bin)
        .args(["extract", "--jsonl"])
        .arg(&list_path)
        .output()
        .unwrap();
    assert!(output.status.success(), "extract --jsonl failed");
    let mut exact = 0usize;
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let path = v.get("path").and_then(Value::as_str).unwrap_or_default();
        let got = v.get("published").and_then(Value::as_str);
        if let (Some(want), Some(got)) = (want.get(path), got) {
            if got.get(..10) == Some(want.as_str()) {
                exact += 1;
            }
        }
    }
    if want.is_empty() {
        return 1.0;
    }
    exact as f64 / want.len() as f64
}

#[test]
fn real_sets_stay_above_floors() {
    let shared = shared_dir();
    let script = shared.join("tools").join("extract-eval").join("score.py");
    let real = shared.join("corpus").join("real");
    if !scorer_ready(&real, &script) {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_report-ingest");
    let mut failures = Vec::new();
    for (name, floors) in read_real_floors() {
        let set = real.join(&name);
        if !set.join("ground-truth.json").is_file() {
            skip_or_fail(&format!("{} not found", set.display()));
            continue;
        }
        for (key, floor) in &floors {
            let Some(floor) = floor.as_f64() else {
                continue;
            };
            let got = match key.as_str() {
                "text_f1" => real_text_f1(&script, &set, bin),
                "date_exact_day" => real_date_exact_day(&set, bin),
                other => {
                    failures.push(format!("{name}: unknown metric {other}"));
                    continue;
                }
            };
            if got + EPSILON >= floor {
                notice(&format!("{name} {key} = {got:.4} (floor {floor:.3})"));
            } else {
                failures.push(format!(
                    "{name} {key} = {got:.4} fell below its floor {floor:.3}"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "quality gate failed on the real sets:\n{}\n(floors in tests/floors.json real_floors \
         only go up)",
        failures.join("\n")
    );
}
