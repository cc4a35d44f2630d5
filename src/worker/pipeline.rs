//! One delivery through the pipeline: parse → robots → politeness → fetch → extract →
//! store (one transaction with the outbox) → event (confirmed) → ack. Whatever happens,
//! the delivery ends in exactly one of: acked after stored + event; acked after a
//! confirmed republish to a retry queue; acked after a confirmed dead letter +
//! `report.failed`; or nacked back to the queue (broker trouble, shutdown), in which case
//! it is redelivered and the idempotent store absorbs the repeat.

use std::sync::Arc;
use std::time::{Duration, Instant};

use lapin::message::Delivery;
use lapin::options::{BasicAckOptions, BasicNackOptions};
use lapin::BasicProperties;
use tracing::{field, Instrument};

use super::failure::{self, Failure};
use crate::config::{PolitenessArgs, WorkerArgs};
use crate::disposition::{Classify, Disposition};
use crate::events::{self, Event};
use crate::extract::{self, ExtractError, Input, Options, Report};
use crate::fetch::{self, Fetched, Fetcher};
use crate::metrics::{self, Metrics};
use crate::politeness::Politeness;
use crate::queue::consumer::attempts;
use crate::queue::names::headers;
use crate::queue::{parse_message, Message, Names, Publisher, QueueError};
use crate::store::{PageToSave, Store};

/// What the pipeline needs, shared by every delivery of the process.
#[derive(Clone)]
pub struct Context {
    pub names: Names,
    pub worker: Arc<WorkerArgs>,
    pub politeness_args: Arc<PolitenessArgs>,
    pub fetcher: Fetcher,
    pub store: Store,
    pub politeness: Politeness,
    pub metrics: Metrics,
    pub extract_options: Arc<Options>,
    /// Extractions running at once: one per core. Extraction is CPU-bound, so more would
    /// not go faster, and each holds a parsed DOM (several times the page size): with
    /// `--concurrency 8` on 2 cores, unbounded extraction measured 175 MB peak RSS.
    pub extract_slots: Arc<tokio::sync::Semaphore>,
}

