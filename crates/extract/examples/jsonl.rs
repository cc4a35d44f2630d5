//! Dev aid: `jsonl LIST` reads one path (optionally `path<TAB>url`) per line and prints one
//! JSON line per page (the report plus `"path"`), like `report-ingest extract --jsonl`,
//! without building the shell crate.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    clippy::print_stdout
)]

use std::io::Write;

use report_extract::{extract, rejected, Input, Options};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let list_path = std::env::args().nth(1).ok_or("usage: jsonl LIST")?;
    let list = std::fs::read_to_string(&list_path)?;
    let opts = Options::default();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in list.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (path, url) = match line.split_once('\t') {
            Some((p, u)) if !u.trim().is_empty() => (p.trim(), Some(u.trim())),
            Some((p, _)) => (p.trim(), None),
            None => (line, None),
        };
        let mut obj = match std::fs::read(path) {
            Ok(bytes) => {
                let input = Input {
                    bytes: &bytes,
                    url,
                    content_type: None,
                };
                let report = match extract(&input, &opts) {
                    Ok(r) => r,
                    Err(e) => rejected(&input, &e),
                };
                serde_json::to_value(&report)?
            }
            Err(e) => serde_json::json!({ "error": e.to_string() }),
        };
        if let Some(map) = obj.as_object_mut() {
            map.insert("path".into(), serde_json::Value::String(path.to_owned()));
        }
        serde_json::to_writer(&mut out, &obj)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}
