//! `report-ingest replay`: re-extract stored pages from their stored raw bytes with the
//! current extractor (no network), rewrite the reports whose output changed and queue a
//! `report.changed` event for each in the outbox, then publish the outbox (with confirms)
//! unless `--no-publish`. Prints counts and pages/s.

use anyhow::Context;
use chrono::NaiveDate;
use report_ingest::config::{BrokerArgs, DbArgs};
use report_ingest::extract::EXTRACTOR_VERSION;
use report_ingest::ops::replay::{self, ReplayOptions, DEFAULT_BATCH};
use report_ingest::outbox;
use report_ingest::queue::{self, Names, Publisher};
use report_ingest::store::replay::ReplayFilter;
use report_ingest::store::Store;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub broker: BrokerArgs,
    /// Leave the report.changed events in the outbox for a running worker's relay instead
    /// of publishing them now (no broker needed).
    #[arg(long)]
    pub no_publish: bool,
    /// Only URLs matching this SQL LIKE pattern (`%` any run, `_` one character).
    #[arg(long)]
    pub url_like: Option<String>,
    /// Only pages of this host.
    #[arg(long)]
    pub host: Option<String>,
    /// Only reports made by an extractor older than this binary's.
    #[arg(long)]
    pub older_version: bool,
    /// Only pages fetched on or after this day (YYYY-MM-DD, UTC).
    #[arg(long)]
    pub since: Option<NaiveDate>,
    /// Only pages fetched on or before this day (YYYY-MM-DD, UTC, inclusive).
    #[arg(long)]
    pub until: Option<NaiveDate>,
    /// Rows read and extracted per batch.
    #[arg(long, env = "REPORT_INGEST_REPLAY_BATCH", default_value_t = DEFAULT_BATCH)]
    pub batch_size: usize,
    /// Extraction threads (0 = one per core).
    #[arg(long, env = "REPORT_INGEST_REPLAY_THREADS", default_value_t = 0)]
    pub threads: usize,
    /// Stop after this many rows.
    #[arg(long)]
    pub limit: Option<u64>,
    /// Re-extract and compare, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the counts as one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let store = Store::connect(&args.db)
        .await
        .context("connecting to PostgreSQL")?;
    let opts = ReplayOptions {
        filter: ReplayFilter {
            url_like: args.url_like,
            host: args.host,
            since: args.since,
            until: args.until,
        },
        older_version: args.older_version,
        batch: args.batch_size,
        threads: args.threads,
        limit: args.limit,
        dry_run: args.dry_run,
        write_concurrency: args.db.db_pool.max(1),
    };
    let stats = replay::run(&store, &opts).await.context("replaying")?;
    let published = if stats.changed > 0 && !args.dry_run && !args.no_publish {
        let conn = queue::connect(&args.broker)
            .await
            .context("connecting to RabbitMQ to publish report.changed")?;
        let publisher = Publisher::new(&conn).await?;
        let names = Names::new(&args.broker.prefix);
        let n = outbox::drain(&store, &publisher, &names, std::time::Duration::ZERO)
            .await
            .context("publishing the outbox")?;
        let _ = conn.close(200, "replay done".into()).await;
        n
    } else {
        0
    };
    if args.json {
        let doc = serde_json::json!({
            "extractor_version": EXTRACTOR_VERSION,
            "scanned": stats.scanned,
            "changed": stats.changed,
            "unchanged": stats.unchanged,
            "failed": stats.failed,
            "superseded": stats.superseded,
            "dry_run": args.dry_run,
            "seconds": stats.elapsed.as_secs_f64(),
            "extract_seconds": stats.extract_elapsed.as_secs_f64(),
            "write_seconds": stats.write_elapsed.as_secs_f64(),
            "pages_per_sec": stats.pages_per_sec(),
            "events_published": published,
        });
        println!("{doc}");
    } else {
        println!(
            "replay with extractor {EXTRACTOR_VERSION}{}: scanned {}, changed {}, unchanged {}, failed {}, superseded {} in {:.2}s ({:.1} pages/s; read+extract {:.2}s, write {:.2}s)",
            if args.dry_run { " (dry run)" } else { "" },
            stats.scanned,
            stats.changed,
            stats.unchanged,
            stats.failed,
            stats.superseded,
            stats.elapsed.as_secs_f64(),
            stats.pages_per_sec(),
            stats.extract_elapsed.as_secs_f64(),
            stats.write_elapsed.as_secs_f64(),
        );
        if published > 0 {
            println!(
                "published {published} report.changed events to {}.events",
                args.broker.prefix
            );
        }
        if stats.changed > 0 && !args.dry_run && args.no_publish {
            println!(
                "{} report.changed events are in the outbox; a running worker's outbox relay publishes them",
                stats.changed
            );
        }
    }
    Ok(())
}
