//! Every broker name and header, in one place. All names start with the prefix.

/// Names of the queues and exchanges of one deployment (`{prefix}.…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    pub prefix: String,
    /// Durable work queue, fed via the default exchange or [`Names::ingest_exchange`].
    pub urls: String,
    /// Direct exchange routing to the work queue (routing key = [`Names::urls`]).
    pub ingest_exchange: String,
    /// Dead letters for good: `{prefix}.urls.dlq`.
    pub dlq: String,
    /// Topic exchange for `report.completed`, `report.failed`, `report.changed`.
    pub events_exchange: String,
}

impl Names {
    pub fn new(prefix: &str) -> Self {
        Self {
            prefix: prefix.to_owned(),
            urls: format!("{prefix}.urls"),
            ingest_exchange: format!("{prefix}.ingest"),
            dlq: format!("{prefix}.urls.dlq"),
            events_exchange: format!("{prefix}.events"),
        }
    }

    /// The delay queue of retry tier `tier` (TTL, dead-letters back to the work queue).
    pub fn retry_queue(&self, delay_secs: u64) -> String {
        format!("{}.urls.retry.{delay_secs}s", self.prefix)
    }
}

/// Event routing keys (also the CloudEvents `type`).
pub mod routing {
    pub const COMPLETED: &str = "report.completed";
    pub const FAILED: &str = "report.failed";
    pub const CHANGED: &str = "report.changed";
}

/// Message headers we set. Dead letters carry reason, attempts, host and failure times.
pub mod headers {
    /// Attempts made so far (integer).
    pub const ATTEMPTS: &str = "x-ri-attempts";
    /// Last failure reason, a short code plus detail (`http_503: …`).
    pub const REASON: &str = "x-ri-reason";
    /// Host of the URL (for DLQ grouping).
    pub const HOST: &str = "x-ri-host";
    /// RFC 3339 time of the first failure.
    pub const FIRST_FAILURE: &str = "x-ri-first-failure";
    /// RFC 3339 time of the last failure.
    pub const LAST_FAILURE: &str = "x-ri-last-failure";
    /// Set on messages `dlq requeue` sent back (RFC 3339 time of the requeue).
    pub const REQUEUED: &str = "x-ri-requeued";
}
