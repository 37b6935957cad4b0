-- Pipelines (Issue 24): registered pipeline definitions, their runs, each run's steps and its own event log; tasks
-- gain run_step, the JSON of the RunStepTask that makes a task a step of a run (null for every other task).
-- Times are Unix milliseconds. A run is due for its coordinator when due_at <= now and its lease is free or expired;
-- woken records that a wake arrived while the run was leased, so releasing the lease keeps it due. org_id is not a
-- foreign key, as tasks.org_id is not; pipeline_id is not one either: deleting a pipeline keeps its runs.
CREATE TABLE IF NOT EXISTS pipelines (
    id text NOT NULL PRIMARY KEY,
    org_id text NOT NULL,
    name text NOT NULL,
    yaml text NOT NULL,
    schedule text,
    time_zone text,
    next_run_at bigint,
    created_by text,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    UNIQUE (org_id, name)
);

CREATE INDEX IF NOT EXISTS ix_pipelines_schedule ON pipelines (next_run_at) WHERE schedule IS NOT NULL;

CREATE TABLE IF NOT EXISTS pipeline_runs (
    id text NOT NULL PRIMARY KEY,
    org_id text NOT NULL,
    pipeline text NOT NULL,
    pipeline_id text,
    yaml text,
    repo text NOT NULL,
    base_branch text,
    branch text NOT NULL,
    inputs text NOT NULL DEFAULT '{}',
    state text NOT NULL,
    trigger text NOT NULL,
    created_by text,
    reason text,
    pull_request text,
    cancel_requested boolean NOT NULL DEFAULT false,
    idempotency_key text,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    started_at bigint,
    finished_at bigint,
    lease_token text,
    lease_owner text,
    lease_expires_at bigint,
    due_at bigint,
    woken boolean NOT NULL DEFAULT false,
    last_seq bigint NOT NULL DEFAULT 0
);

CREATE UNIQUE INDEX IF NOT EXISTS ux_pipeline_runs_key ON pipeline_runs (org_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_pipeline_runs_due ON pipeline_runs (state, due_at);
CREATE INDEX IF NOT EXISTS ix_pipeline_runs_org ON pipeline_runs (org_id, created_at);

CREATE TABLE IF NOT EXISTS pipeline_steps (
    run_id text NOT NULL REFERENCES pipeline_runs (id),
    name text NOT NULL,
    ordinal bigint NOT NULL,
    state text NOT NULL,
    task_id text,
    output text,
    reason text,
    decided_by text,
    decided_at bigint,
    started_at bigint,
    finished_at bigint,
    PRIMARY KEY (run_id, name)
);

CREATE INDEX IF NOT EXISTS ix_pipeline_steps_task ON pipeline_steps (task_id) WHERE task_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS run_events (
    run_id text NOT NULL REFERENCES pipeline_runs (id),
    seq bigint NOT NULL,
    type text NOT NULL,
    data text NOT NULL,
    created_at bigint NOT NULL,
    PRIMARY KEY (run_id, seq)
);

ALTER TABLE tasks ADD COLUMN IF NOT EXISTS run_step text;
