//! PostgreSQL: connection pool, embedded migrations, idempotent writes, transactional outbox.
//!
//! - [`Store::connect`] builds a deadpool pool whose connections all have
//!   `search_path` set to the deployment schema (`--db-schema`), so every statement here
//!   uses unqualified names.
//! - [`Store::migrate`] applies the embedded, numbered SQL files of [`migrate::MIGRATIONS`]
//!   under an advisory lock, recording each in `schema_migrations`.
//! - [`Store::save`] ([`save`]) writes one fetched page in one transaction: the report row,
//!   its articles and figures, the raw bytes (zstd) and an outbox row with the event.
//! - The outbox functions serve the relay that publishes events a worker could not.
//! - [`politeness`]: host budgets and leases (`crate::politeness` keeps the policy).
//! - [`crash`]: in-flight markers, the worker's advisory lock and crash counts, for
//!   crash-loop detection (`worker::crash`).
//!
//! Only bound parameters reach SQL; the one identifier we interpolate, the schema name, is
//! validated by [`validate_schema`] (`[a-z_][a-z0-9_]*`, ≤ 63 bytes) and double-quoted.

pub mod crash;
pub mod migrate;
pub mod politeness;
pub mod replay;
pub mod save;

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

use crate::config::DbArgs;
use crate::disposition::{Classify, Disposition};

pub use save::{FetchedPage, PageToSave, Saved};

/// Longest a caller waits for a pooled connection before the attempt fails with a
/// retryable error. Calibrated to be well under the broker's consumer timeout and long
/// enough that a briefly saturated pool (concurrency > pool size) does not fail messages.
pub const POOL_WAIT: Duration = Duration::from_secs(30);

/// PostgreSQL's identifier length limit (NAMEDATALEN - 1).
const MAX_IDENTIFIER: usize = 63;

/// Everything that can go wrong talking to PostgreSQL.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The schema name is not a plain lower-case identifier.
    #[error("invalid schema name {0:?}: expected [a-z_][a-z0-9_]* of at most 63 bytes")]
    InvalidSchema(String),
    /// `DATABASE_URL` could not be parsed (the message never contains the URL).
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    /// Building the pool failed.
    #[error("creating the connection pool: {0}")]
    Build(String),
    /// No connection could be had from the pool (database down, pool exhausted).
    #[error("database connection: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
    /// A statement failed.
    #[error("database: {0}")]
    Db(#[from] tokio_postgres::Error),
    /// A value could not be (de)serialised to JSON.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    /// Compressing or decompressing stored raw bytes failed.
    #[error("raw body compression: {0}")]
    Compression(#[from] std::io::Error),
    /// A background task failed (panicked or was cancelled).
    #[error("background task: {0}")]
    Task(String),
    /// The URL's row disappeared while we were writing it (deleted by an operator).
    #[error("the report row was deleted concurrently")]
    RowVanished,
    /// The database holds a migration this binary does not know: it was written by a newer
    /// release. Refusing to run protects the newer schema.
    #[error("schema {schema} is at migration {found}, newer than this binary's {known}")]
    SchemaTooNew {
        schema: String,
        found: i32,
        known: i32,
    },
}

impl Classify for StoreError {
    fn disposition(&self) -> Disposition {
        match self {
            StoreError::Pool(_)
            | StoreError::Compression(_)
            | StoreError::RowVanished
            | StoreError::Task(_) => Disposition::Retry { after: None },
            StoreError::Db(e) => match e.code() {
                // No SQLSTATE: the connection broke or the server went away.
                None => Disposition::Retry { after: None },
                Some(state) => {
                    let class = state.code().get(..2).unwrap_or("");
                    match class {
                        // 22 data exception, 23 integrity violation, 42 syntax/access:
                        // the same input fails the same way again.
                        "22" | "23" | "42" => Disposition::DeadLetter,
                        // 08 connection, 40 serialization/deadlock, 53 resources,
                        // 55 lock not available, 57 operator intervention, 58 system: transient.
                        _ => Disposition::Retry { after: None },
                    }
                }
            },
            StoreError::Json(_) => Disposition::DeadLetter,
            // Configuration problems: retrying does not help the message, but dead-lettering
            // every message because of a deployment mistake would lose them; retry so they
            // wait in the retry queues while an operator fixes the configuration.
            StoreError::InvalidSchema(_)
            | StoreError::InvalidUrl(_)
            | StoreError::Build(_)
            | StoreError::SchemaTooNew { .. } => Disposition::Retry { after: None },
        }
    }

    fn reason(&self) -> &'static str {
        "db"
    }
}

