-- What has been told back to the forge a task came from (its issue or pull request). task_notice_cursors holds, per
-- task with an origin, the last event of its log already turned into notices, and a short lease so that one server of
-- a fleet walks a task's log at a time; retry_at holds the walk back after the forge failed. task_notices records each
-- notice (a comment, a reaction, a reply to one review comment) by a key unique within the task, before it is posted
-- (sending) and after (posted, failed, abandoned), so that a restart neither loses nor doubles one.
-- Stands alone (two new tables, nothing else touched).
CREATE TABLE IF NOT EXISTS task_notice_cursors (
    task_id TEXT NOT NULL PRIMARY KEY,
    last_seq INTEGER NOT NULL,
    failures INTEGER NOT NULL,
    retry_at INTEGER,
    lease_owner TEXT,
    lease_until INTEGER
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS task_notices (
    task_id TEXT NOT NULL,
    notice_key TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    reference TEXT,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (task_id, notice_key)
) WITHOUT ROWID;
