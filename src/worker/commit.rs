//! Group commit: the deliveries of one worker hand their pages to one task, which writes
//! whatever has queued up since its last transaction in one transaction
//! ([`crate::store::save::save_batch`]).
//!
//! Each delivery still waits for its own rows to be committed before it publishes its
//! event and acks, so nothing about when a message ends changes; what changes is that
//! pages finishing close together share one BEGIN, one COMMIT (one WAL flush) and a few
//! pipelined round trips instead of paying for them each. An idle worker commits each
//! page at once (a group of one is a plain [`crate::store::save::save`]): there is no
//! window to wait out, a busy one groups as many pages as arrived during the previous
//! transaction, up to [`MAX_GROUP`].

use serde_json::Value;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::extract::Report;
use crate::fetch::Fetched;
use crate::metrics::Metrics;
use crate::store::{FetchedPage, PageToSave, Saved, Store, StoreError};

/// The most pages one transaction writes. A group's pages wait for each other's writes,
/// so this bounds how long one page's commit can be held up; 16 covers the default
/// concurrency twice over.
pub const MAX_GROUP: usize = 16;

/// One fetched page a delivery wants stored, owned (it crosses to the committing task):
/// the URL it was asked for and what the fetch gave.
#[derive(Debug, Clone)]
pub struct OwnedFetch {
    pub url: String,
    pub fetched: Fetched,
}

impl OwnedFetch {
    fn borrowed(&self) -> FetchedPage<'_> {
        let f = &self.fetched;
        FetchedPage {
            url: &self.url,
            final_url: &f.final_url,
            status: f.status,
            headers: &f.headers,
            content_type: f.content_type.as_deref(),
            body: &f.body,
        }
    }
}

/// A report to store: the owned form of [`PageToSave`].
#[derive(Debug, Clone)]
pub struct OwnedPage {
    pub first: OwnedFetch,
    pub report: Report,
    pub msg_id: Option<String>,
    pub msg_meta: Option<Value>,
    pub more: Vec<OwnedFetch>,
    pub pages_missing: u32,
    pub attachment_sha256: Vec<String>,
}

impl OwnedPage {
    /// The later pages borrowed, for [`OwnedPage::borrowed`].
    fn more(&self) -> Vec<FetchedPage<'_>> {
        self.more.iter().map(OwnedFetch::borrowed).collect()
    }

    fn borrowed<'a>(&'a self, more: &'a [FetchedPage<'a>]) -> PageToSave<'a> {
        PageToSave {
            first: self.first.borrowed(),
            report: &self.report,
            msg_id: self.msg_id.as_deref(),
            msg_meta: self.msg_meta.as_ref(),
            more,
            pages_missing: self.pages_missing,
            attachment_sha256: &self.attachment_sha256,
        }
    }
}

struct Job {
    page: OwnedPage,
    done: oneshot::Sender<Result<Saved, StoreError>>,
}

/// Handle to the committing task; cheap to clone.
#[derive(Clone)]
pub struct Committer {
    tx: mpsc::UnboundedSender<Job>,
}

impl Committer {
    /// Starts the committing task on `store`. It ends when every handle is dropped, after
    /// writing what was queued.
    pub fn start(store: Store, metrics: Metrics) -> (Committer, JoinHandle<()>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(run(store, metrics, rx));
        (Committer { tx }, task)
    }

    /// Stores `page` (grouped with whatever other pages are being stored) and returns
    /// once its rows are committed, or why they were not.
    pub async fn save(&self, page: OwnedPage) -> Result<Saved, StoreError> {
        let (done, answer) = oneshot::channel();
        // Either fails only if the task is gone (the runtime shutting down: the task ends
        // only when every handle, this one included, is dropped). Whether the page's group
        // committed is then unknown; the redelivery finds out (the save is idempotent).
        let gone = || StoreError::Task("the committing task is gone".into());
        self.tx.send(Job { page, done }).map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }
}

/// The committing loop: takes what has queued up, writes it as one group, answers each
/// page. One loop, so pages that finish while a group commits form the next group (two
/// loops were measured to make groups of 1.3 pages instead of 2.1, for no more
/// throughput).
async fn run(store: Store, metrics: Metrics, mut rx: mpsc::UnboundedReceiver<Job>) {
    let mut jobs: Vec<Job> = Vec::with_capacity(MAX_GROUP);
    while let Some(first) = rx.recv().await {
        jobs.push(first);
        while jobs.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        // URL order: two groups lock their rows in the same order (see `save_batch`).
        jobs.sort_by(|a, b| a.page.first.url.cmp(&b.page.first.url));
        let mores: Vec<Vec<FetchedPage<'_>>> = jobs.iter().map(|j| j.page.more()).collect();
        let pages: Vec<PageToSave<'_>> = jobs
            .iter()
            .zip(&mores)
            .map(|(j, more)| j.page.borrowed(more))
            .collect();
        let results = crate::store::save::save_batch(&store, &pages).await;
        metrics.commit_group(pages.len());
        drop(pages);
        drop(mores);
        for (job, result) in jobs.drain(..).zip(results) {
            let _ = job.done.send(result);
        }
    }
}
