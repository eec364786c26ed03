-- Issue 15: ward ratings on the city's survey scale, and what the 766 scoreboard reads.

-- Ratings so far were 1–5 scores on other criteria (the fifth was "timeliness", not the
-- handling of feedback). Mapping them to the three answers would put words in the raters'
-- mouths (is a 3 "bình thường"? was "timeliness" the feedback element?), so they are kept
-- apart, unchanged, readable as the earlier scale; they count in no 766 figure. The renamed
-- table keeps its rows, its unique key and the device links "delete my data" unlinks.
ALTER TABLE ward_ratings RENAME TO ward_ratings_1to5;

-- One rating per voter (`device_id`: a signed device, or `citizen-` + a keyed hash of a
-- verified citizen) per ward per calendar month (Vietnam time). The comment is served to
-- staff only, never with who gave it.
CREATE TABLE ward_ratings (
    id          INTEGER PRIMARY KEY,
    ward_code   TEXT NOT NULL REFERENCES wards (code),
    device_id   TEXT NOT NULL,
    month       TEXT NOT NULL,
    access      TEXT NOT NULL CHECK (access IN ('satisfied', 'neutral', 'unsatisfied')),
    procedures  TEXT NOT NULL CHECK (procedures IN ('satisfied', 'neutral', 'unsatisfied')),
    officials   TEXT NOT NULL CHECK (officials IN ('satisfied', 'neutral', 'unsatisfied')),
    result      TEXT NOT NULL CHECK (result IN ('satisfied', 'neutral', 'unsatisfied')),
    feedback    TEXT NOT NULL CHECK (feedback IN ('satisfied', 'neutral', 'unsatisfied')),
    comment     TEXT,
    created_at  TEXT NOT NULL,
    UNIQUE (ward_code, device_id, month)
) STRICT;
-- The scoreboard counts a period's ratings by time.
CREATE INDEX ward_ratings_created ON ward_ratings (created_at, ward_code);

-- What the 766 index asks of a dossier and the city's record may hold: how it was filed
-- (3.3) and whether its result was electronic (4.1). NULL: not recorded — the criterion is
-- then "not computable", never guessed. The demo seed records neither.
ALTER TABLE dossiers ADD COLUMN channel TEXT
    CHECK (channel IS NULL OR channel IN ('online', 'in_person', 'post'));
ALTER TABLE dossiers ADD COLUMN result_electronic INTEGER
    CHECK (result_electronic IS NULL OR result_electronic IN (0, 1));

