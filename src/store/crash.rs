//! The database side of crash-loop detection (the policy is `worker::crash`; migration
//! 0004 has the tables).
//!
//! - [`Store::worker_lock`]: a connection taken out of the pool for good, holding a session
//!   advisory lock on the worker's id for the life of the process. When the process dies,
//!   PostgreSQL ends the session and the lock is free: that is how a dead worker is told
//!   from a live one, without clocks or heartbeats.
//! - [`Store::marker_add`] / [`Store::marker_settled`]: an `in_flight` row per delivery
//!   being processed.
//! - [`Store::crash_sweep`]: when a message comes back, the markers for it whose worker's
//!   lock is free become crashes in `crash_counts`, in one transaction.
//!
//! The lock key is `hashtextextended('report_ingest.worker.' || worker_id, 0)`, computed by
//! the database wherever it is taken or tested, so the lock and the check cannot disagree. Worker ids are
//! random UUIDs: a collision (and so a wrong "alive") is as likely as a UUID collision.

use std::time::Duration;

use deadpool_postgres::ClientWrapper;

use super::{Store, StoreError};

/// The advisory lock key of the worker id that the SQL expression `worker_id` gives.
fn lock_key(worker_id: &str) -> String {
    format!("hashtextextended('report_ingest.worker.' || {worker_id}, 0)")
}

/// Crashes attributed to one message so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CrashCounts {
    /// Workers that died while this message was in flight in them.
    pub crashes: i32,
    /// Of those, the ones where it ran alone in its worker (no other delivery beside it).
    pub solo_crashes: i32,
}

/// What one [`Store::crash_sweep`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Markers of dead workers found now (moved into the counts).
    pub found: i32,
    /// Of those, the ones that had run alone.
    pub found_alone: i32,
    /// Markers of other workers that still hold their lock (alive, or dead so recently
    /// that PostgreSQL has not yet ended the session).
    pub alive: i32,
    /// The counts after the sweep.
    pub counts: CrashCounts,
}

/// The connection holding a worker's advisory lock. Dropping it closes the session, which
/// releases the lock.
pub struct WorkerLock {
    client: ClientWrapper,
}

impl std::fmt::Debug for WorkerLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerLock")
            .field("closed", &self.client.is_closed())
            .finish()
    }
}

impl WorkerLock {
    /// A round trip on the locking session: `Ok` means the session, and so the lock, is
    /// still there.
    pub async fn check(&self) -> Result<(), StoreError> {
        self.client.simple_query("SELECT 1").await?;
        Ok(())
    }
}

impl Store {
    /// Takes a connection out of the pool for good and locks `worker_id` on it (see the
    /// module docs). The id is fresh, so the lock is granted at once.
    pub async fn worker_lock(&self, worker_id: &str) -> Result<WorkerLock, StoreError> {
        let client = deadpool_postgres::Object::take(self.pool().get().await?);
        client
            .execute(
                &format!("SELECT pg_advisory_lock({})", lock_key("$1::text")),
                &[&worker_id],
            )
            .await?;
        Ok(WorkerLock { client })
    }

    /// Marks `key` as in flight in `worker_id`. A second marker for the same pair (the
    /// same message delivered twice to one worker) replaces the first.
    pub async fn marker_add(
        &self,
        key: &str,
        worker_id: &str,
        alone: bool,
    ) -> Result<(), StoreError> {
        let client = self.pool().get().await?;
        let stmt = client
            .prepare_cached(
                "INSERT INTO in_flight (message_key, worker_id, alone) VALUES ($1, $2, $3) \
                 ON CONFLICT (message_key, worker_id) \
                 DO UPDATE SET alone = excluded.alone, started_at = now()",
            )
            .await?;
        client.execute(&stmt, &[&key, &worker_id, &alone]).await?;
        Ok(())
    }

    /// The delivery of `key` in `worker_id` is settled: its marker goes, and with `forget`
    /// (the message ended for good) its crash counts too. One statement.
    pub async fn marker_settled(
        &self,
        key: &str,
        worker_id: &str,
        forget: bool,
    ) -> Result<(), StoreError> {
        let client = self.pool().get().await?;
        let stmt = client
            .prepare_cached(
                "WITH gone AS (DELETE FROM in_flight WHERE message_key = $1 AND worker_id = $2) \
                 DELETE FROM crash_counts WHERE $3 AND message_key = $1",
            )
            .await?;
        client.execute(&stmt, &[&key, &worker_id, &forget]).await?;
        Ok(())
    }

