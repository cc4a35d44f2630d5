//! Fleet-wide politeness: at most R requests per second and C concurrent fetches per host,
//! counted across every replica of the worker.
//!
//! The state lives in PostgreSQL, which every replica already talks to (no new service):
//! - `host_budget (host, next_slot)`: the earliest instant the next request to `host` may
//!   start. A grant moves it to `greatest(now, next_slot) + 1/R`, so grants to one host are
//!   spaced by at least `1/R` whichever replica asks.
//! - `host_lease (id, host, expires_at)`: one row per fetch in flight. A grant needs fewer
//!   than C unexpired leases; [`HostPermit::release`] deletes its row, and a lease whose
//!   worker died frees itself when `expires_at` passes ([`LEASE_TTL`]).
//!
//! Both tables are `UNLOGGED` (see the migration): the state is worth nothing after a
//! database crash (every lease would have expired anyway), and skipping the WAL keeps an
//! acquire at a few hundred microseconds of database time.
//!
//! One acquire is one short transaction ([`Store::host_acquire`], the SQL is in
//! [`crate::store::politeness`]): lock the host's `host_budget` row (`SELECT … FOR UPDATE`,
//! so concurrent acquirers for one host queue on the row lock and acquirers for other hosts
//! do not contend), count live leases, then either grant (move `next_slot`, insert a lease)
//! or answer how long to wait. Over budget is not an error:
//! [`Politeness::acquire`] returns `Ok(Err(wait))` and the worker sleeps (short waits) or
//! delays the message through a retry queue (long ones) without counting a failed attempt.
//!
//! The clock is the database's (`clock_timestamp()`), so replicas with skewed clocks still
//! share one timeline.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::PolitenessArgs;
use crate::store::politeness::{HostGrant, HostState};
use crate::store::{Store, StoreError};

/// How long a lease lives if its holder never releases it (killed worker, lost connection).
/// Calibrated from the fetch limits: the default whole-request timeout is 30 s
/// (`--fetch-timeout`) and a robots.txt fetch may precede it, so a live fetch never
/// outlives 60 s; 90 s adds margin for a slow database round trip at release time. A dead
/// worker therefore blocks one of its host's C slots for at most 90 s.
pub const LEASE_TTL: Duration = Duration::from_secs(90);

/// The wait suggested when a host is at its concurrency limit and its rate would allow a
/// request now. Leases are released by other processes without notification, so the
/// waiter polls; 50 ms is a tenth of a typical page fetch on a LAN and costs one short
/// transaction per poll per waiting message.
pub const BUSY_RETRY: Duration = Duration::from_millis(50);

/// The shortest wait [`Politeness::acquire_within`] sleeps between polls, so a wait that
/// rounds to zero does not spin on the database.
pub const MIN_POLL: Duration = Duration::from_millis(5);

/// A host's budget: requests per second (≤ 0: unlimited) and concurrent fetches (0:
/// unlimited), fleet-wide.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    pub rate: f64,
    pub concurrency: u32,
}

impl Budget {
    /// The spacing between two requests to the host, given its robots.txt `Crawl-delay`
    /// (which can only slow us down, never speed us up). `None` when unlimited.
    pub fn interval(&self, crawl_delay: Option<Duration>) -> Option<Duration> {
        let by_rate = if self.rate > 0.0 && self.rate.is_finite() {
            Some(Duration::from_secs_f64(1.0 / self.rate))
        } else {
            None
        };
        match (by_rate, crawl_delay.filter(|d| !d.is_zero())) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }
}

/// A per-host override that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "bad host budget {entry:?}: expected host=rate[:concurrency], e.g. example.org=0.5:1 ({why})"
)]
pub struct BudgetParseError {
    pub entry: String,
    pub why: &'static str,
}

/// Parses `--host-budgets` entries `host=rate[:concurrency]` (concurrency defaults to
/// `default_concurrency`). A host starting with `.` (`.example.org`) applies to every
/// subdomain of `example.org` that has no exact entry of its own.
pub fn parse_budgets(
    entries: &[String],
    default_concurrency: u32,
) -> Result<HashMap<String, Budget>, BudgetParseError> {
    let mut out = HashMap::new();
    for raw in entries {
        let entry = raw.trim();
        if entry.is_empty() {
            continue;
        }
        let err = |why| BudgetParseError {
            entry: entry.to_owned(),
            why,
        };
        let (host, spec) = entry.split_once('=').ok_or_else(|| err("no '='"))?;
        let host = normalize_host(host);
        if host.is_empty() || host == "." {
            return Err(err("empty host"));
        }
        let (rate, conc) = match spec.split_once(':') {
            Some((r, c)) => (r, Some(c)),
            None => (spec, None),
        };
        let rate: f64 = rate
            .trim()
            .parse()
            .map_err(|_| err("rate is not a number"))?;
        if !rate.is_finite() {
            return Err(err("rate is not finite"));
        }
        let concurrency = match conc {
            Some(c) => c
                .trim()
                .parse()
                .map_err(|_| err("concurrency is not a whole number"))?,
            None => default_concurrency,
        };
        out.insert(host, Budget { rate, concurrency });
    }
    Ok(out)
}

