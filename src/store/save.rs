//! Writing fetched pages: idempotent, one transaction (or one per group), event in the outbox.
//!
//! Under a row lock on the URL's `reports` row (`SELECT … FOR UPDATE`, or the unique index
//! when the row is new):
//! - same `content_sha256` (sha256 of the raw body) and same `extractor_version` as stored →
//!   nothing is written at all (not even `updated_at`); the caller gets the
//!   `report.completed` event (`data.unchanged = true`) to publish itself, `outbox_id = None`.
//!   Its id equals the stored event's id, so a consumer drops it as a duplicate if it wants.
//! - otherwise the report row is inserted or updated, articles and figures are replaced, the
//!   raw bytes (zstd) and headers are upserted, and an outbox row with the event is added,
//!   all in the same transaction.
//!
//! Concurrency: two workers saving the same URL serialise on the row lock (or, for a new
//! URL, on the unique index: the loser's `INSERT … ON CONFLICT DO NOTHING` waits for the
//! winner's commit, returns nothing, and the loser goes round again and takes the row
//! lock). A [`save`] transaction locks one `reports` row only, so it is in no lock cycle;
//! a [`save_batch`] (group commit) locks one per page, in URL order, and falls back to
//! [`save`] per page if anything fails, a deadlock included.

use std::borrow::Cow;

use chrono::NaiveDate;
use deadpool_postgres::Transaction;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio_postgres::types::ToSql;

use super::{Store, StoreError};
use crate::events::{self, Event};
use crate::extract::Report;

/// zstd level for stored raw bodies. Level 1 compresses the benchmark pages 4.9x (level 3:
/// 5.6x) in two thirds of the time; `report-ingest bench` showed level 3 at 12 % of the
/// worker's CPU, so the few percent of size are not worth it on the hot path.
pub const RAW_ZSTD_LEVEL: i32 = 1;

/// Largest decompressed raw body we accept back from the table (guards a corrupt row);
/// above the fetch cap (10 MB default) with room for a raised `--max-body`.
pub const MAX_RAW_BODY: usize = 256 * 1024 * 1024;

/// One fetched page to store: what the server sent and what the extractor made of it.
#[derive(Debug, Clone, Copy)]
pub struct PageToSave<'a> {
    /// Page 1: what its server sent (`url` is the URL as enqueued, the row key).
    pub first: FetchedPage<'a>,
    /// The extractor's output for page 1 (for a report split over pages, the stitched
    /// report of all of them).
    pub report: &'a Report,
    /// The caller's message id and meta, echoed in the event.
    pub msg_id: Option<&'a str>,
    pub msg_meta: Option<&'a Value>,
    /// The pages after the first when the report is split over pages; empty for a
    /// one-page report.
    pub more: &'a [FetchedPage<'a>],
    /// Pages the report has that are not stored (a permanent failure on a later page, or
    /// the `--max-pages` limit); > 0 makes the event say `incomplete`.
    pub pages_missing: u32,
    /// sha256 of each attachment read into the report (`--fetch-attachments`): they join
    /// the report's content hash, so a changed attachment updates the report.
    pub attachment_sha256: &'a [String],
}

/// One fetched page of a report: what its server sent.
#[derive(Debug, Clone, Copy)]
pub struct FetchedPage<'a> {
    /// The URL the page was fetched by (for page 1, the URL as enqueued).
    pub url: &'a str,
    /// The URL after redirects.
    pub final_url: &'a str,
    /// HTTP status of the final response.
    pub status: u16,
    /// Response headers as received (kept for replay and forensics).
    pub headers: &'a [(String, String)],
    /// The `Content-Type` header value, if any.
    pub content_type: Option<&'a str>,
    /// Raw body bytes (after content-encoding is undone), exactly what the extractor read.
    pub body: &'a [u8],
}

impl PageToSave<'_> {
    /// How many pages the stored report is made of, and how many it lacks.
    pub fn pages(&self) -> events::Pages {
        events::Pages {
            count: 1 + u32::try_from(self.more.len()).unwrap_or(u32::MAX - 1),
            missing: self.pages_missing,
        }
    }
}

