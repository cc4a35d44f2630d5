//! The one guarded way the shells run pure CPU work on a page: the extractor for the
//! worker, `replay` and the `extract` command, and the attachment reader for the worker.
//!
//! The extractor must not panic; if it does on a page, it will again on the same bytes.
//! Under [`guarded`] such a panic is that page's failure, never the process's end:
//! [`ExtractFailure::Panicked`] (`extract_panic`, a dead letter in the worker, an error
//! line in `replay` and the CLI). [`guarded_blocking`] runs the same guard on tokio's
//! blocking pool, inside the caller's span, so the async workers keep serving heartbeats,
//! acks and I/O meanwhile.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use bytes::Bytes;

use crate::disposition::{Classify, Disposition};
use crate::extract::{self, ExtractError, Input, Options, Report};

/// Why a guarded extraction gave no report.
#[derive(Debug, thiserror::Error)]
pub enum ExtractFailure {
    /// The extractor refused the page (not HTML, undecodable…): its own error.
    #[error(transparent)]
    Rejected(#[from] ExtractError),
    /// The extractor panicked on the page; the panic's message.
    #[error("extractor panicked: {0}")]
    Panicked(String),
    /// The blocking task was cancelled before it ran (the runtime is shutting down): not
    /// the page's fault, so the message goes round again.
    #[error("extraction cancelled: {0}")]
    Cancelled(String),
}

/// Why [`guarded_blocking`] gave no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caught {
    /// `f` panicked; the panic's message.
    Panicked(String),
    /// The task never finished: the runtime is shutting down.
    Cancelled(String),
}

impl Classify for ExtractFailure {
    fn disposition(&self) -> Disposition {
        match self {
            ExtractFailure::Rejected(e) => e.disposition(),
            // The same bytes panic the same way: retrying would only crash-loop.
            ExtractFailure::Panicked(_) => Disposition::DeadLetter,
            ExtractFailure::Cancelled(_) => Disposition::Retry { after: None },
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            ExtractFailure::Rejected(e) => e.reason(),
            ExtractFailure::Panicked(_) => "extract_panic",
            ExtractFailure::Cancelled(_) => "shutdown",
        }
    }
}

/// The message of a caught panic (`panic!` payloads are a `&str` or a `String`).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-text panic payload".to_owned())
}

/// Runs `f`, turning a panic into `Err(its message)`.
pub fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(AssertUnwindSafe(f)).map_err(|p| panic_message(&*p))
}

/// [`guarded`] on the blocking pool, inside the caller's tracing span.
pub async fn guarded_blocking<T, F>(f: F) -> Result<T, Caught>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let span = tracing::Span::current();
    match tokio::task::spawn_blocking(move || span.in_scope(|| guarded(f))).await {
        Ok(result) => result.map_err(Caught::Panicked),
        // Not a panic of `f` (that is caught above): the task was cancelled (the runtime
        // is shutting down).
        Err(e) => Err(Caught::Cancelled(e.to_string())),
    }
}

/// `extract::extract` under the guard.
pub fn extract(input: &Input<'_>, opts: &Options) -> Result<Report, ExtractFailure> {
    match guarded(|| extract::extract(input, opts)) {
        Ok(result) => Ok(result?),
        Err(message) => Err(ExtractFailure::Panicked(message)),
    }
}

/// [`extract`] on the blocking pool (see [`guarded_blocking`]), for async callers: the
/// page's bytes, the URL it was served from and its `Content-Type`.
pub async fn extract_blocking(
    bytes: Bytes,
    url: String,
    content_type: Option<String>,
    opts: Arc<Options>,
) -> Result<Report, ExtractFailure> {
    extract_blocking_cpu(bytes, url, content_type, opts).await.0
}

/// [`extract_blocking`], also giving the CPU seconds the extracting thread spent on it
/// ([`thread_cpu_secs`]; 0 when it never ran).
pub async fn extract_blocking_cpu(
    bytes: Bytes,
    url: String,
    content_type: Option<String>,
    opts: Arc<Options>,
) -> (Result<Report, ExtractFailure>, f64) {
    let joined = guarded_blocking(move || {
        let input = Input {
            bytes: &bytes,
            url: Some(&url),
            content_type: content_type.as_deref(),
        };
        let cpu = thread_cpu_secs();
        let result = extract(&input, &opts);
        (result, thread_cpu_secs() - cpu)
    })
    .await;
    joined.unwrap_or_else(|caught| {
        let failure = match caught {
            Caught::Panicked(m) => ExtractFailure::Panicked(m),
            Caught::Cancelled(m) => ExtractFailure::Cancelled(m),
        };
        (Err(failure), 0.0)
    })
}

/// CPU seconds the calling thread has used (`CLOCK_THREAD_CPUTIME_ID`): what extraction
/// costs, whatever else the shared machine runs meanwhile. 0 if the clock is unavailable.
pub fn thread_cpu_secs() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc == 0 {
        ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::panic)]
    use super::*;

    #[test]
    fn a_panic_is_an_err_with_its_message() {
        assert_eq!(guarded(|| 7), Ok(7));
        assert_eq!(
            guarded(|| -> u8 { panic!("boom {}", 1) }),
            Err("boom 1".to_owned())
        );
        assert_eq!(
            guarded(|| -> u8 { panic!("plain") }),
            Err("plain".to_owned())
        );
    }

    #[test]
    fn a_panicked_extraction_is_a_permanent_extract_panic() {
        let f = ExtractFailure::Panicked("index out of bounds".into());
        assert_eq!(f.reason(), "extract_panic");
        assert_eq!(f.disposition(), Disposition::DeadLetter);
        assert_eq!(f.to_string(), "extractor panicked: index out of bounds");
        // A cancelled task (shutdown) is no fault of the page: it goes round again.
        let c = ExtractFailure::Cancelled("task 7 was cancelled".into());
        assert_eq!(c.reason(), "shutdown");
        assert_eq!(c.disposition(), Disposition::Retry { after: None });
    }

    #[tokio::test]
    async fn the_blocking_guard_catches_too() {
        assert_eq!(guarded_blocking(|| 3).await, Ok(3));
        let caught = guarded_blocking(|| -> u8 { panic!("on the pool") }).await;
        assert_eq!(caught, Err(Caught::Panicked("on the pool".to_owned())));
    }
}
