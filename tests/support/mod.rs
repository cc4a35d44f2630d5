//! Shared helpers for the integration tests: real RabbitMQ and PostgreSQL on 127.0.0.1,
//! a unique prefix/schema per test so tests run in parallel and rerun without cleanup.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod env;
pub mod http;
pub mod process;

use std::time::Duration;

use report_ingest::config::{BrokerArgs, DbArgs, FetchArgs, PolitenessArgs, Secret, WorkerArgs};

pub const AMQP_URL: &str = "amqp://guest:guest@127.0.0.1:5672/%2f";
pub const DATABASE_URL: &str = "postgres://postgres:postgres@127.0.0.1:5432/report_ingest";

/// A store on a fresh, migrated schema named after `tag`; returns the schema too.
pub async fn migrated_store(tag: &str) -> (report_ingest::store::Store, String) {
    let schema = unique(tag);
    let s = report_ingest::store::Store::connect(&db_args(&schema))
        .await
        .unwrap();
    s.migrate().await.unwrap();
    (s, schema)
}

/// Deletes a test's queues and exchanges (work, DLQ, the retry queue of each delay, and
/// any `extra` queue the test declared), so test runs leave nothing on the broker.
pub async fn delete_topology(
    ch: &lapin::Channel,
    names: &report_ingest::queue::Names,
    delays: &[u64],
    extra: &[&str],
) {
    use lapin::options::{ExchangeDeleteOptions, QueueDeleteOptions};
    let mut queues = vec![names.urls.clone(), names.dlq.clone()];
    let mut delays = delays.to_vec();
    delays.sort_unstable();
    delays.dedup();
    queues.extend(delays.iter().map(|d| names.retry_queue(*d)));
    queues.extend(extra.iter().map(|q| (*q).to_owned()));
    for q in &queues {
        let _ = ch
            .queue_delete(q.as_str().into(), QueueDeleteOptions::default())
            .await;
    }
    for x in [&names.ingest_exchange, &names.events_exchange] {
        let _ = ch
            .exchange_delete(x.as_str().into(), ExchangeDeleteOptions::default())
            .await;
    }
}

/// [`delete_topology`] of deployment `prefix` on a connection of its own, for suites that
/// let processes declare it (the retry queues of `delays`, and `extra` queues).
pub async fn delete_deployment(prefix: &str, delays: &[u64], extra: &[&str]) {
    let Ok(conn) = report_ingest::queue::connect(&broker_args(prefix)).await else {
        return;
    };
    if let Ok(ch) = conn.create_channel().await {
        delete_topology(
            &ch,
            &report_ingest::queue::Names::new(prefix),
            delays,
            extra,
        )
        .await;
    }
    let _ = conn.close(200, "test done".into()).await;
}

/// The retry delays a worker or `enqueue` declares queues for when not told
/// (`--retry-delays` default).
pub const DEFAULT_RETRY_DELAYS: &[u64] = &[5, 60, 600];

/// A fresh name like `t_worker_3f9a1c2b`: used as broker prefix and DB schema.
pub fn unique(tag: &str) -> String {
    format!("t_{tag}_{:08x}", rand::random::<u32>())
}

pub fn broker_args(prefix: &str) -> BrokerArgs {
    BrokerArgs {
        amqp_url: Secret::new(AMQP_URL),
        prefix: prefix.to_owned(),
    }
}

pub fn db_args(schema: &str) -> DbArgs {
    DbArgs {
        database_url: Secret::new(DATABASE_URL),
        db_schema: schema.to_owned(),
        db_pool: 4,
    }
}

/// Fetch settings for tests: private addresses allowed (the test server is on 127.0.0.1),
/// short timeouts.
pub fn fetch_args() -> FetchArgs {
    FetchArgs {
        allow_private: true,
        max_body: 10 * 1024 * 1024,
        connect_timeout: 2.0,
        fetch_timeout: 5.0,
        max_redirects: 10,
        user_agent: "report-ingest-tests/0".into(),
        per_host: 64,
    }
}

/// Politeness that never gets in the way (tests of politeness set their own).
pub fn politeness_args() -> PolitenessArgs {
    PolitenessArgs {
        ignore_robots: true,
        host_rate: 100_000.0,
        host_concurrency: 10_000,
        host_budgets: Vec::new(),
        politeness_max_wait: 5.0,
        contact_url: "https://example.invalid/contact".into(),
    }
}

/// Worker settings for tests: short retry delays.
pub fn worker_args() -> WorkerArgs {
    WorkerArgs {
        concurrency: 8,
        prefetch: None,
        max_attempts: 3,
        retry_delays: vec![1, 1, 2],
        shutdown_grace: 5,
        metrics_addr: None,
        no_migrate: false,
        fault_exit_after_commit: None,
        fault_abort_on: None,
        outbox_retention: 7 * 86_400,
        max_pages: 20,
        fetch_attachments: false,
    }
}

/// Polls `f` every 50 ms until it returns `Some`, or panics after `timeout`.
pub async fn eventually<T, F, Fut>(timeout: Duration, what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(v) = f().await {
            return v;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Messages ready in `queue` (a passive declare: the queue must exist).
pub async fn queue_depth(ch: &lapin::Channel, queue: &str) -> u32 {
    ch.queue_declare(
        queue.into(),
        lapin::options::QueueDeclareOptions {
            passive: true,
            ..Default::default()
        },
        lapin::types::FieldTable::default(),
    )
    .await
    .unwrap()
    .message_count()
}