    /// Deletes every marker of `worker_id` (a worker stopping cleanly, before it lets go of
    /// its lock: what it did not settle was returned to the broker, not crashed).
    pub async fn markers_clear(&self, worker_id: &str) -> Result<u64, StoreError> {
        let client = self.pool().get().await?;
        Ok(client
            .execute("DELETE FROM in_flight WHERE worker_id = $1", &[&worker_id])
            .await?)
    }

    /// Moves the markers of `key` whose worker is dead into `crash_counts` and returns the
    /// counts (see the module docs); `me`'s own markers are left alone. A worker is dead
    /// when its lock can be taken: the check takes it with `pg_try_advisory_xact_lock`, so
    /// it is released at COMMIT, and a live worker's lock (held by its session) is never
    /// disturbed.
    pub async fn crash_sweep(&self, key: &str, me: &str) -> Result<Swept, StoreError> {
        let mut client = self.pool().get().await?;
        let tx = client.transaction().await?;
        let rows = tx
            .query(
                &format!(
                    "SELECT worker_id, alone, pg_try_advisory_xact_lock({}) FROM in_flight \
                     WHERE message_key = $1 AND worker_id <> $2 FOR UPDATE",
                    lock_key("worker_id")
                ),
                &[&key, &me],
            )
            .await?;
        let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        let dead: Vec<String> = rows
            .iter()
            .filter(|r| r.get::<_, bool>(2))
            .map(|r| r.get(0))
            .collect();
        let found = count(dead.len());
        let found_alone = count(
            rows.iter()
                .filter(|r| r.get::<_, bool>(2) && r.get::<_, bool>(1))
                .count(),
        );
        let alive = count(rows.len()) - found;
        let counts = if found > 0 {
            tx.execute(
                "DELETE FROM in_flight WHERE message_key = $1 AND worker_id = ANY($2)",
                &[&key, &dead],
            )
            .await?;
            let row = tx
                .query_one(
                    "INSERT INTO crash_counts (message_key, crashes, solo_crashes, last_crash_at) \
                     VALUES ($1, $2, $3, now()) ON CONFLICT (message_key) DO UPDATE SET \
                     crashes = crash_counts.crashes + excluded.crashes, \
                     solo_crashes = crash_counts.solo_crashes + excluded.solo_crashes, \
                     last_crash_at = excluded.last_crash_at \
                     RETURNING crashes, solo_crashes",
                    &[&key, &found, &found_alone],
                )
                .await?;
            CrashCounts {
                crashes: row.get(0),
                solo_crashes: row.get(1),
            }
        } else {
            tx.query_opt(
                "SELECT crashes, solo_crashes FROM crash_counts WHERE message_key = $1",
                &[&key],
            )
            .await?
            .map(|r| CrashCounts {
                crashes: r.get(0),
                solo_crashes: r.get(1),
            })
            .unwrap_or_default()
        };
        tx.commit().await?;
        Ok(Swept {
            found,
            found_alone,
            alive,
            counts,
        })
    }

    /// Housekeeping: deletes markers of dead workers older than `markers` (a worker that
    /// died after its ack but before deleting its marker leaves one no redelivery will
    /// sweep) and crash counts not touched for `counts` (a message that ended where the
    /// worker could not forget it, e.g. dead-lettered by the broker's delivery limit).
    /// Returns (markers, counts) deleted.
    pub async fn crash_prune(
        &self,
        markers: Duration,
        counts: Duration,
    ) -> Result<(u64, u64), StoreError> {
        let mut client = self.pool().get().await?;
        let tx = client.transaction().await?;
        let m = tx
            .execute(
                &format!(
                    "DELETE FROM in_flight WHERE started_at < now() - make_interval(secs => $1) \
                     AND pg_try_advisory_xact_lock({})",
                    lock_key("worker_id")
                ),
                &[&markers.as_secs_f64()],
            )
            .await?;
        let c = tx
            .execute(
                "DELETE FROM crash_counts WHERE last_crash_at < now() - make_interval(secs => $1)",
                &[&counts.as_secs_f64()],
            )
            .await?;
        tx.commit().await?;
        Ok((m, c))
    }
}
