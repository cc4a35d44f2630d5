//! `report-ingest events tail`: print events from `{prefix}.events` (see `ops::events`).

use std::io::Write;

use anyhow::Context;
use report_ingest::config::BrokerArgs;
use report_ingest::ops::events::{self, TailOptions};
use report_ingest::queue::Names;
use report_ingest::startup::{connect_broker, StartupWait};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Bind a queue to the events exchange and print events as they arrive.
    Tail(TailArgs),
}

#[derive(Debug, clap::Args)]
pub struct TailArgs {
    #[command(flatten)]
    pub broker: BrokerArgs,
    #[command(flatten)]
    pub wait: StartupWait,
    /// Routing pattern to bind (`#` all, `report.failed`, `report.*`); repeatable.
    #[arg(long, default_value = "#")]
    pub pattern: Vec<String>,
    /// Use a durable queue of this name (kept between runs) instead of a temporary one.
    #[arg(long)]
    pub queue: Option<String>,
    /// Print each event's CloudEvents JSON on one line instead of a summary line.
    #[arg(long)]
    pub json: bool,
    /// Exit after this many events.
    #[arg(long)]
    pub count: Option<u64>,
    /// Exit after this many seconds without an event.
    #[arg(long)]
    pub timeout: Option<f64>,
    /// Create this file once the queue is bound (a readiness probe: whatever is published
    /// after it exists reaches this consumer).
    #[arg(long)]
    pub ready_file: Option<std::path::PathBuf>,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        Command::Tail(a) => tail(a).await,
    }
}

async fn tail(a: TailArgs) -> anyhow::Result<()> {
    let conn = connect_broker(&a.broker, a.wait.budget()).await?;
    let names = Names::new(&a.broker.prefix);
    let idle_timeout = match a.timeout {
        Some(s) if s.is_finite() && s >= 0.0 => Some(std::time::Duration::from_secs_f64(s)),
        Some(s) => anyhow::bail!("--timeout must be a number of seconds ≥ 0, got {s}"),
        None => None,
    };
    let options = TailOptions {
        patterns: a.pattern,
        queue: a.queue,
        count: a.count,
        idle_timeout,
    };
    let tail = events::bind(&conn, &names, options)
        .await
        .context("binding the events queue")?;
    // On stderr, so `--json` output stays pure; scripts wait for this line before
    // publishing what they want to see.
    eprintln!("tailing {} via queue {}", names.events_exchange, tail.queue);
    if let Some(path) = &a.ready_file {
        std::fs::write(path, format!("{}\n", tail.queue))
            .with_context(|| format!("writing the ready file {}", path.display()))?;
    }
    let json = a.json;
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let (n, stopped) = tail
        .run(
            |body| {
                let line = if json {
                    events::json_line(body)
                } else {
                    events::pretty(body)
                };
                let mut out = std::io::stdout().lock();
                writeln!(out, "{line}")?;
                out.flush()
            },
            shutdown,
        )
        .await
        .context("tailing events")?;
    tracing::info!(events = n, stopped = ?stopped, "Tail stopped.");
    let _ = conn.close(200, "done".into()).await;
    Ok(())
}
