//! `report-ingest dlq list|requeue|purge`: dead-letter triage (see `ops::dlq`).

use std::io::Write;

use anyhow::Context;
use report_ingest::config::BrokerArgs;
use report_ingest::ops::dlq::{self, Selection};
use report_ingest::queue::{self, Names};

/// Most dead letters one run looks at. Every message read stays unacked on the broker
/// until the run ends, so the scan is bounded; the default covers any DLQ an operator
/// would triage by hand, `--limit` raises it.
const DEFAULT_LIMIT: u64 = 100_000;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Group dead letters by host and reason, with counts and example URLs (nothing is removed).
    List(ListArgs),
    /// Send a selection back to the URL queue (attempts reset, x-ri-requeued set); the rest stay.
    Requeue(RequeueArgs),
    /// Delete every dead letter. Refuses without --yes-really.
    Purge(PurgeArgs),
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub broker: BrokerArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Look at no more than this many messages.
    #[arg(long, default_value_t = DEFAULT_LIMIT)]
    pub limit: u64,
}

#[derive(Debug, clap::Args)]
pub struct RequeueArgs {
    #[command(flatten)]
    pub broker: BrokerArgs,
    /// Requeue messages with this reason code (e.g. http_503, timeout); repeatable.
    #[arg(long)]
    pub reason: Vec<String>,
    /// Requeue messages for this host; repeatable.
    #[arg(long)]
    pub host: Vec<String>,
    /// Requeue messages dead-lettered longer ago than this (90s, 15m, 2h, 3d).
    #[arg(long, value_parser = parse_age)]
    pub older_than: Option<std::time::Duration>,
    /// Requeue everything (other filters still narrow it).
    #[arg(long)]
    pub all: bool,
    /// Look at no more than this many messages.
    #[arg(long, default_value_t = DEFAULT_LIMIT)]
    pub limit: u64,
    /// Print the counts as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct PurgeArgs {
    #[command(flatten)]
    pub broker: BrokerArgs,
    /// Confirms that every dead letter is to be deleted for good.
    #[arg(long)]
    pub yes_really: bool,
}

fn parse_age(s: &str) -> Result<std::time::Duration, String> {
    dlq::parse_age(s).map_err(|e| e.to_string())
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        Command::List(a) => list(a).await,
        Command::Requeue(a) => requeue(a).await,
        Command::Purge(a) => purge(a).await,
    }
}

async fn list(a: ListArgs) -> anyhow::Result<()> {
    let conn = queue::connect(&a.broker)
        .await
        .context("connecting to the broker")?;
    let names = Names::new(&a.broker.prefix);
    let listing = dlq::list(&conn, &names, a.limit)
        .await
        .context("listing the DLQ")?;
    let _ = conn.close(200, "done".into()).await;
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer(&mut out, &listing)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "{}: {} dead letters ({} scanned) in {} groups",
        listing.queue,
        listing.depth,
        listing.scanned,
        listing.groups.len()
    )?;
    if listing.groups.is_empty() {
        return Ok(());
    }
    let hw = listing
        .groups
        .iter()
        .map(|g| g.host.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let rw = listing
        .groups
        .iter()
        .map(|g| g.reason.len())
        .max()
        .unwrap_or(6)
        .max(6);
    writeln!(
        out,
        "{:>7}  {:<hw$}  {:<rw$}  examples",
        "count", "host", "reason"
    )?;
    for g in &listing.groups {
        writeln!(
            out,
            "{:>7}  {:<hw$}  {:<rw$}  {}",
            g.count,
            g.host,
            g.reason,
            g.examples.join("  ")
        )?;
    }
    Ok(())
}

async fn requeue(a: RequeueArgs) -> anyhow::Result<()> {
    let selection = Selection {
        reasons: a.reason,
        hosts: a.host,
        older_than: a.older_than,
        all: a.all,
    };
    if selection.is_empty() {
        anyhow::bail!("nothing selected: give --reason, --host, --older-than, or --all");
    }
    let conn = queue::connect(&a.broker)
        .await
        .context("connecting to the broker")?;
    let names = Names::new(&a.broker.prefix);
    let started = std::time::Instant::now();
    let outcome = dlq::requeue(&conn, &names, &selection, a.limit)
        .await
        .context("requeueing from the DLQ (messages not confirmed stay in the DLQ)")?;
    let _ = conn.close(200, "done".into()).await;
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer(&mut out, &outcome)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "scanned {} of {} in {}: requeued {} to {}, kept {} ({:.2}s)",
            outcome.scanned,
            outcome.depth,
            outcome.queue,
            outcome.requeued,
            outcome.target,
            outcome.kept,
            started.elapsed().as_secs_f64()
        )?;
    }
    Ok(())
}

async fn purge(a: PurgeArgs) -> anyhow::Result<()> {
    let names = Names::new(&a.broker.prefix);
    if !a.yes_really {
        anyhow::bail!(
            "refusing to purge {} without --yes-really (dead letters are deleted for good; \
             `dlq list` shows what is there)",
            names.dlq
        );
    }
    let conn = queue::connect(&a.broker)
        .await
        .context("connecting to the broker")?;
    let n = dlq::purge(&conn, &names).await.context("purging the DLQ")?;
    let _ = conn.close(200, "done".into()).await;
    println!("purged {n} dead letters from {}", names.dlq);
    Ok(())
}
