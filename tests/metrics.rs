//! Observability end to end: the real `report-ingest worker` process against real
//! RabbitMQ, PostgreSQL and a local HTTP server.
//! - `/metrics` counters move as pages are processed (stored, dead-lettered with a
//!   reason, responses by class, bytes, stage timings, extraction signals).
//! - `/readyz` turns 503 when the broker (or the database) becomes unreachable and 200
//!   again when it comes back, while `/healthz` stays 200. RabbitMQ and PostgreSQL are
//!   never stopped (other tests use them): the worker talks to them through TCP proxies
//!   owned by the test, which are cut and restored.
//! - `report-ingest healthcheck` (the container HEALTHCHECK) exits 0 on a live worker and
//!   non-zero on a 503 or a closed port.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lapin::BasicProperties;
use report_ingest::queue::{self, Names, Publisher};
use support::http::TestServer;
use support::process::{WorkerOptions, WorkerProcess};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::Command;
use tokio::task::JoinHandle;

const BIN: &str = env!("CARGO_BIN_EXE_report-ingest");

/// A report page in UTF-8 (own text): two figures, an outline.
const PAGE_UTF8: &str = "<!DOCTYPE html><html><head><meta charset=\"utf-8\">\
<title>某区图书馆2024年工作总结</title></head><body>\
<nav><a href=\"/\">首页</a> &gt; <a href=\"/gk\">信息公开</a></nav>\
<div class=\"article\"><h1>某区图书馆2024年工作总结</h1>\
<p class=\"date\">发布时间：2025-01-08</p>\
<p>一、基本情况</p>\
<p>全年接待读者46.2万人次，同比增长8.5%，新增馆藏图书3.1万册。</p>\
<p>二、主要做法</p>\
<p>开展阅读推广活动120场，组织志愿服务队伍常态化进社区，服务群众约2万人次。</p>\
<p>三、下一步打算</p>\
<p>继续完善总分馆体系，推进数字阅读平台建设，提升公共文化服务水平。</p>\
</div><footer>版权所有 某区图书馆</footer></body></html>";

/// Free TCP port on 127.0.0.1 (bound and released).
async fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap().port()
}

/// GET → (status, body).
async fn get(url: &str) -> Option<(u16, String)> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(3))
        .no_proxy()
        .build()
        .unwrap();
    let r = client.get(url).send().await.ok()?;
    let code = r.status().as_u16();
    Some((code, r.text().await.ok()?))
}

/// The value of one series (`name{labels}` exactly as rendered) in a scrape.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|r| r.strip_prefix(' ')))
        .map(|v| v.parse().unwrap())
}

/// A TCP forwarder to `target` that the test can cut (close every connection and stop
/// listening) and restore (listen again on the same port).
struct Proxy {
    addr: SocketAddr,
    target: SocketAddr,
    accept: Option<JoinHandle<()>>,
    conns: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(target: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut p = Proxy {
            addr: listener.local_addr().unwrap(),
            target: target.parse().unwrap(),
            accept: None,
            conns: Arc::new(Mutex::new(Vec::new())),
        };
        p.serve(listener);
        p
    }

    fn serve(&mut self, listener: TcpListener) {
        let conns = self.conns.clone();
        let target = self.target;
        self.accept = Some(tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    continue;
                };
                let task = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                conns.lock().unwrap().push(task);
            }
        }));
    }

    /// Stops listening and drops every forwarded connection (both ends see EOF).
    fn cut(&mut self) {
        if let Some(a) = self.accept.take() {
            a.abort();
        }
        for c in self.conns.lock().unwrap().drain(..) {
            c.abort();
        }
    }

    /// Listens again on the same port.
    async fn restore(&mut self) {
        let listener = TcpListener::bind(self.addr).await.unwrap();
        self.serve(listener);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
    }
}

/// A `report-ingest worker` child process with its metrics endpoint.
struct Worker {
    process: WorkerProcess,
    base: String,
    prefix: String,
}

impl Worker {
    fn spawn(prefix: &str, amqp_url: &str, database_url: &str, metrics_port: u16) -> Worker {
        let mut args = support::process::worker_flags(prefix, amqp_url, database_url);
        args.extend(
            ["--shutdown-grace", "5", "--metrics-addr"]
                .map(str::to_owned)
                .into_iter()
                .chain([format!("127.0.0.1:{metrics_port}")]),
        );
        Worker {
            process: support::process::spawn(&args, &WorkerOptions::default()),
            base: format!("http://127.0.0.1:{metrics_port}"),
            prefix: prefix.to_owned(),
        }
    }

