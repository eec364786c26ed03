-- The citizen's login (issue 13): where the city counts each verified citizen once, the ID
-- token its identity provider gave, sent with "me too" and ward ratings until it expires.
-- One row; which city it is for (`origin`) and which provider issued it. Never logged; holds
-- no name, only what the token itself carries.
CREATE TABLE citizen_token (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    origin     TEXT NOT NULL,
    issuer     TEXT NOT NULL,
    id_token   TEXT NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
