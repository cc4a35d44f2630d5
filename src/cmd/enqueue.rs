//! `report-ingest enqueue`.

use report_ingest::config::{BrokerArgs, DbArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub broker: BrokerArgs,
    #[command(flatten)]
    pub db: DbArgs,
}

pub async fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`enqueue` is not implemented yet")
}
