//! How a delivery ends, in one place.
//!
//! - [`decide`] (pure) turns what happened to a delivery ([`Happened`]) into a
//!   [`Decision`]: store, retry, delay, dead-letter or return, each carrying the
//!   properties of the copy to republish and the event to announce.
//! - [`settle`] carries a decision out: publish → confirm → ack, or nack. It is the only
//!   code that acks or nacks a work-queue delivery, so "every message ends exactly once"
//!   is this function:
//!
//! | decision    | publishes (confirmed)                  | then                      |
//! |-------------|----------------------------------------|---------------------------|
//! | Store       | `report.completed`                     | ack; outbox row marked sent in a batch ([`super::marks`]) |
//! | Retry       | the message to `{p}.urls.retry.{d}s`   | ack                       |
//! | Delay       | the message to a delay queue           | ack                       |
//! | DeadLetter  | the message to `{p}.urls.dlq`, then `report.failed` | ack          |
//! | Return      | nothing                                | nack (requeue)            |
//!
//! Once the outcome is final (the row committed, or the dead letter confirmed), an event
//! the broker does not confirm (nack, `reject-publish` from a full queue bound to the
//! events exchange, a lost channel, a confirm timeout) does NOT send the message round
//! again: that made a committed message loop until the broker's delivery limit dropped
//! it, while its event went out once per round. The event is left to the outbox (the
//! committed row's outbox row is already pending; otherwise one is written now), the
//! message is acked, `report_ingest_event_publish_refused_total` counts it, and the relay
//! publishes it with backoff once the broker takes it. Only if the outbox cannot be
//! written either is the message returned.
//!
//! A failed ack is logged and counted the same way for every decision; the outcome is
//! then [`Outcome::Returned`] (the broker redelivers and the idempotent store absorbs it).

use std::time::{Duration, Instant};

use lapin::message::Delivery;
use lapin::options::BasicNackOptions;
use lapin::BasicProperties;
use serde_json::Value;

use super::failure::{self, Failure};
use super::pipeline::{Context, Outcome};
use crate::config::WorkerArgs;
use crate::disposition::Disposition;
use crate::events::{self, Event};
use crate::metrics;
use crate::outbox::publish_event;
use crate::queue::consumer::{attempts, rebuild_properties};
use crate::queue::names::headers;
use crate::queue::Publisher;

/// Who a failed message was about, for its dead letter and `report.failed`.
#[derive(Debug, Clone, Default)]
pub struct About {
    /// The URL (or, for an unparsable body, its first 256 characters).
    pub subject: String,
    pub host: Option<String>,
    /// The caller's `id` and `meta`, echoed.
    pub id: Option<String>,
    pub meta: Option<Value>,
}

/// A key for one message, the same on every redelivery and retry of it (retries republish
/// the same body and properties): the caller's `id` when given, else the AMQP
/// `message_id`, else the body with the publish timestamp. Two messages with the same body
/// and neither id nor timestamp cannot be told apart and share a key.
pub fn message_key(caller_id: Option<&str>, props: &BasicProperties, body: &[u8]) -> String {
    if let Some(id) = caller_id {
        return format!("id:{id}");
    }
    if let Some(mid) = props.message_id() {
        return format!("mid:{mid}");
    }
    let ts = props.timestamp().map(|t| t.to_string()).unwrap_or_default();
    format!(
        "body:{}",
        events::event_id(&[&String::from_utf8_lossy(body), &ts])
    )
}

/// What happened to a delivery before it is settled.
#[derive(Debug, Clone)]
pub enum Happened {
    /// Committed (or found unchanged); `outbox_id` is the pending outbox row of `event`.
    Saved {
        event: Event,
        outbox_id: Option<i64>,
        unchanged: bool,
    },
    /// The host is over its politeness budget for this long.
    OverBudget(Duration),
    /// It failed.
    Failed { failure: Failure, about: About },
}

/// How a delivery is to end (see the module table).
#[derive(Debug, Clone)]
pub enum Decision {
    Store {
        event: Event,
        outbox_id: Option<i64>,
        unchanged: bool,
    },
    Retry {
        reason: &'static str,
        detail: String,
        delay: u64,
        props: BasicProperties,
    },
    Delay {
        delay: u64,
        props: BasicProperties,
    },
    DeadLetter {
        reason: &'static str,
        detail: String,
        props: BasicProperties,
        event: Event,
    },
    Return,
}