/// The outcome of [`save`].
#[derive(Debug, Clone)]
pub struct Saved {
    pub report_id: i64,
    /// True when the stored row already had this content and extractor version: no row
    /// was changed or added.
    pub unchanged: bool,
    /// The outbox row holding [`Saved::event`] (`None` when `unchanged`: then the caller
    /// publishes the event directly, with a confirm, before acking).
    pub outbox_id: Option<i64>,
    /// The `report.completed` event for this message.
    pub event: Event,
    /// sha256 (hex) of the raw body.
    pub content_sha256: String,
}

/// sha256 of `body`, lower-case hex.
pub fn content_sha256(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// The content hash of a report made of pages (and read attachments) with these hashes:
/// the page's own hash for one page, else the sha256 over the hashes in order (so the same pages with the
/// same content give the same hash, and any page changing changes it).
pub fn report_sha256(page_shas: &[String]) -> String {
    match page_shas {
        [one] => one.clone(),
        many => content_sha256(many.join("\n").as_bytes()),
    }
}

/// The host of a URL, lower-case (as the `url` crate normalises it), for `--host` filters.
pub(crate) fn host_of(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
}

/// PostgreSQL `text` and `jsonb` cannot hold U+0000; a hostile page could put one in a
/// title. We drop it (and only it), everything else is stored verbatim.
pub(crate) fn strip_nul(s: &str) -> Cow<'_, str> {
    if s.contains('\0') {
        Cow::Owned(s.replace('\0', ""))
    } else {
        Cow::Borrowed(s)
    }
}

fn strip_nul_value(v: &mut Value) {
    match v {
        Value::String(s) if s.contains('\0') => *s = s.replace('\0', ""),
        Value::Array(a) => a.iter_mut().for_each(strip_nul_value),
        Value::Object(o) => {
            let bad: Vec<String> = o.keys().filter(|k| k.contains('\0')).cloned().collect();
            for k in bad {
                if let Some(val) = o.remove(&k) {
                    o.insert(k.replace('\0', ""), val);
                }
            }
            o.values_mut().for_each(strip_nul_value);
        }
        _ => {}
    }
}

/// The report made storable: NUL-free, plus its JSON text (serialised once: it is the
/// NUL check and the `jsonb` parameter, [`JsonText`]). Borrowed when already clean (the
/// common case, detected on the serialised JSON where NUL can only appear as `\u0000`).
pub(crate) fn storable(report: &Report) -> Result<(Cow<'_, Report>, String), StoreError> {
    let text = serde_json::to_string(report)?;
    if !text.contains("\\u0000") {
        return Ok((Cow::Borrowed(report), text));
    }
    let mut value: Value = serde_json::from_str(&text)?;
    strip_nul_value(&mut value);
    let text = serde_json::to_string(&value)?;
    let clean: Report = serde_json::from_value(value)?;
    Ok((Cow::Owned(clean), text))
}

/// A `jsonb` parameter from JSON text already serialised: the binary format of `jsonb` is
/// a version byte (1) and the text, so nothing is parsed or serialised again on our side.
#[derive(Debug)]
pub(crate) struct JsonText<'a>(pub &'a str);

impl ToSql for JsonText<'_> {
    fn to_sql(
        &self,
        _ty: &tokio_postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> Result<tokio_postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        out.extend_from_slice(&[1]);
        out.extend_from_slice(self.0.as_bytes());
        Ok(tokio_postgres::types::IsNull::No)
    }

    fn accepts(ty: &tokio_postgres::types::Type) -> bool {
        *ty == tokio_postgres::types::Type::JSONB
    }

    tokio_postgres::types::to_sql_checked!();
}

thread_local! {
    /// One zstd compression context per thread, reused (creating one per body was a
    /// visible share of the worker's profile).
    static COMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
        const { std::cell::RefCell::new(None) };
}

/// `body` compressed at [`RAW_ZSTD_LEVEL`] (a zstd frame `zstd::bulk::decompress` reads).
pub(crate) fn compress_raw(body: &[u8]) -> Result<Vec<u8>, std::io::Error> {
    COMPRESSOR.with(|c| {
        let mut c = c.borrow_mut();
        if let Some(z) = c.as_mut() {
            return z.compress(body);
        }
        c.insert(zstd::bulk::Compressor::new(RAW_ZSTD_LEVEL)?)
            .compress(body)
    })
}

