-- Issue 13: tracked dossiers go only to the city they were added with; a registration whose
-- answer was lost is asked again under the same Idempotency-Key.
--
-- Each tracked dossier is bound to the city API address (`model::ApiBaseUrl` as written) it was
-- added with: its code and check value are sent only there, and only that city's answers are
-- applied to it. NULL only for dossiers added before this migration, until the engine binds
-- them to the address in use when it starts (where they were being sent anyway).
ALTER TABLE dossiers ADD COLUMN api_base TEXT;
CREATE INDEX dossiers_api_base ON dossiers (api_base);

-- The sync's cursor and wait, one row per city API address (was one row for all). The row an
-- older version kept gets the address in use at start, as its dossiers do.
CREATE TABLE dossier_sync_new (
    id            INTEGER PRIMARY KEY,
    api_base      TEXT UNIQUE,
    cursor        INTEGER NOT NULL DEFAULT 0,
    not_before_ms INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO dossier_sync_new (api_base, cursor, not_before_ms)
    SELECT NULL, cursor, not_before_ms FROM dossier_sync;
DROP TABLE dossier_sync;
ALTER TABLE dossier_sync_new RENAME TO dossier_sync;

-- The Idempotency-Key of a registration being asked of a city (`origin`), written before the
-- request goes and kept until the city's credential is stored (then deleted in the same
-- transaction): a registration whose answer was lost is asked again under it, and the city
-- replays its first answer instead of making a second, orphan device. The key gets the secret
-- back from the city, so it is as private as the credential: never logged, never exported.
CREATE TABLE device_registration (
    origin          TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL
) STRICT;