/// How a delivery ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Stored (or found unchanged) and its event confirmed; acked.
    Stored { unchanged: bool },
    /// Republished to a retry queue after a retryable failure; acked.
    Retried { reason: &'static str, delay: u64 },
    /// The host was over its politeness budget: republished to a delay queue with the
    /// attempt count unchanged; acked.
    Delayed { delay: u64 },
    /// Dead-lettered and `report.failed` confirmed; acked.
    DeadLettered { reason: &'static str },
    /// Could not be settled (broker trouble): nacked with requeue, or left to the broker
    /// to redeliver when the channel is gone.
    Returned,
}

impl Outcome {
    fn metric(&self) -> (&'static str, &'static str) {
        match self {
            Outcome::Stored { unchanged: false } => ("stored", ""),
            Outcome::Stored { unchanged: true } => ("unchanged", ""),
            Outcome::Retried { reason, .. } => ("retried", reason),
            Outcome::Delayed { .. } => ("delayed", "politeness"),
            Outcome::DeadLettered { reason } => ("dead_lettered", reason),
            Outcome::Returned => ("returned", "broker"),
        }
    }
}

/// The success path's result before acking.
enum Done {
    Saved {
        event: Event,
        outbox_id: Option<i64>,
        unchanged: bool,
    },
    Delay(Duration),
}

fn fail<E: Classify + std::fmt::Display>(e: &E) -> Failure {
    Failure {
        reason: e.reason(),
        detail: e.to_string(),
        retry: match e.disposition() {
            Disposition::Retry { after } => Some(after),
            Disposition::DeadLetter => None,
        },
    }
}

fn extract_failure(e: &ExtractError) -> Failure {
    Failure {
        reason: e.code(),
        detail: e.to_string(),
        retry: None,
    }
}

fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Processes one delivery to its end (see the module docs) inside its own span.
pub async fn process_one(ctx: &Context, publisher: &Publisher, delivery: Delivery) -> Outcome {
    let attempt = attempts(&delivery.properties) + 1;
    let span = tracing::info_span!(
        "delivery",
        url = field::Empty,
        message_id = field::Empty,
        attempt,
        delivery_tag = delivery.delivery_tag,
        redelivered = delivery.redelivered,
    );
    let started = Instant::now();
    ctx.metrics.in_flight(1);
    let outcome = run(ctx, publisher, &delivery)
        .instrument(span.clone())
        .await;
    ctx.metrics.in_flight(-1);
    let (label, reason) = outcome.metric();
    ctx.metrics.message(label, reason);
    let _enter = span.enter();
    tracing::info!(
        outcome = label,
        reason,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "Delivery settled."
    );
    outcome
}

async fn run(ctx: &Context, publisher: &Publisher, delivery: &Delivery) -> Outcome {
    let msg = match parse_message(&delivery.data) {
        Ok(m) => m,
        Err(e) => {
            let f = fail(&e);
            let shown =
                crate::queue::message::redact_userinfo(&String::from_utf8_lossy(&delivery.data));
            let subject: String = shown.chars().take(256).collect();
            let echo = Message {
                url: subject.clone(),
                id: e.id,
                meta: e.meta,
                force: false,
            };
            return settle_failure(ctx, publisher, delivery, Some((&echo, None)), &subject, f)
                .await;
        }
    };
    let span = tracing::Span::current();
    span.record("url", msg.url.as_str());
    let message_id = msg.id.clone().or_else(|| {
        delivery
            .properties
            .message_id()
            .as_ref()
            .map(|s| s.to_string())
    });
    if let Some(id) = &message_id {
        span.record("message_id", id.as_str());
    }

    match handle(ctx, &msg).await {
        Ok(Done::Saved {
            event,
            outbox_id,
            unchanged,
        }) => {
            let t = Instant::now();
            if let Err(error) = publish_event(publisher, &ctx.names, &event).await {
                // The row is committed; its outbox row (if any) is still pending and the
                // relay will publish it. The message goes back to the queue so the event
                // of an unchanged page (no outbox row) is not lost either.
                tracing::warn!(%error, "Publishing the event failed; returning the message.");
                return nack(delivery).await;
            }
            ctx.metrics
                .stage(metrics::stage::PUBLISH, t.elapsed().as_secs_f64());
            if let Some(id) = outbox_id {
                if let Err(error) = ctx.store.outbox_mark_sent(&[id]).await {
                    // Harmless: the relay publishes it again later (same event id).
                    tracing::warn!(%error, "Marking the outbox row sent failed.");
                }
            }
            match delivery.acker.ack(BasicAckOptions::default()).await {
                Ok(()) => Outcome::Stored { unchanged },
                Err(error) => {
                    tracing::warn!(%error, "Ack failed; the broker will redeliver (idempotent).");
                    Outcome::Returned
                }
            }
        }
        Ok(Done::Delay(wait)) => delay(ctx, publisher, delivery, &msg, wait).await,
        Err(f) => {
            let host = url::Url::parse(&msg.url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned));
            settle_failure(ctx, publisher, delivery, Some((&msg, host)), &msg.url, f).await
        }
    }
}

