-- The command audit trail (Issue 23): every command a task ran in a jail (setup, the agent's own, verification), one
-- row each, numbered per task. It outlives the task's worktree; it is scoped to an organisation through its task.
-- hosts is a JSON array of the egress proxy's decisions for the command ({host, port, allowed, count, reason}).
-- Stands alone (one new table, nothing else touched), so it runs again harmlessly.
CREATE TABLE IF NOT EXISTS task_commands (
    task_id TEXT NOT NULL REFERENCES tasks (id),
    seq INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    subtask TEXT,
    phase TEXT NOT NULL,
    command TEXT NOT NULL,
    working_directory TEXT NOT NULL,
    network TEXT NOT NULL,
    exit_code INTEGER NOT NULL,
    signal INTEGER,
    limit_hit TEXT,
    started_at INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    stdout_bytes INTEGER NOT NULL,
    stderr_bytes INTEGER NOT NULL,
    network_allowed INTEGER NOT NULL,
    network_denied INTEGER NOT NULL,
    hosts TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (task_id, seq)
);
