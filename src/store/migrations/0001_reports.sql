-- 0001: reports, their articles and figures, the raw fetched bytes, the event outbox.
-- Runs with search_path set to the deployment schema (see src/store/migrate.rs), so names
-- are unqualified here.

-- One row per URL. `report` holds the full extract JSON; the scalar columns repeat the
-- fields consumers filter on. The content hash + extractor version decide whether a
-- refetch changes anything (src/store/save.rs).
CREATE TABLE reports (
    id                bigserial PRIMARY KEY,
    url               text NOT NULL UNIQUE,
    host              text,
    final_url         text,
    http_status       integer,
    charset           text,
    title             text,
    published         date,
    source_org        text,
    region            text,
    doc_type          text,
    period            text,
    script            text,
    article_count     integer NOT NULL DEFAULT 0,
    figure_count      integer NOT NULL DEFAULT 0,
    -- sha256 (hex) of the raw body bytes as fetched.
    content_sha256    text NOT NULL,
    extractor_version text NOT NULL,
    report            jsonb NOT NULL,
    -- Encoding forensics: the label the page declared, where (bom/header/meta-charset/
    -- http-equiv/late-meta/none), and the share of U+FFFD after decoding.
    declared_charset  text,
    charset_source    text,
    replacement_ratio double precision,
    -- Set for a page the extractor rejected (`not_html`, ...).
    error             text,
    fetched_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reports_host_idx ON reports (host);
CREATE INDEX reports_extractor_version_idx ON reports (extractor_version);
CREATE INDEX reports_fetched_at_idx ON reports (fetched_at);
CREATE INDEX reports_published_idx ON reports (published);

CREATE TABLE report_articles (
    report_id  bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    ordinal    integer NOT NULL,
    title      text,
    main_text  text NOT NULL,
    outline    jsonb NOT NULL,
    PRIMARY KEY (report_id, ordinal)
);

CREATE TABLE report_figures (
    report_id       bigint NOT NULL,
    article_ordinal integer NOT NULL,
    ordinal         integer NOT NULL,
    subject         text NOT NULL,
    value           numeric,
    unit            text NOT NULL,
    raw             text NOT NULL,
    approx          boolean NOT NULL DEFAULT false,
    PRIMARY KEY (report_id, article_ordinal, ordinal),
    FOREIGN KEY (report_id, article_ordinal)
        REFERENCES report_articles (report_id, ordinal) ON DELETE CASCADE
);

-- The bytes as fetched (zstd) and the response headers ([[name, value], ...]), so
-- `replay` can re-extract without the network. One row per report (latest fetch).
CREATE TABLE report_raw (
    report_id    bigint PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
    body_zstd    bytea NOT NULL,
    body_len     bigint NOT NULL,
    headers      jsonb NOT NULL,
    content_type text
);

-- Transactional outbox: an event row commits with the rows it describes; the worker (or
-- its relay, for rows a dead worker left behind) publishes it with a confirm and sets
-- sent_at. `body` is the exact CloudEvents JSON to publish.
CREATE TABLE outbox (
    id          bigserial PRIMARY KEY,
    event_id    text NOT NULL,
    routing_key text NOT NULL,
    body        bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz
);
CREATE INDEX outbox_pending_idx ON outbox (id) WHERE sent_at IS NULL;