    async fn scrape(&self) -> String {
        let (code, body) = get(&format!("{}/metrics", self.base))
            .await
            .expect("scrape /metrics");
        assert_eq!(code, 200);
        body
    }

    /// Polls `path` until it answers `code` (or fails after `timeout`); returns the body.
    async fn wait_for(&self, path: &str, code: u16, timeout: Duration) -> String {
        let url = format!("{}{path}", self.base);
        support::eventually(timeout, &format!("{url} → {code}"), || async {
            match get(&url).await {
                Some((c, body)) if c == code => Some(body),
                _ => None,
            }
        })
        .await
    }

    /// SIGTERM and wait: the worker must exit 0. Then its queues are deleted.
    async fn stop(mut self) {
        let st = self.process.stop(Duration::from_secs(30)).await;
        assert!(st.success(), "worker exit status {st:?}");
        support::delete_deployment(&self.prefix, &[1, 2], &[]).await;
    }
}

async fn enqueue(prefix: &str, urls: &[String]) {
    let broker = support::broker_args(prefix);
    let conn = queue::connect(&broker).await.unwrap();
    let publisher = Publisher::new(&conn).await.unwrap();
    let names = Names::new(prefix);
    for u in urls {
        let body = serde_json::to_vec(&serde_json::json!({ "url": u })).unwrap();
        publisher
            .publish(
                "",
                &names.urls,
                &body,
                BasicProperties::default().with_content_type("application/json".into()),
            )
            .await
            .unwrap();
    }
    let _ = conn.close(200, "done".into()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn metrics_move_as_pages_are_processed() {
    let prefix = support::unique("metrics");
    let server = TestServer::start().await;
    server.add_page("/utf8.html", Some("text/html; charset=utf-8"), PAGE_UTF8);
    let gbk = support::http::gbk_page();
    let gbk_len = gbk.len();
    server.add_page("/gbk.html", Some("text/html; charset=gbk"), gbk);

    let port = free_port().await;
    let w = Worker::spawn(&prefix, support::AMQP_URL, support::DATABASE_URL, port);
    // Live at once; ready once broker and database are connected (topology declared).
    w.wait_for("/healthz", 200, Duration::from_secs(30)).await;
    w.wait_for("/readyz", 200, Duration::from_secs(60)).await;
    let before = w.scrape().await;
    assert_eq!(
        sample(
            &before,
            "report_ingest_messages_total{outcome=\"stored\",reason=\"none\"}"
        ),
        Some(0.0)
    );
    assert_eq!(
        sample(&before, "report_ingest_fetched_bytes_total"),
        Some(0.0)
    );

    let urls = vec![
        server.url("/utf8.html"),
        server.url("/gbk.html"),
        server.url("/status/404"),
    ];
    enqueue(&prefix, &urls).await;

    // Both pages stored, the 404 dead-lettered with its reason.
    let text = support::eventually(Duration::from_secs(60), "3 messages finished", || async {
        let t = w.scrape().await;
        let stored = sample(
            &t,
            "report_ingest_messages_total{outcome=\"stored\",reason=\"none\"}",
        )
        .unwrap_or(0.0);
        let dead = sample(
            &t,
            "report_ingest_messages_total{outcome=\"dead_lettered\",reason=\"http_404\"}",
        )
        .unwrap_or(0.0);
        (stored == 2.0 && dead == 1.0).then_some(t)
    })
    .await;
    let v = |s: &str| sample(&text, s).unwrap_or_else(|| panic!("{s} missing in\n{text}"));
    assert_eq!(v("report_ingest_fetch_responses_total{class=\"2xx\"}"), 2.0);
    assert_eq!(v("report_ingest_fetch_responses_total{class=\"4xx\"}"), 1.0);
    let bytes = v("report_ingest_fetched_bytes_total");
    assert!(
        bytes >= (PAGE_UTF8.len() + gbk_len) as f64,
        "fetched bytes {bytes}"
    );
    assert!(v("report_ingest_stage_seconds_count{stage=\"fetch\"}") >= 3.0);
    assert_eq!(
        v("report_ingest_stage_seconds_count{stage=\"extract\"}"),
        2.0
    );
    assert_eq!(v("report_ingest_stage_seconds_count{stage=\"store\"}"), 2.0);
    assert!(v("report_ingest_stage_seconds_count{stage=\"publish\"}") >= 2.0);
    assert!(v("report_ingest_stage_seconds_sum{stage=\"fetch\"}") > 0.0);
    // Extraction signals: two pages, each one article with figures; GBK declared in
    // the header and used, UTF-8 likewise: no mismatch, no mojibake.
    assert_eq!(v("report_ingest_articles_per_page_count"), 2.0);
    assert!(v("report_ingest_articles_per_page_sum") >= 2.0);
    assert!(
        v("report_ingest_figures_per_page_sum") >= 3.0,
        "figures found"
    );
    assert_eq!(
        v("report_ingest_charset_total{used=\"gbk\",source=\"header\"}"),
        1.0
    );
    assert_eq!(
        v("report_ingest_charset_total{used=\"utf-8\",source=\"header\"}"),
        1.0
    );
    assert_eq!(v("report_ingest_charset_mismatch_total"), 0.0);
    assert_eq!(v("report_ingest_mojibake_pages_total"), 0.0);
    assert_eq!(v("report_ingest_extract_empty_total"), 0.0);
    // Gauges settle: nothing in flight, outbox drained, connected and ready.
    let settled = support::eventually(Duration::from_secs(30), "gauges settle", || async {
        let t = w.scrape().await;
        let ok = sample(&t, "report_ingest_in_flight") == Some(0.0)
            && sample(&t, "report_ingest_outbox_backlog") == Some(0.0);
        ok.then_some(t)
    })
    .await;
    for s in [
        "report_ingest_broker_connected",
        "report_ingest_db_connected",
        "report_ingest_ready",
    ] {
        assert_eq!(sample(&settled, s), Some(1.0), "{s}");
    }
    assert!(sample(&settled, "report_ingest_heartbeat_age_seconds").unwrap() < 30.0);
    // Text format: every sample line belongs to a family with HELP and TYPE.
    let families: std::collections::BTreeSet<&str> = settled
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.split(' ').next())
        .collect();
    for l in settled
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let name = l.split(['{', ' ']).next().unwrap();
        let base = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| name.strip_suffix(s))
            .filter(|b| families.contains(b))
            .unwrap_or(name);
        assert!(families.contains(base), "sample without TYPE: {l}");
        assert!(!l.contains("http://"), "a URL leaked into a label: {l}");
    }

    // The container HEALTHCHECK command agrees with the endpoint.
    let hc = |url: String| async move {
        Command::new(BIN)
            .args(["healthcheck", "--url", &url, "--timeout", "2"])
            .output()
            .await
            .unwrap()
    };
    let ok = hc(format!("{}/healthz", w.base)).await;
    assert!(ok.status.success(), "{ok:?}");
    let fail = hc(format!("http://127.0.0.1:{}/healthz", free_port().await)).await;
    assert!(!fail.status.success(), "closed port must fail");

    w.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn readyz_follows_broker_and_database_reachability() {
    let prefix = support::unique("readyz");
    let mut amqp = Proxy::start("127.0.0.1:5672").await;
    let mut pg = Proxy::start("127.0.0.1:5432").await;
    let amqp_url = format!("amqp://guest:guest@{}/%2f", amqp.addr);
    let database_url = format!("postgres://postgres:postgres@{}/report_ingest", pg.addr);
    let port = free_port().await;
    let w = Worker::spawn(&prefix, &amqp_url, &database_url, port);
    w.wait_for("/readyz", 200, Duration::from_secs(60)).await;

    // Broker unreachable: not ready, still live; the healthcheck command (liveness)
    // still passes and metrics say why.
    amqp.cut();
    let body = w.wait_for("/readyz", 503, Duration::from_secs(30)).await;
    assert!(body.contains("broker down"), "{body}");
    assert_eq!(
        get(&format!("{}/healthz", w.base)).await.map(|r| r.0),
        Some(200)
    );
    let t = w.scrape().await;
    assert_eq!(sample(&t, "report_ingest_broker_connected"), Some(0.0));
    assert_eq!(sample(&t, "report_ingest_ready"), Some(0.0));
    let readyz_hc = Command::new(BIN)
        .args(["healthcheck", "--url", &format!("{}/readyz", w.base)])
        .output()
        .await
        .unwrap();
    assert!(!readyz_hc.status.success(), "healthcheck fails on a 503");

    // Broker back: the worker reconnects by itself (backoff ≤ 10 s) and is ready again.
    amqp.restore().await;
    w.wait_for("/readyz", 200, Duration::from_secs(45)).await;
    let t = w.scrape().await;
    assert!(
        sample(&t, "report_ingest_broker_reconnects_total").unwrap() >= 1.0,
        "{t}"
    );

    // Database unreachable: not ready (db down), still live; then back.
    pg.cut();
    let body = w.wait_for("/readyz", 503, Duration::from_secs(30)).await;
    assert!(body.contains("db down"), "{body}");
    assert_eq!(
        get(&format!("{}/healthz", w.base)).await.map(|r| r.0),
        Some(200)
    );
    pg.restore().await;
    w.wait_for("/readyz", 200, Duration::from_secs(45)).await;

    w.stop().await;
}