/// Fetches, extracts and stores; returns the event to publish or why it failed.
async fn handle(ctx: &Context, msg: &Message) -> Result<Done, Failure> {
    let url = fetch::validate_url(&msg.url).map_err(|e| fail(&e))?;
    let host = url.host_str().unwrap_or_default().to_owned();

    let mut crawl_delay = None;
    if !ctx.politeness_args.ignore_robots {
        let verdict = ctx
            .fetcher
            .robots_allowed(&url)
            .await
            .map_err(|e| fail(&e))?;
        if !verdict.allowed {
            return Err(Failure {
                reason: "robots",
                detail: "disallowed by robots.txt".into(),
                retry: None,
            });
        }
        crawl_delay = verdict.crawl_delay;
    }

    let max_wait = Duration::from_secs_f64(ctx.politeness_args.politeness_max_wait.max(0.0));
    let (acquired, waited) = ctx
        .politeness
        .acquire_within(&host, crawl_delay, max_wait)
        .await
        .map_err(|e| fail(&e))?;
    ctx.metrics
        .stage(metrics::stage::POLITENESS, waited.as_secs_f64());
    if !waited.is_zero() {
        ctx.metrics.politeness_wait(waited.as_secs_f64());
    }
    let permit = match acquired {
        Ok(p) => p,
        Err(wait) => {
            ctx.metrics.host_throttled();
            return Ok(Done::Delay(wait));
        }
    };

    let t = Instant::now();
    let fetched = ctx.fetcher.fetch(&url).await;
    permit.release().await;
    ctx.metrics
        .stage(metrics::stage::FETCH, t.elapsed().as_secs_f64());
    let fetched: Fetched = match fetched {
        Ok(f) => f,
        Err(e) => {
            let f = fail(&e);
            ctx.metrics
                .fetch_status(match f.reason.strip_prefix("http_") {
                    Some(code) if code.starts_with('4') => "4xx",
                    Some(code) if code.starts_with('5') => "5xx",
                    Some(_) => "other",
                    None => "error",
                });
            return Err(f);
        }
    };
    ctx.metrics
        .fetch_status(metrics::status_class(fetched.status));
    ctx.metrics.fetched_bytes(fetched.body.len() as u64);

    let t = Instant::now();
    let report = extract_blocking(ctx, &fetched).await?;
    ctx.metrics
        .stage(metrics::stage::EXTRACT, t.elapsed().as_secs_f64());
    ctx.metrics.extracted(&report);

    let t = Instant::now();
    let page = PageToSave {
        url: &msg.url,
        final_url: &fetched.final_url,
        status: fetched.status,
        headers: &fetched.headers,
        content_type: fetched.content_type.as_deref(),
        body: &fetched.body,
        report: &report,
        msg_id: msg.id.as_deref(),
        msg_meta: msg.meta.as_ref(),
    };
    let saved = ctx.store.save(&page).await.map_err(|e| fail(&e))?;
    crash_point_after_commit(&ctx.worker);
    ctx.metrics
        .stage(metrics::stage::STORE, t.elapsed().as_secs_f64());
    Ok(Done::Saved {
        event: saved.event,
        outbox_id: saved.outbox_id,
        unchanged: saved.unchanged,
    })
}

/// Runs the CPU-heavy extraction on the blocking pool (the async workers keep serving
/// heartbeats, acks and I/O), inside the delivery's span.
async fn extract_blocking(ctx: &Context, fetched: &Fetched) -> Result<Report, Failure> {
    let span = tracing::Span::current();
    let body = fetched.body.clone();
    let url = fetched.final_url.clone();
    let content_type = fetched.content_type.clone();
    let opts = Arc::clone(&ctx.extract_options);
    let _slot = match Arc::clone(&ctx.extract_slots).acquire_owned().await {
        Ok(p) => p,
        Err(e) => {
            return Err(Failure {
                reason: "shutdown",
                detail: e.to_string(),
                retry: Some(None),
            })
        }
    };
    let joined = tokio::task::spawn_blocking(move || {
        span.in_scope(|| {
            let input = Input {
                bytes: &body,
                url: Some(&url),
                content_type: content_type.as_deref(),
            };
            extract::extract(&input, &opts)
        })
    })
    .await;
    match joined {
        Ok(Ok(report)) => Ok(report),
        Ok(Err(e)) => Err(extract_failure(&e)),
        // The extractor must not panic; if it does on this page it will again, so the
        // page is dead-lettered rather than retried (it would crash-loop otherwise).
        Err(e) => Err(Failure {
            reason: "extract_panic",
            detail: e.to_string(),
            retry: None,
        }),
    }
}

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

/// Politeness: the host is over budget for longer than we wait in-process. The message
/// goes through the delay queue that covers the wait, its attempt count unchanged.
async fn delay(
    ctx: &Context,
    publisher: &Publisher,
    delivery: &Delivery,
    msg: &Message,
    wait: Duration,
) -> Outcome {
    let delay = failure::delay_tier(&ctx.worker.retry_delays, wait);
    let prev = i64::from(attempts(&delivery.properties));
    let props = failure::republish_props(&delivery.properties, &[], &[(headers::ATTEMPTS, prev)]);
    tracing::debug!(wait_ms = wait.as_millis() as u64, delay, url = %msg.url, "Host over budget; delaying.");
    match failure::publish_retry(publisher, &ctx.names, delay, &delivery.data, props).await {
        Ok(()) => match delivery.acker.ack(BasicAckOptions::default()).await {
            Ok(()) => Outcome::Delayed { delay },
            Err(_) => Outcome::Returned,
        },
        Err(error) => {
            tracing::warn!(%error, "Delaying failed; returning the message.");
            nack(delivery).await
        }
    }
}

