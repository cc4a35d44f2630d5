//! TODO(skeleton): fetch
