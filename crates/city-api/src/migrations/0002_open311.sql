-- Open311 feedback: services (the 1022 fields), reports, their timeline, photos, ratings,
-- and the answers already given to Idempotency-Keys.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

-- One row per service; `definition` is model::service::Service as JSON, validated on seeding.
CREATE TABLE services (
    code       TEXT PRIMARY KEY NOT NULL,
    sort       INTEGER NOT NULL,
    definition TEXT NOT NULL CHECK (json_valid(definition))
) STRICT;

CREATE TABLE requests (
    id           INTEGER PRIMARY KEY,
    token        TEXT NOT NULL UNIQUE,
    service_code TEXT NOT NULL REFERENCES services (code),
    description  TEXT NOT NULL,
    lat          REAL,
    lon          REAL,
    address      TEXT,
    ward_code    TEXT REFERENCES wards (code),
    answers      TEXT NOT NULL CHECK (json_valid(answers)),
    device_id    TEXT,
    -- Personal data, present only with the citizen's consent; never served on public routes.
    contact      TEXT CHECK (contact IS NULL OR json_valid(contact)),
    media_url    TEXT,
    status       TEXT NOT NULL CHECK (status IN
                     ('received', 'assigned', 'in_progress', 'resolved', 'closed', 'reopened')),
    status_notes TEXT,
    agency       TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    expected_at  TEXT,
    resolved_at  TEXT,
    -- Raised on every change, from one counter: the cursor of incremental sync.
    change_seq   INTEGER NOT NULL UNIQUE
) STRICT;
CREATE INDEX requests_ward ON requests (ward_code, status);
CREATE INDEX requests_service ON requests (service_code, requested_at);
CREATE INDEX requests_requested ON requests (requested_at);

CREATE TABLE request_events (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests (id),
    at         TEXT NOT NULL,
    status     TEXT NOT NULL,
    note       TEXT,
    actor      TEXT NOT NULL CHECK (actor IN ('citizen', 'staff', 'system'))
) STRICT;
CREATE INDEX request_events_request ON request_events (request_id, id);

CREATE TABLE media (
    id           TEXT PRIMARY KEY NOT NULL,
    request_id   INTEGER NOT NULL REFERENCES requests (id),
    event_id     INTEGER REFERENCES request_events (id),
    kind         TEXT NOT NULL CHECK (kind IN ('report', 'result', 'reopen')),
    content_type TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    bytes        BLOB NOT NULL,
    created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX media_request ON media (request_id, kind);

CREATE TABLE request_ratings (
    request_id   INTEGER PRIMARY KEY NOT NULL REFERENCES requests (id),
    satisfaction TEXT NOT NULL CHECK (satisfaction IN ('satisfied', 'neutral', 'unsatisfied')),
    comment      TEXT,
    at           TEXT NOT NULL
) STRICT;

CREATE TABLE counters (
    name  TEXT PRIMARY KEY NOT NULL,
    value INTEGER NOT NULL
) STRICT;
INSERT INTO counters (name, value) VALUES ('change_seq', 0);

-- The stored answer to each Idempotency-Key, written in the same transaction as the change.
CREATE TABLE idempotency (
    key         TEXT PRIMARY KEY NOT NULL,
    fingerprint TEXT NOT NULL,
    status      INTEGER NOT NULL,
    body        BLOB NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;
