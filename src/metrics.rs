//! Named metrics of the worker, health state, and the HTTP endpoint serving them.
//!
//! - [`Metrics`]: one method per observable fact (`message`, `fetch_status`, `stage`, …),
//!   each updating a fixed family with low-cardinality labels (short codes, never URLs).
//!   No global registry: `main` creates one and passes clones down.
//! - [`Health`]: what `/healthz` (process and loop alive) and `/readyz` (broker and
//!   database connected) answer.
//! - [`serve`]: axum server for `/metrics` (Prometheus text format 0.0.4), `/healthz`,
//!   `/readyz`.
//!
//! Names and meanings are listed in `docs/metrics.md`; keep the two in sync.

mod health;
mod registry;
mod server;

use std::sync::Arc;
use std::time::Instant;

pub use health::{Health, HEARTBEAT_STALE_AFTER};
pub use registry::{
    format_float, CounterVec, GaugeVec, HistogramVec, MAX_LABEL_LEN, MAX_SERIES_PER_FAMILY,
    OVERFLOW_LABEL,
};
pub use server::{router, serve, serve_on, METRICS_CONTENT_TYPE};

use crate::extract::Report;

/// Bucket upper bounds (seconds) of the per-stage duration histogram. Calibrated on the
/// stages' real ranges: extraction of a corpus page takes 1–50 ms, a database save
/// 2–20 ms, a local fetch a few ms and a remote one 0.1–5 s (capped by the 30 s fetch
/// timeout); the buckets cover 1 ms to 60 s about 2.5× apart.
pub const STAGE_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

/// Bucket upper bounds of articles per page: almost every page holds one report; the
/// multi-report pages of the corpus hold up to ~10 (篇1…篇N).
pub const ARTICLE_BUCKETS: &[f64] = &[0.0, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0];

/// Bucket upper bounds of pages per transaction (at most `worker::commit::MAX_GROUP`).
pub const COMMIT_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0];

/// Bucket upper bounds of figures (numbers with units) per page: a short plan has a
/// handful, a year-end summary 20–100, statistics-heavy pages several hundred.
pub const FIGURE_BUCKETS: &[f64] = &[0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0];

/// Bucket upper bounds (seconds) of politeness waits: a grant is immediate (0) or waits
/// up to 1/rate (default rate 1/s → ≤ 1 s); longer waits are Crawl-delay hosts, and
/// anything over `--politeness-max-wait` (5 s) is delayed through a retry queue.
pub const POLITENESS_BUCKETS: &[f64] =
    &[0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0];

/// Share of U+FFFD in the decoded text above which a page counts as mojibake.
/// Calibrated: correctly decoded pages have 0.0; one stray invalid byte in a 3,000-char
/// page is ~0.0003; GBK bytes decoded as UTF-8 give 0.2–0.6. 1% separates the two
/// with a wide margin on both sides.
pub const MOJIBAKE_REPLACEMENT_RATIO: f64 = 0.01;

/// Message outcomes (the `outcome` label of `report_ingest_messages_total`).
pub mod outcome {
    /// Stored (new or changed content) and its `report.completed` event confirmed.
    pub const STORED: &str = "stored";
    /// Same content as already stored: no row changed; event still published.
    pub const UNCHANGED: &str = "unchanged";
    /// Failed transiently; republished to a retry queue.
    pub const RETRIED: &str = "retried";
    /// Failed for good (permanent or out of attempts); sent to the DLQ.
    pub const DEAD_LETTERED: &str = "dead_lettered";
    /// Host over its politeness budget; delayed through a retry queue (not a failure).
    pub const DELAYED: &str = "delayed";
}

/// Pipeline stages (the `stage` label of `report_ingest_stage_seconds`).
pub mod stage {
    pub const FETCH: &str = "fetch";
    pub const EXTRACT: &str = "extract";
    pub const STORE: &str = "store";
    pub const PUBLISH: &str = "publish";
    pub const POLITENESS: &str = "politeness";
    pub const ALL: &[&str] = &[FETCH, EXTRACT, STORE, PUBLISH, POLITENESS];
}

/// The `class` label of `report_ingest_fetch_responses_total` for an HTTP status:
/// `1xx` … `5xx`, or `other` for a nonsensical code. Transport failures (no status)
/// use `error`.
pub fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        500..=599 => "5xx",
        _ => "other",
    }
}

