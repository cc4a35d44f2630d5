//! Outbox rows whose event the broker confirmed, marked sent in batches.
//!
//! Marking a row sent is bookkeeping, not a guarantee: the row was committed with the
//! report, the event is confirmed, and the message is acked without waiting for the mark.
//! A mark that is lost (the worker dies first, the database is down) only means the relay
//! publishes the event again after [`crate::outbox::RELAY_MIN_AGE`], with the same event
//! id, which consumers already deduplicate. So one task marks whatever has queued up
//! since its last statement: one `UPDATE … WHERE id = ANY($1)` per batch instead of one
//! statement and commit per page. An idle worker marks each row at once (no window to
//! wait out); a busy one batches as many rows as arrived during the previous statement.

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::store::Store;

/// The most ids one statement marks.
pub const MARK_BATCH: usize = 1024;

enum Mark {
    Sent(i64),
    /// Answered once every id queued before it is written (or failed).
    Flush(oneshot::Sender<()>),
}

/// Handle to the marking task; cheap to clone.
#[derive(Clone)]
pub struct SentMarks {
    tx: mpsc::UnboundedSender<Mark>,
}

impl SentMarks {
    /// Starts the marking task on `store`. It ends when every handle is dropped, after
    /// writing what was queued.
    pub fn start(store: Store) -> (SentMarks, JoinHandle<()>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (SentMarks { tx }, tokio::spawn(run(store, rx)))
    }

    /// Queues outbox row `id` to be marked sent. Never blocks; if the task is gone the
    /// relay publishes the event again later (same id).
    pub fn mark(&self, id: i64) {
        let _ = self.tx.send(Mark::Sent(id));
    }

    /// Waits until every id queued so far has been written (or its write failed).
    pub async fn flush(&self) {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Mark::Flush(tx)).is_ok() {
            let _ = rx.await;
        }
    }
}

async fn run(store: Store, mut rx: mpsc::UnboundedReceiver<Mark>) {
    let mut ids = Vec::with_capacity(MARK_BATCH);
    let mut waiting = Vec::new();
    while let Some(first) = rx.recv().await {
        let mut next = Some(first);
        while let Some(m) = next.take() {
            match m {
                Mark::Sent(id) => ids.push(id),
                Mark::Flush(done) => waiting.push(done),
            }
            if ids.len() < MARK_BATCH {
                next = rx.try_recv().ok();
            }
        }
        if !ids.is_empty() {
            if let Err(error) = store.outbox_mark_sent(&ids).await {
                // Harmless: the relay publishes these events again later (same ids).
                tracing::warn!(%error, rows = ids.len(), "Marking outbox rows sent failed.");
            }
            ids.clear();
        }
        for done in waiting.drain(..) {
            let _ = done.send(());
        }
    }
}
