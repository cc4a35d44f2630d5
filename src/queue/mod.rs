//! RabbitMQ: topology, consumer, confirming publisher, the URL message format.
//!
//! - [`names`]: every queue, exchange and header name, all under the prefix.
//! - [`topology`]: declares them idempotently.
//! - [`consumer`]: connect, consume with a bounded prefetch, read headers.
//! - [`publisher`]: confirm-mode channel; `publish` awaits the confirm, `publish_many`
//!   pipelines confirms.
//! - [`message`]: parses a delivery body into a [`Message`] or a permanent [`MessageError`].

pub mod consumer;
mod error;
pub mod message;
pub mod names;
pub mod publisher;
pub mod topology;

pub use consumer::connect;
pub use error::QueueError;
pub use message::{parse_message, Message, MessageError};
pub use names::Names;
pub use publisher::Publisher;
pub use topology::declare;
