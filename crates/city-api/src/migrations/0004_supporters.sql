-- "Me too": citizens who follow a report instead of filing the same problem again, so the city
-- sees how many people it affects. One row per device per report; the filer is not counted.

CREATE TABLE supporters (
    request_id INTEGER NOT NULL REFERENCES requests (id),
    device_id  TEXT NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (request_id, device_id)
) STRICT, WITHOUT ROWID;
