-- The map (issue 14): an R*Tree over each report's point, so that a bounding box is read from
-- an index, not by scanning every report. Kept by triggers, whatever code writes `requests`.
-- Exact points, like the table's: the map route widens the box by one public grid cell, then
-- keeps the reports whose coarse (public) point is inside it.

CREATE VIRTUAL TABLE request_places USING rtree (id, min_lat, max_lat, min_lon, max_lon);

INSERT INTO request_places (id, min_lat, max_lat, min_lon, max_lon)
SELECT id, lat, lat, lon, lon FROM requests WHERE lat IS NOT NULL AND lon IS NOT NULL;

CREATE TRIGGER request_places_insert AFTER INSERT ON requests
WHEN NEW.lat IS NOT NULL AND NEW.lon IS NOT NULL
BEGIN
    INSERT INTO request_places (id, min_lat, max_lat, min_lon, max_lon)
    VALUES (NEW.id, NEW.lat, NEW.lat, NEW.lon, NEW.lon);
END;

CREATE TRIGGER request_places_update AFTER UPDATE OF lat, lon ON requests
BEGIN
    DELETE FROM request_places WHERE id = OLD.id;
    INSERT INTO request_places (id, min_lat, max_lat, min_lon, max_lon)
    SELECT NEW.id, NEW.lat, NEW.lat, NEW.lon, NEW.lon
    WHERE NEW.lat IS NOT NULL AND NEW.lon IS NOT NULL;
END;

CREATE TRIGGER request_places_delete AFTER DELETE ON requests
BEGIN
    DELETE FROM request_places WHERE id = OLD.id;
END;
