//! The integration-test harness (in the style of zero2prod's `spawn_app()`): a fresh
//! prefix and schema, the declared topology, a queue bound to the events exchange, a
//! publisher, a local page server and an in-process worker (or worker processes).
use std::collections::HashMap;
use std::time::Duration;

use lapin::options::{BasicGetOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel, Connection};
use report_ingest::metrics::{Health, Metrics};
use report_ingest::queue::{self, Names, Publisher};
use report_ingest::worker::{self, Settings};
use serde_json::Value;

use super::http::TestServer;
use super::process::{WorkerOptions, WorkerProcess};

/// A message's headers as text (strings as they are, integers in decimal).
pub fn headers_text(props: &BasicProperties) -> HashMap<String, String> {
    let mut h = HashMap::new();
    if let Some(t) = props.headers() {
        for (k, v) in t.inner() {
            let s = match v {
                AMQPValue::LongString(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
                AMQPValue::LongLongInt(i) => i.to_string(),
                other => format!("{other:?}"),
            };
            h.insert(k.to_string(), s);
        }
    }
    h
}

pub struct TestEnv {
    pub prefix: String,
    pub names: Names,
    pub server: TestServer,
    pub conn: Connection,
    pub channel: Channel,
    pub publisher: Publisher,
    pub events_queue: String,
    pub pg: tokio_postgres::Client,
    pub settings: Settings,
    /// Set by [`TestEnv::teardown`]; an env dropped without it (a test that failed
    /// midway) deletes its queues on the way out all the same.
    torn_down: bool,
}

pub struct RunningWorker {
    pub stop: tokio::sync::oneshot::Sender<()>,
    pub handle: tokio::task::JoinHandle<Result<(), worker::WorkerError>>,
    /// The worker's metrics (`render()` gives the Prometheus text).
    pub metrics: Metrics,
}

impl RunningWorker {
    pub async fn stop(self) {
        let _ = self.stop.send(());
        tokio::time::timeout(Duration::from_secs(30), self.handle)
            .await
            .expect("worker stops within 30 s")
            .unwrap()
            .unwrap();
    }
}

impl TestEnv {
    pub async fn new(tag: &str) -> TestEnv {
        let prefix = super::unique(tag);
        let names = Names::new(&prefix);
        let server = TestServer::start().await;
        let settings = Settings {
            broker: super::broker_args(&prefix),
            db: super::db_args(&prefix),
            fetch: super::fetch_args(),
            politeness: super::politeness_args(),
            worker: super::worker_args(),
        };
        let conn = queue::connect(&settings.broker).await.unwrap();
        let publisher = Publisher::new(&conn).await.unwrap();
        queue::declare(publisher.channel(), &names, &settings.worker.retry_delays)
            .await
            .unwrap();
        let channel = conn.create_channel().await.unwrap();
        let events_queue = format!("{prefix}.test-events");
        channel
            .queue_declare(
                events_queue.as_str().into(),
                QueueDeclareOptions {
                    auto_delete: true,
                    ..Default::default()
                },
                FieldTable::default(),
            )
            .await
            .unwrap();
        channel
            .queue_bind(
                events_queue.as_str().into(),
                names.events_exchange.as_str().into(),
                "#".into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await
            .unwrap();
        let (pg, pg_conn) = tokio_postgres::connect(super::DATABASE_URL, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(pg_conn);
        TestEnv {
            prefix,
            names,
            server,
            conn,
            channel,
            publisher,
            events_queue,
            pg,
            settings,
            torn_down: false,
        }
    }

    /// A `report-ingest worker` process on the env's prefix, schema, broker and database,
    /// with the test defaults (private addresses, no robots, no politeness limits,
    /// concurrency 4, short retry delays), then `opts`'s flags (which must not repeat
    /// those: clap refuses a repeated flag; a test needing others calls
    /// [`super::process::spawn`] with all of its own).
    pub fn spawn_worker_process(&self, opts: &WorkerOptions) -> WorkerProcess {
        let mut args =
            super::process::worker_flags(&self.prefix, super::AMQP_URL, super::DATABASE_URL);
        args.extend(["--shutdown-grace".to_owned(), "10".to_owned()]);
        super::process::spawn(&args, opts)
    }

    pub fn start_worker(&self) -> RunningWorker {
        let (stop, rx) = tokio::sync::oneshot::channel::<()>();
        let settings = self.settings.clone();
        let metrics = Metrics::new();
        let handle = tokio::spawn(worker::run_with(
            settings,
            metrics.clone(),
            Health::new(),
            async move {
                let _ = rx.await;
            },
        ));
        RunningWorker {
            stop,
            handle,
            metrics,
        }
    }

    pub async fn publish_raw(&self, body: &[u8]) {
        self.publisher
            .publish(
                "",
                &self.names.urls,
                body,
                BasicProperties::default().with_content_type("application/json".into()),
            )
            .await
            .unwrap();
    }

    pub async fn enqueue(&self, msg: Value) {
        self.publish_raw(&serde_json::to_vec(&msg).unwrap()).await;
    }

    /// Reads events until `n` arrived (or fails after `timeout`).
    pub async fn events(&self, n: usize, timeout: Duration) -> Vec<Value> {
        let mut got = Vec::new();
        let deadline = tokio::time::Instant::now() + timeout;
        while got.len() < n {
            match self
                .channel
                .basic_get(
                    self.events_queue.as_str().into(),
                    BasicGetOptions { no_ack: true },
                )
                .await
                .unwrap()
            {
                Some(m) => {
                    assert_eq!(
                        m.delivery
                            .properties
                            .content_type()
                            .as_ref()
                            .map(|s| s.as_str()),
                        Some("application/cloudevents+json")
                    );
                    got.push(serde_json::from_slice(&m.delivery.data).unwrap());
                }
                None => {
                    assert!(
                        tokio::time::Instant::now() < deadline,
                        "timed out with {} of {n} events: {got:#?}",
                        got.len()
                    );
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
        got
    }

    /// Everything in the DLQ: (headers, body).
    pub async fn dead_letters(
        &self,
        n: usize,
        timeout: Duration,
    ) -> Vec<(HashMap<String, String>, Vec<u8>)> {
        let mut got = Vec::new();
        let deadline = tokio::time::Instant::now() + timeout;
        while got.len() < n {
            match self
                .channel
                .basic_get(
                    self.names.dlq.as_str().into(),
                    BasicGetOptions { no_ack: true },
                )
                .await
                .unwrap()
            {
                Some(m) => got.push((headers_text(&m.delivery.properties), m.delivery.data)),
                None => {
                    assert!(
                        tokio::time::Instant::now() < deadline,
                        "timed out with {} of {n} dead letters",
                        got.len()
                    );
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
        got
    }

    /// Deletes what the test declared on the broker (its queues and exchanges), so test
    /// runs leave nothing behind; the schema stays for a look after a failure (schemas
    /// cost nothing on restarts, quorum queues do).
    pub async fn teardown(mut self) {
        super::delete_topology(
            &self.channel,
            &self.names,
            &self.settings.worker.retry_delays,
            &[&self.events_queue],
        )
        .await;
        let _ = self.conn.close(200, "test done".into()).await;
        self.torn_down = true;
    }

    pub async fn report_rows(&self, url: &str) -> i64 {
        self.pg
            .query_one(
                &format!(
                    "SELECT count(*) FROM \"{}\".reports WHERE url = $1",
                    self.prefix
                ),
                &[&url],
            )
            .await
            .unwrap()
            .get(0)
    }

    pub async fn queue_len(&self, queue: &str) -> u32 {
        super::queue_depth(&self.channel, queue).await
    }
}

impl Drop for TestEnv {
    /// A test that panicked (or forgot [`TestEnv::teardown`]) still leaves nothing on the
    /// broker: the queues are deleted from a thread of its own (with a runtime of its own,
    /// since this may run on the test's runtime while it unwinds).
    fn drop(&mut self) {
        if self.torn_down {
            return;
        }
        let prefix = self.prefix.clone();
        let delays = self.settings.worker.retry_delays.clone();
        let events_queue = self.events_queue.clone();
        let cleanup = std::thread::spawn(move || {
            if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                rt.block_on(super::delete_deployment(&prefix, &delays, &[&events_queue]));
            }
        });
        let _ = cleanup.join();
    }
}
