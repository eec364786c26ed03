-- The device's credential from the city API (issue 13): registered once, the first time a
-- "me too" or a named report needs a signature. Kept here because this platform has no
-- keyring the app can count on (see `store/device.rs`); never written to a log. One row: the
-- city that issued it (`origin`), the id and secret, and how far this device's clock is from
-- the city's (corrected when the city answers `stale_time`).
CREATE TABLE device_credential (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    origin            TEXT NOT NULL,
    device_id         TEXT NOT NULL,
    secret            TEXT NOT NULL,
    clock_offset_secs INTEGER NOT NULL DEFAULT 0
) STRICT;

-- A queued "me too" named this install's own id; the supporter is now the signing device.
UPDATE outbox SET payload = '[]' WHERE kind = 'support' AND state <> 'sent';
-- The install's own id went with every report; it is no longer sent anywhere.
DELETE FROM settings WHERE key = 'device_id';
