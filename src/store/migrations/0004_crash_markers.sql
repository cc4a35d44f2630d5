-- 0004: crash-loop detection (src/worker/crash.rs, src/store/crash.rs). Runs with
-- search_path set to the deployment schema, like every migration.
--
-- A worker writes an in_flight marker when it starts a delivery and deletes it when the
-- delivery is settled. Each worker process holds a session advisory lock on its own id
-- for its whole life, so a marker whose worker's lock is free belongs to a worker that
-- died with the delivery in its hands: a crash. When that message comes back, the worker
-- that receives it moves such markers into crash_counts.

-- UNLOGGED: coordination state written twice per delivery. After a database crash it
-- comes back empty, which only forgets crashes in progress (the broker's delivery limit
-- still bounds a crash loop); skipping the WAL keeps the two writes cheap.
CREATE UNLOGGED TABLE in_flight (
    message_key text NOT NULL,
    worker_id   text NOT NULL,
    -- The delivery ran alone in its worker (no other delivery beside it the whole time),
    -- so a crash while it ran is its own.
    alone       boolean NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (message_key, worker_id)
);

CREATE INDEX in_flight_worker ON in_flight (worker_id);

-- Crashes attributed to a message so far. Written only when a crash is found, so it is
-- small; a row is deleted when its message ends (stored or dead-lettered).
CREATE TABLE crash_counts (
    message_key   text PRIMARY KEY,
    crashes       integer NOT NULL,
    solo_crashes  integer NOT NULL,
    last_crash_at timestamptz NOT NULL
);
