//! The worker: consumes `{prefix}.urls`, runs each delivery through [`process_one`], and
//! keeps going through broker and database outages until told to stop.
//!
//! - [`run`] owns the process: metrics endpoint, migrations, the broker session loop with
//!   reconnect backoff, and graceful shutdown.
//! - [`pipeline`]: one delivery, parse → robots → politeness → fetch → extract → store →
//!   event → ack.
//! - [`settle`]: `decide` (pure) and `settle`, the one place a delivery ends.
//! - [`failure`]: `Failure`, retry tiers, failure headers.
//! - [`commit`]: group commit, the one task that stores the deliveries' pages, several per
//!   transaction when they finish together.
//! - [`crash`]: crash-loop detection (in-flight markers, the worker lock, suspects run
//!   alone, the `crash_loop` verdict).
//! - the outbox relay ([`crate::outbox::relay`]) runs beside each broker session,
//!   publishing events a dead worker left behind.
//!
//! Concurrency: at most `--concurrency` deliveries are in flight (a semaphore), and the
//! broker prefetch equals it, so a replica never hoards messages others could process.
//!
//! Shutdown (SIGTERM/SIGINT → the `shutdown` future): cancel the consumer (no new
//! deliveries), return deliveries that were prefetched but not started, let in-flight ones
//! finish for up to `--shutdown-grace` seconds, then nack (requeue) whatever is left, close
//! the connection and return `Ok`.

pub mod attachments;
pub mod commit;
pub mod crash;
pub mod failure;
pub mod marks;
pub mod pages;
pub mod pipeline;
pub mod settle;

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use lapin::options::{BasicCancelOptions, BasicNackOptions};
use lapin::Acker;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::config::{BrokerArgs, DbArgs, FetchArgs, PolitenessArgs, WorkerArgs};
use crate::extract::Options;
use crate::fetch::{FetchError, Fetcher};
use crate::metrics::{Health, Metrics};
use crate::politeness::Politeness;
use crate::queue::{self, Names, Publisher, QueueError};
use crate::store::{Store, StoreError};

pub use pipeline::{process_one, Context, Outcome};

/// First reconnect delay after the broker connection is lost; doubles per failed attempt.
pub const RECONNECT_MIN: Duration = Duration::from_millis(200);
/// Longest reconnect delay (the brief: "backoff, cap 10 s").
pub const RECONNECT_MAX: Duration = Duration::from_secs(10);
/// How long prefetched-but-unstarted deliveries are drained after the consumer is
/// cancelled at shutdown (they are nacked back to the queue).
const DRAIN_IDLE: Duration = Duration::from_millis(200);

/// Everything the worker is configured with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub broker: BrokerArgs,
    pub db: DbArgs,
    pub fetch: FetchArgs,
    pub politeness: PolitenessArgs,
    pub worker: WorkerArgs,
}

