//! `replay` against the real PostgreSQL: re-extraction from stored raw bytes, selection
//! filters, `report.changed` through the outbox, failures, and the CLI. Each test uses its
//! own schema. Pages are our own HTML; expected outputs come from the current extractor.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::{Duration, Instant};

use report_ingest::events;
use report_ingest::extract::{self, Input, Options, Report, EXTRACTOR_VERSION};
use report_ingest::ops::replay::{self, ReplayOptions};
use report_ingest::store::replay::ReplayFilter;
use report_ingest::store::{FetchedPage, PageToSave, Saved, Store};

async fn store(tag: &str) -> (Store, String) {
    support::migrated_store(tag).await
}

const CONTENT_TYPE: &str = "text/html; charset=utf-8";

/// A small report page of our own.
fn page(n: usize) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>第{n}号 2023年工作总结</title></head>\
         <body><div class=\"nav\">首页 | 通知公告</div><div class=\"article\"><h1>2023年工作总结（第{n}号）</h1>\
         <p>发布时间：2024-01-0{d}</p><p>一、主要工作</p><p>全年完成培训{n}00人次，同比增长{n}.5%。</p>\
         <p>二、存在问题</p><p>基层力量仍显薄弱。</p></div></body></html>",
        d = n % 9 + 1
    )
}

fn extract_page(url: &str, body: &[u8]) -> Report {
    let input = Input {
        bytes: body,
        url: Some(url),
        content_type: Some(CONTENT_TYPE),
    };
    extract::extract(&input, &Options::default()).unwrap_or_else(|e| extract::rejected(&input, &e))
}

/// Stores a page the way the worker does: extract with url = final URL, then save.
async fn save_page(s: &Store, url: &str, body: &[u8]) -> Saved {
    let report = extract_page(url, body);
    let headers = vec![("content-type".to_owned(), CONTENT_TYPE.to_owned())];
    s.save(&PageToSave {
        first: FetchedPage {
            url,
            final_url: url,
            status: 200,
            headers: &headers,
            content_type: Some(CONTENT_TYPE),
            body,
        },
        report: &report,
        msg_id: None,
        msg_meta: None,
        more: &[],
        pages_missing: 0,
        attachment_sha256: &[],
    })
    .await
    .unwrap()
}

async fn exec(s: &Store, sql: &str) -> u64 {
    s.pool()
        .get()
        .await
        .unwrap()
        .execute(sql, &[])
        .await
        .unwrap()
}

async fn one<T: for<'a> tokio_postgres::types::FromSql<'a>>(s: &Store, sql: &str) -> T {
    s.pool()
        .get()
        .await
        .unwrap()
        .query_one(sql, &[])
        .await
        .unwrap()
        .get(0)
}

fn opts() -> ReplayOptions {
    ReplayOptions {
        batch: 2,
        threads: 2,
        ..Default::default()
    }
}

/// Pretends report `id` was made by extractor 0.0.1, which got the title wrong and found no
/// articles; `same_output` keeps the output and only lowers the version.
async fn make_old(s: &Store, id: i64, same_output: bool) {
    if same_output {
        exec(
            s,
            &format!(
                "UPDATE reports SET extractor_version = '0.0.1', \
                 report = jsonb_set(report, '{{extractor_version}}', '\"0.0.1\"') WHERE id = {id}"
            ),
        )
        .await;
    } else {
        exec(
            s,
            &format!(
                "UPDATE reports SET extractor_version = '0.0.1', title = '过时的标题', article_count = 0, \
                 report = jsonb_set(jsonb_set(jsonb_set(report, '{{extractor_version}}', '\"0.0.1\"'), \
                 '{{title}}', '\"过时的标题\"'), '{{articles}}', '[]') WHERE id = {id}"
            ),
        )
        .await;
        exec(
            s,
            &format!("DELETE FROM report_articles WHERE report_id = {id}"),
        )
        .await;
    }
}

