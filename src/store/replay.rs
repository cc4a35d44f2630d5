//! The database side of `replay`: select stored pages in id-ordered batches, write back
//! the reports whose re-extraction changed, with a `report.changed` outbox row each.
//! The CPU side (decompress + extract on all cores) is in [`crate::ops::replay`].

use chrono::NaiveDate;
use serde_json::Value;

use super::save::{decompress, storable, write_contents, write_row, RowWrite};
use super::{Store, StoreError};
use crate::events;
use crate::extract::Report;

/// Which stored reports to replay. Every set field narrows the selection (AND).
#[derive(Debug, Clone, Default)]
pub struct ReplayFilter {
    /// SQL `LIKE` pattern on the URL (`%` any run, `_` one character), bound as a parameter.
    pub url_like: Option<String>,
    /// Exact host (lower-case, as in the URL).
    pub host: Option<String>,
    /// Fetched on or after this day (UTC).
    pub since: Option<NaiveDate>,
    /// Fetched on or before this day (UTC, inclusive).
    pub until: Option<NaiveDate>,
}

/// One stored page, as read for replay.
#[derive(Debug, Clone)]
pub struct StoredPage {
    pub id: i64,
    pub url: String,
    pub final_url: Option<String>,
    pub content_sha256: String,
    pub extractor_version: String,
    /// The stored extract JSON.
    pub report: Value,
    pub body_zstd: Vec<u8>,
    pub body_len: i64,
    pub content_type: Option<String>,
    /// The pages after the first of a report split over pages, in order (empty for a
    /// one-page report).
    pub more: Vec<StoredMorePage>,
}

/// A later page of a stored multi-page report, with its raw bytes.
#[derive(Debug, Clone)]
pub struct StoredMorePage {
    pub ordinal: i32,
    pub url: String,
    pub final_url: Option<String>,
    pub body_zstd: Vec<u8>,
    pub body_len: i64,
    pub content_type: Option<String>,
}

impl StoredMorePage {
    /// The raw body as fetched.
    pub fn body(&self) -> Result<Vec<u8>, StoreError> {
        decompress(&self.body_zstd, self.body_len)
    }
}

impl StoredPage {
    /// The raw body as fetched.
    pub fn body(&self) -> Result<Vec<u8>, StoreError> {
        decompress(&self.body_zstd, self.body_len)
    }
}

/// Compares dotted versions numerically part by part (`0.10.0` > `0.9.1`); a part that is
/// not a number compares as text. Returns true when `a` is older than `b`.
pub fn version_older(a: &str, b: &str) -> bool {
    let pa: Vec<&str> = a.split(['.', '-', '+']).collect();
    let pb: Vec<&str> = b.split(['.', '-', '+']).collect();
    for i in 0..pa.len().max(pb.len()) {
        let (x, y) = (
            pa.get(i).copied().unwrap_or("0"),
            pb.get(i).copied().unwrap_or("0"),
        );
        let ord = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(m), Ok(n)) => m.cmp(&n),
            _ => x.cmp(y),
        };
        if ord != std::cmp::Ordering::Equal {
            return ord == std::cmp::Ordering::Less;
        }
    }
    false
}

const SELECT_BATCH: &str = "SELECT r.id, r.url, r.final_url, r.content_sha256, \
     r.extractor_version, r.report, w.body_zstd, w.body_len, w.content_type, r.page_count \
     FROM reports r JOIN report_raw w ON w.report_id = r.id \
     WHERE r.id > $1 \
       AND ($2::text IS NULL OR r.url LIKE $2) \
       AND ($3::text IS NULL OR r.host = $3) \
       AND ($4::text[] IS NULL OR r.extractor_version = ANY($4)) \
       AND ($5::date IS NULL OR r.fetched_at >= ($5::date)::timestamp AT TIME ZONE 'UTC') \
       AND ($6::date IS NULL OR r.fetched_at < ($6::date + 1)::timestamp AT TIME ZONE 'UTC') \
     ORDER BY r.id LIMIT $7";

impl Store {
    /// The stored extractor versions older than `current` (resolved once per replay so the
    /// batch query can use `= ANY` on the version index).
    pub async fn versions_older_than(&self, current: &str) -> Result<Vec<String>, StoreError> {
        let client = self.pool().get().await?;
        let rows = client
            .query("SELECT DISTINCT extractor_version FROM reports", &[])
            .await?;
        Ok(rows
            .iter()
            .map(|r| r.get::<_, String>(0))
            .filter(|v| version_older(v, current))
            .collect())
    }

