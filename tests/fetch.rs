//! Fetch against a real local HTTP server (tests/support/http.rs): pages, failures, limits,
//! hostile bodies and the SSRF guard.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::{Duration, Instant};

use report_ingest::config::FetchArgs;
use report_ingest::disposition::{Classify, Disposition};
use report_ingest::fetch::{guard, FetchError, Fetcher};
use support::http::{gbk_page, Page, TestServer};
use url::Url;

/// Tests that measure memory, or stream big bodies, run one at a time so their RSS
/// figures are not mixed with each other's.
static HEAVY: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn fetcher_with(edit: impl FnOnce(&mut FetchArgs)) -> Fetcher {
    let mut args = support::fetch_args();
    edit(&mut args);
    Fetcher::new(&args, &support::politeness_args()).unwrap()
}

fn fetcher() -> Fetcher {
    fetcher_with(|_| {})
}

fn u(s: &str) -> Url {
    Url::parse(s).unwrap()
}

async fn fetch_err(f: &Fetcher, url: &str) -> FetchError {
    match f.fetch(&u(url)).await {
        Ok(page) => panic!("{url}: expected an error, got status {}", page.status),
        Err(e) => e,
    }
}

/// Resident set size of this process in KiB.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Runs `fut` while sampling RSS every 2 ms; returns its output and the peak RSS growth
/// over the value before it started, in MiB.
async fn with_peak_rss<T>(fut: impl std::future::Future<Output = T>) -> (T, f64) {
    let before = rss_kib();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut peak = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(rss_kib());
                std::thread::sleep(Duration::from_millis(2));
            }
            peak.max(rss_kib())
        })
    };
    let out = fut.await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let peak = sampler.join().unwrap();
    (out, peak.saturating_sub(before) as f64 / 1024.0)
}

#[tokio::test]
async fn fetches_a_page_with_headers() {
    let server = TestServer::start().await;
    let body = "<html><head><title>Annual report</title></head><body><p>Text.</p></body></html>";
    server.add_page("/report.html", Some("text/html; charset=utf-8"), body);
    let page = fetcher()
        .fetch(&u(&server.url("/report.html")))
        .await
        .unwrap();
    assert_eq!(page.status, 200);
    assert_eq!(page.body, body.as_bytes());
    assert_eq!(
        page.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.final_url, server.url("/report.html"));
    assert!(page
        .headers
        .iter()
        .any(|(k, v)| k == "content-type" && v == "text/html; charset=utf-8"));
    assert_eq!(server.hits("/report.html"), 1);
}

#[tokio::test]
async fn gbk_page_without_charset_keeps_its_bytes() {
    let server = TestServer::start().await;
    let page = fetcher()
        .fetch(&u(&server.url("/gbk-nocharset")))
        .await
        .unwrap();
    assert_eq!(
        page.body.as_ref(),
        gbk_page().as_slice(),
        "bytes must not be re-encoded"
    );
    assert_eq!(page.content_type.as_deref(), Some("text/html"));
}

#[tokio::test]
async fn server_error_is_retried_then_succeeds() {
    let server = TestServer::start().await;
    let f = fetcher();
    let url = server.url("/flaky/2/recovering");
    for _ in 0..2 {
        let e = fetch_err(&f, &url).await;
        assert_eq!(e.reason(), "http_5xx");
        assert_eq!(e.disposition(), Disposition::Retry { after: None });
    }
    let page = f.fetch(&u(&url)).await.unwrap();
    assert_eq!(page.status, 200);
    assert!(String::from_utf8_lossy(&page.body).contains("recovering"));
    assert_eq!(server.hits("/flaky/2/recovering"), 3);
}