impl StoreError {
    /// The database could not be reached, or the connection broke: nothing about the
    /// statements themselves.
    pub fn connection_lost(&self) -> bool {
        match self {
            StoreError::Pool(_) => true,
            StoreError::Db(e) => e.is_closed(),
            _ => false,
        }
    }

    /// Worth waiting for: the database is unreachable or starting, not misconfigured
    /// (a bad schema name or URL, or a schema newer than this binary, stays so).
    pub fn worth_waiting(&self) -> bool {
        matches!(self.disposition(), Disposition::Retry { .. })
            && !matches!(
                self,
                StoreError::InvalidSchema(_)
                    | StoreError::InvalidUrl(_)
                    | StoreError::SchemaTooNew { .. }
            )
    }
}

/// Checks that `schema` is a plain identifier we can quote safely: `[a-z_][a-z0-9_]*`,
/// at most 63 bytes.
pub fn validate_schema(schema: &str) -> Result<(), StoreError> {
    let mut chars = schema.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
    let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if first_ok && rest_ok && schema.len() <= MAX_IDENTIFIER {
        Ok(())
    } else {
        Err(StoreError::InvalidSchema(schema.to_owned()))
    }
}

/// The schema name double-quoted for SQL. Callers validate first.
fn quoted(schema: &str) -> String {
    format!("\"{schema}\"")
}

/// The database side of the service. Cheap to clone (the pool is reference-counted).
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    schema: String,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("schema", &self.schema)
            .field("pool", &self.pool.status())
            .finish()
    }
}

impl Store {
    /// Builds the pool. Connections are made lazily; call [`Store::ping`] to check the
    /// database is there. Every connection gets `search_path` = the schema.
    pub async fn connect(db: &DbArgs) -> Result<Store, StoreError> {
        validate_schema(&db.db_schema)?;
        let mut pg: tokio_postgres::Config = db
            .database_url
            .expose()
            .parse()
            // The parse error text never echoes the URL (so never a password).
            .map_err(|e: tokio_postgres::Error| StoreError::InvalidUrl(e.to_string()))?;
        // A startup option rather than a `SET` after connect: it applies to every
        // connection the pool ever makes, including reconnects, at no extra round trip.
        let search_path = format!("-c search_path={}", db.db_schema);
        let options = match pg.get_options() {
            Some(existing) if !existing.is_empty() => format!("{existing} {search_path}"),
            _ => search_path,
        };
        pg.options(options);
        if pg.get_application_name().is_none() {
            pg.application_name("report-ingest");
        }
        let manager = Manager::from_config(
            pg,
            NoTls,
            ManagerConfig {
                // `Fast` trusts a connection that is not closed; a broken one fails its
                // next statement with a retryable error and is dropped.
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(db.db_pool.max(1))
            .wait_timeout(Some(POOL_WAIT))
            .create_timeout(Some(POOL_WAIT))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(|e| StoreError::Build(e.to_string()))?;
        Ok(Store {
            pool,
            schema: db.db_schema.clone(),
        })
    }

    /// The pool (the store modules; `bench` reads through it too).
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The (validated) schema name.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// Round trip to the database (readiness checks).
    pub async fn ping(&self) -> Result<(), StoreError> {
        let client = self.pool.get().await?;
        client.simple_query("SELECT 1").await?;
        Ok(())
    }

    /// Creates or upgrades the schema: see [`migrate::run`].
    pub async fn migrate(&self) -> Result<(), StoreError> {
        migrate::run(self).await.map(|_| ())
    }

    /// Writes one page: see [`save::save`].
    pub async fn save(&self, page: &PageToSave<'_>) -> Result<Saved, StoreError> {
        save::save(self, page).await
    }

    /// Outbox rows not yet sent that are older than `older_than` (so a worker that is
    /// about to publish its own fresh row is not raced), oldest first.
    pub async fn outbox_pending(
        &self,
        older_than: Duration,
        limit: i64,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(
                "SELECT id, event_id, routing_key, body FROM outbox \
                 WHERE sent_at IS NULL AND created_at <= now() - make_interval(secs => $1) \
                 ORDER BY id LIMIT $2",
            )
            .await?;
        let rows = client
            .query(&stmt, &[&older_than.as_secs_f64(), &limit])
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| OutboxRow {
                id: r.get(0),
                event_id: r.get(1),
                routing_key: r.get(2),
                body: r.get(3),
            })
            .collect())
    }

