//! Fetching pages over HTTP(S) with limits: the only module that talks to web servers.
//!
//! [`Fetcher::fetch`] does, for one URL:
//! 1. [`guard::check_url`]: scheme http/https, ≤ 8 KiB, a host, IP literals against the
//!    address policy (no request is sent to a refused address);
//! 2. a per-host permit (at most `per_host` requests in flight to one host from this
//!    process; the fleet-wide budget is `politeness`'s job);
//! 3. the request (reqwest + rustls, no proxies, our User-Agent, `Accept-Encoding: gzip, br,
//!    deflate`), names resolved by [`guard::GuardedResolver`] which drops refused addresses;
//! 4. redirects followed by hand, each hop checked by [`guard::check_redirect`] (loop, cap,
//!    scheme, IP literal) and resolved again through the guard;
//! 5. status: 2xx → body; 429/408/5xx → retry (honouring `Retry-After`); other → dead letter;
//! 6. `Content-Type` (HTML, XHTML, or missing/octet-stream → sniffed) and magic bytes
//!    (PDF, ZIP, Office, images, archives → `not_html`), checked on the first bytes so a
//!    binary file is not downloaded;
//! 7. the body streamed and counted after decompression, aborted at `max_body`
//!    (`too_large`), so memory stays bounded by the cap whatever the server sends.
//!
//! The connect timeout applies per connection; the total timeout runs from the moment the
//! first request may start (after the per-host permit) to the last body byte, across all
//! redirect hops.
//!
//! [`Fetcher::robots_allowed`] answers from robots.txt, fetched through the same path (same
//! guard, limits and User-Agent) once per origin and cached (see [`robots`]).

pub mod guard;
pub mod robots;

use std::collections::HashMap;
use std::error::Error as StdError;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use reqwest::header::{HeaderMap, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use url::Url;

use crate::config::{FetchArgs, PolitenessArgs};
use crate::disposition::{Classify, Disposition};

pub use guard::{BlockedAddress, MAX_URL_LEN};
use robots::{Cached, RobotsCache, Rules};

/// Longest `Retry-After` honoured. A server asking for more gets this; the message is
/// retried then (and dead-lettered after the worker's attempt limit) rather than parked
/// for days on one header.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

/// Most hosts with a per-host semaphore kept in memory. Beyond it, idle semaphores (no
/// permit taken) are dropped; a dropped one is recreated on next use, which is harmless
/// because it was idle. 10,000 entries ≈ 1 MiB.
pub const MAX_HOST_SEMAPHORES: usize = 10_000;

/// Bytes examined for magic numbers (and, when the server sent no Content-Type, for NUL
/// bytes) before the rest of the body is read. 512 is what the WHATWG MIME sniffing
/// algorithm reads (the "resource header").
pub const SNIFF_LEN: usize = 512;

/// The User-Agent `FetchArgs` defaults to (kept equal to the clap default in
/// `config.rs`; a unit test checks it). When the operator left it unchanged, the contact
/// URL from `--contact-url` is put in instead; a User-Agent given explicitly is used as is.
const CLAP_DEFAULT_USER_AGENT: &str = concat!(
    "report-ingest/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/report-ingest/report-ingest)"
);

/// The User-Agent sent: `report-ingest/<version> (+<contact_url>)` unless overridden.
pub fn user_agent(args: &FetchArgs, politeness: &PolitenessArgs) -> String {
    if args.user_agent == CLAP_DEFAULT_USER_AGENT {
        format!(
            "{}/{} (+{})",
            robots::UA_TOKEN,
            env!("CARGO_PKG_VERSION"),
            politeness.contact_url
        )
    } else {
        args.user_agent.clone()
    }
}

/// A fetched page: final response of the redirect chain, 2xx, body within the cap.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// URL of the response (after redirects).
    pub final_url: String,
    pub status: u16,
    /// Response headers in order (values decoded lossily as UTF-8). After decompression
    /// reqwest drops `Content-Encoding` and `Content-Length`.
    pub headers: Vec<(String, String)>,
    /// The raw `Content-Type` header (with its charset parameter), if any.
    pub content_type: Option<String>,
    /// The body, decompressed, as the server's bytes (no charset decoding).
    pub body: Bytes,
}

