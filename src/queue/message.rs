//! The URL message on `{prefix}.urls`: JSON `{"url", "id"?, "meta"?, "force"?}` or one bare
//! URL as text. Parsing is pure; anything unusable is a [`MessageError`], which is always
//! permanent (the same bytes never parse later), so the worker dead-letters it at once.

use serde::Deserialize;

use crate::disposition::{Classify, Disposition};

/// Longest URL accepted, in bytes (the contract: "a URL longer than 8 KiB" is refused).
pub const MAX_URL_BYTES: usize = 8 * 1024;

/// Largest message body looked at, in bytes. A URL message is well under 16 KiB even with
/// a generous `meta`; a 1 MB body is garbage and is refused without parsing it.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// One unit of work.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The URL as given (validated: http/https, host present, ≤ [`MAX_URL_BYTES`]).
    pub url: String,
    /// The caller's id, echoed in events.
    pub id: Option<String>,
    /// The caller's JSON object, echoed in events.
    pub meta: Option<serde_json::Value>,
    /// Refetch and re-extract even if the URL was seen before.
    pub force: bool,
}

/// Why a message body is not a usable URL message. Every variant is permanent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    /// Not JSON, JSON without a string `url`, or not one bare URL.
    #[error("malformed: {0}")]
    Malformed(String),
    /// A scheme other than http/https, or a URL without a host.
    #[error("bad_scheme: {0}")]
    BadScheme(String),
    /// The URL is longer than [`MAX_URL_BYTES`].
    #[error("url_too_long: {0} bytes")]
    UrlTooLong(usize),
    /// The URL carries userinfo (`user:pass@`). Refused, never fetched: credentials do
    /// not belong in a queue, a log, an event or a stored row.
    #[error("credentials_in_url: URLs with user:password@ are refused")]
    Credentials,
}

/// A refused message, with the caller's `id` and `meta` when the body parsed as a JSON
/// object (so `report.failed` can echo them even though the URL is unusable).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{error}")]
pub struct Rejected {
    pub error: MessageError,
    pub id: Option<String>,
    pub meta: Option<serde_json::Value>,
}

impl From<MessageError> for Rejected {
    fn from(error: MessageError) -> Self {
        Self {
            error,
            id: None,
            meta: None,
        }
    }
}

impl Classify for Rejected {
    fn disposition(&self) -> Disposition {
        self.error.disposition()
    }
    fn reason(&self) -> &'static str {
        self.error.reason()
    }
}

impl Classify for MessageError {
    fn disposition(&self) -> Disposition {
        Disposition::DeadLetter
    }
    fn reason(&self) -> &'static str {
        match self {
            MessageError::Malformed(_) => "malformed",
            MessageError::BadScheme(_) => "bad_scheme",
            MessageError::UrlTooLong(_) => "url_too_long",
            MessageError::Credentials => "credentials_in_url",
        }
    }
}

#[derive(Deserialize)]
struct Wire {
    url: Option<serde_json::Value>,
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    meta: Option<serde_json::Value>,
    #[serde(default)]
    force: Option<serde_json::Value>,
}

/// Parses a message body: a JSON object with a `url`, or a body that is one bare URL.
pub fn parse_message(body: &[u8]) -> Result<Message, Rejected> {
    if body.len() > MAX_BODY_BYTES {
        return Err(MessageError::Malformed(format!(
            "body of {} bytes exceeds {MAX_BODY_BYTES}",
            body.len()
        ))
        .into());
    }
    let text = std::str::from_utf8(body)
        .map_err(|_| MessageError::Malformed("body is not UTF-8".into()))?
        .trim();
    if text.is_empty() {
        return Err(MessageError::Malformed("empty body".into()).into());
    }
    if text.starts_with('{') {
        let wire: Wire = serde_json::from_str(text)
            .map_err(|e| MessageError::Malformed(format!("invalid JSON: {e}")))?;
        let id = match wire.id {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(s)) => Some(s),
            // A numeric id is echoed as its JSON text rather than refused.
            Some(other) => Some(other.to_string()),
        };
        let meta = match wire.meta {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => Some(v),
        };
        let force = matches!(wire.force, Some(serde_json::Value::Bool(true)));
        let rejected = |error: MessageError| Rejected {
            error,
            id: id.clone(),
            meta: meta.clone(),
        };
        let url = match wire.url {
            Some(serde_json::Value::String(s)) => s,
            Some(_) => {
                return Err(rejected(MessageError::Malformed(
                    "`url` is not a string".into(),
                )))
            }
            None => return Err(rejected(MessageError::Malformed("no `url` field".into()))),
        };
        let url = check_url(url.trim()).map_err(rejected)?;
        return Ok(Message {
            url,
            id,
            meta,
            force,
        });
    }
    if text.starts_with('[') || text.starts_with('"') {
        return Err(MessageError::Malformed("JSON that is not an object".into()).into());
    }
    if text.split_whitespace().nth(1).is_some() {
        return Err(MessageError::Malformed("text is not one bare URL".into()).into());
    }
    Ok(Message {
        url: check_url(text)?,
        id: None,
        meta: None,
        force: false,
    })
}

