//! The store against the real PostgreSQL on 127.0.0.1: migrations, idempotent saves,
//! concurrency, outbox, event ids, hostile text. Each test uses its own schema.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use report_ingest::disposition::{Classify, Disposition};
use report_ingest::extract::{Article, CharsetInfo, Figure, OutlineItem, Report};
use report_ingest::store::{migrate, FetchedPage, PageToSave, Saved, Store, StoreError};

async fn store(tag: &str) -> Store {
    support::migrated_store(tag).await.0
}

fn figure(subject: &str, value: f64, unit: &str, raw: &str) -> Figure {
    Figure {
        subject: subject.into(),
        value,
        unit: unit.into(),
        raw: raw.into(),
        approx: false,
        page: None,
    }
}

/// A report as the extractor would make it, written for these tests.
fn report(title: &str, articles: usize) -> Report {
    Report {
        url: Some("https://reports.example/a/1.html".into()),
        charset: Some("gbk".into()),
        title: Some(title.into()),
        published: Some("2023-12-28".into()),
        source_org: Some("某县卫生健康局".into()),
        region: Some("某县".into()),
        doc_type: Some("工作总结".into()),
        period: Some("2023".into()),
        script: Some("Hans".into()),
        articles: (0..articles)
            .map(|i| Article {
                title: Some(format!("第{}篇", i + 1)),
                outline: vec![OutlineItem {
                    level: 1,
                    marker: "一、".into(),
                    heading: "主要工作".into(),
                }],
                main_text: format!("一、主要工作\n全年接诊群众{}万人次，同比增长12.5%。", i + 3),
                figures: vec![
                    figure(
                        "接诊群众",
                        (i as f64 + 3.0) * 10000.0,
                        "人次",
                        "接诊群众3万人次",
                    ),
                    figure("同比增长", 12.5, "%", "同比增长12.5%"),
                ],
                ..Article::default()
            })
            .collect(),
        pagination: None,
        error: None,
        charset_info: CharsetInfo {
            declared: Some("gb2312".into()),
            source: "meta-charset".into(),
            used: "gbk".into(),
            replacement_ratio: 0.001,
        },
        extractor_version: report_ingest::extract::EXTRACTOR_VERSION.into(),
        ..Default::default()
    }
}

fn headers() -> Vec<(String, String)> {
    vec![
        ("content-type".into(), "text/html".into()),
        ("set-cookie".into(), "a=1".into()),
        ("set-cookie".into(), "b=2".into()),
    ]
}

async fn save(s: &Store, url: &str, body: &[u8], r: &Report) -> Saved {
    let h = headers();
    s.save(&PageToSave {
        first: FetchedPage {
            url,
            final_url: url,
            status: 200,
            headers: &h,
            content_type: Some("text/html"),
            body,
        },
        report: r,
        msg_id: Some("msg-1"),
        msg_meta: None,
        more: &[],
        pages_missing: 0,
        attachment_sha256: &[],
    })
    .await
    .unwrap()
}

async fn count(s: &Store, sql: &str) -> i64 {
    let c = s.pool().get().await.unwrap();
    c.query_one(sql, &[]).await.unwrap().get(0)
}

#[tokio::test]
async fn migrate_twice_is_a_no_op() {
    let schema = support::unique("store_mig");
    let s = Store::connect(&support::db_args(&schema)).await.unwrap();
    let first = migrate::run(&s).await.unwrap();
    assert_eq!(first.applied.len(), migrate::MIGRATIONS.len());
    assert_eq!(first.version, migrate::latest_version());
    let second = migrate::run(&s).await.unwrap();
    assert!(second.applied.is_empty(), "{second:?}");
    assert_eq!(second.version, first.version);
    let n = count(&s, "SELECT count(*) FROM schema_migrations").await;
    assert_eq!(n, migrate::MIGRATIONS.len() as i64);
    // The tables landed in our schema, not in public.
    let c = s.pool().get().await.unwrap();
    let row = c
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 \
             AND table_name IN ('reports','report_articles','report_figures','report_raw','outbox')",
            &[&schema],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 5);
}