/// What robots.txt says about one URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RobotsVerdict {
    pub allowed: bool,
    /// Crawl-delay of the group that applies, clamped to [`robots::MAX_CRAWL_DELAY`].
    pub crawl_delay: Option<Duration>,
}

/// Why a fetch failed. `Display` never includes a URL (so never credentials in one).
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("URL is {len} bytes long, more than {max}")]
    UrlTooLong { len: usize, max: usize },
    #[error("malformed URL: {0}")]
    Malformed(String),
    #[error("scheme {0:?} is not http or https")]
    BadScheme(String),
    #[error(transparent)]
    Blocked(#[from] BlockedAddress),
    #[error("redirect loop")]
    RedirectLoop,
    #[error("more than {max} redirects")]
    TooManyRedirects { max: usize },
    #[error("HTTP status {status}{}", fmt_after(.retry_after))]
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
    #[error("whole-fetch timeout: no complete response after {0:?}")]
    Timeout(Duration),
    #[error("connect timeout: no connection after {0:?}")]
    ConnectTimeout(Duration),
    #[error("connection failed: {0}")]
    Connect(String),
    #[error("DNS lookup failed: {0}")]
    Dns(String),
    #[error("HTTP protocol violation: {0}")]
    Protocol(String),
    #[error("URL carries credentials (user:password@); refused")]
    Credentials,
    #[error("body larger than {max} bytes")]
    TooLarge { max: usize },
    #[error("not HTML: {0}")]
    NotHtml(String),
    #[error("decompression failed: {0}")]
    Decompress(String),
    #[error("robots.txt unavailable (status {}); retry in {retry_in:?}", .status.map_or_else(|| "none".to_owned(), |s| s.to_string()))]
    RobotsUnavailable {
        status: Option<u16>,
        retry_in: Duration,
    },
    #[error("HTTP client setup failed: {0}")]
    Client(String),
}

fn fmt_after(after: &Option<Duration>) -> String {
    after.map_or_else(String::new, |d| format!(", retry after {}s", d.as_secs()))
}

/// The short reason code for an HTTP status (low cardinality: common codes by name,
/// the rest by class).
pub fn status_reason(status: u16) -> &'static str {
    match status {
        300..=399 => "http_3xx",
        400..=499 => match status {
            400 => "http_400",
            401 => "http_401",
            403 => "http_403",
            404 => "http_404",
            405 => "http_405",
            406 => "http_406",
            408 => "http_408",
            410 => "http_410",
            414 => "http_414",
            429 => "http_429",
            451 => "http_451",
            _ => "http_4xx",
        },
        500..=599 => "http_5xx",
        _ => "http_other",
    }
}

impl Classify for FetchError {
    fn disposition(&self) -> Disposition {
        use FetchError::*;
        match self {
            Status {
                status,
                retry_after,
            } => match status {
                408 | 429 | 500..=599 => Disposition::Retry {
                    after: *retry_after,
                },
                _ => Disposition::DeadLetter,
            },
            Timeout(_) | ConnectTimeout(_) | Connect(_) | Dns(_) | Client(_) => {
                Disposition::Retry { after: None }
            }
            RobotsUnavailable { retry_in, .. } => Disposition::Retry {
                after: Some(*retry_in),
            },
            UrlTooLong { .. }
            | Malformed(_)
            | BadScheme(_)
            | Blocked(_)
            | RedirectLoop
            | TooManyRedirects { .. }
            | TooLarge { .. }
            | NotHtml(_)
            | Decompress(_)
            | Protocol(_)
            | Credentials => Disposition::DeadLetter,
        }
    }

    fn reason(&self) -> &'static str {
        use FetchError::*;
        match self {
            UrlTooLong { .. } => "url_too_long",
            Malformed(_) => "malformed",
            BadScheme(_) => "bad_scheme",
            Blocked(_) => "blocked_address",
            RedirectLoop => "redirect_loop",
            TooManyRedirects { .. } => "too_many_redirects",
            Status { status, .. } => status_reason(*status),
            Timeout(_) => "timeout",
            ConnectTimeout(_) => "connect_timeout",
            Connect(_) | Client(_) => "connect",
            Dns(_) => "dns",
            Protocol(_) => "protocol",
            Credentials => "credentials_in_url",
            TooLarge { .. } => "too_large",
            NotHtml(_) => "not_html",
            Decompress(_) => "decompress",
            RobotsUnavailable { .. } => "robots",
        }
    }
}

