-- 0005: a report split over pages is stored as one (issue 13), and its attachments listed.
-- `content_sha256` of a multi-page report is the sha256 over its pages' hashes in order
-- (src/store/save.rs), so "same pages, same content" is still one comparison.
ALTER TABLE reports
    ADD COLUMN page_count    integer NOT NULL DEFAULT 1,
    -- Pages the report shows (共N页) or links that were not stored (a 404 on page 3,
    -- the --max-pages limit); > 0 means the stored report is incomplete.
    ADD COLUMN pages_missing integer NOT NULL DEFAULT 0;

-- Every stored page of a report, page 1 included. The raw bytes of the pages after the
-- first are kept here (page 1's are in report_raw), so `replay` reassembles the report
-- without the network.
CREATE TABLE report_pages (
    report_id      bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    ordinal        integer NOT NULL,
    url            text NOT NULL,
    final_url      text,
    http_status    integer,
    content_sha256 text NOT NULL,
    body_zstd      bytea,
    body_len       bigint,
    headers        jsonb,
    content_type   text,
    PRIMARY KEY (report_id, ordinal)
);
ALTER TABLE report_pages ALTER COLUMN body_zstd SET STORAGE EXTERNAL;

-- Files the report links to (附件): listed by the extractor; with --fetch-attachments,
-- DOCX and PDF are read and their text becomes an article (status `read`), or the reason
-- they could not be is kept (status `error`, `error` = no_text, corrupt, http_404, …).
CREATE TABLE report_attachments (
    report_id  bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    ordinal    integer NOT NULL,
    name       text NOT NULL,
    url        text NOT NULL,
    kind       text NOT NULL,
    status     text NOT NULL DEFAULT 'listed',
    error      text,
    PRIMARY KEY (report_id, ordinal)
);
