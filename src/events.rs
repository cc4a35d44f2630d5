//! The events we publish downstream: CloudEvents 1.0 documents in structured mode
//! (`application/cloudevents+json`), one per message outcome or replay change.
//!
//! The event `id` is a deterministic UUIDv5, so a consumer can drop duplicates that
//! at-least-once delivery produces (a redelivered message, an outbox row published twice):
//! - `report.completed` / `report.changed`: over (type, url, content_sha256, extractor_version);
//! - `report.failed`: over (type, url, reason, message key): stable across redeliveries and
//!   retries of one message, distinct across messages (the key is the caller's `id` when
//!   given, else a key of the message itself: see `worker::settle::message_key`).
//!
//! Building an event is pure (apart from the `time` attribute, which is the wall clock).

use serde_json::{json, Value};
use uuid::Uuid;

use crate::extract::Report;

/// Content type of every event body (CloudEvents structured mode, JSON format).
pub const CONTENT_TYPE: &str = "application/cloudevents+json";

/// CloudEvents `source` attribute of everything this service emits.
pub const SOURCE: &str = "report-ingest";

/// CloudEvents spec version we follow.
pub const SPEC_VERSION: &str = "1.0";

/// Routing keys, which are also the CloudEvents `type`.
pub use crate::queue::names::routing;

/// Namespace of our UUIDv5 event ids: itself the v5 id of the project URL in the URL
/// namespace, so the ids are stable across builds and machines.
fn namespace() -> Uuid {
    Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        b"https://github.com/report-ingest/report-ingest/events",
    )
}

/// A deterministic id over `parts`, NUL-separated (no part can contain NUL ambiguity
/// because every part is length-prefixed).
pub fn event_id(parts: &[&str]) -> String {
    let mut name = Vec::with_capacity(parts.iter().map(|p| p.len() + 9).sum());
    for p in parts {
        name.extend_from_slice(&(p.len() as u64).to_be_bytes());
        name.extend_from_slice(p.as_bytes());
        name.push(0);
    }
    Uuid::new_v5(&namespace(), &name).to_string()
}

/// One event ready to publish: its id (also the AMQP `message_id`), its routing key on
/// `{prefix}.events`, and the CloudEvents JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: String,
    pub routing_key: &'static str,
    pub body: Vec<u8>,
}

impl Event {
    /// The body parsed back (for logs and tests).
    pub fn json(&self) -> Result<Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn envelope(id: &str, ty: &'static str, subject: &str, data: Value) -> Event {
    let doc = json!({
        "specversion": SPEC_VERSION,
        "id": id,
        "source": SOURCE,
        "type": ty,
        "time": now_rfc3339(),
        "subject": subject,
        "datacontenttype": "application/json",
        "data": data,
    });
    // Serialising a `Value` built from strings and numbers cannot fail (no maps with
    // non-string keys, no custom Serialize impls); an empty body would be a bug caught by
    // every consumer test.
    let body = serde_json::to_vec(&doc).unwrap_or_default();
    Event {
        id: id.to_owned(),
        routing_key: ty,
        body,
    }
}

/// Number of figures over all articles of a report.
pub fn figure_count(report: &Report) -> usize {
    report.articles.iter().map(|a| a.figures.len()).sum()
}

/// Encoding forensics of a report, as carried in events and stored with the row.
fn charset_forensics(report: &Report) -> Value {
    json!({
        "declared": report.charset_info.declared,
        "source": report.charset_info.source,
        "used": report.charset_info.used,
        "replacement_ratio": report.charset_info.replacement_ratio,
        "script": report.script,
    })
}

/// The `data` fields a completed and a changed event share.
fn report_data(
    report_id: i64,
    url: &str,
    final_url: Option<&str>,
    report: &Report,
    sha: &str,
) -> Value {
    json!({
        "report_id": report_id,
        "url": url,
        "final_url": final_url,
        "title": report.title,
        "doc_type": report.doc_type,
        "published": report.published,
        "source_org": report.source_org,
        "region": report.region,
        "period": report.period,
        "article_count": report.articles.len(),
        "figure_count": figure_count(report),
        "attachment_count": report.attachments.len(),
        "content_sha256": sha,
        "extractor_version": report.extractor_version,
        "charset_forensics": charset_forensics(report),
    })
}

/// How many pages a stored report is made of, and how many it lacks (`incomplete`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pages {
    pub count: u32,
    pub missing: u32,
}

impl Pages {
    /// A report of one page.
    pub const ONE: Pages = Pages {
        count: 1,
        missing: 0,
    };
}

/// `report.completed`: a message's page is stored (or was already stored unchanged).
#[allow(clippy::too_many_arguments)]
pub fn completed(
    report_id: i64,
    url: &str,
    final_url: &str,
    report: &Report,
    content_sha256: &str,
    unchanged: bool,
    pages: Pages,
    msg_id: Option<&str>,
    msg_meta: Option<&Value>,
) -> Event {
    let id = event_id(&[
        routing::COMPLETED,
        url,
        content_sha256,
        &report.extractor_version,
    ]);
    let mut data = report_data(report_id, url, Some(final_url), report, content_sha256);
    if let Some(obj) = data.as_object_mut() {
        obj.insert("unchanged".into(), Value::Bool(unchanged));
        obj.insert("page_count".into(), pages.count.into());
        obj.insert("pages_missing".into(), pages.missing.into());
        obj.insert("incomplete".into(), Value::Bool(pages.missing > 0));
        obj.insert(
            "id".into(),
            msg_id.map_or(Value::Null, |s| Value::String(s.into())),
        );
        obj.insert("meta".into(), msg_meta.cloned().unwrap_or(Value::Null));
    }
    envelope(&id, routing::COMPLETED, url, data)
}

