-- The citizen's ratings of wards (issue 15): each saved here before the UI says "saved", with
-- its Idempotency-Key, and sent from here by the sync worker (outbox kind 'ward_rating': a
-- rating belongs to no report, so it is not a row of `outbox`, whose rows are a report's).
-- Bound to the city API address it was given for; one per ward and month given (Vietnam
-- time) per address, as the city counts them.
CREATE TABLE ward_ratings (
    id              INTEGER PRIMARY KEY,
    api_base        TEXT NOT NULL,
    ward_code       TEXT NOT NULL CHECK (length(ward_code) = 5),
    given_month     TEXT NOT NULL CHECK (given_month GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),
    form            TEXT NOT NULL CHECK (json_valid(form)),
    idempotency_key TEXT NOT NULL UNIQUE,
    state           TEXT NOT NULL CHECK (state IN ('queued', 'counted', 'already_counted', 'needs_attention')),
    counted_month   TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL,
    last_error      TEXT,
    created_ms      INTEGER NOT NULL,
    sent_ms         INTEGER,
    UNIQUE (api_base, ward_code, given_month)
) STRICT;
CREATE INDEX ward_ratings_due ON ward_ratings (state, api_base, next_attempt_ms);

-- The scoreboards the city served, per address: `board <period>` (week, month, quarter) and
-- `ward <code>` (a ward's history), each with its ETag. Bodies are stored only after they
-- were read as a scoreboard; a bad answer never replaces a kept copy.
CREATE TABLE scoreboard_copies (
    resource  TEXT NOT NULL,
    api_base  TEXT NOT NULL,
    body      TEXT NOT NULL,
    etag      TEXT,
    pulled_at TEXT NOT NULL,
    PRIMARY KEY (resource, api_base)
) STRICT;
