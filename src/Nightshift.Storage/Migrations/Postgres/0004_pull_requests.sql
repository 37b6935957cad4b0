-- Each task's pull request and the diff published with it, in the store so every server of a fleet can show them.
-- Stands alone (one new table, nothing else touched): it may be renumbered to sit after another new migration.
CREATE TABLE IF NOT EXISTS pull_requests (
    task_id text PRIMARY KEY REFERENCES tasks (id),
    forge text NOT NULL,
    reference text NOT NULL,
    repo text NOT NULL,
    branch text NOT NULL,
    base_branch text NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    diff text NOT NULL,
    draft boolean NOT NULL,
    opened_at bigint NOT NULL,
    updated_at bigint NOT NULL
);
