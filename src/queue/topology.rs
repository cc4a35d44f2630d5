//! The broker topology of one deployment, declared in one place, idempotently (the worker
//! at start and after every reconnect, and `migrate`).
//!
//! ```text
//!  producers ──► {p}.ingest (direct) ──┐
//!  producers ──► default exchange ─────┴─► {p}.urls  (quorum, x-delivery-limit, DLX → {p}.urls.dlq)
//!                                            │ worker fails (retryable)
//!                                            ▼
//!                         {p}.urls.retry.{d}s (TTL d s, dead-letters back to {p}.urls)
//!  worker gives up / permanent failure ──► {p}.urls.dlq (durable, via default exchange)
//!  worker events ──► {p}.events (topic): report.completed | report.failed | report.changed
//! ```
//!
//! Why a quorum queue: RabbitMQ ≥ 3.10 quorum queues count redeliveries and enforce
//! `x-delivery-limit`, so a message that crashes every worker that touches it (the worker
//! dies before it can ack or dead-letter) is dead-lettered by the broker after
//! [`DELIVERY_LIMIT`] deliveries instead of looping forever. Quorum queues are also
//! replicated when the broker is a cluster.
//!
//! The retry delay queues are quorum queues too, with **at-least-once dead-lettering**
//! (`x-dead-letter-strategy=at-least-once`, which needs `x-overflow=reject-publish`): a
//! message whose delay expired stays in its delay queue until `{p}.urls` has confirmed it.
//! Classic queues dead-letter at most once: the fault suite (tests/faults.rs) lost 18 of
//! 2,006 messages that expired while `{p}.urls` had no leader right after a broker restart
//! ("leader not known. Command is dropped" in the broker log). The work queue dead-letters
//! into the DLQ at least once for the same reason. The DLQ is a plain durable queue.
//!
//! Declaring an existing queue with different arguments fails (`PRECONDITION_FAILED`);
//! changing these arguments means deleting the queues (or using a new prefix).

use lapin::options::{ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::{Channel, ExchangeKind};

use super::{Names, QueueError};

/// Deliveries of one message before the broker dead-letters it on its own. Calibrated
/// as "many more than any healthy path needs": the worker's own retries go through the
/// retry queues (a fresh message each time, count reset), so the broker's count only grows
/// through crashes and shutdown returns (nack requeue). 20 survives a rolling restart of a
/// large fleet but still stops a crash loop within seconds.
pub const DELIVERY_LIMIT: i64 = 20;

fn long(s: &str) -> AMQPValue {
    AMQPValue::LongString(LongString::from(s.as_bytes().to_vec()))
}

fn table(entries: &[(&str, AMQPValue)]) -> FieldTable {
    let mut t = FieldTable::default();
    for (k, v) in entries {
        t.insert(ShortString::from(*k), v.clone());
    }
    t
}

fn durable() -> QueueDeclareOptions {
    QueueDeclareOptions {
        durable: true,
        ..QueueDeclareOptions::default()
    }
}

/// Arguments of the work queue (shared with tools that need to redeclare it).
pub fn urls_arguments(names: &Names) -> FieldTable {
    table(&[
        ("x-queue-type", long("quorum")),
        ("x-delivery-limit", AMQPValue::LongLongInt(DELIVERY_LIMIT)),
        ("x-dead-letter-exchange", long("")),
        ("x-dead-letter-routing-key", long(&names.dlq)),
        ("x-dead-letter-strategy", long("at-least-once")),
        ("x-overflow", long("reject-publish")),
    ])
}

/// Arguments of the retry delay queue of `delay_secs` seconds.
pub fn retry_arguments(names: &Names, delay_secs: u64) -> FieldTable {
    let ttl_ms = i64::try_from(delay_secs.saturating_mul(1000)).unwrap_or(i64::MAX);
    table(&[
        ("x-queue-type", long("quorum")),
        ("x-message-ttl", AMQPValue::LongLongInt(ttl_ms)),
        ("x-dead-letter-exchange", long("")),
        ("x-dead-letter-routing-key", long(&names.urls)),
        ("x-dead-letter-strategy", long("at-least-once")),
        ("x-overflow", long("reject-publish")),
    ])
}

/// Declares every exchange, queue and binding of the deployment. Idempotent.
pub async fn declare(
    channel: &Channel,
    names: &Names,
    retry_delays: &[u64],
) -> Result<(), QueueError> {
    let exchange_opts = ExchangeDeclareOptions {
        durable: true,
        ..ExchangeDeclareOptions::default()
    };
    channel
        .queue_declare(names.dlq.as_str().into(), durable(), FieldTable::default())
        .await?;
    channel
        .queue_declare(names.urls.as_str().into(), durable(), urls_arguments(names))
        .await?;
    channel
        .exchange_declare(
            names.ingest_exchange.as_str().into(),
            ExchangeKind::Direct,
            exchange_opts,
            FieldTable::default(),
        )
        .await?;
    channel
        .queue_bind(
            names.urls.as_str().into(),
            names.ingest_exchange.as_str().into(),
            names.urls.as_str().into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await?;
    for &delay in retry_delays {
        channel
            .queue_declare(
                names.retry_queue(delay).into(),
                durable(),
                retry_arguments(names, delay),
            )
            .await?;
    }
    channel
        .exchange_declare(
            names.events_exchange.as_str().into(),
            ExchangeKind::Topic,
            exchange_opts,
            FieldTable::default(),
        )
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arg<'a>(t: &'a FieldTable, k: &str) -> Option<&'a AMQPValue> {
        t.inner().get(&ShortString::from(k))
    }

    /// Regression (fault suite): delay queues and the work queue must dead-letter at
    /// least once, or messages expiring while `{p}.urls` has no leader (broker restart)
    /// are dropped by the broker.
    #[test]
    fn dead_lettering_is_at_least_once() {
        let names = Names::new("t");
        for t in [retry_arguments(&names, 5), urls_arguments(&names)] {
            assert_eq!(
                arg(&t, "x-dead-letter-strategy"),
                Some(&long("at-least-once"))
            );
            assert_eq!(arg(&t, "x-overflow"), Some(&long("reject-publish")));
            assert_eq!(arg(&t, "x-queue-type"), Some(&long("quorum")));
        }
        let r = retry_arguments(&names, 5);
        assert_eq!(
            arg(&r, "x-message-ttl"),
            Some(&AMQPValue::LongLongInt(5000))
        );
        assert_eq!(arg(&r, "x-dead-letter-routing-key"), Some(&long("t.urls")));
    }
}