/// `report.failed`: a message is dead-lettered for good. `message_key` identifies the
/// message (stable across its redeliveries), so two messages failing on one URL get two ids.
#[allow(clippy::too_many_arguments)]
pub fn failed(
    message_key: &str,
    url: &str,
    reason: &str,
    detail: &str,
    attempts: u32,
    host: Option<&str>,
    msg_id: Option<&str>,
    msg_meta: Option<&Value>,
) -> Event {
    let id = event_id(&[routing::FAILED, url, reason, message_key]);
    let data = json!({
        "url": url,
        "reason": reason,
        "detail": detail,
        "attempts": attempts,
        "host": host,
        "id": msg_id,
        "meta": msg_meta,
    });
    envelope(&id, routing::FAILED, url, data)
}

/// `report.changed`: `replay` re-extracted a stored page and the output changed.
/// `data.extractor_version` is the new version, `data.old_extractor_version` the stored one.
pub fn changed(
    report_id: i64,
    url: &str,
    report: &Report,
    old_version: &str,
    new_version: &str,
    content_sha256: &str,
) -> Event {
    let id = event_id(&[routing::CHANGED, url, content_sha256, new_version]);
    let mut data = report_data(report_id, url, None, report, content_sha256);
    if let Some(obj) = data.as_object_mut() {
        obj.remove("final_url");
        obj.insert(
            "extractor_version".into(),
            Value::String(new_version.into()),
        );
        obj.insert(
            "old_extractor_version".into(),
            Value::String(old_version.into()),
        );
    }
    envelope(&id, routing::CHANGED, url, data)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn report(version: &str) -> Report {
        Report {
            title: Some("年度工作总结".into()),
            extractor_version: version.into(),
            ..Default::default()
        }
    }

    #[test]
    fn completed_is_a_cloudevent_with_deterministic_id() {
        let r = report("1.2.0");
        let a = completed(
            7,
            "https://a.example/x",
            "https://a.example/y",
            &r,
            "ab",
            false,
            Pages::ONE,
            Some("m1"),
            None,
        );
        let b = completed(
            7,
            "https://a.example/x",
            "https://a.example/y",
            &r,
            "ab",
            true,
            Pages::ONE,
            None,
            None,
        );
        assert_eq!(a.id, b.id, "id ignores delivery details");
        let c = completed(
            7,
            "https://a.example/x",
            "https://a.example/y",
            &report("1.3.0"),
            "ab",
            false,
            Pages::ONE,
            None,
            None,
        );
        assert_ne!(a.id, c.id, "a new extractor version is a new event");
        let d = completed(
            7,
            "https://a.example/x",
            "https://a.example/y",
            &r,
            "cd",
            false,
            Pages::ONE,
            None,
            None,
        );
        assert_ne!(a.id, d.id, "new content is a new event");
        let v = a.json().unwrap();
        assert_eq!(v["specversion"], "1.0");
        assert_eq!(v["type"], "report.completed");
        assert_eq!(v["source"], "report-ingest");
        assert_eq!(v["subject"], "https://a.example/x");
        assert_eq!(v["id"], a.id.as_str());
        assert_eq!(v["data"]["id"], "m1");
        assert_eq!(v["data"]["unchanged"], false);
        assert_eq!(v["data"]["title"], "年度工作总结");
        assert_eq!(v["data"]["final_url"], "https://a.example/y");
        assert_eq!(v["data"]["page_count"], 1);
        assert_eq!(v["data"]["pages_missing"], 0);
        assert_eq!(v["data"]["incomplete"], false);
        assert!(chrono::DateTime::parse_from_rfc3339(v["time"].as_str().unwrap()).is_ok());
        assert!(Uuid::parse_str(&a.id).unwrap().get_version_num() == 5);
    }

    #[test]
    fn failed_id_depends_on_reason_only() {
        let a = failed(
            "",
            "https://a.example/",
            "http_404",
            "x",
            1,
            Some("a.example"),
            None,
            None,
        );
        let b = failed(
            "",
            "https://a.example/",
            "http_404",
            "y",
            3,
            None,
            None,
            None,
        );
        let c = failed(
            "",
            "https://a.example/",
            "timeout",
            "x",
            1,
            None,
            None,
            None,
        );
        // Another message failing on the same URL for the same reason: another id.
        let d = failed(
            "id:other",
            "https://a.example/",
            "http_404",
            "x",
            1,
            None,
            None,
            None,
        );
        assert_ne!(a.id, d.id);
        assert_eq!(a.id, b.id);
        assert_ne!(a.id, c.id);
        let v = a.json().unwrap();
        assert_eq!(v["data"]["reason"], "http_404");
        assert_eq!(v["data"]["attempts"], 1);
        assert_eq!(v["data"]["host"], "a.example");
    }

    #[test]
    fn changed_carries_both_versions() {
        let e = changed(
            3,
            "https://a.example/",
            &report("2.0.0"),
            "1.0.0",
            "2.0.0",
            "ff",
        );
        let v = e.json().unwrap();
        assert_eq!(e.routing_key, "report.changed");
        assert_eq!(v["data"]["old_extractor_version"], "1.0.0");
        assert_eq!(v["data"]["extractor_version"], "2.0.0");
    }

    #[test]
    fn id_parts_are_unambiguous() {
        assert_ne!(event_id(&["ab", "c"]), event_id(&["a", "bc"]));
    }
}
