-- Administrative units served at /api/v1/wards.
CREATE TABLE wards (
    code     TEXT PRIMARY KEY NOT NULL CHECK (length(code) = 5),
    name     TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('phuong', 'xa', 'dac_khu')),
    lat      REAL NOT NULL,
    lon      REAL NOT NULL,
    area_km2 REAL NOT NULL
) STRICT;

-- Bumped by triggers on every real change to `wards`: the list's ETag.
CREATE TABLE data_version (
    resource TEXT PRIMARY KEY NOT NULL,
    version  INTEGER NOT NULL
) STRICT;
INSERT INTO data_version (resource, version) VALUES ('wards', 1);

CREATE TRIGGER wards_insert AFTER INSERT ON wards BEGIN
    UPDATE data_version SET version = version + 1 WHERE resource = 'wards';
END;
CREATE TRIGGER wards_update AFTER UPDATE ON wards BEGIN
    UPDATE data_version SET version = version + 1 WHERE resource = 'wards';
END;
CREATE TRIGGER wards_delete AFTER DELETE ON wards BEGIN
    UPDATE data_version SET version = version + 1 WHERE resource = 'wards';
END;
