-- Times are Unix milliseconds taken from the application's clock, never the database's.
CREATE TABLE tasks (
    num INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    repo TEXT NOT NULL,
    instruction TEXT NOT NULL,
    title TEXT NOT NULL,
    base_branch TEXT,
    model TEXT,
    priority INTEGER NOT NULL,
    require_plan_approval INTEGER NOT NULL,
    idempotency_key TEXT,
    source TEXT NOT NULL,
    status TEXT NOT NULL,
    phase TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    run_after INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER,
    branch TEXT,
    pull_request TEXT,
    plan TEXT,
    checkpoint TEXT,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    cached_tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd TEXT NOT NULL DEFAULT '0',
    calls INTEGER NOT NULL DEFAULT 0,
    unpriced_calls INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    lease_token TEXT,
    lease_owner TEXT,
    lease_expires_at INTEGER,
    lease_ms INTEGER,
    last_seq INTEGER NOT NULL DEFAULT 0
);

CREATE UNIQUE INDEX ux_tasks_idempotency_key ON tasks (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX ix_tasks_queue ON tasks (status, priority DESC, num);
CREATE INDEX ix_tasks_lease ON tasks (status, lease_expires_at);
CREATE INDEX ix_tasks_repo ON tasks (repo, status);

CREATE TABLE events (
    task_id TEXT NOT NULL REFERENCES tasks (id),
    seq INTEGER NOT NULL,
    time INTEGER NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (task_id, seq)
) WITHOUT ROWID;

CREATE TABLE usage (
    num INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id TEXT NOT NULL REFERENCES tasks (id),
    time INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cached_tokens INTEGER NOT NULL,
    cost_usd TEXT
);

CREATE INDEX ix_usage_task ON usage (task_id);
