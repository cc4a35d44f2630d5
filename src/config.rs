//! Typed settings. Every setting is a flag with an environment variable (the flag wins);
//! they are parsed once in `main` and passed down. Nothing else reads the environment.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Args;

/// A secret string (DSN with a password): never printed by `Debug`.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }
    /// The secret value, for handing to a client library. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

/// Where the broker is and which names are ours.
#[derive(Debug, Clone, Args)]
pub struct BrokerArgs {
    /// AMQP URL of the RabbitMQ broker.
    #[arg(
        long,
        env = "AMQP_URL",
        default_value = "amqp://guest:guest@127.0.0.1:5672/%2f",
        hide_env_values = true
    )]
    pub amqp_url: Secret,
    /// Prefix of every queue and exchange name, so tenants and tests can run side by side.
    #[arg(long, env = "REPORT_INGEST_PREFIX", default_value = "report")]
    pub prefix: String,
}

/// Where the database is and which schema is ours.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// PostgreSQL connection string.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/report_ingest",
        hide_env_values = true
    )]
    pub database_url: Secret,
    /// Schema holding the tables.
    #[arg(long, env = "REPORT_INGEST_DB_SCHEMA", default_value = "report_ingest")]
    pub db_schema: String,
    /// Size of the connection pool.
    #[arg(long, env = "REPORT_INGEST_DB_POOL", default_value_t = 8)]
    pub db_pool: usize,
}

/// Limits and identity used when fetching pages.
#[derive(Debug, Clone, Args)]
pub struct FetchArgs {
    /// Allow fetching from loopback, private, link-local and metadata addresses.
    #[arg(long, env = "REPORT_INGEST_ALLOW_PRIVATE", default_value_t = false)]
    pub allow_private: bool,
    /// Largest body accepted, in bytes, after decompression.
    #[arg(long, env = "REPORT_INGEST_MAX_BODY", default_value_t = 10 * 1024 * 1024)]
    pub max_body: usize,
    /// TCP connect timeout in seconds.
    #[arg(long, env = "REPORT_INGEST_CONNECT_TIMEOUT", default_value_t = 10.0)]
    pub connect_timeout: f64,
    /// Whole-request timeout in seconds (headers and body).
    #[arg(long, env = "REPORT_INGEST_FETCH_TIMEOUT", default_value_t = 30.0)]
    pub fetch_timeout: f64,
    /// Most redirects followed.
    #[arg(long, env = "REPORT_INGEST_MAX_REDIRECTS", default_value_t = 10)]
    pub max_redirects: usize,
    /// User-Agent sent with every request.
    #[arg(long, env = "REPORT_INGEST_USER_AGENT", default_value = concat!("report-ingest/", env!("CARGO_PKG_VERSION"), " (+https://github.com/report-ingest/report-ingest)"))]
    pub user_agent: String,
    /// Most concurrent fetches to one host from this process.
    #[arg(long, env = "REPORT_INGEST_PER_HOST", default_value_t = 2)]
    pub per_host: usize,
}

impl FetchArgs {
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_secs_f64(self.connect_timeout.max(0.001))
    }
    pub fn fetch_timeout(&self) -> Duration {
        Duration::from_secs_f64(self.fetch_timeout.max(0.001))
    }
}

