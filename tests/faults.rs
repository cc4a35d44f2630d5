//! The fault-injection suite (issue 5): real worker processes against the real RabbitMQ
//! and PostgreSQL of this machine and a local HTTP server, with workers SIGKILLed (also
//! right between the database commit and the ack), RabbitMQ and PostgreSQL restarted,
//! database connections terminated, a misbehaving web server, hostile pages and poison
//! messages. At the end it accounts for every message and prints one summary line.
//!
//! `FAULTS_N` sets the number of messages (default 2000; the README quotes N = 10000),
//! `FAULTS_RESTARTS=0` skips the broker/database restarts (for running beside other
//! tests: restarts disturb every other test using the services at that moment).
//!
//! Run: `cargo test --release --test faults -- --nocapture`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use lapin::options::{
    BasicAckOptions, BasicGetOptions, BasicPublishOptions, ConfirmSelectOptions,
    ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Connection, ConnectionProperties, ExchangeKind};
use serde_json::{json, Value};
use support::http::{Page, TestServer};
use support::process::{WorkerOptions, WorkerProcess};

const BIN: &str = env!("CARGO_BIN_EXE_report-ingest");
/// Worker processes running at once.
const WORKERS: usize = 3;
/// How long the whole run may take before the suite gives up (CI budget: ~10 minutes).
const DEADLINE: Duration = Duration::from_secs(420);
/// Peak RSS any worker may reach (issue 5: "bounded, e.g. < 300 MB").
const RSS_LIMIT_KB: u64 = 300 * 1024;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What a message should end as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Stored,
    Dead,
    /// Either ending is right (random bytes may or may not look like text), but exactly one.
    Either,
}

struct Msg {
    id: String,
    body: Vec<u8>,
    expect: Expect,
}

fn good_page(i: usize) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>第{i}号 某县卫生健康局工作总结 - 示例网</title></head>\
<body><div class=\"nav\"><a href=\"/\">首页</a> &gt; <a href=\"/zj\">工作总结</a></div>\
<h1>第{i}号 某县卫生健康局工作总结</h1><div class=\"info\">发布时间：2024-03-{d:02} 来源：某县卫生健康局</div>\
<div class=\"content\"><p>一、基本情况</p><p>全年共接诊群众{n}人次，同比增长{p}.5%，投入资金约{w}万元，覆盖{v}个行政村。</p>\
<p>二、主要做法</p><p>（一）加强基层医疗队伍建设。组织培训{t}场，参训人员{u}人。</p>\
<p>（二）推进家庭医生签约服务。重点人群签约率达到{p}.2%。</p><p>三、下一步打算</p>\
<p>继续巩固提升服务能力，为群众提供更加优质的健康服务。</p></div>\
<div class=\"footer\">版权所有 某县人民政府 备案号：某ICP备00000000号</div></body></html>",
        d = i % 28 + 1,
        n = 1000 + i * 7,
        p = i % 90 + 5,
        w = i % 500 + 10,
        v = i % 200 + 3,
        t = i % 40 + 2,
        u = i % 900 + 30,
    )
}

/// Good pages whose number ends in this digit are reports over two pages.
const PAGED_DIGIT: usize = 3;

/// Page 1 (with `共2页` and a `下一页` link) and page 2 of report `i`.
fn two_pages(i: usize) -> (String, String) {
    let pager = format!(
        "<div class=\"pages\">共2页 当前第1页 <a href=\"{i}_2.html\">下一页</a></div>\
         <div class=\"footer\">"
    );
    let one = good_page(i).replacen("<div class=\"footer\">", &pager, 1);
    let two = good_page(i)
        .replace("一、基本情况", "四、存在问题")
        .replace("二、主要做法", "五、整改措施")
        .replace("三、下一步打算", "六、工作展望")
        .replace("全年共接诊群众", "第二页统计接诊群众")
        .replacen(
            "<div class=\"footer\">",
            "<div class=\"pages\">共2页 当前第2页</div><div class=\"footer\">",
            1,
        );
    (one, two)
}

