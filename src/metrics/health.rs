//! Liveness and readiness state, shared between the worker (which updates it) and the
//! HTTP server (which reports it).
//!
//! - Live (`/healthz`): the worker loop called [`Health::beat`] within
//!   [`HEARTBEAT_STALE_AFTER`]. A wedged loop (deadlock, blocked runtime) stops beating,
//!   the probe fails, and the orchestrator restarts the process.
//! - Ready (`/readyz`): broker and database are both connected and the worker is not
//!   shutting down. Not ready means "send no traffic / do not count me", not "restart".

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long without a [`Health::beat`] before `/healthz` fails. The worker beats at
/// least every few seconds (its main loop ticks even when idle); 60 s tolerates long
/// GC-free pauses such as a slow database reconnect while still catching a wedged loop
/// within two liveness periods of the Kubernetes manifest (periodSeconds 30).
pub const HEARTBEAT_STALE_AFTER: Duration = Duration::from_secs(60);

#[derive(Debug)]
struct Inner {
    started: Instant,
    /// Milliseconds after `started` of the last beat (0 = the start itself counts).
    last_beat_ms: AtomicU64,
    stale_after: Duration,
    broker: AtomicBool,
    /// Times the broker went from down to up (the first connection included).
    broker_ups: AtomicU64,
    db: AtomicBool,
    draining: AtomicBool,
}

/// Health state. Cheap to clone; all methods are lock-free.
#[derive(Debug, Clone)]
pub struct Health {
    inner: Arc<Inner>,
}

impl Default for Health {
    fn default() -> Self {
        Self::new()
    }
}

impl Health {
    /// Alive (the start counts as a beat), not ready (nothing connected yet).
    pub fn new() -> Self {
        Self::with_stale_after(HEARTBEAT_STALE_AFTER)
    }

    /// Like [`Health::new`] with a custom heartbeat deadline (tests use short ones).
    pub fn with_stale_after(stale_after: Duration) -> Self {
        Self {
            inner: Arc::new(Inner {
                started: Instant::now(),
                last_beat_ms: AtomicU64::new(0),
                stale_after,
                broker: AtomicBool::new(false),
                broker_ups: AtomicU64::new(0),
                db: AtomicBool::new(false),
                draining: AtomicBool::new(false),
            }),
        }
    }

    /// The worker loop is alive. Call at least every few seconds.
    pub fn beat(&self) {
        let ms = u64::try_from(self.inner.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.inner.last_beat_ms.store(ms, Ordering::Relaxed);
    }

    /// The broker connection is up (true) or lost (false). Each down → up transition
    /// after the first connection counts as a reconnect (see [`Health::broker_reconnects`]),
    /// so the count does not depend on where callers report.
    pub fn set_broker(&self, up: bool) {
        let was = self.inner.broker.swap(up, Ordering::Relaxed);
        if up && !was {
            self.inner.broker_ups.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Broker connections re-established after a loss.
    pub fn broker_reconnects(&self) -> u64 {
        self.inner
            .broker_ups
            .load(Ordering::Relaxed)
            .saturating_sub(1)
    }

    /// The database is reachable (true) or not (false).
    pub fn set_db(&self, up: bool) {
        self.inner.db.store(up, Ordering::Relaxed);
    }

    /// Shutdown began: no longer ready (still live while in-flight work finishes).
    pub fn set_draining(&self) {
        self.inner.draining.store(true, Ordering::Relaxed);
    }

    pub fn broker_up(&self) -> bool {
        self.inner.broker.load(Ordering::Relaxed)
    }

    pub fn db_up(&self) -> bool {
        self.inner.db.load(Ordering::Relaxed)
    }

    pub fn draining(&self) -> bool {
        self.inner.draining.load(Ordering::Relaxed)
    }

    /// Time since the last beat.
    pub fn since_beat(&self) -> Duration {
        let last = Duration::from_millis(self.inner.last_beat_ms.load(Ordering::Relaxed));
        self.inner.started.elapsed().saturating_sub(last)
    }

    /// Whether `/healthz` succeeds.
    pub fn live(&self) -> bool {
        self.since_beat() <= self.inner.stale_after
    }

    /// Whether `/readyz` succeeds.
    pub fn ready(&self) -> bool {
        self.broker_up() && self.db_up() && !self.draining()
    }

    /// Why not ready, e.g. `broker down, db down` (empty when ready).
    pub fn not_ready_reasons(&self) -> String {
        let mut parts = Vec::new();
        if !self.broker_up() {
            parts.push("broker down");
        }
        if !self.db_up() {
            parts.push("db down");
        }
        if self.draining() {
            parts.push("shutting down");
        }
        parts.join(", ")
    }

    /// Health as Prometheus gauges (appended to `/metrics`).
    pub fn render(&self, out: &mut String) {
        let b = |v: bool| if v { 1 } else { 0 };
        let gauges = [
            (
                "report_ingest_broker_connected",
                "1 while the broker connection is up.",
                b(self.broker_up()),
            ),
            (
                "report_ingest_db_connected",
                "1 while the database is reachable.",
                b(self.db_up()),
            ),
            (
                "report_ingest_ready",
                "1 while /readyz succeeds (broker and database up, not shutting down).",
                b(self.ready()),
            ),
        ];
        for (name, help, v) in gauges {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
        }
        let name = "report_ingest_broker_reconnects_total";
        let _ = writeln!(
            out,
            "# HELP {name} Broker connections re-established after a loss.\n# TYPE {name} counter\n{name} {}",
            self.broker_reconnects()
        );
        let name = "report_ingest_heartbeat_age_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} Seconds since the worker loop last reported alive.\n# TYPE {name} gauge\n{name} {}",
            self.since_beat().as_secs_f64()
        );
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn ready_needs_broker_and_db_and_not_draining() {
        let h = Health::new();
        assert!(h.live());
        assert!(!h.ready());
        assert_eq!(h.not_ready_reasons(), "broker down, db down");
        h.set_broker(true);
        assert!(!h.ready());
        h.set_db(true);
        assert!(h.ready());
        assert_eq!(h.not_ready_reasons(), "");
        h.clone().set_broker(false); // clones share state
        assert!(!h.ready());
        h.set_broker(true);
        h.set_broker(true); // already up: not a reconnect
        assert_eq!(h.broker_reconnects(), 1, "one loss, one reconnect");
        h.set_draining();
        assert!(!h.ready());
        assert!(h.live());
    }

    #[test]
    fn live_fails_without_beats_and_recovers_on_a_beat() {
        let h = Health::with_stale_after(Duration::from_millis(30));
        assert!(h.live());
        std::thread::sleep(Duration::from_millis(60));
        assert!(!h.live());
        h.beat();
        assert!(h.live());
    }

    #[test]
    fn renders_gauges() {
        let h = Health::new();
        h.set_db(true);
        let mut s = String::new();
        h.render(&mut s);
        assert!(s.contains("\nreport_ingest_db_connected 1\n"), "{s}");
        assert!(s.contains("\nreport_ingest_broker_connected 0\n"), "{s}");
        assert!(s.contains("\nreport_ingest_ready 0\n"), "{s}");
        assert!(
            s.contains("\nreport_ingest_broker_reconnects_total 0\n"),
            "{s}"
        );
        assert!(
            s.contains("# TYPE report_ingest_heartbeat_age_seconds gauge"),
            "{s}"
        );
    }
}
