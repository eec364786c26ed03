-- Issue 13: data goes only to the city it was meant for; consent recorded; "not fixed" photos
-- tied to their report.
--
-- Each report is bound to the city API address it was filed with (or followed on): its outbox
-- rows go only there and only that city's answers are applied to it. Two cities may give the
-- same id, so the city's id is unique per address, no longer overall: SQLite cannot drop a
-- UNIQUE in place, so the table is rebuilt with the same rows and ids (migrations run with
-- foreign keys off and are checked before they commit, `store::open`).
CREATE TABLE reports_new (
    id           INTEGER PRIMARY KEY,
    form         TEXT NOT NULL CHECK (json_valid(form)),
    created_at   INTEGER NOT NULL,
    server_id    TEXT,
    token        TEXT,
    status       TEXT,
    server_json  TEXT CHECK (server_json IS NULL OR json_valid(server_json)),
    change_seq   INTEGER,
    origin       TEXT NOT NULL DEFAULT 'mine' CHECK (origin IN ('mine', 'followed')),
    seen_seq     INTEGER,
    events_json  TEXT CHECK (events_json IS NULL OR json_valid(events_json)),
    events_seq   INTEGER,
    -- The city API address (`model::ApiBaseUrl` as written) the report belongs to. NULL only
    -- for reports saved before this migration, until the engine binds them to the address in
    -- use when it starts (where they would have gone anyway).
    api_base     TEXT,
    -- The consent (`model::trust::Consent`) the citizen gave to send the contact details in
    -- `form`: the text's version and when (RFC 3339). NULL when the form has none.
    consent_version INTEGER,
    consent_at   TEXT,
    UNIQUE (api_base, server_id)
) STRICT;
INSERT INTO reports_new (id, form, created_at, server_id, token, status, server_json, change_seq,
                         origin, seen_seq, events_json, events_seq)
    SELECT id, form, created_at, server_id, token, status, server_json, change_seq,
           origin, seen_seq, events_json, events_seq
    FROM reports;
DROP TABLE reports;
ALTER TABLE reports_new RENAME TO reports;
CREATE INDEX reports_api_base ON reports (api_base);

-- A "not fixed" photo waits for the answer of one report: the one it was added on (NULL for a
-- report's own photos, which wait for the draft).
ALTER TABLE pending_photos ADD COLUMN report_id INTEGER REFERENCES reports (id);

-- The consent ticked in the draft (`model::trust::Consent`): recorded on the device when the
-- draft is saved ticked, kept while it stays ticked, and copied to the report with the form.
ALTER TABLE draft ADD COLUMN consent_version INTEGER;
ALTER TABLE draft ADD COLUMN consent_at TEXT;
