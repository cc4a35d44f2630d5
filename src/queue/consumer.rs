//! Connecting, consuming with a bounded prefetch, and reading our headers off a delivery.

use lapin::options::{BasicConsumeOptions, BasicQosOptions};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties, Consumer};

use super::names::headers;
use super::{Names, QueueError};
use crate::config::BrokerArgs;

/// Opens a connection to the broker named by `broker.amqp_url` (never logged: it may hold
/// a password).
pub async fn connect(broker: &BrokerArgs) -> Result<Connection, QueueError> {
    let props = ConnectionProperties::default()
        .with_connection_name(LongString::from(format!("report-ingest:{}", broker.prefix)));
    Ok(Connection::connect(broker.amqp_url.expose(), props).await?)
}

/// Opens a consuming channel on the work queue with `prefetch` unacked messages at most.
/// `prefetch` equals the worker's concurrency: a larger one parks messages in this
/// process that other replicas could be working on; a smaller one leaves workers idle.
pub async fn consume(
    conn: &Connection,
    names: &Names,
    prefetch: u16,
    consumer_tag: &str,
) -> Result<(Channel, Consumer), QueueError> {
    let channel = conn.create_channel().await?;
    channel
        .basic_qos(prefetch.max(1), BasicQosOptions::default())
        .await?;
    let consumer = channel
        .basic_consume(
            names.urls.as_str().into(),
            consumer_tag.into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    Ok((channel, consumer))
}

/// Acks one delivery. lapin 4 answers `Ok(false)` when the delivery's channel is gone (a
/// connection recovery made its delivery tag stale) or it was already settled: that is an
/// error here too, because the broker will redeliver the message.
pub async fn ack(acker: &lapin::Acker) -> Result<(), lapin::Error> {
    if acker
        .ack(lapin::options::BasicAckOptions::default())
        .await?
    {
        Ok(())
    } else {
        Err(stale_delivery())
    }
}

/// The error for an ack or nack on a delivery whose channel is gone.
fn stale_delivery() -> lapin::Error {
    lapin::ErrorKind::InvalidChannelState(
        lapin::ChannelState::Closed,
        "the delivery's channel is gone (stale delivery tag)",
    )
    .into()
}

fn header<'a>(props: &'a BasicProperties, name: &str) -> Option<&'a AMQPValue> {
    props
        .headers()
        .as_ref()
        .and_then(|h| h.inner().get(&ShortString::from(name)))
}

/// An integer header, whatever integer width the publisher chose.
pub fn header_u64(props: &BasicProperties, name: &str) -> Option<u64> {
    match header(props, name)? {
        AMQPValue::ShortShortUInt(v) => Some(u64::from(*v)),
        AMQPValue::ShortUInt(v) => Some(u64::from(*v)),
        AMQPValue::LongUInt(v) => Some(u64::from(*v)),
        AMQPValue::ShortShortInt(v) => u64::try_from(*v).ok(),
        AMQPValue::ShortInt(v) => u64::try_from(*v).ok(),
        AMQPValue::LongInt(v) => u64::try_from(*v).ok(),
        AMQPValue::LongLongInt(v) => u64::try_from(*v).ok(),
        AMQPValue::LongString(s) => std::str::from_utf8(s.as_bytes()).ok()?.trim().parse().ok(),
        _ => None,
    }
}

/// A string header.
pub fn header_str(props: &BasicProperties, name: &str) -> Option<String> {
    match header(props, name)? {
        AMQPValue::LongString(s) => Some(String::from_utf8_lossy(s.as_bytes()).into_owned()),
        AMQPValue::ShortString(s) => Some(s.to_string()),
        _ => None,
    }
}

/// Failed attempts recorded on the message so far (0 for a fresh message).
pub fn attempts(props: &BasicProperties) -> u32 {
    header_u64(props, headers::ATTEMPTS)
        .and_then(|v| u32::try_from(v).ok())
        .unwrap_or(0)
}

