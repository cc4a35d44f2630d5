-- 0003: cheaper TOAST for the large columns (measured: pglz_compress was a quarter of the
-- server's CPU in `report-ingest bench`).
-- * body_zstd is already zstd: store it out of line without a second compression attempt.
-- * The large text/jsonb columns use lz4 where the server was built with it (PostgreSQL
--   14+ with lz4, as Debian's packages are): several times cheaper than pglz for a
--   similar ratio on text. A server without lz4 keeps pglz (the notice says so).
ALTER TABLE report_raw ALTER COLUMN body_zstd SET STORAGE EXTERNAL;
DO $$
BEGIN
    ALTER TABLE reports ALTER COLUMN report SET COMPRESSION lz4;
    ALTER TABLE report_articles ALTER COLUMN main_text SET COMPRESSION lz4;
    ALTER TABLE report_articles ALTER COLUMN outline SET COMPRESSION lz4;
    ALTER TABLE outbox ALTER COLUMN body SET COMPRESSION lz4;
EXCEPTION
    WHEN feature_not_supported OR syntax_error OR invalid_parameter_value THEN
        RAISE NOTICE 'lz4 TOAST compression unavailable (%); keeping pglz', SQLERRM;
END
$$;
