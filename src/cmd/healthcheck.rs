//! `report-ingest healthcheck` (hidden): the container HEALTHCHECK. Slim images have no
//! curl or wget, so the binary probes its own `/healthz` with a minimal HTTP/1.0 GET and
//! exits 0 on a 2xx answer, 1 otherwise.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use anyhow::{bail, Context};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// URL to probe (plain http).
    #[arg(
        long,
        env = "REPORT_INGEST_HEALTHCHECK_URL",
        default_value = "http://127.0.0.1:9090/healthz"
    )]
    pub url: String,
    /// Seconds allowed for connecting and reading the answer.
    #[arg(long, default_value_t = 3.0)]
    pub timeout: f64,
}

/// Longest response head read; `/healthz` answers in ~100 bytes.
const MAX_RESPONSE: u64 = 64 * 1024;

pub fn run(args: Args) -> anyhow::Result<()> {
    let url = url::Url::parse(&args.url).with_context(|| format!("parsing {:?}", args.url))?;
    if url.scheme() != "http" {
        bail!("only http:// URLs can be probed, got {}", url.scheme());
    }
    let host = url.host_str().context("the URL has no host")?;
    let port = url.port_or_known_default().unwrap_or(80);
    let timeout = Duration::from_secs_f64(args.timeout.max(0.001));
    let addr = (host, port)
        .to_socket_addrs()
        .with_context(|| format!("resolving {host}"))?
        .next()
        .with_context(|| format!("{host} has no address"))?;
    let mut stream = TcpStream::connect_timeout(&addr, timeout)
        .with_context(|| format!("connecting to {addr}"))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let path = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: {host}:{port}\r\nUser-Agent: report-ingest-healthcheck\r\n\r\n"
    )?;
    let mut buf = Vec::new();
    stream
        .take(MAX_RESPONSE)
        .read_to_end(&mut buf)
        .context("reading the answer")?;
    let text = String::from_utf8_lossy(&buf);
    let status_line = text.lines().next().unwrap_or("");
    let code: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .with_context(|| format!("not an HTTP answer: {status_line:?}"))?;
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b).trim();
    if (200..300).contains(&code) {
        println!("{code} {body}");
        Ok(())
    } else {
        bail!("{} answered {code}: {body}", args.url)
    }
}