#[tokio::test]
async fn replay_rewrites_reports_of_an_older_extractor_and_emits_changed() {
    let (s, _) = store("replay_old").await;
    let urls = [
        "https://a.example/r/1.html",
        "https://a.example/r/2.html",
        "https://a.example/r/3.html",
    ];
    let mut saved = Vec::new();
    for (i, u) in urls.iter().enumerate() {
        saved.push(save_page(&s, u, page(i + 1).as_bytes()).await);
    }
    // Everything the worker wrote is published; only replay's events remain after this.
    let ids: Vec<i64> = saved.iter().filter_map(|x| x.outbox_id).collect();
    s.outbox_mark_sent(&ids).await.unwrap();
    make_old(&s, saved[0].report_id, false).await;
    make_old(&s, saved[1].report_id, true).await;
    let updated_b: chrono::DateTime<chrono::Utc> = one(
        &s,
        &format!(
            "SELECT updated_at FROM reports WHERE id = {}",
            saved[1].report_id
        ),
    )
    .await;

    let stats = replay::run(
        &s,
        &ReplayOptions {
            older_version: true,
            ..opts()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (stats.scanned, stats.changed, stats.unchanged, stats.failed),
        (2, 1, 1, 0),
        "{stats:?}"
    );

    // Row A carries the current extractor's output again.
    let expected = extract_page(urls[0], page(1).as_bytes());
    let c = s.pool().get().await.unwrap();
    let row = c
        .query_one(
            "SELECT title, extractor_version, article_count, report FROM reports WHERE id = $1",
            &[&saved[0].report_id],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, Option<String>>(0), expected.title);
    assert_eq!(row.get::<_, String>(1), EXTRACTOR_VERSION);
    assert_eq!(row.get::<_, i32>(2) as usize, expected.articles.len());
    assert_eq!(
        row.get::<_, serde_json::Value>(3),
        serde_json::to_value(&expected).unwrap()
    );
    let n_articles: i64 = one(
        &s,
        &format!(
            "SELECT count(*) FROM report_articles WHERE report_id = {}",
            saved[0].report_id
        ),
    )
    .await;
    assert_eq!(n_articles as usize, expected.articles.len());

    // One report.changed event, in the outbox, with both versions.
    let pending = s.outbox_pending(Duration::ZERO, 10).await.unwrap();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0].routing_key, "report.changed");
    let ev: serde_json::Value = serde_json::from_slice(&pending[0].body).unwrap();
    assert_eq!(ev["type"], "report.changed");
    assert_eq!(ev["subject"], urls[0]);
    assert_eq!(ev["data"]["report_id"], saved[0].report_id);
    assert_eq!(ev["data"]["old_extractor_version"], "0.0.1");
    assert_eq!(ev["data"]["extractor_version"], EXTRACTOR_VERSION);
    assert_eq!(ev["data"]["content_sha256"], saved[0].content_sha256);
    assert_eq!(
        pending[0].event_id,
        events::event_id(&[
            "report.changed",
            urls[0],
            &saved[0].content_sha256,
            EXTRACTOR_VERSION
        ])
    );

    // Row B: same output, so only its version moved; no event, updated_at kept.
    let row = c
        .query_one(
            "SELECT extractor_version, report->>'extractor_version', updated_at FROM reports WHERE id = $1",
            &[&saved[1].report_id],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), EXTRACTOR_VERSION);
    assert_eq!(row.get::<_, String>(1), EXTRACTOR_VERSION);
    assert_eq!(row.get::<_, chrono::DateTime<chrono::Utc>>(2), updated_b);

    // Nothing is older any more: a second replay scans nothing.
    let again = replay::run(
        &s,
        &ReplayOptions {
            older_version: true,
            ..opts()
        },
    )
    .await
    .unwrap();
    assert_eq!(again.scanned, 0);
    // And a full replay finds every row up to date.
    let full = replay::run(&s, &opts()).await.unwrap();
    assert_eq!((full.scanned, full.changed, full.unchanged), (3, 0, 3));
    assert_eq!(s.outbox_backlog().await.unwrap(), 1);
}

