-- Pipelines (Issue 24): registered pipeline definitions, their runs, each run's steps and its own event log; tasks
-- gain run_step, the JSON of the RunStepTask that makes a task a step of a run (null for every other task).
-- Times are Unix milliseconds. A run is due for its coordinator when due_at <= now and its lease is free or expired;
-- woken records that a wake arrived while the run was leased, so releasing the lease keeps it due. org_id is not a
-- foreign key, as tasks.org_id is not; pipeline_id is not one either: deleting a pipeline keeps its runs.
CREATE TABLE IF NOT EXISTS pipelines (
    id TEXT NOT NULL PRIMARY KEY,
    org_id TEXT NOT NULL,
    name TEXT NOT NULL,
    yaml TEXT NOT NULL,
    schedule TEXT,
    time_zone TEXT,
    next_run_at INTEGER,
    created_by TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (org_id, name)
);

CREATE INDEX IF NOT EXISTS ix_pipelines_schedule ON pipelines (next_run_at) WHERE schedule IS NOT NULL;

CREATE TABLE IF NOT EXISTS pipeline_runs (
    id TEXT NOT NULL PRIMARY KEY,
    org_id TEXT NOT NULL,
    pipeline TEXT NOT NULL,
    pipeline_id TEXT,
    yaml TEXT,
    repo TEXT NOT NULL,
    base_branch TEXT,
    branch TEXT NOT NULL,
    inputs TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL,
    trigger TEXT NOT NULL,
    created_by TEXT,
    reason TEXT,
    pull_request TEXT,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    idempotency_key TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER,
    lease_token TEXT,
    lease_owner TEXT,
    lease_expires_at INTEGER,
    due_at INTEGER,
    woken INTEGER NOT NULL DEFAULT 0,
    last_seq INTEGER NOT NULL DEFAULT 0
);

CREATE UNIQUE INDEX IF NOT EXISTS ux_pipeline_runs_key ON pipeline_runs (org_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_pipeline_runs_due ON pipeline_runs (state, due_at);
CREATE INDEX IF NOT EXISTS ix_pipeline_runs_org ON pipeline_runs (org_id, created_at);

CREATE TABLE IF NOT EXISTS pipeline_steps (
    run_id TEXT NOT NULL REFERENCES pipeline_runs (id),
    name TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    state TEXT NOT NULL,
    task_id TEXT,
    output TEXT,
    reason TEXT,
    decided_by TEXT,
    decided_at INTEGER,
    started_at INTEGER,
    finished_at INTEGER,
    PRIMARY KEY (run_id, name)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS ix_pipeline_steps_task ON pipeline_steps (task_id) WHERE task_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS run_events (
    run_id TEXT NOT NULL REFERENCES pipeline_runs (id),
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

ALTER TABLE tasks ADD COLUMN run_step TEXT;
