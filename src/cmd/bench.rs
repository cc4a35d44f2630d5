//! `report-ingest bench`: the end-to-end benchmark of issue 4.
//!
//! 1. Loads the benchmark pages (`.html` and `.html.gz` under the given paths) and
//!    cycles them to `--pages` URLs.
//! 2. Extract-only: runs the extractor over those same pages on every core and times it.
//! 3. Serves them from an in-process HTTP server on 127.0.0.1, enqueues one message per
//!    page (meta carries the enqueue time in µs), starts ONE worker process (this binary,
//!    default concurrency unless `--concurrency`), reads the events from a queue bound to
//!    the events exchange until every message has one, and stops the worker (SIGTERM).
//! 4. Prints end-to-end pages/s, enqueue→event latency p50/p99, worker peak RSS
//!    (`VmHWM` of `/proc/<pid>/status`), and extract-only pages/s.
//!
//! Every run uses a fresh prefix and schema (dropped afterwards unless `--keep`).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use futures::StreamExt;
use lapin::options::{
    BasicConsumeOptions, QueueBindOptions, QueueDeclareOptions, QueueDeleteOptions,
};
use lapin::types::FieldTable;
use lapin::BasicProperties;
use report_ingest::config::{BrokerArgs, DbArgs};
use report_ingest::extract::{self, Input, Options};
use report_ingest::queue::{self, publisher::PUBLISH_WINDOW, Names, Publisher};
use report_ingest::store::Store;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub broker: BrokerArgs,
    #[command(flatten)]
    pub db: DbArgs,
    /// Directories (searched recursively) or files with the pages to serve; the defaults are
    /// relative to the repository root, beside which `../shared` lives.
    #[arg(default_values = ["../shared/bench/article-extraction-benchmark/html", "../shared/corpus/dev"])]
    pub paths: Vec<PathBuf>,
    /// Pages served and processed (the page set is cycled).
    #[arg(long, default_value_t = 5000)]
    pub pages: usize,
    /// Worker concurrency; default: the worker's own default.
    #[arg(long)]
    pub concurrency: Option<usize>,
    /// Give up waiting for events after this many seconds.
    #[arg(long, default_value_t = 900)]
    pub timeout: u64,
    /// `RUST_LOG` filter of the worker process.
    #[arg(long, default_value = "warn")]
    pub worker_log: String,
    /// Keep the bench schema and queues afterwards.
    #[arg(long)]
    pub keep: bool,
}

fn load(paths: &[PathBuf]) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    fn walk(p: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        if p.is_dir() {
            let mut entries: Vec<_> = std::fs::read_dir(p)?.filter_map(Result::ok).collect();
            entries.sort_by_key(|e| e.path());
            for e in entries {
                walk(&e.path(), out)?;
            }
        } else {
            let name = p.to_string_lossy();
            if name.ends_with(".html") || name.ends_with(".htm") || name.ends_with(".html.gz") {
                out.push(p.to_owned());
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    for p in paths {
        walk(p, &mut files).with_context(|| format!("reading {}", p.display()))?;
    }
    let mut pages = Vec::with_capacity(files.len());
    for f in files {
        let name = f.to_string_lossy().into_owned();
        let bytes = if name.ends_with(".gz") {
            // gzip(1) rather than a decompression crate: the bench is the only user.
            let out = std::process::Command::new("gzip")
                .arg("-dc")
                .arg(&f)
                .output()
                .with_context(|| format!("gzip -dc {name}"))?;
            anyhow::ensure!(out.status.success(), "gzip -dc {name} failed");
            out.stdout
        } else {
            let mut v = Vec::new();
            std::fs::File::open(&f)?.read_to_end(&mut v)?;
            v
        };
        pages.push((name, bytes));
    }
    anyhow::ensure!(
        !pages.is_empty(),
        "no .html / .html.gz pages under {paths:?}"
    );
    Ok(pages)
}

/// The worker's unlabelled metrics (`name value` lines of `/metrics` on `port`); empty
/// if they cannot be read.
async fn scrape(port: u16) -> std::collections::HashMap<String, f64> {
    let url = format!("http://127.0.0.1:{port}/metrics");
    let text = match reqwest::get(&url).await {
        Ok(r) => r.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    };
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (name, value) = l.split_once(' ')?;
            Some((name.to_owned(), value.trim().parse().ok()?))
        })
        .collect()
}