    /// Adds an outbox row for `event` (pending) on its own: for an event whose message
    /// has ended but which the broker did not confirm, and which has no row yet (an
    /// unchanged page's `report.completed`, a `report.failed`). Returns its id.
    pub async fn outbox_add(&self, event: &crate::events::Event) -> Result<i64, StoreError> {
        let client = self.pool.get().await?;
        let stmt = client.prepare_cached(save::INSERT_OUTBOX).await?;
        let row = client
            .query_one(&stmt, &[&event.id, &event.routing_key, &event.body])
            .await?;
        Ok(row.get(0))
    }

    /// Marks outbox rows as published.
    pub async fn outbox_mark_sent(&self, ids: &[i64]) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(
                "UPDATE outbox SET sent_at = now() WHERE id = ANY($1) AND sent_at IS NULL",
            )
            .await?;
        client.execute(&stmt, &[&ids]).await?;
        Ok(())
    }

    /// Number of outbox rows not yet published (a metric: should hover near zero).
    pub async fn outbox_backlog(&self) -> Result<i64, StoreError> {
        let client = self.pool.get().await?;
        let row = client
            .query_one("SELECT count(*) FROM outbox WHERE sent_at IS NULL", &[])
            .await?;
        Ok(row.get(0))
    }

    /// Deletes published outbox rows older than `older_than`; returns how many. The outbox
    /// is a hand-over buffer, not an archive. Deletes in batches of [`OUTBOX_PRUNE_BATCH`].
    pub async fn outbox_prune(&self, older_than: Duration) -> Result<u64, StoreError> {
        let mut total = 0;
        loop {
            let n = self
                .outbox_prune_batch(older_than, OUTBOX_PRUNE_BATCH)
                .await?;
            total += n;
            if n < OUTBOX_PRUNE_BATCH.unsigned_abs() {
                return Ok(total);
            }
        }
    }

    /// Deletes at most `limit` published outbox rows older than `older_than` (oldest
    /// first), in one short statement: a bounded batch never holds locks for long.
    pub async fn outbox_prune_batch(
        &self,
        older_than: Duration,
        limit: i64,
    ) -> Result<u64, StoreError> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(
                "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox \
                 WHERE sent_at IS NOT NULL AND sent_at <= now() - make_interval(secs => $1) \
                 ORDER BY id LIMIT $2)",
            )
            .await?;
        Ok(client
            .execute(&stmt, &[&older_than.as_secs_f64(), &limit])
            .await?)
    }
}

/// Rows one retention batch deletes: small enough that one DELETE takes milliseconds.
pub const OUTBOX_PRUNE_BATCH: i64 = 1000;

/// One event waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: i64,
    /// The CloudEvents id (also the AMQP `message_id`).
    pub event_id: String,
    pub routing_key: String,
    /// The CloudEvents JSON body, published as is.
    pub body: Vec<u8>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn schema_names() {
        for ok in ["report_ingest", "_x", "t_store_0a1b2c3d", "a"] {
            assert!(validate_schema(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "Report",
            "1abc",
            "a-b",
            "a\"; DROP SCHEMA public; --",
            "a b",
            "é",
            &"a".repeat(64),
        ] {
            assert!(validate_schema(bad).is_err(), "{bad}");
        }
        assert_eq!(quoted("abc"), "\"abc\"");
    }
}
