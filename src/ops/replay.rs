//! `replay`: re-extract stored pages from their stored raw bytes with the current
//! extractor, without the network, and write back the reports whose output changed.
//!
//! Pipeline, per batch of `batch` rows in id order (keyset pagination, so the scan is
//! stable while workers keep writing):
//! 1. read the rows (report JSON + zstd body) with [`Store::replay_batch`]; the NEXT batch
//!    is read while the current one is being extracted;
//! 2. decompress + extract on all cores: one blocking task runs `threads` scoped threads
//!    pulling pages from a shared counter (pages differ 100x in size, so static chunks
//!    would leave cores idle);
//! 3. compare the new extract JSON with the stored one, ignoring `extractor_version`:
//!    - changed → [`Store::replay_write`] (row + articles + figures + `report.changed`
//!      outbox row, one transaction each, several at once over the pool);
//!    - unchanged → only the stored version moves to the current one (batched), no event;
//!    - decompress or extract failed → the row is left alone and counted as failed.
//!
//! The outbox rows are published by the worker's outbox relay (or a later run of it), so
//! replay needs no broker and an interrupted replay loses no event.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt, TryStreamExt};
use serde_json::Value;

use crate::extract::{self, Input, Options, Report, EXTRACTOR_VERSION};
use crate::extraction::{self, ExtractFailure};
use crate::store::replay::{ReplayFilter, StoredPage};
use crate::store::{Store, StoreError};

/// Default rows per batch. Calibrated on the dev corpus: large enough that the per-batch
/// round trip and thread start-up are noise next to extraction, small enough that a batch
/// of the largest pages (~1 MB raw each) stays well under 100 MB in memory.
pub const DEFAULT_BATCH: usize = 256;

/// How to run a replay.
#[derive(Debug, Clone)]
pub struct ReplayOptions {
    pub filter: ReplayFilter,
    /// Only reports whose stored extractor version is older than the current one.
    pub older_version: bool,
    /// Rows read and extracted per round.
    pub batch: usize,
    /// Extraction threads (0 = one per available core).
    pub threads: usize,
    /// Stop after this many rows (for trying a replay on a sample).
    pub limit: Option<u64>,
    /// Extract and compare, write nothing.
    pub dry_run: bool,
    /// Concurrent write transactions (bounded by the pool size anyway).
    pub write_concurrency: usize,
}

impl Default for ReplayOptions {
    fn default() -> Self {
        Self {
            filter: ReplayFilter::default(),
            older_version: false,
            batch: DEFAULT_BATCH,
            threads: 0,
            limit: None,
            dry_run: false,
            write_concurrency: 4,
        }
    }
}

/// What a replay did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReplayStats {
    /// Rows read and re-extracted.
    pub scanned: u64,
    /// Rows whose output changed and were rewritten (one `report.changed` each).
    pub changed: u64,
    /// Rows whose output was the same (their stored version was moved to the current one).
    pub unchanged: u64,
    /// Rows whose raw bytes could not be decompressed or extracted; left as they were.
    pub failed: u64,
    /// Changed rows not written because a worker stored a newer fetch meanwhile.
    pub superseded: u64,
    /// Wall time of the whole run.
    pub elapsed: Duration,
    /// Wall time of the parallel decompress + extract sections (the next batch is read
    /// meanwhile, so this includes any wait for that read).
    pub extract_elapsed: Duration,
    /// Wall time spent writing results (changed rows, version moves).
    pub write_elapsed: Duration,
}

impl ReplayStats {
    /// Rows per second over the whole run.
    pub fn pages_per_sec(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 {
            self.scanned as f64 / s
        } else {
            0.0
        }
    }
}

/// The result of re-extracting one stored page.
enum Outcome {
    Changed(Box<Report>),
    Unchanged,
    Failed(String),
}

/// Whether two extract JSONs are the same apart from `extractor_version`.
fn same_output(new: &Value, old: &Value) -> bool {
    const IGNORED: &str = "extractor_version";
    match (new.as_object(), old.as_object()) {
        (Some(n), Some(o)) => {
            let len =
                |m: &serde_json::Map<String, Value>| m.len() - usize::from(m.contains_key(IGNORED));
            len(n) == len(o)
                && n.iter()
                    .filter(|(k, _)| k.as_str() != IGNORED)
                    .all(|(k, v)| o.get(k) == Some(v))
        }
        _ => new == old,
    }
}

