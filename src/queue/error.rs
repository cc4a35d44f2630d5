//! `QueueError`: everything that can go wrong talking to RabbitMQ.

use crate::disposition::{Classify, Disposition};

/// A broker failure. All are transient from the message's point of view: the broker is
/// down, a channel closed, a publish was not confirmed. The message is retried (or, if
/// the broker is gone, redelivered by the broker once it is back).
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// Connecting, declaring, publishing or acking failed at the protocol level.
    #[error("broker: {0}")]
    Amqp(#[from] lapin::Error),
    /// The broker answered a publish with a negative confirm.
    #[error("broker nacked the publish to {exchange:?}/{routing_key:?}")]
    Nacked {
        exchange: String,
        routing_key: String,
    },
    /// A `mandatory` publish could not be routed to any queue (missing binding/queue).
    #[error("publish to {exchange:?}/{routing_key:?} was unroutable (returned {reply_code}: {reply_text})")]
    Unroutable {
        exchange: String,
        routing_key: String,
        reply_code: u16,
        reply_text: String,
    },
    /// A publish confirm did not arrive in time.
    #[error("no publisher confirm within {0:?}")]
    ConfirmTimeout(std::time::Duration),
}

impl Classify for QueueError {
    fn disposition(&self) -> Disposition {
        Disposition::Retry { after: None }
    }
    fn reason(&self) -> &'static str {
        "broker"
    }
}
