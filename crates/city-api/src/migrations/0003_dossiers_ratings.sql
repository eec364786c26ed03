-- Administrative dossiers (looked up by code + check value) and citizens' ratings of wards.

CREATE TABLE dossiers (
    code           TEXT PRIMARY KEY NOT NULL,
    -- Printed on the receipt with the code; a lookup needs both.
    check_value    TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    procedure_vi   TEXT NOT NULL,
    procedure_en   TEXT NOT NULL,
    field          TEXT NOT NULL,
    agency         TEXT NOT NULL,
    ward_code      TEXT NOT NULL REFERENCES wards (code),
    status         TEXT NOT NULL CHECK (status IN
                       ('received', 'processing', 'supplement_requested', 'ready', 'returned', 'rejected')),
    submitted_at   TEXT NOT NULL,
    expected_at    TEXT NOT NULL,
    finished_at    TEXT
) STRICT;
CREATE INDEX dossiers_ward ON dossiers (ward_code);

CREATE TABLE dossier_events (
    id          INTEGER PRIMARY KEY,
    dossier     TEXT NOT NULL REFERENCES dossiers (code),
    at          TEXT NOT NULL,
    status      TEXT NOT NULL,
    note_vi     TEXT NOT NULL,
    note_en     TEXT NOT NULL
) STRICT;
CREATE INDEX dossier_events_dossier ON dossier_events (dossier, id);

-- One rating per device per ward per month (Vietnam time).
CREATE TABLE ward_ratings (
    id          INTEGER PRIMARY KEY,
    ward_code   TEXT NOT NULL REFERENCES wards (code),
    device_id   TEXT NOT NULL,
    month       TEXT NOT NULL,
    access      INTEGER NOT NULL CHECK (access BETWEEN 1 AND 5),
    procedures  INTEGER NOT NULL CHECK (procedures BETWEEN 1 AND 5),
    attitude    INTEGER NOT NULL CHECK (attitude BETWEEN 1 AND 5),
    result      INTEGER NOT NULL CHECK (result BETWEEN 1 AND 5),
    timeliness  INTEGER NOT NULL CHECK (timeliness BETWEEN 1 AND 5),
    comment     TEXT,
    created_at  TEXT NOT NULL,
    UNIQUE (ward_code, device_id, month)
) STRICT;
