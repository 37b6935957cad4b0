-- Everything Nightshift sends out (Issue 21). outbound_endpoints: where to (a signed webhook, a Slack-compatible chat,
-- email recipients), with its filters as JSON arrays of text kept in the order given; active is 1 or 0.
-- outbound_secrets: a webhook endpoint's signing secrets (every one not expired signs). outbox_cursors: per task, the
-- last event of its log already turned into deliveries, with a short lease so one server of a fleet walks a task's log
-- at a time. outbound_deliveries: one row per event per endpoint (pending, sending under a lease, delivered or dead),
-- num giving their order; outbound_attempts: every try of a delivery, kept for the dead-letter view.
-- Stands alone (new tables only, nothing else touched).
CREATE TABLE IF NOT EXISTS outbound_endpoints (
    num INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    url TEXT,
    recipients TEXT NOT NULL,
    description TEXT,
    event_types TEXT NOT NULL,
    repositories TEXT NOT NULL,
    active INTEGER NOT NULL,
    disabled_reason TEXT,
    managed_by TEXT NOT NULL,
    max_in_flight INTEGER NOT NULL,
    max_per_minute INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS outbound_secrets (
    num INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    endpoint_id TEXT NOT NULL REFERENCES outbound_endpoints (id),
    value TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER
);

CREATE INDEX IF NOT EXISTS ix_outbound_secrets_endpoint ON outbound_secrets (endpoint_id, num);

CREATE TABLE IF NOT EXISTS outbox_cursors (
    task_id TEXT NOT NULL PRIMARY KEY,
    last_seq INTEGER NOT NULL,
    lease_owner TEXT,
    lease_until INTEGER
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS outbound_deliveries (
    num INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    endpoint_id TEXT NOT NULL REFERENCES outbound_endpoints (id),
    task_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    last_attempt_at INTEGER,
    delivered_at INTEGER,
    last_status INTEGER,
    last_error TEXT,
    lease_owner TEXT,
    lease_until INTEGER
);

-- The claim's pick: due pending rows by time; a delivery's predecessors of the same task to the same endpoint; the
-- live leases counted against an endpoint's MaxInFlight; an endpoint's deliveries newest first.
CREATE INDEX IF NOT EXISTS ix_outbound_deliveries_due ON outbound_deliveries (state, next_attempt_at);
CREATE INDEX IF NOT EXISTS ix_outbound_deliveries_chain ON outbound_deliveries (endpoint_id, task_id, num);
CREATE INDEX IF NOT EXISTS ix_outbound_deliveries_sending ON outbound_deliveries (endpoint_id, lease_until) WHERE state = 'sending';
CREATE INDEX IF NOT EXISTS ix_outbound_deliveries_endpoint ON outbound_deliveries (endpoint_id, num);

CREATE TABLE IF NOT EXISTS outbound_attempts (
    delivery_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    status_code INTEGER,
    error TEXT,
    response_excerpt TEXT,
    PRIMARY KEY (delivery_id, number)
) WITHOUT ROWID;