/// Parses a URL from a message: ≤ [`MAX_URL_LEN`] bytes, http/https, with a host. Address
/// checks happen at fetch time (they need DNS).
pub fn validate_url(raw: &str) -> Result<Url, FetchError> {
    let raw = raw.trim();
    if raw.len() > MAX_URL_LEN {
        return Err(FetchError::UrlTooLong {
            len: raw.len(),
            max: MAX_URL_LEN,
        });
    }
    if raw.contains('\0') {
        return Err(FetchError::Malformed("URL contains U+0000".into()));
    }
    let url = Url::parse(raw).map_err(|e| FetchError::Malformed(e.to_string()))?;
    guard::check_url(&url, true)?;
    Ok(url)
}

/// What a request is for: pages get the HTML checks and the hard cap; robots.txt is read
/// as text and truncated at [`robots::MAX_ROBOTS_BYTES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Page,
    Robots,
    /// A file a report links to (DOCX, PDF…): any content type, the page body cap.
    Attachment,
}

/// The HTTP client with its limits. Cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct Fetcher {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("allow_private", &self.inner.allow_private)
            .field("max_body", &self.inner.max_body)
            .field("max_redirects", &self.inner.max_redirects)
            .field("fetch_timeout", &self.inner.fetch_timeout)
            .field("per_host", &self.inner.per_host)
            .finish_non_exhaustive()
    }
}

struct Inner {
    client: reqwest::Client,
    allow_private: bool,
    max_body: usize,
    max_redirects: usize,
    fetch_timeout: Duration,
    connect_timeout: Duration,
    per_host: usize,
    ignore_robots: bool,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
    robots: RobotsCache,
}

