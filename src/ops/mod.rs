//! Operator commands: replay, dlq, events tail.
