-- When a task's plan began waiting for approval, so the periodic sweep can end waits longer than ApprovalTimeout.
ALTER TABLE tasks ADD COLUMN awaiting_since INTEGER;
UPDATE tasks SET awaiting_since = updated_at WHERE status = 'awaiting_approval';
CREATE INDEX ix_tasks_awaiting ON tasks (awaiting_since) WHERE status = 'awaiting_approval';
