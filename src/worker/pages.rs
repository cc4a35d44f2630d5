//! A report split over pages (`共2页`, `下一页`): after page 1 is extracted, its
//! `pagination.next` is followed while it stays the same report, each page through the
//! same robots check, fleet-wide host budget, SSRF guard and fetch limits as the first,
//! up to `--max-pages`. The pages are then stitched into one report (`extract::stitch`)
//! stored under the enqueued URL.
//!
//! How a later page's failure ends the walk:
//! - retryable (5xx, timeout, connect…) → the whole message is retried (the pages already
//!   fetched are fetched again next time: a half report is never stored for a transient
//!   failure);
//! - over the host budget → the whole message is delayed, as for page 1;
//! - permanent (404, not HTML, robots, blocked address) → the walk stops and the pages
//!   that worked are stored with `pages_missing` > 0 (the event says `incomplete`);
//! - a `next` that leaves the report (another host, another path stem), loops back, or
//!   points to a page already seen ends the walk without anything missing.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use url::Url;

use super::failure::Failure;
use super::pipeline::{extract_blocking, Context};
use crate::disposition::Disposition;
use crate::extract::Report;
use crate::fetch::{self, Fetched};
use crate::metrics;

/// One fetched and extracted page of a report.
#[derive(Debug)]
pub struct Page {
    /// The URL it was asked for (the enqueued URL for page 1, the `next` link after).
    pub url: String,
    pub fetched: Fetched,
    pub report: Report,
}

/// What a fetch through the guards gave.
pub enum Got {
    Page(Fetched),
    /// The host's fleet-wide budget is used up for this long: delay the message.
    OverBudget(Duration),
}

/// The pages of one report, in order, and how many it shows but could not be stored.
#[derive(Debug)]
pub struct Walked {
    pub first: Page,
    /// The pages after the first (empty for a one-page report).
    pub more: Vec<Page>,
    pub missing: u32,
}

/// What is fetched: a page (HTML only) or a file a report links to (any type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Page,
    Attachment,
}

/// robots.txt → host budget → fetch, with the metrics of each stage.
pub async fn fetch_checked(ctx: &Context, url: &Url, target: Target) -> Result<Got, Failure> {
    let host = url.host_str().unwrap_or_default().to_owned();
    let mut crawl_delay = None;
    if !ctx.politeness_args.ignore_robots {
        let verdict = ctx
            .fetcher
            .robots_allowed(url)
            .await
            .map_err(|e| Failure::from_error(&e))?;
        if !verdict.allowed {
            return Err(Failure::permanent("robots", "disallowed by robots.txt"));
        }
        crawl_delay = verdict.crawl_delay;
    }

    let max_wait = Duration::from_secs_f64(ctx.politeness_args.politeness_max_wait.max(0.0));
    let (acquired, waited) = ctx
        .politeness
        .acquire_within(&host, crawl_delay, max_wait)
        .await
        .map_err(|e| Failure::from_error(&e))?;
    ctx.metrics
        .stage(metrics::stage::POLITENESS, waited.as_secs_f64());
    if !waited.is_zero() {
        ctx.metrics.politeness_wait(waited.as_secs_f64());
    }
    let permit = match acquired {
        Ok(p) => p,
        Err(wait) => {
            ctx.metrics.host_throttled();
            return Ok(Got::OverBudget(wait));
        }
    };

    let t = Instant::now();
    let fetched = match target {
        Target::Page => ctx.fetcher.fetch(url).await,
        Target::Attachment => ctx.fetcher.fetch_attachment(url).await,
    };
    permit.release().await;
    ctx.metrics
        .stage(metrics::stage::FETCH, t.elapsed().as_secs_f64());
    match fetched {
        Ok(f) => {
            ctx.metrics.fetch_status(metrics::status_class(f.status));
            ctx.metrics.fetched_bytes(f.body.len() as u64);
            Ok(Got::Page(f))
        }
        Err(e) => {
            let f = Failure::from_error(&e);
            ctx.metrics
                .fetch_status(match f.reason.strip_prefix("http_") {
                    Some(code) if code.starts_with('4') => "4xx",
                    Some(code) if code.starts_with('5') => "5xx",
                    Some(_) => "other",
                    None => "error",
                });
            Err(f)
        }
    }
}

