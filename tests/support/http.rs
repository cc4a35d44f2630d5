//! A real local HTTP server (axum on 127.0.0.1:0) for tests: fixture pages and misbehaving
//! endpoints, with per-path request counters, timestamps, in-flight maxima and bytes sent,
//! so tests can assert what reached the server (and how fast).
//!
//! Endpoints (besides pages added with [`TestServer::add_page`], which win):
//! - `/page/{name}`: a small UTF-8 HTML page naming `{name}`.
//! - `/status/{code}`: that status with a small HTML body.
//! - `/flaky/{n}/{name}`: the first `n` requests to this path get 500, later ones a page.
//! - `/429?retry_after=S`, `/503?retry_after=S`: that status with `Retry-After: S`
//!   (S defaults to 1; any text is passed through, e.g. an HTTP-date).
//! - `/redirect?to=URL`: 302 to URL. `/loop/a` ↔ `/loop/b`: a redirect loop.
//!   `/chain/{n}`: n redirects (`/chain/{n-1}` …) then a page at `/chain/0`.
//! - `/slow-body?chunks=N&interval_ms=M`: 200 at once, then a chunk every M ms
//!   (defaults 100 chunks every 100 ms: 10 s).
//! - `/hold`: never answers. `/sleep/{ms}`: answers a page after ms milliseconds.
//! - `/big/{bytes}`: an HTML body of that many bytes, streamed in 64 KiB chunks, chunked
//!   encoding; `?length=1` sends `Content-Length` too.
//! - `/gzip-bomb?mb=M`: `Content-Encoding: gzip`, `text/html`, M MiB of spaces inflated
//!   (default 2048 MiB; ~1000:1 on the wire), compressed on the fly as the client reads,
//!   never built in memory.
//! - `/pdf`: PDF bytes served as `text/html`.
//! - `/reset`: the connection is dropped with a TCP RST before any response (when the
//!   request opens a new connection; on a reused keep-alive connection the response body
//!   is aborted mid-way instead, which the client also sees as a broken connection).
//! - `/gbk-nocharset`: [`gbk_page`] bytes with `Content-Type: text/html` (no charset).
//! - `/echo-ua`: a page whose body is the request's User-Agent.
//! - `/robots.txt`: as set by [`TestServer::set_robots`] (default 404).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Router;
use bytes::Bytes;
use tokio::net::{TcpListener, TcpStream};