/// Why the worker could not start (once running, it does not fail: it retries).
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("database: {0}")]
    Store(#[from] StoreError),
    #[error("fetch client: {0}")]
    Fetch(#[from] FetchError),
    #[error("broker: {0}")]
    Queue(#[from] QueueError),
    #[error("metrics endpoint: {0}")]
    Metrics(#[from] std::io::Error),
    #[error("invalid settings: {0}")]
    Settings(String),
}

/// Runs the worker until `shutdown` resolves, then drains and returns `Ok(())`.
pub async fn run(
    settings: Settings,
    shutdown: impl Future<Output = ()>,
) -> Result<(), WorkerError> {
    run_with(settings, Metrics::new(), Health::new(), shutdown).await
}

/// [`run`] with caller-provided metrics and health (tests and `bench` read them).
pub async fn run_with(
    settings: Settings,
    metrics: Metrics,
    health: Health,
    shutdown: impl Future<Output = ()>,
) -> Result<(), WorkerError> {
    let w = &settings.worker;
    if w.concurrency == 0 {
        return Err(WorkerError::Settings(
            "--concurrency must be at least 1".into(),
        ));
    }
    if w.retry_delays.is_empty() || w.retry_delays.contains(&0) {
        return Err(WorkerError::Settings(
            "--retry-delays needs at least one delay, each ≥ 1 s".into(),
        ));
    }
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);

    let mut metrics_task = None;
    if let Some(addr) = w.metrics_addr {
        let mut rx = stop_rx.clone();
        let (m, h) = (metrics.clone(), health.clone());
        let listener_shutdown = async move {
            let _ = rx.wait_for(|s| *s).await;
        };
        metrics_task = Some(tokio::spawn(crate::metrics::serve(
            addr,
            m,
            h,
            listener_shutdown,
        )));
    }
    // Liveness heartbeat: proves the runtime is not wedged.
    let beat = {
        let health = health.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tick.tick().await;
                health.beat();
            }
        })
    };

    let store = Store::connect(&settings.db).await?;
    if !w.no_migrate {
        // The database may still be starting: retry with the reconnect backoff.
        let mut backoff = RECONNECT_MIN;
        loop {
            match store.migrate().await {
                Ok(()) => break,
                Err(e) if e.worth_waiting() => {
                    tracing::warn!(error = %e, "Migrating failed; retrying.");
                    tokio::select! {
                        _ = &mut shutdown => { beat.abort(); return Ok(()); }
                        _ = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(RECONNECT_MAX);
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    health.set_db(store.ping().await.is_ok());
    let fetcher = Fetcher::new(&settings.fetch, &settings.politeness)?;
    let politeness = Politeness::new(&store, &settings.politeness);
    let crashes = crash::Crashes::start(store.clone(), &settings.worker, metrics.clone()).await;
    let (marks, marks_task) = marks::SentMarks::start(store.clone());
    let (committer, commit_task) = commit::Committer::start(store.clone(), metrics.clone());
    let ctx = Context {
        names: Names::new(&settings.broker.prefix),
        worker: Arc::new(settings.worker.clone()),
        politeness_args: Arc::new(settings.politeness.clone()),
        fetcher,
        store,
        politeness,
        metrics: metrics.clone(),
        extract_options: Arc::new(Options::default()),
        extract_slots: Arc::new(Semaphore::new(
            std::thread::available_parallelism().map_or(1, |n| n.get()),
        )),
        crashes: crashes.clone(),
        marks,
        committer,
    };

    let inflight = InFlight::default();
    let mut tasks: JoinSet<()> = JoinSet::new();
    let sem = Arc::new(Semaphore::new(w.concurrency));
    let prefetch = w
        .prefetch
        .unwrap_or_else(|| u16::try_from(w.concurrency).unwrap_or(u16::MAX));
    let mut backoff = RECONNECT_MIN;
    let mut first = true;

    loop {
        let end = session(
            &ctx,
            &settings.broker,
            &health,
            prefetch,
            &sem,
            &inflight,
            &mut tasks,
            &mut shutdown,
            &mut backoff,
        )
        .await;
        health.set_broker(false);
        match end {
            SessionEnd::Shutdown(open) => {
                drain(&mut tasks, &inflight, Duration::from_secs(w.shutdown_grace)).await;
                if let Some(open) = open {
                    let (conn, channel) = *open;
                    let _ = channel.close(200, "worker shutting down".into()).await;
                    let _ = conn.close(200, "worker shutting down".into()).await;
                }
                break;
            }
            SessionEnd::Lost(error) => {
                if !first {
                    metrics.broker_reconnected();
                }
                tracing::warn!(%error, retry_in_ms = backoff.as_millis() as u64,
                    "Broker session ended; reconnecting.");
                tokio::select! {
                    _ = &mut shutdown => {
                        drain(&mut tasks, &inflight, Duration::from_secs(w.shutdown_grace)).await;
                        break;
                    }
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(RECONNECT_MAX);
            }
        }
        first = false;
    }
    // Every delivery is settled, returned or abandoned to the broker by now: none of
    // this worker's markers is a crash.
    crashes.stop().await;
    ctx.marks.flush().await;
    drop(ctx);
    let _ = tokio::time::timeout(Duration::from_secs(5), commit_task).await;
    let _ = tokio::time::timeout(Duration::from_secs(5), marks_task).await;
    let _ = stop_tx.send(true);
    beat.abort();
    if let Some(t) = metrics_task {
        let _ = tokio::time::timeout(Duration::from_secs(2), t).await;
    }
    tracing::info!("Worker stopped.");
    Ok(())
}

/// Ackers of deliveries in flight, so shutdown can return the ones that miss the grace
/// period. An acker settles at most once (lapin tracks it), so a late task cannot ack a
/// delivery shutdown already returned.
#[derive(Clone, Default)]
struct InFlight(Arc<Mutex<HashMap<u64, Acker>>>);

impl InFlight {
    fn insert(&self, key: u64, acker: Acker) {
        if let Ok(mut m) = self.0.lock() {
            m.insert(key, acker);
        }
    }
    fn remove(&self, key: u64) {
        if let Ok(mut m) = self.0.lock() {
            m.remove(&key);
        }
    }
    fn take_all(&self) -> Vec<Acker> {
        match self.0.lock() {
            Ok(mut m) => m.drain().map(|(_, a)| a).collect(),
            Err(_) => Vec::new(),
        }
    }
}

enum SessionEnd {
    /// Shutdown asked. The connection and the consuming channel are handed back so
    /// in-flight deliveries can still be acked during the grace period (dropping the
    /// channel would close it and turn every pending ack into a redelivery).
    Shutdown(Option<Box<(lapin::Connection, lapin::Channel)>>),
    Lost(QueueError),
}

/// One broker connection's life: connect, declare, consume until the connection is lost
/// or shutdown is asked.
#[allow(clippy::too_many_arguments)]
async fn session<F: Future<Output = ()>>(
    ctx: &Context,
    broker: &BrokerArgs,
    health: &Health,
    prefetch: u16,
    sem: &Arc<Semaphore>,
    inflight: &InFlight,
    tasks: &mut JoinSet<()>,
    shutdown: &mut std::pin::Pin<&mut F>,
    backoff: &mut Duration,
) -> SessionEnd {
    let setup = async {
        let conn = queue::connect(broker).await?;
        let publisher = Publisher::new(&conn).await?;
        queue::declare(publisher.channel(), &ctx.names, &ctx.worker.retry_delays).await?;
        let tag = format!("report-ingest-{}", uuid::Uuid::new_v4());
        let (channel, consumer) =
            queue::consumer::consume(&conn, &ctx.names, prefetch, &tag).await?;
        Ok::<_, QueueError>((conn, publisher, channel, consumer, tag))
    };
    let (conn, publisher, channel, mut consumer, tag) = tokio::select! {
        _ = shutdown.as_mut() => return SessionEnd::Shutdown(None),
        r = setup => match r {
            Ok(v) => v,
            Err(e) => return SessionEnd::Lost(e),
        },
    };
    health.set_broker(true);
    *backoff = RECONNECT_MIN;
    tracing::info!(queue = %ctx.names.urls, prefetch, "Consuming.");
    let relay = tokio::spawn(crate::outbox::relay(
        ctx.store.clone(),
        publisher.clone(),
        ctx.names.clone(),
        ctx.metrics.clone(),
        health.clone(),
        Duration::from_secs(ctx.worker.outbox_retention),
    ));
    let mut seq: u64 = 0;

    let end = loop {
        while tasks.try_join_next().is_some() {}
        let permit = tokio::select! {
            biased;
            _ = shutdown.as_mut() => break None,
            p = Arc::clone(sem).acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break None,
            },
        };
        let next = tokio::select! {
            biased;
            _ = shutdown.as_mut() => break None,
            d = consumer.next() => d,
        };
        match next {
            Some(Ok(delivery)) => {
                seq += 1;
                let key = seq;
                inflight.insert(key, delivery.acker.clone());
                let (ctx, publisher, inflight) = (ctx.clone(), publisher.clone(), inflight.clone());
                tasks.spawn(async move {
                    let _permit = permit;
                    process_one(&ctx, &publisher, delivery).await;
                    inflight.remove(key);
                });
            }
            Some(Err(e)) => break Some(QueueError::from(e)),
            None => {
                break Some(QueueError::Amqp(
                    lapin::ErrorKind::InvalidChannelState(
                        lapin::ChannelState::Closed,
                        "the consumer stream ended",
                    )
                    .into(),
                ))
            }
        }
    };
    relay.abort();
    match end {
        Some(e) => SessionEnd::Lost(e),
        None => {
            // Stop new deliveries, and return the ones already prefetched but not started.
            if let Err(error) = channel
                .basic_cancel(tag.as_str().into(), BasicCancelOptions::default())
                .await
            {
                tracing::warn!(%error, "Cancelling the consumer failed.");
            }
            let requeue = BasicNackOptions {
                requeue: true,
                ..BasicNackOptions::default()
            };
            let mut returned = 0u32;
            while let Ok(Some(Ok(d))) = tokio::time::timeout(DRAIN_IDLE, consumer.next()).await {
                let _ = d.acker.nack(requeue).await;
                returned += 1;
            }
            tracing::info!(
                returned,
                in_flight = tasks.len(),
                "Shutdown: consumer cancelled."
            );
            SessionEnd::Shutdown(Some(Box::new((conn, channel))))
        }
    }
}

/// Waits up to `grace` for in-flight deliveries, then returns the rest to the queue.
async fn drain(tasks: &mut JoinSet<()>, inflight: &InFlight, grace: Duration) {
    let finished =
        tokio::time::timeout(grace, async { while tasks.join_next().await.is_some() {} }).await;
    if finished.is_err() {
        let requeue = BasicNackOptions {
            requeue: true,
            ..BasicNackOptions::default()
        };
        let mut returned = 0u32;
        for acker in inflight.take_all() {
            if acker.usable() && matches!(acker.nack(requeue).await, Ok(true)) {
                returned += 1;
            }
        }
        tasks.abort_all();
        while tasks.join_next().await.is_some() {}
        tracing::warn!(
            returned,
            "Shutdown grace over: returned unfinished deliveries."
        );
    }
}