/// Builds a header table from string and integer values.
pub fn header_table(strings: &[(&str, &str)], ints: &[(&str, i64)]) -> FieldTable {
    let mut t = FieldTable::default();
    for (k, v) in strings {
        t.insert(
            ShortString::from(*k),
            AMQPValue::LongString(LongString::from(v.as_bytes().to_vec())),
        );
    }
    for (k, v) in ints {
        t.insert(ShortString::from(*k), AMQPValue::LongLongInt(*v));
    }
    t
}

/// Headers the broker adds to a delivered message about its life so far (dead-letter
/// hops, the quorum queue's delivery count). A republished copy is a new life: they are
/// dropped, or `x-death` only grows and a stale `x-delivery-count` misleads the next reader.
pub const BROKER_BOOKKEEPING: &[&str] = &[
    "x-death",
    "x-first-death-exchange",
    "x-first-death-queue",
    "x-first-death-reason",
    "x-last-death-exchange",
    "x-last-death-queue",
    "x-last-death-reason",
    "x-delivery-count",
];

/// The one header rebuild for every republished copy of a delivered message (retry,
/// politeness delay, dead letter, `dlq requeue`): every AMQP property of `original` is
/// kept (content type defaulting to JSON), the broker's bookkeeping
/// ([`BROKER_BOOKKEEPING`]) and the headers named in `drop` are removed, then `strings`
/// and `ints` are set.
pub fn rebuild_properties(
    original: &BasicProperties,
    drop: &[&str],
    strings: &[(&str, &str)],
    ints: &[(&str, i64)],
) -> BasicProperties {
    let mut table = FieldTable::default();
    if let Some(h) = original.headers() {
        for (k, v) in h.inner() {
            let k_str = k.as_str();
            if !BROKER_BOOKKEEPING.contains(&k_str) && !drop.contains(&k_str) {
                table.insert(k.clone(), v.clone());
            }
        }
    }
    for (k, v) in header_table(strings, ints).inner() {
        table.insert(k.clone(), v.clone());
    }
    let mut out = BasicProperties::default()
        .with_headers(table)
        .with_content_type(
            original
                .content_type()
                .clone()
                .unwrap_or_else(|| ShortString::from("application/json")),
        );
    if let Some(v) = original.content_encoding() {
        out = out.with_content_encoding(v.clone());
    }
    if let Some(v) = original.message_id() {
        out = out.with_message_id(v.clone());
    }
    if let Some(v) = original.correlation_id() {
        out = out.with_correlation_id(v.clone());
    }
    if let Some(v) = original.timestamp() {
        out = out.with_timestamp(*v);
    }
    if let Some(v) = original.app_id() {
        out = out.with_app_id(v.clone());
    }
    if let Some(v) = original.kind() {
        out = out.with_type(v.clone());
    }
    if let Some(v) = original.priority() {
        out = out.with_priority(*v);
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rebuilt_copies_keep_properties_and_drop_broker_bookkeeping() {
        let orig = BasicProperties::default()
            .with_headers(header_table(
                &[
                    ("x-first-death-reason", "rejected"),
                    ("keep", "k"),
                    ("gone", "g"),
                ],
                &[("x-delivery-count", 7), (headers::ATTEMPTS, 1)],
            ))
            .with_message_id("m".into())
            .with_correlation_id("c".into())
            .with_priority(3);
        let p = rebuild_properties(&orig, &["gone"], &[("new", "n")], &[(headers::ATTEMPTS, 2)]);
        assert_eq!(header_str(&p, "keep").as_deref(), Some("k"));
        assert_eq!(header_str(&p, "new").as_deref(), Some("n"));
        assert!(header_str(&p, "gone").is_none());
        assert!(header_str(&p, "x-first-death-reason").is_none());
        assert!(header_u64(&p, "x-delivery-count").is_none());
        assert_eq!(attempts(&p), 2);
        assert_eq!(p.message_id().as_ref().map(|s| s.as_str()), Some("m"));
        assert_eq!(p.correlation_id().as_ref().map(|s| s.as_str()), Some("c"));
        assert_eq!(*p.priority(), Some(3));
        assert_eq!(
            p.content_type().as_ref().map(|s| s.as_str()),
            Some("application/json")
        );
    }
}
