-- The trigger processor's durable queue: a delivery that asks for something keeps its parsed trigger (JSON) and is
-- claimed with a lease by one server of the fleet at a time, retried with backoff while the forge is unreachable and
-- given up after a few tries with the reason kept. state: pending, done or failed; null for deliveries that asked for
-- nothing (and for every delivery kept before these columns existed).
ALTER TABLE webhook_deliveries ADD COLUMN trigger_json TEXT;
ALTER TABLE webhook_deliveries ADD COLUMN state TEXT;
ALTER TABLE webhook_deliveries ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE webhook_deliveries ADD COLUMN run_after INTEGER;
ALTER TABLE webhook_deliveries ADD COLUMN lease_owner TEXT;
ALTER TABLE webhook_deliveries ADD COLUMN lease_token TEXT;
ALTER TABLE webhook_deliveries ADD COLUMN lease_until INTEGER;
ALTER TABLE webhook_deliveries ADD COLUMN reason TEXT;
ALTER TABLE webhook_deliveries ADD COLUMN updated_at INTEGER;
CREATE INDEX IF NOT EXISTS webhook_deliveries_pending ON webhook_deliveries (run_after) WHERE state = 'pending';
-- Replies Nightshift rate-limits (a refusal per actor per thread per hour): the last time each was posted.
CREATE TABLE IF NOT EXISTS webhook_notices (
    notice_key TEXT NOT NULL PRIMARY KEY,
    sent_at INTEGER NOT NULL
) WITHOUT ROWID;
-- A pull request's address or head branch finds the task that opened it.
CREATE INDEX IF NOT EXISTS pull_requests_branch ON pull_requests (branch);
CREATE INDEX IF NOT EXISTS pull_requests_reference ON pull_requests (reference);
