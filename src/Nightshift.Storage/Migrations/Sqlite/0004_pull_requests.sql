-- Each task's pull request and the diff published with it, in the store so every server of a fleet can show them.
-- Stands alone (one new table, nothing else touched): it may be renumbered to sit after another new migration.
CREATE TABLE IF NOT EXISTS pull_requests (
    task_id TEXT PRIMARY KEY REFERENCES tasks (id),
    forge TEXT NOT NULL,
    reference TEXT NOT NULL,
    repo TEXT NOT NULL,
    branch TEXT NOT NULL,
    base_branch TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    diff TEXT NOT NULL,
    draft INTEGER NOT NULL,
    opened_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
