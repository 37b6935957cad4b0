-- What has been told back to the forge a task came from (its issue or pull request). task_notice_cursors holds, per
-- task with an origin, the last event of its log already turned into notices, and a short lease so that one server of
-- a fleet walks a task's log at a time; retry_at holds the walk back after the forge failed. task_notices records each
-- notice (a comment, a reaction, a reply to one review comment) by a key unique within the task, before it is posted
-- (sending) and after (posted, failed, abandoned), so that a restart neither loses nor doubles one.
-- Stands alone (two new tables, nothing else touched).
CREATE TABLE IF NOT EXISTS task_notice_cursors (
    task_id text NOT NULL PRIMARY KEY,
    last_seq bigint NOT NULL,
    failures bigint NOT NULL,
    retry_at bigint,
    lease_owner text,
    lease_until bigint
);

CREATE TABLE IF NOT EXISTS task_notices (
    task_id text NOT NULL,
    notice_key text NOT NULL,
    state text NOT NULL,
    attempts bigint NOT NULL,
    reference text,
    updated_at bigint NOT NULL,
    PRIMARY KEY (task_id, notice_key)
);