/// 0003: the zstd body is stored out of line without a second compression, and the large
/// text/jsonb columns use lz4 where the server has it (Debian's PostgreSQL does).
#[tokio::test]
async fn large_columns_skip_pglz() {
    let s = store("store_toast").await;
    let schema = s.schema().to_owned();
    let c = s.pool().get().await.unwrap();
    let attr = |table: &'static str, column: &'static str| {
        let c = &c;
        let schema = schema.clone();
        async move {
            let row = c
                .query_one(
                    "SELECT a.attstorage::text, a.attcompression::text FROM pg_attribute a \
                     JOIN pg_class t ON t.oid = a.attrelid \
                     JOIN pg_namespace n ON n.oid = t.relnamespace \
                     WHERE n.nspname = $1 AND t.relname = $2 AND a.attname = $3",
                    &[&schema, &table, &column],
                )
                .await
                .unwrap();
            (row.get::<_, String>(0), row.get::<_, String>(1))
        }
    };
    assert_eq!(attr("report_raw", "body_zstd").await.0, "e");
    let lz4 = c
        .batch_execute("CREATE TEMP TABLE lz4_probe (x text COMPRESSION lz4)")
        .await
        .is_ok();
    for (table, column) in [
        ("reports", "report"),
        ("report_articles", "main_text"),
        ("outbox", "body"),
    ] {
        let (_, compression) = attr(table, column).await;
        assert_eq!(compression == "l", lz4, "{table}.{column}: {compression:?}");
    }
}

#[tokio::test]
async fn concurrent_migrate_from_four_tasks() {
    let schema = support::unique("store_cmig");
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let args = support::db_args(&schema);
        tasks.push(tokio::spawn(async move {
            let s = Store::connect(&args).await.unwrap();
            migrate::run(&s).await
        }));
    }
    let mut applied_total = 0;
    for t in tasks {
        let outcome = t.await.unwrap().unwrap();
        applied_total += outcome.applied.len();
    }
    assert_eq!(
        applied_total,
        migrate::MIGRATIONS.len(),
        "each migration applied exactly once"
    );
    let s = Store::connect(&support::db_args(&schema)).await.unwrap();
    let n = count(&s, "SELECT count(*) FROM schema_migrations").await;
    assert_eq!(n, migrate::MIGRATIONS.len() as i64);
}

#[tokio::test]
async fn invalid_schema_name_is_refused_before_any_sql() {
    let err = Store::connect(&support::db_args("x\"; DROP SCHEMA public; --"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidSchema(_)), "{err}");
    assert_eq!(err.reason(), "db");
}