/// Decides how a delivery with properties `props` ends after `happened` (pure: `now` is
/// the RFC 3339 time stamped on failure headers).
pub fn decide(
    worker: &WorkerArgs,
    props: &BasicProperties,
    body: &[u8],
    happened: Happened,
    now: &str,
) -> Decision {
    match happened {
        Happened::Saved {
            event,
            outbox_id,
            unchanged,
        } => Decision::Store {
            event,
            outbox_id,
            unchanged,
        },
        Happened::OverBudget(wait) => {
            // The attempt count is unchanged: being throttled is not a failure.
            let delay = failure::delay_tier(&worker.retry_delays, wait);
            let prev = i64::from(attempts(props));
            Decision::Delay {
                delay,
                props: rebuild_properties(props, &[], &[], &[(headers::ATTEMPTS, prev)]),
            }
        }
        Happened::Failed { failure: f, about } => {
            let attempts_now = attempts(props).saturating_add(1);
            let first = failure::first_failure(props, now);
            let reason_header = failure::reason_header(&f);
            let host = about.host.clone().unwrap_or_default();
            let strings = [
                (headers::REASON, reason_header.as_str()),
                (headers::HOST, host.as_str()),
                (headers::FIRST_FAILURE, first.as_str()),
                (headers::LAST_FAILURE, now),
            ];
            let ints = [(headers::ATTEMPTS, i64::from(attempts_now))];
            let copy = rebuild_properties(props, &[], &strings, &ints);
            if let Disposition::Retry { after } = f.disposition {
                if attempts_now < worker.max_attempts {
                    let delay = failure::retry_delay(&worker.retry_delays, attempts_now, after);
                    return Decision::Retry {
                        reason: f.reason,
                        detail: f.detail,
                        delay,
                        props: copy,
                    };
                }
            }
            let key = message_key(about.id.as_deref(), props, body);
            let event = events::failed(
                &key,
                &about.subject,
                f.reason,
                &f.detail,
                attempts_now,
                about.host.as_deref().filter(|h| !h.is_empty()),
                about.id.as_deref(),
                about.meta.as_ref(),
            );
            Decision::DeadLetter {
                reason: f.reason,
                detail: f.detail,
                props: copy,
                event,
            }
        }
    }
}

/// Carries `decision` out for `delivery` (see the module docs). Never fails: what cannot
/// be done ends as [`Outcome::Returned`].
pub async fn settle(
    ctx: &Context,
    publisher: &Publisher,
    delivery: &Delivery,
    decision: Decision,
) -> Outcome {
    match decision {
        Decision::Store {
            event,
            outbox_id,
            unchanged,
        } => {
            let t = Instant::now();
            let done = Outcome::Stored { unchanged };
            match publish_event(publisher, &ctx.names, &event).await {
                Ok(()) => {
                    ctx.metrics
                        .stage(metrics::stage::PUBLISH, t.elapsed().as_secs_f64());
                    if let Some(id) = outbox_id {
                        ctx.marks.mark(id);
                    }
                    ack(ctx, delivery, done).await
                }
                Err(error) => leave_to_outbox(ctx, delivery, &event, outbox_id, &error, done).await,
            }
        }
        Decision::Retry {
            reason,
            detail,
            delay,
            props,
        } => {
            tracing::info!(reason, %detail, delay, "Retrying later.");
            match failure::publish_retry(publisher, &ctx.names, delay, &delivery.data, props).await
            {
                Ok(()) => ack(ctx, delivery, Outcome::Retried { reason, delay }).await,
                Err(error) => {
                    tracing::warn!(%error, "Scheduling the retry failed; returning the message.");
                    nack(delivery).await
                }
            }
        }
        Decision::Delay { delay, props } => {
            tracing::debug!(delay, "Host over budget; delaying.");
            match failure::publish_retry(publisher, &ctx.names, delay, &delivery.data, props).await
            {
                Ok(()) => ack(ctx, delivery, Outcome::Delayed { delay }).await,
                Err(error) => {
                    tracing::warn!(%error, "Delaying failed; returning the message.");
                    nack(delivery).await
                }
            }
        }
        Decision::DeadLetter {
            reason,
            detail,
            props,
            event,
        } => {
            tracing::warn!(reason, %detail, "Dead-lettering.");
            if let Err(error) =
                failure::publish_dead_letter(publisher, &ctx.names, &delivery.data, props).await
            {
                tracing::warn!(%error, "Dead-lettering failed; returning the message.");
                return nack(delivery).await;
            }
            let done = Outcome::DeadLettered { reason };
            match publish_event(publisher, &ctx.names, &event).await {
                Ok(()) => ack(ctx, delivery, done).await,
                Err(error) => leave_to_outbox(ctx, delivery, &event, None, &error, done).await,
            }
        }
        Decision::Return => nack(delivery).await,
    }
}

