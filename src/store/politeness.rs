//! The SQL of fleet-wide politeness (`host_budget`, `host_lease`; the policy, what a host
//! may have and how long a refused caller waits, is [`crate::politeness`]).
//!
//! One acquire is one short transaction: lock the host's `host_budget` row
//! (`SELECT … FOR UPDATE`, creating it on first sight, so concurrent acquirers for one host
//! queue on the row lock and acquirers for other hosts do not contend), sweep and count
//! its live leases, then either grant (move `next_slot`, insert a lease) or report the
//! host's state to the caller. The clock is the database's (`clock_timestamp()`).

use super::{Store, StoreError};

/// A host's state under its row lock, as an acquire saw it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HostState {
    /// Seconds until the host's next free slot (≤ 0: a request may start now).
    pub ahead: f64,
    /// Unexpired leases (0 when leases are not counted).
    pub live: i64,
    /// Seconds until the earliest of them expires.
    pub earliest_expiry: Option<f64>,
}

/// What a granted acquire records.
#[derive(Debug, Clone, Copy)]
pub struct HostGrant<'a> {
    /// The spacing the grant moves `next_slot` by, in seconds.
    pub interval_secs: f64,
    /// Take a lease (the host has a concurrency limit): its holder label and lifetime.
    pub lease: Option<(&'a str, f64)>,
}

impl Store {
    /// One acquire for `host` (normalised by the caller): locks its budget row, sweeps and
    /// counts its live leases when `grant.lease` is set, and asks `admit` whether the
    /// state allows a request now. Admitted: moves the slot, takes the lease and returns
    /// `Ok(lease id)` (`None` without a lease); refused: `Err(state)`, nothing recorded.
    pub async fn host_acquire(
        &self,
        host: &str,
        grant: &HostGrant<'_>,
        admit: impl FnOnce(&HostState) -> bool,
    ) -> Result<Result<Option<i64>, HostState>, StoreError> {
        let mut client = self.pool().get().await?;
        let tx = client.transaction().await?;

        // Lock the host's row (creating it on first sight), read how far ahead its next
        // free slot is. Acquirers for one host queue here; other hosts are unaffected.
        let select = "SELECT extract(epoch FROM (next_slot - clock_timestamp()))::float8 \
                      FROM host_budget WHERE host = $1 FOR UPDATE";
        let mut row = tx.query_opt(select, &[&host]).await?;
        if row.is_none() {
            tx.execute(
                "INSERT INTO host_budget (host, next_slot) VALUES ($1, clock_timestamp()) \
                 ON CONFLICT (host) DO NOTHING",
                &[&host],
            )
            .await?;
            row = tx.query_opt(select, &[&host]).await?;
        }
        let ahead: f64 = match row {
            Some(r) => r.try_get(0)?,
            None => 0.0,
        };

        // Live leases (expired ones are swept here, under the row lock).
        let (live, earliest_expiry): (i64, Option<f64>) = if grant.lease.is_some() {
            let r = tx
                .query_one(
                    "WITH swept AS (DELETE FROM host_lease \
                                    WHERE host = $1 AND expires_at <= clock_timestamp()) \
                     SELECT count(*), \
                            extract(epoch FROM (min(expires_at) - clock_timestamp()))::float8 \
                     FROM host_lease WHERE host = $1 AND expires_at > clock_timestamp()",
                    &[&host],
                )
                .await?;
            (r.try_get(0)?, r.try_get(1)?)
        } else {
            (0, None)
        };

        let state = HostState {
            ahead,
            live,
            earliest_expiry,
        };
        if !admit(&state) {
            tx.commit().await?;
            return Ok(Err(state));
        }

        // Grant: move the slot and take a lease, in the same transaction.
        let interval_secs = grant.interval_secs;
        let lease_id: Option<i64> = if let Some((holder, ttl_secs)) = grant.lease {
            let r = tx
                .query_one(
                    "WITH slot AS (UPDATE host_budget \
                                   SET next_slot = greatest(next_slot, clock_timestamp()) \
                                                   + make_interval(secs => $2) \
                                   WHERE host = $1) \
                     INSERT INTO host_lease (host, holder, expires_at) \
                     VALUES ($1, $3, clock_timestamp() + make_interval(secs => $4)) \
                     RETURNING id",
                    &[&host, &interval_secs, &holder, &ttl_secs],
                )
                .await?;
            Some(r.try_get(0)?)
        } else {
            tx.execute(
                "UPDATE host_budget SET next_slot = greatest(next_slot, clock_timestamp()) \
                                                    + make_interval(secs => $2) \
                 WHERE host = $1",
                &[&host, &interval_secs],
            )
            .await?;
            None
        };
        tx.commit().await?;
        Ok(Ok(lease_id))
    }

    /// Live leases of `host` (normalised by the caller) right now.
    pub async fn host_leases(&self, host: &str) -> Result<i64, StoreError> {
        let client = self.pool().get().await?;
        let row = client
            .query_one(
                "SELECT count(*) FROM host_lease \
                 WHERE host = $1 AND expires_at > clock_timestamp()",
                &[&host],
            )
            .await?;
        Ok(row.try_get(0)?)
    }

    /// Deletes lease `id` (its fetch ended).
    pub async fn host_lease_release(&self, id: i64) -> Result<(), StoreError> {
        let client = self.pool().get().await?;
        client
            .execute("DELETE FROM host_lease WHERE id = $1", &[&id])
            .await?;
        Ok(())
    }
}
