//! Where a message goes when it does not end as a stored report: back through a retry
//! delay queue (with its attempt count) or to the dead-letter queue (plus a
//! `report.failed` event). Both publishes are confirmed before the delivery is acked.

use std::time::Duration;

use lapin::BasicProperties;

use crate::disposition::{Classify, Disposition};
use crate::queue::consumer::header_str;
use crate::queue::names::headers;
use crate::queue::{Names, Publisher, QueueError};

/// Why a delivery failed: the short code (metrics label, DLQ reason), a detail for
/// humans, and whether to retry.
#[derive(Debug, Clone)]
pub struct Failure {
    pub reason: &'static str,
    pub detail: String,
    pub disposition: Disposition,
}

impl Failure {
    /// The failure an error describes (its [`Classify`] answer and its message).
    pub fn from_error<E: Classify + std::fmt::Display>(e: &E) -> Self {
        Self {
            reason: e.reason(),
            detail: e.to_string(),
            disposition: e.disposition(),
        }
    }

    /// A permanent failure: dead-letter now.
    pub fn permanent(reason: &'static str, detail: impl Into<String>) -> Self {
        Self {
            reason,
            detail: detail.into(),
            disposition: Disposition::DeadLetter,
        }
    }
}

/// The retry queue delay for a message that has failed `attempts` times (≥ 1): tier
/// `attempts - 1` of `delays` (the last tier repeats), raised to the first tier that is at
/// least `at_least` (a server's `Retry-After`, a politeness wait).
pub fn retry_delay(delays: &[u64], attempts: u32, at_least: Option<Duration>) -> u64 {
    let Some(&last) = delays.last() else {
        return 0;
    };
    let idx = usize::try_from(attempts.saturating_sub(1)).unwrap_or(usize::MAX);
    let tier = delays.get(idx).copied().unwrap_or(last);
    match at_least {
        Some(min) => {
            let need = min.as_secs_f64().ceil() as u64;
            let need = need.max(tier);
            delays
                .iter()
                .copied()
                .filter(|&d| d >= need)
                .min()
                .unwrap_or(last)
        }
        None => tier,
    }
}

/// The smallest retry tier that covers a politeness wait of `wait` (the largest tier if
/// none does).
pub fn delay_tier(delays: &[u64], wait: Duration) -> u64 {
    let need = wait.as_secs_f64().ceil() as u64;
    delays
        .iter()
        .copied()
        .filter(|&d| d >= need)
        .min()
        .or_else(|| delays.iter().copied().max())
        .unwrap_or(0)
}

/// `x-ri-first-failure` of the message, or `now` when this is its first failure.
pub fn first_failure(original: &BasicProperties, now: &str) -> String {
    header_str(original, headers::FIRST_FAILURE).unwrap_or_else(|| now.to_owned())
}

/// The `x-ri-reason` header value: the code plus detail (`http_503: …`), bounded.
pub fn reason_header(f: &Failure) -> String {
    /// Header values are kept short: the detail is for humans, the code for machines.
    const MAX_DETAIL: usize = 300;
    if f.detail.is_empty() {
        return f.reason.to_owned();
    }
    let mut detail = f.detail.clone();
    if detail.len() > MAX_DETAIL {
        let mut cut = MAX_DETAIL;
        while !detail.is_char_boundary(cut) {
            cut -= 1;
        }
        detail.truncate(cut);
    }
    format!("{}: {detail}", f.reason)
}

/// Publishes the body to a retry queue with confirm.
pub async fn publish_retry(
    publisher: &Publisher,
    names: &Names,
    delay: u64,
    body: &[u8],
    props: BasicProperties,
) -> Result<(), QueueError> {
    publisher
        .publish("", &names.retry_queue(delay), body, props)
        .await
}

/// Publishes the body to the DLQ with confirm.
pub async fn publish_dead_letter(
    publisher: &Publisher,
    names: &Names,
    body: &[u8],
    props: BasicProperties,
) -> Result<(), QueueError> {
    publisher.publish("", &names.dlq, body, props).await
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn tiers() {
        let d = [5, 60, 600];
        assert_eq!(retry_delay(&d, 1, None), 5);
        assert_eq!(retry_delay(&d, 2, None), 60);
        assert_eq!(retry_delay(&d, 3, None), 600);
        assert_eq!(retry_delay(&d, 9, None), 600);
        assert_eq!(retry_delay(&d, 1, Some(Duration::from_secs(30))), 60);
        assert_eq!(retry_delay(&d, 1, Some(Duration::from_secs(3000))), 600);
        assert_eq!(retry_delay(&[], 1, None), 0);
        assert_eq!(delay_tier(&d, Duration::from_millis(300)), 5);
        assert_eq!(delay_tier(&d, Duration::from_secs(61)), 600);
        assert_eq!(delay_tier(&d, Duration::from_secs(6000)), 600);
    }
}