/// A page served at a fixed path.
#[derive(Clone, Debug)]
pub struct Page {
    pub status: u16,
    pub content_type: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

/// What `/robots.txt` answers.
#[derive(Clone, Debug)]
pub enum Robots {
    /// 404 (no robots.txt).
    Missing,
    /// That status with an empty body.
    Status(u16),
    /// 200 `text/plain` with this text.
    Text(String),
}

#[derive(Debug)]
struct Shared {
    pages: Mutex<HashMap<String, Page>>,
    robots: Mutex<Robots>,
    hits: Mutex<HashMap<String, Vec<Instant>>>,
    in_flight: Mutex<HashMap<String, (usize, usize)>>,
    sent: Mutex<HashMap<String, Arc<AtomicU64>>>,
}

impl Shared {
    fn hit(&self, path: &str) -> usize {
        let mut hits = self.hits.lock().unwrap();
        let v = hits.entry(path.to_owned()).or_default();
        v.push(Instant::now());
        v.len()
    }
    fn sent_counter(&self, path: &str) -> Arc<AtomicU64> {
        self.sent
            .lock()
            .unwrap()
            .entry(path.to_owned())
            .or_default()
            .clone()
    }
}

/// Decrements the in-flight count of a path when the handler finishes.
struct InFlight {
    shared: Arc<Shared>,
    path: String,
}

impl InFlight {
    fn enter(shared: &Arc<Shared>, path: &str) -> Self {
        let mut m = shared.in_flight.lock().unwrap();
        let e = m.entry(path.to_owned()).or_insert((0, 0));
        e.0 += 1;
        e.1 = e.1.max(e.0);
        Self {
            shared: shared.clone(),
            path: path.to_owned(),
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Ok(mut m) = self.shared.in_flight.lock() {
            if let Some(e) = m.get_mut(&self.path) {
                e.0 = e.0.saturating_sub(1);
            }
        }
    }
}

/// The running server; stops accepting when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestServer {
    /// Binds 127.0.0.1:0 and serves in a task of the current runtime.
    pub async fn start() -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            pages: Mutex::new(HashMap::new()),
            robots: Mutex::new(Robots::Missing),
            hits: Mutex::new(HashMap::new()),
            in_flight: Mutex::new(HashMap::new()),
            sent: Mutex::new(HashMap::new()),
        });
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let listener = ResetListener {
            inner: listener,
            shared: shared.clone(),
        };
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        TestServer { addr, shared, task }
    }

    /// `http://127.0.0.1:{port}{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{}", self.addr.port(), path)
    }

    /// `http://localhost:{port}{path}` (a DNS name resolving to loopback).
    pub fn url_localhost(&self, path: &str) -> String {
        format!("http://localhost:{}{}", self.addr.port(), path)
    }

    /// Serves `body` at `path` with status 200 and the given Content-Type (none if `None`).
    pub fn add_page(&self, path: &str, content_type: Option<&str>, body: impl Into<Bytes>) {
        self.add(
            path,
            Page {
                status: 200,
                content_type: content_type.map(str::to_owned),
                headers: Vec::new(),
                body: body.into(),
            },
        );
    }

    /// Serves a fully specified page at `path`.
    pub fn add(&self, path: &str, page: Page) {
        self.shared
            .pages
            .lock()
            .unwrap()
            .insert(path.to_owned(), page);
    }

    pub fn set_robots(&self, robots: Robots) {
        *self.shared.robots.lock().unwrap() = robots;
    }

    /// Requests seen for `path` (path only, no query).
    pub fn hits(&self, path: &str) -> usize {
        self.shared
            .hits
            .lock()
            .unwrap()
            .get(path)
            .map_or(0, Vec::len)
    }

    /// When each request for `path` arrived.
    pub fn hit_times(&self, path: &str) -> Vec<Instant> {
        self.shared
            .hits
            .lock()
            .unwrap()
            .get(path)
            .cloned()
            .unwrap_or_default()
    }

    /// Requests seen for any path.
    pub fn total_hits(&self) -> usize {
        self.shared
            .hits
            .lock()
            .unwrap()
            .values()
            .map(Vec::len)
            .sum()
    }

    /// Most requests for `path` whose handler ran at the same time.
    pub fn max_in_flight(&self, path: &str) -> usize {
        self.shared
            .in_flight
            .lock()
            .unwrap()
            .get(path)
            .map_or(0, |e| e.1)
    }

    /// Body bytes written for streamed endpoints (`/big/…`, `/gzip-bomb`, `/slow-body`),
    /// as they left the server (compressed for the gzip bomb).
    pub fn sent_bytes(&self, path: &str) -> u64 {
        self.shared
            .sent
            .lock()
            .unwrap()
            .get(path)
            .map_or(0, |c| c.load(Ordering::Relaxed))
    }
}

/// A GBK-encoded report page (own text) with no charset in it or in the header.
pub fn gbk_page() -> Vec<u8> {
    let html =
        "<!DOCTYPE html>\n<html><head><title>某县水务局二〇二五年上半年工作总结</title></head>\n\
<body><h1>某县水务局二〇二五年上半年工作总结</h1>\n\
<p>一、主要工作完成情况</p>\n\
<p>上半年共完成水利投资3.6亿元，同比增长12.4%，新建改造供水管网58公里。</p>\n\
<p>二、存在的问题</p>\n\
<p>部分乡镇供水设施老化，汛期防洪压力较大。</p>\n</body></html>\n";
    let (bytes, _, had_errors) = encoding_rs::GBK.encode(html);
    assert!(!had_errors);
    bytes.into_owned()
}

/// A tiny but well-formed PDF.
pub const PDF_BYTES: &[u8] =
    b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n\
2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

fn page_html(name: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Page {name}</title></head>\
<body><h1>Page {name}</h1><p>This is the test page called {name}.</p></body></html>"
    )
}