/// The host has all the concurrent fetches its budget allows.
fn over_concurrency(budget: Budget, state: &HostState) -> bool {
    budget.concurrency > 0 && state.live >= i64::from(budget.concurrency)
}

/// Hosts are compared lowercase, without a trailing dot.
fn normalize_host(host: &str) -> String {
    host.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// The fleet-wide budget keeper. Clone it freely (the pool and settings are shared).
#[derive(Clone)]
pub struct Politeness {
    store: Store,
    default: Budget,
    overrides: Arc<HashMap<String, Budget>>,
    lease_ttl: Duration,
    holder: Arc<str>,
}

impl std::fmt::Debug for Politeness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Politeness")
            .field("default", &self.default)
            .field("overrides", &self.overrides)
            .field("lease_ttl", &self.lease_ttl)
            .finish_non_exhaustive()
    }
}

/// The answer of one acquire: a permit, or how long to wait before asking again.
pub type Acquired = Result<HostPermit, Duration>;

impl Politeness {
    /// Uses `store`'s pool; the tables come from the store's migrations. Overrides that do
    /// not parse are logged and skipped (validate them up front with [`parse_budgets`]).
    pub fn new(store: &Store, args: &PolitenessArgs) -> Self {
        let overrides = match parse_budgets(&args.host_budgets, args.host_concurrency) {
            Ok(o) => o,
            Err(error) => {
                tracing::warn!(%error, "Ignoring the per-host budgets: they do not parse.");
                HashMap::new()
            }
        };
        Self {
            store: store.clone(),
            default: Budget {
                rate: args.host_rate,
                concurrency: args.host_concurrency,
            },
            overrides: Arc::new(overrides),
            lease_ttl: LEASE_TTL,
            holder: Arc::from(format!("{}:{}", hostname_hint(), std::process::id())),
        }
    }

    /// Replaces [`LEASE_TTL`] (tests use a short one to watch a lease expire).
    pub fn with_lease_ttl(mut self, ttl: Duration) -> Self {
        self.lease_ttl = ttl;
        self
    }

    /// The budget that applies to `host`: an exact override, else the longest `.suffix`
    /// override, else the default.
    pub fn budget_for(&self, host: &str) -> Budget {
        let host = normalize_host(host);
        if let Some(b) = self.overrides.get(&host) {
            return *b;
        }
        let mut best: Option<(usize, Budget)> = None;
        for (k, b) in self.overrides.iter() {
            let Some(domain) = k.strip_prefix('.') else {
                continue;
            };
            let matches = host == domain || host.ends_with(k.as_str());
            if matches && best.is_none_or(|(len, _)| k.len() > len) {
                best = Some((k.len(), *b));
            }
        }
        best.map_or(self.default, |(_, b)| b)
    }

    /// `Ok(Ok(permit))` when `host` may be fetched now (its rate and concurrency budgets,
    /// fleet-wide, allow it); `Ok(Err(wait))` when over budget: ask again after `wait`.
    /// `crawl_delay` (robots.txt) lowers the rate when it is slower than the budget.
    /// `Err` only when the database fails.
    pub async fn acquire(
        &self,
        host: &str,
        crawl_delay: Option<Duration>,
    ) -> Result<Acquired, StoreError> {
        let host = normalize_host(host);
        let budget = self.budget_for(&host);
        let interval = budget.interval(crawl_delay);
        if interval.is_none() && budget.concurrency == 0 {
            // Unlimited on both counts: nothing to record.
            return Ok(Ok(HostPermit::unlimited(host)));
        }
        let grant = HostGrant {
            interval_secs: interval.map_or(0.0, |d| d.as_secs_f64()),
            lease: (budget.concurrency > 0).then(|| (&*self.holder, self.lease_ttl.as_secs_f64())),
        };
        // A request may start when the host's next slot has come (if it has a rate) and it
        // has fewer live leases than its concurrency (if it has a limit).
        let rate_limited = interval.is_some();
        let rate_wait = move |state: &HostState| {
            (rate_limited && state.ahead > 0.0).then(|| Duration::from_secs_f64(state.ahead))
        };
        let admitted = self
            .store
            .host_acquire(&host, &grant, |state| {
                rate_wait(state).is_none() && !over_concurrency(budget, state)
            })
            .await?;
        match admitted {
            Ok(lease_id) => Ok(Ok(HostPermit {
                host,
                lease: lease_id.map(|id| Lease {
                    id,
                    store: self.store.clone(),
                }),
            })),
            Err(state) => {
                let mut wait = rate_wait(&state).unwrap_or(Duration::ZERO);
                if over_concurrency(budget, &state) {
                    // A lease frees at the latest when it expires; usually much sooner.
                    let until_expiry = state
                        .earliest_expiry
                        .filter(|s| s.is_finite() && *s > 0.0)
                        .map_or(BUSY_RETRY, Duration::from_secs_f64);
                    wait = wait.max(BUSY_RETRY.min(until_expiry));
                }
                Ok(Err(wait))
            }
        }
    }

