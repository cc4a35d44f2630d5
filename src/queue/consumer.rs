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
            &names.urls,
            consumer_tag,
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    Ok((channel, consumer))
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