#[tokio::test]
async fn replay_filters_select_by_url_host_and_date() {
    let (s, _) = store("replay_filter").await;
    let urls = [
        "https://a.example/2023/1.html",
        "https://a.example/2023/2.html",
        "https://a.example/2024/3.html",
        "https://b.example/2023/4.html",
        "https://b.example/2024/5.html",
    ];
    for (i, u) in urls.iter().enumerate() {
        let saved = save_page(&s, u, page(i + 1).as_bytes()).await;
        make_old(&s, saved.report_id, false).await;
    }
    exec(
        &s,
        "UPDATE reports SET fetched_at = '2020-06-15 23:30:00+00' WHERE url LIKE '%/2.html' OR url LIKE '%/4.html'",
    )
    .await;
    let dry = |filter: ReplayFilter| ReplayOptions {
        filter,
        dry_run: true,
        ..opts()
    };
    let by_url = replay::run(
        &s,
        &dry(ReplayFilter {
            url_like: Some("%/2023/%".into()),
            ..Default::default()
        }),
    )
    .await
    .unwrap();
    assert_eq!((by_url.scanned, by_url.changed), (3, 3));
    let by_host = replay::run(
        &s,
        &dry(ReplayFilter {
            host: Some("B.example".into()),
            ..Default::default()
        }),
    )
    .await
    .unwrap();
    assert_eq!(by_host.scanned, 2);
    let until = replay::run(
        &s,
        &dry(ReplayFilter {
            until: Some("2020-06-15".parse().unwrap()),
            ..Default::default()
        }),
    )
    .await
    .unwrap();
    assert_eq!(until.scanned, 2, "the whole until-day is included");
    let since = replay::run(
        &s,
        &dry(ReplayFilter {
            since: Some("2020-06-16".parse().unwrap()),
            host: Some("a.example".into()),
            ..Default::default()
        }),
    )
    .await
    .unwrap();
    assert_eq!(since.scanned, 2);
    let limited = replay::run(
        &s,
        &ReplayOptions {
            limit: Some(3),
            ..dry(ReplayFilter::default())
        },
    )
    .await
    .unwrap();
    assert_eq!(limited.scanned, 3);
    // Dry runs wrote nothing.
    let old: i64 = one(
        &s,
        "SELECT count(*) FROM reports WHERE extractor_version = '0.0.1'",
    )
    .await;
    assert_eq!(old, 5);
    assert_eq!(
        s.outbox_backlog().await.unwrap(),
        5,
        "only the worker's events"
    );

    // A real run over a filter touches only the selection.
    let real = replay::run(
        &s,
        &ReplayOptions {
            filter: ReplayFilter {
                url_like: Some("https://a.example/%".into()),
                ..Default::default()
            },
            ..opts()
        },
    )
    .await
    .unwrap();
    assert_eq!((real.scanned, real.changed), (3, 3));
    let old: i64 = one(
        &s,
        "SELECT count(*) FROM reports WHERE extractor_version = '0.0.1'",
    )
    .await;
    assert_eq!(old, 2);
    assert_eq!(s.outbox_backlog().await.unwrap(), 8);
}

#[tokio::test]
async fn a_corrupt_raw_body_is_counted_failed_and_left_alone() {
    let (s, _) = store("replay_fail").await;
    let a = save_page(&s, "https://a.example/ok.html", page(1).as_bytes()).await;
    let b = save_page(&s, "https://a.example/bad.html", page(2).as_bytes()).await;
    make_old(&s, a.report_id, false).await;
    make_old(&s, b.report_id, false).await;
    exec(
        &s,
        &format!(
            "UPDATE report_raw SET body_zstd = '\\x00010203' WHERE report_id = {}",
            b.report_id
        ),
    )
    .await;
    let xmin_before: String = one(
        &s,
        &format!("SELECT xmin::text FROM reports WHERE id = {}", b.report_id),
    )
    .await;
    let stats = replay::run(&s, &opts()).await.unwrap();
    assert_eq!(
        (stats.scanned, stats.changed, stats.failed),
        (2, 1, 1),
        "{stats:?}"
    );
    let xmin_after: String = one(
        &s,
        &format!("SELECT xmin::text FROM reports WHERE id = {}", b.report_id),
    )
    .await;
    assert_eq!(xmin_before, xmin_after);
}