#[tokio::test]
async fn saving_the_same_page_twice_changes_nothing() {
    let s = store("store_same").await;
    let url = "https://reports.example/a/1.html";
    let body = "<html><body>年度工作总结</body></html>".as_bytes();
    let r = report("2023年度工作总结", 2);
    let first = save(&s, url, body, &r).await;
    assert!(!first.unchanged);
    assert!(first.outbox_id.is_some());

    let c = s.pool().get().await.unwrap();
    let before = c
        .query_one(
            "SELECT xmin::text, updated_at, fetched_at FROM reports WHERE id = $1",
            &[&first.report_id],
        )
        .await
        .unwrap();
    let raw_before: String = c
        .query_one(
            "SELECT xmin::text FROM report_raw WHERE report_id = $1",
            &[&first.report_id],
        )
        .await
        .unwrap()
        .get(0);

    let second = save(&s, url, body, &r).await;
    assert!(second.unchanged);
    assert_eq!(second.outbox_id, None);
    assert_eq!(second.report_id, first.report_id);
    assert_eq!(
        second.event.id, first.event.id,
        "duplicates are dedupable by id"
    );
    let ev = second.event.json().unwrap();
    assert_eq!(ev["data"]["unchanged"], true);
    assert_eq!(ev["data"]["report_id"], first.report_id);

    let after = c
        .query_one(
            "SELECT xmin::text, updated_at, fetched_at FROM reports WHERE id = $1",
            &[&first.report_id],
        )
        .await
        .unwrap();
    assert_eq!(
        before.get::<_, String>(0),
        after.get::<_, String>(0),
        "row not rewritten"
    );
    assert_eq!(
        before.get::<_, chrono::DateTime<chrono::Utc>>(1),
        after.get::<_, chrono::DateTime<chrono::Utc>>(1)
    );
    let raw_after: String = c
        .query_one(
            "SELECT xmin::text FROM report_raw WHERE report_id = $1",
            &[&first.report_id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(raw_before, raw_after);
    assert_eq!(count(&s, "SELECT count(*) FROM reports").await, 1);
    assert_eq!(count(&s, "SELECT count(*) FROM report_articles").await, 2);
    assert_eq!(count(&s, "SELECT count(*) FROM report_figures").await, 4);
    assert_eq!(count(&s, "SELECT count(*) FROM outbox").await, 1);
}

#[tokio::test]
async fn stored_columns_raw_bytes_and_headers() {
    let s = store("store_cols").await;
    let url = "https://Reports.Example/a/2.html";
    let body = "<html><head><meta charset=gb2312></head><body>正文</body></html>".repeat(50);
    let r = report("2023年度工作总结", 1);
    let saved = save(&s, url, body.as_bytes(), &r).await;
    let c = s.pool().get().await.unwrap();
    let row = c
        .query_one(
            "SELECT title, published::text, source_org, doc_type, article_count, figure_count, \
             content_sha256, extractor_version, declared_charset, charset_source, \
             replacement_ratio, host, http_status, report->>'title' FROM reports WHERE id = $1",
            &[&saved.report_id],
        )
        .await
        .unwrap();
    assert_eq!(
        row.get::<_, Option<String>>(0).as_deref(),
        Some("2023年度工作总结")
    );
    assert_eq!(
        row.get::<_, Option<String>>(1).as_deref(),
        Some("2023-12-28")
    );
    assert_eq!(
        row.get::<_, Option<String>>(2).as_deref(),
        Some("某县卫生健康局")
    );
    assert_eq!(row.get::<_, Option<String>>(3).as_deref(), Some("工作总结"));
    assert_eq!(row.get::<_, i32>(4), 1);
    assert_eq!(row.get::<_, i32>(5), 2);
    assert_eq!(row.get::<_, String>(6), saved.content_sha256);
    assert_eq!(saved.content_sha256.len(), 64);
    assert_eq!(
        row.get::<_, String>(7),
        report_ingest::extract::EXTRACTOR_VERSION
    );
    assert_eq!(row.get::<_, Option<String>>(8).as_deref(), Some("gb2312"));
    assert_eq!(
        row.get::<_, Option<String>>(9).as_deref(),
        Some("meta-charset")
    );
    assert!((row.get::<_, f64>(10) - 0.001).abs() < 1e-12);
    assert_eq!(
        row.get::<_, Option<String>>(11).as_deref(),
        Some("reports.example")
    );
    assert_eq!(row.get::<_, i32>(12), 200);
    assert_eq!(
        row.get::<_, Option<String>>(13).as_deref(),
        Some("2023年度工作总结")
    );

    let fig = c
        .query_one(
            "SELECT value::text, unit, raw FROM report_figures WHERE report_id = $1 \
             AND article_ordinal = 0 AND ordinal = 0",
            &[&saved.report_id],
        )
        .await
        .unwrap();
    assert_eq!(fig.get::<_, String>(0), "30000");
    assert_eq!(fig.get::<_, String>(1), "人次");

    let raw = c
        .query_one(
            "SELECT body_zstd, body_len, headers, content_type FROM report_raw WHERE report_id = $1",
            &[&saved.report_id],
        )
        .await
        .unwrap();
    let zst: Vec<u8> = raw.get(0);
    assert!(
        zst.len() < body.len() / 4,
        "compressed {} of {}",
        zst.len(),
        body.len()
    );
    assert_eq!(zstd::decode_all(&zst[..]).unwrap(), body.as_bytes());
    assert_eq!(raw.get::<_, i64>(1), body.len() as i64);
    let h: serde_json::Value = raw.get(2);
    assert_eq!(
        h,
        serde_json::json!([
            ["content-type", "text/html"],
            ["set-cookie", "a=1"],
            ["set-cookie", "b=2"]
        ])
    );
    assert_eq!(
        raw.get::<_, Option<String>>(3).as_deref(),
        Some("text/html")
    );
}

#[tokio::test]
async fn a_changed_body_updates_the_row_and_replaces_articles() {
    let s = store("store_chg").await;
    let url = "https://reports.example/a/3.html";
    let first = save(&s, url, b"<html>v1</html>", &report("旧标题", 3)).await;
    let c = s.pool().get().await.unwrap();
    let updated_before: chrono::DateTime<chrono::Utc> = c
        .query_one(
            "SELECT updated_at FROM reports WHERE id = $1",
            &[&first.report_id],
        )
        .await
        .unwrap()
        .get(0);
    let mut r2 = report("新标题", 1);
    r2.articles[0].main_text = "只有一篇。".into();
    r2.articles[0].figures.truncate(1);
    let second = save(&s, url, b"<html>v2</html>", &r2).await;
    assert!(!second.unchanged);
    assert_eq!(second.report_id, first.report_id);
    assert_ne!(second.event.id, first.event.id);
    assert!(second.outbox_id > first.outbox_id);

    let row = c
        .query_one(
            "SELECT title, article_count, figure_count, content_sha256, updated_at FROM reports WHERE id = $1",
            &[&first.report_id],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, Option<String>>(0).as_deref(), Some("新标题"));
    assert_eq!(row.get::<_, i32>(1), 1);
    assert_eq!(row.get::<_, i32>(2), 1);
    assert_eq!(row.get::<_, String>(3), second.content_sha256);
    assert!(row.get::<_, chrono::DateTime<chrono::Utc>>(4) > updated_before);
    let arts = c
        .query(
            "SELECT ordinal, main_text FROM report_articles ORDER BY ordinal",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(arts.len(), 1);
    assert_eq!(arts[0].get::<_, String>(1), "只有一篇。");
    assert_eq!(count(&s, "SELECT count(*) FROM report_figures").await, 1);
    assert_eq!(count(&s, "SELECT count(*) FROM reports").await, 1);
    assert_eq!(count(&s, "SELECT count(*) FROM outbox").await, 2);
    let raw: Vec<u8> = c
        .query_one(
            "SELECT body_zstd FROM report_raw WHERE report_id = $1",
            &[&first.report_id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(zstd::decode_all(&raw[..]).unwrap(), b"<html>v2</html>");
}

#[tokio::test]
async fn a_new_extractor_version_updates_the_row_for_the_same_bytes() {
    let s = store("store_ver").await;
    let url = "https://reports.example/a/4.html";
    let first = save(&s, url, b"<html>same</html>", &report("标题", 1)).await;
    let mut r2 = report("标题", 1);
    r2.extractor_version = "999.0.0".into();
    let second = save(&s, url, b"<html>same</html>", &r2).await;
    assert!(!second.unchanged);
    assert_ne!(second.event.id, first.event.id);
    assert_eq!(
        count(
            &s,
            "SELECT count(*) FROM reports WHERE extractor_version = '999.0.0'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn eight_concurrent_saves_of_one_url_make_one_row() {
    let s = store("store_conc").await;
    let url = "https://reports.example/a/5.html";
    let r = report("并发", 2);
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let s = s.clone();
        let r = r.clone();
        tasks.push(tokio::spawn(async move {
            save(&s, url, b"<html>same</html>", &r).await
        }));
    }
    let mut saved = Vec::new();
    for t in tasks {
        saved.push(t.await.unwrap());
    }
    assert_eq!(
        saved.iter().filter(|x| !x.unchanged).count(),
        1,
        "exactly one writer"
    );
    assert!(saved.iter().all(|x| x.report_id == saved[0].report_id));
    assert!(saved.iter().all(|x| x.event.id == saved[0].event.id));
    assert_eq!(count(&s, "SELECT count(*) FROM reports").await, 1);
    assert_eq!(count(&s, "SELECT count(*) FROM report_articles").await, 2);
    assert_eq!(count(&s, "SELECT count(*) FROM outbox").await, 1);

    // Eight different bodies for one new URL at once: still one row, one event each.
    let url2 = "https://reports.example/a/6.html";
    let mut tasks = Vec::new();
    for i in 0..8 {
        let s = s.clone();
        let r = report(&format!("版本{i}"), 1);
        tasks.push(tokio::spawn(async move {
            let body = format!("<html>{i}</html>");
            save(&s, url2, body.as_bytes(), &r).await
        }));
    }
    for t in tasks {
        assert!(!t.await.unwrap().unchanged);
    }
    assert_eq!(count(&s, "SELECT count(*) FROM reports").await, 2);
    assert_eq!(count(&s, "SELECT count(*) FROM outbox").await, 9);
    assert_eq!(
        count(&s, "SELECT count(*) FROM report_articles a JOIN reports r ON r.id = a.report_id WHERE r.url = 'https://reports.example/a/6.html'").await,
        1
    );
}

#[tokio::test]
async fn outbox_pending_and_mark_sent() {
    let s = store("store_outbox").await;
    let saved = save(
        &s,
        "https://reports.example/o/1",
        b"<html>1</html>",
        &report("一", 1),
    )
    .await;
    let saved2 = save(
        &s,
        "https://reports.example/o/2",
        b"<html>2</html>",
        &report("二", 1),
    )
    .await;
    assert_eq!(s.outbox_backlog().await.unwrap(), 2);
    // Rows younger than the age threshold are left to the worker that wrote them.
    assert!(s
        .outbox_pending(Duration::from_secs(3600), 10)
        .await
        .unwrap()
        .is_empty());
    let pending = s.outbox_pending(Duration::ZERO, 10).await.unwrap();
    assert_eq!(pending.len(), 2);
    assert_eq!(Some(pending[0].id), saved.outbox_id);
    assert_eq!(pending[0].event_id, saved.event.id);
    assert_eq!(pending[0].routing_key, "report.completed");
    assert_eq!(pending[0].body, saved.event.body);
    assert_eq!(s.outbox_pending(Duration::ZERO, 1).await.unwrap().len(), 1);

    s.outbox_mark_sent(&[saved.outbox_id.unwrap()])
        .await
        .unwrap();
    assert_eq!(s.outbox_backlog().await.unwrap(), 1);
    let pending = s.outbox_pending(Duration::ZERO, 10).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(Some(pending[0].id), saved2.outbox_id);
    s.outbox_mark_sent(&[saved2.outbox_id.unwrap(), saved.outbox_id.unwrap()])
        .await
        .unwrap();
    assert_eq!(s.outbox_backlog().await.unwrap(), 0);
    assert!(s
        .outbox_pending(Duration::ZERO, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(s.outbox_prune(Duration::ZERO).await.unwrap(), 2);
}

#[tokio::test]
async fn event_ids_are_deterministic_across_databases() {
    let a = store("store_ida").await;
    let b = store("store_idb").await;
    // A different row id in b: the event id must not depend on it.
    save(
        &b,
        "https://reports.example/other",
        b"<html>x</html>",
        &report("x", 1),
    )
    .await;
    let url = "https://reports.example/id/1";
    let r = report("确定性", 1);
    let ea = save(&a, url, b"<html>same</html>", &r).await;
    let eb = save(&b, url, b"<html>same</html>", &r).await;
    assert_ne!(ea.report_id, eb.report_id);
    assert_eq!(ea.event.id, eb.event.id);
    let v = ea.event.json().unwrap();
    assert_eq!(v["specversion"], "1.0");
    assert_eq!(v["type"], "report.completed");
    assert_eq!(v["subject"], url);
    assert_eq!(v["data"]["content_sha256"], ea.content_sha256);
    assert_eq!(v["data"]["article_count"], 1);
    assert_eq!(v["data"]["figure_count"], 2);
    assert_eq!(v["data"]["id"], "msg-1");
    assert_eq!(v["data"]["charset_forensics"]["declared"], "gb2312");
    assert_eq!(v["data"]["charset_forensics"]["source"], "meta-charset");
    assert_eq!(v["data"]["charset_forensics"]["used"], "gbk");
    assert_eq!(v["data"]["charset_forensics"]["script"], "Hans");
    let other = save(&a, url, b"<html>different</html>", &r).await;
    assert_ne!(other.event.id, ea.event.id);
}

#[tokio::test]
async fn hostile_text_is_stored_verbatim() {
    let s = store("store_sqli").await;
    let title = "x'); DROP TABLE reports; -- \\' \" $1 $$ ${schema} \u{202e}";
    let mut r = report(title, 1);
    r.articles[0].main_text = "';DELETE FROM outbox;--\n\\x00 \u{0}after-nul".into();
    r.articles[0].figures[0].subject = "Robert'); DROP TABLE report_figures;--".into();
    let url = "https://reports.example/q?a=1&b='2'";
    let saved = save(&s, url, b"<html>'; DROP TABLE reports;--</html>", &r).await;
    let c = s.pool().get().await.unwrap();
    let row = c
        .query_one(
            "SELECT title, url, report->>'title' FROM reports WHERE id = $1",
            &[&saved.report_id],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), title);
    assert_eq!(row.get::<_, String>(1), url);
    assert_eq!(row.get::<_, String>(2), title);
    let text: String = c
        .query_one(
            "SELECT main_text FROM report_articles WHERE report_id = $1",
            &[&saved.report_id],
        )
        .await
        .unwrap()
        .get(0);
    // U+0000 cannot be stored in PostgreSQL text; it alone is dropped.
    assert_eq!(text, "';DELETE FROM outbox;--\n\\x00 after-nul");
    let subject: String = c
        .query_one(
            "SELECT subject FROM report_figures WHERE report_id = $1 AND ordinal = 0",
            &[&saved.report_id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(subject, "Robert'); DROP TABLE report_figures;--");
    assert_eq!(count(&s, "SELECT count(*) FROM outbox").await, 1);
    // Saving the same again is still recognised as unchanged.
    assert!(
        save(&s, url, b"<html>'; DROP TABLE reports;--</html>", &r)
            .await
            .unchanged
    );
}

#[tokio::test]
async fn database_down_is_retryable() {
    let mut args = support::db_args(&support::unique("store_down"));
    // Nothing listens on port 1.
    args.database_url =
        report_ingest::config::Secret::new("postgres://postgres@127.0.0.1:1/report_ingest");
    let s = Store::connect(&args).await.unwrap();
    let err = s.ping().await.unwrap_err();
    assert_eq!(
        err.disposition(),
        Disposition::Retry { after: None },
        "{err}"
    );
    assert_eq!(err.reason(), "db");
}

/// Retention: sent rows older than the retention are deleted in bounded batches by the
/// relay's sweep (counted in `report_ingest_outbox_pruned_total`); pending rows and
/// younger sent rows stay.
#[tokio::test]
async fn outbox_retention_deletes_old_sent_rows_in_batches() {
    let s = store("store_prune").await;
    let sch = s.schema().to_owned();
    let c = |sql: String| {
        let s = s.clone();
        async move { count(&s, &sql).await }
    };
    // 2,500 old sent rows (more than two batches), 3 young sent ones, 4 pending.
    let client_sql = format!(
        "INSERT INTO \"{sch}\".outbox (event_id, routing_key, body, created_at, sent_at) \
         SELECT 'e' || g, 'report.completed', '\\x7b7d'::bytea, \
         now() - interval '9 days', now() - interval '8 days' FROM generate_series(1, 2500) g; \
         INSERT INTO \"{sch}\".outbox (event_id, routing_key, body, sent_at) \
         SELECT 'y' || g, 'report.completed', '\\x7b7d'::bytea, now() - interval '1 day' \
         FROM generate_series(1, 3) g; \
         INSERT INTO \"{sch}\".outbox (event_id, routing_key, body, created_at) \
         SELECT 'p' || g, 'report.completed', '\\x7b7d'::bytea, now() - interval '30 days' \
         FROM generate_series(1, 4) g;"
    );
    s.pool()
        .get()
        .await
        .unwrap()
        .batch_execute(&client_sql)
        .await
        .unwrap();

    // One batch is bounded.
    let week = Duration::from_secs(7 * 86_400);
    assert_eq!(s.outbox_prune_batch(week, 1000).await.unwrap(), 1000);
    let metrics = report_ingest::metrics::Metrics::new();
    let n = report_ingest::outbox::prune(&s, &metrics, week)
        .await
        .unwrap();
    assert_eq!(n, 1500);
    assert_eq!(metrics.outbox_pruned_count(), 1500.0);
    assert_eq!(c(format!("SELECT count(*) FROM \"{sch}\".outbox")).await, 7);
    assert_eq!(s.outbox_backlog().await.unwrap(), 4);
    assert_eq!(
        report_ingest::outbox::prune(&s, &metrics, week)
            .await
            .unwrap(),
        0
    );
}

/// 0004 (crash-loop detection): a marker is a crash only once its worker's lock is gone;
/// solo crashes count markers that ran alone; a live worker's marker is left alone; a
/// settled delivery forgets its counts when asked.
#[tokio::test]
async fn crash_markers_count_only_dead_workers() {
    let s = store("store_crash").await;
    let (dead, alive, me) = (
        format!("w-{:08x}", rand::random::<u32>()),
        format!("w-{:08x}", rand::random::<u32>()),
        format!("w-{:08x}", rand::random::<u32>()),
    );
    let dead_lock = s.worker_lock(&dead).await.unwrap();
    let _alive_lock = s.worker_lock(&alive).await.unwrap();
    s.marker_add("id:poison", &dead, true).await.unwrap();
    s.marker_add("id:poison", &alive, false).await.unwrap();
    s.marker_add("id:neighbour", &dead, false).await.unwrap();

    // Both workers alive: nothing is a crash.
    let swept = s.crash_sweep("id:poison", &me).await.unwrap();
    assert_eq!((swept.found, swept.alive, swept.counts.crashes), (0, 2, 0));

    // The first worker dies (its session ends): its marker is a solo crash.
    drop(dead_lock);
    let mut swept = s.crash_sweep("id:poison", &me).await.unwrap();
    for _ in 0..100 {
        if swept.found > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        swept = s.crash_sweep("id:poison", &me).await.unwrap();
    }
    assert_eq!((swept.found, swept.found_alone, swept.alive), (1, 1, 1));
    assert_eq!((swept.counts.crashes, swept.counts.solo_crashes), (1, 1));
    // Swept once: the marker is gone, the counts stay.
    let again = s.crash_sweep("id:poison", &me).await.unwrap();
    assert_eq!((again.found, again.counts.crashes), (0, 1));
    // The neighbour's crash is its own, not shared, and not the poison's.
    let n = s.crash_sweep("id:neighbour", &me).await.unwrap();
    assert_eq!(
        (n.found, n.counts.crashes, n.counts.solo_crashes),
        (1, 1, 0)
    );
    // The sweeper's own markers are never swept.
    s.marker_add("id:poison", &me, true).await.unwrap();
    assert_eq!(s.crash_sweep("id:poison", &me).await.unwrap().alive, 1);

    // Settling without forgetting drops the marker only; forgetting drops the counts.
    s.marker_settled("id:poison", &me, false).await.unwrap();
    assert_eq!(
        count(
            &s,
            "SELECT count(*) FROM in_flight WHERE message_key = 'id:poison'"
        )
        .await,
        1,
        "the live worker's marker stays"
    );
    assert_eq!(count(&s, "SELECT count(*) FROM crash_counts").await, 2);
    s.marker_settled("id:poison", &me, true).await.unwrap();
    assert_eq!(
        count(
            &s,
            "SELECT count(*) FROM crash_counts WHERE message_key = 'id:poison'"
        )
        .await,
        0
    );
    assert_eq!(s.markers_clear(&alive).await.unwrap(), 1);
    assert_eq!(count(&s, "SELECT count(*) FROM in_flight").await, 0);
    // Prune: nothing is old enough.
    assert_eq!(
        s.crash_prune(Duration::from_secs(3600), Duration::from_secs(3600))
            .await
            .unwrap(),
        (0, 0)
    );
    assert_eq!(
        s.crash_prune(Duration::ZERO, Duration::ZERO).await.unwrap(),
        (0, 1)
    );
}

/// The worker marks confirmed events' outbox rows sent through `SentMarks`: ids queued
/// faster than one statement runs are written in batches, nothing queued is dropped, and
/// `flush` returns only once every id queued before it is written.
#[tokio::test]
async fn sent_marks_write_every_queued_id_in_batches() {
    use report_ingest::worker::marks::{SentMarks, MARK_BATCH};
    let s = store("marks").await;
    let n = MARK_BATCH + 300;
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let ev = report_ingest::events::failed(
            &format!("k{i}"),
            &format!("https://reports.example/m/{i}"),
            "http_404",
            "HTTP status 404",
            1,
            None,
            None,
            None,
        );
        ids.push(s.outbox_add(&ev).await.unwrap());
    }
    assert_eq!(s.outbox_backlog().await.unwrap(), n as i64);
    let (marks, task) = SentMarks::start(s.clone());
    // Leave the last row unmarked: only what was queued may be marked.
    for id in &ids[..n - 1] {
        marks.mark(*id);
    }
    marks.flush().await;
    assert_eq!(s.outbox_backlog().await.unwrap(), 1);
    let pending = s.outbox_pending(Duration::ZERO, 10).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].id, ids[n - 1]);
    // Dropping the last handle ends the task after writing what was queued.
    marks.mark(ids[n - 1]);
    drop(marks);
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("the marking task ends once its handles are gone")
        .unwrap();
    assert_eq!(s.outbox_backlog().await.unwrap(), 0);
}

/// A page of `url` with `body`, for [`save_batch`](report_ingest::store::save::save_batch).
fn page<'a>(
    url: &'a str,
    body: &'a [u8],
    r: &'a Report,
    h: &'a [(String, String)],
) -> PageToSave<'a> {
    PageToSave {
        first: FetchedPage {
            url,
            final_url: url,
            status: 200,
            headers: h,
            content_type: Some("text/html"),
            body,
        },
        report: r,
        msg_id: None,
        msg_meta: None,
        more: &[],
        pages_missing: 0,
        attachment_sha256: &[],
    }
}

/// Group commit: one transaction for the group, and each page ends as its own `save`
/// would have (unchanged, inserted, updated), answers in the caller's order.
#[tokio::test]
async fn a_group_commit_stores_each_page_as_its_own_save_would() {
    let s = store("store_group").await;
    let h = headers();
    let (same, changed, fresh) = (
        "https://reports.example/g/same.html",
        "https://reports.example/g/changed.html",
        "https://reports.example/g/fresh.html",
    );
    let r2 = report("工作总结", 2);
    let r1 = report("工作计划", 1);
    let before_same = save(&s, same, b"<p>same</p>", &r2).await;
    let before_changed = save(&s, changed, b"<p>old</p>", &r2).await;
    let c = s.pool().get().await.unwrap();
    let pages = [
        page(same, b"<p>same</p>", &r2, &h),
        page(fresh, b"<p>fresh</p>", &r1, &h),
        page(changed, b"<p>new</p>", &r1, &h),
    ];
    let results = report_ingest::store::save::save_batch(&s, &pages).await;
    let got: Vec<Saved> = results.into_iter().map(Result::unwrap).collect();
    assert!(got[0].unchanged && got[0].outbox_id.is_none());
    assert_eq!(got[0].report_id, before_same.report_id);
    assert!(!got[1].unchanged && got[1].outbox_id.is_some());
    assert!(!got[2].unchanged && got[2].outbox_id.is_some());
    assert_eq!(got[2].report_id, before_changed.report_id);
    assert_eq!(got[1].event.json().unwrap()["data"]["url"], fresh);

    // The rows: the changed page's articles replaced (2 → 1), the fresh page added.
    assert_eq!(count(&s, "SELECT count(*) FROM reports").await, 3);
    let articles_of = |id: i64| {
        let c = &c;
        async move {
            c.query_one(
                "SELECT count(*) FROM report_articles WHERE report_id = $1",
                &[&id],
            )
            .await
            .unwrap()
            .get::<_, i64>(0)
        }
    };
    assert_eq!(articles_of(got[0].report_id).await, 2);
    assert_eq!(articles_of(got[1].report_id).await, 1);
    assert_eq!(articles_of(got[2].report_id).await, 1);
    assert_eq!(count(&s, "SELECT count(*) FROM outbox").await, 4);
    // One transaction wrote both changed rows: the same xmin.
    let xmins: Vec<String> = c
        .query(
            "SELECT xmin::text FROM reports WHERE id = ANY($1) ORDER BY id",
            &[&vec![got[1].report_id, got[2].report_id]],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(xmins[0], xmins[1], "one transaction for the group");
}

/// The same URL twice in a group: the second write must see the first, so they go one
/// transaction each, in order; and a page the database refuses fails alone, its group's
/// other pages are stored.
#[tokio::test]
async fn a_group_falls_back_to_one_transaction_per_page() {
    let (s, schema) = support::migrated_store("store_group_fb").await;
    let h = headers();
    let url = "https://reports.example/g/twice.html";
    let (r1, r2) = (report("工作总结", 1), report("工作报告", 2));
    let pages = [
        page(url, b"<p>one</p>", &r1, &h),
        page(url, b"<p>two</p>", &r2, &h),
    ];
    let got: Vec<Saved> = report_ingest::store::save::save_batch(&s, &pages)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert!(!got[0].unchanged && !got[1].unchanged);
    assert_eq!(got[0].report_id, got[1].report_id);
    let c = s.pool().get().await.unwrap();
    let sha: String = c
        .query_one("SELECT content_sha256 FROM reports WHERE url = $1", &[&url])
        .await
        .unwrap()
        .get(0);
    assert_eq!(sha, got[1].content_sha256, "the later page wins");
    assert_eq!(
        count(&s, "SELECT count(*) FROM report_articles").await,
        2,
        "the second page's articles replaced the first's"
    );

    // A trigger of this test's schema refuses one URL, as a constraint would.
    c.batch_execute(&format!(
        "CREATE FUNCTION {schema}.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN IF NEW.url LIKE '%/refused' THEN \
         RAISE EXCEPTION 'refused by the test' USING ERRCODE = '22023'; END IF; \
         RETURN NEW; END $$; \
         CREATE TRIGGER refuse BEFORE INSERT ON {schema}.reports \
         FOR EACH ROW EXECUTE FUNCTION {schema}.refuse();"
    ))
    .await
    .unwrap();
    let (a, bad, z) = (
        "https://reports.example/g/a",
        "https://reports.example/g/refused",
        "https://reports.example/g/z",
    );
    let pages = [
        page(a, b"<p>a</p>", &r1, &h),
        page(bad, b"<p>bad</p>", &r1, &h),
        page(z, b"<p>z</p>", &r1, &h),
    ];
    let results = report_ingest::store::save::save_batch(&s, &pages).await;
    assert!(results[0].as_ref().is_ok_and(|s| !s.unchanged));
    let err = results[1].as_ref().unwrap_err();
    assert_eq!(err.disposition(), Disposition::DeadLetter, "{err}");
    assert!(results[2].as_ref().is_ok_and(|s| !s.unchanged));
    let stored: Vec<String> = c
        .query(
            "SELECT url FROM reports WHERE url LIKE 'https://reports.example/g/%' ORDER BY url",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(stored, [a, url, z]);
    assert_eq!(count(&s, "SELECT count(*) FROM outbox").await, 4);
}