/// The `cap` labels of `report_ingest_extract_truncated_total`, in `Truncated`'s order.
const TRUNCATION_CAPS: [&str; 5] = ["bytes", "depth", "attributes", "figures", "attachments"];

/// Every family of the worker. Field docs are the HELP texts.
#[derive(Debug)]
struct Families {
    build_info: GaugeVec,
    messages: CounterVec,
    fetch_responses: CounterVec,
    fetched_bytes: CounterVec,
    stage_seconds: HistogramVec,
    in_flight: GaugeVec,
    outbox_backlog: GaugeVec,
    queue_depth: GaugeVec,
    extract_empty: CounterVec,
    articles_per_page: HistogramVec,
    pages_per_report: HistogramVec,
    pages_per_commit: HistogramVec,
    extract_cpu: CounterVec,
    figures_per_page: HistogramVec,
    charset: CounterVec,
    charset_mismatch: CounterVec,
    mojibake_pages: CounterVec,
    extract_truncated: CounterVec,
    politeness_wait: HistogramVec,
    hosts_throttled: CounterVec,
    event_publish_refused: CounterVec,
    ack_failures: CounterVec,
    outbox_pruned: CounterVec,
    worker_crashes: CounterVec,
}

impl Families {
    fn new() -> Self {
        let f = Self {
            build_info: GaugeVec::new(
                "report_ingest_build_info",
                "Always 1; the version label names the running build.",
                &["version"],
            ),
            messages: CounterVec::new(
                "report_ingest_messages_total",
                "Messages finished, by outcome (stored, unchanged, retried, dead_lettered, delayed) and reason code (none for successes).",
                &["outcome", "reason"],
            ),
            fetch_responses: CounterVec::new(
                "report_ingest_fetch_responses_total",
                "HTTP responses received by status class (2xx, 3xx, 4xx, 5xx) or error for transport failures.",
                &["class"],
            ),
            fetched_bytes: CounterVec::new(
                "report_ingest_fetched_bytes_total",
                "Body bytes fetched (after content decoding).",
                &[],
            ),
            stage_seconds: HistogramVec::new(
                "report_ingest_stage_seconds",
                "Time spent per pipeline stage (fetch, extract, store, publish, politeness).",
                &["stage"],
                STAGE_BUCKETS,
            ),
            in_flight: GaugeVec::new(
                "report_ingest_in_flight",
                "Messages being processed right now.",
                &[],
            ),
            outbox_backlog: GaugeVec::new(
                "report_ingest_outbox_backlog",
                "Committed events not yet confirmed by the broker (outbox rows pending).",
                &[],
            ),
            queue_depth: GaugeVec::new(
                "report_ingest_queue_depth",
                "Messages ready in a broker queue (urls, retry, dlq) at the last check.",
                &["queue"],
            ),
            extract_empty: CounterVec::new(
                "report_ingest_extract_empty_total",
                "Pages extracted without error whose main text is empty.",
                &[],
            ),
            articles_per_page: HistogramVec::new(
                "report_ingest_articles_per_page",
                "Reports (articles) found per extracted page.",
                &[],
                ARTICLE_BUCKETS,
            ),
            pages_per_report: HistogramVec::new(
                "report_ingest_pages_per_report",
                "Pages stitched into one report, for reports split over pages.",
                &[],
                ARTICLE_BUCKETS,
            ),
            extract_cpu: CounterVec::new(
                "report_ingest_extract_cpu_seconds_total",
                "CPU time the extracting threads spent on pages (CLOCK_THREAD_CPUTIME_ID).",
                &[],
            ),
            pages_per_commit: HistogramVec::new(
                "report_ingest_pages_per_commit",
                "Pages the worker stored per transaction (group commit).",
                &[],
                COMMIT_BUCKETS,
            ),
            figures_per_page: HistogramVec::new(
                "report_ingest_figures_per_page",
                "Figures (numbers with units) found per extracted page.",
                &[],
                FIGURE_BUCKETS,
            ),
            charset: CounterVec::new(
                "report_ingest_charset_total",
                "Extracted pages by encoding used and where it was declared (bom, header, meta-charset, http-equiv, late-meta, none).",
                &["used", "source"],
            ),
            charset_mismatch: CounterVec::new(
                "report_ingest_charset_mismatch_total",
                "Pages whose declared charset differs from the encoding actually used.",
                &[],
            ),
            mojibake_pages: CounterVec::new(
                "report_ingest_mojibake_pages_total",
                "Pages whose decoded text has more than 1% U+FFFD replacement characters.",
                &[],
            ),
            extract_truncated: CounterVec::new(
                "report_ingest_extract_truncated_total",
                "Pages a per-page cap cut (pathological input), by cap: bytes (past the size or element cap), depth, attributes, figures.",
                &["cap"],
            ),
            politeness_wait: HistogramVec::new(
                "report_ingest_politeness_wait_seconds",
                "Time a fetch waited for its host's fleet-wide budget.",
                &[],
                POLITENESS_BUCKETS,
            ),
            hosts_throttled: CounterVec::new(
                "report_ingest_hosts_throttled_total",
                "Fetches refused by a host's fleet-wide budget (message delayed).",
                &[],
            ),
            event_publish_refused: CounterVec::new(
                "report_ingest_event_publish_refused_total",
                "Events the broker did not confirm after their message's outcome was final (nack, reject-publish, channel loss); left to the outbox relay, by event type.",
                &["type"],
            ),
            ack_failures: CounterVec::new(
                "report_ingest_ack_failures_total",
                "Acks that failed after a delivery was settled (the broker redelivers; the store absorbs the repeat).",
                &[],
            ),
            outbox_pruned: CounterVec::new(
                "report_ingest_outbox_pruned_total",
                "Sent outbox rows deleted after the retention period.",
                &[],
            ),
            worker_crashes: CounterVec::new(
                "report_ingest_worker_crashes_total",
                "Deliveries found in flight in a worker that died (swept when the message came back), by whether the delivery ran alone there.",
                &["alone"],
            ),
        };
        f.build_info.set(&[env!("CARGO_PKG_VERSION")], 1.0);
        // Known series exist at 0 from the start so dashboards and rate() see them.
        for o in [outcome::STORED, outcome::UNCHANGED] {
            f.messages.touch(&[o, ""]);
        }
        for c in ["2xx", "3xx", "4xx", "5xx", "error"] {
            f.fetch_responses.touch(&[c]);
        }
        for s in stage::ALL {
            f.stage_seconds.touch(&[s]);
        }
        for t in ["report.completed", "report.failed"] {
            f.event_publish_refused.touch(&[t]);
        }
        for c in TRUNCATION_CAPS {
            f.extract_truncated.touch(&[c]);
        }
        f.ack_failures.touch(&[]);
        f.outbox_pruned.touch(&[]);
        for a in ["true", "false"] {
            f.worker_crashes.touch(&[a]);
        }
        f
    }
}

