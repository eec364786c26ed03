-- What the city publishes and keeps (issue 13).

-- The sync's `updated_after` finds the reports changed since a moment without reading them all.
CREATE INDEX requests_updated ON requests (updated_at);

-- The retention purge finds resolved reports still holding contact details, and old
-- Idempotency-Key answers, by time.
CREATE INDEX requests_contact_kept ON requests (resolved_at) WHERE contact IS NOT NULL;
CREATE INDEX idempotency_created ON idempotency (created_at);

-- 1: the bytes were stripped of their metadata when stored (city_api::photo_meta). Photos
-- stored before this migration are 0 until the purge strips them.
ALTER TABLE media ADD COLUMN stripped INTEGER NOT NULL DEFAULT 0 CHECK (stripped IN (0, 1));
CREATE INDEX media_unstripped ON media (created_at) WHERE stripped = 0;
