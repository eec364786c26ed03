-- Registered devices (issue 13): a device is counted only when a signature proves it. The city
-- keeps each id and when it registered; the device's secret is derived from the server's
-- device key (`trust.rs`), so no secret is stored here.
CREATE TABLE devices (
    id            TEXT PRIMARY KEY NOT NULL,
    registered_at TEXT NOT NULL
) STRICT;

-- Until now a report's `device_id` was whatever the client claimed: it proves nothing, and it
-- joined anonymous reports to named ones. From here on it holds only a verified device (a
-- signed report), and ownership is the report's own key, of which only the SHA-256 is kept.
UPDATE requests SET device_id = NULL;
ALTER TABLE requests ADD COLUMN owner_key_hash TEXT;
