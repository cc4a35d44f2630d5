//! One file per subcommand: argument struct + `run`.
pub mod bench;
pub mod dlq;
pub mod enqueue;
pub mod events;
pub mod extract;
pub mod healthcheck;
pub mod migrate;
pub mod replay;
pub mod worker;
