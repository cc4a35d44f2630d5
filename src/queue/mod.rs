//! RabbitMQ: topology, consumer, confirming publisher.

pub mod names;

pub use names::Names;