/// Follows `first`'s `next` links (see the module docs). `Err` is the failure the whole
/// message ends with (retryable); `Ok(Err(wait))` means delay the message.
pub async fn walk(
    ctx: &Context,
    start: &Url,
    first: Page,
    max_pages: usize,
) -> Result<Result<Walked, Duration>, Failure> {
    let mut seen: HashSet<String> = HashSet::new();
    seen.insert(start.as_str().to_owned());
    seen.insert(first.fetched.final_url.clone());
    let mut more: Vec<Page> = Vec::new();
    let mut failed = false;
    let mut cut = false;
    loop {
        let last = more.last().unwrap_or(&first);
        let Some(next) = next_link(&last.report, start) else {
            break;
        };
        // Forward only: a link back to an earlier page (`_3` → `_2`, or to the first
        // page) is a loop, and a message for page 2 does not walk back to page 1.
        let current = Url::parse(&last.url).ok();
        if seen.contains(next.as_str()) || current.is_some_and(|c| !forward(&c, &next)) {
            break;
        }
        let last_page = last.report.pagination.as_ref().map_or(0, |p| p.page);
        if 1 + more.len() >= max_pages {
            cut = true;
            break;
        }
        seen.insert(next.as_str().to_owned());
        let next = match fetch::validate_url(next.as_str()) {
            Ok(u) => u,
            Err(_) => break,
        };
        let fetched = match fetch_checked(ctx, &next, Target::Page).await {
            Ok(Got::Page(f)) => f,
            Ok(Got::OverBudget(wait)) => return Ok(Err(wait)),
            Err(f) if permanent(&f) => {
                tracing::info!(url = %next, reason = f.reason, "A later page failed; the report is stored without it.");
                failed = true;
                break;
            }
            Err(f) => return Err(f),
        };
        // A redirect back to a page already stored is a loop, not a new page.
        if !seen.insert(fetched.final_url.clone()) && fetched.final_url != next.as_str() {
            break;
        }
        match extract_blocking(ctx, &fetched).await {
            // The page says it is not after the last one: the site's `next` went round.
            Ok(report)
                if last_page > 0
                    && report
                        .pagination
                        .as_ref()
                        .is_some_and(|p| p.page > 0 && p.page <= last_page) =>
            {
                break
            }
            Ok(report) => more.push(Page {
                url: next.to_string(),
                fetched,
                report,
            }),
            Err(f) if permanent(&f) => {
                tracing::info!(url = %next, reason = f.reason, "A later page could not be extracted; the report is stored without it.");
                failed = true;
                break;
            }
            Err(f) => return Err(f),
        }
    }
    let stored = u32::try_from(1 + more.len()).unwrap_or(u32::MAX);
    let missing = missing_pages(first.report.pagination.as_ref(), stored, failed || cut);
    Ok(Ok(Walked {
        first,
        more,
        missing,
    }))
}

/// Pages the report shows that are not stored: from `共N页` when the page says it
/// (counting from the page the walk started on: a message for page 2 does not walk
/// back), else one when the walk stopped short of a `next` it should have followed.
fn missing_pages(
    first: Option<&crate::extract::Pagination>,
    stored: u32,
    stopped_short: bool,
) -> u32 {
    let shown = first
        .and_then(|p| p.total.map(|t| t.saturating_sub(p.page.max(1) - 1)))
        .unwrap_or(0);
    let missing = shown.saturating_sub(stored);
    if stopped_short {
        missing.max(1)
    } else {
        missing
    }
}

fn permanent(f: &Failure) -> bool {
    f.disposition == Disposition::DeadLetter
}

/// The page's `next` link when it continues the same report as `start`.
fn next_link(report: &Report, start: &Url) -> Option<Url> {
    let next = report.pagination.as_ref()?.next.as_deref()?;
    let next = Url::parse(next).ok()?;
    same_report(start, &next).then_some(next)
}

/// Whether `next` can be a later page of the report at `first`: same scheme, host and
/// port, same directory, and either the same file with another query (`?page=2`) or a
/// file whose stem extends the first page's stem once its own page suffix is removed
/// (`100.html` → `100_2.html`, `index.html` → `index_1.html`, `a-1.htm` → `a-2.htm`).
pub fn same_report(first: &Url, next: &Url) -> bool {
    if first.scheme() != next.scheme()
        || first.host_str() != next.host_str()
        || first.port_or_known_default() != next.port_or_known_default()
    {
        return false;
    }
    let (dir_a, file_a) = split_path(first.path());
    let (dir_b, file_b) = split_path(next.path());
    if dir_a != dir_b {
        return false;
    }
    if file_a == file_b {
        return first.query() != next.query();
    }
    let stem_a = page_stem(file_a);
    let stem_b = page_stem(file_b);
    !stem_a.is_empty() && stem_b.starts_with(stem_a) && (stem_b.len() - stem_a.len()) <= 8
}