/// How the worker runs.
#[derive(Debug, Clone, Args)]
pub struct WorkerArgs {
    /// Messages processed at once (also the broker prefetch).
    #[arg(long, env = "REPORT_INGEST_CONCURRENCY", default_value_t = 8)]
    pub concurrency: usize,
    /// Broker prefetch; defaults to the concurrency.
    #[arg(long, env = "REPORT_INGEST_PREFETCH")]
    pub prefetch: Option<u16>,
    /// Attempts before a retryable failure is dead-lettered.
    #[arg(long, env = "REPORT_INGEST_MAX_ATTEMPTS", default_value_t = 5)]
    pub max_attempts: u32,
    /// Retry delays in seconds, one per retry tier (the last repeats).
    #[arg(
        long,
        env = "REPORT_INGEST_RETRY_DELAYS",
        value_delimiter = ',',
        default_value = "5,60,600"
    )]
    pub retry_delays: Vec<u64>,
    /// Seconds to finish in-flight messages after SIGTERM before returning them.
    #[arg(long, env = "REPORT_INGEST_SHUTDOWN_GRACE", default_value_t = 20)]
    pub shutdown_grace: u64,
    /// Address serving /metrics, /healthz and /readyz (e.g. 0.0.0.0:9090).
    #[arg(long, env = "REPORT_INGEST_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
    /// Do not run migrations at start.
    #[arg(long, env = "REPORT_INGEST_NO_MIGRATE", default_value_t = false)]
    pub no_migrate: bool,
    /// Fault injection for the fault suite (tests/faults.rs): abort the process right
    /// after the N-th database commit, before the event is published and the message
    /// acked: the worst moment to die. Off unless given; hidden from --help.
    #[arg(long, hide = true)]
    pub fault_exit_after_commit: Option<u64>,
    /// Fault injection for the crash-loop test (tests/crash_loop.rs): abort the process
    /// right after fetching a page whose body contains this text, as a page that
    /// exhausts memory would. Off unless given; hidden from --help.
    #[arg(
        long,
        env = "REPORT_INGEST_FAULT_ABORT_ON",
        hide = true,
        hide_env_values = true
    )]
    pub fault_abort_on: Option<String>,
    /// Seconds a sent outbox row is kept before the relay deletes it (default 7 days).
    /// The outbox is a hand-over buffer, not an archive; the retention only leaves time to
    /// look into what was sent.
    #[arg(long, env = "REPORT_INGEST_OUTBOX_RETENTION", default_value_t = 7 * 86_400)]
    pub outbox_retention: u64,
    /// Pages of one report followed (`下一页` on the same host and report) and stored as
    /// one; 1 stores the enqueued page only.
    #[arg(long, env = "REPORT_INGEST_MAX_PAGES", default_value_t = 20,
          value_parser = clap::value_parser!(u16).range(1..))]
    pub max_pages: u16,
    /// Fetch the DOCX and PDF files a report links to (附件) and store their text as extra
    /// articles (`source: "attachment"`); off by default (each is one more fetch under the
    /// host's budget).
    #[arg(long, env = "REPORT_INGEST_FETCH_ATTACHMENTS", default_value_t = false)]
    pub fetch_attachments: bool,
}

/// Politeness shared by every replica (kept in PostgreSQL) and robots.txt handling.
#[derive(Debug, Clone, Args)]
pub struct PolitenessArgs {
    /// Do not fetch or honour robots.txt.
    #[arg(long, env = "REPORT_INGEST_IGNORE_ROBOTS", default_value_t = false)]
    pub ignore_robots: bool,
    /// Fleet-wide request rate per host (requests per second, all replicas together).
    #[arg(long, env = "REPORT_INGEST_HOST_RATE", default_value_t = 1.0)]
    pub host_rate: f64,
    /// Fleet-wide concurrent fetches per host (all replicas together).
    #[arg(long, env = "REPORT_INGEST_HOST_CONCURRENCY", default_value_t = 2)]
    pub host_concurrency: u32,
    /// Per-host overrides: `host=rate[:concurrency]`, comma separated.
    #[arg(long, env = "REPORT_INGEST_HOST_BUDGETS", value_delimiter = ',')]
    pub host_budgets: Vec<String>,
    /// Longest a message waits in-process for its host's budget before it is delayed
    /// through a retry queue instead (seconds).
    #[arg(long, env = "REPORT_INGEST_POLITENESS_MAX_WAIT", default_value_t = 5.0)]
    pub politeness_max_wait: f64,
    /// Contact URL named in the User-Agent.
    #[arg(
        long,
        env = "REPORT_INGEST_CONTACT_URL",
        default_value = "https://github.com/report-ingest/report-ingest"
    )]
    pub contact_url: String,
}
