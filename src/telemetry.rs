//! Tracing subscriber setup: human format on a terminal, JSON lines when asked.

use tracing_subscriber::{fmt, prelude::*, EnvFilter};

/// Why logging could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    #[error("unknown log format {0:?} (use text or json)")]
    UnknownFormat(String),
    #[error("a global subscriber is already installed")]
    AlreadyInstalled,
}

/// Installs the global subscriber writing to stderr. `RUST_LOG` filters (default `info`).
pub fn init(format: &str) -> Result<(), TelemetryError> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let res = match format {
        "text" => registry
            .with(fmt::layer().with_writer(std::io::stderr))
            .try_init(),
        "json" => registry
            .with(fmt::layer().json().with_writer(std::io::stderr))
            .try_init(),
        other => return Err(TelemetryError::UnknownFormat(other.to_owned())),
    };
    res.map_err(|_| TelemetryError::AlreadyInstalled)
}
