-- Announcements the citizen opened (issue 15): an urgent one not opened yet is counted on the
-- home screen's voice tile. Per city address, as the announcements are.
CREATE TABLE announcements_read (
    api_base TEXT NOT NULL,
    id       INTEGER NOT NULL,
    read_at  TEXT NOT NULL,
    PRIMARY KEY (api_base, id)
) STRICT;
