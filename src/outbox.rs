//! Event publishing and the outbox, one home for the worker and `replay`:
//! - [`publish_event`] / [`publish_event_raw`]: one event to `{prefix}.events`, with a
//!   confirm (the worker's settle step publishes with it, the relay publishes rows with it);
//! - [`relay`]: publishes events whose rows were committed but never marked sent (the
//!   worker died, or lost the broker, between the database commit and the publish), and
//!   refreshes the database health and the outbox backlog gauge; [`prune`] deletes sent
//!   rows past the retention;
//! - [`drain`]: every pending row now (`replay` publishes its `report.changed` rows so).

use std::time::Duration;

use lapin::BasicProperties;

use crate::events::{self, Event};
use crate::metrics::{Health, Metrics};
use crate::queue::{Names, Publisher, QueueError};
use crate::store::{Store, StoreError};

/// Publishes an event with confirm. An unroutable event (nobody has bound a queue to the
/// events exchange) is not an error: a topic exchange without subscribers drops it by
/// design, and holding the pipeline for absent consumers would stop ingestion.
pub async fn publish_event(
    publisher: &Publisher,
    names: &Names,
    event: &Event,
) -> Result<(), QueueError> {
    publish_event_raw(publisher, names, event.routing_key, &event.id, &event.body).await
}

/// [`publish_event`] for an outbox row.
pub async fn publish_event_raw(
    publisher: &Publisher,
    names: &Names,
    routing_key: &str,
    id: &str,
    body: &[u8],
) -> Result<(), QueueError> {
    let props = BasicProperties::default()
        .with_content_type(events::CONTENT_TYPE.into())
        .with_message_id(id.into())
        .with_type(routing_key.into())
        .with_timestamp(chrono::Utc::now().timestamp().max(0) as u64);
    match publisher
        .publish(&names.events_exchange, routing_key, body, props)
        .await
    {
        Err(QueueError::Unroutable { .. }) => {
            tracing::debug!(routing_key, "Event had no subscriber queue bound.");
            Ok(())
        }
        other => other,
    }
}

/// Why a relay round stopped early (both are transient; the next round tries again).
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Queue(#[from] QueueError),
}

/// How often the relay looks at the outbox.
pub const RELAY_INTERVAL: Duration = Duration::from_secs(1);

/// Age an unsent outbox row must reach before the relay publishes it. A live worker
/// publishes its own row within milliseconds of the commit (publish + confirm is < 10 ms
/// on a healthy broker); 10 s leaves room for a slow confirm so the relay seldom
/// duplicates an event a live worker is about to send (duplicates are harmless anyway:
/// the event id is deterministic).
pub const RELAY_MIN_AGE: Duration = Duration::from_secs(10);

/// Rows published per relay round.
pub const RELAY_BATCH: i64 = 500;

/// Longest wait between relay rounds after failed ones. A round fails when the broker
/// refuses an event (a full `reject-publish` queue bound to the events exchange, a nack)
/// or is away; the wait doubles from [`RELAY_INTERVAL`] per failed round up to this, so a
/// refusing broker is asked about once every 30 s, and the events follow within that once
/// the consumer queue drains.
pub const RELAY_BACKOFF_MAX: Duration = Duration::from_secs(30);

/// How often the relay deletes sent rows past the retention (in bounded batches).
pub const PRUNE_INTERVAL: Duration = Duration::from_secs(600);

/// Runs until dropped (the worker aborts it when its broker session ends). `retention`:
/// sent rows older than this are deleted every [`PRUNE_INTERVAL`].
pub async fn relay(
    store: Store,
    publisher: Publisher,
    names: Names,
    metrics: Metrics,
    health: Health,
    retention: Duration,
) {
    let mut wait = RELAY_INTERVAL;
    let mut next_prune = tokio::time::Instant::now();
    loop {
        tokio::time::sleep(wait).await;
        health.set_db(store.ping().await.is_ok());
        match relay_once(&store, &publisher, &names).await {
            Ok(n) => {
                if n > 0 {
                    tracing::info!(published = n, "Outbox relay published pending events.");
                }
                wait = RELAY_INTERVAL;
            }
            Err(error) => {
                wait = (wait * 2).min(RELAY_BACKOFF_MAX);
                tracing::warn!(%error, retry_in_ms = wait.as_millis() as u64,
                    "Outbox relay round failed; backing off.");
            }
        }
        if let Ok(n) = store.outbox_backlog().await {
            metrics.outbox_backlog(n);
        }
        if tokio::time::Instant::now() >= next_prune {
            next_prune = tokio::time::Instant::now() + PRUNE_INTERVAL;
            match prune(&store, &metrics, retention).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(deleted = n, "Outbox retention: deleted sent rows."),
                Err(error) => tracing::warn!(%error, "Outbox retention sweep failed."),
            }
        }
    }
}

/// Deletes sent rows older than `retention`, batch by batch
/// ([`crate::store::OUTBOX_PRUNE_BATCH`]), counting them in
/// `report_ingest_outbox_pruned_total`. Returns how many.
pub async fn prune(
    store: &Store,
    metrics: &Metrics,
    retention: Duration,
) -> Result<u64, StoreError> {
    let batch = crate::store::OUTBOX_PRUNE_BATCH;
    let mut total = 0;
    loop {
        let n = store.outbox_prune_batch(retention, batch).await?;
        metrics.outbox_pruned(n);
        total += n;
        if n < batch.unsigned_abs() {
            return Ok(total);
        }
    }
}

/// One round: publish pending rows (with confirms), mark them sent. Returns how many.
pub async fn relay_once(
    store: &Store,
    publisher: &Publisher,
    names: &Names,
) -> Result<usize, RelayError> {
    relay_older_than(store, publisher, names, RELAY_MIN_AGE).await
}

/// Publishes every pending row at least `min_age` old, batch by batch, until none is left
/// (`replay` uses it with zero age for the `report.changed` rows it just wrote). Returns
/// how many were published.
pub async fn drain(
    store: &Store,
    publisher: &Publisher,
    names: &Names,
    min_age: Duration,
) -> Result<usize, RelayError> {
    let mut total = 0;
    loop {
        let n = relay_older_than(store, publisher, names, min_age).await?;
        total += n;
        if n == 0 {
            return Ok(total);
        }
    }
}

/// One round over rows at least `min_age` old.
async fn relay_older_than(
    store: &Store,
    publisher: &Publisher,
    names: &Names,
    min_age: Duration,
) -> Result<usize, RelayError> {
    let rows = store.outbox_pending(min_age, RELAY_BATCH).await?;
    let mut sent = Vec::with_capacity(rows.len());
    for row in &rows {
        match publish_event_raw(publisher, names, &row.routing_key, &row.event_id, &row.body).await
        {
            Ok(()) => sent.push(row.id),
            Err(error) => {
                store.outbox_mark_sent(&sent).await?;
                return Err(RelayError::Queue(error));
            }
        }
    }
    store.outbox_mark_sent(&sent).await?;
    Ok(sent.len())
}