/// Checks length, scheme and host; returns the URL as given (not normalised, so the
/// stored `url` is what the caller sent).
fn check_url(raw: &str) -> Result<String, MessageError> {
    if raw.len() > MAX_URL_BYTES {
        return Err(MessageError::UrlTooLong(raw.len()));
    }
    if raw.is_empty() {
        return Err(MessageError::Malformed("empty url".into()));
    }
    if raw.contains('\0') {
        // The URL parser percent-encodes U+0000 and the fetch would go ahead; the stored
        // row could not hold it. Refused here, as malformed.
        return Err(MessageError::Malformed("url contains U+0000".into()));
    }
    let parsed = url::Url::parse(raw).map_err(|e| {
        // `ftp:/x` style junk still has a scheme; only say bad_scheme when there is one.
        match raw.split_once(':') {
            Some((scheme, _))
                if !scheme.is_empty()
                    && !scheme.eq_ignore_ascii_case("http")
                    && !scheme.eq_ignore_ascii_case("https")
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
            {
                MessageError::BadScheme(scheme.to_ascii_lowercase())
            }
            _ => MessageError::Malformed(format!("invalid url: {e}")),
        }
    })?;
    match parsed.scheme() {
        "http" | "https" => {}
        other => return Err(MessageError::BadScheme(other.to_owned())),
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(MessageError::BadScheme("url has no host".into()));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(MessageError::Credentials);
    }
    Ok(raw.to_owned())
}

/// `text` with the userinfo of every `scheme://user:pass@host` in it replaced by
/// `user:***@` (or `***@` when there is no password), for logs and event subjects built
/// from raw message bodies. Text without userinfo is returned unchanged.
pub fn redact_userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        // The authority ends at the first '/', '?', '#', whitespace or quote.
        let end = tail
            .find(|c: char| matches!(c, '/' | '?' | '#' | '"' | '\'') || c.is_whitespace())
            .unwrap_or(tail.len());
        let (authority, after) = tail.split_at(end);
        match authority.rfind('@') {
            Some(at) => {
                let userinfo = &authority[..at];
                match userinfo.split_once(':') {
                    Some((user, _)) => {
                        out.push_str(user);
                        out.push_str(":***");
                    }
                    None => out.push_str("***"),
                }
                out.push_str(&authority[at..]);
            }
            None => out.push_str(authority),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn id_and_meta_survive_a_bad_url() {
        let long = format!("https://example.org/{}", "a".repeat(9000));
        let bad_urls = [
            serde_json::json!(5),
            serde_json::json!(""),
            serde_json::json!("ftp://example.org/x"),
            serde_json::json!("/relative/path"),
            serde_json::json!(long),
            serde_json::json!("https://example.org/a\u{0}b"),
            serde_json::json!("https://u:p@example.org/"),
        ];
        for url in bad_urls {
            let body = serde_json::json!({"url": url, "id": "m-7", "meta": {"k": [1, 2]}});
            let e = parse_message(body.to_string().as_bytes()).unwrap_err();
            assert_eq!(e.id.as_deref(), Some("m-7"), "{url}");
            assert_eq!(e.meta, Some(serde_json::json!({"k": [1, 2]})), "{url}");
        }
        let e = parse_message(br#"{"id":"m-8"}"#).unwrap_err();
        assert_eq!(e.id.as_deref(), Some("m-8"));
        assert_eq!(parse_message(b"{broken").unwrap_err().id, None);
    }

    #[test]
    fn redaction() {
        assert_eq!(
            redact_userinfo(r#"{"url":"https://bob:hunter2@example.org/x?a=b@c"}"#),
            r#"{"url":"https://bob:***@example.org/x?a=b@c"}"#
        );
        assert_eq!(redact_userinfo("http://tok@h/"), "http://***@h/");
        assert_eq!(redact_userinfo("http://h/p@x"), "http://h/p@x");
        assert_eq!(redact_userinfo("plain"), "plain");
    }

    #[test]
    fn json_with_everything() {
        let m = parse_message(
            br#"{"url":"https://example.org/a.html","id":"x1","meta":{"k":1},"force":true}"#,
        )
        .unwrap();
        assert_eq!(m.url, "https://example.org/a.html");
        assert_eq!(m.id.as_deref(), Some("x1"));
        assert_eq!(m.meta, Some(serde_json::json!({"k":1})));
        assert!(m.force);
    }

    #[test]
    fn bare_url_with_newline() {
        let m = parse_message(b"http://example.org/x\n").unwrap();
        assert_eq!(m.url, "http://example.org/x");
        assert!(!m.force && m.id.is_none());
    }

    #[test]
    fn refusals_have_the_right_reason() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "malformed"),
            (b"not a url at all", "malformed"),
            (b"{\"nourl\":1}", "malformed"),
            (b"{\"url\":5}", "malformed"),
            (b"{broken", "malformed"),
            (b"[1,2]", "malformed"),
            (b"\xff\xfe", "malformed"),
            (b"ftp://example.org/x", "bad_scheme"),
            (b"file:///etc/passwd", "bad_scheme"),
            (b"{\"url\":\"javascript:alert(1)\"}", "bad_scheme"),
            (b"http://", "malformed"),
        ];
        for (body, reason) in cases {
            let e = parse_message(body).unwrap_err();
            assert_eq!(e.reason(), *reason, "{:?}", String::from_utf8_lossy(body));
            assert_eq!(e.disposition(), Disposition::DeadLetter);
        }
        let long = format!("{{\"url\":\"https://example.org/{}\"}}", "a".repeat(9000));
        assert_eq!(
            parse_message(long.as_bytes()).unwrap_err().reason(),
            "url_too_long"
        );
        for body in [
            &b"http://user:secret@example.org/x"[..],
            br#"{"url":"https://user:secret@example.org/x","id":"c1"}"#,
            br#"{"url":"https://user@example.org/x"}"#,
        ] {
            assert_eq!(
                parse_message(body).unwrap_err().reason(),
                "credentials_in_url"
            );
        }
        assert_eq!(
            parse_message(b"{\"url\":\"https://example.org/a\\u0000b\"}")
                .unwrap_err()
                .reason(),
            "malformed"
        );
        let huge = vec![b'a'; 1 << 20];
        assert_eq!(parse_message(&huge).unwrap_err().reason(), "malformed");
    }
}
