//! Embedded, numbered schema migrations.
//!
//! Each migration is a SQL file under `src/store/migrations/`, compiled into the binary
//! with `include_str!` and listed in [`MIGRATIONS`] in order. [`run`] applies the ones the
//! schema has not seen, in ONE transaction that first takes a transaction-scoped advisory
//! lock (`pg_advisory_xact_lock`) keyed on the schema name: concurrent `migrate`s (several
//! workers starting at once) queue behind each other, the later ones find everything
//! applied and do nothing, and the lock is released by COMMIT/ROLLBACK even if the process
//! dies. DDL is transactional in PostgreSQL, so a failing migration leaves no half schema.
//!
//! Applied versions are recorded in `{schema}.schema_migrations(version, name, applied_at)`.
//! Files are never edited once released: a change is a new file with the next number.

use super::{quoted, Store, StoreError};

/// One embedded migration.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Strictly increasing from 1; the order they are applied in.
    pub version: i32,
    /// Short name, recorded with the version.
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration, in order. To add one: create `migrations/NNNN_name.sql` with the next
/// number and append an entry here (nothing else to change).
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "reports",
        sql: include_str!("migrations/0001_reports.sql"),
    },
    Migration {
        version: 2,
        name: "politeness",
        sql: include_str!("migrations/0002_politeness.sql"),
    },
    Migration {
        version: 3,
        name: "toast",
        sql: include_str!("migrations/0003_toast.sql"),
    },
    Migration {
        version: 4,
        name: "crash_markers",
        sql: include_str!("migrations/0004_crash_markers.sql"),
    },
    Migration {
        version: 5,
        name: "pages",
        sql: include_str!("migrations/0005_pages.sql"),
    },
];

/// The newest version this binary knows.
pub fn latest_version() -> i32 {
    MIGRATIONS.iter().map(|m| m.version).max().unwrap_or(0)
}

/// What [`run`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrateOutcome {
    /// Versions applied by this call (empty when the schema was up to date).
    pub applied: Vec<i32>,
    /// The schema's version afterwards.
    pub version: i32,
}

/// Creates the schema if needed and applies pending migrations (see the module docs).
pub async fn run(store: &Store) -> Result<MigrateOutcome, StoreError> {
    let schema = store.schema();
    super::validate_schema(schema)?;
    let mut client = store.pool().get().await?;
    let tx = client.transaction().await?;
    // Lock key: a stable 32-bit hash of a string naming this schema's migrations, so
    // different schemas (tests, tenants) migrate in parallel.
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtext('report_ingest.migrate.' || $1::text))",
        &[&schema],
    )
    .await?;
    // Identifier interpolation: `schema` is validated ([a-z_][a-z0-9_]*) and quoted.
    let q = quoted(schema);
    tx.batch_execute(&format!(
        "CREATE SCHEMA IF NOT EXISTS {q};
         SET LOCAL search_path TO {q};
         CREATE TABLE IF NOT EXISTS schema_migrations (
             version    integer PRIMARY KEY,
             name       text NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now()
         );"
    ))
    .await?;
    let rows = tx
        .query(
            "SELECT version FROM schema_migrations ORDER BY version",
            &[],
        )
        .await?;
    let done: Vec<i32> = rows.iter().map(|r| r.get(0)).collect();
    let known = latest_version();
    if let Some(&found) = done.iter().max() {
        if found > known {
            return Err(StoreError::SchemaTooNew {
                schema: schema.to_owned(),
                found,
                known,
            });
        }
    }
    let mut applied = Vec::new();
    for m in MIGRATIONS {
        if done.contains(&m.version) {
            continue;
        }
        tx.batch_execute(m.sql).await?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[&m.version, &m.name],
        )
        .await?;
        applied.push(m.version);
    }
    tx.commit().await?;
    if !applied.is_empty() {
        tracing::info!(
            schema,
            ?applied,
            version = known,
            "Database schema migrated."
        );
    }
    Ok(MigrateOutcome {
        applied,
        version: known.max(done.iter().copied().max().unwrap_or(0)),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn versions_strictly_increase_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1, "{}", m.name);
            assert!(!m.sql.trim().is_empty());
        }
    }
}
