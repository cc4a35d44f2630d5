//! One delivery through the pipeline: parse → robots → politeness → fetch → extract →
//! store (one transaction with the outbox), giving a [`Happened`]; then
//! [`decide`] → [`settle`] end it (event confirmed → ack, retry, delay, dead letter, or
//! nack): see [`super::settle`] for the one place a delivery ends.

use std::sync::Arc;
use std::time::Instant;

use lapin::message::Delivery;
use tracing::{field, Instrument};

use super::attachments;
use super::commit::{Committer, OwnedFetch, OwnedPage};
use super::crash::{self, Admission, Crashes, Ticket};
use super::failure::Failure;
use super::pages::{self, Got, Page, Walked};
use super::settle::{decide, message_key, settle, About, Happened};
use crate::config::{PolitenessArgs, WorkerArgs};
use crate::disposition::Disposition;
use crate::extract::{self, Options, Report};
use crate::fetch::{self, Fetched, Fetcher};
use crate::metrics::{self, Metrics};
use crate::politeness::Politeness;
use crate::queue::consumer::attempts;
use crate::queue::{parse_message, Message, Names, Publisher};
use crate::store::Store;

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
    /// Crash-loop detection: this worker's id, lock and the gate suspects run alone under.
    pub crashes: Crashes,
    /// Confirmed events' outbox rows, marked sent in batches ([`super::marks`]).
    pub marks: super::marks::SentMarks,
    /// Stores pages, several per transaction when they come together ([`super::commit`]).
    pub committer: Committer,
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
    let (happened, ticket) = happen(ctx, delivery).await;
    let decision = decide(
        &ctx.worker,
        &delivery.properties,
        &delivery.data,
        happened,
        &now_rfc3339(),
    );
    let outcome = settle(ctx, publisher, delivery, decision).await;
    if let Some(ticket) = ticket {
        ticket.settled(&outcome).await;
    }
    outcome
}

/// Everything before the settle step: parse the body, pass the crash-loop check
/// ([`crash`]), then [`handle`] it. The ticket (marker, gate) is held until the delivery
/// is settled.
async fn happen(ctx: &Context, delivery: &Delivery) -> (Happened, Option<Ticket>) {
    let msg = match parse_message(&delivery.data) {
        Ok(m) => m,
        Err(e) => {
            // Userinfo never shows (a password in a body we refused to parse).
            let shown =
                crate::queue::message::redact_userinfo(&String::from_utf8_lossy(&delivery.data));
            let failed = Happened::Failed {
                failure: Failure::from_error(&e.error),
                about: About {
                    subject: shown.chars().take(256).collect(),
                    // Echoed whenever the body parsed as JSON, so the caller can match it.
                    id: e.id,
                    meta: e.meta,
                    ..About::default()
                },
            };
            return (failed, None);
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
    let about = || About {
        host: url::Url::parse(&msg.url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned)),
        subject: msg.url.clone(),
        id: msg.id.clone(),
        meta: msg.meta.clone(),
    };
    let key = message_key(msg.id.as_deref(), &delivery.properties, &delivery.data);
    let ticket = match ctx.crashes.admit(delivery, &key).await {
        Admission::Run(ticket) => ticket,
        Admission::CrashLoop { failure, ticket } => {
            let about = about();
            return (Happened::Failed { failure, about }, Some(ticket));
        }
    };
    let happened = match handle(ctx, &msg).await {
        Ok(h) => h,
        Err(failure) => Happened::Failed {
            failure,
            about: about(),
        },
    };
    (happened, Some(ticket))
}

/// Fetches, extracts and stores: [`Happened::Saved`] or [`Happened::OverBudget`], or why it
/// failed.
async fn handle(ctx: &Context, msg: &Message) -> Result<Happened, Failure> {
    let url = fetch::validate_url(&msg.url).map_err(|e| Failure::from_error(&e))?;
    let fetched = match pages::fetch_checked(ctx, &url, pages::Target::Page).await? {
        Got::Page(f) => f,
        Got::OverBudget(wait) => return Ok(Happened::OverBudget(wait)),
    };

    let report = extract_blocking(ctx, &fetched).await?;

    let first = Page {
        url: msg.url.clone(),
        fetched,
        report,
    };
    let max_pages = usize::from(ctx.worker.max_pages);
    let Walked {
        first,
        more,
        missing,
    } = match pages::walk(ctx, &url, first, max_pages).await? {
        Ok(w) => w,
        Err(wait) => return Ok(Happened::OverBudget(wait)),
    };
    let mut more_fetched: Vec<OwnedFetch> = Vec::with_capacity(more.len());
    let mut report = if more.is_empty() {
        first.report
    } else {
        let mut reports = Vec::with_capacity(1 + more.len());
        reports.push(first.report);
        for p in more {
            reports.push(p.report);
            more_fetched.push(OwnedFetch {
                url: p.url,
                fetched: p.fetched,
            });
        }
        ctx.metrics.pages_stitched(reports.len());
        extract::stitch(reports)
    };
    let attachment_sha256: Vec<String> =
        if ctx.worker.fetch_attachments && !report.attachments.is_empty() {
            attachments::read_all(ctx, &mut report)
                .await
                .iter()
                .map(|b| crate::store::save::content_sha256(b))
                .collect()
        } else {
            Vec::new()
        };

    let t = Instant::now();
    let page = OwnedPage {
        first: OwnedFetch {
            url: msg.url.clone(),
            fetched: first.fetched,
        },
        report,
        msg_id: msg.id.clone(),
        msg_meta: msg.meta.clone(),
        more: more_fetched,
        pages_missing: missing,
        attachment_sha256,
    };
    let saved = ctx
        .committer
        .save(page)
        .await
        .map_err(|e| Failure::from_error(&e))?;
    crash_point_after_commit(&ctx.worker);
    ctx.metrics
        .stage(metrics::stage::STORE, t.elapsed().as_secs_f64());
    Ok(Happened::Saved {
        event: saved.event,
        outbox_id: saved.outbox_id,
        unchanged: saved.unchanged,
    })
}

/// Runs the CPU-heavy extraction on the blocking pool under an extraction slot, guarded
/// ([`crate::extraction::extract_blocking`]): a panic on the page dead-letters it as
/// `extract_panic` rather than retrying it (it would crash-loop otherwise). Every page a
/// delivery extracts (the enqueued one and a report's later pages) is timed and counted in
/// the extract metrics here, once.
pub(super) async fn extract_blocking(ctx: &Context, fetched: &Fetched) -> Result<Report, Failure> {
    crash::fault_abort_on(&ctx.worker, &fetched.body);
    let _slot = match Arc::clone(&ctx.extract_slots).acquire_owned().await {
        Ok(p) => p,
        Err(e) => {
            return Err(Failure {
                reason: "shutdown",
                detail: e.to_string(),
                disposition: Disposition::Retry { after: None },
            })
        }
    };
    let t = Instant::now();
    let (report, cpu) = crate::extraction::extract_blocking_cpu(
        fetched.body.clone(),
        fetched.final_url.clone(),
        fetched.content_type.clone(),
        Arc::clone(&ctx.extract_options),
    )
    .await;
    ctx.metrics.extract_cpu(cpu);
    let report = report.map_err(|e| Failure::from_error(&e))?;
    ctx.metrics
        .stage(metrics::stage::EXTRACT, t.elapsed().as_secs_f64());
    ctx.metrics.extracted(&report);
    Ok(report)
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
