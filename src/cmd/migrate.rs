//! `report-ingest migrate`: creates or upgrades the database schema (embedded numbered
//! migrations under an advisory lock) and declares the broker topology. Both idempotent.

use anyhow::Context;
use report_ingest::config::{BrokerArgs, DbArgs};
use report_ingest::queue::{self, Names};
use report_ingest::startup::{connect_broker, with_startup_wait, StartupWait};
use report_ingest::store::{migrate, Store, StoreError};

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
    #[command(flatten)]
    pub wait: StartupWait,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let budget = args.wait.budget();
    let store = Store::connect(&args.db)
        .await
        .context("connecting to PostgreSQL")?;
    let outcome = with_startup_wait("postgresql", budget, StoreError::worth_waiting, || {
        migrate::run(&store)
    })
    .await
    .with_context(|| {
        format!(
            "migrating the database schema (waited up to {}s)",
            args.wait.seconds
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
    let conn = connect_broker(&args.broker, budget).await?;
    let channel = conn
        .create_channel()
        .await
        .context("opening a broker channel")?;
    queue::declare(&channel, &names, &args.retry_delays)
        .await
        .context("declaring the broker topology")?;
    // Best effort: the topology is declared either way.
    let _ = conn.close(200, "migrate done".into()).await;
    println!("broker topology under prefix {:?} declared", names.prefix);
    Ok(())
}
