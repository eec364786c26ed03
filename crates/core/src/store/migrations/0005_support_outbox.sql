-- "Me too" is sent to the city (its supporters count) as an outbox item of kind 'support'.
-- SQLite cannot change a CHECK constraint in place, so the outbox is rebuilt with the same
-- columns, rows and indexes (nothing references it).

CREATE TABLE outbox_new (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('report', 'photo', 'reopen', 'rating', 'support')),
    report_id       INTEGER NOT NULL REFERENCES reports (id),
    payload         TEXT NOT NULL CHECK (json_valid(payload)),
    state           TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'needs_attention')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL,
    last_error      TEXT,
    last_field      TEXT,
    created_ms      INTEGER NOT NULL,
    sent_ms         INTEGER
) STRICT;
INSERT INTO outbox_new (id, idempotency_key, kind, report_id, payload, state, attempts,
                        next_attempt_ms, last_error, last_field, created_ms, sent_ms)
    SELECT id, idempotency_key, kind, report_id, payload, state, attempts,
           next_attempt_ms, last_error, last_field, created_ms, sent_ms
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (state, next_attempt_ms, id);
CREATE INDEX outbox_report ON outbox (report_id);
