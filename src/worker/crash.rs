//! Crash-loop detection: a message that kills the worker processing it (a page that
//! exhausts memory under the container's limit, a bug that aborts) ends once, in the DLQ
//! with reason `crash_loop` and a `report.failed`, instead of being redelivered until the
//! broker's delivery limit drops it silently; and a message that merely shared a worker
//! with it is not punished.
//!
//! How (the database side is `store::crash`, the tables migration 0004):
//! 1. Each worker process holds a PostgreSQL session advisory lock on its own random id
//!    for its whole life, on one dedicated connection ([`Crashes::start`]). A worker whose
//!    lock is free is dead.
//! 2. Before processing a delivery that came back (`redelivered`, or a non-zero
//!    `x-delivery-count`) the worker writes an `in_flight` marker (message key, worker
//!    id, `alone`); it deletes it when the delivery is settled, whatever the outcome
//!    ([`Ticket::settled`]).
//!    A first delivery writes none: nothing is judged before [`CRASH_LOOP_DELIVERIES`]
//!    deliveries, so its crash would only be one count of many, and skipping it keeps the
//!    common path (a message delivered once) free of database writes. A poison message
//!    therefore costs one worker death more (1 unrecorded + 1 shared + 3 solo).
//! 3. A delivery that comes back (`redelivered`, or `x-delivery-count` > 0) first sweeps:
//!    markers for its key whose worker is dead are crashes, moved into `crash_counts`
//!    (`crashes` + 1, and `solo_crashes` + 1 when the marker says it ran alone).
//! 4. A message with a crash on record is a suspect: it runs alone in its worker. Normal
//!    deliveries share a [`tokio::sync::RwLock`] (read); a suspect takes it exclusively
//!    (write), so it waits for the deliveries in flight to finish and holds off new ones.
//!    If the worker dies while a suspect runs, that crash is the suspect's (`alone`), and
//!    nothing innocent was in flight beside it to be redelivered with a raised count.
//! 5. Verdict ([`verdict`]): `x-delivery-count` ≥ [`CRASH_LOOP_DELIVERIES`] and
//!    `solo_crashes` ≥ [`CRASH_LOOP_SOLO_CRASHES`] → dead-lettered through the usual
//!    `decide` + `settle` with reason [`CRASH_LOOP`], without being fetched again.
//!
//! The message key is `settle::message_key` (the caller's id, else the AMQP `message_id`,
//! else body + publish time): the same on every redelivery of one message.
//!
//! Where it can be wrong, it errs towards the broker's delivery limit (20, which stays the
//! backstop), never towards dead-lettering a healthy message: if the database is away the
//! sweep is skipped and the delivery runs as usual; while the worker's locking session is
//! down (database restart) it writes no markers; a crash PostgreSQL has not yet noticed
//! (the dead worker's session still open) is not counted. The one false "crash" left is
//! a live worker's marker while its locking session is lost *and* its delivery is
//! redelivered elsewhere; a solo crash needs that three times over.
//!
//! Also here: the fault suite's `--fault-abort-on` crash point.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lapin::message::Delivery;
use lapin::BasicProperties;
use sha2::{Digest, Sha256};
use tokio::sync::{OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock};

use super::failure::Failure;
use super::pipeline::Outcome;
use crate::config::WorkerArgs;
use crate::disposition::CRASH_LOOP;
use crate::metrics::Metrics;
use crate::queue::consumer::header_u64;
use crate::store::crash::{CrashCounts, WorkerLock};
use crate::store::Store;

/// `x-delivery-count` a message must have reached (the broker counts each delivery that
/// was not settled: a crash, or a return at shutdown) before it can be judged a crash
/// loop. With [`CRASH_LOOP_SOLO_CRASHES`] it means at least three deliveries died, which
/// a healthy message never shows; it also keeps crash counts left from an earlier life
/// of the key from judging a fresh copy.
pub const CRASH_LOOP_DELIVERIES: u64 = 3;

