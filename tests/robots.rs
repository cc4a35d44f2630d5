//! robots.txt against a real local server: verdicts, Crawl-delay, caching, failure modes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use report_ingest::disposition::{Classify, Disposition};
use report_ingest::fetch::{robots, Fetcher};
use support::http::{Robots, TestServer};
use url::Url;

fn fetcher() -> Fetcher {
    let mut pol = support::politeness_args();
    pol.ignore_robots = false;
    Fetcher::new(&support::fetch_args(), &pol).unwrap()
}

fn u(s: &str) -> Url {
    Url::parse(s).unwrap()
}

#[tokio::test]
async fn disallow_and_crawl_delay_are_honoured() {
    let server = TestServer::start().await;
    server.set_robots(Robots::Text(
        "User-agent: *\nDisallow: /private/\nAllow: /private/press/\nCrawl-delay: 2\n".into(),
    ));
    let f = fetcher();
    let v = f
        .robots_allowed(&u(&server.url("/private/plan.html")))
        .await
        .unwrap();
    assert!(!v.allowed);
    assert_eq!(v.crawl_delay, Some(Duration::from_secs(2)));
    assert!(
        f.robots_allowed(&u(&server.url("/private/press/1.html")))
            .await
            .unwrap()
            .allowed
    );
    assert!(
        f.robots_allowed(&u(&server.url("/page/a")))
            .await
            .unwrap()
            .allowed
    );
    assert_eq!(
        server.hits("/private/plan.html"),
        0,
        "a verdict fetches only robots.txt"
    );
}

#[tokio::test]
async fn our_own_group_overrides_the_star_group() {
    let server = TestServer::start().await;
    server.set_robots(Robots::Text(
        "User-agent: *\nAllow: /\n\nUser-agent: Report-Ingest\nDisallow: /reports/\nCrawl-delay: 0.5\n"
            .into(),
    ));
    let v = fetcher()
        .robots_allowed(&u(&server.url("/reports/2025.html")))
        .await
        .unwrap();
    assert!(!v.allowed);
    assert_eq!(v.crawl_delay, Some(Duration::from_millis(500)));
}

#[tokio::test]
async fn robots_txt_is_fetched_once_per_host() {
    let server = TestServer::start().await;
    server.set_robots(Robots::Text("User-agent: *\nDisallow: /x\n".into()));
    let f = fetcher();
    // Concurrent first calls wait for one fetch; later calls use the cache.
    let urls: Vec<Url> = (0..20)
        .map(|i| u(&server.url(&format!("/page/{i}"))))
        .collect();
    let verdicts = futures::future::join_all(urls.iter().map(|url| f.robots_allowed(url))).await;
    assert!(verdicts.iter().all(|v| v.as_ref().unwrap().allowed));
    for i in 0..30 {
        let v = f
            .robots_allowed(&u(&server.url(&format!("/x/{i}"))))
            .await
            .unwrap();
        assert!(!v.allowed);
    }
    assert_eq!(server.hits("/robots.txt"), 1);
    // A clone shares the cache.
    let g = f.clone();
    g.robots_allowed(&u(&server.url("/y"))).await.unwrap();
    assert_eq!(server.hits("/robots.txt"), 1);
    // Another origin (same server through another name) has its own entry.
    g.robots_allowed(&u(&server.url_localhost("/y")))
        .await
        .unwrap();
    assert_eq!(server.hits("/robots.txt"), 2);
}

#[tokio::test]
async fn missing_or_forbidden_robots_allows_everything() {
    let server = TestServer::start().await;
    let f = fetcher();
    let v = f
        .robots_allowed(&u(&server.url("/anything")))
        .await
        .unwrap(); // 404
    assert!(v.allowed);
    assert_eq!(v.crawl_delay, None);

    let server = TestServer::start().await;
    server.set_robots(Robots::Status(403));
    assert!(
        f.robots_allowed(&u(&server.url("/anything")))
            .await
            .unwrap()
            .allowed
    );
}

#[tokio::test]
async fn server_error_disallows_for_a_short_time_as_a_retry() {
    let server = TestServer::start().await;
    server.set_robots(Robots::Status(503));
    let f = fetcher();
    for _ in 0..5 {
        let e = f
            .robots_allowed(&u(&server.url("/page/a")))
            .await
            .unwrap_err();
        assert_eq!(e.reason(), "robots");
        match e.disposition() {
            Disposition::Retry { after: Some(d) } => {
                assert!(
                    d <= robots::ROBOTS_ERROR_TTL && d > Duration::from_secs(50),
                    "{d:?}"
                )
            }
            other => panic!("expected a timed retry, got {other:?}"),
        }
    }
    assert_eq!(server.hits("/robots.txt"), 1, "the failure is cached too");
}

#[tokio::test]
async fn ignore_robots_fetches_nothing() {
    let server = TestServer::start().await;
    server.set_robots(Robots::Text("User-agent: *\nDisallow: /\n".into()));
    let f = Fetcher::new(&support::fetch_args(), &support::politeness_args()).unwrap(); // ignore_robots = true
    assert!(
        f.robots_allowed(&u(&server.url("/page/a")))
            .await
            .unwrap()
            .allowed
    );
    assert_eq!(server.hits("/robots.txt"), 0);
}

#[tokio::test]
async fn robots_redirect_is_followed() {
    let server = TestServer::start().await;
    server.add_page(
        "/real-robots.txt",
        Some("text/plain"),
        "User-agent: *\nDisallow: /hidden\n",
    );
    server.add(
        "/robots.txt",
        support::http::Page {
            status: 301,
            content_type: None,
            headers: vec![("location".into(), "/real-robots.txt".into())],
            body: bytes::Bytes::new(),
        },
    );
    let f = fetcher();
    assert!(
        !f.robots_allowed(&u(&server.url("/hidden/1")))
            .await
            .unwrap()
            .allowed
    );
    assert!(
        f.robots_allowed(&u(&server.url("/shown/1")))
            .await
            .unwrap()
            .allowed
    );
    assert_eq!(server.hits("/real-robots.txt"), 1);
}

#[tokio::test]
async fn unresolvable_host_is_dns_not_robots() {
    let e = fetcher()
        .robots_allowed(&url::Url::parse("http://no-such-host.invalid/x").unwrap())
        .await
        .unwrap_err();
    assert_eq!(e.reason(), "dns", "{e}");
    assert!(matches!(
        e.disposition(),
        report_ingest::disposition::Disposition::Retry { .. }
    ));
}
