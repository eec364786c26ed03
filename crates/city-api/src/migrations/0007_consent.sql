-- Issue 13: the consent a citizen gave to send their contact details, kept next to them: the
-- consent text's version (`model::trust::CONSENT_VERSION` of the app that showed it) and when
-- it was given (RFC 3339, as sent). Reports filed with contact details always have both (the
-- API refuses contact details without them); older rows and reports without contact, none.
ALTER TABLE requests ADD COLUMN consent_version INTEGER;
ALTER TABLE requests ADD COLUMN consent_at TEXT;