/// The worker's metrics. Cheap to clone (an `Arc`); every method is thread-safe.
#[derive(Debug, Clone)]
pub struct Metrics {
    f: Arc<Families>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        Self {
            f: Arc::new(Families::new()),
        }
    }

    /// The Prometheus text exposition (format 0.0.4) of every family.
    pub fn render(&self) -> String {
        let f = &self.f;
        let mut out = String::with_capacity(8 * 1024);
        f.build_info.render(&mut out);
        f.messages.render(&mut out);
        f.fetch_responses.render(&mut out);
        f.fetched_bytes.render(&mut out);
        f.stage_seconds.render(&mut out);
        f.in_flight.render(&mut out);
        f.outbox_backlog.render(&mut out);
        f.queue_depth.render(&mut out);
        f.extract_empty.render(&mut out);
        f.articles_per_page.render(&mut out);
        f.pages_per_report.render(&mut out);
        f.pages_per_commit.render(&mut out);
        f.extract_cpu.render(&mut out);
        f.figures_per_page.render(&mut out);
        f.charset.render(&mut out);
        f.charset_mismatch.render(&mut out);
        f.mojibake_pages.render(&mut out);
        f.extract_truncated.render(&mut out);
        f.politeness_wait.render(&mut out);
        f.hosts_throttled.render(&mut out);
        f.event_publish_refused.render(&mut out);
        f.ack_failures.render(&mut out);
        f.outbox_pruned.render(&mut out);
        f.worker_crashes.render(&mut out);
        out
    }

    /// A message finished: `outcome` from [`outcome`], `reason` a short code from
    /// `Classify::reason` (empty for successes).
    pub fn message(&self, outcome: &str, reason: &str) {
        self.f.messages.inc(&[outcome, reason]);
    }

    /// An HTTP response arrived (`class` from [`status_class`]), or `error` when the
    /// transport failed before a status.
    pub fn fetch_status(&self, class: &str) {
        self.f.fetch_responses.inc(&[class]);
    }

    /// `n` body bytes were fetched.
    pub fn fetched_bytes(&self, n: u64) {
        self.f.fetched_bytes.add(&[], n as f64);
    }

    /// One run of `stage` (from [`stage`]) took `secs`.
    pub fn stage(&self, stage: &str, secs: f64) {
        self.f.stage_seconds.observe(&[stage], secs);
    }

    /// Starts timing `stage`; the time is recorded when the timer is dropped or stopped.
    pub fn start(&self, stage: &'static str) -> StageTimer {
        StageTimer {
            metrics: self.clone(),
            stage,
            started: Instant::now(),
            done: false,
        }
    }

    /// `delta` messages started (+1) or finished (-1).
    pub fn in_flight(&self, delta: i64) {
        self.f.in_flight.add(&[], delta as f64);
    }

    /// Outbox rows pending (from `Store::outbox_backlog`).
    pub fn outbox_backlog(&self, n: i64) {
        self.f.outbox_backlog.set(&[], n as f64);
    }

    /// Ready messages in a queue; `queue` is the role (`urls`, `retry`, `dlq`), not the
    /// prefixed name, so dashboards work across tenants.
    pub fn queue_depth(&self, queue: &str, n: u64) {
        self.f.queue_depth.set(&[queue], n as f64);
    }

    /// A report split over `n` pages was stitched into one.
    pub fn pages_stitched(&self, n: usize) {
        self.f.pages_per_report.observe(&[], n as f64);
    }

    /// A page's extraction took `secs` of its thread's CPU time.
    pub fn extract_cpu(&self, secs: f64) {
        self.f.extract_cpu.add(&[], secs);
    }

    /// `n` pages were stored in one transaction (group commit).
    pub fn commit_group(&self, n: usize) {
        self.f.pages_per_commit.observe(&[], n as f64);
    }

    /// What the extractor found on a page: article and figure counts, empty main
    /// text, the charset used vs declared, and mojibake.
    pub fn extracted(&self, report: &Report) {
        let f = &self.f;
        f.articles_per_page
            .observe(&[], report.articles.len() as f64);
        let figures: usize = report.articles.iter().map(|a| a.figures.len()).sum();
        f.figures_per_page.observe(&[], figures as f64);
        if report.error.is_none()
            && report
                .articles
                .iter()
                .all(|a| a.main_text.trim().is_empty())
        {
            f.extract_empty.inc(&[]);
        }
        let ci = &report.charset_info;
        let used = if ci.used.is_empty() {
            report.charset.as_deref().unwrap_or("unknown")
        } else {
            ci.used.as_str()
        };
        let source = if ci.source.is_empty() {
            "none"
        } else {
            ci.source.as_str()
        };
        f.charset.inc(&[&used.to_ascii_lowercase(), source]);
        if let Some(declared) = ci.declared.as_deref() {
            if !charset_agrees(declared, used) {
                f.charset_mismatch.inc(&[]);
            }
        }
        if ci.replacement_ratio > MOJIBAKE_REPLACEMENT_RATIO {
            f.mojibake_pages.inc(&[]);
        }
        let t = &report.truncated;
        for (cap, n) in TRUNCATION_CAPS.into_iter().zip([
            t.bytes,
            t.depth,
            t.attributes,
            t.figures,
            t.attachments,
        ]) {
            if n > 0 {
                f.extract_truncated.inc(&[cap]);
            }
        }
    }

    /// A fetch waited `secs` for its host's fleet-wide budget (0 when granted at once).
    pub fn politeness_wait(&self, secs: f64) {
        self.f.politeness_wait.observe(&[], secs);
    }

    /// A host's budget refused a fetch; the message is delayed.
    pub fn host_throttled(&self) {
        self.f.hosts_throttled.inc(&[]);
    }

    /// An event (`report.completed`, `report.failed`) was not confirmed by the broker after
    /// its message's outcome was final; the outbox relay publishes it later.
    pub fn event_publish_refused(&self, event_type: &str) {
        self.f.event_publish_refused.inc(&[event_type]);
    }

    /// Current count of `report_ingest_event_publish_refused_total{type}` (tests).
    pub fn event_publish_refused_count(&self, event_type: &str) -> f64 {
        self.f.event_publish_refused.get(&[event_type])
    }

    /// An ack failed after the delivery was settled.
    pub fn ack_failed(&self) {
        self.f.ack_failures.inc(&[]);
    }

    /// Sent outbox rows deleted by the retention sweep.
    pub fn outbox_pruned(&self, n: u64) {
        self.f.outbox_pruned.add(&[], n as f64);
    }

    /// `found` deliveries were found in flight in workers that died, `alone` of them
    /// running alone there (`worker::crash`).
    pub fn worker_crashes(&self, found: i32, alone: i32) {
        let alone = alone.clamp(0, found.max(0));
        self.f.worker_crashes.add(&["true"], f64::from(alone));
        self.f
            .worker_crashes
            .add(&["false"], f64::from(found.max(0) - alone));
    }

    /// Current count of `report_ingest_worker_crashes_total{alone}` (tests).
    pub fn worker_crashes_count(&self, alone: bool) -> f64 {
        self.f
            .worker_crashes
            .get(&[if alone { "true" } else { "false" }])
    }

    /// Current count of `report_ingest_outbox_pruned_total` (tests).
    pub fn outbox_pruned_count(&self) -> f64 {
        self.f.outbox_pruned.get(&[])
    }

    /// Does nothing: `report_ingest_broker_reconnects_total` is counted by
    /// [`Health::set_broker`] from down → up transitions, so it cannot drift from where
    /// callers report. Kept so existing callers compile.
    pub fn broker_reconnected(&self) {}

    /// Current count of `report_ingest_messages_total{outcome,reason}` (for tests and
    /// the end-of-run summary).
    pub fn messages_count(&self, outcome: &str, reason: &str) -> f64 {
        self.f.messages.get(&[outcome, reason])
    }
}

