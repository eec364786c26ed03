-- Dossiers for the app's background sync and the back office:
-- - a change sequence per dossier, from its own counter, so "changed since cursor" is exact;
-- - any state: 0003 allowed six, the portals have more, and a city importing its own states
--   must not be refused (an unknown one reads as `other`); this server writes known ones only;
-- - what a "needs more papers" step asked for (model::dossier::SupplementRequest as JSON).
-- SQLite cannot change a CHECK in place, so both tables are rebuilt. The new events table
-- points at the new dossiers table before the old ones go, so no foreign key is ever broken,
-- and the rename carries that reference over.

CREATE TABLE dossiers_v5 (
    code           TEXT PRIMARY KEY NOT NULL,
    -- Printed on the receipt with the code; a lookup needs both.
    check_value    TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    procedure_vi   TEXT NOT NULL,
    procedure_en   TEXT NOT NULL,
    field          TEXT NOT NULL,
    agency         TEXT NOT NULL,
    ward_code      TEXT NOT NULL REFERENCES wards (code),
    status         TEXT NOT NULL,
    submitted_at   TEXT NOT NULL,
    expected_at    TEXT NOT NULL,
    finished_at    TEXT,
    -- Raised on every change, from the counter `dossier_seq`.
    change_seq     INTEGER NOT NULL UNIQUE
) STRICT;

INSERT INTO dossiers_v5 (code, check_value, procedure_code, procedure_vi, procedure_en, field,
                         agency, ward_code, status, submitted_at, expected_at, finished_at,
                         change_seq)
SELECT code, check_value, procedure_code, procedure_vi, procedure_en, field, agency, ward_code,
       status, submitted_at, expected_at, finished_at, rowid
FROM dossiers;

INSERT INTO counters (name, value)
SELECT 'dossier_seq', coalesce(max(change_seq), 0) FROM dossiers_v5;

CREATE TABLE dossier_events_v5 (
    id          INTEGER PRIMARY KEY,
    dossier     TEXT NOT NULL REFERENCES dossiers_v5 (code),
    at          TEXT NOT NULL,
    status      TEXT NOT NULL,
    note_vi     TEXT NOT NULL,
    note_en     TEXT NOT NULL,
    supplement  TEXT CHECK (supplement IS NULL OR json_valid(supplement))
) STRICT;

INSERT INTO dossier_events_v5 (id, dossier, at, status, note_vi, note_en)
SELECT id, dossier, at, status, note_vi, note_en FROM dossier_events;

DROP TABLE dossier_events;
DROP TABLE dossiers;
ALTER TABLE dossiers_v5 RENAME TO dossiers;
ALTER TABLE dossier_events_v5 RENAME TO dossier_events;

CREATE INDEX dossiers_ward ON dossiers (ward_code);
CREATE INDEX dossier_events_dossier ON dossier_events (dossier, id);