fn html(status: u16, body: impl Into<Body>) -> Response {
    let mut r = Response::new(body.into());
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

fn redirect(status: u16, to: &str) -> Response {
    let mut r = html(status, "");
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn query_param(query: Option<&str>, key: &str) -> Option<String> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    let query = req.uri().query().map(str::to_owned);
    let count = shared.hit(&path);
    let _in_flight = InFlight::enter(&shared, &path);

    let fixed = shared.pages.lock().unwrap().get(&path).cloned();
    if let Some(page) = fixed {
        let mut r = Response::new(Body::from(page.body));
        *r.status_mut() = StatusCode::from_u16(page.status).unwrap_or(StatusCode::OK);
        if let Some(ct) = page.content_type {
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_str(&ct).unwrap());
        }
        for (k, v) in page.headers {
            r.headers_mut().append(
                header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(&v).unwrap(),
            );
        }
        return r;
    }

    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segs.as_slice() {
        ["robots.txt"] => {
            let robots = shared.robots.lock().unwrap().clone();
            match robots {
                Robots::Missing => html(404, "no robots"),
                Robots::Status(code) => html(code, ""),
                Robots::Text(t) => {
                    let mut r = Response::new(Body::from(t));
                    r.headers_mut()
                        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
                    r
                }
            }
        }
        ["page", name] => html(200, page_html(name)),
        ["echo-ua"] => {
            let ua = req
                .headers()
                .get(header::USER_AGENT)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .unwrap_or_default();
            html(200, ua)
        }
        ["status", code] => {
            let code: u16 = code.parse().unwrap_or(500);
            html(code, format!("<html><body>status {code}</body></html>"))
        }
        ["flaky", n, name] => {
            let n: usize = n.parse().unwrap_or(1);
            if count <= n {
                html(500, "<html><body>temporary failure</body></html>")
            } else {
                html(200, page_html(name))
            }
        }
        [code @ ("429" | "503")] => {
            let after = query_param(query.as_deref(), "retry_after").unwrap_or_else(|| "1".into());
            let mut r = html(code.parse().unwrap(), "<html><body>slow down</body></html>");
            if let Ok(v) = HeaderValue::from_str(&after) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        ["redirect"] => match query_param(query.as_deref(), "to") {
            Some(to) => redirect(302, &to),
            None => html(400, "missing to"),
        },
        ["loop", "a"] => redirect(302, "/loop/b"),
        ["loop", "b"] => redirect(302, "/loop/a"),
        ["chain", n] => {
            let n: u32 = n.parse().unwrap_or(0);
            if n == 0 {
                html(200, page_html("chain end"))
            } else {
                redirect(302, &format!("/chain/{}", n - 1))
            }
        }
        ["slow-body"] => {
            let chunks: u64 = query_param(query.as_deref(), "chunks")
                .and_then(|v| v.parse().ok())
                .unwrap_or(100);
            let interval = Duration::from_millis(
                query_param(query.as_deref(), "interval_ms")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(100),
            );
            let sent = shared.sent_counter(&path);
            let stream = futures::stream::unfold(0u64, move |i| {
                let sent = sent.clone();
                async move {
                    if i >= chunks {
                        return None;
                    }
                    if i > 0 {
                        tokio::time::sleep(interval).await;
                    }
                    let chunk = Bytes::from_static(b"<p>drip</p>\n");
                    sent.fetch_add(chunk.len() as u64, Ordering::Relaxed);
                    Some((Ok::<_, std::io::Error>(chunk), i + 1))
                }
            });
            html(200, Body::from_stream(stream))
        }
        ["hold"] => {
            futures::future::pending::<()>().await;
            html(200, "")
        }
        ["sleep", ms] => {
            let ms: u64 = ms.parse().unwrap_or(100);
            tokio::time::sleep(Duration::from_millis(ms)).await;
            html(200, page_html("slept"))
        }
        ["big", bytes] => {
            let total: u64 = bytes.parse().unwrap_or(0);
            let with_length = query_param(query.as_deref(), "length").is_some();
            let sent = shared.sent_counter(&path);
            let stream = futures::stream::unfold(0u64, move |done| {
                let sent = sent.clone();
                async move {
                    if done >= total {
                        return None;
                    }
                    let n = (total - done).min(64 * 1024);
                    let mut chunk = vec![b'x'; n as usize];
                    if done == 0 {
                        let open = b"<html><body><p>";
                        let k = open.len().min(chunk.len());
                        chunk[..k].copy_from_slice(&open[..k]);
                    }
                    sent.fetch_add(n, Ordering::Relaxed);
                    Some((Ok::<_, std::io::Error>(Bytes::from(chunk)), done + n))
                }
            });
            let mut r = html(200, Body::from_stream(stream));
            if with_length {
                r.headers_mut()
                    .insert(header::CONTENT_LENGTH, HeaderValue::from(total));
            }
            r
        }
        ["gzip-bomb"] => {
            let mib: u64 = query_param(query.as_deref(), "mb")
                .and_then(|v| v.parse().ok())
                .unwrap_or(2048);
            let mut r = html(
                200,
                Body::from_stream(gzip_bomb(mib, shared.sent_counter(&path))),
            );
            r.headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            r
        }
        ["pdf"] => {
            let mut r = Response::new(Body::from(PDF_BYTES));
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
            r
        }
        ["gbk-nocharset"] => {
            let mut r = Response::new(Body::from(gbk_page()));
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
            r
        }
        ["reset"] => {
            // Reached only on a reused connection (new ones are reset by the listener):
            // promise 1000 bytes, send a few, then fail the body so the connection is cut.
            let stream = futures::stream::iter(vec![
                Ok(Bytes::from_static(b"<html><body>")),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "reset",
                )),
            ]);
            let mut r = html(200, Body::from_stream(stream));
            r.headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(1000u64));
            r
        }
        _ => html(404, "<html><body>not found</body></html>"),
    }
}