    /// [`Politeness::acquire`], sleeping in-process between polls for up to `max_wait` in
    /// total. `Ok(Err(wait))` when the budget would need longer than `max_wait`: the
    /// caller should delay the message (retry queue) by about `wait`. Also returns how long
    /// this call waited, for the `politeness` stage metric.
    pub async fn acquire_within(
        &self,
        host: &str,
        crawl_delay: Option<Duration>,
        max_wait: Duration,
    ) -> Result<(Acquired, Duration), StoreError> {
        let start = Instant::now();
        loop {
            match self.acquire(host, crawl_delay).await? {
                Ok(permit) => return Ok((Ok(permit), start.elapsed())),
                Err(wait) => {
                    let waited = start.elapsed();
                    if waited + wait > max_wait {
                        return Ok((Err(wait), waited));
                    }
                    tokio::time::sleep(wait.max(MIN_POLL)).await;
                }
            }
        }
    }

    /// Live leases of `host` right now (for tests and operators).
    pub async fn leases(&self, host: &str) -> Result<i64, StoreError> {
        self.store.host_leases(&normalize_host(host)).await
    }
}

/// The right to fetch one host now. Release it when the fetch ends; if it is dropped
/// instead, the release runs in the background (when a tokio runtime is there), and if
/// the process dies, the lease expires after [`LEASE_TTL`].
#[derive(Debug)]
pub struct HostPermit {
    host: String,
    lease: Option<Lease>,
}

struct Lease {
    id: i64,
    store: Store,
}

impl std::fmt::Debug for Lease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lease").field("id", &self.id).finish()
    }
}

impl HostPermit {
    fn unlimited(host: String) -> Self {
        Self { host, lease: None }
    }

    /// The host this permit is for (normalised).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Frees the concurrency slot. A failure is logged, not returned: the lease expires
    /// on its own.
    pub async fn release(mut self) {
        if let Some(lease) = self.lease.take() {
            if let Err(error) = lease.store.host_lease_release(lease.id).await {
                tracing::warn!(%error, host = %self.host, lease = lease.id,
                    "Releasing a host lease failed; it will expire on its own.");
            }
        }
    }

    /// Forgets the lease without releasing it, as a killed worker would (it then expires
    /// after the lease TTL). For tests of expiry.
    pub fn abandon(mut self) {
        self.lease = None;
    }
}

impl Drop for HostPermit {
    fn drop(&mut self) {
        if let Some(lease) = self.lease.take() {
            // Dropped without release (a cancelled future, an early return): free the slot
            // in the background rather than holding it until it expires.
            if let Ok(handle) = tokio::runtime::Handle::try_current() {
                handle.spawn(async move {
                    if let Err(error) = lease.store.host_lease_release(lease.id).await {
                        tracing::warn!(%error, lease = lease.id,
                            "Releasing a dropped host lease failed; it will expire on its own.");
                    }
                });
            }
        }
    }
}

/// A label for the lease holder (visible in `host_lease.holder` for operators).
fn hostname_hint() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parses_overrides() {
        let b = parse_budgets(
            &[
                "example.org=0.5:1".into(),
                " Slow.Example.= 2 ".into(),
                ".gov.cn=0.2".into(),
            ],
            3,
        )
        .unwrap();
        assert_eq!(
            b["example.org"],
            Budget {
                rate: 0.5,
                concurrency: 1
            }
        );
        assert_eq!(
            b["slow.example"],
            Budget {
                rate: 2.0,
                concurrency: 3
            }
        );
        assert_eq!(
            b[".gov.cn"],
            Budget {
                rate: 0.2,
                concurrency: 3
            }
        );
        assert!(parse_budgets(&["example.org".into()], 1).is_err());
        assert!(parse_budgets(&["example.org=fast".into()], 1).is_err());
        assert!(parse_budgets(&["example.org=1:x".into()], 1).is_err());
        assert!(parse_budgets(&["=1".into()], 1).is_err());
    }

    #[test]
    fn crawl_delay_only_slows_down() {
        let b = Budget {
            rate: 2.0,
            concurrency: 1,
        };
        assert_eq!(b.interval(None), Some(Duration::from_millis(500)));
        assert_eq!(
            b.interval(Some(Duration::from_secs(3))),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            b.interval(Some(Duration::from_millis(100))),
            Some(Duration::from_millis(500))
        );
        let unlimited = Budget {
            rate: 0.0,
            concurrency: 0,
        };
        assert_eq!(unlimited.interval(None), None);
        assert_eq!(
            unlimited.interval(Some(Duration::from_secs(1))),
            Some(Duration::from_secs(1))
        );
    }
}
