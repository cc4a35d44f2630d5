//! Operator commands: replay, dead-letter triage, event tailing.
//!
//! - `replay` (owned by the store side): re-extract stored pages without the network.
//! - [`dlq`]: list dead letters grouped by host and reason, requeue a selection with
//!   confirms, purge.
//! - [`events`]: a small downstream consumer of `{prefix}.events`.

pub mod dlq;
pub mod events;
pub mod replay;

use crate::disposition::{Classify, Disposition};
use crate::queue::QueueError;

/// What can go wrong in an operator command.
#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// The broker refused or dropped something (connect, declare, publish, confirm).
    #[error(transparent)]
    Queue(#[from] QueueError),
    /// Writing the output failed (a closed pipe, a full disk).
    #[error("writing output: {0}")]
    Io(#[from] std::io::Error),
    /// The queue an operation needs does not exist (the topology was never declared).
    #[error("queue {0:?} does not exist (run `report-ingest migrate` or start a worker first)")]
    NoQueue(String),
    /// The operator's selection or flags do not make sense.
    #[error("{0}")]
    Usage(String),
}

impl From<lapin::Error> for OpsError {
    fn from(e: lapin::Error) -> Self {
        OpsError::Queue(QueueError::from(e))
    }
}

impl Classify for OpsError {
    fn disposition(&self) -> Disposition {
        match self {
            OpsError::Queue(_) | OpsError::Io(_) => Disposition::Retry { after: None },
            OpsError::NoQueue(_) | OpsError::Usage(_) => Disposition::DeadLetter,
        }
    }
    fn reason(&self) -> &'static str {
        match self {
            OpsError::Queue(_) | OpsError::NoQueue(_) => "broker",
            OpsError::Io(_) => "io",
            OpsError::Usage(_) => "usage",
        }
    }
}