fn nested_page(depth: usize) -> String {
    let mut s = String::with_capacity(depth * 11 + 200);
    s.push_str("<html><head><meta charset=\"utf-8\"><title>深层嵌套</title></head><body>");
    for _ in 0..depth {
        s.push_str("<div><span>");
    }
    s.push_str("<p>嵌套最深处的正文：本年度共完成项目12个。</p>");
    s.push_str("</body></html>");
    s
}

/// The pages and endpoints the messages point at; returns the messages to send.
fn plan(server: &TestServer, n: usize) -> Vec<Msg> {
    let mut msgs = Vec::with_capacity(n + 8);
    // Hostile pages served at fixed paths (each message gets its own URL by a query
    // string the server ignores, so every message has its own report row / event id).
    let mut rng_bytes = vec![0u8; 200_000];
    for (i, b) in rng_bytes.iter_mut().enumerate() {
        *b = (i.wrapping_mul(2_654_435_761) >> 13) as u8;
    }
    server.add_page("/hostile/random", Some("text/html"), rng_bytes);
    server.add_page("/hostile/deep", Some("text/html"), nested_page(10_000));
    // Declared Big5, bytes are UTF-8: decodes to mojibake, must not crash anything.
    server.add_page(
        "/hostile/mismatch",
        Some("text/html; charset=big5"),
        good_page(7).replace("utf-8", "big5"),
    );
    server.add(
        "/hostile/always-503",
        Page {
            status: 503,
            content_type: Some("text/html".into()),
            headers: vec![],
            body: "<html>busy</html>".into(),
        },
    );
    // (path, expected ending)
    let hostile: &[(&str, Expect)] = &[
        ("/gzip-bomb?mb=1100", Expect::Dead),
        ("/big/52428800", Expect::Dead),
        ("/pdf", Expect::Dead),
        ("/hostile/deep", Expect::Either),
        ("/hostile/random", Expect::Either),
        ("/hostile/mismatch", Expect::Stored),
        ("/reset", Expect::Dead),
        ("/slow-body?chunks=100&interval_ms=100", Expect::Dead),
        ("/hostile/always-503", Expect::Dead),
        ("/status/404", Expect::Dead),
    ];
    let n_hostile = (n / 50).max(hostile.len() * 2);
    let n_flaky = n / 8;
    let n_good = n.saturating_sub(n_hostile + n_flaky);
    for i in 0..n_good {
        let path = format!("/r/{i}.html");
        if i % 10 == PAGED_DIGIT {
            // A report over two pages (issue 13): page 1 links `下一页` to page 2.
            let (one, two) = two_pages(i);
            server.add_page(&path, Some("text/html; charset=utf-8"), one);
            server.add_page(
                &format!("/r/{i}_2.html"),
                Some("text/html; charset=utf-8"),
                two,
            );
        } else {
            server.add_page(&path, Some("text/html; charset=utf-8"), good_page(i));
        }
        msgs.push(Msg {
            id: format!("good-{i}"),
            body: json!({"url": server.url(&path), "id": format!("good-{i}")})
                .to_string()
                .into_bytes(),
            expect: Expect::Stored,
        });
    }
    for i in 0..n_flaky {
        // 5xx bursts: the first two requests fail, the third succeeds.
        let url = server.url(&format!("/flaky/2/f{i}"));
        msgs.push(Msg {
            id: format!("flaky-{i}"),
            body: json!({"url": url, "id": format!("flaky-{i}")})
                .to_string()
                .into_bytes(),
            expect: Expect::Stored,
        });
    }
    for i in 0..n_hostile {
        let (path, expect) = hostile[i % hostile.len()];
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = server.url(&format!("{path}{sep}n={i}"));
        msgs.push(Msg {
            id: format!("hostile-{i}"),
            body: json!({"url": url, "id": format!("hostile-{i}")})
                .to_string()
                .into_bytes(),
            expect,
        });
    }
    // Poison messages: each must be dead-lettered at once.
    let long_url = format!("https://example.com/{}", "a".repeat(9000));
    let poison: Vec<Vec<u8>> = vec![
        b"this is {not json".to_vec(),
        br#"{"id":"no-url","meta":{"k":1}}"#.to_vec(),
        json!({"url": "ftp://example.com/report.html", "id": "poison-ftp"})
            .to_string()
            .into_bytes(),
        json!({"url": "file:///etc/passwd", "id": "poison-file"})
            .to_string()
            .into_bytes(),
        json!({"url": long_url, "id": "poison-long"})
            .to_string()
            .into_bytes(),
        {
            let mut b =
                br#"{"url":"https://example.com/x","id":"poison-huge","meta":{"pad":""#.to_vec();
            b.extend(std::iter::repeat_n(b'x', 1024 * 1024));
            b.extend_from_slice(br#""}}"#);
            b
        },
    ];
    for (i, body) in poison.into_iter().enumerate() {
        msgs.push(Msg {
            id: format!("poison-{i}"),
            body,
            expect: Expect::Dead,
        });
    }
    // Interleave kinds so every phase of the run sees every kind.
    let mut order: Vec<usize> = (0..msgs.len()).collect();
    order.sort_by_key(|&i| (i.wrapping_mul(2_654_435_761)) % 1_000_003);
    let mut slots: Vec<Option<Msg>> = msgs.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

struct Fleet {
    args: Vec<String>,
    env: Vec<(String, String)>,
    dir: tempfile::TempDir,
    workers: Vec<Option<WorkerProcess>>,
    spawned: usize,
    restarts: usize,
    peak_rss_kb: u64,
    logs: Vec<PathBuf>,
}

impl Fleet {
    fn spawn(&mut self, slot: usize, extra: &[String]) {
        self.spawned += 1;
        let log = self.dir.path().join(format!("worker-{}.log", self.spawned));
        let mut opts = WorkerOptions::args(extra).log(&log);
        opts.env.extend(self.env.iter().cloned());
        let opts = opts.env("RUST_LOG", "info");
        self.logs.push(log);
        self.workers[slot] = Some(support::process::spawn(&self.args, &opts));
    }

    fn sample_rss(&mut self) {
        for w in self.workers.iter().flatten() {
            if let Some(kb) = w.id().and_then(vm_hwm_kb) {
                self.peak_rss_kb = self.peak_rss_kb.max(kb);
            }
        }
    }

    /// Restarts workers that exited on their own (the commit→ack crash hook).
    fn reap(&mut self) {
        for slot in 0..self.workers.len() {
            let exited = match self.workers[slot].as_mut() {
                Some(w) => w.try_wait().is_some(),
                None => false,
            };
            if exited {
                let w = self.workers[slot].take().unwrap();
                eprintln!(
                    "faults: worker {slot} exited by itself ({:?}); restarting",
                    w.log
                );
                self.restarts += 1;
                self.spawn(slot, &[]);
            }
        }
    }

    async fn kill(&mut self, slot: usize) {
        self.sample_rss();
        if let Some(mut w) = self.workers[slot].take() {
            w.kill().await; // SIGKILL
        }
        self.restarts += 1;
        self.spawn(slot, &[]);
    }
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

fn sh(cmd: &str) -> bool {
    let full = if is_root() {
        cmd.to_owned()
    } else {
        format!("sudo {cmd}")
    };
    let st = Command::new("sh").arg("-c").arg(&full).status();
    matches!(st, Ok(s) if s.success())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn pg_version() -> String {
    std::fs::read_dir("/etc/postgresql")
        .ok()
        .and_then(|d| {
            d.filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().into_string().ok())
                .max_by_key(|v| v.parse::<u32>().unwrap_or(0))
        })
        .unwrap_or_else(|| "15".into())
}

async fn amqp() -> Option<Connection> {
    Connection::connect(support::AMQP_URL, ConnectionProperties::default())
        .await
        .ok()
}

async fn pg() -> Option<tokio_postgres::Client> {
    let (client, conn) = tokio_postgres::connect(support::DATABASE_URL, tokio_postgres::NoTls)
        .await
        .ok()?;
    tokio::spawn(conn);
    Some(client)
}

/// Publishes `msgs` to the work queue with confirms, reconnecting (and republishing what
/// was not confirmed) when the broker goes away.
async fn publish(queue: &str, msgs: &[Msg]) {
    let mut done = 0;
    while done < msgs.len() {
        let Some(conn) = amqp().await else {
            tokio::time::sleep(Duration::from_millis(500)).await;
            continue;
        };
        let Ok(ch) = conn.create_channel().await else {
            continue;
        };
        if ch
            .confirm_select(ConfirmSelectOptions::default())
            .await
            .is_err()
        {
            continue;
        }
        let mut ok = true;
        let mut pending = Vec::new();
        for m in &msgs[done..] {
            match ch
                .basic_publish(
                    "".into(),
                    queue.into(),
                    BasicPublishOptions {
                        mandatory: true,
                        ..Default::default()
                    },
                    &m.body,
                    BasicProperties::default()
                        .with_delivery_mode(2)
                        .with_content_type("application/json".into()),
                )
                .await
            {
                Ok(c) => pending.push(c),
                Err(_) => {
                    ok = false;
                    break;
                }
            }
        }
        let mut confirmed = 0;
        for c in pending {
            match c.await {
                Ok(conf) if conf.is_ack() => confirmed += 1,
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        done += confirmed;
        if !ok {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        let _ = conn.close(200, "bye".into()).await;
    }
}

/// Moves every message of `queue` into `out` (body, headers), acking each. Best effort:
/// a broker outage just ends this round.
async fn drain(queue: &str, out: &mut Vec<(Vec<u8>, Option<FieldTable>)>) {
    let Some(conn) = amqp().await else { return };
    let Ok(ch) = conn.create_channel().await else {
        return;
    };
    while let Ok(Some(msg)) = ch.basic_get(queue.into(), BasicGetOptions::default()).await {
        let headers = msg.delivery.properties.headers().clone();
        out.push((msg.delivery.data.clone(), headers));
        if msg.delivery.ack(BasicAckOptions::default()).await.is_err() {
            break;
        }
    }
    let _ = conn.close(200, "bye".into()).await;
}

/// Everything seen so far of the endings.
#[derive(Default)]
struct Ledger {
    events: Vec<(Vec<u8>, Option<FieldTable>)>,
    dead: Vec<(Vec<u8>, Option<FieldTable>)>,
}

impl Ledger {
    async fn poll(&mut self, prefix: &str) {
        drain(&format!("{prefix}.faults.events"), &mut self.events).await;
        drain(&format!("{prefix}.urls.dlq"), &mut self.dead).await;
    }

    /// Message ids (caller's `id`) with a completed / failed event.
    fn ended(&self) -> (HashSet<String>, HashSet<String>, HashSet<String>) {
        let mut completed = HashSet::new();
        let mut failed = HashSet::new();
        let mut ids = HashSet::new();
        for (body, _) in &self.events {
            let Ok(v) = serde_json::from_slice::<Value>(body) else {
                continue;
            };
            ids.insert(v["id"].as_str().unwrap_or_default().to_owned());
            let mid = v["data"]["id"].as_str().map(str::to_owned);
            match (v["type"].as_str(), mid) {
                (Some("report.completed"), Some(m)) => {
                    completed.insert(m);
                }
                (Some("report.failed"), Some(m)) => {
                    failed.insert(m);
                }
                _ => {}
            }
        }
        (completed, failed, ids)
    }
}

fn header_string(h: &Option<FieldTable>, key: &str) -> Option<String> {
    match h.as_ref()?.inner().get(key)? {
        AMQPValue::LongString(s) => Some(String::from_utf8_lossy(s.as_bytes()).into_owned()),
        AMQPValue::ShortString(s) => Some(s.as_str().to_owned()),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn faults_every_message_ends_exactly_once() {
    let n = env_usize("FAULTS_N", 2000);
    let restarts_on = env_usize("FAULTS_RESTARTS", 1) != 0;
    let prefix = support::unique("faults");
    let schema = prefix.clone();

    // Our own database role with a random password: the logs and events must never show it.
    let password = format!("pw{:016x}", rand::random::<u64>());
    let role = "ri_faults";
    let admin = pg().await.expect("PostgreSQL on 127.0.0.1:5432");
    let _ = admin
        .batch_execute(&format!(
            "DO $$ BEGIN CREATE ROLE {role} LOGIN PASSWORD '{password}'; \
             EXCEPTION WHEN duplicate_object THEN ALTER ROLE {role} LOGIN PASSWORD '{password}'; END $$; \
             GRANT CREATE ON DATABASE report_ingest TO {role};"
        ))
        .await;
    let db_url = format!("postgres://{role}:{password}@127.0.0.1:5432/report_ingest");

    let server = TestServer::start().await;
    let msgs = plan(&server, n);
    let total = msgs.len();

    let common: Vec<String> = [
        "--prefix",
        &prefix,
        "--db-schema",
        &schema,
        "--allow-private",
        "--ignore-robots",
        "--concurrency=8",
        "--per-host=64",
        "--host-rate=100000",
        "--host-concurrency=100000",
        "--fetch-timeout=2",
        "--connect-timeout=1",
        "--retry-delays=1,2,4",
        "--max-attempts=6",
        "--shutdown-grace=5",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let env = vec![
        ("DATABASE_URL".to_owned(), db_url.clone()),
        ("AMQP_URL".to_owned(), support::AMQP_URL.to_owned()),
    ];

    // Schema and topology first, then our durable event collector bound to the exchange.
    let st = Command::new(BIN)
        .arg("migrate")
        .args(&common[..4])
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .status()
        .unwrap();
    assert!(st.success(), "migrate failed");
    {
        let conn = amqp().await.expect("RabbitMQ on 127.0.0.1:5672");
        let ch = conn.create_channel().await.unwrap();
        let q = format!("{prefix}.faults.events");
        ch.exchange_declare(
            format!("{prefix}.events").into(),
            ExchangeKind::Topic,
            ExchangeDeclareOptions {
                durable: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await
        .unwrap();
        ch.queue_declare(
            q.as_str().into(),
            QueueDeclareOptions {
                durable: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await
        .unwrap();
        ch.queue_bind(
            q.as_str().into(),
            format!("{prefix}.events").into(),
            "#".into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await
        .unwrap();
        let _ = conn.close(200, "bye".into()).await;
    }

    let mut args = common.clone();
    args.push("--no-migrate".into());
    let mut fleet = Fleet {
        args,
        env,
        dir: tempfile::tempdir().unwrap(),
        workers: (0..WORKERS).map(|_| None).collect(),
        spawned: 0,
        restarts: 0,
        peak_rss_kb: 0,
        logs: Vec::new(),
    };
    // Worker 0 crashes itself right after its 40th database commit, before publishing the
    // event and acking: the hardest moment to die.
    fleet.spawn(0, &["--fault-exit-after-commit=40".to_owned()]);
    for slot in 1..WORKERS {
        fleet.spawn(slot, &[]);
    }

    // Feed messages in 40 slices over ~40 s, breaking things on a schedule meanwhile.
    let start = Instant::now();
    let mut ledger = Ledger::default();
    let slices = 40;
    let per = total.div_ceil(slices);
    let mut recoveries: Vec<(String, bool)> = Vec::new();
    let pgver = pg_version();
    let mut killed = 0usize;
    for (k, chunk) in msgs.chunks(per).enumerate() {
        let action = match k {
            4 | 9 | 16 | 23 | 30 | 36 => "kill",
            12 if restarts_on => "rabbitmq",
            20 if restarts_on => "postgres",
            27 if restarts_on => "terminate",
            _ => "",
        };
        // A restart's slice is published after the restart: recovery is judged by fresh
        // work going through the restarted services. (Published before, the slice could be
        // consumed before the restart, leaving only retries parked in the delay queues to
        // show recovery, and RabbitMQ 3.10 may hold those for minutes after a restart.)
        let restart = matches!(action, "rabbitmq" | "postgres" | "terminate");
        if !restart {
            publish(&format!("{prefix}.urls"), chunk).await;
        }
        fleet.reap();
        fleet.sample_rss();
        match action {
            "kill" => {
                // A random worker, at a random moment inside this second.
                let slot = (rand::random::<u32>() as usize) % WORKERS;
                tokio::time::sleep(Duration::from_millis(rand::random::<u64>() % 700)).await;
                fleet.kill(slot).await;
                killed += 1;
            }
            "rabbitmq" => {
                eprintln!("faults: restarting RabbitMQ");
                assert!(sh("rabbitmqctl -q stop_app"), "rabbitmqctl stop_app");
                tokio::time::sleep(Duration::from_secs(2)).await;
                assert!(sh("rabbitmqctl -q start_app"), "rabbitmqctl start_app");
                recoveries.push(("rabbitmq".into(), false));
            }
            "postgres" => {
                eprintln!("faults: restarting PostgreSQL {pgver}");
                assert!(
                    sh(&format!(
                        "pg_ctlcluster --skip-systemctl-redirect {pgver} main restart"
                    )),
                    "pg_ctlcluster restart"
                );
                recoveries.push(("postgres".into(), false));
            }
            "terminate" => {
                eprintln!("faults: terminating the workers' database connections");
                if let Some(c) = pg().await {
                    let r = c
                        .query(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1",
                            &[&role],
                        )
                        .await
                        .map(|rows| rows.len())
                        .unwrap_or(0);
                    eprintln!("faults: terminated {r} connections");
                }
                recoveries.push(("pg_terminate_backend".into(), false));
            }
            _ => {}
        }
        if restart {
            // Recovered unaided: a message published to the restarted services after the
            // restart was consumed by a worker, stored (the completed event is written in
            // the same transaction as the rows) and its event reached us.
            let t = Instant::now();
            publish(&format!("{prefix}.urls"), chunk).await;
            let fresh: Vec<&str> = chunk
                .iter()
                .filter(|m| m.expect == Expect::Stored)
                .map(|m| m.id.as_str())
                .collect();
            while t.elapsed() < Duration::from_secs(120) {
                ledger.poll(&prefix).await;
                let (completed, _, _) = ledger.ended();
                if fresh.iter().any(|id| completed.contains(*id)) {
                    if let Some(r) = recoveries.last_mut() {
                        r.1 = true;
                    }
                    break;
                }
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            eprintln!(
                "faults: after {action}: recovered={} in {:.1}s",
                recoveries.last().map(|r| r.1).unwrap_or(false),
                t.elapsed().as_secs_f64()
            );
        }
        ledger.poll(&prefix).await;
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    let fed = start.elapsed();

    // Wait until every message has an ending (or the deadline passes).
    let want: HashMap<&str, Expect> = msgs
        .iter()
        .filter(|m| !m.id.starts_with("poison-"))
        .map(|m| (m.id.as_str(), m.expect))
        .collect();
    let n_poison = msgs.iter().filter(|m| m.id.starts_with("poison-")).count();
    loop {
        fleet.reap();
        fleet.sample_rss();
        ledger.poll(&prefix).await;
        let (c, f, _) = ledger.ended();
        let ended = want
            .keys()
            .filter(|id| c.contains(**id) || f.contains(**id))
            .count();
        let dead_poison = ledger
            .dead
            .iter()
            .filter(|(b, _)| !String::from_utf8_lossy(b).contains("\"id\":\"good-"))
            .count();
        if ended == want.len() && dead_poison >= n_poison {
            break;
        }
        if start.elapsed() > DEADLINE {
            eprintln!("faults: deadline: {ended}/{} ended", want.len());
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // Let late duplicates (redeliveries after kills) surface, then stop the fleet with SIGTERM.
    tokio::time::sleep(Duration::from_secs(3)).await;
    fleet.sample_rss();
    let mut clean_exits = 0;
    for w in fleet.workers.iter().flatten() {
        w.sigterm();
    }
    for w in fleet.workers.iter_mut().flatten() {
        let t = Instant::now();
        loop {
            if let Some(st) = w.try_wait() {
                if st.success() {
                    clean_exits += 1;
                }
                break;
            }
            if t.elapsed() > Duration::from_secs(20) {
                w.start_kill();
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    ledger.poll(&prefix).await;

    // --- Accounting -----------------------------------------------------------------
    let (completed, failed, event_ids) = ledger.ended();
    let db = pg().await.unwrap();
    let stored: i64 = db
        .query_one(&format!("SELECT count(*) FROM \"{schema}\".reports"), &[])
        .await
        .unwrap()
        .get(0);
    let dup_rows: i64 = db
        .query_one(
            &format!(
                "SELECT (SELECT count(*) FROM (SELECT url FROM \"{schema}\".reports GROUP BY url HAVING count(*) > 1) a) \
                 + (SELECT count(*) FROM (SELECT report_id, ordinal FROM \"{schema}\".report_articles GROUP BY 1, 2 HAVING count(*) > 1) b)"
            ),
            &[],
        )
        .await
        .unwrap()
        .get(0);
    // Figure rows must match the stored report JSON exactly (no doubled inserts).
    let figure_mismatch: i64 = db
        .query_one(
            &format!(
                "SELECT count(*) FROM \"{schema}\".reports r WHERE \
                 (SELECT count(*) FROM \"{schema}\".report_figures f WHERE f.report_id = r.id) <> \
                 (SELECT coalesce(sum(jsonb_array_length(a->'figures')), 0) FROM jsonb_array_elements(r.report->'articles') a)"
            ),
            &[],
        )
        .await
        .unwrap()
        .get(0);

    // Reports over two pages: stored with both pages, and every report's page rows
    // match its page_count (no doubled or missing report_pages rows).
    let pages_wrong: i64 = db
        .query_one(
            &format!(
                "SELECT count(*) FROM \"{schema}\".reports r WHERE \
                 r.page_count <> (SELECT count(*) FROM \"{schema}\".report_pages p WHERE p.report_id = r.id) \
                 OR (r.url ~ '/r/[0-9]*{PAGED_DIGIT}\\.html$' AND r.page_count <> 2)"
            ),
            &[],
        )
        .await
        .unwrap()
        .get(0);
    let paged: i64 = db
        .query_one(
            &format!("SELECT count(*) FROM \"{schema}\".reports WHERE page_count = 2"),
            &[],
        )
        .await
        .unwrap()
        .get(0);

    let mut dead_by_reason: BTreeMap<String, usize> = BTreeMap::new();
    let mut dead_distinct: HashSet<Vec<u8>> = HashSet::new();
    for (body, headers) in &ledger.dead {
        if dead_distinct.insert(body.clone()) {
            let reason = header_string(headers, "x-ri-reason").unwrap_or_else(|| "?".into());
            let code = reason.split([':', ' ']).next().unwrap_or("?").to_owned();
            *dead_by_reason.entry(code).or_default() += 1;
        }
    }
    let dlq_dups = ledger.dead.len() - dead_distinct.len();

    let mut lost = Vec::new();
    let mut double = Vec::new();
    let mut wrong = Vec::new();
    for (id, expect) in &want {
        let (c, f) = (completed.contains(*id), failed.contains(*id));
        match (c, f) {
            (false, false) => lost.push(*id),
            (true, true) => double.push(*id),
            (true, false) if *expect == Expect::Dead => wrong.push(format!("{id}: stored")),
            (false, true) if *expect == Expect::Stored => wrong.push(format!("{id}: dead")),
            _ => {}
        }
    }
    let stored_ids = completed.len();
    let dead_ids = failed.len();
    let poison_dead = dead_distinct
        .iter()
        .filter(|b| {
            let s = String::from_utf8_lossy(b);
            !s.contains("\"id\":\"good-")
                && !s.contains("\"id\":\"flaky-")
                && !s.contains("\"id\":\"hostile-")
        })
        .count();
    let failed_events_total = ledger
        .events
        .iter()
        .filter_map(|(b, _)| serde_json::from_slice::<Value>(b).ok())
        .filter(|v| v["type"] == "report.failed")
        .map(|v| v["id"].as_str().unwrap_or_default().to_owned())
        .collect::<HashSet<_>>()
        .len();
    let distinct_events = event_ids.len();
    let leaked: Vec<String> = fleet
        .logs
        .iter()
        .filter(|p| {
            std::fs::read_to_string(p)
                .unwrap_or_default()
                .contains(&password)
        })
        .map(|p| p.display().to_string())
        .chain(
            ledger
                .events
                .iter()
                .filter(|(b, _)| String::from_utf8_lossy(b).contains(&password))
                .map(|_| "event".to_owned()),
        )
        .collect();

    println!(
        "faults: enqueued={total} stored={stored} dead_lettered={} ({}) lost={} double_endings={} \
         duplicate_rows={dup_rows} figure_row_mismatch={figure_mismatch} two_page_reports={paged} \
         page_rows_wrong={pages_wrong} distinct_event_ids={distinct_events} \
         (stored+dead={}) dlq_redelivered_copies={dlq_dups} worker_restarts={} (sigkill={killed}) \
         peak_worker_rss={}MB recovered={:?} clean_sigterm_exits={clean_exits}/{WORKERS} feed={:.0}s total={:.0}s",
        dead_distinct.len(),
        dead_by_reason
            .iter()
            .map(|(k, v)| format!("{k}:{v}"))
            .collect::<Vec<_>>()
            .join(","),
        lost.len(),
        double.len(),
        stored as usize + failed_events_total,
        fleet.restarts,
        fleet.peak_rss_kb / 1024,
        recoveries,
        fed.as_secs_f64(),
        start.elapsed().as_secs_f64(),
    );
    let mut problems = Vec::new();
    if !lost.is_empty() {
        lost.sort();
        problems.push(format!(
            "lost {}: {:?}",
            lost.len(),
            &lost[..lost.len().min(10)]
        ));
    }
    if !double.is_empty() {
        problems.push(format!(
            "ended twice: {:?}",
            &double[..double.len().min(10)]
        ));
    }
    if !wrong.is_empty() {
        wrong.sort();
        problems.push(format!(
            "wrong ending {}: {:?}",
            wrong.len(),
            &wrong[..wrong.len().min(10)]
        ));
    }
    if dup_rows != 0 || figure_mismatch != 0 || pages_wrong != 0 {
        problems.push(format!(
            "duplicate rows {dup_rows}, figure row mismatches {figure_mismatch}, \
             reports with wrong page rows {pages_wrong}"
        ));
    }
    if paged == 0 {
        problems.push("no report over two pages was stored".into());
    }
    if stored as usize != stored_ids {
        problems.push(format!(
            "{stored} report rows but {stored_ids} messages with a completed event"
        ));
    }
    if poison_dead < n_poison {
        problems.push(format!(
            "{poison_dead}/{n_poison} poison messages dead-lettered"
        ));
    }
    // One deterministic id per stored report (redeliveries repeat it) and per dead letter.
    let completed_events_total = distinct_events - failed_events_total;
    if completed_events_total != stored as usize {
        problems.push(format!(
            "{completed_events_total} distinct report.completed ids for {stored} stored reports"
        ));
    }
    if failed_events_total != dead_distinct.len() {
        problems.push(format!(
            "{failed_events_total} distinct report.failed events but {} distinct dead letters",
            dead_distinct.len()
        ));
    }
    let _ = dead_ids;
    if killed < 5 || fleet.restarts < 6 {
        problems.push(format!(
            "only {killed} SIGKILLs / {} restarts (want ≥ 5 kills and the commit→ack crash)",
            fleet.restarts
        ));
    }
    if fleet.peak_rss_kb > RSS_LIMIT_KB {
        problems.push(format!("peak RSS {} MB", fleet.peak_rss_kb / 1024));
    }
    if recoveries.iter().any(|r| !r.1) {
        problems.push(format!("no recovery after {recoveries:?}"));
    }
    if !leaked.is_empty() {
        problems.push(format!("database password leaked in {leaked:?}"));
    }
    if clean_exits != WORKERS {
        problems.push(format!(
            "{clean_exits}/{WORKERS} workers exited 0 on SIGTERM"
        ));
    }
    // Leave nothing on the broker: the topology `migrate` (default retry delays) and the
    // workers (ours) declared, and our collector.
    let collector = format!("{prefix}.faults.events");
    let delays = [&[1u64, 2, 4][..], support::DEFAULT_RETRY_DELAYS].concat();
    support::delete_deployment(&prefix, &delays, &[&collector]).await;
    if !problems.is_empty() {
        for l in fleet.logs.iter().rev().take(2) {
            let s = std::fs::read_to_string(l).unwrap_or_default();
            let tail: Vec<&str> = s.lines().rev().take(15).collect();
            eprintln!("--- {} (tail)", l.display());
            for line in tail.iter().rev() {
                eprintln!("{line}");
            }
        }
        panic!("fault suite found problems:\n  {}", problems.join("\n  "));
    }
}
