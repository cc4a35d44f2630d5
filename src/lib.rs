//! report-ingest: an ingestion worker for report web pages.
//!
//! # Layout
//! - [`extract`]: the pure core. Bytes + URL + headers in, a [`extract::Report`] out.
//!   No IO, no async, no clock; deterministic. Everything else is a shell around it.
//! - [`extraction`]: the one guarded way to run the extractor (a panic is the page's
//!   failure, not the process's), for the worker, `replay` and the `extract` command.
//! - [`config`]: typed settings (flags + environment), read once in `main`.
//! - [`telemetry`]: tracing subscriber setup.
//! - [`metrics`]: named metric events, Prometheus text exposition, health endpoints.
//! - [`fetch`]: reqwest client with size, decompression, redirect and address limits.
//! - [`queue`]: RabbitMQ topology, consumer and confirming publisher (lapin).
//! - [`store`]: PostgreSQL pool, embedded migrations, idempotent writes, outbox.
//! - [`events`]: CloudEvents documents published downstream.
//! - [`outbox`]: event publishing (with confirms) and the outbox relay, for the worker
//!   and `replay`.
//! - [`worker`]: one delivery through fetch → extract → store → event → ack.
//! - [`ops`]: operator commands: replay, dead-letter triage, event tailing.
//! - [`startup`]: one-shot commands' wait for services that are still coming up.
//! - [`politeness`]: fleet-wide per-host request rate and concurrency, kept in PostgreSQL.
//!
//! Dependencies point one way: `worker` and the `replay` command → `outbox` →
//! {`queue`, `store`, `events`};
//! `worker` → {`queue`, `fetch`, `store`, `events`} → `extract`;
//! `extract` imports nothing from the crate outside itself (checked by `tests/arch.rs`).

pub mod config;
pub mod disposition;
pub mod events;
pub mod extraction;
pub use report_extract as extract;
pub mod fetch;
pub mod metrics;
pub mod ops;
pub mod outbox;
pub mod politeness;
pub mod queue;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod worker;
