-- Preferences: language, text size, city API address, my ward.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

-- Administrative units, as last received from the city API (or the bundled catalogue).
CREATE TABLE wards (
    code     TEXT PRIMARY KEY NOT NULL CHECK (length(code) = 5),
    name     TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('phuong', 'xa', 'dac_khu')),
    lat      REAL NOT NULL,
    lon      REAL NOT NULL,
    area_km2 REAL NOT NULL
) STRICT;

-- Per pulled resource: the ETag to send next time and when it was last refreshed.
CREATE TABLE sync_state (
    resource     TEXT PRIMARY KEY NOT NULL,
    etag         TEXT,
    refreshed_at TEXT
) STRICT;