/// Parses the report's ISO date (`YYYY-MM-DD`, possibly followed by a time).
fn published_date(report: &Report) -> Option<NaiveDate> {
    let p = report.published.as_deref()?;
    NaiveDate::parse_from_str(p.get(..10)?, "%Y-%m-%d").ok()
}

fn count_i32(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The `reports` columns that come from the extractor output, in statement parameter
/// order (`$2…$17`, [`DERIVED_SET`]; `$1` is the id or the url).
struct Derived<'a> {
    charset: Option<&'a str>,
    title: Option<&'a str>,
    published: Option<NaiveDate>,
    source_org: Option<&'a str>,
    region: Option<&'a str>,
    doc_type: Option<&'a str>,
    period: Option<&'a str>,
    script: Option<&'a str>,
    article_count: i32,
    figure_count: i32,
    extractor_version: &'a str,
    report: JsonText<'a>,
    declared_charset: Option<&'a str>,
    charset_source: Option<&'a str>,
    replacement_ratio: f64,
    error: Option<&'a str>,
}

impl<'a> Derived<'a> {
    fn new(r: &'a Report, json: &'a str) -> Self {
        let source = r.charset_info.source.as_str();
        Derived {
            charset: r.charset.as_deref(),
            title: r.title.as_deref(),
            published: published_date(r),
            source_org: r.source_org.as_deref(),
            region: r.region.as_deref(),
            doc_type: r.doc_type.as_deref(),
            period: r.period.as_deref(),
            script: r.script.as_deref(),
            article_count: count_i32(r.articles.len()),
            figure_count: count_i32(events::figure_count(r)),
            extractor_version: &r.extractor_version,
            report: JsonText(json),
            declared_charset: r.charset_info.declared.as_deref(),
            charset_source: (!source.is_empty()).then_some(source),
            replacement_ratio: r.charset_info.replacement_ratio,
            error: r.error.as_deref(),
        }
    }

    fn params(&self) -> [&(dyn ToSql + Sync); 16] {
        [
            &self.charset,
            &self.title,
            &self.published,
            &self.source_org,
            &self.region,
            &self.doc_type,
            &self.period,
            &self.script,
            &self.article_count,
            &self.figure_count,
            &self.extractor_version,
            &self.report,
            &self.declared_charset,
            &self.charset_source,
            &self.replacement_ratio,
            &self.error,
        ]
    }
}

/// `SET` list for the derived columns, parameters `$2…$17`.
const DERIVED_SET: &str = "charset = $2, title = $3, published = $4, source_org = $5, \
     region = $6, doc_type = $7, period = $8, script = $9, article_count = $10, \
     figure_count = $11, extractor_version = $12, report = $13, declared_charset = $14, \
     charset_source = $15, replacement_ratio = $16, error = $17, updated_at = now()";

/// Fetch-side columns of `save`, parameters `$18…$23`.
const FETCH_SET: &str = "final_url = $18, http_status = $19, host = $20, content_sha256 = $21, \
     page_count = $22, pages_missing = $23, fetched_at = now()";

const INSERT_REPORT: &str = "INSERT INTO reports (url, charset, title, published, source_org, \
     region, doc_type, period, script, article_count, figure_count, extractor_version, report, \
     declared_charset, charset_source, replacement_ratio, error, final_url, http_status, host, \
     content_sha256, page_count, pages_missing) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
     $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23) \
     ON CONFLICT (url) DO NOTHING RETURNING id";

/// The `reports` columns that come from the fetch, in statement parameter order
/// (`$18…$23`, [`FETCH_SET`]).
pub(crate) struct FetchColumns<'a> {
    final_url: &'a str,
    status: i32,
    host: Option<String>,
    content_sha256: &'a str,
    page_count: i32,
    pages_missing: i32,
}

impl FetchColumns<'_> {
    fn params(&self) -> [&(dyn ToSql + Sync); 6] {
        [
            &self.final_url,
            &self.status,
            &self.host,
            &self.content_sha256,
            &self.page_count,
            &self.pages_missing,
        ]
    }
}

