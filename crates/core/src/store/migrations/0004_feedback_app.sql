-- Feedback in the app: the category list as last received, the report being written (saved as
-- the citizen types), photos waiting for the report they go with, reports followed with
-- "me too", what the citizen has already seen, and the city's timeline and result photos kept
-- for reading offline.

-- The whole catalogue (both languages) as the city API last sent it, or the bundled one.
CREATE TABLE service_catalog (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    json         TEXT NOT NULL CHECK (json_valid(json)),
    etag         TEXT,
    refreshed_at TEXT
) STRICT;

-- The one report being written.
CREATE TABLE draft (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    json       TEXT NOT NULL CHECK (json_valid(json)),
    updated_ms INTEGER NOT NULL
) STRICT;

-- Photos already checked, shrunk and stripped of metadata, waiting for the report (or the
-- "not fixed" answer) they go with.
CREATE TABLE pending_photos (
    id       INTEGER PRIMARY KEY,
    purpose  TEXT NOT NULL CHECK (purpose IN ('report', 'reopen')),
    mime     TEXT NOT NULL,
    bytes    BLOB NOT NULL,
    thumb    BLOB NOT NULL,
    -- Where the camera said it was taken; no longer inside the photo.
    lat      REAL,
    lon      REAL,
    added_ms INTEGER NOT NULL
) STRICT;

ALTER TABLE report_photos ADD COLUMN thumb BLOB;
-- 'mine': filed on this device; 'followed': someone else's report followed with "me too".
ALTER TABLE reports ADD COLUMN origin TEXT NOT NULL DEFAULT 'mine'
    CHECK (origin IN ('mine', 'followed'));
-- The city's change the citizen has looked at; below change_seq means news.
ALTER TABLE reports ADD COLUMN seen_seq INTEGER;
-- The city's timeline of the report (JSON array of events), as last pulled.
ALTER TABLE reports ADD COLUMN events_json TEXT
    CHECK (events_json IS NULL OR json_valid(events_json));
-- The change_seq the timeline was pulled at; below change_seq means pull it again.
ALTER TABLE reports ADD COLUMN events_seq INTEGER;

-- Photos the city attached to a report (the work done), kept to be seen offline.
CREATE TABLE city_media (
    url       TEXT PRIMARY KEY NOT NULL,
    report_id INTEGER NOT NULL REFERENCES reports (id),
    mime      TEXT NOT NULL,
    bytes     BLOB NOT NULL
) STRICT;
CREATE INDEX city_media_report ON city_media (report_id);

-- A ward's public list of reports, as last fetched.
CREATE TABLE ward_reports (
    ward_code  TEXT PRIMARY KEY NOT NULL,
    json       TEXT NOT NULL CHECK (json_valid(json)),
    fetched_at TEXT NOT NULL
) STRICT;