#[tokio::test]
async fn a_page_rejected_before_and_now_is_unchanged() {
    let (s, _) = store("replay_rej").await;
    let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
    let stored = extract_page("https://a.example/doc.pdf", pdf);
    assert!(
        stored.error.is_some(),
        "the extractor rejects a PDF: {stored:?}"
    );
    let saved = save_page(&s, "https://a.example/doc.pdf", pdf).await;
    make_old(&s, saved.report_id, true).await;
    let stats = replay::run(&s, &opts()).await.unwrap();
    assert_eq!(
        (stats.scanned, stats.unchanged, stats.failed),
        (1, 1, 0),
        "{stats:?}"
    );
}

#[tokio::test]
async fn a_page_refetched_during_replay_is_not_overwritten() {
    let (s, _) = store("replay_race").await;
    let url = "https://a.example/race.html";
    let saved = save_page(&s, url, page(1).as_bytes()).await;
    make_old(&s, saved.report_id, false).await;
    // Read the row as replay would, then a worker stores a new fetch, then replay writes.
    let batch = s
        .replay_batch(&ReplayFilter::default(), None, 0, 10)
        .await
        .unwrap();
    assert_eq!(batch.len(), 1);
    save_page(&s, url, page(7).as_bytes()).await;
    let report = extract_page(url, page(1).as_bytes());
    assert_eq!(s.replay_write(&batch[0], &report).await.unwrap(), None);
    let title: Option<String> = one(
        &s,
        &format!("SELECT title FROM reports WHERE id = {}", saved.report_id),
    )
    .await;
    assert_eq!(title, extract_page(url, page(7).as_bytes()).title);
}

#[tokio::test]
async fn the_cli_prints_counts() {
    let (s, schema) = store("replay_cli").await;
    for i in 1..=4 {
        let saved = save_page(
            &s,
            &format!("https://c.example/{i}.html"),
            page(i).as_bytes(),
        )
        .await;
        // The workers' own events went out already: only replay's are pending.
        s.outbox_mark_sent(&saved.outbox_id.into_iter().collect::<Vec<_>>())
            .await
            .unwrap();
        make_old(&s, saved.report_id, i % 2 == 0).await;
    }
    // A downstream queue bound to the events exchange: replay publishes what it changed.
    let conn = lapin::Connection::connect(support::AMQP_URL, Default::default())
        .await
        .unwrap();
    let ch = conn.create_channel().await.unwrap();
    let exchange = format!("{schema}.events");
    ch.exchange_declare(
        exchange.as_str().into(),
        lapin::ExchangeKind::Topic,
        lapin::options::ExchangeDeclareOptions {
            durable: true,
            ..Default::default()
        },
        Default::default(),
    )
    .await
    .unwrap();
    let q = ch
        .queue_declare(
            "".into(),
            lapin::options::QueueDeclareOptions {
                exclusive: true,
                ..Default::default()
            },
            Default::default(),
        )
        .await
        .unwrap();
    ch.queue_bind(
        q.name().clone(),
        exchange.as_str().into(),
        "report.changed".into(),
        Default::default(),
        Default::default(),
    )
    .await
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_report-ingest"))
        .args(["replay", "--older-version", "--json", "--batch-size", "3"])
        .env("DATABASE_URL", support::DATABASE_URL)
        .env("AMQP_URL", support::AMQP_URL)
        .env("REPORT_INGEST_DB_SCHEMA", &schema)
        .env("REPORT_INGEST_PREFIX", &schema)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["scanned"], 4);
    assert_eq!(v["changed"], 2);
    assert_eq!(v["unchanged"], 2);
    assert_eq!(v["failed"], 0);
    assert_eq!(v["extractor_version"], EXTRACTOR_VERSION);
    assert!(v["pages_per_sec"].as_f64().unwrap() > 0.0);
    // Both report.changed events were published with confirms and marked sent.
    assert_eq!(v["events_published"], 2);
    assert_eq!(s.outbox_backlog().await.unwrap(), 0);
    let mut got = 0;
    while let Some(m) = ch
        .basic_get(q.name().clone(), Default::default())
        .await
        .unwrap()
    {
        let e: serde_json::Value = serde_json::from_slice(&m.delivery.data).unwrap();
        assert_eq!(e["type"], "report.changed");
        assert_eq!(e["data"]["extractor_version"], EXTRACTOR_VERSION);
        got += 1;
    }
    assert_eq!(got, 2);
    // The queue is exclusive (it goes with the connection); the exchange is deleted.
    let _ = ch
        .exchange_delete(
            exchange.as_str().into(),
            lapin::options::ExchangeDeleteOptions::default(),
        )
        .await;
    let _ = conn.close(200, "test done".into()).await;
}

