-- Times are Unix milliseconds taken from the application's clock, never the database's.
CREATE TABLE tasks (
    num bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text NOT NULL UNIQUE,
    repo text NOT NULL,
    instruction text NOT NULL,
    title text NOT NULL,
    base_branch text,
    model text,
    priority bigint NOT NULL,
    require_plan_approval boolean NOT NULL,
    idempotency_key text,
    source text NOT NULL,
    status text NOT NULL,
    phase text NOT NULL,
    attempts bigint NOT NULL,
    max_attempts bigint NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    run_after bigint NOT NULL,
    started_at bigint,
    finished_at bigint,
    branch text,
    pull_request text,
    plan text,
    checkpoint text,
    input_tokens bigint NOT NULL DEFAULT 0,
    output_tokens bigint NOT NULL DEFAULT 0,
    cached_tokens bigint NOT NULL DEFAULT 0,
    cost_usd numeric NOT NULL DEFAULT 0,
    calls bigint NOT NULL DEFAULT 0,
    unpriced_calls bigint NOT NULL DEFAULT 0,
    last_error text,
    cancel_requested boolean NOT NULL DEFAULT false,
    lease_token text,
    lease_owner text,
    lease_expires_at bigint,
    lease_ms bigint,
    last_seq bigint NOT NULL DEFAULT 0
);

CREATE UNIQUE INDEX ux_tasks_idempotency_key ON tasks (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX ix_tasks_queue ON tasks (priority DESC, num) WHERE status = 'queued';
CREATE INDEX ix_tasks_lease ON tasks (lease_expires_at) WHERE status = 'running';
CREATE INDEX ix_tasks_repo ON tasks (repo, status);
CREATE INDEX ix_tasks_status ON tasks (status, num);

CREATE TABLE events (
    task_id text NOT NULL REFERENCES tasks (id),
    seq bigint NOT NULL,
    time bigint NOT NULL,
    type text NOT NULL,
    data text NOT NULL,
    PRIMARY KEY (task_id, seq)
);

CREATE TABLE usage (
    num bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id text NOT NULL REFERENCES tasks (id),
    time bigint NOT NULL,
    attempt bigint NOT NULL,
    provider text NOT NULL,
    model text NOT NULL,
    input_tokens bigint NOT NULL,
    output_tokens bigint NOT NULL,
    cached_tokens bigint NOT NULL,
    cost_usd numeric
);

CREATE INDEX ix_usage_task ON usage (task_id);