/// Which `reports` row [`write_row`] writes, and whether the fetch columns go with it.
pub(crate) enum RowWrite<'a> {
    /// A fetch of a URL that has no row yet (`INSERT … ON CONFLICT (url) DO NOTHING`).
    Insert {
        url: &'a str,
        fetch: &'a FetchColumns<'a>,
    },
    /// A new fetch of the URL of row `id`.
    Refetch {
        id: i64,
        fetch: &'a FetchColumns<'a>,
    },
    /// A re-extraction of row `id` from its stored bytes (`replay`): the fetch columns stay.
    Reextract { id: i64 },
}

/// Writes a report's `reports` row, the one place its parameters are built: `$1` the id
/// (or the url of an insert), `$2…$17` the extractor's columns ([`Derived`]), `$18…$23`
/// the fetch's ([`FetchColumns`]) unless it is a re-extraction. Returns the row id, or
/// `None` when an insert lost the race for a new URL to another writer (the caller locks
/// the winner's row and goes round again).
pub(crate) async fn write_row(
    tx: &Transaction<'_>,
    write: RowWrite<'_>,
    report: &Report,
    json: &str,
) -> Result<Option<i64>, StoreError> {
    let derived = Derived::new(report, json);
    let (key, fetch, sql): (&(dyn ToSql + Sync), _, Cow<'_, str>) = match &write {
        RowWrite::Insert { url, fetch } => (url, Some(*fetch), Cow::Borrowed(INSERT_REPORT)),
        RowWrite::Refetch { id, fetch } => (
            id,
            Some(*fetch),
            Cow::Owned(format!(
                "UPDATE reports SET {DERIVED_SET}, {FETCH_SET} WHERE id = $1"
            )),
        ),
        RowWrite::Reextract { id } => (
            id,
            None,
            Cow::Owned(format!("UPDATE reports SET {DERIVED_SET} WHERE id = $1")),
        ),
    };
    let mut params: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(23);
    params.push(key);
    params.extend_from_slice(&derived.params());
    let fetch_params = fetch.map(FetchColumns::params);
    if let Some(f) = &fetch_params {
        params.extend_from_slice(f);
    }
    let stmt = tx.prepare_cached(&sql).await?;
    match write {
        RowWrite::Insert { .. } => Ok(tx
            .query_opt(&stmt, &params)
            .await?
            .map(|row| row.get::<_, i64>(0))),
        RowWrite::Refetch { id, .. } | RowWrite::Reextract { id } => {
            tx.execute(&stmt, &params).await?;
            Ok(Some(id))
        }
    }
}

/// What a fetch and a re-extraction both write after the row of report `id`: its
/// articles and figures, its attachments, and the outbox row of `event`. Returns the
/// outbox id. `fresh`: the row was inserted by this transaction, so it has no children
/// to replace (the deletes are skipped, and so is an empty attachment list).
pub(crate) async fn write_contents(
    tx: &Transaction<'_>,
    id: i64,
    fresh: bool,
    report: &Report,
    event: &Event,
) -> Result<i64, StoreError> {
    let attachments = async {
        if fresh && report.attachments.is_empty() {
            Ok(())
        } else {
            write_attachments(tx, id, report).await
        }
    };
    // Independent tables: pipelined (see `save`).
    let ((), (), outbox_id) = futures::try_join!(
        replace_children(tx, id, fresh, report),
        attachments,
        insert_outbox(tx, event),
    )?;
    Ok(outbox_id)
}

/// Locks the URL's row, if any: (id, content_sha256, extractor_version).
async fn lock_row(
    tx: &Transaction<'_>,
    url: &str,
) -> Result<Option<(i64, String, String)>, StoreError> {
    let stmt = tx
        .prepare_cached(
            "SELECT id, content_sha256, extractor_version FROM reports WHERE url = $1 FOR UPDATE",
        )
        .await?;
    let row = tx.query_opt(&stmt, &[&url]).await?;
    Ok(row.map(|r| (r.get(0), r.get(1), r.get(2))))
}