/// Whether `next` comes after `current` by the page numbers their file names carry
/// (`100.html` = 0 < `100_2.html` = 2 < `100_3.html`); links that differ in the query
/// only cannot tell, and count as forward (the page's own number is checked after).
fn forward(current: &Url, next: &Url) -> bool {
    let (_, a) = split_path(current.path());
    let (_, b) = split_path(next.path());
    a == b || file_page(b) > file_page(a)
}

/// The page number a file name ends with (`_2`, `-3`), 0 when it has none.
fn file_page(file: &str) -> u32 {
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let base = page_stem(file);
    if base.len() == stem.len() {
        return 0;
    }
    stem[base.len() + 1..].parse().unwrap_or(0)
}

fn split_path(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => ("", path),
    }
}

/// A file name without its extension and its page suffix (`_2`, `-3`, `_index_1`).
fn page_stem(file: &str) -> &str {
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let trimmed = stem.trim_end_matches(|c: char| c.is_ascii_digit());
    if trimmed.len() < stem.len() {
        if let Some(base) = trimmed.strip_suffix(['_', '-']) {
            return base;
        }
    }
    stem
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::extract::Pagination;

    fn same(a: &str, b: &str) -> bool {
        same_report(&Url::parse(a).unwrap(), &Url::parse(b).unwrap())
    }

    #[test]
    fn later_pages_of_one_report_are_recognised() {
        assert!(same(
            "http://a.cn/x/1523871.html",
            "http://a.cn/x/1523871_2.html"
        ));
        assert!(same(
            "http://a.cn/x/1523871_2.html",
            "http://a.cn/x/1523871_3.html"
        ));
        assert!(same(
            "http://a.cn/x/index.html",
            "http://a.cn/x/index_1.html"
        ));
        assert!(same("http://a.cn/x/a-1.htm", "http://a.cn/x/a-2.htm"));
        assert!(same(
            "http://a.cn/x/show.php?id=9",
            "http://a.cn/x/show.php?id=9&page=2"
        ));
    }

    #[test]
    fn links_that_leave_the_report_are_not_followed() {
        // Another host, another directory, another article, the same URL.
        assert!(!same("http://a.cn/x/100.html", "http://b.cn/x/100_2.html"));
        assert!(!same("http://a.cn/x/100.html", "http://a.cn/y/100_2.html"));
        assert!(!same("http://a.cn/x/100.html", "http://a.cn/x/101.html"));
        assert!(!same("http://a.cn/x/100.html", "http://a.cn/x/100.html"));
        assert!(!same("http://a.cn/x/100.html", "https://a.cn/x/100_2.html"));
        assert!(!same(
            "http://a.cn/x/100.html",
            "http://a.cn:8080/x/100_2.html"
        ));
    }

    #[test]
    fn the_walk_goes_forward_only() {
        let fwd = |a: &str, b: &str| forward(&Url::parse(a).unwrap(), &Url::parse(b).unwrap());
        assert!(fwd("http://a.cn/x/100.html", "http://a.cn/x/100_2.html"));
        assert!(fwd("http://a.cn/x/100_2.html", "http://a.cn/x/100_3.html"));
        assert!(fwd("http://a.cn/x/100_9.html", "http://a.cn/x/100_10.html"));
        assert!(fwd(
            "http://a.cn/x/index.html",
            "http://a.cn/x/index_1.html"
        ));
        assert!(!fwd("http://a.cn/x/100_3.html", "http://a.cn/x/100.html"));
        assert!(!fwd("http://a.cn/x/100_3.html", "http://a.cn/x/100_2.html"));
        assert!(fwd(
            "http://a.cn/x/s.php?id=1",
            "http://a.cn/x/s.php?id=1&p=2"
        ));
    }

    #[test]
    fn missing_counts_from_the_page_the_walk_started_on() {
        let p = |page, total| Pagination {
            page,
            total,
            next: None,
            prev: None,
        };
        assert_eq!(missing_pages(Some(&p(1, Some(3))), 3, false), 0);
        assert_eq!(missing_pages(Some(&p(1, Some(3))), 2, true), 1);
        assert_eq!(missing_pages(Some(&p(1, Some(5))), 2, true), 3);
        // Enqueued at page 2 of 3: pages 2 and 3 are all it should hold.
        assert_eq!(missing_pages(Some(&p(2, Some(3))), 2, false), 0);
        // No 共N页: one missing when the walk stopped short.
        assert_eq!(missing_pages(Some(&p(1, None)), 2, true), 1);
        assert_eq!(missing_pages(None, 1, false), 0);
    }
}
