-- A task's conversation: messages people sent it, the agent's questions and their answers, numbered per task. A
-- running attempt takes the undelivered ones into the agent's next model turn and marks them delivered. A task that
-- waits for an answer (awaiting_input) keeps when its question gives way to the default answer in input_due_at.
CREATE TABLE IF NOT EXISTS task_messages (
    task_id text NOT NULL REFERENCES tasks (id),
    seq bigint NOT NULL,
    kind text NOT NULL,
    author text NOT NULL,
    source text NOT NULL,
    text text NOT NULL,
    created_at bigint NOT NULL,
    delivered boolean NOT NULL DEFAULT false,
    times_out_at bigint,
    default_answer text,
    timed_out boolean NOT NULL DEFAULT false,
    PRIMARY KEY (task_id, seq)
);
ALTER TABLE tasks ADD COLUMN input_due_at bigint;
CREATE INDEX IF NOT EXISTS ix_tasks_input_due ON tasks (input_due_at) WHERE status = 'awaiting_input';
