//! `report-ingest worker`.

use report_ingest::config::{BrokerArgs, DbArgs, FetchArgs, PolitenessArgs, WorkerArgs};

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

pub async fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`worker` is not implemented yet")
}
