//! Tracing subscriber setup: human format on a terminal, JSON lines when asked
//! (`--log-format json`, one object per event with the span fields of the current
//! message: url, message id, attempt).
//!
//! [`subscriber`] builds without installing and takes the writer, so tests can capture
//! the output (zero2prod's `get_subscriber(name, filter, sink)`); [`init`] installs it
//! globally writing to stderr.

use tracing::Subscriber;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

/// Why logging could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    #[error("unknown log format {0:?} (use text or json)")]
    UnknownFormat(String),
    #[error("a global subscriber is already installed")]
    AlreadyInstalled,
}

/// A subscriber in `format` (`text` or `json`) filtered by `filter` (an `EnvFilter`
/// directive such as `info` or `report_ingest=debug`), writing to `writer` (no ANSI
/// colours).
pub fn subscriber<W>(
    format: &str,
    filter: EnvFilter,
    writer: W,
) -> Result<Box<dyn Subscriber + Send + Sync>, TelemetryError>
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    build(format, filter, writer, false)
}

fn build<W>(
    format: &str,
    filter: EnvFilter,
    writer: W,
    ansi: bool,
) -> Result<Box<dyn Subscriber + Send + Sync>, TelemetryError>
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let registry = tracing_subscriber::registry().with(filter);
    match format {
        "text" => Ok(Box::new(
            registry.with(fmt::layer().with_ansi(ansi).with_writer(writer)),
        )),
        "json" => Ok(Box::new(
            registry.with(
                fmt::layer()
                    .json()
                    .with_ansi(false)
                    .with_current_span(true)
                    .with_span_list(false)
                    .with_writer(writer),
            ),
        )),
        other => Err(TelemetryError::UnknownFormat(other.to_owned())),
    }
}

/// Installs the global subscriber writing to stderr (coloured text only when stderr is
/// a terminal). `RUST_LOG` filters (default `info`).
pub fn init(format: &str) -> Result<(), TelemetryError> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let sub = build(format, filter, std::io::stderr, ansi)?;
    tracing::subscriber::set_global_default(sub).map_err(|_| TelemetryError::AlreadyInstalled)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    /// A writer collecting everything into a shared buffer.
    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);

    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Buf {
        type Writer = Buf;
        fn make_writer(&'a self) -> Self::Writer {
            self.clone()
        }
    }

    fn capture(format: &str) -> String {
        let buf = Buf::default();
        let sub = subscriber(format, EnvFilter::new("info"), buf.clone()).unwrap();
        tracing::subscriber::with_default(sub, || {
            let span = tracing::info_span!("message", url = "https://example.org/a", attempt = 2);
            let _g = span.enter();
            tracing::info!(bytes = 1234, "Fetched.");
            tracing::debug!("Filtered out.");
        });
        let out = buf.0.lock().unwrap().clone();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_format_writes_one_object_per_event_with_span_fields() {
        let out = capture("json");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 1, "{out}");
        let v: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(v["level"], "INFO");
        assert_eq!(v["fields"]["message"], "Fetched.");
        assert_eq!(v["fields"]["bytes"], 1234);
        assert_eq!(v["span"]["name"], "message");
        assert_eq!(v["span"]["url"], "https://example.org/a");
        assert_eq!(v["span"]["attempt"], 2);
    }

    #[test]
    fn text_format_is_human_readable() {
        let out = capture("text");
        assert!(out.contains("INFO"), "{out}");
        assert!(
            out.contains("message{url=\"https://example.org/a\" attempt=2}"),
            "{out}"
        );
        assert!(out.contains("Fetched. bytes=1234"), "{out}");
        assert!(serde_json::from_str::<serde_json::Value>(out.trim()).is_err());
    }

    #[test]
    fn unknown_format_is_an_error() {
        assert!(matches!(
            subscriber("yaml", EnvFilter::new("info"), std::io::sink),
            Err(TelemetryError::UnknownFormat(f)) if f == "yaml"
        ));
    }
}