/// Whether a declared charset label names the encoding that was used. Labels are
/// resolved as browsers do (WHATWG: `gb2312` → GBK, `latin1` → windows-1252); GBK and
/// GB18030 count as one (GB18030 is the strict superset decoders upgrade to). An
/// unknown label never agrees.
fn charset_agrees(declared: &str, used: &str) -> bool {
    let family = |name: &str| -> String {
        let n = name.to_ascii_lowercase();
        if n == "gbk" || n == "gb18030" {
            "gb".to_owned()
        } else {
            n
        }
    };
    match encoding_rs::Encoding::for_label(declared.trim().as_bytes()) {
        Some(enc) => {
            let used_name = encoding_rs::Encoding::for_label(used.trim().as_bytes())
                .map_or_else(|| used.to_owned(), |e| e.name().to_owned());
            family(enc.name()) == family(&used_name)
        }
        None => false,
    }
}

/// Times one stage; records into `report_ingest_stage_seconds` once, on [`StageTimer::stop`]
/// or drop.
#[derive(Debug)]
pub struct StageTimer {
    metrics: Metrics,
    stage: &'static str,
    started: Instant,
    done: bool,
}

impl StageTimer {
    /// Records and returns the elapsed seconds.
    pub fn stop(mut self) -> f64 {
        self.record()
    }

