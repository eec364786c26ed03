-- The map's offline copy (issue 14): what the city API last served for the map, each bound to
-- the address it came from (shown only while that address is in use), with its ETag. Bodies
-- are stored only after the engine checked them; a bad answer never replaces a kept copy.
CREATE TABLE map_copies (
    resource  TEXT NOT NULL CHECK (resource IN ('info', 'offices', 'stats', 'reports', 'boundaries')),
    api_base  TEXT NOT NULL,
    body      TEXT NOT NULL,
    etag      TEXT,
    pulled_at TEXT NOT NULL,
    PRIMARY KEY (resource, api_base)
) STRICT;

-- The basemap downloaded from the city (a file in the app's data folder, whole and checked
-- before it is recorded here), one per address.
CREATE TABLE map_basemaps (
    api_base  TEXT PRIMARY KEY NOT NULL,
    file      TEXT NOT NULL,
    bytes     INTEGER NOT NULL CHECK (bytes > 0),
    etag      TEXT NOT NULL,
    pulled_at TEXT NOT NULL
) STRICT;