/// A failed delivery: retry through a delay queue while attempts remain and the failure
/// is transient; otherwise dead-letter it and announce `report.failed`.
async fn settle_failure(
    ctx: &Context,
    publisher: &Publisher,
    delivery: &Delivery,
    msg: Option<(&Message, Option<String>)>,
    subject: &str,
    f: Failure,
) -> Outcome {
    let attempts_now = attempts(&delivery.properties).saturating_add(1);
    let now = now_rfc3339();
    let first = failure::first_failure(&delivery.properties, &now);
    let reason_header = failure::reason_header(&f);
    let host = msg
        .as_ref()
        .and_then(|(_, h)| h.clone())
        .unwrap_or_default();
    let strings = [
        (headers::REASON, reason_header.as_str()),
        (headers::HOST, host.as_str()),
        (headers::FIRST_FAILURE, first.as_str()),
        (headers::LAST_FAILURE, now.as_str()),
    ];
    let ints = [(headers::ATTEMPTS, i64::from(attempts_now))];
    let props = failure::republish_props(&delivery.properties, &strings, &ints);

    if let Some(after) = f.retry {
        if attempts_now < ctx.worker.max_attempts {
            let delay = failure::retry_delay(&ctx.worker.retry_delays, attempts_now, after);
            tracing::info!(reason = f.reason, detail = %f.detail, delay, "Retrying later.");
            return match failure::publish_retry(publisher, &ctx.names, delay, &delivery.data, props)
                .await
            {
                Ok(()) => match delivery.acker.ack(BasicAckOptions::default()).await {
                    Ok(()) => Outcome::Retried {
                        reason: f.reason,
                        delay,
                    },
                    Err(_) => Outcome::Returned,
                },
                Err(error) => {
                    tracing::warn!(%error, "Scheduling the retry failed; returning the message.");
                    nack(delivery).await
                }
            };
        }
    }

    tracing::warn!(reason = f.reason, detail = %f.detail, attempts = attempts_now, "Dead-lettering.");
    if let Err(error) =
        failure::publish_dead_letter(publisher, &ctx.names, &delivery.data, props).await
    {
        tracing::warn!(%error, "Dead-lettering failed; returning the message.");
        return nack(delivery).await;
    }
    let (id, meta) = match &msg {
        Some((m, _)) => (m.id.as_deref(), m.meta.as_ref()),
        None => (None, None),
    };
    let event = events::failed(
        subject,
        f.reason,
        &f.detail,
        attempts_now,
        (!host.is_empty()).then_some(host.as_str()),
        id,
        meta,
    );
    if let Err(error) = publish_event(publisher, &ctx.names, &event).await {
        // The dead letter is confirmed, but the event is not: return the message. Its
        // redelivery may dead-letter it a second time (a duplicate in the DLQ), which is
        // better than a failure nobody downstream hears of; the event id is deterministic.
        tracing::warn!(%error, "Publishing report.failed failed; returning the message.");
        return nack(delivery).await;
    }
    match delivery.acker.ack(BasicAckOptions::default()).await {
        Ok(()) => Outcome::DeadLettered { reason: f.reason },
        Err(_) => Outcome::Returned,
    }
}

/// Commits made by this process, for [`crash_point_after_commit`].
static COMMITS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The fault suite's crash point: with `--fault-exit-after-commit N`, the process aborts
/// right after its N-th commit, before the event is published and the message acked.
/// The outbox relay of another worker must then publish the event, and the redelivered
/// message must change no row.
fn crash_point_after_commit(args: &WorkerArgs) {
    if let Some(n) = args.fault_exit_after_commit {
        let done = COMMITS.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        if done >= n {
            eprintln!("fault injection: aborting after commit {done}");
            std::process::abort();
        }
    }
}