/// Extracts `n` pages on `threads` threads: (pages/s, pages rejected, CPU seconds used
/// by the extracting threads).
fn extract_only(
    pages: &[(String, Vec<u8>)],
    n: usize,
    port: u16,
    threads: usize,
) -> (f64, usize, f64) {
    let next = AtomicUsize::new(0);
    let failed = AtomicUsize::new(0);
    let cpu_micros = AtomicUsize::new(0);
    let opts = Options::default();
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    cpu_micros.fetch_add(
                        (report_ingest::extraction::thread_cpu_secs() * 1e6) as usize,
                        Ordering::Relaxed,
                    );
                    break;
                }
                let (_, body) = &pages[i % pages.len()];
                let url = format!("http://127.0.0.1:{port}/p/{i}");
                let input = Input {
                    bytes: body,
                    url: Some(&url),
                    content_type: Some("text/html"),
                };
                if extract::extract(&input, &opts).is_err() {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    let secs = start.elapsed().as_secs_f64();
    (
        n as f64 / secs.max(1e-9),
        failed.load(Ordering::Relaxed),
        cpu_micros.load(Ordering::Relaxed) as f64 * 1e-6,
    )
}

/// The pages served: (name, bytes), shared with the server task.
type Pages = Arc<Vec<(String, Vec<u8>)>>;

async fn serve(pages: Pages) -> anyhow::Result<u16> {
    use axum::extract::{Path as AxPath, State};
    use axum::http::header;
    use axum::response::IntoResponse;
    async fn page(
        State(pages): State<Pages>,
        AxPath(i): AxPath<usize>,
    ) -> axum::response::Response {
        let body = pages[i % pages.len()].1.clone();
        ([(header::CONTENT_TYPE, "text/html")], body).into_response()
    }
    let app = axum::Router::new()
        .route("/p/{i}", axum::routing::get(page))
        .with_state(pages);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(port)
}

fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn now_us() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

