-- The city's surveys and announcements (issue 15), each bound to the city API address it came
-- from (shown only while that address is in use).
--
-- The last checked list of each kind per address, with its ETag and the ward it was asked for
-- (a list asked for another ward is not revalidated). A bad answer never replaces it.
CREATE TABLE voice_copies (
    resource  TEXT NOT NULL CHECK (resource IN ('surveys', 'announcements')),
    api_base  TEXT NOT NULL,
    ward      TEXT NOT NULL,
    body      TEXT NOT NULL CHECK (json_valid(body)),
    etag      TEXT,
    pulled_at TEXT NOT NULL,
    PRIMARY KEY (resource, api_base)
) STRICT;

-- Every survey seen (`model::survey::Survey` as JSON), kept after it leaves the open list so
-- an answered one can show its results; the results once the city published them.
CREATE TABLE surveys (
    api_base     TEXT NOT NULL,
    id           INTEGER NOT NULL,
    json         TEXT NOT NULL CHECK (json_valid(json)),
    results_json TEXT CHECK (results_json IS NULL OR json_valid(results_json)),
    pulled_at    TEXT NOT NULL,
    PRIMARY KEY (api_base, id)
) STRICT;

-- The citizen's answer to a survey (`model::survey::answer::SurveyAnswer` as JSON): the one
-- being typed (`draft`), the one saved to be sent with its Idempotency-Key (a new key for each
-- change), where its delivery is, and the city's receipt of the last one counted.
CREATE TABLE survey_answers (
    api_base        TEXT NOT NULL,
    survey_id       INTEGER NOT NULL,
    draft           TEXT CHECK (draft IS NULL OR json_valid(draft)),
    answer          TEXT CHECK (answer IS NULL OR json_valid(answer)),
    idempotency_key TEXT UNIQUE,
    state           TEXT CHECK (state IS NULL OR state IN ('queued', 'sent', 'needs_attention')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    last_field      TEXT,
    saved_ms        INTEGER,
    counted_at      TEXT,
    sends_counted   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (api_base, survey_id)
) STRICT;
CREATE INDEX survey_answers_due ON survey_answers (state, next_attempt_ms);

-- Urgent announcements already shown as an OS notification: each one at most once.
CREATE TABLE announcements_notified (
    api_base    TEXT NOT NULL,
    id          INTEGER NOT NULL,
    notified_at TEXT NOT NULL,
    PRIMARY KEY (api_base, id)
) STRICT;
