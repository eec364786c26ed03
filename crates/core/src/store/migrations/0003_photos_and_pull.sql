-- Photos of a report (or of a "not fixed" answer): kept on the device until the city has them,
-- each sent by its own outbox row after the report's.
CREATE TABLE report_photos (
    id              INTEGER PRIMARY KEY,
    report_id       INTEGER NOT NULL REFERENCES reports (id),
    kind            TEXT NOT NULL CHECK (kind IN ('report', 'reopen')),
    mime            TEXT NOT NULL,
    bytes           BLOB NOT NULL,
    -- The city's media id once uploaded.
    server_media_id TEXT
) STRICT;
CREATE INDEX report_photos_report ON report_photos (report_id);

-- Where the last pull of a resource stopped (the server's X-Next-Cursor).
ALTER TABLE sync_state ADD COLUMN cursor INTEGER;