/// Decompresses and re-extracts one page, and compares with what is stored. Pure CPU.
fn reextract(page: &StoredPage, opts: &Options) -> Outcome {
    let body = match page.body() {
        Ok(b) => b,
        Err(e) => return Outcome::Failed(format!("decompress: {e}")),
    };
    // The extractor saw the URL the stored report names (what the worker passed), falling
    // back to the final URL, then the row URL: the same input gives the same output.
    let url = page
        .report
        .get("url")
        .and_then(Value::as_str)
        .or(page.final_url.as_deref())
        .unwrap_or(&page.url);
    let input = Input {
        bytes: &body,
        url: Some(url),
        content_type: page.content_type.as_deref(),
    };
    // The extractor is pure; a panic in it is a bug on one page, not a reason to stop.
    let report = match extraction::extract(&input, opts) {
        Ok(r) if !page.more.is_empty() => match reextract_more(r, page, opts) {
            Ok(r) => r,
            Err(e) => return Outcome::Failed(e),
        },
        Ok(r) => r,
        // A page the stored report already calls rejected is compared as usual (the same
        // rejection is "unchanged"); a page that had a report is not overwritten by a
        // rejection: that needs a look, so it is counted failed and left alone.
        Err(ExtractFailure::Rejected(e))
            if page.report.get("error").is_some_and(|v| !v.is_null()) =>
        {
            extract::rejected(&input, &e)
        }
        Err(e) => return Outcome::Failed(format!("extract: {}", failure_text(&e))),
    };
    let mut report = report;
    carry_attachments(&mut report, &page.report);
    let new = match crate::store::save::storable(&report)
        .and_then(|(_, text)| Ok(serde_json::from_str::<Value>(&text)?))
    {
        Ok(json) => json,
        Err(e) => return Outcome::Failed(format!("serialise: {e}")),
    };
    if same_output(&new, &page.report) {
        Outcome::Unchanged
    } else {
        Outcome::Changed(Box::new(report))
    }
}

/// How a failed extraction reads in the replay's warning: the extractor's error, or
/// `panicked`.
fn failure_text(e: &ExtractFailure) -> String {
    match e {
        ExtractFailure::Panicked(_) => "panicked".to_owned(),
        other => other.to_string(),
    }
}

/// Attachment articles (`--fetch-attachments`) come from files whose bytes are not stored:
/// replay keeps the stored ones, and what is recorded of each attachment (its `error`), so
/// re-extracting the pages does not drop them.
fn carry_attachments(report: &mut Report, stored: &Value) {
    if let Some(articles) = stored.get("articles").and_then(Value::as_array) {
        report.articles.extend(
            articles
                .iter()
                .filter(|a| a.get("source").and_then(Value::as_str) == Some("attachment"))
                .filter_map(|a| serde_json::from_value::<extract::Article>(a.clone()).ok()),
        );
    }
    if let Some(old) = stored.get("attachments").and_then(Value::as_array) {
        for a in &mut report.attachments {
            let error = old
                .iter()
                .find(|o| o.get("url").and_then(Value::as_str) == Some(a.url.as_str()))
                .and_then(|o| o.get("error"))
                .and_then(Value::as_str);
            if let Some(e) = error {
                a.error = Some(e.to_owned());
            }
        }
    }
}

/// The report of a page split over pages: page 1's report (`first`) and the later pages'
/// stored bytes re-extracted, stitched as the worker stitched them.
fn reextract_more(first: Report, page: &StoredPage, opts: &Options) -> Result<Report, String> {
    let mut reports = Vec::with_capacity(1 + page.more.len());
    reports.push(first);
    for more in &page.more {
        let body = more
            .body()
            .map_err(|e| format!("decompress page {}: {e}", more.ordinal))?;
        let input = Input {
            bytes: &body,
            url: Some(more.final_url.as_deref().unwrap_or(&more.url)),
            content_type: more.content_type.as_deref(),
        };
        match extraction::extract(&input, opts) {
            Ok(r) => reports.push(r),
            Err(e) => {
                return Err(format!(
                    "extract page {}: {}",
                    more.ordinal,
                    failure_text(&e)
                ))
            }
        }
    }
    Ok(extract::stitch(reports))
}

