-- The command audit trail (Issue 23): every command a task ran in a jail (setup, the agent's own, verification), one
-- row each, numbered per task. It outlives the task's worktree; it is scoped to an organisation through its task.
-- hosts is a JSON array of the egress proxy's decisions for the command ({host, port, allowed, count, reason}).
-- Stands alone (one new table, nothing else touched), so it runs again harmlessly.
CREATE TABLE IF NOT EXISTS task_commands (
    task_id text NOT NULL REFERENCES tasks (id),
    seq bigint NOT NULL,
    attempt bigint NOT NULL,
    subtask text,
    phase text NOT NULL,
    command text NOT NULL,
    working_directory text NOT NULL,
    network text NOT NULL,
    exit_code bigint NOT NULL,
    signal bigint,
    limit_hit text,
    started_at bigint NOT NULL,
    duration_ms bigint NOT NULL,
    stdout_bytes bigint NOT NULL,
    stderr_bytes bigint NOT NULL,
    network_allowed bigint NOT NULL,
    network_denied bigint NOT NULL,
    hosts text NOT NULL DEFAULT '[]',
    PRIMARY KEY (task_id, seq)
);