/// Crashes while the message ran alone in its worker before it is judged a crash loop.
/// One solo crash can be chance (the OOM killer picking the process for its total, a
/// node lost); three in a row, each with nothing else in flight, are the message. A
/// poison message beside other work therefore ends after about 1 unrecorded (its first
/// delivery writes no marker) + 1 shared + 3 solo crashes, far below the broker's
/// delivery limit of 20 (`tests/crash_loop.rs` prints the deaths it took).
pub const CRASH_LOOP_SOLO_CRASHES: i32 = 3;

/// How long a returned delivery waits for a worker that holds a marker for it and still
/// looks alive to be seen dead. PostgreSQL ends a dead process's session (and so frees its
/// lock) within milliseconds, but the redelivery can be sooner: in `tests/crash_loop.rs`
/// a restarted worker swept ~30 ms after the death and still saw the lock held, so the
/// crash was counted one delivery late, as shared instead of solo. A live worker's marker
/// (a delivery it returned, or still runs after losing its channel) costs this wait once.
pub const SWEEP_PATIENCE: Duration = Duration::from_secs(1);

/// Pause between sweeps while waiting ([`SWEEP_PATIENCE`]).
const SWEEP_RETRY: Duration = Duration::from_millis(50);

/// How often the locking session is checked (a lost session is reopened and relocked).
pub const LOCK_CHECK_INTERVAL: Duration = Duration::from_secs(5);

/// Markers of dead workers older than this are deleted at start: a worker that died after
/// its ack but before deleting its marker leaves one that no redelivery will sweep. A
/// crashed delivery is redelivered within seconds while consumers exist; a day keeps the
/// evidence through a long outage.
pub const MARKER_MAX_AGE: Duration = Duration::from_secs(86_400);

/// Crash counts untouched this long are deleted at start (messages that ended where the
/// worker could not forget them, such as the broker's own delivery limit).
pub const COUNTS_MAX_AGE: Duration = Duration::from_secs(7 * 86_400);

/// Longest message key stored as is; longer ones (a caller's id can be long) are stored
/// as their SHA-256, within btree's index entry limit.
const MAX_KEY_LEN: usize = 256;

/// What to do with a delivery before processing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// No crash on record: run beside others.
    Normal,
    /// Crashed a worker before: run alone.
    Suspect,
    /// Crashed workers often enough: dead-letter as `crash_loop` without processing.
    CrashLoop,
}

/// The verdict for a delivery the broker has delivered `delivery_count` times before,
/// with `counts` on record (pure).
pub fn verdict(delivery_count: u64, counts: CrashCounts) -> Verdict {
    if delivery_count >= CRASH_LOOP_DELIVERIES && counts.solo_crashes >= CRASH_LOOP_SOLO_CRASHES {
        Verdict::CrashLoop
    } else if counts.crashes >= 1 {
        Verdict::Suspect
    } else {
        Verdict::Normal
    }
}

/// The broker's count of earlier deliveries of this message (quorum queues set
/// `x-delivery-count` on redeliveries; 0 when absent).
pub fn delivery_count(props: &BasicProperties) -> u64 {
    header_u64(props, "x-delivery-count").unwrap_or(0)
}

/// The key stored for a message key: itself, or `sha256:<hex>` when long.
pub fn stored_key(key: &str) -> String {
    if key.len() <= MAX_KEY_LEN {
        key.to_owned()
    } else {
        format!("sha256:{}", hex::encode(Sha256::digest(key.as_bytes())))
    }
}

/// The worker's crash bookkeeping: its id, its lock, the gate suspects take. Cheap to
/// clone.
#[derive(Clone)]
pub struct Crashes {
    inner: Arc<Inner>,
}