/// A gzip stream inflating to `mib` MiB of spaces, produced as the client pulls (it stops
/// when the client goes away) and never built in memory.
///
/// One MiB of spaces is deflated once with a full flush, which resets the compressor's
/// history and byte-aligns the output: that segment (~1 KiB) can be repeated any number of
/// times to form a valid raw deflate stream. The gzip header, `mib` copies of it (64 per
/// chunk), a final empty block and the CRC-32/length trailer make a valid gzip member.
fn gzip_bomb(
    mib: u64,
    sent: Arc<AtomicU64>,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> + Send {
    const SEGMENTS_PER_CHUNK: u64 = 64;
    let block = vec![b' '; 1 << 20];
    let mut comp = flate2::Compress::new(flate2::Compression::best(), false);
    let mut segment = Vec::with_capacity(64 * 1024);
    comp.compress_vec(&block, &mut segment, flate2::FlushCompress::Full)
        .unwrap();
    assert_eq!(
        comp.total_in(),
        block.len() as u64,
        "segment buffer too small"
    );
    let mut last = Vec::with_capacity(64);
    comp.compress_vec(&[], &mut last, flate2::FlushCompress::Finish)
        .unwrap();
    let segment = Bytes::from(segment);

    // 0: header, 1..: segments, then the end.
    let header = Bytes::from_static(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    futures::stream::unfold((0u64, false), move |(done, ended)| {
        let segment = segment.clone();
        let last = last.clone();
        let sent = sent.clone();
        let header = header.clone();
        let block_len = block.len();
        async move {
            if ended {
                return None;
            }
            let mut out = Vec::new();
            if done == 0 {
                out.extend_from_slice(&header);
            }
            let n = (mib - done).min(SEGMENTS_PER_CHUNK);
            for _ in 0..n {
                out.extend_from_slice(&segment);
            }
            let done = done + n;
            let mut end = false;
            if done == mib {
                out.extend_from_slice(&last);
                let mut crc = flate2::Crc::new();
                let spaces = vec![b' '; block_len];
                for _ in 0..mib {
                    crc.update(&spaces);
                }
                out.extend_from_slice(&crc.sum().to_le_bytes());
                out.extend_from_slice(&((mib * block_len as u64) as u32).to_le_bytes());
                end = true;
            }
            sent.fetch_add(out.len() as u64, Ordering::Relaxed);
            Some((Ok(Bytes::from(out)), (done, end)))
        }
    })
}

/// Accepts connections and resets, before any response, those whose first request is
/// `GET /reset` (counted as a hit on `/reset`); hands every other connection to axum.
struct ResetListener {
    inner: TcpListener,
    shared: Arc<Shared>,
}

impl axum::serve::Listener for ResetListener {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        const PREFIX: &[u8] = b"GET /reset ";
        loop {
            let (stream, addr) = match self.inner.accept().await {
                Ok(x) => x,
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            };
            let mut buf = [0u8; 16];
            let deadline = tokio::time::Instant::now() + Duration::from_millis(200);
            let mut n = 0;
            while n < PREFIX.len() {
                match tokio::time::timeout_at(deadline, stream.peek(&mut buf)).await {
                    Ok(Ok(k)) if k > n => n = k,
                    Ok(Ok(_)) => tokio::time::sleep(Duration::from_millis(1)).await,
                    _ => break,
                }
                if tokio::time::Instant::now() >= deadline {
                    break;
                }
            }
            if buf[..n].starts_with(PREFIX) {
                self.shared.hit("/reset");
                let _ = stream.set_zero_linger();
                drop(stream);
                continue;
            }
            return (stream, addr);
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}
