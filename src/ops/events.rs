//! `events tail`: a small downstream consumer of the topic exchange `{prefix}.events`.
//!
//! It binds a queue of its own to the exchange with routing patterns (`#` = everything,
//! `report.failed`, `report.*`), and hands each event to a sink: one pretty line, or the
//! CloudEvents JSON on one line. By default the queue is server-named, exclusive and
//! auto-deleted (it exists while the tail runs, events published before it started are
//! not seen); `--queue NAME` makes it durable so a tail can stop and resume without gaps.

use std::future::Future;
use std::time::Duration;

use futures::StreamExt;
use lapin::options::{
    BasicConsumeOptions, BasicQosOptions, ExchangeDeclareOptions, QueueBindOptions,
    QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{Connection, ExchangeKind};

use super::OpsError;
use crate::queue::Names;

/// Most unacked events in flight to the tail. Events are small and printing is fast;
/// 256 keeps the broker from waiting on round trips without buffering much.
pub const TAIL_PREFETCH: u16 = 256;

/// What to tail and when to stop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TailOptions {
    /// Routing patterns bound to the queue (`#` when empty).
    pub patterns: Vec<String>,
    /// A durable queue of this name instead of an exclusive, auto-deleted one.
    pub queue: Option<String>,
    /// Stop after this many events.
    pub count: Option<u64>,
    /// Stop after this long without an event.
    pub idle_timeout: Option<Duration>,
}

/// Why the tail stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    Count,
    Idle,
    Shutdown,
    /// The broker cancelled the consumer (queue deleted, connection closed).
    Cancelled,
}

/// A ready-to-consume queue bound to the events exchange. Create it with [`bind`] before
/// anything is published that the caller wants to see, then [`Tail::run`].
pub struct Tail {
    channel: lapin::Channel,
    /// The queue's name (server-generated unless `--queue` was given).
    pub queue: String,
    options: TailOptions,
}