/// The outcome is final but its event was not confirmed: the outbox gets it (it already
/// has it when `outbox_id` is set), the message is acked. If the outbox cannot be written
/// the message is returned (its redelivery publishes the event again).
async fn leave_to_outbox(
    ctx: &Context,
    delivery: &Delivery,
    event: &Event,
    outbox_id: Option<i64>,
    error: &crate::queue::QueueError,
    done: Outcome,
) -> Outcome {
    if outbox_id.is_none() {
        if let Err(store_error) = ctx.store.outbox_add(event).await {
            tracing::warn!(%error, %store_error,
                "Publishing the event failed and the outbox could not take it; returning the message.");
            return nack(delivery).await;
        }
    }
    ctx.metrics.event_publish_refused(event.routing_key);
    tracing::warn!(%error, event_id = %event.id, routing_key = event.routing_key,
        "The broker did not confirm the event; the outbox relay will publish it.");
    ack(ctx, delivery, done).await
}

/// Acks; a failed ack is logged and counted, and the delivery counts as returned.
async fn ack(ctx: &Context, delivery: &Delivery, done: Outcome) -> Outcome {
    match crate::queue::consumer::ack(&delivery.acker).await {
        Ok(()) => done,
        Err(error) => {
            ctx.metrics.ack_failed();
            tracing::warn!(%error, settled = ?done,
                "Ack failed; the broker will redeliver the message (idempotent).");
            Outcome::Returned
        }
    }
}

