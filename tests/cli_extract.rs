//! `report-ingest extract --jsonl LIST`: one JSON line per listed page, each with its
//! `path`; a `path<TAB>url` line gives that page its URL, a plain path has none; a page that
//! cannot be read is an error line and the batch goes on.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use serde_json::Value;

#[test]
fn jsonl_lines_take_an_optional_url_after_a_tab() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    std::fs::write(
        &page,
        "<html><head><title>关于做好年度工作的通知</title></head><body><article>\
         <h1>关于做好年度工作的通知</h1><p>各有关单位：现将做好年度工作的有关事项通知如下，\
         请结合实际认真贯彻落实，确保各项任务按期完成。</p></article></body></html>",
    )
    .unwrap();
    let p = page.to_string_lossy().into_owned();
    let missing = dir
        .path()
        .join("missing.html")
        .to_string_lossy()
        .into_owned();
    let list = dir.path().join("list.txt");
    std::fs::write(
        &list,
        format!("{p}\thttps://www.example.gov.cn/2024/0517/a.html\n{p}\n{missing}\n"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_report-ingest"))
        .args(["extract", "--jsonl"])
        .arg(&list)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0]["path"], p.as_str());
    assert_eq!(
        lines[0]["url"],
        "https://www.example.gov.cn/2024/0517/a.html"
    );
    assert_eq!(lines[1]["path"], p.as_str());
    assert!(lines[1]["url"].is_null(), "{}", lines[1]);
    assert_eq!(lines[0]["title"], lines[1]["title"]);
    assert_eq!(lines[2]["path"], missing.as_str());
    assert!(lines[2]["error"].is_string(), "{}", lines[2]);
}