#[tokio::test]
async fn retry_after_is_honoured_in_seconds_and_as_a_date() {
    let server = TestServer::start().await;
    let f = fetcher();
    let e = fetch_err(&f, &server.url("/429?retry_after=7")).await;
    assert_eq!(e.reason(), "http_429");
    assert_eq!(
        e.disposition(),
        Disposition::Retry {
            after: Some(Duration::from_secs(7))
        }
    );

    let when = chrono::Utc::now() + chrono::Duration::seconds(30);
    let date = when.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let e = fetch_err(
        &f,
        &format!("{}?retry_after={}", server.url("/503"), urlencode(&date)),
    )
    .await;
    assert_eq!(e.reason(), "http_5xx");
    match e.disposition() {
        Disposition::Retry { after: Some(d) } => {
            assert!(
                (27..=30).contains(&d.as_secs()),
                "Retry-After date gave {d:?}"
            )
        }
        other => panic!("expected Retry with a delay, got {other:?}"),
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn client_errors_are_dead_lettered_with_their_code() {
    let server = TestServer::start().await;
    let f = fetcher();
    let e = fetch_err(&f, &server.url("/status/404")).await;
    assert_eq!(
        (e.reason(), e.disposition()),
        ("http_404", Disposition::DeadLetter)
    );
    let e = fetch_err(&f, &server.url("/status/418")).await;
    assert_eq!(
        (e.reason(), e.disposition()),
        ("http_4xx", Disposition::DeadLetter)
    );
    assert!(e.to_string().contains("418"), "{e}");
    let e = fetch_err(&f, &server.url("/status/408")).await;
    assert!(matches!(e.disposition(), Disposition::Retry { .. }));
}

#[tokio::test]
async fn redirects_are_followed_and_capped() {
    let server = TestServer::start().await;
    let f = fetcher();
    let page = f
        .fetch(&u(&format!("{}?to=/page/target", server.url("/redirect"))))
        .await
        .unwrap();
    assert_eq!(page.final_url, server.url("/page/target"));
    let page = f.fetch(&u(&server.url("/chain/10"))).await.unwrap();
    assert_eq!(
        page.final_url,
        server.url("/chain/0"),
        "10 redirects are allowed"
    );

    let server = TestServer::start().await;
    let e = fetch_err(&f, &server.url("/chain/15")).await;
    assert_eq!(
        (e.reason(), e.disposition()),
        ("too_many_redirects", Disposition::DeadLetter)
    );
    assert_eq!(server.hits("/chain/5"), 1, "the 10th redirect was followed");
    assert_eq!(server.hits("/chain/4"), 0, "the 11th was not");
}

#[tokio::test]
async fn redirect_loop_is_detected() {
    let server = TestServer::start().await;
    let e = fetch_err(&fetcher(), &server.url("/loop/a")).await;
    assert_eq!(
        (e.reason(), e.disposition()),
        ("redirect_loop", Disposition::DeadLetter)
    );
    assert_eq!(server.hits("/loop/a"), 1);
    assert_eq!(server.hits("/loop/b"), 1);
}

#[tokio::test]
async fn redirect_to_another_scheme_is_refused() {
    let server = TestServer::start().await;
    let f = fetcher();
    for to in ["ftp://example.com/x", "file:///etc/passwd"] {
        let e = fetch_err(
            &f,
            &format!("{}?to={}", server.url("/redirect"), urlencode(to)),
        )
        .await;
        assert_eq!(
            (e.reason(), e.disposition()),
            ("bad_scheme", Disposition::DeadLetter)
        );
    }
}

#[tokio::test]
async fn slow_body_and_silent_server_time_out() {
    let server = TestServer::start().await;
    let f = fetcher_with(|a| a.fetch_timeout = 1.0);
    for path in ["/slow-body?chunks=100&interval_ms=100", "/hold"] {
        let t = Instant::now();
        let e = fetch_err(&f, &server.url(path)).await;
        let took = t.elapsed();
        assert_eq!(e.reason(), "timeout", "{path}: {e}");
        assert_eq!(e.disposition(), Disposition::Retry { after: None });
        assert!(
            took >= Duration::from_millis(900) && took < Duration::from_secs(3),
            "{path}: timed out after {took:?}"
        );
    }
}

#[tokio::test]
async fn connection_reset_and_refused_are_retryable() {
    let server = TestServer::start().await;
    let f = fetcher();
    let e = fetch_err(&f, &server.url("/reset")).await;
    assert_eq!(
        (e.reason(), e.disposition()),
        ("connect", Disposition::Retry { after: None })
    );
    assert!(server.hits("/reset") >= 1);

    // A port nobody listens on: bind one, learn its number, close it.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let e = fetch_err(&f, &format!("http://127.0.0.1:{port}/")).await;
    assert_eq!(
        (e.reason(), e.disposition()),
        ("connect", Disposition::Retry { after: None })
    );
}

#[tokio::test]
async fn binary_bodies_are_not_html() {
    let server = TestServer::start().await;
    let f = fetcher();
    let e = fetch_err(&f, &server.url("/pdf")).await;
    assert_eq!(
        (e.reason(), e.disposition()),
        ("not_html", Disposition::DeadLetter)
    );

    server.add_page("/image", Some("image/png"), &b"\x89PNG\r\n\x1a\n0000"[..]);
    assert_eq!(
        fetch_err(&f, &server.url("/image")).await.reason(),
        "not_html"
    );

    server.add_page(
        "/zip-as-html",
        Some("text/html"),
        &b"PK\x03\x04\x14\x00\x00\x00"[..],
    );
    assert_eq!(
        fetch_err(&f, &server.url("/zip-as-html")).await.reason(),
        "not_html"
    );

    server.add_page("/untyped-binary", None, vec![0u8, 1, 2, 3, 0, 0, 7, 8]);
    assert_eq!(
        fetch_err(&f, &server.url("/untyped-binary")).await.reason(),
        "not_html"
    );

    server.add_page("/untyped-html", None, "<html><body>fine</body></html>");
    let page = f.fetch(&u(&server.url("/untyped-html"))).await.unwrap();
    assert_eq!(page.content_type, None);
}

#[tokio::test]
async fn oversized_bodies_are_too_large_with_bounded_memory() {
    let _heavy = HEAVY.lock().await;
    let server = TestServer::start().await;
    let f = fetcher(); // cap 10 MiB
    let big = 50 * 1024 * 1024;

    // Declared length over the cap: refused before the body is read.
    let e = fetch_err(&f, &server.url(&format!("/big/{big}?length=1"))).await;
    assert_eq!(
        (e.reason(), e.disposition()),
        ("too_large", Disposition::DeadLetter)
    );

    // Chunked, no length: refused while streaming, at the cap.
    let t = Instant::now();
    let (res, grew_mib) = with_peak_rss(f.fetch(&u(&server.url(&format!("/big/{big}"))))).await;
    let took = t.elapsed();
    let e = res.unwrap_err();
    assert_eq!(e.reason(), "too_large");
    eprintln!("50 MiB chunked body: too_large after {took:?}, peak RSS growth {grew_mib:.1} MiB");
    assert!(
        grew_mib < 40.0,
        "RSS grew {grew_mib:.1} MiB for a 10 MiB cap"
    );

    // Exactly at the cap is fine.
    let page = f
        .fetch(&u(&server.url(&format!("/big/{}", 10 * 1024 * 1024))))
        .await
        .unwrap();
    assert_eq!(page.body.len(), 10 * 1024 * 1024);
}

#[tokio::test]
async fn gzip_bomb_is_too_large_quickly_with_bounded_memory() {
    let _heavy = HEAVY.lock().await;
    let server = TestServer::start().await;
    let f = fetcher(); // cap 10 MiB, counted after decompression
    let t = Instant::now();
    let (res, grew_mib) = with_peak_rss(f.fetch(&u(&server.url("/gzip-bomb?mb=2048")))).await;
    let took = t.elapsed();
    let e = res.unwrap_err();
    assert_eq!(
        (e.reason(), e.disposition()),
        ("too_large", Disposition::DeadLetter)
    );
    let wire = server.sent_bytes("/gzip-bomb");
    eprintln!(
        "gzip bomb (2 GiB inflated): too_large after {took:?}, {wire} bytes sent by the server, \
         peak RSS growth {grew_mib:.1} MiB"
    );
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert!(
        grew_mib < 40.0,
        "RSS grew {grew_mib:.1} MiB for a 10 MiB cap"
    );
}

#[tokio::test]
async fn small_gzip_body_is_inflated_and_verified() {
    let server = TestServer::start().await;
    let page = fetcher()
        .fetch(&u(&server.url("/gzip-bomb?mb=3")))
        .await
        .unwrap();
    assert_eq!(page.body.len(), 3 << 20);
    assert!(page.body.iter().all(|&b| b == b' '));
    assert!(
        server.sent_bytes("/gzip-bomb") < 16 * 1024,
        "compressed on the wire"
    );
}

#[tokio::test]
async fn user_agent_names_the_project_and_contact() {
    let server = TestServer::start().await;
    let mut args = support::fetch_args();
    args.user_agent = format!(
        "report-ingest/{} (+https://github.com/report-ingest/report-ingest)",
        env!("CARGO_PKG_VERSION")
    );
    let mut pol = support::politeness_args();
    pol.contact_url = "https://ops.example.org/crawler".into();
    let page = Fetcher::new(&args, &pol)
        .unwrap()
        .fetch(&u(&server.url("/echo-ua")))
        .await
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&page.body),
        format!(
            "report-ingest/{} (+https://ops.example.org/crawler)",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[tokio::test]
async fn per_host_concurrency_is_capped() {
    let server = TestServer::start().await;
    let f = fetcher_with(|a| a.per_host = 2);
    let url = u(&server.url("/sleep/300"));
    let t = Instant::now();
    let results = futures::future::join_all((0..6).map(|_| f.fetch(&url))).await;
    let took = t.elapsed();
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(server.hits("/sleep/300"), 6);
    assert_eq!(server.max_in_flight("/sleep/300"), 2);
    assert!(
        took >= Duration::from_millis(850),
        "6 requests, 2 at a time, 300 ms each: {took:?}"
    );
}

#[tokio::test]
async fn bad_schemes_are_refused() {
    let f = fetcher();
    for url in ["ftp://example.com/file", "file:///etc/passwd"] {
        let e = fetch_err(&f, url).await;
        assert_eq!(
            (e.reason(), e.disposition()),
            ("bad_scheme", Disposition::DeadLetter)
        );
    }
}

#[tokio::test]
async fn credentials_never_appear_in_errors() {
    let server = TestServer::start().await;
    let f = fetcher();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    for url in [
        server
            .url("/status/500")
            .replace("127.0.0.1", "user:s3cretpw@127.0.0.1"),
        format!("http://user:s3cretpw@127.0.0.1:{port}/x"),
    ] {
        let e = fetch_err(&f, &url).await;
        assert!(!format!("{e} {e:?}").contains("s3cretpw"), "{e:?}");
    }
}

// ---------------------------------------------------------------- SSRF guard

#[tokio::test]
async fn ssrf_internal_addresses_are_refused_before_any_request() {
    let server = TestServer::start().await;
    let port = server.addr.port();
    let f = fetcher_with(|a| a.allow_private = false);
    for url in [
        format!("http://127.0.0.1:{port}/page/a"),
        format!("http://[::1]:{port}/page/a"),
        format!("http://localhost:{port}/page/a"),
        format!("http://0.0.0.0:{port}/page/a"),
        format!("http://[::ffff:127.0.0.1]:{port}/page/a"),
        format!("http://2130706433:{port}/page/a"), // 127.0.0.1 as one decimal number
        "http://10.0.0.1/".to_owned(),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://192.168.1.1/".to_owned(),
        "http://100.64.0.1/".to_owned(),
    ] {
        let t = Instant::now();
        let e = fetch_err(&f, &url).await;
        assert_eq!(
            (e.reason(), e.disposition()),
            ("blocked_address", Disposition::DeadLetter),
            "{url}: {e}"
        );
        assert!(
            t.elapsed() < Duration::from_secs(1),
            "{url}: no connection attempt"
        );
    }
    assert_eq!(
        server.total_hits(),
        0,
        "no request reached the local server"
    );

    // robots.txt goes through the same guard.
    let mut pol = support::politeness_args();
    pol.ignore_robots = false;
    let mut args = support::fetch_args();
    args.allow_private = false;
    let f = Fetcher::new(&args, &pol).unwrap();
    let e = f
        .robots_allowed(&u(&server.url_localhost("/page/a")))
        .await
        .unwrap_err();
    assert_eq!(e.reason(), "blocked_address");
    assert_eq!(server.total_hits(), 0);
}

#[tokio::test]
async fn ssrf_allow_private_reaches_the_local_server() {
    let server = TestServer::start().await;
    let f = fetcher(); // allow_private = true
    f.fetch(&u(&server.url_localhost("/page/a"))).await.unwrap();
    f.fetch(&u(&server.url("/page/b"))).await.unwrap();
    assert_eq!(server.total_hits(), 2);
}

#[test]
fn ssrf_redirect_policy_checks_every_hop() {
    let start = u("https://reports.example.com/a");
    let chain = [start.clone()];
    for target in [
        "http://127.0.0.1/",
        "http://[::1]/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/",
        "http://[fd00::1]/",
    ] {
        let e = guard::check_redirect(&u(target), &chain, 10, false).unwrap_err();
        assert_eq!(e.reason(), "blocked_address", "{target}");
        assert!(
            guard::check_redirect(&u(target), &chain, 10, true).is_ok(),
            "{target}"
        );
    }
    assert!(guard::check_redirect(&u("https://cdn.example.net/b"), &chain, 10, false).is_ok());
    assert_eq!(
        guard::check_redirect(&u("ftp://example.com/"), &chain, 10, false)
            .unwrap_err()
            .reason(),
        "bad_scheme"
    );
    assert_eq!(
        guard::check_redirect(&u("https://reports.example.com/a#top"), &chain, 10, false)
            .unwrap_err()
            .reason(),
        "redirect_loop"
    );
    let long: Vec<Url> = (0..=10)
        .map(|i| u(&format!("https://reports.example.com/{i}")))
        .collect();
    assert_eq!(
        guard::check_redirect(&u("https://reports.example.com/next"), &long, 10, false)
            .unwrap_err()
            .reason(),
        "too_many_redirects"
    );
    assert!(guard::check_redirect(
        &u("https://reports.example.com/next"),
        &long[..10],
        10,
        false
    )
    .is_ok());
}

#[tokio::test]
async fn a_page_with_extra_headers_keeps_them() {
    let server = TestServer::start().await;
    server.add(
        "/with-headers",
        Page {
            status: 200,
            content_type: Some("application/xhtml+xml".into()),
            headers: vec![("etag".into(), "\"v1\"".into())],
            body: "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body>x</body></html>".into(),
        },
    );
    let page = fetcher()
        .fetch(&u(&server.url("/with-headers")))
        .await
        .unwrap();
    assert!(page
        .headers
        .iter()
        .any(|(k, v)| k == "etag" && v == "\"v1\""));
}

// ---------------------------------------------------------------- reasons (issue 16 item 9)

/// A raw TCP server: every connection reads the request head, then gets `response` as
/// is (so responses no HTTP library would produce can be sent), then the socket closes.
async fn raw_server(response: Vec<u8>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let response = std::sync::Arc::new(response);
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let response = response.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let mut seen = Vec::new();
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = sock.write_all(&response).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    format!("http://{addr}/page.html")
}

fn response_with(headers: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n{headers}\r\n").into_bytes();
    r.extend_from_slice(body);
    r
}

#[tokio::test]
async fn protocol_violations_are_permanent_not_connect() {
    // Big heads (1 MB, 10,000 headers): not beside the RSS-measuring tests.
    let _heavy = HEAVY.lock().await;
    let many_headers: String = (0..10_000).map(|i| format!("X-H{i}: v\r\n")).collect();
    let huge_header = format!("X-Big: {}\r\n", "a".repeat(1 << 20));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "10,000 headers",
            response_with(&many_headers, b"<p>x"),
            "protocol",
        ),
        (
            "1 MB header",
            response_with(&huge_header, b"<p>x"),
            "protocol",
        ),
        (
            "NUL in a header",
            response_with("X-Nul: a\0b\r\n", b"<p>x"),
            "protocol",
        ),
        (
            "bad Content-Length",
            response_with("Content-Length: abc\r\n", b"<p>x"),
            "protocol",
        ),
        (
            "HTTP/0.9",
            b"<html><p>no status line</p></html>".to_vec(),
            "protocol",
        ),
        (
            "garbage brotli",
            response_with(
                "Content-Encoding: br\r\nContent-Length: 64\r\n",
                &[0xAB; 64],
            ),
            "decompress",
        ),
        (
            "raw deflate",
            // "hello" as raw DEFLATE (no zlib header), which `deflate` must not be.
            response_with(
                "Content-Encoding: deflate\r\nContent-Length: 7\r\n",
                b"\xcb\x48\xcd\xc9\xc9\x07\x00",
            ),
            "decompress",
        ),
    ];
    let f = fetcher();
    for (name, response, reason) in cases {
        let url = raw_server(response).await;
        let e = fetch_err(&f, &url).await;
        assert_eq!(
            (e.reason(), e.disposition()),
            (reason, Disposition::DeadLetter),
            "{name}: {e}"
        );
    }
}

#[tokio::test]
async fn dns_failure_is_dns_and_timeouts_name_their_timeout() {
    let f = fetcher();
    let e = fetch_err(&f, "http://no-such-host.invalid/x").await;
    assert_eq!(e.reason(), "dns", "{e}");
    assert!(matches!(e.disposition(), Disposition::Retry { .. }));

    let server = TestServer::start().await;
    let f = fetcher_with(|a| a.fetch_timeout = 1.0);
    let e = fetch_err(&f, &server.url("/hold")).await;
    assert_eq!(e.reason(), "timeout");
    assert!(e.to_string().contains("whole-fetch"), "{e}");
}

/// A server whose accept queue is full drops new SYNs: the connect never completes, and
/// the error names the connect timeout (not the whole-fetch one), within about it.
#[tokio::test]
async fn a_connect_that_never_completes_is_a_connect_timeout() {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    // Fill the accept queue (never accepted) until a connect attempt hangs.
    let mut held = Vec::new();
    for _ in 0..16 {
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(300)) {
            Ok(s) => held.push(s),
            Err(_) => break,
        }
    }
    assert!(held.len() < 16, "the accept queue never filled");
    let f = fetcher_with(|a| {
        a.connect_timeout = 1.0;
        a.fetch_timeout = 20.0;
    });
    let t = Instant::now();
    let e = fetch_err(&f, &format!("http://{addr}/x")).await;
    let took = t.elapsed();
    assert_eq!(e.reason(), "connect_timeout", "{e}");
    assert!(e.to_string().contains("connect"), "{e}");
    assert!(
        !e.to_string().contains("20"),
        "names the connect timeout: {e}"
    );
    assert!(matches!(e.disposition(), Disposition::Retry { .. }));
    assert!(took < Duration::from_secs(5), "took {took:?}");
    drop(held);
    drop(listener);
}

#[tokio::test]
async fn credentials_in_urls_and_redirects_are_refused() {
    let server = TestServer::start().await;
    let f = fetcher();
    let url = server
        .url("/report.html")
        .replace("127.0.0.1", "user:s3cretpw@127.0.0.1");
    let e = fetch_err(&f, &url).await;
    assert_eq!(
        (e.reason(), e.disposition()),
        ("credentials_in_url", Disposition::DeadLetter)
    );
    assert_eq!(server.total_hits(), 0, "nothing was sent");
    let target = server
        .url("/x")
        .replace("127.0.0.1", "user:s3cretpw@127.0.0.1");
    let redirecting = raw_server(
        format!("HTTP/1.1 302 Found\r\nLocation: {target}\r\nContent-Length: 0\r\n\r\n")
            .into_bytes(),
    )
    .await;
    let e = fetch_err(&f, &redirecting).await;
    assert_eq!(e.reason(), "credentials_in_url", "{e}");
    assert!(!format!("{e} {e:?}").contains("s3cretpw"));
    assert_eq!(server.total_hits(), 0);
}