/// Returns the delivery to its queue.
async fn nack(delivery: &Delivery) -> Outcome {
    let opts = BasicNackOptions {
        requeue: true,
        ..BasicNackOptions::default()
    };
    if let Err(error) = delivery.acker.nack(opts).await {
        tracing::debug!(%error, "Nack failed (channel gone); the broker redelivers.");
    }
    Outcome::Returned
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::queue::consumer::{header_str, header_table, header_u64};

    fn worker() -> WorkerArgs {
        WorkerArgs {
            concurrency: 1,
            prefetch: None,
            max_attempts: 3,
            retry_delays: vec![5, 60, 600],
            shutdown_grace: 1,
            metrics_addr: None,
            no_migrate: true,
            fault_exit_after_commit: None,
            fault_abort_on: None,
            outbox_retention: 7 * 86_400,
            max_pages: 20,
            fetch_attachments: false,
        }
    }

    fn props(attempts: i64, extra: &[(&str, &str)]) -> BasicProperties {
        BasicProperties::default()
            .with_headers(header_table(
                extra,
                &[(headers::ATTEMPTS, attempts), ("x-delivery-count", 4)],
            ))
            .with_message_id("m-1".into())
    }

    fn about() -> About {
        About {
            subject: "https://h.example/a".into(),
            host: Some("h.example".into()),
            id: Some("caller-1".into()),
            meta: Some(serde_json::json!({"k": 1})),
        }
    }

    fn failed(reason: &'static str, disposition: Disposition) -> Happened {
        Happened::Failed {
            failure: Failure {
                reason,
                detail: "detail".into(),
                disposition,
            },
            about: about(),
        }
    }

    const NOW: &str = "2026-01-02T03:04:05.000Z";

    #[test]
    fn saved_is_stored_with_its_event() {
        let event = events::failed("k", "u", "x", "", 1, None, None, None);
        let d = decide(
            &worker(),
            &props(0, &[]),
            b"{}",
            Happened::Saved {
                event: event.clone(),
                outbox_id: Some(7),
                unchanged: false,
            },
            NOW,
        );
        match d {
            Decision::Store {
                event: e,
                outbox_id,
                unchanged,
            } => assert_eq!((e, outbox_id, unchanged), (event, Some(7), false)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn transient_failures_retry_with_growing_delays_then_dead_letter() {
        let retry = Disposition::Retry { after: None };
        match decide(
            &worker(),
            &props(0, &[]),
            b"{}",
            failed("timeout", retry),
            NOW,
        ) {
            Decision::Retry {
                reason,
                delay,
                props: p,
                ..
            } => {
                assert_eq!((reason, delay), ("timeout", 5));
                assert_eq!(header_u64(&p, headers::ATTEMPTS), Some(1));
                assert_eq!(header_str(&p, headers::HOST).as_deref(), Some("h.example"));
                assert_eq!(
                    header_str(&p, headers::REASON).as_deref(),
                    Some("timeout: detail")
                );
                assert_eq!(header_str(&p, headers::FIRST_FAILURE).as_deref(), Some(NOW));
                assert!(header_u64(&p, "x-delivery-count").is_none());
                assert_eq!(p.message_id().as_ref().map(|s| s.as_str()), Some("m-1"));
            }
            other => panic!("{other:?}"),
        }
        let earlier = [(headers::FIRST_FAILURE, "t0")];
        match decide(
            &worker(),
            &props(1, &earlier),
            b"{}",
            failed("timeout", retry),
            NOW,
        ) {
            Decision::Retry {
                delay, props: p, ..
            } => {
                assert_eq!(delay, 60);
                assert_eq!(
                    header_str(&p, headers::FIRST_FAILURE).as_deref(),
                    Some("t0")
                );
                assert_eq!(header_u64(&p, headers::ATTEMPTS), Some(2));
            }
            other => panic!("{other:?}"),
        }
        // A server's Retry-After raises the tier.
        let after = Disposition::Retry {
            after: Some(Duration::from_secs(30)),
        };
        match decide(
            &worker(),
            &props(0, &[]),
            b"{}",
            failed("http_429", after),
            NOW,
        ) {
            Decision::Retry { delay, .. } => assert_eq!(delay, 60),
            other => panic!("{other:?}"),
        }
        // The third failure is the last.
        match decide(
            &worker(),
            &props(2, &[]),
            b"{}",
            failed("timeout", retry),
            NOW,
        ) {
            Decision::DeadLetter {
                reason,
                props: p,
                event,
                ..
            } => {
                assert_eq!(reason, "timeout");
                assert_eq!(header_u64(&p, headers::ATTEMPTS), Some(3));
                let j = event.json().unwrap();
                assert_eq!(j["type"], "report.failed");
                assert_eq!(j["data"]["attempts"], 3);
                assert_eq!(j["data"]["id"], "caller-1");
                assert_eq!(j["data"]["meta"]["k"], 1);
                assert_eq!(j["data"]["host"], "h.example");
                assert_eq!(j["subject"], "https://h.example/a");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn permanent_failures_dead_letter_at_once() {
        match decide(
            &worker(),
            &props(0, &[]),
            b"{}",
            failed("http_404", Disposition::DeadLetter),
            NOW,
        ) {
            Decision::DeadLetter { reason, props, .. } => {
                assert_eq!(reason, "http_404");
                assert_eq!(header_u64(&props, headers::ATTEMPTS), Some(1));
                assert_eq!(
                    header_str(&props, headers::LAST_FAILURE).as_deref(),
                    Some(NOW)
                );
            }
            other => panic!("{other:?}"),
        }
        // An unparsable body: no host header value, no host in the event.
        let h = Happened::Failed {
            failure: Failure::permanent("malformed", "not JSON"),
            about: About {
                subject: "garbage".into(),
                ..About::default()
            },
        };
        match decide(&worker(), &BasicProperties::default(), b"{}", h, NOW) {
            Decision::DeadLetter { event, props, .. } => {
                assert!(event.json().unwrap()["data"]["host"].is_null());
                assert_eq!(
                    props.content_type().as_ref().map(|s| s.as_str()),
                    Some("application/json")
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn failure_ids_are_per_message_and_stable_across_redeliveries() {
        let id_of = |p: &BasicProperties, body: &[u8], caller: Option<&str>| {
            let h = Happened::Failed {
                failure: Failure::permanent("http_404", "x"),
                about: About {
                    subject: "https://h.example/a".into(),
                    id: caller.map(str::to_owned),
                    ..About::default()
                },
            };
            match decide(&worker(), p, body, h, NOW) {
                Decision::DeadLetter { event, .. } => event.id,
                other => panic!("{other:?}"),
            }
        };
        let body = br#"{"url":"https://h.example/a"}"#;
        let plain = BasicProperties::default();
        let at = |t: u64| BasicProperties::default().with_timestamp(t);
        // A redelivery (same body, same properties, more attempts): the same id.
        assert_eq!(id_of(&at(1), body, None), id_of(&at(1), body, None));
        // Different callers' ids, message ids or publish times: different ids.
        assert_ne!(
            id_of(&plain, body, Some("a")),
            id_of(&plain, body, Some("b"))
        );
        assert_ne!(id_of(&at(1), body, None), id_of(&at(2), body, None));
        let m = |id: &str| BasicProperties::default().with_message_id(id.into());
        assert_ne!(id_of(&m("1"), body, None), id_of(&m("2"), body, None));
        assert_eq!(
            id_of(&props(0, &[]), body, None),
            id_of(&props(2, &[]), body, None)
        );
    }

    #[test]
    fn over_budget_delays_without_counting_an_attempt() {
        match decide(
            &worker(),
            &props(1, &[]),
            b"{}",
            Happened::OverBudget(Duration::from_secs(30)),
            NOW,
        ) {
            Decision::Delay { delay, props } => {
                assert_eq!(delay, 60);
                assert_eq!(header_u64(&props, headers::ATTEMPTS), Some(1));
                assert!(header_u64(&props, "x-delivery-count").is_none());
            }
            other => panic!("{other:?}"),
        }
    }
}