/// Replaces the articles and figures of report `id` with those of `report`.
async fn replace_children(
    tx: &Transaction<'_>,
    id: i64,
    fresh: bool,
    report: &Report,
) -> Result<(), StoreError> {
    if !fresh {
        // Figures go with their articles (ON DELETE CASCADE).
        let del = tx
            .prepare_cached("DELETE FROM report_articles WHERE report_id = $1")
            .await?;
        tx.execute(&del, &[&id]).await?;
    }
    if report.articles.is_empty() {
        return Ok(());
    }
    let mut ordinals = Vec::with_capacity(report.articles.len());
    let mut titles = Vec::with_capacity(report.articles.len());
    let mut texts = Vec::with_capacity(report.articles.len());
    let mut outlines = Vec::with_capacity(report.articles.len());
    let mut f_article = Vec::new();
    let mut f_ordinal = Vec::new();
    let mut f_subject = Vec::new();
    let mut f_value: Vec<Option<f64>> = Vec::new();
    let mut f_unit = Vec::new();
    let mut f_raw = Vec::new();
    let mut f_approx = Vec::new();
    for (i, a) in report.articles.iter().enumerate() {
        let ordinal = count_i32(i);
        ordinals.push(ordinal);
        titles.push(a.title.as_deref());
        texts.push(a.main_text.as_str());
        outlines.push(serde_json::to_value(&a.outline)?);
        for (j, f) in a.figures.iter().enumerate() {
            f_article.push(ordinal);
            f_ordinal.push(count_i32(j));
            f_subject.push(f.subject.as_str());
            // numeric has no infinities on every server version we support; NaN/inf are
            // extractor bugs, stored as NULL rather than failing the page.
            f_value.push(f.value.is_finite().then_some(f.value));
            f_unit.push(f.unit.as_str());
            f_raw.push(f.raw.as_str());
            f_approx.push(f.approx);
        }
    }
    let ins_a = tx
        .prepare_cached(
            "INSERT INTO report_articles (report_id, ordinal, title, main_text, outline) \
             SELECT $1, o, t, m, l FROM unnest($2::int4[], $3::text[], $4::text[], $5::jsonb[]) \
             AS u(o, t, m, l)",
        )
        .await?;
    tx.execute(&ins_a, &[&id, &ordinals, &titles, &texts, &outlines])
        .await?;
    if !f_article.is_empty() {
        let ins_f = tx
            .prepare_cached(
                "INSERT INTO report_figures (report_id, article_ordinal, ordinal, subject, value, \
                 unit, raw, approx) \
                 SELECT $1, a, o, s, v::numeric, un, r, ap FROM unnest($2::int4[], $3::int4[], \
                 $4::text[], $5::float8[], $6::text[], $7::text[], $8::bool[]) \
                 AS u(a, o, s, v, un, r, ap)",
            )
            .await?;
        tx.execute(
            &ins_f,
            &[
                &id, &f_article, &f_ordinal, &f_subject, &f_value, &f_unit, &f_raw, &f_approx,
            ],
        )
        .await?;
    }
    Ok(())
}

/// Adds a pending outbox row: `$1` event id, `$2` routing key, `$3` body; returns its id.
pub(crate) const INSERT_OUTBOX: &str =
    "INSERT INTO outbox (event_id, routing_key, body) VALUES ($1, $2, $3) RETURNING id";

/// Inserts an outbox row for `event`; returns its id.
async fn insert_outbox(tx: &Transaction<'_>, event: &Event) -> Result<i64, StoreError> {
    let stmt = tx.prepare_cached(INSERT_OUTBOX).await?;
    let row = tx
        .query_one(&stmt, &[&event.id, &event.routing_key, &event.body])
        .await?;
    Ok(row.get(0))
}

/// Headers as stored: `[[name, value], …]` in the order received (duplicates kept).
fn headers_json(headers: &[(String, String)]) -> Value {
    Value::Array(
        headers
            .iter()
            .map(|(k, v)| {
                Value::Array(vec![
                    Value::String(strip_nul(k).into_owned()),
                    Value::String(strip_nul(v).into_owned()),
                ])
            })
            .collect(),
    )
}

/// See the module documentation: one page, in its own transaction.
pub async fn save(store: &Store, page: &PageToSave<'_>) -> Result<Saved, StoreError> {
    let mut client = store.pool().get().await?;
    let tx = client.transaction().await?;
    let saved = save_in(&tx, page).await?;
    if saved.unchanged {
        // Nothing was written; ending read-only work with COMMIT or ROLLBACK is the same.
        tx.rollback().await?;
    } else {
        tx.commit().await?;
    }
    Ok(saved)
}

