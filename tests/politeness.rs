//! Fleet-wide politeness against the real PostgreSQL: two `Politeness` instances with
//! separate pools (as two worker processes would have) share one host's budget.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use report_ingest::config::PolitenessArgs;
use report_ingest::politeness::Politeness;
use report_ingest::store::Store;
use support::process::WorkerOptions;

fn args(rate: f64, concurrency: u32, budgets: &[&str]) -> PolitenessArgs {
    PolitenessArgs {
        host_rate: rate,
        host_concurrency: concurrency,
        host_budgets: budgets.iter().map(|s| s.to_string()).collect(),
        ..support::politeness_args()
    }
}

/// A migrated schema and `n` stores with their own pools on it.
async fn stores(tag: &str, n: usize) -> Vec<Store> {
    let (first, schema) = support::migrated_store(tag).await;
    let mut out = vec![first];
    for _ in 1..n {
        out.push(Store::connect(&support::db_args(&schema)).await.unwrap());
    }
    out
}

/// Live leases and the most ever seen, counted on the test's side: incremented after a
/// grant, decremented before the release, so it never exceeds what the database holds.
#[derive(Default)]
struct Gauge {
    now: AtomicI64,
    max: AtomicI64,
}

impl Gauge {
    fn up(&self) {
        let v = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(v, Ordering::SeqCst);
    }
    fn down(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Hammers `host` from `tasks_per_instance` tasks on each instance for `run_for`; each grant
/// holds its permit for `hold(i)`. Returns the grant times (since start) and the gauge.
async fn hammer(
    instances: &[Politeness],
    host: &str,
    tasks_per_instance: usize,
    run_for: Duration,
    hold: fn(usize) -> Duration,
) -> (Vec<Duration>, Arc<Gauge>) {
    let start = Instant::now();
    let gauge = Arc::new(Gauge::default());
    let counter = Arc::new(AtomicUsize::new(0));
    let grants = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut handles = Vec::new();
    for p in instances {
        for _ in 0..tasks_per_instance {
            let p = p.clone();
            let host = host.to_owned();
            let gauge = gauge.clone();
            let counter = counter.clone();
            let grants = grants.clone();
            handles.push(tokio::spawn(async move {
                while start.elapsed() < run_for {
                    match p.acquire(&host, None).await.unwrap() {
                        Ok(permit) => {
                            let at = start.elapsed();
                            if at >= run_for {
                                permit.release().await;
                                break;
                            }
                            gauge.up();
                            grants.lock().unwrap().push(at);
                            let i = counter.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(hold(i)).await;
                            gauge.down();
                            permit.release().await;
                        }
                        Err(wait) => {
                            tokio::time::sleep(wait.max(Duration::from_millis(2))).await;
                        }
                    }
                }
            }));
        }
    }
    for h in handles {
        h.await.unwrap();
    }
    let mut g = grants.lock().unwrap().clone();
    g.sort();
    (g, gauge)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_share_rate_and_concurrency() {
    let s = stores("polite", 2).await;
    let a = Politeness::new(&s[0], &args(5.0, 2, &[]));
    let b = Politeness::new(&s[1], &args(5.0, 2, &[]));
    let run_for = Duration::from_secs(4);
    // Holds of 100..500 ms: on average well under 2/5 s, so the rate is what binds, but
    // long enough that a third concurrent fetch would often be wanted.
    let (grants, gauge) = hammer(&[a.clone(), b], "Shared.Example", 4, run_for, |i| {
        Duration::from_millis(100 + (i as u64 * 137) % 400)
    })
    .await;
    let n = grants.len();
    let rate = n as f64 / run_for.as_secs_f64();
    eprintln!(
        "politeness: {n} grants in {run_for:?} = {rate:.2}/s (budget 5/s), max concurrent {}",
        gauge.max.load(Ordering::SeqCst)
    );
    assert!(n <= 5 * 4 + 1, "{n} grants exceed the budget");
    assert!(n as f64 >= 5.0 * 4.0 * 0.8, "{n} grants: budget underused");
    assert!(gauge.max.load(Ordering::SeqCst) <= 2);
    // Every 1-second window holds at most R + 1 grants (no burst anywhere).
    for (i, t) in grants.iter().enumerate() {
        let in_window = grants[i..]
            .iter()
            .take_while(|u| **u < *t + Duration::from_secs(1))
            .count();
        assert!(in_window <= 6, "{in_window} grants within 1 s from {t:?}");
    }
    // All released: nothing left in flight.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(a.leases("shared.example").await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrency_cap_holds_across_instances() {
    let s = stores("polite_conc", 2).await;
    // Rate effectively unlimited; 2 concurrent fetches; each holds 200 ms.
    let a = Politeness::new(&s[0], &args(10_000.0, 2, &[]));
    let b = Politeness::new(&s[1], &args(10_000.0, 2, &[]));
    let run_for = Duration::from_secs(2);
    let (grants, gauge) = hammer(&[a, b], "busy.example", 4, run_for, |_| {
        Duration::from_millis(200)
    })
    .await;
    let max = gauge.max.load(Ordering::SeqCst);
    eprintln!(
        "concurrency: {} grants in {run_for:?}, max concurrent {max} (budget 2)",
        grants.len()
    );
    assert_eq!(max, 2, "the cap is reached but never exceeded");
    // 2 slots × 2 s / 0.2 s = 20 fetches at most; polling delays cost a few.
    assert!(
        grants.len() <= 20 + 2 && grants.len() >= 14,
        "{}",
        grants.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreleased_lease_expires() {
    let s = stores("polite_ttl", 2).await;
    let ttl = Duration::from_millis(800);
    let dead = Politeness::new(&s[0], &args(1000.0, 1, &[])).with_lease_ttl(ttl);
    let live = Politeness::new(&s[1], &args(1000.0, 1, &[]));
    // A worker takes the only slot and dies without releasing it.
    let permit = dead.acquire("lease.example", None).await.unwrap().unwrap();
    permit.abandon();
    assert_eq!(live.leases("lease.example").await.unwrap(), 1);
    let refused_at = Instant::now();
    let wait = live
        .acquire("lease.example", None)
        .await
        .unwrap()
        .expect_err("the slot is taken");
    assert!(wait <= ttl, "{wait:?}");
    // Once the lease expires, the other instance gets the slot.
    let got = support::eventually(Duration::from_secs(5), "the lease to expire", || async {
        live.acquire("lease.example", None).await.unwrap().ok()
    })
    .await;
    let waited = refused_at.elapsed();
    assert!(
        waited >= ttl - Duration::from_millis(300),
        "freed after {waited:?}"
    );
    got.release().await;
    assert_eq!(live.leases("lease.example").await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_permit_is_released_in_the_background() {
    let s = stores("polite_drop", 1).await;
    let p = Politeness::new(&s[0], &args(1000.0, 1, &[]));
    let permit = p.acquire("drop.example", None).await.unwrap().unwrap();
    drop(permit);
    support::eventually(
        Duration::from_secs(3),
        "the dropped lease to go",
        || async { (p.leases("drop.example").await.unwrap() == 0).then_some(()) },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overrides_and_crawl_delay_slow_a_host_down() {
    let s = stores("polite_over", 1).await;
    let p = Politeness::new(
        &s[0],
        &args(1000.0, 10, &["slow.example=2:1", ".gov.example=4"]),
    );
    assert_eq!(p.budget_for("SLOW.example").rate, 2.0);
    assert_eq!(p.budget_for("a.b.gov.example").rate, 4.0);
    assert_eq!(p.budget_for("gov.example").rate, 4.0);
    assert_eq!(p.budget_for("other.example").rate, 1000.0);

    // slow.example: 2/s → the second request must wait about 0.5 s.
    let first = p.acquire("slow.example", None).await.unwrap().unwrap();
    first.release().await;
    let wait = p.acquire("slow.example", None).await.unwrap().unwrap_err();
    assert!(
        wait > Duration::from_millis(400) && wait <= Duration::from_millis(500),
        "{wait:?}"
    );

    // Crawl-delay 1.5 s on a 1000/s host: the next request waits about 1.5 s.
    let delay = Some(Duration::from_millis(1500));
    p.acquire("robots.example", delay)
        .await
        .unwrap()
        .unwrap()
        .release()
        .await;
    let wait = p
        .acquire("robots.example", delay)
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        wait > Duration::from_millis(1300) && wait <= Duration::from_millis(1500),
        "{wait:?}"
    );

    // acquire_within gives up at once when the wait exceeds the in-process limit, and
    // waits when it does not.
    let (r, waited) = p
        .acquire_within("robots.example", delay, Duration::from_millis(100))
        .await
        .unwrap();
    assert!(r.is_err() && waited < Duration::from_millis(100));
    let (r, waited) = p
        .acquire_within("slow.example", None, Duration::from_secs(2))
        .await
        .unwrap();
    assert!(r.is_ok(), "granted within the limit");
    assert!(waited > Duration::from_millis(300), "{waited:?}");
}

/// The end-to-end check: two `report-ingest worker` processes (separate pools,
/// each with 8 concurrent slots) share one local host at 5 requests/s and 2 concurrent
/// fetches. The budget is measured where it matters: at the HTTP server.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_worker_processes_stay_within_the_host_budget() {
    const N: usize = 30;
    const RATE: f64 = 5.0;
    let server = support::http::TestServer::start().await;
    let prefix = support::unique("polite_e2e");
    let names = report_ingest::queue::Names::new(&prefix);
    let conn = report_ingest::queue::connect(&support::broker_args(&prefix))
        .await
        .unwrap();
    let ch = conn.create_channel().await.unwrap();
    report_ingest::queue::declare(&ch, &names, &[1, 2])
        .await
        .unwrap();

    let opts = WorkerOptions::args(&[
        "--allow-private",
        "--ignore-robots",
        "--host-rate",
        "5",
        "--host-concurrency",
        "2",
        "--retry-delays",
        "1,2",
        "--concurrency",
        "8",
    ])
    .env("AMQP_URL", support::AMQP_URL)
    .env("DATABASE_URL", support::DATABASE_URL)
    .env("REPORT_INGEST_PREFIX", &prefix)
    .env("REPORT_INGEST_DB_SCHEMA", &prefix);
    let mut workers = [
        support::process::spawn(&[], &opts),
        support::process::spawn(&[], &opts),
    ];

    // Each fetch takes 300 ms at the server: 5/s needs 1.5 fetches in flight on average,
    // and 16 worker slots would happily run 16 at once without the budget.
    let publisher = report_ingest::queue::Publisher::new(&conn).await.unwrap();
    let bodies: Vec<String> = (0..N)
        .map(|i| {
            serde_json::json!({"url": server.url(&format!("/sleep/300?n={i}")), "force": true})
                .to_string()
        })
        .collect();
    publisher
        .publish_many(
            "",
            &names.urls,
            bodies.iter().map(|b| b.as_bytes()),
            lapin::BasicProperties::default().with_content_type("application/json".into()),
            64,
        )
        .await
        .unwrap();

    support::eventually(Duration::from_secs(60), "every URL fetched", || async {
        (server.hits("/sleep/300") >= N).then_some(())
    })
    .await;
    for w in &mut workers {
        w.start_kill();
    }

    let times = server.hit_times("/sleep/300");
    let span = times[times.len() - 1]
        .duration_since(times[0])
        .as_secs_f64();
    let rate = (times.len() - 1) as f64 / span;
    let max_in_flight = server.max_in_flight("/sleep/300");
    let max_per_second = times
        .iter()
        .enumerate()
        .map(|(i, t)| {
            times[i..]
                .iter()
                .take_while(|u| u.duration_since(*t) < Duration::from_secs(1))
                .count()
        })
        .max()
        .unwrap();
    eprintln!(
        "two workers: {} fetches in {span:.2} s = {rate:.2}/s (budget {RATE}/s), \
         max {max_per_second} in any 1 s, max {max_in_flight} in flight (budget 2)",
        times.len()
    );
    assert!(rate <= RATE * 1.05, "{rate:.2}/s over the budget");
    assert!(rate >= RATE * 0.8, "{rate:.2}/s: budget underused");
    assert!(
        max_per_second <= RATE as usize + 1,
        "{max_per_second} in 1 s"
    );
    assert!(max_in_flight <= 2, "{max_in_flight} concurrent fetches");
    for w in &mut workers {
        w.kill().await;
    }
    support::delete_topology(&ch, &names, &[1, 2], &[]).await;
    let _ = conn.close(200, "test done".into()).await;
}
