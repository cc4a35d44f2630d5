//! Issue 16 item 2: a page that kills the worker ends once, in the DLQ with reason
//! `crash_loop` and one `report.failed`, and a normal message that was in flight beside it
//! when it crashed the worker is stored, not dragged into the DLQ with it.
//!
//! Real `report-ingest worker` processes against the real RabbitMQ and PostgreSQL and a
//! local HTTP server. A supervisor loop (as Kubernetes would) restarts the worker each time
//! it dies. Two ways to die:
//! - `--fault-abort-on TEXT`: the worker aborts right after fetching a page containing
//!   TEXT (deterministic);
//! - a real memory hog: the worker runs under `RLIMIT_AS` (set in the child before exec)
//!   and the page is the 10 MiB table of tiny cells, whose extraction needs more address
//!   space than the limit leaves; the allocation fails and the process aborts.
//!
//! Both print one summary line (`--nocapture`): deaths, fetches of the poison, time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use lapin::options::BasicGetOptions;
use report_ingest::queue::names::headers;
use report_ingest::worker::crash::CRASH_LOOP_SOLO_CRASHES;
use serde_json::Value;
use support::env::TestEnv as Env;
use support::process::{WorkerOptions, WorkerProcess};

/// The text that makes a `--fault-abort-on` worker abort.
const ABORT_TEXT: &str = "CRASH-LOOP-POISON-7f3a";

/// Address-space limit of the memory-hog case. Measured on this machine (2 cores, release
/// build): the worker's address space peaks at ~155 MiB while starting (glibc reserving
/// its second arena) and ~110 MiB when idle or processing small pages; the 10 MiB table
/// page takes it to ~240 MiB. 192 MiB leaves ~40 MiB on each side.
const RLIMIT_AS_BYTES: u64 = 192 * 1024 * 1024;

/// The normal page answers after this long, so it is surely in flight (fetching) when the
/// poison page, delivered with it, kills the worker.
const NORMAL_DELAY_MS: u64 = 1500;

/// Deaths after which the test gives up (the broker's own delivery limit is 20).
const MAX_DEATHS: u32 = 15;

/// What these tests add to the shared harness: worker processes under a supervisor, and
/// draining what the broker holds.
trait CrashEnv {
    fn spawn_worker(&self, extra: &[String], rlimit_as: Option<u64>, n: u32) -> WorkerProcess;
    async fn drain_events(&self, into: &mut Vec<Value>);
    async fn drain_dead_letters(&self) -> Vec<(HashMap<String, String>, Vec<u8>)>;
}

impl CrashEnv for Env {
    /// A worker process: concurrency (and prefetch) 4, so the poison and the normal page
    /// are in flight in the same worker; with `rlimit_as`, under that address-space limit.
    fn spawn_worker(&self, extra: &[String], rlimit_as: Option<u64>, n: u32) -> WorkerProcess {
        let log = std::env::temp_dir().join(format!("{}-worker-{n}.log", self.prefix));
        let opts = WorkerOptions {
            rlimit_as,
            ..WorkerOptions::args(extra)
        }
        .env("RUST_BACKTRACE", "0")
        .log(log);
        self.spawn_worker_process(&opts)
    }

    /// Every event waiting in the test's events queue.
    async fn drain_events(&self, into: &mut Vec<Value>) {
        while let Some(m) = self
            .channel
            .basic_get(
                self.events_queue.as_str().into(),
                BasicGetOptions { no_ack: true },
            )
            .await
            .unwrap()
        {
            into.push(serde_json::from_slice(&m.delivery.data).unwrap());
        }
    }

    /// Every dead letter: (headers as text, body).
    async fn drain_dead_letters(&self) -> Vec<(HashMap<String, String>, Vec<u8>)> {
        let mut got = Vec::new();
        while let Some(m) = self
            .channel
            .basic_get(
                self.names.dlq.as_str().into(),
                BasicGetOptions { no_ack: true },
            )
            .await
            .unwrap()
        {
            let h = support::env::headers_text(&m.delivery.properties);
            got.push((h, m.delivery.data));
        }
        got
    }
}

fn of_type<'a>(events: &'a [Value], t: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["type"] == t).collect()
}

