-- Everything Nightshift sends out (Issue 21). outbound_endpoints: where to (a signed webhook, a Slack-compatible chat,
-- email recipients), with its filters as JSON arrays of text kept in the order given; active is 1 or 0 (an integer,
-- as on SQLite, so one SQL text serves both dialects).
-- outbound_secrets: a webhook endpoint's signing secrets (every one not expired signs). outbox_cursors: per task, the
-- last event of its log already turned into deliveries, with a short lease so one server of a fleet walks a task's log
-- at a time. outbound_deliveries: one row per event per endpoint (pending, sending under a lease, delivered or dead),
-- num giving their order; outbound_attempts: every try of a delivery, kept for the dead-letter view.
-- Stands alone (new tables only, nothing else touched).
CREATE TABLE IF NOT EXISTS outbound_endpoints (
    num bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text NOT NULL UNIQUE,
    channel text NOT NULL,
    url text,
    recipients text NOT NULL,
    description text,
    event_types text NOT NULL,
    repositories text NOT NULL,
    active bigint NOT NULL,
    disabled_reason text,
    managed_by text NOT NULL,
    max_in_flight bigint NOT NULL,
    max_per_minute bigint NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS outbound_secrets (
    num bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text NOT NULL UNIQUE,
    endpoint_id text NOT NULL REFERENCES outbound_endpoints (id),
    value text NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint
);

CREATE INDEX IF NOT EXISTS ix_outbound_secrets_endpoint ON outbound_secrets (endpoint_id, num);

CREATE TABLE IF NOT EXISTS outbox_cursors (
    task_id text NOT NULL PRIMARY KEY,
    last_seq bigint NOT NULL,
    lease_owner text,
    lease_until bigint
);

CREATE TABLE IF NOT EXISTS outbound_deliveries (
    num bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text NOT NULL UNIQUE,
    endpoint_id text NOT NULL REFERENCES outbound_endpoints (id),
    task_id text NOT NULL,
    seq bigint NOT NULL,
    event_type text NOT NULL,
    payload text NOT NULL,
    state text NOT NULL,
    attempts bigint NOT NULL,
    next_attempt_at bigint NOT NULL,
    created_at bigint NOT NULL,
    last_attempt_at bigint,
    delivered_at bigint,
    last_status bigint,
    last_error text,
    lease_owner text,
    lease_until bigint
);

-- The claim's pick: due pending rows by time; a delivery's predecessors of the same task to the same endpoint; the
-- live leases counted against an endpoint's MaxInFlight; an endpoint's deliveries newest first.
CREATE INDEX IF NOT EXISTS ix_outbound_deliveries_due ON outbound_deliveries (state, next_attempt_at);
CREATE INDEX IF NOT EXISTS ix_outbound_deliveries_chain ON outbound_deliveries (endpoint_id, task_id, num);
CREATE INDEX IF NOT EXISTS ix_outbound_deliveries_sending ON outbound_deliveries (endpoint_id, lease_until) WHERE state = 'sending';
CREATE INDEX IF NOT EXISTS ix_outbound_deliveries_endpoint ON outbound_deliveries (endpoint_id, num);

CREATE TABLE IF NOT EXISTS outbound_attempts (
    delivery_id text NOT NULL,
    number bigint NOT NULL,
    started_at bigint NOT NULL,
    duration_ms bigint NOT NULL,
    outcome text NOT NULL,
    status_code bigint,
    error text,
    response_excerpt text,
    PRIMARY KEY (delivery_id, number)
);
