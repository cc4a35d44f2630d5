-- 0002: fleet-wide politeness (src/politeness.rs). Runs with search_path set to the
-- deployment schema, like every migration.
--
-- UNLOGGED: this is coordination state, not data. After a database crash the tables come
-- back empty, which is correct (every lease would have expired, and a forgotten next_slot
-- only allows one early request per host). Skipping the WAL keeps each acquire cheap.

-- One row per host seen: the earliest instant the next request to it may start.
CREATE UNLOGGED TABLE host_budget (
    host      text PRIMARY KEY,
    next_slot timestamptz NOT NULL
);

-- One row per fetch in flight, fleet-wide. Released by deleting the row; a row whose
-- holder died is ignored once expires_at has passed and swept by the next acquire.
CREATE UNLOGGED TABLE host_lease (
    id          bigserial PRIMARY KEY,
    host        text NOT NULL,
    holder      text NOT NULL,
    acquired_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    expires_at  timestamptz NOT NULL
);

CREATE INDEX host_lease_host_expires ON host_lease (host, expires_at);