struct Inner {
    worker_id: String,
    store: Store,
    metrics: Metrics,
    /// Shared by normal deliveries, exclusive for suspects.
    gate: Arc<RwLock<()>>,
    /// The worker runs one delivery at a time (`--concurrency 1`): every delivery is alone.
    serial: bool,
    /// The locking session is up; markers are written only then (a marker without the
    /// lock would look like a crash to everyone).
    locked: Arc<AtomicBool>,
    keeper: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl std::fmt::Debug for Crashes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Crashes")
            .field("worker_id", &self.inner.worker_id)
            .field("locked", &self.inner.locked.load(Ordering::SeqCst))
            .finish()
    }
}

/// How a delivery may proceed.
#[derive(Debug)]
pub enum Admission {
    /// Process it; settle the ticket after the delivery is settled.
    Run(Ticket),
    /// A crash loop: dead-letter it with `failure` (reason [`CRASH_LOOP`]), unprocessed.
    CrashLoop { failure: Failure, ticket: Ticket },
}

/// A delivery's place in the crash bookkeeping, held until it is settled: its marker and
/// its share of the gate (exclusive for a suspect).
#[derive(Debug)]
pub struct Ticket {
    crashes: Crashes,
    key: String,
    marked: bool,
    /// It has crash counts on record, to delete once it ends for good.
    has_counts: bool,
    _gate: Option<Gate>,
}

