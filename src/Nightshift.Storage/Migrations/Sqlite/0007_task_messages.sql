-- A task's conversation: messages people sent it, the agent's questions and their answers, numbered per task. A
-- running attempt takes the undelivered ones into the agent's next model turn and marks them delivered. A task that
-- waits for an answer (awaiting_input) keeps when its question gives way to the default answer in input_due_at.
CREATE TABLE IF NOT EXISTS task_messages (
    task_id TEXT NOT NULL REFERENCES tasks (id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    author TEXT NOT NULL,
    source TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    delivered INTEGER NOT NULL DEFAULT 0,
    times_out_at INTEGER,
    default_answer TEXT,
    timed_out INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (task_id, seq)
) WITHOUT ROWID;
ALTER TABLE tasks ADD COLUMN input_due_at INTEGER;
CREATE INDEX IF NOT EXISTS ix_tasks_input_due ON tasks (input_due_at) WHERE status = 'awaiting_input';