    fn record(&mut self) -> f64 {
        let secs = self.started.elapsed().as_secs_f64();
        if !self.done {
            self.done = true;
            self.metrics.stage(self.stage, secs);
        }
        secs
    }
}

impl Drop for StageTimer {
    fn drop(&mut self) {
        self.record();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::extract::{Article, CharsetInfo, Figure};

    fn line_value(text: &str, series: &str) -> Option<f64> {
        text.lines()
            .find_map(|l| l.strip_prefix(series).and_then(|r| r.strip_prefix(' ')))
            .and_then(|v| v.parse().ok())
    }

    fn figure() -> Figure {
        Figure {
            subject: "s".into(),
            value: 1.0,
            unit: "元".into(),
            raw: "1元".into(),
            approx: false,
            page: None,
        }
    }

    #[test]
    fn fresh_registry_shows_known_series_at_zero() {
        let text = Metrics::new().render();
        for s in [
            "report_ingest_messages_total{outcome=\"stored\",reason=\"none\"}",
            "report_ingest_fetch_responses_total{class=\"5xx\"}",
            "report_ingest_fetched_bytes_total",
            "report_ingest_stage_seconds_count{stage=\"publish\"}",
            "report_ingest_in_flight",
            "report_ingest_outbox_backlog",
            "report_ingest_hosts_throttled_total",
            "report_ingest_event_publish_refused_total{type=\"report.completed\"}",
            "report_ingest_event_publish_refused_total{type=\"report.failed\"}",
            "report_ingest_ack_failures_total",
            "report_ingest_outbox_pruned_total",
            "report_ingest_extract_truncated_total{cap=\"depth\"}",
            "report_ingest_worker_crashes_total{alone=\"true\"}",
            "report_ingest_worker_crashes_total{alone=\"false\"}",
            "report_ingest_extract_cpu_seconds_total",
        ] {
            assert_eq!(line_value(&text, s), Some(0.0), "{s} in\n{text}");
        }
        assert_eq!(
            line_value(
                &text,
                &format!(
                    "report_ingest_build_info{{version=\"{}\"}}",
                    env!("CARGO_PKG_VERSION")
                )
            ),
            Some(1.0)
        );
        // Every family has HELP and TYPE, each exactly once.
        let types = text.lines().filter(|l| l.starts_with("# TYPE ")).count();
        let helps = text.lines().filter(|l| l.starts_with("# HELP ")).count();
        // 16 families, plus event_publish_refused, ack_failures, outbox_pruned,
        // extract_truncated, worker_crashes, pages_per_report, pages_per_commit,
        // extract_cpu_seconds.
        assert_eq!(types, 24);
        assert_eq!(helps, 24);
    }

    #[test]
    fn events_move_their_series() {
        let m = Metrics::new();
        m.message(outcome::STORED, "");
        m.message(outcome::DEAD_LETTERED, "http_404");
        m.message(outcome::DEAD_LETTERED, "http_404");
        m.fetch_status(status_class(503));
        m.fetched_bytes(1000);
        m.fetched_bytes(24);
        m.stage(stage::FETCH, 0.2);
        m.in_flight(1);
        m.in_flight(1);
        m.in_flight(-1);
        m.outbox_backlog(7);
        m.queue_depth("dlq", 3);
        m.politeness_wait(0.3);
        m.host_throttled();
        m.commit_group(3);
        m.commit_group(1);
        m.extract_cpu(0.25);
        m.extract_cpu(0.5);
        {
            let _t = m.start(stage::STORE);
        }
        let text = m.render();
        let v = |s: &str| line_value(&text, s);
        assert_eq!(
            v("report_ingest_messages_total{outcome=\"stored\",reason=\"none\"}"),
            Some(1.0)
        );
        assert_eq!(
            v("report_ingest_messages_total{outcome=\"dead_lettered\",reason=\"http_404\"}"),
            Some(2.0)
        );
        assert_eq!(
            v("report_ingest_fetch_responses_total{class=\"5xx\"}"),
            Some(1.0)
        );
        assert_eq!(v("report_ingest_fetched_bytes_total"), Some(1024.0));
        assert_eq!(
            v("report_ingest_stage_seconds_bucket{stage=\"fetch\",le=\"0.1\"}"),
            Some(0.0)
        );
        assert_eq!(
            v("report_ingest_stage_seconds_bucket{stage=\"fetch\",le=\"0.25\"}"),
            Some(1.0)
        );
        assert_eq!(
            v("report_ingest_stage_seconds_count{stage=\"store\"}"),
            Some(1.0)
        );
        assert_eq!(v("report_ingest_in_flight"), Some(1.0));
        assert_eq!(v("report_ingest_outbox_backlog"), Some(7.0));
        assert_eq!(v("report_ingest_queue_depth{queue=\"dlq\"}"), Some(3.0));
        assert_eq!(v("report_ingest_politeness_wait_seconds_count"), Some(1.0));
        assert_eq!(v("report_ingest_hosts_throttled_total"), Some(1.0));
        assert_eq!(v("report_ingest_pages_per_commit_sum"), Some(4.0));
        assert_eq!(v("report_ingest_pages_per_commit_count"), Some(2.0));
        assert_eq!(
            v("report_ingest_pages_per_commit_bucket{le=\"2\"}"),
            Some(1.0)
        );
        assert_eq!(v("report_ingest_extract_cpu_seconds_total"), Some(0.75));
        assert_eq!(m.messages_count(outcome::DEAD_LETTERED, "http_404"), 2.0);
    }

    #[test]
    fn extracted_counts_articles_figures_charsets_and_mojibake() {
        let m = Metrics::new();
        let good = Report {
            charset: Some("gbk".into()),
            articles: vec![
                Article {
                    main_text: "正文".into(),
                    figures: vec![figure(), figure()],
                    ..Article::default()
                },
                Article {
                    main_text: "二".into(),
                    figures: vec![figure()],
                    ..Article::default()
                },
            ],
            charset_info: CharsetInfo {
                declared: Some("gb2312".into()),
                source: "meta-charset".into(),
                used: "gbk".into(),
                replacement_ratio: 0.0,
            },
            ..Report::default()
        };
        m.extracted(&good);
        let broken = Report {
            articles: vec![Article::default()],
            charset_info: CharsetInfo {
                declared: Some("utf-8".into()),
                source: "header".into(),
                used: "UTF-8".into(),
                replacement_ratio: 0.3,
            },
            ..Report::default()
        };
        m.extracted(&broken);
        let mislabelled = Report {
            articles: vec![Article {
                main_text: "x".into(),
                ..Article::default()
            }],
            charset_info: CharsetInfo {
                declared: Some("utf-8".into()),
                source: "meta-charset".into(),
                used: "gbk".into(),
                replacement_ratio: 0.0,
            },
            ..Report::default()
        };
        m.extracted(&mislabelled);
        let text = m.render();
        let v = |s: &str| line_value(&text, s);
        assert_eq!(v("report_ingest_articles_per_page_count"), Some(3.0));
        assert_eq!(v("report_ingest_articles_per_page_sum"), Some(4.0));
        assert_eq!(v("report_ingest_figures_per_page_sum"), Some(3.0));
        assert_eq!(
            v("report_ingest_figures_per_page_bucket{le=\"0\"}"),
            Some(2.0)
        );
        assert_eq!(v("report_ingest_extract_empty_total"), Some(1.0));
        assert_eq!(
            v("report_ingest_charset_total{used=\"gbk\",source=\"meta-charset\"}"),
            Some(2.0)
        );
        assert_eq!(
            v("report_ingest_charset_total{used=\"utf-8\",source=\"header\"}"),
            Some(1.0)
        );
        // gb2312 → gbk agrees; utf-8 declared but gbk used does not.
        assert_eq!(v("report_ingest_charset_mismatch_total"), Some(1.0));
        assert_eq!(v("report_ingest_mojibake_pages_total"), Some(1.0));
    }

    #[test]
    fn charset_labels_resolve_like_browsers() {
        assert!(charset_agrees("GB2312", "gbk"));
        assert!(charset_agrees("gbk", "gb18030"));
        assert!(charset_agrees("utf8", "utf-8"));
        assert!(charset_agrees("latin1", "windows-1252"));
        assert!(charset_agrees("big5", "Big5"));
        assert!(!charset_agrees("big5", "gbk"));
        assert!(!charset_agrees("no-such-charset", "utf-8"));
    }

    #[test]
    fn pages_cut_by_a_cap_are_counted_per_cap() {
        let m = Metrics::new();
        m.extracted(&Report {
            truncated: crate::extract::limits::Truncated {
                depth: 10,
                figures: 3,
                ..Default::default()
            },
            ..Report::default()
        });
        let text = m.render();
        let v = |s: &str| line_value(&text, s);
        assert_eq!(
            v("report_ingest_extract_truncated_total{cap=\"depth\"}"),
            Some(1.0)
        );
        assert_eq!(
            v("report_ingest_extract_truncated_total{cap=\"figures\"}"),
            Some(1.0)
        );
        assert_eq!(
            v("report_ingest_extract_truncated_total{cap=\"attributes\"}"),
            Some(0.0)
        );
    }

    #[test]
    fn status_classes() {
        assert_eq!(status_class(200), "2xx");
        assert_eq!(status_class(304), "3xx");
        assert_eq!(status_class(404), "4xx");
        assert_eq!(status_class(503), "5xx");
        assert_eq!(status_class(99), "other");
    }
}
