-- The city's surveys and announcements (issue 15).

-- A survey: what the back office wrote (`model::survey::SurveySpec` as JSON, frozen once open)
-- and where it is in its life.
CREATE TABLE surveys (
    id           INTEGER PRIMARY KEY,
    state        TEXT NOT NULL CHECK (state IN ('draft', 'open', 'closed', 'published')),
    spec         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX surveys_state ON surveys (state);

-- One answer per voter (a registered device, or a verified citizen's keyed hash) per survey; a
-- changed answer replaces it (only while open, and only when the survey allows it).
CREATE TABLE survey_answers (
    survey_id    INTEGER NOT NULL REFERENCES surveys (id),
    voter        TEXT NOT NULL,
    ward_code    TEXT REFERENCES wards (code),
    answer       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (survey_id, voter)
) STRICT;
CREATE INDEX survey_answers_voter ON survey_answers (voter);

-- An announcement (`model::announcement::AnnouncementSpec` as JSON); withdrawn ones are kept.
CREATE TABLE announcements (
    id           INTEGER PRIMARY KEY,
    spec         TEXT NOT NULL,
    -- The spec's end (RFC 3339 UTC, as `timestamp` writes it): the list reads current ones only.
    valid_until  TEXT NOT NULL,
    withdrawn_at TEXT,
    created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX announcements_current ON announcements (valid_until) WHERE withdrawn_at IS NULL;