/// Group commit: several pages (of distinct URLs) written in one transaction, their
/// statements pipelined on one connection, so the pages share one BEGIN, one COMMIT (one
/// WAL flush) and a few round trips. The rows of every page are committed before any of
/// them returns, as with [`save`]. Results come back in the order of `pages`.
///
/// Locks: each page locks its URL's row, and the pipelined statements are sent in the
/// order of `pages`, so callers pass them sorted by URL and two batches take their locks
/// in the same order. The one cycle left (a batch waiting on a new URL another
/// transaction is inserting, while holding a later URL's row that one wants) is broken by
/// PostgreSQL's deadlock detection; like any other error, it makes the batch fall back
/// to one transaction per page, which cannot deadlock (one row lock each).
pub async fn save_batch(store: &Store, pages: &[PageToSave<'_>]) -> Vec<Result<Saved, StoreError>> {
    let distinct = {
        let mut urls: Vec<&str> = pages.iter().map(|p| p.first.url).collect();
        urls.sort_unstable();
        urls.windows(2).all(|w| w[0] != w[1])
    };
    if pages.len() > 1 && distinct {
        let together = async {
            let mut client = store.pool().get().await?;
            let tx = client.transaction().await?;
            let saved =
                futures::future::try_join_all(pages.iter().map(|p| save_in(&tx, p))).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(saved)
        };
        match together.await {
            Ok(saved) => return saved.into_iter().map(Ok).collect(),
            // No connection: one transaction per page would only wait for it again, page
            // after page. Every page gets the (retryable) error at once.
            Err(error) if error.connection_lost() => {
                tracing::warn!(%error, pages = pages.len(), "Group commit failed: no connection.");
                return pages
                    .iter()
                    .map(|_| {
                        Err(StoreError::Task(format!(
                            "group commit of {} pages: {error}",
                            pages.len()
                        )))
                    })
                    .collect();
            }
            Err(error) => tracing::warn!(
                %error,
                pages = pages.len(),
                "Group commit failed; saving its pages one transaction each."
            ),
        }
    }
    // One page, the same URL twice (its second write must see the first's), or a failed
    // group: one transaction each, in order.
    let mut out = Vec::with_capacity(pages.len());
    for page in pages {
        out.push(save(store, page).await);
    }
    out
}

/// One page's reads and writes inside `tx` (see the module documentation); the caller
/// begins and ends the transaction. An unchanged page writes nothing.
async fn save_in(tx: &Transaction<'_>, page: &PageToSave<'_>) -> Result<Saved, StoreError> {
    let page_shas: Vec<String> = std::iter::once(page.first.body)
        .chain(page.more.iter().map(|m| m.body))
        .map(content_sha256)
        .collect();
    let sha = if page.attachment_sha256.is_empty() {
        report_sha256(&page_shas)
    } else {
        report_sha256(&[page_shas.as_slice(), page.attachment_sha256].concat())
    };
    let pages = page.pages();
    let page_count = i32::try_from(pages.count).unwrap_or(i32::MAX);
    let pages_missing = i32::try_from(pages.missing).unwrap_or(i32::MAX);
    let (report, json) = storable(page.report)?;
    let report: &Report = &report;
    let version = report.extractor_version.as_str();
    let url = page.first.url;
    let final_url = strip_nul(page.first.final_url);
    let unchanged_event = |id: i64| {
        events::completed(
            id,
            url,
            &final_url,
            report,
            &sha,
            true,
            pages,
            page.msg_id,
            page.msg_meta,
        )
    };

    let fetch = FetchColumns {
        final_url: &final_url,
        status: i32::from(page.first.status),
        host: host_of(url),
        content_sha256: &sha,
        page_count,
        pages_missing,
    };

    // Usually one round; a second only after losing an insert race for a new URL (the
    // winner has committed by then, so the row lock is taken); a third would need the row
    // deleted in between, which only an operator does: that attempt fails and is retried.
    let mut existing = lock_row(tx, url).await?;
    let mut rounds = 0;
    let mut fresh;
    let report_id = loop {
        rounds += 1;
        let write = match &existing {
            Some((id, old_sha, old_version)) if *old_sha == sha && old_version == version => {
                let event = unchanged_event(*id);
                return Ok(Saved {
                    report_id: *id,
                    unchanged: true,
                    outbox_id: None,
                    event,
                    content_sha256: sha,
                });
            }
            Some((id, _, _)) => RowWrite::Refetch {
                id: *id,
                fetch: &fetch,
            },
            None if rounds > 2 => return Err(StoreError::RowVanished),
            None => RowWrite::Insert { url, fetch: &fetch },
        };
        fresh = matches!(write, RowWrite::Insert { .. });
        match write_row(tx, write, report, &json).await? {
            Some(id) => break id,
            None => existing = lock_row(tx, url).await?,
        }
    };

    let event = events::completed(
        report_id,
        url,
        &final_url,
        report,
        &sha,
        false,
        pages,
        page.msg_id,
        page.msg_meta,
    );
    // The rest touches other tables only, so it is sent as one pipeline (tokio-postgres
    // writes each statement as soon as its future is polled and reads the answers in
    // order): one round trip for the raw bytes, the page rows, the articles, figures,
    // attachments and the outbox row, instead of one each. Any error aborts the
    // transaction, which is then rolled back on drop.
    let ((), (), outbox_id) = futures::try_join!(
        write_raw(tx, report_id, page),
        write_pages(tx, report_id, page, &page_shas),
        write_contents(tx, report_id, fresh, report, &event),
    )?;
    Ok(Saved {
        report_id,
        unchanged: false,
        outbox_id: Some(outbox_id),
        event,
        content_sha256: sha,
    })
}

/// Writes (or replaces) the raw bytes, headers and content type of page 1 of report `id`.
async fn write_raw(tx: &Transaction<'_>, id: i64, page: &PageToSave<'_>) -> Result<(), StoreError> {
    let body_zstd = compress_raw(page.first.body)?;
    let body_len = i64::try_from(page.first.body.len()).unwrap_or(i64::MAX);
    let headers = headers_json(page.first.headers);
    let content_type = page.first.content_type.map(strip_nul);
    let raw = tx
        .prepare_cached(
            "INSERT INTO report_raw (report_id, body_zstd, body_len, headers, content_type) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (report_id) DO UPDATE SET \
             body_zstd = EXCLUDED.body_zstd, body_len = EXCLUDED.body_len, \
             headers = EXCLUDED.headers, content_type = EXCLUDED.content_type",
        )
        .await?;
    tx.execute(&raw, &[&id, &body_zstd, &body_len, &headers, &content_type])
        .await?;
    Ok(())
}

/// Replaces the `report_pages` rows of report `id` (one statement): every page's URL,
/// status and hash, and the raw bytes of the pages after the first (page 1's are in
/// `report_raw`).
async fn write_pages(
    tx: &Transaction<'_>,
    id: i64,
    page: &PageToSave<'_>,
    page_shas: &[String],
) -> Result<(), StoreError> {
    let n = 1 + page.more.len();
    let mut ordinals = Vec::with_capacity(n);
    let mut urls = Vec::with_capacity(n);
    let mut finals = Vec::with_capacity(n);
    let mut statuses = Vec::with_capacity(n);
    let mut bodies: Vec<Option<Vec<u8>>> = Vec::with_capacity(n);
    let mut lens: Vec<Option<i64>> = Vec::with_capacity(n);
    let mut headers: Vec<Option<Value>> = Vec::with_capacity(n);
    let mut types: Vec<Option<Cow<'_, str>>> = Vec::with_capacity(n);
    ordinals.push(1);
    urls.push(strip_nul(page.first.url));
    finals.push(strip_nul(page.first.final_url));
    statuses.push(i32::from(page.first.status));
    bodies.push(None);
    lens.push(None);
    headers.push(None);
    types.push(None);
    for (i, m) in page.more.iter().enumerate() {
        ordinals.push(count_i32(i + 2));
        urls.push(strip_nul(m.url));
        finals.push(strip_nul(m.final_url));
        statuses.push(i32::from(m.status));
        bodies.push(Some(compress_raw(m.body)?));
        lens.push(Some(i64::try_from(m.body.len()).unwrap_or(i64::MAX)));
        headers.push(Some(headers_json(m.headers)));
        types.push(m.content_type.map(strip_nul));
    }
    let last = count_i32(n);
    let stmt = tx
        .prepare_cached(
            "WITH gone AS (DELETE FROM report_pages WHERE report_id = $1 AND ordinal > $2) \
             INSERT INTO report_pages (report_id, ordinal, url, final_url, http_status, \
             content_sha256, body_zstd, body_len, headers, content_type) \
             SELECT $1, o, u, f, s, h, b, l, hd, ct FROM unnest($3::int4[], $4::text[], \
             $5::text[], $6::int4[], $7::text[], $8::bytea[], $9::int8[], $10::jsonb[], \
             $11::text[]) AS x(o, u, f, s, h, b, l, hd, ct) \
             ON CONFLICT (report_id, ordinal) DO UPDATE SET url = EXCLUDED.url, \
             final_url = EXCLUDED.final_url, http_status = EXCLUDED.http_status, \
             content_sha256 = EXCLUDED.content_sha256, body_zstd = EXCLUDED.body_zstd, \
             body_len = EXCLUDED.body_len, headers = EXCLUDED.headers, \
             content_type = EXCLUDED.content_type",
        )
        .await?;
    tx.execute(
        &stmt,
        &[
            &id, &last, &ordinals, &urls, &finals, &statuses, &page_shas, &bodies, &lens, &headers,
            &types,
        ],
    )
    .await?;
    Ok(())
}

/// Replaces the `report_attachments` rows of report `id` with the report's attachments
/// (one statement): `read` when an article holds its text, `error` with the reason when
/// reading failed, else `listed`.
async fn write_attachments(
    tx: &Transaction<'_>,
    id: i64,
    report: &Report,
) -> Result<(), StoreError> {
    let n = report.attachments.len();
    let mut ordinals = Vec::with_capacity(n);
    let mut names = Vec::with_capacity(n);
    let mut urls = Vec::with_capacity(n);
    let mut kinds = Vec::with_capacity(n);
    let mut statuses = Vec::with_capacity(n);
    let mut errors = Vec::with_capacity(n);
    for (i, a) in report.attachments.iter().enumerate() {
        let read = report
            .articles
            .iter()
            .any(|art| art.attachment_url.as_deref() == Some(a.url.as_str()));
        ordinals.push(count_i32(i + 1));
        names.push(a.name.as_str());
        urls.push(a.url.as_str());
        kinds.push(a.kind.as_str());
        statuses.push(match (&a.error, read) {
            (Some(_), _) => "error",
            (None, true) => "read",
            (None, false) => "listed",
        });
        errors.push(a.error.as_deref());
    }
    let stmt = tx
        .prepare_cached(
            "WITH gone AS (DELETE FROM report_attachments WHERE report_id = $1 AND ordinal > $2) \
             INSERT INTO report_attachments (report_id, ordinal, name, url, kind, status, error) \
             SELECT $1, o, n, u, k, s, e FROM unnest($3::int4[], $4::text[], $5::text[], \
             $6::text[], $7::text[], $8::text[]) AS x(o, n, u, k, s, e) \
             ON CONFLICT (report_id, ordinal) DO UPDATE SET name = EXCLUDED.name, \
             url = EXCLUDED.url, kind = EXCLUDED.kind, status = EXCLUDED.status, \
             error = EXCLUDED.error",
        )
        .await?;
    tx.execute(
        &stmt,
        &[
            &id,
            &count_i32(n),
            &ordinals,
            &names,
            &urls,
            &kinds,
            &statuses,
            &errors,
        ],
    )
    .await?;
    Ok(())
}

/// Decompresses a stored raw body (`body_len` is its recorded size).
pub(crate) fn decompress(body_zstd: &[u8], body_len: i64) -> Result<Vec<u8>, StoreError> {
    let cap = usize::try_from(body_len)
        .unwrap_or(MAX_RAW_BODY)
        .min(MAX_RAW_BODY);
    Ok(zstd::bulk::decompress(body_zstd, cap.max(1))?)
}
