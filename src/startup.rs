//! Waiting for the broker or the database while they come up: compose without health
//! gating, a plain `docker run`, a Kubernetes Job without an init wait, or a container
//! network whose DNS is being reloaded because a new container joined it.

use std::future::Future;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::config::BrokerArgs;
use crate::queue;

/// First and longest pause between two tries.
const WAIT_MIN: Duration = Duration::from_millis(500);
const WAIT_MAX: Duration = Duration::from_secs(5);

/// `--startup-wait`: how long a one-shot command keeps retrying its first connection.
#[derive(Debug, Clone, clap::Args)]
pub struct StartupWait {
    /// Seconds to keep retrying while the database or the broker is not reachable yet
    /// (still starting, or its name not resolvable yet). Each try is logged; 0 tries once.
    #[arg(
        id = "startup_wait",
        long = "startup-wait",
        env = "REPORT_INGEST_STARTUP_WAIT",
        default_value_t = 60
    )]
    pub seconds: u64,
}

impl StartupWait {
    pub fn budget(&self) -> Duration {
        Duration::from_secs(self.seconds)
    }
}

/// Runs `attempt` until it succeeds, fails for good (`retryable` false), or `budget` is
/// spent, with doubling pauses from [`WAIT_MIN`] to [`WAIT_MAX`]; logs each failed try.
pub async fn with_startup_wait<T, E, F, Fut>(
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

/// Connects to the broker, retrying for up to `budget` while it is starting or its name
/// does not resolve yet (a container network reloading its DNS). Bad credentials look the
/// same from here; the budget bounds them too. Nothing has been sent, so retrying is safe.
pub async fn connect_broker(
    broker: &BrokerArgs,
    budget: Duration,
) -> anyhow::Result<lapin::Connection> {
    with_startup_wait("rabbitmq", budget, |_| true, || queue::connect(broker))
        .await
        .with_context(|| {
            format!(
                "connecting to the broker (waited up to {}s)",
                budget.as_secs()
            )
        })
}