#[derive(Debug)]
enum Gate {
    // The guards are held, never read: dropping them lets the next delivery in.
    Shared(#[allow(dead_code)] OwnedRwLockReadGuard<()>),
    Exclusive(#[allow(dead_code)] OwnedRwLockWriteGuard<()>),
}

impl Crashes {
    /// A fresh worker id, locked on a dedicated connection (a first attempt now; if the
    /// database is away, a background task keeps trying and relocks after a lost
    /// session). Also prunes stale markers and counts, in the background.
    pub async fn start(store: Store, worker: &WorkerArgs, metrics: Metrics) -> Crashes {
        let worker_id = uuid::Uuid::new_v4().to_string();
        let locked = Arc::new(AtomicBool::new(false));
        let first = match store.worker_lock(&worker_id).await {
            Ok(lock) => {
                locked.store(true, Ordering::SeqCst);
                Some(lock)
            }
            Err(error) => {
                tracing::warn!(%error, "Taking the worker lock failed; crash detection waits for it.");
                None
            }
        };
        let keeper = tokio::spawn(keep_lock(
            store.clone(),
            worker_id.clone(),
            Arc::clone(&locked),
            first,
        ));
        {
            let store = store.clone();
            tokio::spawn(async move {
                match store.crash_prune(MARKER_MAX_AGE, COUNTS_MAX_AGE).await {
                    Ok((0, 0)) => {}
                    Ok((markers, counts)) => {
                        tracing::info!(markers, counts, "Pruned stale crash markers and counts.")
                    }
                    Err(error) => tracing::warn!(%error, "Pruning crash markers failed."),
                }
            });
        }
        tracing::info!(worker_id, "Crash detection ready.");
        Crashes {
            inner: Arc::new(Inner {
                worker_id,
                store,
                metrics,
                gate: Arc::new(RwLock::new(())),
                serial: worker.concurrency <= 1,
                locked,
                keeper: Mutex::new(Some(keeper)),
            }),
        }
    }

    /// This process's worker id.
    pub fn worker_id(&self) -> &str {
        &self.inner.worker_id
    }

    /// Sweeps (if the delivery came back), judges, waits for the gate and writes the
    /// marker of a delivery whose message key is `key` (see the module docs).
    pub async fn admit(&self, delivery: &Delivery, key: &str) -> Admission {
        let inner = &self.inner;
        let key = stored_key(key);
        let count = delivery_count(&delivery.properties);
        let came_back = delivery.redelivered || count > 0;
        let counts = if came_back {
            self.sweep(&key, count).await
        } else {
            CrashCounts::default()
        };
        let has_counts = counts.crashes > 0;
        let (gate, alone) = match verdict(count, counts) {
            Verdict::CrashLoop => {
                let failure = Failure::permanent(
                    CRASH_LOOP,
                    format!(
                        "crashed {} workers, {} of them while running alone; delivered {} times before",
                        counts.crashes, counts.solo_crashes, count
                    ),
                );
                let ticket = Ticket {
                    crashes: self.clone(),
                    key,
                    marked: false,
                    has_counts,
                    _gate: None,
                };
                return Admission::CrashLoop { failure, ticket };
            }
            Verdict::Suspect => {
                tracing::info!(
                    crashes = counts.crashes,
                    solo_crashes = counts.solo_crashes,
                    "Crashed a worker before; running it alone."
                );
                let g = Arc::clone(&inner.gate).write_owned().await;
                (Gate::Exclusive(g), true)
            }
            Verdict::Normal => {
                let g = Arc::clone(&inner.gate).read_owned().await;
                (Gate::Shared(g), inner.serial)
            }
        };
        // A first delivery writes no marker: its crash could not be judged anyway (a
        // verdict needs [`CRASH_LOOP_DELIVERIES`]), and it keeps the happy path free of
        // database writes. A poison message costs one more worker death for it.
        let mut marked = false;
        if came_back && inner.locked.load(Ordering::SeqCst) {
            match inner.store.marker_add(&key, &inner.worker_id, alone).await {
                Ok(()) => marked = true,
                Err(error) => tracing::warn!(%error, "Writing the in-flight marker failed."),
            }
        }
        Admission::Run(Ticket {
            crashes: self.clone(),
            key,
            marked,
            has_counts,
            _gate: Some(gate),
        })
    }

    /// The crash counts of `key` after moving its dead workers' markers into them. A
    /// marker whose worker still looks alive is given up to [`SWEEP_PATIENCE`] to be seen
    /// dead. A database error skips the sweep (the delivery runs as usual).
    async fn sweep(&self, key: &str, count: u64) -> CrashCounts {
        let inner = &self.inner;
        let deadline = tokio::time::Instant::now() + SWEEP_PATIENCE;
        let (mut found, mut found_alone) = (0, 0);
        let counts = loop {
            match inner.store.crash_sweep(key, &inner.worker_id).await {
                Ok(swept) => {
                    found += swept.found;
                    found_alone += swept.found_alone;
                    if swept.alive == 0 || tokio::time::Instant::now() >= deadline {
                        break swept.counts;
                    }
                    tokio::time::sleep(SWEEP_RETRY).await;
                }
                Err(error) => {
                    tracing::warn!(%error, "Reading the crash record failed; processing as usual.");
                    return CrashCounts::default();
                }
            }
        };
        if found > 0 {
            inner.metrics.worker_crashes(found, found_alone);
            tracing::warn!(
                crashes = counts.crashes,
                solo_crashes = counts.solo_crashes,
                delivery_count = count,
                found,
                "The message was in flight in a worker that died."
            );
        }
        counts
    }

    /// At shutdown, after the in-flight deliveries are settled or returned: deletes this
    /// worker's remaining markers (what it did not settle it returned; that is not a
    /// crash), then closes the locking session.
    pub async fn stop(&self) {
        let inner = &self.inner;
        if let Err(error) = inner.store.markers_clear(&inner.worker_id).await {
            tracing::warn!(%error, "Deleting this worker's in-flight markers failed.");
        }
        inner.locked.store(false, Ordering::SeqCst);
        let keeper = inner.keeper.lock().ok().and_then(|mut k| k.take());
        if let Some(k) = keeper {
            k.abort();
            let _ = k.await;
        }
    }
}

impl Ticket {
    /// The delivery was settled with `outcome`: the marker goes, and once the message has
    /// ended for good (stored or dead-lettered) its crash counts too. Best effort: a
    /// marker left behind by a failed delete belongs to a live worker (not a crash) and is
    /// deleted at its shutdown.
    pub async fn settled(self, outcome: &Outcome) {
        let ended = matches!(
            outcome,
            Outcome::Stored { .. } | Outcome::DeadLettered { .. }
        );
        let forget = self.has_counts && ended;
        if !self.marked && !forget {
            return;
        }
        let inner = &self.crashes.inner;
        if let Err(error) = inner
            .store
            .marker_settled(&self.key, &inner.worker_id, forget)
            .await
        {
            tracing::warn!(%error, "Deleting the in-flight marker failed.");
        }
    }
}

/// Holds the worker lock: checks the session every [`LOCK_CHECK_INTERVAL`], and reopens
/// and relocks it when it is lost (markers are not written meanwhile).
async fn keep_lock(
    store: Store,
    worker_id: String,
    locked: Arc<AtomicBool>,
    mut lock: Option<WorkerLock>,
) {
    loop {
        tokio::time::sleep(LOCK_CHECK_INTERVAL).await;
        if let Some(l) = &lock {
            if let Err(error) = l.check().await {
                locked.store(false, Ordering::SeqCst);
                tracing::warn!(%error, "The worker lock's session was lost; relocking.");
                lock = None;
            }
        }
        if lock.is_none() {
            match store.worker_lock(&worker_id).await {
                Ok(l) => {
                    lock = Some(l);
                    locked.store(true, Ordering::SeqCst);
                    tracing::info!("Worker lock taken again.");
                }
                Err(error) => tracing::debug!(%error, "Taking the worker lock failed."),
            }
        }
    }
}

/// The crash-loop test's crash point: with `--fault-abort-on TEXT`, the process aborts
/// right after fetching a page whose body contains TEXT, the way a page that exhausts
/// memory kills it (no settle, no ack, no marker deleted).
pub fn fault_abort_on(args: &WorkerArgs, body: &[u8]) {
    if let Some(needle) = args.fault_abort_on.as_deref().filter(|n| !n.is_empty()) {
        if memchr::memmem::find(body, needle.as_bytes()).is_some() {
            eprintln!("fault injection: aborting on a page containing the --fault-abort-on text");
            std::process::abort();
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::queue::consumer::header_table;

    fn c(crashes: i32, solo_crashes: i32) -> CrashCounts {
        CrashCounts {
            crashes,
            solo_crashes,
        }
    }

    #[test]
    fn verdicts() {
        assert_eq!(verdict(0, c(0, 0)), Verdict::Normal);
        assert_eq!(verdict(7, c(0, 0)), Verdict::Normal);
        // One crash beside other work: a suspect, run alone.
        assert_eq!(verdict(1, c(1, 0)), Verdict::Suspect);
        // Solo crashes short of the threshold, or deliveries short of it: still a suspect.
        assert_eq!(verdict(3, c(3, 2)), Verdict::Suspect);
        assert_eq!(verdict(2, c(4, 3)), Verdict::Suspect);
        // Both thresholds met: judged.
        assert_eq!(
            verdict(CRASH_LOOP_DELIVERIES, c(4, CRASH_LOOP_SOLO_CRASHES)),
            Verdict::CrashLoop
        );
        assert_eq!(verdict(19, c(10, 9)), Verdict::CrashLoop);
    }

    #[test]
    fn delivery_count_reads_the_quorum_header() {
        let p =
            BasicProperties::default().with_headers(header_table(&[], &[("x-delivery-count", 4)]));
        assert_eq!(delivery_count(&p), 4);
        assert_eq!(delivery_count(&BasicProperties::default()), 0);
    }

    #[test]
    fn long_keys_are_hashed() {
        assert_eq!(stored_key("id:abc"), "id:abc");
        let long = format!("id:{}", "x".repeat(5000));
        let k = stored_key(&long);
        assert!(k.starts_with("sha256:") && k.len() == 7 + 64, "{k}");
        assert_eq!(k, stored_key(&long));
    }
}
