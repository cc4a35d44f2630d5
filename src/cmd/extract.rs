//! `report-ingest extract FILE` and `extract --jsonl LIST`: offline, no broker, no database.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use report_ingest::extract::{self, Input, Options};
use report_ingest::extraction::{self, ExtractFailure};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The HTML file (or, with --jsonl, a file listing one HTML path per line, optionally
    /// followed by a tab and the URL it was served from).
    pub file: PathBuf,
    /// Batch mode: FILE lists paths; print one JSON object per line with "path".
    #[arg(long)]
    pub jsonl: bool,
    /// The URL the page was served from.
    #[arg(long)]
    pub url: Option<String>,
    /// The Content-Type header the server sent.
    #[arg(long)]
    pub content_type: Option<String>,
    /// Pretty-print the single-file JSON.
    #[arg(long)]
    pub pretty: bool,
    /// Print how the main content was chosen (chrome sub-trees, container scores,
    /// blocks) instead of the JSON.
    #[arg(long)]
    pub explain: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let opts = Options::default();
    if args.jsonl {
        let list = std::fs::read_to_string(&args.file)
            .with_context(|| format!("reading list {}", args.file.display()))?;
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        for line in list.lines().map(str::trim).filter(|l| !l.is_empty()) {
            // `path<TAB>url` gives the page its URL (dates in the path, absolute links);
            // a plain path takes --url, if any.
            let (path, url) = match line.split_once('\t') {
                Some((p, u)) if !u.trim().is_empty() => (p.trim(), Some(u.trim())),
                Some((p, _)) => (p.trim(), args.url.as_deref()),
                None => (line, args.url.as_deref()),
            };
            let value = one(Path::new(path), url, &args, &opts);
            let mut obj = match value {
                Ok(v) => v,
                Err(e) => serde_json::json!({ "error": format!("{e:#}") }),
            };
            if let Some(map) = obj.as_object_mut() {
                map.insert("path".into(), serde_json::Value::String(path.to_owned()));
            }
            serde_json::to_writer(&mut out, &obj)?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
        return Ok(());
    }
    if args.explain {
        let bytes = std::fs::read(&args.file)
            .with_context(|| format!("reading {}", args.file.display()))?;
        let input = Input {
            bytes: &bytes,
            url: args.url.as_deref(),
            content_type: args.content_type.as_deref(),
        };
        print!("{}", extract::explain(&input, &opts));
        return Ok(());
    }
    let value = one(&args.file, args.url.as_deref(), &args, &opts)?;
    let text = if args.pretty {
        serde_json::to_string_pretty(&value)?
    } else {
        serde_json::to_string(&value)?
    };
    // A closed pipe (`extract page.html | head`) is not an error worth a panic.
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{text}") {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    Ok(())
}

fn one(
    path: &Path,
    url: Option<&str>,
    args: &Args,
    opts: &Options,
) -> anyhow::Result<serde_json::Value> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let input = Input {
        bytes: &bytes,
        url,
        content_type: args.content_type.as_deref(),
    };
    // A panic in the extractor is this file's error (one `error` line in --jsonl mode),
    // not the end of the run.
    let report = match extraction::extract(&input, opts) {
        Ok(r) => r,
        Err(ExtractFailure::Rejected(e)) => extract::rejected(&input, &e),
        Err(panicked) => anyhow::bail!("{}: {panicked}", path.display()),
    };
    Ok(serde_json::to_value(&report)?)
}