    /// Up to `limit` stored pages with id > `after`, matching `filter`, in id order.
    /// `versions` is the resolved list of older versions (see
    /// [`Store::versions_older_than`]); `None` means no version filter.
    pub async fn replay_batch(
        &self,
        filter: &ReplayFilter,
        versions: Option<&[String]>,
        after: i64,
        limit: i64,
    ) -> Result<Vec<StoredPage>, StoreError> {
        let client = self.pool().get().await?;
        let stmt = client.prepare_cached(SELECT_BATCH).await?;
        let versions: Option<Vec<&str>> = versions.map(|v| v.iter().map(String::as_str).collect());
        let host = filter.host.as_ref().map(|h| h.to_ascii_lowercase());
        let rows = client
            .query(
                &stmt,
                &[
                    &after,
                    &filter.url_like,
                    &host,
                    &versions,
                    &filter.since,
                    &filter.until,
                    &limit,
                ],
            )
            .await?;
        let mut pages: Vec<StoredPage> = rows
            .iter()
            .map(|r| StoredPage {
                id: r.get(0),
                url: r.get(1),
                final_url: r.get(2),
                content_sha256: r.get(3),
                extractor_version: r.get(4),
                report: r.get(5),
                body_zstd: r.get(6),
                body_len: r.get(7),
                content_type: r.get(8),
                more: Vec::new(),
            })
            .collect();
        let multi: Vec<i64> = rows
            .iter()
            .filter(|r| r.get::<_, i32>(9) > 1)
            .map(|r| r.get(0))
            .collect();
        if !multi.is_empty() {
            let stmt = client
                .prepare_cached(
                    "SELECT report_id, ordinal, url, final_url, body_zstd, body_len, content_type \
                     FROM report_pages WHERE report_id = ANY($1) AND ordinal > 1 \
                     AND body_zstd IS NOT NULL ORDER BY report_id, ordinal",
                )
                .await?;
            for r in client.query(&stmt, &[&multi]).await? {
                let id: i64 = r.get(0);
                if let Some(page) = pages.iter_mut().find(|p| p.id == id) {
                    page.more.push(StoredMorePage {
                        ordinal: r.get(1),
                        url: r.get(2),
                        final_url: r.get(3),
                        body_zstd: r.get(4),
                        body_len: r.get(5),
                        content_type: r.get(6),
                    });
                }
            }
        }
        Ok(pages)
    }

    /// Writes a re-extracted report over stored page `page`, with a `report.changed` outbox
    /// row, in one transaction. Returns `Ok(None)` without writing when the row changed
    /// since it was read (a worker stored a newer fetch meanwhile: that one wins).
    pub async fn replay_write(
        &self,
        page: &StoredPage,
        report: &Report,
    ) -> Result<Option<i64>, StoreError> {
        let (report, json) = storable(report)?;
        let report: &Report = &report;
        let mut client = self.pool().get().await?;
        let tx = client.transaction().await?;
        let lock = tx
            .prepare_cached(
                "SELECT content_sha256, extractor_version FROM reports WHERE id = $1 FOR UPDATE",
            )
            .await?;
        let current = tx.query_opt(&lock, &[&page.id]).await?;
        let still_same = current.is_some_and(|r| {
            r.get::<_, String>(0) == page.content_sha256
                && r.get::<_, String>(1) == page.extractor_version
        });
        if !still_same {
            tx.rollback().await?;
            return Ok(None);
        }
        write_row(&tx, RowWrite::Reextract { id: page.id }, report, &json).await?;
        let event = events::changed(
            page.id,
            &page.url,
            report,
            &page.extractor_version,
            &report.extractor_version,
            &page.content_sha256,
        );
        let outbox_id = write_contents(&tx, page.id, false, report, &event).await?;
        tx.commit().await?;
        Ok(Some(outbox_id))
    }

    /// Records that re-extracting reports `ids` with `version` gave the same output: only
    /// the version moves (so the next `--older-version` replay skips them); no event, and
    /// `updated_at` stays (the content did not change).
    pub async fn replay_mark_current(&self, ids: &[i64], version: &str) -> Result<u64, StoreError> {
        if ids.is_empty() {
            return Ok(0);
        }
        let client = self.pool().get().await?;
        let stmt = client
            .prepare_cached(
                "UPDATE reports SET extractor_version = $2, \
                 report = jsonb_set(report, '{extractor_version}', to_jsonb($2::text)) \
                 WHERE id = ANY($1) AND extractor_version <> $2",
            )
            .await?;
        Ok(client.execute(&stmt, &[&ids, &version]).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::version_older;

    #[test]
    fn versions_compare_numerically() {
        assert!(version_older("0.9.1", "0.10.0"));
        assert!(version_older("0.1.0", "0.1.1"));
        assert!(version_older("0.1", "0.1.1"));
        assert!(!version_older("0.1.0", "0.1.0"));
        assert!(!version_older("1.0.0", "0.9.9"));
        assert!(version_older("1.0.0-alpha", "1.0.0-beta"));
    }
}
