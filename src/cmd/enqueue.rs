//! `report-ingest enqueue [URL…] [--file F]`: publishes URL messages to `{prefix}.urls`
//! with pipelined publisher confirms and prints how many the broker confirmed.

use std::io::BufRead;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use lapin::BasicProperties;
use report_ingest::config::BrokerArgs;
use report_ingest::queue::{self, publisher::PUBLISH_WINDOW, Names, Publisher};
use report_ingest::startup::{connect_broker, StartupWait};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub broker: BrokerArgs,
    #[command(flatten)]
    pub wait: StartupWait,
    /// URLs to enqueue. Without any (and without --file), one per line is read from stdin.
    pub urls: Vec<String>,
    /// Read URLs (or JSON messages, lines starting with `{`) from this file, one per line.
    #[arg(long, short = 'f')]
    pub file: Option<PathBuf>,
    /// A JSON object attached as `meta` to every message built from a bare URL.
    #[arg(long)]
    pub meta: Option<String>,
    /// Set `"force": true` on messages built from bare URLs (refetch even if seen).
    #[arg(long)]
    pub force: bool,
    /// Unconfirmed publishes kept in flight.
    #[arg(long, env = "REPORT_INGEST_PUBLISH_WINDOW", default_value_t = PUBLISH_WINDOW)]
    pub window: usize,
    /// Retry delays (seconds) of the retry queues declared with the topology.
    #[arg(
        long,
        env = "REPORT_INGEST_RETRY_DELAYS",
        value_delimiter = ',',
        default_value = "5,60,600"
    )]
    pub retry_delays: Vec<u64>,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let meta: Option<serde_json::Value> = match &args.meta {
        Some(m) => {
            let v: serde_json::Value = serde_json::from_str(m).context("--meta is not JSON")?;
            anyhow::ensure!(v.is_object(), "--meta must be a JSON object");
            Some(v)
        }
        None => None,
    };
    let lines: Vec<String> = if !args.urls.is_empty() {
        args.urls.clone()
    } else if let Some(path) = &args.file {
        let f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        read_lines(std::io::BufReader::new(f))?
    } else {
        read_lines(std::io::stdin().lock())?
    };

    let mut bodies = Vec::with_capacity(lines.len());
    let mut skipped = 0u64;
    for line in lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
        match build(line, meta.as_ref(), args.force) {
            Ok(body) => bodies.push(body),
            Err(e) => {
                skipped += 1;
                tracing::warn!(error = %e, "Skipping an unusable line.");
            }
        }
    }

    let names = Names::new(&args.broker.prefix);
    let conn = connect_broker(&args.broker, args.wait.budget()).await?;
    let publisher = Publisher::new(&conn).await?;
    queue::declare(publisher.channel(), &names, &args.retry_delays)
        .await
        .context("declaring the topology")?;
    let props = BasicProperties::default().with_content_type("application/json".into());
    let started = Instant::now();
    let total = bodies.len();
    let confirmed = publisher
        .publish_many("", &names.urls, &bodies, props, args.window)
        .await
        .with_context(|| format!("publishing to {}", names.urls))?;
    let secs = started.elapsed().as_secs_f64();
    let rate = if secs > 0.0 {
        confirmed as f64 / secs
    } else {
        0.0
    };
    println!(
        "confirmed {confirmed} of {total} messages to {} in {secs:.3} s ({rate:.0} msg/s); skipped {skipped} unusable lines",
        names.urls
    );
    let _ = conn.close(200, "enqueue done".into()).await;
    Ok(())
}

fn read_lines(r: impl BufRead) -> anyhow::Result<Vec<String>> {
    r.lines()
        .collect::<Result<Vec<_>, _>>()
        .context("reading input")
}

/// One message body: a JSON line is checked and sent as is; a bare URL is wrapped.
fn build(line: &str, meta: Option<&serde_json::Value>, force: bool) -> anyhow::Result<Vec<u8>> {
    let parsed = queue::parse_message(line.as_bytes())?;
    if line.starts_with('{') {
        return Ok(line.as_bytes().to_vec());
    }
    let mut obj = serde_json::json!({ "url": parsed.url });
    if let Some(m) = meta {
        obj["meta"] = m.clone();
    }
    if force {
        obj["force"] = serde_json::Value::Bool(true);
    }
    Ok(serde_json::to_vec(&obj)?)
}
