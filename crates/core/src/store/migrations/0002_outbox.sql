-- What the citizen sent, and the outbox that delivers it. A user action writes its row here and
-- its outbox row in one transaction; the sync worker sends outbox rows with their
-- Idempotency-Key until the city acknowledges them or refuses them for good.

CREATE TABLE reports (
    id           INTEGER PRIMARY KEY,
    -- The Open311 form the citizen wrote (JSON array of [name, value]); never overwritten.
    form         TEXT NOT NULL CHECK (json_valid(form)),
    created_at   INTEGER NOT NULL,
    -- What the city says, filled in by sync; server state wins for these columns only.
    server_id    TEXT UNIQUE,
    token        TEXT,
    status       TEXT,
    server_json  TEXT CHECK (server_json IS NULL OR json_valid(server_json)),
    change_seq   INTEGER
) STRICT;

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    -- Fixed when the action is saved, sent with every attempt: the city answers a retry with
    -- its first answer instead of filing a duplicate.
    idempotency_key TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('report', 'photo', 'reopen', 'rating')),
    report_id       INTEGER NOT NULL REFERENCES reports (id),
    payload         TEXT NOT NULL CHECK (json_valid(payload)),
    state           TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'needs_attention')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL,
    -- The city's stable reason and field when it refused (needs_attention) or the last
    -- transient failure (queued).
    last_error      TEXT,
    last_field      TEXT,
    created_ms      INTEGER NOT NULL,
    sent_ms         INTEGER
) STRICT;
CREATE INDEX outbox_due ON outbox (state, next_attempt_ms, id);
CREATE INDEX outbox_report ON outbox (report_id);