/// Declares the events exchange (idempotent, same arguments as the worker's topology, so a
/// tail may start before any worker), the queue, and its bindings.
pub async fn bind(
    conn: &Connection,
    names: &Names,
    options: TailOptions,
) -> Result<Tail, OpsError> {
    let channel = conn.create_channel().await?;
    channel
        .exchange_declare(
            names.events_exchange.as_str().into(),
            ExchangeKind::Topic,
            ExchangeDeclareOptions {
                durable: true,
                ..ExchangeDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await?;
    let declare = match &options.queue {
        Some(_) => QueueDeclareOptions {
            durable: true,
            ..QueueDeclareOptions::default()
        },
        None => QueueDeclareOptions {
            exclusive: true,
            auto_delete: true,
            ..QueueDeclareOptions::default()
        },
    };
    let q = channel
        .queue_declare(
            options.queue.as_deref().unwrap_or("").into(),
            declare,
            FieldTable::default(),
        )
        .await?;
    let queue = q.name().to_string();
    let default_pattern = ["#".to_owned()];
    let patterns: &[String] = if options.patterns.is_empty() {
        &default_pattern
    } else {
        &options.patterns
    };
    for p in patterns {
        channel
            .queue_bind(
                queue.as_str().into(),
                names.events_exchange.as_str().into(),
                p.as_str().into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await?;
    }
    let prefetch = options.count.map_or(TAIL_PREFETCH, |c| {
        u16::try_from(c.max(1))
            .unwrap_or(TAIL_PREFETCH)
            .min(TAIL_PREFETCH)
    });
    channel
        .basic_qos(prefetch, BasicQosOptions::default())
        .await?;
    Ok(Tail {
        channel,
        queue,
        options,
    })
}

impl Tail {
    /// Consumes until the count, the idle timeout, `shutdown` or a broker cancel; calls
    /// `sink` with each event body (then acks it). Returns how many events were handled
    /// and why it stopped. Events received beyond `count` are not acked, so a durable
    /// queue keeps them.
    pub async fn run<F>(
        self,
        mut sink: F,
        shutdown: impl Future<Output = ()>,
    ) -> Result<(u64, Stopped), OpsError>
    where
        F: FnMut(&[u8]) -> std::io::Result<()>,
    {
        let mut consumer = self
            .channel
            .basic_consume(
                self.queue.as_str().into(),
                "".into(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await?;
        tokio::pin!(shutdown);
        let mut seen = 0u64;
        let stopped = loop {
            if self.options.count.is_some_and(|c| seen >= c) {
                break Stopped::Count;
            }
            let idle = async {
                match self.options.idle_timeout {
                    Some(d) => tokio::time::sleep(d).await,
                    None => std::future::pending().await,
                }
            };
            let delivery = tokio::select! {
                d = consumer.next() => d,
                () = idle => break Stopped::Idle,
                () = &mut shutdown => break Stopped::Shutdown,
            };
            let Some(delivery) = delivery else {
                break Stopped::Cancelled;
            };
            let delivery = delivery?;
            sink(&delivery.data)?;
            crate::queue::consumer::ack(&delivery.acker).await?;
            seen += 1;
        };
        // Closing returns unacked deliveries to a durable queue; an exclusive one goes away.
        if self.channel.status().connected() {
            self.channel.close(200, "done".into()).await?;
        }
        Ok((seen, stopped))
    }
}

/// One event as a single line of JSON (the body re-serialised compactly; a body that is
/// not JSON is printed as a JSON string so every line still parses).
pub fn json_line(body: &[u8]) -> String {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(v) => v.to_string(),
        Err(_) => serde_json::Value::String(String::from_utf8_lossy(body).into_owned()).to_string(),
    }
}

/// One event as one human line: `time type subject "title" key=value…` with the fields
/// an operator looks at first (reason and attempts for failures, versions for changes).
pub fn pretty(body: &[u8]) -> String {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return format!("<not JSON: {} bytes>", body.len());
    };
    let s = |p: &str| {
        v.pointer(p)
            .and_then(|x| match x {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Null => None,
                other => Some(other.to_string()),
            })
            .map(|t| one_line(&t))
    };
    let mut line = format!(
        "{} {:<16} {}",
        s("/time").unwrap_or_else(|| "-".into()),
        s("/type").unwrap_or_else(|| "-".into()),
        s("/subject")
            .or_else(|| s("/data/url"))
            .unwrap_or_else(|| "-".into()),
    );
    if let Some(t) = s("/data/title") {
        line.push_str(&format!(" {t:?}"));
    }
    for (key, ptr) in [
        ("reason", "/data/reason"),
        ("attempts", "/data/attempts"),
        ("doc_type", "/data/doc_type"),
        ("articles", "/data/article_count"),
        ("figures", "/data/figure_count"),
        ("id", "/data/id"),
    ] {
        if let Some(val) = s(ptr) {
            line.push_str(&format!(" {key}={val}"));
        }
    }
    if v.pointer("/data/unchanged") == Some(&serde_json::Value::Bool(true)) {
        line.push_str(" unchanged");
    }
    if let Some(old) = s("/data/old_extractor_version") {
        let new = s("/data/extractor_version").unwrap_or_else(|| "?".into());
        line.push_str(&format!(" extractor={old}->{new}"));
    }
    line
}

/// Collapses whitespace so a title with newlines stays on one line.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_lines() {
        let ev = br#"{"specversion":"1.0","type":"report.failed","time":"2026-01-01T00:00:00Z",
            "subject":"https://h.example/x","data":{"url":"https://h.example/x","reason":"http_404","attempts":1}}"#;
        assert_eq!(
            pretty(ev),
            "2026-01-01T00:00:00Z report.failed    https://h.example/x reason=http_404 attempts=1"
        );
        let ev = br#"{"type":"report.completed","time":"t","subject":"u","data":{"title":"A\n title","article_count":2,"unchanged":true}}"#;
        assert_eq!(
            pretty(ev),
            "t report.completed u \"A title\" articles=2 unchanged"
        );
        let ev = br#"{"type":"report.changed","time":"t","subject":"u","data":{"unchanged":false,"extractor_version":"2","old_extractor_version":"1"}}"#;
        assert_eq!(pretty(ev), "t report.changed   u extractor=1->2");
        assert_eq!(pretty(b"\xff"), "<not JSON: 1 bytes>");
    }

    #[test]
    fn json_lines_are_one_line() {
        assert_eq!(json_line(b"{\n \"a\": 1\n}"), "{\"a\":1}");
        assert_eq!(json_line(b"plain\ntext"), "\"plain\\ntext\"");
    }
}
