//! `report-ingest worker`: runs until SIGTERM/SIGINT, then drains and exits 0.

use anyhow::Context;
use report_ingest::config::{BrokerArgs, DbArgs, FetchArgs, PolitenessArgs, WorkerArgs};
use report_ingest::worker::{self, Settings};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub broker: BrokerArgs,
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub fetch: FetchArgs,
    #[command(flatten)]
    pub politeness: PolitenessArgs,
    #[command(flatten)]
    pub worker: WorkerArgs,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let settings = Settings {
        broker: args.broker,
        db: args.db,
        fetch: args.fetch,
        politeness: args.politeness,
        worker: args.worker,
    };
    let shutdown = signal().await?;
    worker::run(settings, shutdown)
        .await
        .context("running the worker")
}

/// A future that resolves on the first SIGTERM or SIGINT.
async fn signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).context("installing the SIGTERM handler")?;
    let mut int = signal(SignalKind::interrupt()).context("installing the SIGINT handler")?;
    Ok(async move {
        let which = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        };
        tracing::info!(signal = which, "Shutdown requested.");
    })
}