/// Re-extracts `pages` on `threads` threads; outcomes in the same order as `pages`.
fn reextract_all(pages: &[StoredPage], threads: usize) -> Vec<Outcome> {
    let opts = Options::default();
    let next = AtomicUsize::new(0);
    let threads = threads.clamp(1, pages.len().max(1));
    let mut results: Vec<(usize, Outcome)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut local = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(page) = pages.get(i) else { break };
                        local.push((i, reextract(page, &opts)));
                    }
                    local
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, o)| o).collect()
}

fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs a replay (see the module docs).
pub async fn run(store: &Store, opts: &ReplayOptions) -> Result<ReplayStats, StoreError> {
    let started = Instant::now();
    let threads = if opts.threads == 0 {
        default_threads()
    } else {
        opts.threads
    };
    let batch = i64::try_from(opts.batch.max(1)).unwrap_or(i64::MAX);
    let versions = if opts.older_version {
        let v = store.versions_older_than(EXTRACTOR_VERSION).await?;
        if v.is_empty() {
            tracing::info!(
                current = EXTRACTOR_VERSION,
                "No stored report is older than the current extractor."
            );
            return Ok(ReplayStats {
                elapsed: started.elapsed(),
                ..Default::default()
            });
        }
        Some(v)
    } else {
        None
    };
    let mut stats = ReplayStats::default();
    let fetch_batch = |after: i64, limit: i64| {
        let filter = &opts.filter;
        let versions = versions.as_deref();
        async move { store.replay_batch(filter, versions, after, limit).await }
    };
    let remaining = |scanned: u64| -> i64 {
        match opts.limit {
            Some(l) => i64::try_from(l.saturating_sub(scanned))
                .unwrap_or(i64::MAX)
                .min(batch),
            None => batch,
        }
    };
    let mut pages = fetch_batch(0, remaining(0)).await?;
    while !pages.is_empty() {
        let last_id = pages.last().map_or(0, |p| p.id);
        stats.scanned += pages.len() as u64;
        let next_limit = remaining(stats.scanned);
        // Extract this batch on all cores while the next one is read.
        let extract_started = Instant::now();
        let work = tokio::task::spawn_blocking(move || {
            let outcomes = reextract_all(&pages, threads);
            (pages, outcomes)
        });
        let (extracted, next) = if next_limit > 0 {
            let (e, n) = tokio::join!(work, fetch_batch(last_id, next_limit));
            (e, n?)
        } else {
            (work.await, Vec::new())
        };
        // A join error means a thread of ours panicked outside the guarded extractor call.
        let (done, outcomes) =
            extracted.map_err(|e| StoreError::Task(format!("replay extraction: {e}")))?;
        stats.extract_elapsed += extract_started.elapsed();

        let mut same = Vec::new();
        let mut to_write = Vec::new();
        for (page, outcome) in done.iter().zip(outcomes) {
            match outcome {
                Outcome::Unchanged => {
                    stats.unchanged += 1;
                    same.push(page.id);
                }
                Outcome::Changed(report) => to_write.push((page, report)),
                Outcome::Failed(why) => {
                    stats.failed += 1;
                    tracing::warn!(report_id = page.id, url = %page.url, error = %why, "Replay could not re-extract a page.");
                }
            }
        }
        let write_started = Instant::now();
        if opts.dry_run {
            stats.changed += to_write.len() as u64;
        } else {
            store.replay_mark_current(&same, EXTRACTOR_VERSION).await?;
            let written: Vec<Option<i64>> = stream::iter(to_write)
                .map(|(page, report)| async move { store.replay_write(page, &report).await })
                .buffer_unordered(opts.write_concurrency.max(1))
                .try_collect()
                .await?;
            for w in written {
                match w {
                    Some(_) => stats.changed += 1,
                    None => stats.superseded += 1,
                }
            }
        }
        stats.write_elapsed += write_started.elapsed();
        tracing::debug!(
            scanned = stats.scanned,
            changed = stats.changed,
            "Replay batch done."
        );
        pages = next;
    }
    stats.elapsed = started.elapsed();
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::same_output;
    use serde_json::json;

    #[test]
    fn outputs_compare_without_the_version() {
        let a = json!({"title": "x", "extractor_version": "1"});
        assert!(same_output(
            &a,
            &json!({"title": "x", "extractor_version": "2"})
        ));
        assert!(same_output(&a, &json!({"title": "x"})));
        assert!(!same_output(
            &a,
            &json!({"title": "y", "extractor_version": "1"})
        ));
        assert!(!same_output(&a, &json!({"title": "x", "extra": 1})));
    }
}