pub async fn run(mut args: Args) -> anyhow::Result<()> {
    let pages = Arc::new(load(&args.paths)?);
    let n = args.pages.max(1);
    println!("bench: {} distinct pages cycled to {n} URLs", pages.len());
    let port = serve(Arc::clone(&pages)).await?;

    let cores = std::thread::available_parallelism().map_or(1, |t| t.get());
    let (ex_rate, ex_failed, _) = {
        let pages = Arc::clone(&pages);
        tokio::task::spawn_blocking(move || extract_only(&pages, n, port, cores)).await?
    };
    println!("extract-only: {ex_rate:.1} pages/s on {cores} threads ({ex_failed} rejected)");
    let n1 = n.min(2000);
    let (ex1_rate, _, ex1_cpu) = {
        let pages = Arc::clone(&pages);
        tokio::task::spawn_blocking(move || extract_only(&pages, n1, port, 1)).await?
    };
    // CPU per extracted page, the yardstick of the pipeline's cost below.
    let extract_cpu_ms = 1000.0 * ex1_cpu / n1.max(1) as f64;
    println!(
        "extract-only: {ex1_rate:.1} pages/s on 1 thread, {extract_cpu_ms:.2} ms CPU per page"
    );

    let run_id = format!("bench_{:08x}", rand::random::<u32>());
    args.broker.prefix = run_id.clone();
    args.db.db_schema = run_id.clone();
    let names = Names::new(&run_id);
    let store = Store::connect(&args.db).await?;
    store
        .migrate()
        .await
        .context("migrating the bench schema")?;
    let conn = queue::connect(&args.broker).await?;
    let publisher = Publisher::new(&conn).await?;
    let delays = [5u64, 60, 600];
    queue::declare(publisher.channel(), &names, &delays).await?;
    let channel = conn.create_channel().await?;
    let events_q = format!("{run_id}.bench-events");
    channel
        .queue_declare(
            events_q.as_str().into(),
            QueueDeclareOptions::default(),
            FieldTable::default(),
        )
        .await?;
    channel
        .queue_bind(
            events_q.as_str().into(),
            names.events_exchange.as_str().into(),
            "#".into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await?;
    channel
        .basic_qos(1000, lapin::options::BasicQosOptions::default())
        .await?;
    let mut events = channel
        .basic_consume(
            events_q.as_str().into(),
            "bench".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;

    let exe = std::env::current_exe().context("locating this binary")?;
    let mut cmd = tokio::process::Command::new(exe);
    cmd.arg("worker")
        .args(["--prefix", &run_id, "--db-schema", &run_id])
        .args(["--allow-private", "--ignore-robots", "--no-migrate"])
        // Politeness off (one local host would otherwise be the bottleneck being measured).
        .args([
            "--host-rate",
            "0",
            "--host-concurrency",
            "0",
            "--per-host",
            "1024",
        ])
        .env("AMQP_URL", args.broker.amqp_url.expose())
        .env("DATABASE_URL", args.db.database_url.expose())
        .env("RUST_LOG", &args.worker_log)
        .kill_on_drop(true);
    if let Some(c) = args.concurrency {
        cmd.args(["--concurrency", &c.to_string()]);
    }
    // Its metrics, read at the end: group commit sizes, extraction CPU inside the worker.
    let metrics_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .context("picking a port for the worker's metrics")?;
    cmd.args(["--metrics-addr", &format!("127.0.0.1:{metrics_port}")]);
    let cpu_before = cpu::snapshot();
    let mut child = cmd.spawn().context("starting the worker")?;
    let pid = child.id().unwrap_or(0);

    let started = Instant::now();
    let bodies: Vec<Vec<u8>> = (0..n)
        .map(|i| {
            serde_json::to_vec(&serde_json::json!({
                "url": format!("http://127.0.0.1:{port}/p/{i}"),
                "meta": {"enq_us": now_us()},
            }))
        })
        .collect::<Result<_, _>>()?;
    let confirmed = publisher
        .publish_many(
            "",
            &names.urls,
            &bodies,
            BasicProperties::default().with_content_type("application/json".into()),
            PUBLISH_WINDOW,
        )
        .await?;
    println!(
        "enqueued {confirmed} in {:.2} s",
        started.elapsed().as_secs_f64()
    );

    let mut latencies = Vec::with_capacity(n);
    let (mut completed, mut failed) = (0usize, 0usize);
    let mut reasons = std::collections::BTreeMap::<String, usize>::new();
    let mut peak_kb = 0u64;
    let deadline = Instant::now() + Duration::from_secs(args.timeout);
    let mut last_rss = Instant::now();
    while completed + failed < n && Instant::now() < deadline {
        let next = tokio::time::timeout(Duration::from_secs(5), events.next()).await;
        if last_rss.elapsed() > Duration::from_millis(500) {
            peak_kb = peak_kb.max(vm_hwm_kb(pid).unwrap_or(0));
            last_rss = Instant::now();
        }
        let d = match next {
            Ok(Some(Ok(d))) => d,
            Ok(_) => anyhow::bail!("event consumer ended"),
            Err(_) => continue,
        };
        let got = now_us();
        let v: serde_json::Value = serde_json::from_slice(&d.data).unwrap_or_default();
        let _ = report_ingest::queue::consumer::ack(&d.acker).await;
        match v["type"].as_str() {
            Some("report.completed") => completed += 1,
            Some("report.failed") => {
                failed += 1;
                let r = v["data"]["reason"].as_str().unwrap_or("?").to_owned();
                *reasons.entry(r).or_default() += 1;
            }
            _ => continue,
        }
        if let Some(t) = v["data"]["meta"]["enq_us"].as_i64() {
            latencies.push((got - t) as f64 / 1000.0);
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    peak_kb = peak_kb.max(vm_hwm_kb(pid).unwrap_or(0));
    let cpu_used = cpu::snapshot().since(&cpu_before, pid);
    let worker_metrics = scrape(metrics_port).await;
    if pid != 0 {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status();
    }
    let _ = tokio::time::timeout(Duration::from_secs(30), child.wait()).await;

    latencies.sort_by(|a, b| a.total_cmp(b));
    let done = completed + failed;
    let e2e = done as f64 / elapsed.max(1e-9);
    println!("end-to-end: {done}/{n} messages ({completed} stored, {failed} dead-lettered {reasons:?}) in {elapsed:.1} s = {e2e:.1} pages/s");
    println!(
        "enqueue→event latency: p50 {:.0} ms, p99 {:.0} ms (all {n} enqueued at once: dominated by queueing)",
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99)
    );
    println!("worker peak RSS (VmHWM): {:.1} MB", peak_kb as f64 / 1024.0);
    println!(
        "extract-only: {ex_rate:.1} pages/s on {cores} threads; end-to-end / extract-only = {:.0}%",
        100.0 * e2e / ex_rate.max(1e-9)
    );
    println!(
        "extract-only: {ex1_rate:.1} pages/s on 1 thread; end-to-end / extract-only (1 thread) = {:.0}%",
        100.0 * e2e / ex1_rate.max(1e-9)
    );
    let per_page = |secs: f64| 1000.0 * secs / done.max(1) as f64;
    println!(
        "CPU per page during the run: worker {:.2} ms (extract alone: {:.2} ms CPU, so the \
         worker costs {:.2}x extraction), postgres {:.2} ms, rabbitmq {:.2} ms, bench \
         (server + enqueue + events) {:.2} ms, other {:.2} ms; {:.0}% of {cores} cores busy",
        per_page(cpu_used.worker),
        extract_cpu_ms,
        per_page(cpu_used.worker) / extract_cpu_ms.max(1e-9),
        per_page(cpu_used.postgres),
        per_page(cpu_used.rabbitmq),
        per_page(cpu_used.bench),
        per_page(cpu_used.other),
        100.0 * cpu_used.total() / (elapsed.max(1e-9) * cores as f64),
    );
    let pipeline_ms =
        per_page(cpu_used.worker) + per_page(cpu_used.postgres) + per_page(cpu_used.rabbitmq);
    println!(
        "pipeline CPU per page (worker + postgres + rabbitmq): {pipeline_ms:.2} ms = {:.2}x \
         extraction CPU ({extract_cpu_ms:.2} ms)",
        pipeline_ms / extract_cpu_ms.max(1e-9)
    );
    let metric = |name: &str| worker_metrics.get(name).copied();
    if let Some(cpu) = metric("report_ingest_extract_cpu_seconds_total") {
        let inside = per_page(cpu);
        println!(
            "extraction inside the worker: {inside:.2} ms CPU per page ({:.2}x extraction \
             alone: the cost of sharing the cores); pipeline = {:.2}x that",
            inside / extract_cpu_ms.max(1e-9),
            pipeline_ms / inside.max(1e-9)
        );
    }
    if let (Some(sum), Some(count)) = (
        metric("report_ingest_pages_per_commit_sum"),
        metric("report_ingest_pages_per_commit_count"),
    ) {
        println!(
            "group commit: {count:.0} transactions for {sum:.0} pages = {:.2} pages per commit",
            sum / count.max(1.0)
        );
    }

    if !args.keep {
        for q in [events_q.clone(), names.urls.clone(), names.dlq.clone()]
            .into_iter()
            .chain(delays.iter().map(|d| names.retry_queue(*d)))
        {
            let _ = channel
                .queue_delete(q.as_str().into(), QueueDeleteOptions::default())
                .await;
        }
        for ex in [&names.ingest_exchange, &names.events_exchange] {
            let _ = channel
                .exchange_delete(
                    ex.as_str().into(),
                    lapin::options::ExchangeDeleteOptions::default(),
                )
                .await;
        }
        let client = store.pool().get().await?;
        client
            .batch_execute(&format!("DROP SCHEMA IF EXISTS \"{run_id}\" CASCADE"))
            .await?;
    }
    let _ = conn.close(200, "bench done".into()).await;
    anyhow::ensure!(
        done == n,
        "only {done} of {n} messages ended before the timeout"
    );
    Ok(())
}

/// CPU time by process group from `/proc`, to show where a run's CPU went.
mod cpu {
    use std::collections::HashMap;

    /// (comm, utime + stime in seconds) per pid.
    pub struct Snapshot(HashMap<u32, (String, f64)>);

    #[derive(Debug, Default)]
    pub struct Used {
        pub worker: f64,
        pub postgres: f64,
        pub rabbitmq: f64,
        pub bench: f64,
        pub other: f64,
    }

    impl Used {
        pub fn total(&self) -> f64 {
            self.worker + self.postgres + self.rabbitmq + self.bench + self.other
        }
    }

    fn ticks_per_second() -> f64 {
        // SAFETY: sysconf reads a constant of the system.
        let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        if t > 0 {
            t as f64
        } else {
            100.0
        }
    }

    /// `(comm, seconds)` of one `/proc/<pid>/stat` line.
    fn parse_stat(line: &str, tps: f64) -> Option<(String, f64)> {
        let open = line.find('(')?;
        let close = line.rfind(')')?;
        let comm = line.get(open + 1..close)?.to_owned();
        let rest: Vec<&str> = line.get(close + 2..)?.split_whitespace().collect();
        // Fields 14 and 15 (utime, stime) are the 12th and 13th after the comm.
        let utime: f64 = rest.get(11)?.parse().ok()?;
        let stime: f64 = rest.get(12)?.parse().ok()?;
        Some((comm, (utime + stime) / tps))
    }

    pub fn snapshot() -> Snapshot {
        let tps = ticks_per_second();
        let mut map = HashMap::new();
        if let Ok(dir) = std::fs::read_dir("/proc") {
            for e in dir.flatten() {
                let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                    continue;
                };
                if let Ok(line) = std::fs::read_to_string(e.path().join("stat")) {
                    if let Some(v) = parse_stat(&line, tps) {
                        map.insert(pid, v);
                    }
                }
            }
        }
        Snapshot(map)
    }

    impl Snapshot {
        /// CPU used since `before`, grouped; `worker` is the worker's pid. Processes that
        /// ended in between are not seen (the worker is still running when this is taken).
        pub fn since(&self, before: &Snapshot, worker: u32) -> Used {
            let me = std::process::id();
            let mut used = Used::default();
            for (pid, (comm, secs)) in &self.0 {
                let d = secs - before.0.get(pid).map_or(0.0, |(_, s)| *s);
                if d <= 0.0 {
                    continue;
                }
                let slot = if *pid == worker {
                    &mut used.worker
                } else if *pid == me {
                    &mut used.bench
                } else if comm == "postgres" {
                    &mut used.postgres
                } else if comm == "beam.smp" || comm == "epmd" || comm.starts_with("erl") {
                    &mut used.rabbitmq
                } else {
                    &mut used.other
                };
                *slot += d;
            }
            used
        }
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn stat_lines_with_spaces_in_the_name() {
            let line = "123 (tokio rt) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0";
            let (comm, secs) = super::parse_stat(line, 100.0).unwrap_or_default();
            assert_eq!(comm, "tokio rt");
            assert!((secs - 3.0).abs() < 1e-9, "{secs}");
        }
    }
}
