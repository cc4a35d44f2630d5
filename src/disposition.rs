//! What to do with a message after a failure: the one question every boundary error
//! (`FetchError`, `ExtractError`, `StoreError`, queue errors) answers.

use std::time::Duration;

/// Retry later (transient) or dead-letter now (permanent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Transient: retry with the next delay; `after` is a server-requested minimum
    /// (`Retry-After`) or a politeness wait.
    Retry { after: Option<Duration> },
    /// Permanent: refetching gives the same answer.
    DeadLetter,
}

/// Reason of a message dead-lettered because it crashed the workers that processed it
/// (`worker::crash`): not an error any boundary returns, the worker's own verdict.
pub const CRASH_LOOP: &str = "crash_loop";

/// An error that can say what should happen to the message and why, in a short
/// machine code (`http_503`, `timeout`, `not_html`, …) used as the DLQ reason and in
/// metrics labels (low cardinality: never a URL). Besides the errors' codes, the worker
/// itself dead-letters with [`CRASH_LOOP`].
pub trait Classify {
    fn disposition(&self) -> Disposition;
    fn reason(&self) -> &'static str;
}

/// Extraction failures are properties of the page: the same bytes fail the same way.
impl Classify for crate::extract::ExtractError {
    fn disposition(&self) -> Disposition {
        Disposition::DeadLetter
    }
    fn reason(&self) -> &'static str {
        self.code()
    }
}