/// Serves `poison_page`, enqueues the normal page then the poison, runs workers under a supervisor until both
/// have ended, and checks that each ended once, the right way.
async fn poison_beside_a_normal_page(
    tag: &str,
    poison_page: Vec<u8>,
    extra: &[String],
    rlimit_as: Option<u64>,
) {
    let env = Env::new(tag).await;
    let poison_path = "/poison.html";
    env.server
        .add_page(poison_path, Some("text/html; charset=utf-8"), poison_page);
    let normal_path = format!("/sleep/{NORMAL_DELAY_MS}");
    let normal = env.server.url(&normal_path);
    let poison = env.server.url(poison_path);
    env.enqueue(serde_json::json!({"url": normal, "id": "normal-1"}))
        .await;

    let started = Instant::now();
    let mut deaths = 0u32;
    let mut statuses = Vec::new();
    let mut events = Vec::new();
    let mut child = env.spawn_worker(extra, rlimit_as, 0);
    // The poison goes in once the normal page is being fetched (it takes
    // NORMAL_DELAY_MS), so the first crash surely hits it in flight.
    support::eventually(
        Duration::from_secs(30),
        "the normal page in flight",
        || async { (env.server.hits(&normal_path) >= 1).then_some(()) },
    )
    .await;
    env.enqueue(serde_json::json!({"url": poison, "id": "poison-1", "meta": {"case": tag}}))
        .await;
    loop {
        match child.wait_timeout(Duration::from_millis(200)).await {
            Some(status) => {
                deaths += 1;
                statuses.push(format!("{status:?}"));
                assert!(
                    deaths <= MAX_DEATHS,
                    "the worker died {deaths} times: {statuses:?} (logs in {:?}/{}-worker-*.log)",
                    std::env::temp_dir(),
                    env.prefix
                );
                child = env.spawn_worker(extra, rlimit_as, deaths);
            }
            None => {
                env.drain_events(&mut events).await;
                let done = !of_type(&events, "report.failed").is_empty()
                    && !of_type(&events, "report.completed").is_empty();
                if done {
                    break;
                }
                assert!(
                    started.elapsed() < Duration::from_secs(180),
                    "no ending after 180 s: deaths={deaths} events={events:#?}"
                );
            }
        }
    }
    let elapsed = started.elapsed();

    // Stop the last worker cleanly: it must not have crashed after the verdict.
    let exit = child.stop(Duration::from_secs(30)).await;
    assert!(exit.success(), "exit status {exit:?}");
    env.drain_events(&mut events).await;

    // The poison: once in the DLQ, as `crash_loop`, with one `report.failed`.
    let dead = env.drain_dead_letters().await;
    assert_eq!(dead.len(), 1, "exactly one dead letter: {dead:?}");
    let (h, body) = &dead[0];
    assert!(h[headers::REASON].starts_with("crash_loop"), "{h:?}");
    let original: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(original["id"], "poison-1");
    let failed = of_type(&events, "report.failed");
    assert_eq!(failed.len(), 1, "{events:#?}");
    let f = &failed[0]["data"];
    assert_eq!(f["reason"], "crash_loop", "{f:#}");
    assert_eq!(f["id"], "poison-1");
    assert_eq!(f["meta"]["case"], tag);
    assert_eq!(failed[0]["subject"], poison.as_str());
    assert_eq!(env.report_rows(&poison).await, 0, "no row for the poison");

    // The normal page: stored once, one `report.completed`, after being in flight beside
    // the first crash (so it was fetched at least twice).
    let completed = of_type(&events, "report.completed");
    assert_eq!(completed.len(), 1, "{events:#?}");
    assert_eq!(completed[0]["data"]["id"], "normal-1");
    assert_eq!(completed[0]["data"]["url"], normal.as_str());
    assert_eq!(env.report_rows(&normal).await, 1);
    assert_eq!(events.len(), 2, "no other event: {events:#?}");
    let normal_fetches = env.server.hits(&normal_path);
    assert!(
        normal_fetches >= 2,
        "the normal page was in flight when the worker first died ({normal_fetches} fetches)"
    );

    // Nothing lost, nothing left.
    assert_eq!(support::queue_depth(&env.channel, &env.names.urls).await, 0);
    for d in &support::worker_args().retry_delays {
        assert_eq!(
            support::queue_depth(&env.channel, &env.names.retry_queue(*d)).await,
            0
        );
    }

    // The poison crashed a worker on every delivery but the last, which was judged
    // without fetching: one fetch per death. At least the solo crashes the verdict needs.
    let poison_fetches = env.server.hits(poison_path) as u32;
    assert_eq!(
        poison_fetches, deaths,
        "one fetch per death, none for the verdict"
    );
    assert!(
        deaths >= CRASH_LOOP_SOLO_CRASHES as u32,
        "deaths={deaths} {statuses:?}"
    );
    // The crash bookkeeping is empty again.
    let left: i64 = env
        .pg
        .query_one(
            &format!(
                "SELECT (SELECT count(*) FROM \"{0}\".in_flight) + (SELECT count(*) FROM \"{0}\".crash_counts)",
                env.prefix
            ),
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(left, 0, "markers or crash counts left behind");
    println!(
        "crash_loop[{tag}]: deaths={deaths} poison_fetches={poison_fetches} normal_fetches={normal_fetches} \
         dead_letters=1 report.failed=1 (reason crash_loop) report.completed=1 lost=0 \
         detail={:?} statuses={statuses:?} elapsed={:.1}s",
        f["detail"],
        elapsed.as_secs_f64()
    );
    env.teardown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_aborting_page_ends_once_as_crash_loop_and_spares_its_neighbour() {
    let page = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>某县工作总结</title></head>\
         <body><p>{ABORT_TEXT}</p><p>全年投入资金约10万元。</p></body></html>"
    );
    let extra = [format!("--fault-abort-on={ABORT_TEXT}")];
    poison_beside_a_normal_page("crash_abort", page.into_bytes(), &extra, None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_memory_hog_under_rlimit_as_ends_once_as_crash_loop_and_spares_its_neighbour() {
    poison_beside_a_normal_page("crash_rlimit", td_table(), &[], Some(RLIMIT_AS_BYTES)).await;
}

/// The 10 MiB table of `<td>1万元</td>` cells of `scripts/hostile/gen.py` (issue 16 item 1).
fn td_table() -> Vec<u8> {
    const CAP: usize = 10 * 1024 * 1024;
    let head = "<html><head><meta charset=\"utf-8\"><title>hostile</title></head><body><table>";
    let tail = "</table></body></html>";
    let row = format!("<tr>{}</tr>", "<td>1万元</td>".repeat(20));
    let n = (CAP - 200) / row.len();
    let mut s = String::with_capacity(CAP);
    s.push_str(head);
    for _ in 0..n {
        s.push_str(&row);
    }
    s.push_str(tail);
    s.into_bytes()
}
