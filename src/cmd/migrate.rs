//! `report-ingest migrate`: creates or upgrades the database schema (embedded numbered
//! migrations under an advisory lock) and declares the broker topology. Both idempotent.

use std::future::Future;
use std::time::{Duration, Instant};

use anyhow::Context;
use report_ingest::config::{BrokerArgs, DbArgs};
use report_ingest::disposition::{Classify, Disposition};
use report_ingest::queue::{self, Names};
use report_ingest::store::{migrate, Store, StoreError};

/// First and longest pause between two tries while the services come up.
const WAIT_MIN: Duration = Duration::from_millis(500);
const WAIT_MAX: Duration = Duration::from_secs(5);

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub broker: BrokerArgs,
    #[command(flatten)]
    pub db: DbArgs,
    /// Retry delays (seconds) of the retry queues declared with the topology.
    #[arg(
        long,
        env = "REPORT_INGEST_RETRY_DELAYS",
        value_delimiter = ',',
        default_value = "5,60,600"
    )]
    pub retry_delays: Vec<u64>,
    /// Only the database schema; leave the broker alone.
    #[arg(long)]
    pub db_only: bool,
    /// Seconds to keep retrying while the database or the broker is not up yet (it may
    /// still be starting: compose without health gating, a plain `docker run`, a
    /// Kubernetes Job without an init wait). Each try is logged; 0 tries once.
    #[arg(
        long = "startup-wait",
        env = "REPORT_INGEST_STARTUP_WAIT",
        default_value_t = 60
    )]
    pub startup_wait: u64,
}

/// Runs `attempt` until it succeeds, fails for good (`retryable` false), or `budget` is
/// spent, with doubling pauses from [`WAIT_MIN`] to [`WAIT_MAX`]; logs each failed try.
async fn with_startup_wait<T, E, F, Fut>(
    what: &str,
    budget: Duration,
    retryable: impl Fn(&E) -> bool,
    mut attempt: F,
) -> Result<T, E>
where
    E: std::fmt::Display,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let start = Instant::now();
    let mut pause = WAIT_MIN;
    let mut n = 0u32;
    loop {
        n = n.saturating_add(1);
        match attempt().await {
            Ok(v) => return Ok(v),
            Err(e) if retryable(&e) && start.elapsed() + pause <= budget => {
                tracing::warn!(
                    service = what,
                    attempt = n,
                    retry_in_ms = u64::try_from(pause.as_millis()).unwrap_or(u64::MAX),
                    error = %e,
                    "Service not ready; retrying."
                );
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(WAIT_MAX);
            }
            Err(e) => return Err(e),
        }
    }
}

/// Worth waiting for: the database is unreachable or starting, not misconfigured.
fn store_retryable(e: &StoreError) -> bool {
    matches!(e.disposition(), Disposition::Retry { .. })
        && !matches!(
            e,
            StoreError::InvalidSchema(_)
                | StoreError::InvalidUrl(_)
                | StoreError::SchemaTooNew { .. }
        )
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let budget = Duration::from_secs(args.startup_wait);
    let store = Store::connect(&args.db)
        .await
        .context("connecting to PostgreSQL")?;
    let outcome = with_startup_wait("postgresql", budget, store_retryable, || {
        migrate::run(&store)
    })
    .await
    .with_context(|| {
        format!(
            "migrating the database schema (waited up to {}s)",
            args.startup_wait
        )
    })?;
    if outcome.applied.is_empty() {
        println!(
            "database schema {:?} is up to date (version {})",
            store.schema(),
            outcome.version
        );
    } else {
        println!(
            "database schema {:?} migrated to version {} (applied {:?})",
            store.schema(),
            outcome.version,
            outcome.applied
        );
    }
    if args.db_only {
        return Ok(());
    }
    let names = Names::new(&args.broker.prefix);
    // A refused or reset connection is the broker starting; bad credentials are not
    // worth waiting for but look the same from here, so the budget bounds both.
    let conn = with_startup_wait(
        "rabbitmq",
        budget,
        |_| true,
        || queue::connect(&args.broker),
    )
    .await
    .with_context(|| {
        format!(
            "connecting to RabbitMQ (waited up to {}s)",
            args.startup_wait
        )
    })?;
    let channel = conn
        .create_channel()
        .await
        .context("opening a broker channel")?;
    queue::declare(&channel, &names, &args.retry_delays)
        .await
        .context("declaring the broker topology")?;
    // Best effort: the topology is declared either way.
    let _ = conn.close(200, "migrate done").await;
    println!("broker topology under prefix {:?} declared", names.prefix);
    Ok(())
}