/// Throughput on real pages (the shared benchmark + corpus, read at run time, not copied):
/// `cargo test --release --test replay -- --ignored --nocapture replay_throughput`.
/// REPLAY_BENCH_ROWS sets the number of stored rows (default 2000).
#[tokio::test(flavor = "multi_thread")]
#[ignore]
async fn replay_throughput() {
    use std::io::Read;
    let mut bodies: Vec<Vec<u8>> = Vec::new();
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let bench = shared.join("bench/article-extraction-benchmark/html");
    for e in std::fs::read_dir(bench).unwrap() {
        let p = e.unwrap().path();
        let mut gz = flate2::read::GzDecoder::new(std::fs::File::open(&p).unwrap());
        let mut b = Vec::new();
        gz.read_to_end(&mut b).unwrap();
        bodies.push(b);
    }
    for e in std::fs::read_dir(shared.join("corpus/dev")).unwrap() {
        let p = e.unwrap().path().join("source.html");
        if let Ok(b) = std::fs::read(&p) {
            bodies.push(b);
        }
    }
    let rows: usize = std::env::var("REPLAY_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let (s, schema) = store("replay_bench").await;
    let total_bytes: usize = (0..rows).map(|i| bodies[i % bodies.len()].len()).sum();
    let t = Instant::now();
    {
        use futures::stream::StreamExt;
        let s = &s;
        let bodies = &bodies;
        futures::stream::iter(0..rows)
            .map(|i| async move {
                let body = &bodies[i % bodies.len()];
                save_page(s, &format!("https://bench.example/{i}.html"), body).await;
            })
            .buffer_unordered(4)
            .collect::<Vec<()>>()
            .await;
    }
    println!(
        "loaded {rows} rows ({:.1} MB raw) in {:.1}s",
        total_bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let scenarios = [
        ("same output", 1, "UPDATE reports SET extractor_version = '0.0.1'"),
        ("same output", 0, "UPDATE reports SET extractor_version = '0.0.1'"),
        (
            "changed output",
            0,
            "UPDATE reports SET extractor_version = '0.0.1', report = jsonb_set(report, '{title}', '\"stale\"')",
        ),
    ];
    for (what, threads, sql) in scenarios {
        exec(&s, sql).await;
        let cpu = cpu_seconds();
        let stats = replay::run(
            &s,
            &ReplayOptions {
                older_version: true,
                threads,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        println!(
            "schema {schema} {what}, threads {}: scanned {} changed {} unchanged {} failed {} in {:.2}s = {:.0} pages/s (extract+read {:.2}s, write {:.2}s)",
            if threads == 0 { "all".to_string() } else { threads.to_string() },
            stats.scanned,
            stats.changed,
            stats.unchanged,
            stats.failed,
            stats.elapsed.as_secs_f64(),
            stats.pages_per_sec(),
            stats.extract_elapsed.as_secs_f64(),
            stats.write_elapsed.as_secs_f64(),
        );
        let cpu = cpu_seconds() - cpu;
        println!(
            "  replay process CPU {cpu:.2}s = {:.0} pages per CPU-second (load average now {})",
            stats.scanned as f64 / cpu,
            std::fs::read_to_string("/proc/loadavg")
                .unwrap_or_default()
                .trim()
        );
        assert_eq!(stats.scanned as usize, rows);
    }
}

/// User + system CPU seconds of this process so far (Linux `/proc/self/stat`, 100 Hz ticks).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    (f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap()) / 100.0
}
