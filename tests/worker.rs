//! The worker end to end against the real RabbitMQ and PostgreSQL on 127.0.0.1 and a real
//! local HTTP server: rows, events (read from a queue bound to the events exchange) and
//! dead letters are asserted, not just outcomes. Each test has its own prefix and schema.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use lapin::options::{BasicGetOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable};
use lapin::BasicProperties;
use report_ingest::queue::names::headers;
use serde_json::Value;
use support::env::TestEnv as Env;
use support::process::WorkerOptions;

const PAGE_UTF8: &[u8] = include_bytes!("../examples/pages/utf8-2023-yiyuan-gongzuo-zongjie.html");
const PAGE_GBK: &[u8] = include_bytes!("../examples/pages/gbk-2024-jiedao-gongzuo-jihua.html");

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stores_a_page_and_emits_a_complete_event_then_unchanged_on_repeat() {
    let env = Env::new("w_store").await;
    env.server.add_page(
        "/r/summary.html",
        Some("text/html; charset=utf-8"),
        PAGE_UTF8,
    );
    env.server
        .add_page("/r/plan.html", Some("text/html"), PAGE_GBK);
    let w = env.start_worker();
    let url = env.server.url("/r/summary.html");
    env.enqueue(serde_json::json!({"url": url, "id": "caller-1", "meta": {"batch": 7}}))
        .await;
    let ev = env.events(1, Duration::from_secs(30)).await.remove(0);
    assert_eq!(ev["specversion"], "1.0");
    assert_eq!(ev["type"], "report.completed");
    assert_eq!(ev["subject"], url.as_str());
    let d = &ev["data"];
    for field in [
        "report_id",
        "url",
        "final_url",
        "title",
        "doc_type",
        "published",
        "article_count",
        "figure_count",
        "content_sha256",
        "extractor_version",
    ] {
        assert!(d.get(field).is_some(), "data.{field} missing: {d:#}");
    }
    assert_eq!(d["url"], url.as_str());
    assert_eq!(d["final_url"], url.as_str());
    assert_eq!(d["id"], "caller-1");
    assert_eq!(d["meta"], serde_json::json!({"batch": 7}));
    assert_eq!(d["unchanged"], false);
    assert!(d["article_count"].as_u64().unwrap() >= 1);
    assert_eq!(d["content_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(env.report_rows(&url).await, 1);

    // The stored row carries the page: raw bytes, status, the report JSON.
    let row = env
        .pg
        .query_one(
            &format!(
                "SELECT id, http_status, content_sha256, updated_at::text FROM \"{}\".reports WHERE url = $1",
                env.prefix
            ),
            &[&url],
        )
        .await
        .unwrap();
    let (id, status, sha, updated): (i64, i32, String, String) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    assert_eq!(id, d["report_id"].as_i64().unwrap());
    assert_eq!(status, 200);
    assert_eq!(sha, d["content_sha256"].as_str().unwrap());

    // Same URL, same content: no row changes, the event says unchanged, same event id.
    env.enqueue(serde_json::json!({"url": url})).await;
    let ev2 = env.events(1, Duration::from_secs(30)).await.remove(0);
    assert_eq!(ev2["type"], "report.completed");
    assert_eq!(ev2["data"]["unchanged"], true);
    assert_eq!(ev2["id"], ev["id"], "event id is deterministic");
    assert_eq!(env.report_rows(&url).await, 1);
    let updated2: String = env
        .pg
        .query_one(
            &format!(
                "SELECT updated_at::text FROM \"{}\".reports WHERE url = $1",
                env.prefix
            ),
            &[&url],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        updated, updated2,
        "an unchanged page must not touch the row"
    );

    // A GBK page with no charset in the header is stored too, as a bare-URL message.
    let gbk = env.server.url("/r/plan.html");
    env.publish_raw(gbk.as_bytes()).await;
    let ev3 = env.events(1, Duration::from_secs(30)).await.remove(0);
    assert_eq!(ev3["type"], "report.completed", "{ev3:#}");
    assert_eq!(env.report_rows(&gbk).await, 1);
    assert_eq!(env.queue_len(&env.names.urls).await, 0);
    assert_eq!(env.queue_len(&env.names.dlq).await, 0);
    w.stop().await;
    env.teardown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_500_then_200_is_stored_after_a_retry() {
    let env = Env::new("w_flaky").await;
    let w = env.start_worker();
    let url = env.server.url("/flaky/1/report");
    env.enqueue(serde_json::json!({"url": url})).await;
    let ev = env.events(1, Duration::from_secs(30)).await.remove(0);
    assert_eq!(ev["type"], "report.completed", "{ev:#}");
    assert_eq!(
        env.server.hits("/flaky/1/report"),
        2,
        "one failure, one success"
    );
    assert_eq!(env.report_rows(&url).await, 1);
    assert_eq!(env.queue_len(&env.names.dlq).await, 0);
    w.stop().await;
    env.teardown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_404_is_dead_lettered_at_once_with_headers_and_report_failed() {
    let env = Env::new("w_404").await;
    let w = env.start_worker();
    let url = env.server.url("/status/404");
    env.enqueue(serde_json::json!({"url": url, "id": "m-404"}))
        .await;
    let dl = env.dead_letters(1, Duration::from_secs(30)).await;
    let (h, body) = &dl[0];
    assert!(h[headers::REASON].starts_with("http_404"), "{h:?}");
    assert_eq!(h[headers::ATTEMPTS], "1");
    assert_eq!(h[headers::HOST], "127.0.0.1");
    assert!(h.contains_key(headers::FIRST_FAILURE) && h.contains_key(headers::LAST_FAILURE));
    let original: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(original["url"], url.as_str());
    let ev = env.events(1, Duration::from_secs(10)).await.remove(0);
    assert_eq!(ev["type"], "report.failed");
    assert_eq!(ev["data"]["reason"], "http_404");
    assert_eq!(ev["data"]["attempts"], 1);
    assert_eq!(ev["data"]["id"], "m-404");
    assert_eq!(env.server.hits("/status/404"), 1, "permanent: fetched once");
    assert_eq!(env.report_rows(&url).await, 0);
    w.stop().await;
    env.teardown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn retryable_failures_are_dead_lettered_after_max_attempts() {
    let env = Env::new("w_maxatt").await;
    let w = env.start_worker();
    let url = env.server.url("/status/503");
    env.enqueue(serde_json::json!({"url": url})).await;
    // max_attempts 3 with retry delays 1 s, 1 s.
    let dl = env.dead_letters(1, Duration::from_secs(40)).await;
    let (h, _) = &dl[0];
    assert_eq!(h[headers::ATTEMPTS], "3", "{h:?}");
    assert!(h[headers::REASON].starts_with("http_5"), "{h:?}");
    assert!(h[headers::FIRST_FAILURE] <= h[headers::LAST_FAILURE]);
    assert_ne!(h[headers::FIRST_FAILURE], h[headers::LAST_FAILURE]);
    let ev = env.events(1, Duration::from_secs(10)).await.remove(0);
    assert_eq!(ev["type"], "report.failed");
    assert_eq!(ev["data"]["attempts"], 3);
    assert_eq!(env.server.hits("/status/503"), 3);
    assert_eq!(env.queue_len(&env.names.urls).await, 0);
    w.stop().await;
    env.teardown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn poison_messages_are_dead_lettered_and_the_worker_goes_on() {
    let env = Env::new("w_poison").await;
    env.server
        .add_page("/r/ok.html", Some("text/html; charset=utf-8"), PAGE_UTF8);
    let w = env.start_worker();
    let long = format!("{{\"url\":\"https://example.org/{}\"}}", "a".repeat(9000));
    let huge = vec![b'x'; 1 << 20];
    let poison: Vec<(&[u8], &str)> = vec![
        (b"this is not json", "malformed"),
        (b"{\"id\": 1}", "malformed"),
        (b"{\"url\": \"ftp://example.org/a\"}", "bad_scheme"),
        (b"file:///etc/passwd", "bad_scheme"),
        (long.as_bytes(), "url_too_long"),
        (&huge, "malformed"),
    ];
    for (body, _) in &poison {
        env.publish_raw(body).await;
    }
    let ok = env.server.url("/r/ok.html");
    env.enqueue(serde_json::json!({"url": ok})).await;
    let dl = env
        .dead_letters(poison.len(), Duration::from_secs(30))
        .await;
    let mut reasons: Vec<String> = dl
        .iter()
        .map(|(h, _)| h[headers::REASON].split(':').next().unwrap().to_owned())
        .collect();
    reasons.sort();
    let mut expected: Vec<String> = poison.iter().map(|(_, r)| r.to_string()).collect();
    expected.sort();
    assert_eq!(reasons, expected);
    let evs = env.events(poison.len() + 1, Duration::from_secs(30)).await;
    let failed = evs.iter().filter(|e| e["type"] == "report.failed").count();
    let completed = evs
        .iter()
        .filter(|e| e["type"] == "report.completed")
        .count();
    assert_eq!((failed, completed), (poison.len(), 1));
    assert_eq!(env.report_rows(&ok).await, 1);
    assert_eq!(env.queue_len(&env.names.urls).await, 0);
    w.stop().await;
    env.teardown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_exits_0_and_loses_no_message() {
    let env = Env::new("w_sigterm").await;
    const N: usize = 16;
    let mut urls = Vec::new();
    for i in 0..N {
        let u = env.server.url(&format!("/sleep/700?n={i}"));
        env.enqueue(serde_json::json!({"url": u})).await;
        urls.push(u);
    }
    let mut child = env.spawn_worker_process(&WorkerOptions::default());
    // Wait until work is flowing, then ask it to stop while deliveries are in flight.
    let first = env.events(1, Duration::from_secs(30)).await;
    assert!(child.sigterm());
    let exit = child
        .wait_timeout(Duration::from_secs(30))
        .await
        .expect("worker exits within the grace period");
    assert!(exit.success(), "exit status {exit:?}");
    // Everything not finished is back in the queue: finish it with a fresh worker.
    let left = env.queue_len(&env.names.urls).await as usize;
    assert!(left < N, "the worker processed something before stopping");
    let w = env.start_worker();
    let mut done: std::collections::HashSet<String> = first
        .iter()
        .filter(|e| e["type"] == "report.completed")
        .map(|e| e["subject"].as_str().unwrap().to_owned())
        .collect();
    while done.len() < N {
        let e = env.events(1, Duration::from_secs(60)).await.remove(0);
        assert_eq!(e["type"], "report.completed", "{e:#}");
        done.insert(e["subject"].as_str().unwrap().to_owned());
    }
    w.stop().await;
    for u in &urls {
        assert_eq!(env.report_rows(u).await, 1, "{u} stored exactly once");
        assert!(done.contains(u), "{u} has its event");
    }
    assert_eq!(env.queue_len(&env.names.urls).await, 0);
    assert_eq!(env.queue_len(&env.names.dlq).await, 0);
    env.teardown().await;
}

/// Issue 16 item 3: a consumer queue bound to the events exchange is full
/// (`x-max-length` + `reject-publish`), so the broker refuses the `report.completed`
/// publish after the row is committed. The message must end once (stored, acked: work
/// queue and DLQ empty, no `report.failed`), the refusal is counted, and the event
/// follows through the outbox relay once the full queue drains.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refused_event_is_left_to_the_outbox_and_the_message_ends_once() {
    let env = Env::new("w_refused").await;
    let full = format!("{}.full-consumer", env.prefix);
    let mut args = FieldTable::default();
    args.insert("x-max-length".into(), AMQPValue::LongLongInt(1));
    args.insert(
        "x-overflow".into(),
        AMQPValue::LongString("reject-publish".into()),
    );
    env.channel
        .queue_declare(
            full.as_str().into(),
            QueueDeclareOptions {
                auto_delete: true,
                ..Default::default()
            },
            args,
        )
        .await
        .unwrap();
    env.channel
        .queue_bind(
            full.as_str().into(),
            env.names.events_exchange.as_str().into(),
            "#".into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await
        .unwrap();
    // Fill it: one message and it refuses the next.
    env.publisher
        .publish("", &full, b"{}", BasicProperties::default())
        .await
        .unwrap();
    env.server.add_page(
        "/r/refused.html",
        Some("text/html; charset=utf-8"),
        PAGE_UTF8,
    );
    let w = env.start_worker();
    let metrics = w.metrics.clone();
    let url = env.server.url("/r/refused.html");
    env.enqueue(serde_json::json!({"url": url, "id": "refused-1"}))
        .await;
    let m = metrics.clone();
    support::eventually(Duration::from_secs(30), "the message to be stored", || {
        let m = m.clone();
        async move { (m.messages_count("stored", "") >= 1.0).then_some(()) }
    })
    .await;
    w.stop().await;

    assert_eq!(env.report_rows(&url).await, 1);
    assert_eq!(metrics.messages_count("stored", ""), 1.0, "ended once");
    assert_eq!(metrics.messages_count("returned", "broker"), 0.0);
    assert_eq!(metrics.event_publish_refused_count("report.completed"), 1.0);
    // Acked: nothing back in the work queue (a stopped worker returns what it holds),
    // nothing dead-lettered.
    assert_eq!(env.queue_len(&env.names.urls).await, 0);
    assert_eq!(env.queue_len(&env.names.dlq).await, 0);
    // The other subscriber's queue: at most the one copy the broker routed there, never a
    // report.failed.
    let mut seen = Vec::new();
    while let Some(m) = env
        .channel
        .basic_get(
            env.events_queue.as_str().into(),
            BasicGetOptions { no_ack: true },
        )
        .await
        .unwrap()
    {
        let v: Value = serde_json::from_slice(&m.delivery.data).unwrap();
        seen.push(v["type"].as_str().unwrap_or_default().to_owned());
    }
    assert!(seen.iter().all(|t| t == "report.completed"), "{seen:?}");
    assert!(seen.len() <= 1, "{seen:?}");

    // The full consumer drains; the relay then delivers the event.
    let filler = env
        .channel
        .basic_get(full.as_str().into(), BasicGetOptions { no_ack: true })
        .await
        .unwrap()
        .expect("the filler message");
    assert_eq!(filler.delivery.data, b"{}");
    let store = report_ingest::store::Store::connect(&env.settings.db)
        .await
        .unwrap();
    assert_eq!(store.outbox_backlog().await.unwrap(), 1);
    let relayed = report_ingest::outbox::drain(&store, &env.publisher, &env.names, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(relayed, 1);
    assert_eq!(store.outbox_backlog().await.unwrap(), 0);
    let ev = env
        .channel
        .basic_get(full.as_str().into(), BasicGetOptions { no_ack: true })
        .await
        .unwrap()
        .expect("the relayed event");
    let ev: Value = serde_json::from_slice(&ev.delivery.data).unwrap();
    assert_eq!(ev["type"], "report.completed");
    assert_eq!(ev["data"]["url"], url.as_str());
    assert_eq!(ev["data"]["id"], "refused-1");
    env.channel
        .queue_delete(
            full.as_str().into(),
            lapin::options::QueueDeleteOptions::default(),
        )
        .await
        .unwrap();
    env.teardown().await;
}

/// A password in a message's URL, or in a redirect's `Location`, never shows in the
/// worker's logs (at debug), in events or in any table: such URLs are refused with
/// `credentials_in_url`, and the failure echoes the caller's id.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn credentials_never_reach_logs_events_or_rows() {
    const PASSWORD: &str = "Pw-91c3f-never-logged";
    let env = Env::new("w_creds").await;
    let log_path = std::env::temp_dir().join(format!("{}.log", env.prefix));
    let mut child = env.spawn_worker_process(
        &WorkerOptions::default()
            .env("RUST_LOG", "debug")
            .log(&log_path),
    );
    let direct =
        env.server
            .url("/page/x")
            .replacen("http://", &format!("http://alice:{PASSWORD}@"), 1);
    let target =
        env.server
            .url("/page/y")
            .replacen("http://", &format!("http://bob:{PASSWORD}@"), 1);
    env.server.add(
        "/moved",
        support::http::Page {
            status: 302,
            content_type: None,
            headers: vec![("location".into(), target.clone())],
            body: "".into(),
        },
    );
    let redirect = env.server.url("/moved");
    env.enqueue(serde_json::json!({"url": direct, "id": "c-direct"}))
        .await;
    env.enqueue(serde_json::json!({"url": redirect, "id": "c-redirect"}))
        .await;
    let events = env.events(2, Duration::from_secs(60)).await;
    child.kill().await;
    let mut ids: Vec<&str> = Vec::new();
    for e in &events {
        assert_eq!(e["type"], "report.failed", "{e:#}");
        let text = e.to_string();
        assert!(!text.contains(PASSWORD), "password in an event: {text}");
        ids.push(e["data"]["id"].as_str().unwrap());
    }
    ids.sort_unstable();
    assert_eq!(ids, ["c-direct", "c-redirect"]);
    assert!(events
        .iter()
        .any(|e| e["data"]["reason"] == "credentials_in_url"));
    let logs = child.log_text();
    assert!(
        logs.contains("Delivery settled"),
        "the log was captured: {logs}"
    );
    assert!(!logs.contains(PASSWORD), "password in the logs:\n{logs}");
    let _ = std::fs::remove_file(&log_path);
    assert_eq!(
        env.server.hits("/moved"),
        1,
        "the redirect was followed up to its Location"
    );
    assert_eq!(
        env.server.hits("/page/y"),
        0,
        "the redirect target was never fetched"
    );
    let rows: i64 = env
        .pg
        .query_one(
            &format!(
                "SELECT (SELECT count(*) FROM \"{0}\".reports) + \
                 (SELECT count(*) FROM \"{0}\".outbox WHERE convert_from(body, 'UTF8') LIKE $1)",
                env.prefix
            ),
            &[&format!("%{PASSWORD}%")],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(rows, 0, "nothing stored, no outbox row holds the password");
    env.teardown().await;
}