impl Fetcher {
    pub fn new(args: &FetchArgs, politeness: &PolitenessArgs) -> Result<Self, FetchError> {
        let client = reqwest::Client::builder()
            .use_rustls_tls()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(guard::GuardedResolver {
                allow_private: args.allow_private,
            }))
            .connect_timeout(args.connect_timeout())
            .timeout(args.fetch_timeout())
            .user_agent(user_agent(args, politeness))
            .pool_max_idle_per_host(args.per_host.max(1))
            .build()
            .map_err(|e| FetchError::Client(error_chain(&e.without_url())))?;
        Ok(Self {
            inner: Arc::new(Inner {
                client,
                allow_private: args.allow_private,
                max_body: args.max_body,
                max_redirects: args.max_redirects,
                fetch_timeout: args.fetch_timeout(),
                connect_timeout: args.connect_timeout(),
                per_host: args.per_host.max(1),
                ignore_robots: politeness.ignore_robots,
                hosts: Mutex::new(HashMap::new()),
                robots: RobotsCache::default(),
            }),
        })
    }

    /// Fetches one page (see the module doc for every check).
    #[tracing::instrument(skip_all, fields(host = url.host_str().unwrap_or("")), err(Display))]
    pub async fn fetch(&self, url: &Url) -> Result<Fetched, FetchError> {
        self.fetch_with(url, Mode::Page).await
    }

    /// Fetches a file a report links to: the same guard, redirects, timeouts and body cap
    /// as a page, but any content type (the caller reads the bytes as DOCX/PDF).
    #[tracing::instrument(skip_all, fields(host = url.host_str().unwrap_or("")), err(Display))]
    pub async fn fetch_attachment(&self, url: &Url) -> Result<Fetched, FetchError> {
        self.fetch_with(url, Mode::Attachment).await
    }

    /// Whether robots.txt lets us fetch `url`, and the Crawl-delay that applies.
    ///
    /// robots.txt is fetched once per origin and cached: [`robots::ROBOTS_TTL`] after a 2xx
    /// or a 4xx (4xx, too many redirects → everything allowed, RFC 9309 §2.3.1.3); after a
    /// 5xx, 429 or a network failure everything is disallowed for
    /// [`robots::ROBOTS_ERROR_TTL`], reported as the retryable
    /// [`FetchError::RobotsUnavailable`] (so pages wait instead of being dead-lettered).
    /// With `--ignore-robots` nothing is fetched and everything is allowed.
    pub async fn robots_allowed(&self, url: &Url) -> Result<RobotsVerdict, FetchError> {
        guard::check_url(url, self.inner.allow_private)?;
        if self.inner.ignore_robots {
            return Ok(RobotsVerdict {
                allowed: true,
                crawl_delay: None,
            });
        }
        let origin = url.origin().ascii_serialization();
        let slot = self.inner.robots.slot(&origin);
        let mut entry = slot.lock().await;
        let cached = match RobotsCache::fresh(&entry, std::time::Instant::now()) {
            Some(c) => c,
            None => {
                let c = self.load_robots(&origin).await?;
                *entry = Some(c.clone());
                c
            }
        };
        drop(entry);
        match cached {
            Cached::Rules(rules, _) => {
                let path = &url[url::Position::BeforePath..url::Position::AfterQuery];
                Ok(RobotsVerdict {
                    allowed: rules.allowed(path),
                    crawl_delay: rules.crawl_delay(),
                })
            }
            Cached::Unavailable { status, until } => Err(FetchError::RobotsUnavailable {
                status,
                retry_in: until.saturating_duration_since(std::time::Instant::now()),
            }),
        }
    }

    async fn load_robots(&self, origin: &str) -> Result<Cached, FetchError> {
        let robots_url = Url::parse(&format!("{origin}/robots.txt"))
            .map_err(|e| FetchError::Malformed(e.to_string()))?;
        let now = std::time::Instant::now();
        let ok = |rules: Rules| Cached::Rules(Arc::new(rules), now + robots::ROBOTS_TTL);
        let unavailable = |status: Option<u16>| Cached::Unavailable {
            status,
            until: now + robots::ROBOTS_ERROR_TTL,
        };
        match self.fetch_with(&robots_url, Mode::Robots).await {
            Ok(f) => Ok(ok(Rules::parse(
                &String::from_utf8_lossy(&f.body),
                robots::UA_TOKEN,
            ))),
            Err(FetchError::Status { status, .. }) if status == 429 || status >= 500 => {
                Ok(unavailable(Some(status)))
            }
            Err(FetchError::Status { .. })
            | Err(FetchError::TooManyRedirects { .. })
            | Err(FetchError::RedirectLoop) => Ok(ok(Rules::allow_all())),
            Err(FetchError::Timeout(_))
            | Err(FetchError::ConnectTimeout(_))
            | Err(FetchError::Connect(_))
            | Err(FetchError::Protocol(_))
            | Err(FetchError::Decompress(_)) => Ok(unavailable(None)),
            Err(other) => Err(other),
        }
    }

    async fn fetch_with(&self, url: &Url, mode: Mode) -> Result<Fetched, FetchError> {
        let inner = &*self.inner;
        guard::check_url(url, inner.allow_private)?;
        let mut chain: Vec<Url> = vec![url.clone()];
        let mut current = url.clone();
        let mut deadline: Option<Instant> = None;
        loop {
            let host = current.host_str().unwrap_or_default().to_owned();
            let permit = match deadline {
                None => self.host_permit(&host).await?,
                Some(d) => tokio::time::timeout_at(d, self.host_permit(&host))
                    .await
                    .map_err(|_| FetchError::Timeout(inner.fetch_timeout))??,
            };
            let d = *deadline.get_or_insert_with(|| Instant::now() + inner.fetch_timeout);
            let resp = tokio::time::timeout_at(d, inner.client.get(current.clone()).send())
                .await
                .map_err(|_| FetchError::Timeout(inner.fetch_timeout))?
                .map_err(|e| from_reqwest(e, inner.fetch_timeout, inner.connect_timeout))?;
            let status = resp.status().as_u16();

            if resp.status().is_redirection() {
                if let Some(location) = resp.headers().get(LOCATION) {
                    let location = location.to_str().map_err(|_| {
                        FetchError::Malformed("redirect Location is not text".into())
                    })?;
                    let next = current
                        .join(location)
                        .map_err(|e| FetchError::Malformed(format!("redirect Location: {e}")))?;
                    drop(resp);
                    drop(permit);
                    guard::check_redirect(&next, &chain, inner.max_redirects, inner.allow_private)?;
                    tracing::debug!(
                        status,
                        to_host = next.host_str().unwrap_or(""),
                        "Following redirect."
                    );
                    chain.push(next.clone());
                    current = next;
                    continue;
                }
            }
            if !resp.status().is_success() {
                return Err(FetchError::Status {
                    status,
                    retry_after: retry_after(resp.headers(), SystemTime::now()),
                });
            }

            let headers = header_pairs(resp.headers());
            let content_type = resp
                .headers()
                .get(CONTENT_TYPE)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            let sniff = match mode {
                Mode::Page => Some(content_kind(content_type.as_deref())?),
                Mode::Robots | Mode::Attachment => None,
            };
            let final_url = current.to_string();
            let body = tokio::time::timeout_at(d, self.read_body(resp, mode, sniff))
                .await
                .map_err(|_| FetchError::Timeout(inner.fetch_timeout))??;
            drop(permit);
            return Ok(Fetched {
                final_url,
                status,
                headers,
                content_type,
                body,
            });
        }
    }

    /// Streams the (decompressed) body into memory, never holding more than the cap.
    async fn read_body(
        &self,
        resp: reqwest::Response,
        mode: Mode,
        sniff: Option<ContentKind>,
    ) -> Result<Bytes, FetchError> {
        let cap = match mode {
            Mode::Page | Mode::Attachment => self.inner.max_body,
            Mode::Robots => robots::MAX_ROBOTS_BYTES,
        };
        // Content-Length is the wire length; present only when reqwest did not decompress.
        let declared = resp.content_length();
        if mode != Mode::Robots && declared.is_some_and(|n| n > cap as u64) {
            return Err(FetchError::TooLarge { max: cap });
        }
        let initial = declared.map_or(16 * 1024, |n| n as usize).min(cap);
        let mut buf = BytesMut::with_capacity(initial);
        let mut checked = sniff.is_none();
        let mut stream = resp.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| {
                from_reqwest(e, self.inner.fetch_timeout, self.inner.connect_timeout)
            })?;
            if buf.len() + chunk.len() > cap {
                match mode {
                    Mode::Page | Mode::Attachment => return Err(FetchError::TooLarge { max: cap }),
                    Mode::Robots => {
                        let room = cap - buf.len();
                        buf.extend_from_slice(chunk.get(..room).unwrap_or_default());
                        break;
                    }
                }
            }
            buf.extend_from_slice(&chunk);
            if !checked && buf.len() >= SNIFF_LEN {
                if let Some(kind) = sniff {
                    check_bytes(&buf, kind)?;
                }
                checked = true;
            }
        }
        if !checked {
            if let Some(kind) = sniff {
                check_bytes(&buf, kind)?;
            }
        }
        Ok(buf.freeze())
    }

    /// A permit for one request to `host` (at most `per_host` at once from this process).
    async fn host_permit(&self, host: &str) -> Result<OwnedSemaphorePermit, FetchError> {
        let per_host = self.inner.per_host;
        let sem = {
            let mut map = match self.inner.hosts.lock() {
                Ok(m) => m,
                Err(poisoned) => poisoned.into_inner(),
            };
            if !map.contains_key(host) && map.len() >= MAX_HOST_SEMAPHORES {
                map.retain(|_, s| Arc::strong_count(s) > 1 || s.available_permits() < per_host);
            }
            map.entry(host.to_owned())
                .or_insert_with(|| Arc::new(Semaphore::new(per_host)))
                .clone()
        };
        sem.acquire_owned()
            .await
            .map_err(|_| FetchError::Client("per-host semaphore closed".into()))
    }
}

