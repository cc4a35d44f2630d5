//! `migrate` waits for a database that is not up yet (compose without health gating, a
//! plain `docker run`, a Kubernetes Job) with bounded, logged retries, and gives up with a
//! clear error when the wait is spent; `enqueue` waits for the broker the same way (a
//! container network that reloads its DNS while a new container joins fails a lookup for a
//! moment). Real PostgreSQL and RabbitMQ behind a port that starts listening late.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::net::{TcpListener, TcpStream};

/// A local port nobody listens on (bound, then released).
async fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap().port()
}

fn migrate(port: u16, schema: &str, wait: u64) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_report-ingest"));
    cmd.args(["migrate", "--db-only", "--startup-wait", &wait.to_string()])
        .env(
            "DATABASE_URL",
            format!("postgres://postgres@127.0.0.1:{port}/postgres"),
        )
        .env("REPORT_INGEST_DB_SCHEMA", schema)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

/// Waits (at most 60 s) for `child` to exit; its status, stdout and stderr.
async fn finish(
    child: tokio::process::Child,
    timeout_msg: &str,
) -> (std::process::ExitStatus, String, String) {
    let out = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect(timeout_msg)
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status, text(&out.stdout), text(&out.stderr))
}

/// After `delay`, forwards connections on `port` to the real service on `target`.
async fn forward_later(port: u16, target: u16, delay: Duration) -> tokio::task::JoinHandle<()> {
    tokio::time::sleep(delay).await;
    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut inbound, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                if let Ok(mut out) = TcpStream::connect(("127.0.0.1", target)).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut out).await;
                }
            });
        }
    })
}

#[tokio::test]
async fn migrate_waits_for_a_database_that_comes_up_late() {
    let port = free_port().await;
    let schema = support::unique("t_startup");
    let child = migrate(port, &schema, 60).spawn().unwrap();
    // The database "starts" 2 s later: a forwarder to the real one appears on the port.
    let forward = forward_later(port, 5432, Duration::from_secs(2)).await;
    let (status, _, err) = finish(child, "migrate did not finish once the database was up").await;
    forward.abort();
    assert!(status.success(), "migrate failed: {err}");
    assert!(
        err.contains("Service not ready; retrying."),
        "each failed try is logged: {err}"
    );
}

#[tokio::test]
async fn migrate_gives_up_when_the_wait_is_spent() {
    let port = free_port().await;
    let schema = support::unique("t_startup");
    let start = Instant::now();
    let out = tokio::time::timeout(Duration::from_secs(60), migrate(port, &schema, 2).output())
        .await
        .expect("migrate kept waiting past its budget")
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "migrate succeeded without a database"
    );
    assert!(
        err.contains("waited up to 2s"),
        "the error says how long it waited: {err}"
    );
    assert!(
        start.elapsed() >= Duration::from_millis(1500),
        "gave up before trying for its budget: {:?}",
        start.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enqueue_waits_for_a_broker_that_comes_up_late() {
    let port = free_port().await;
    let prefix = support::unique("t_startup");
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_report-ingest"))
        .args(["enqueue", "--prefix", &prefix, "--startup-wait", "60"])
        .args([
            "--amqp-url",
            &format!("amqp://guest:guest@127.0.0.1:{port}/%2f"),
        ])
        .args(["https://example.org/a.html", "https://example.org/b.html"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let forward = forward_later(port, 5672, Duration::from_secs(2)).await;
    let (status, out, err) = finish(child, "enqueue did not finish once the broker was up").await;
    forward.abort();
    assert!(status.success(), "enqueue failed: {err}");
    assert!(out.contains("confirmed 2 of 2"), "{out}");
    assert!(
        err.contains("Service not ready; retrying."),
        "each failed try is logged: {err}"
    );
    // Exactly the two messages are in the queue: the failed tries published nothing.
    let names = report_ingest::queue::Names::new(&prefix);
    let conn = report_ingest::queue::connect(&support::broker_args(&prefix))
        .await
        .unwrap();
    let ch = conn.create_channel().await.unwrap();
    assert_eq!(support::queue_depth(&ch, &names.urls).await, 2);
    support::delete_topology(&ch, &names, support::DEFAULT_RETRY_DELAYS, &[]).await;
    let _ = conn.close(200, "test done".into()).await;
}
