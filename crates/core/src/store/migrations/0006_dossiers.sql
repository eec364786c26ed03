-- Dossiers the citizen tracks, by the code and check value printed on the receipt. `lookup` is
-- `model::dossier_dto::Lookup`'s wire name; `city_json` the city's last answer
-- (`model::dossier::Dossier`), kept so the list reads the same offline.
CREATE TABLE dossiers (
    id          INTEGER PRIMARY KEY,
    -- Canonical form (upper case, no spaces): one row per printed code.
    code        TEXT NOT NULL UNIQUE,
    check_value TEXT NOT NULL,
    lookup      TEXT NOT NULL CHECK (lookup IN ('waiting', 'not_found', 'known')),
    city_json   TEXT CHECK (city_json IS NULL OR json_valid(city_json)),
    -- When the city last answered about it (RFC 3339).
    checked_at  TEXT,
    -- The city changed something the citizen has not opened yet.
    unseen      INTEGER NOT NULL DEFAULT 0 CHECK (unseen IN (0, 1)),
    added_ms    INTEGER NOT NULL
) STRICT;

-- The changes route's cursor (0: ask for everything), and when the city said to ask again
-- after an answer it cut short or refused (`Retry-After`).
CREATE TABLE dossier_sync (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    cursor        INTEGER NOT NULL DEFAULT 0,
    not_before_ms INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO dossier_sync (id) VALUES (1);
