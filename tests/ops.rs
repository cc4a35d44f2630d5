//! Operator commands against the real RabbitMQ, through the built binary: `dlq list`,
//! `dlq requeue`, `dlq purge`, `events tail`. Each test uses its own broker prefix.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::process::Stdio;
use std::time::Duration;

use chrono::Utc;
use lapin::options::{BasicGetOptions, ConfirmSelectOptions};
use lapin::{BasicProperties, Channel, Connection};
use report_ingest::queue::consumer::{header_str, header_table, header_u64};
use report_ingest::queue::names::headers;
use report_ingest::queue::{self, Names, Publisher};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

const BIN: &str = env!("CARGO_BIN_EXE_report-ingest");

/// A fresh prefix with its topology declared.
async fn setup(tag: &str) -> (Names, Connection, Channel) {
    let prefix = support::unique(tag);
    let names = Names::new(&prefix);
    let conn = queue::connect(&support::broker_args(&prefix))
        .await
        .unwrap();
    let ch = conn.create_channel().await.unwrap();
    queue::declare(&ch, &names, &[1]).await.unwrap();
    (names, conn, ch)
}

/// Runs the binary with the broker settings of `names`; returns (exit ok, stdout, stderr).
async fn run(names: &Names, args: &[&str]) -> (bool, String, String) {
    let out = tokio::process::Command::new(BIN)
        .args(args)
        .env("AMQP_URL", support::AMQP_URL)
        .env("REPORT_INGEST_PREFIX", &names.prefix)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn depth(ch: &Channel, queue: &str) -> u32 {
    support::queue_depth(ch, queue).await
}

/// One dead letter as the worker writes it: JSON body, reason/attempts/host/time headers.
struct Dead {
    url: &'static str,
    host: &'static str,
    reason: &'static str,
    hours_ago: i64,
}

const DEAD: &[Dead] = &[
    Dead {
        url: "https://a.example/1",
        host: "a.example",
        reason: "http_404: Not Found",
        hours_ago: 0,
    },
    Dead {
        url: "https://a.example/2",
        host: "a.example",
        reason: "http_404: Not Found",
        hours_ago: 0,
    },
    Dead {
        url: "https://a.example/3",
        host: "a.example",
        reason: "timeout: no response in 30s",
        hours_ago: 5,
    },
    Dead {
        url: "https://b.example/1",
        host: "b.example",
        reason: "http_404: Not Found",
        hours_ago: 0,
    },
    Dead {
        url: "https://b.example/2",
        host: "b.example",
        reason: "http_5xx: 503",
        hours_ago: 5,
    },
    Dead {
        url: "https://c.example/1",
        host: "c.example",
        reason: "robots: disallowed",
        hours_ago: 0,
    },
];

async fn put_dead_letters(conn: &Connection, names: &Names) {
    let publisher = Publisher::new(conn).await.unwrap();
    for (i, d) in DEAD.iter().enumerate() {
        let when = (Utc::now() - chrono::Duration::hours(d.hours_ago)).to_rfc3339();
        let props = BasicProperties::default()
            .with_content_type("application/json".into())
            .with_message_id(format!("m{i}").into())
            .with_headers(header_table(
                &[
                    (headers::HOST, d.host),
                    (headers::REASON, d.reason),
                    (headers::FIRST_FAILURE, &when),
                    (headers::LAST_FAILURE, &when),
                ],
                &[(headers::ATTEMPTS, 5)],
            ));
        let body = serde_json::json!({"url": d.url, "id": format!("caller-{i}")}).to_string();
        publisher
            .publish("", &names.dlq, body.as_bytes(), props)
            .await
            .unwrap();
    }
}

fn group<'a>(listing: &'a Value, host: &str, reason: &str) -> Option<&'a Value> {
    listing["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["host"] == host && g["reason"] == reason)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dlq_list_groups_by_host_and_reason_and_keeps_everything() {
    let (names, conn, ch) = setup("ops_list").await;
    put_dead_letters(&conn, &names).await;
    assert_eq!(depth(&ch, &names.dlq).await, 6);

    let (ok, out, err) = run(&names, &["dlq", "list", "--json"]).await;
    assert!(ok, "{err}");
    let listing: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(listing["scanned"], 6);
    let groups = listing["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 5, "{listing:#}");
    let a404 = group(&listing, "a.example", "http_404").unwrap();
    assert_eq!(a404["count"], 2);
    let mut ex: Vec<&str> = a404["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    ex.sort();
    assert_eq!(ex, ["https://a.example/1", "https://a.example/2"]);
    // The largest groups come first.
    assert_eq!(groups[0]["count"], 2);
    for (host, reason) in [
        ("a.example", "timeout"),
        ("b.example", "http_404"),
        ("b.example", "http_5xx"),
        ("c.example", "robots"),
    ] {
        let g =
            group(&listing, host, reason).unwrap_or_else(|| panic!("{host} {reason}: {listing:#}"));
        assert_eq!(g["count"], 1);
    }

    // Listing read every message and handed every one back.
    support::eventually(Duration::from_secs(5), "all 6 back in the DLQ", || async {
        (depth(&ch, &names.dlq).await == 6).then_some(())
    })
    .await;
    // A second listing sees the same.
    let (ok, out, _) = run(&names, &["dlq", "list"]).await;
    assert!(ok);
    assert!(out.contains("6 dead letters"), "{out}");
    assert!(
        out.contains("a.example") && out.contains("http_404"),
        "{out}"
    );
    support::delete_topology(&ch, &names, &[1], &[]).await;
    drop(conn);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dlq_requeue_moves_only_the_selection_with_attempts_reset() {
    let (names, conn, ch) = setup("ops_requeue").await;
    put_dead_letters(&conn, &names).await;

    // Nothing selected: refused, nothing moved.
    let (ok, _, err) = run(&names, &["dlq", "requeue"]).await;
    assert!(!ok && err.contains("nothing selected"), "{err}");
    assert_eq!(depth(&ch, &names.urls).await, 0);

    let (ok, out, err) = run(
        &names,
        &["dlq", "requeue", "--reason", "http_404", "--json"],
    )
    .await;
    assert!(ok, "{err}");
    let outcome: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(
        (
            outcome["scanned"].as_u64(),
            outcome["requeued"].as_u64(),
            outcome["kept"].as_u64()
        ),
        (Some(6), Some(3), Some(3)),
        "{outcome}"
    );

    support::eventually(Duration::from_secs(5), "3 left in the DLQ", || async {
        (depth(&ch, &names.dlq).await == 3).then_some(())
    })
    .await;
    assert_eq!(depth(&ch, &names.urls).await, 3);

    // The copies in the URL queue: same bodies, attempts 0, x-ri-requeued set, reason gone.
    let mut urls = Vec::new();
    while let Some(m) = ch
        .basic_get(names.urls.as_str().into(), BasicGetOptions { no_ack: true })
        .await
        .unwrap()
    {
        let p = &m.delivery.properties;
        assert_eq!(header_u64(p, headers::ATTEMPTS), Some(0));
        let requeued = header_str(p, headers::REQUEUED).expect("x-ri-requeued");
        let t = chrono::DateTime::parse_from_rfc3339(&requeued).unwrap();
        assert!((Utc::now() - t.with_timezone(&Utc)).num_seconds().abs() < 60);
        assert!(header_str(p, headers::REASON).is_none());
        assert!(header_str(p, headers::HOST).is_some());
        assert_eq!(
            p.content_type().as_ref().map(|c| c.as_str()),
            Some("application/json")
        );
        let body: Value = serde_json::from_slice(&m.delivery.data).unwrap();
        assert!(body["id"].as_str().unwrap().starts_with("caller-"));
        urls.push(body["url"].as_str().unwrap().to_owned());
    }
    urls.sort();
    assert_eq!(
        urls,
        [
            "https://a.example/1",
            "https://a.example/2",
            "https://b.example/1"
        ]
    );

    // By age: of the 3 left, 2 died 5 h ago (timeout, http_5xx), 1 just now (robots).
    let (ok, out, err) = run(&names, &["dlq", "requeue", "--older-than", "1h"]).await;
    assert!(ok, "{err}");
    assert!(out.contains("requeued 2"), "{out}");
    // By host, on what is left: only c.example remains.
    let (ok, out, err) = run(&names, &["dlq", "requeue", "--host", "nobody.example"]).await;
    assert!(ok, "{err}");
    assert!(
        out.contains("requeued 0") && out.contains("kept 1"),
        "{out}"
    );
    support::eventually(Duration::from_secs(5), "1 left in the DLQ", || async {
        (depth(&ch, &names.dlq).await == 1).then_some(())
    })
    .await;
    assert_eq!(depth(&ch, &names.urls).await, 2);
    let (_, out, _) = run(&names, &["dlq", "list", "--json"]).await;
    let listing: Value = serde_json::from_str(out.trim()).unwrap();
    assert!(
        group(&listing, "c.example", "robots").is_some(),
        "{listing}"
    );
    support::delete_topology(&ch, &names, &[1], &[]).await;
    drop(conn);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dlq_purge_requires_the_flag() {
    let (names, conn, ch) = setup("ops_purge").await;
    put_dead_letters(&conn, &names).await;
    let (ok, _, err) = run(&names, &["dlq", "purge"]).await;
    assert!(!ok, "purge without --yes-really must fail");
    assert!(err.contains("--yes-really"), "{err}");
    assert_eq!(depth(&ch, &names.dlq).await, 6);
    let (ok, out, err) = run(&names, &["dlq", "purge", "--yes-really"]).await;
    assert!(ok, "{err}");
    assert!(out.contains("purged 6"), "{out}");
    assert_eq!(depth(&ch, &names.dlq).await, 0);
    support::delete_topology(&ch, &names, &[1], &[]).await;
    drop(conn);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dlq_commands_on_a_missing_queue_fail_cleanly() {
    let names = Names::new(&support::unique("ops_missing"));
    let (ok, _, err) = run(&names, &["dlq", "list"]).await;
    assert!(!ok);
    assert!(err.contains("does not exist"), "{err}");
}

/// Starts `events tail` with `args` and waits until its queue is bound (its stderr says so).
async fn start_tail(names: &Names, args: &[&str]) -> tokio::process::Child {
    let mut child = tokio::process::Command::new(BIN)
        .arg("events")
        .arg("tail")
        .args(args)
        .env("AMQP_URL", support::AMQP_URL)
        .env("REPORT_INGEST_PREFIX", &names.prefix)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let ready = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if line.starts_with("tailing ") {
                return true;
            }
        }
        false
    })
    .await
    .unwrap_or(false);
    assert!(ready, "events tail did not bind its queue");
    child
}

fn event(kind: &str, n: usize) -> Vec<u8> {
    serde_json::json!({
        "specversion": "1.0",
        "id": format!("ev-{kind}-{n}"),
        "source": "report-ingest",
        "type": kind,
        "time": "2026-01-01T00:00:00Z",
        "subject": format!("https://tail.example/{n}"),
        "datacontenttype": "application/json",
        "data": {"url": format!("https://tail.example/{n}"), "title": format!("Report\n{n}"), "reason": "http_404"}
    })
    .to_string()
    .into_bytes()
}

async fn publish_events(conn: &Connection, names: &Names, events: &[(&str, usize)]) {
    let ch = conn.create_channel().await.unwrap();
    ch.confirm_select(ConfirmSelectOptions::default())
        .await
        .unwrap();
    for (kind, n) in events {
        ch.basic_publish(
            names.events_exchange.as_str().into(),
            (*kind).into(),
            Default::default(),
            &event(kind, *n),
            BasicProperties::default().with_content_type("application/cloudevents+json".into()),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_tail_prints_json_lines_and_pretty_lines() {
    let (names, conn, ch) = setup("ops_tail").await;
    let all = start_tail(&names, &["--json", "--count", "3"]).await;
    let failed_only = start_tail(&names, &["--pattern", "report.failed", "--count", "1"]).await;
    let idle = start_tail(&names, &["--pattern", "report.changed", "--timeout", "1"]).await;

    publish_events(
        &conn,
        &names,
        &[
            ("report.completed", 1),
            ("report.failed", 2),
            ("report.completed", 3),
            ("report.completed", 4),
        ],
    )
    .await;

    let out = tokio::time::timeout(Duration::from_secs(20), all.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    let ids: Vec<String> = lines
        .iter()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        ids,
        [
            "ev-report.completed-1",
            "ev-report.failed-2",
            "ev-report.completed-3"
        ]
    );

    let out = tokio::time::timeout(Duration::from_secs(20), failed_only.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout.trim_end(),
        "2026-01-01T00:00:00Z report.failed    https://tail.example/2 \"Report 2\" reason=http_404"
    );

    // No report.changed arrives: the idle timeout ends the tail with nothing printed.
    let out = tokio::time::timeout(Duration::from_secs(20), idle.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty());

    support::delete_topology(&ch, &names, &[1], &[]).await;
    drop(conn);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_tail_on_a_durable_queue_resumes_without_gaps() {
    let (names, conn, ch) = setup("ops_tail_durable").await;
    let q = format!("{}.tail-test", names.prefix);
    let first = start_tail(&names, &["--json", "--queue", &q, "--count", "1"]).await;
    publish_events(
        &conn,
        &names,
        &[
            ("report.completed", 1),
            ("report.completed", 2),
            ("report.completed", 3),
        ],
    )
    .await;
    let out = tokio::time::timeout(Duration::from_secs(20), first.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 1);
    // The two not printed stayed in the durable queue; the next tail gets them.
    let out = run(
        &names,
        &["events", "tail", "--json", "--queue", &q, "--count", "2"],
    )
    .await;
    assert!(out.0, "{}", out.2);
    let ids: Vec<String> = out
        .1
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(ids, ["ev-report.completed-2", "ev-report.completed-3"]);
    ch.queue_delete(q.as_str().into(), Default::default())
        .await
        .unwrap();
    support::delete_topology(&ch, &names, &[1], &[]).await;
    drop(conn);
}