/// How a body's type is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ContentKind {
    /// Declared HTML/XHTML: only magic bytes are checked.
    Html,
    /// No (or a generic) type: magic bytes and NUL bytes are checked.
    Unknown,
}

/// Classifies the Content-Type: HTML and XHTML pass; none, empty or
/// `application/octet-stream` are sniffed; anything else is `not_html`.
fn content_kind(content_type: Option<&str>) -> Result<ContentKind, FetchError> {
    let essence = content_type
        .and_then(|ct| ct.split(';').next())
        .map(|e| e.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match essence.as_str() {
        "text/html" | "application/xhtml+xml" => Ok(ContentKind::Html),
        "" | "application/octet-stream" | "binary/octet-stream" => Ok(ContentKind::Unknown),
        other => Err(FetchError::NotHtml(format!("content type {other}"))),
    }
}

/// File signatures that are never an HTML page, with a name for the error.
const MAGIC: &[(&[u8], &str)] = &[
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP (incl. docx/xlsx)"),
    (b"PK\x05\x06", "ZIP"),
    (b"PK\x07\x08", "ZIP"),
    (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "OLE2 (doc/xls/ppt)"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xFF\xD8\xFF", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"\x1F\x8B", "gzip"),
    (b"Rar!\x1A\x07", "RAR"),
    (b"7z\xBC\xAF\x27\x1C", "7z"),
    (b"{\\rtf", "RTF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
];

/// Rejects bodies whose first bytes are a known binary signature (after leading ASCII
/// whitespace, which some servers emit before a PDF), a RIFF/WEBP image, or, for an
/// undeclared type, NUL bytes in the first [`SNIFF_LEN`] bytes (binary data; skipped
/// when a UTF-16 BOM says the NULs are text).
fn check_bytes(body: &[u8], kind: ContentKind) -> Result<(), FetchError> {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let head = body.get(start..).unwrap_or_default();
    for (magic, name) in MAGIC {
        if head.starts_with(magic) {
            return Err(FetchError::NotHtml(format!("{name} signature")));
        }
    }
    if head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP") {
        return Err(FetchError::NotHtml("WEBP signature".into()));
    }
    if kind == ContentKind::Unknown {
        let utf16 = body.starts_with(b"\xFF\xFE") || body.starts_with(b"\xFE\xFF");
        let window = body.get(..SNIFF_LEN.min(body.len())).unwrap_or_default();
        if !utf16 && window.contains(&0) {
            return Err(FetchError::NotHtml("binary data (NUL bytes)".into()));
        }
    }
    Ok(())
}

/// `Retry-After` as seconds or an HTTP-date (RFC 9110 §10.2.3), capped at
/// [`MAX_RETRY_AFTER`]; a date in the past is zero.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    parse_retry_after(v, now)
}

/// See [`retry_after`].
pub fn parse_retry_after(v: &str, now: SystemTime) -> Option<Duration> {
    let v = v.trim();
    let d = if let Ok(secs) = v.parse::<u64>() {
        Duration::from_secs(secs)
    } else {
        let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
        let when: SystemTime = when.with_timezone(&chrono::Utc).into();
        when.duration_since(now).unwrap_or(Duration::ZERO)
    };
    Some(d.min(MAX_RETRY_AFTER))
}

fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// Maps a reqwest error to ours: a refused address from the resolver (found in the source
/// chain) → `blocked_address`; a failed name lookup → `dns`; the connect timeout →
/// `connect_timeout`, the whole-fetch timeout → `timeout`; undecodable compressed data
/// (gzip, brotli, deflate) → `decompress`; a response hyper cannot parse (too many or too
/// large headers, bytes not allowed in a header, a bad Content-Length, HTTP/0.9) →
/// `protocol` (permanent: the same server sends the same bytes again); connect failures,
/// resets and truncated bodies → `connect` (retryable).
fn from_reqwest(e: reqwest::Error, timeout: Duration, connect_timeout: Duration) -> FetchError {
    let e = e.without_url();
    let chain = error_chain(&e);
    let mut source: Option<&(dyn StdError + 'static)> = e.source();
    let mut invalid_data = false;
    while let Some(s) = source {
        if let Some(b) = s.downcast_ref::<BlockedAddress>() {
            return FetchError::Blocked(b.clone());
        }
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::InvalidData {
                invalid_data = true;
            }
        }
        source = s.source();
    }
    if e.is_timeout() {
        if e.is_connect() {
            return FetchError::ConnectTimeout(connect_timeout);
        }
        return FetchError::Timeout(timeout);
    }
    if e.is_decode() || (invalid_data && e.is_body()) {
        return FetchError::Decompress(chain);
    }
    if e.is_builder() {
        return FetchError::Malformed(chain);
    }
    if e.is_connect() && chain.contains("dns error") {
        return FetchError::Dns(chain);
    }
    if is_protocol_violation(&chain) {
        return FetchError::Protocol(chain);
    }
    FetchError::Connect(chain)
}

/// hyper's texts for a response head it refused to parse (`hyper::error::Parse`), and
/// httparse's: permanent, unlike a reset or a truncated body.
const PROTOCOL_TEXTS: &[&str] = &[
    "message head is too large",
    "invalid HTTP version parsed",
    "invalid HTTP status-code parsed",
    "invalid HTTP header parsed",
    "invalid content-length parsed",
    "invalid transfer-encoding parsed",
    "invalid HTTP method parsed",
    "invalid URI",
    "unexpected transfer-encoding parsed",
    "invalid header value",
    "invalid header name",
    "invalid response status",
    "invalid HTTP version",
    "too many headers",
    "header name is too long",
    "invalid chunk size",
];

fn is_protocol_violation(chain: &str) -> bool {
    PROTOCOL_TEXTS.iter().any(|t| chain.contains(t))
}

/// An error and its sources as one line, repeated texts removed.
fn error_chain(e: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(err) = cur {
        let text = err.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = err.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn default_user_agent_matches_clap_default() {
        use clap::Parser;
        #[derive(Parser)]
        struct T {
            #[command(flatten)]
            f: FetchArgs,
            #[command(flatten)]
            p: PolitenessArgs,
        }
        let t = T::try_parse_from(["x"]).unwrap();
        assert_eq!(t.f.user_agent, CLAP_DEFAULT_USER_AGENT);
        let mut p = t.p.clone();
        p.contact_url = "https://ops.example/contact".into();
        let ua = user_agent(&t.f, &p);
        assert_eq!(
            ua,
            format!(
                "report-ingest/{} (+https://ops.example/contact)",
                env!("CARGO_PKG_VERSION")
            )
        );
        let mut f = t.f.clone();
        f.user_agent = "custom/1".into();
        assert_eq!(user_agent(&f, &p), "custom/1");
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // 1994-11-06 08:49:37 UTC
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:37 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("99999999", now), Some(MAX_RETRY_AFTER));
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn validate_url_rules() {
        assert!(validate_url("https://example.com/a?b=1").is_ok());
        assert_eq!(
            validate_url("ftp://example.com/").unwrap_err().reason(),
            "bad_scheme"
        );
        assert_eq!(
            validate_url("file:///etc/passwd").unwrap_err().reason(),
            "bad_scheme"
        );
        assert_eq!(validate_url("not a url").unwrap_err().reason(), "malformed");
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN));
        assert_eq!(validate_url(&long).unwrap_err().reason(), "url_too_long");
    }

    #[test]
    fn magic_bytes_and_types() {
        assert!(check_bytes(b"<!doctype html><p>hi", ContentKind::Html).is_ok());
        assert!(check_bytes(b"%PDF-1.7\n", ContentKind::Html).is_err());
        assert!(check_bytes(b"\r\n%PDF-1.7\n", ContentKind::Html).is_err());
        assert!(check_bytes(b"\x89PNG\r\n\x1a\n....", ContentKind::Html).is_err());
        assert!(check_bytes(b"<p>a\0b", ContentKind::Html).is_ok());
        assert!(check_bytes(b"<p>a\0b", ContentKind::Unknown).is_err());
        assert_eq!(
            content_kind(Some("text/html; charset=gbk")).unwrap(),
            ContentKind::Html
        );
        assert_eq!(content_kind(None).unwrap(), ContentKind::Unknown);
        assert!(content_kind(Some("application/pdf")).is_err());
    }

    #[test]
    fn classification() {
        let s = |status, after| FetchError::Status {
            status,
            retry_after: after,
        };
        assert_eq!(s(404, None).reason(), "http_404");
        assert_eq!(s(404, None).disposition(), Disposition::DeadLetter);
        assert_eq!(s(418, None).reason(), "http_4xx");
        assert_eq!(
            s(429, Some(Duration::from_secs(3))).disposition(),
            Disposition::Retry {
                after: Some(Duration::from_secs(3))
            }
        );
        assert_eq!(s(502, None).reason(), "http_5xx");
        assert!(matches!(
            s(503, None).disposition(),
            Disposition::Retry { .. }
        ));
        assert!(matches!(
            s(408, None).disposition(),
            Disposition::Retry { .. }
        ));
    }
}
