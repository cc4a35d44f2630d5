//! PostgreSQL: pool, migrations, idempotent writes, outbox.
