-- Where on a forge a task came from (the issue or pull request it answers to, as JSON) and the task whose branch and
-- pull request it continues. origin_key (forge:owner/name#number, lower case) finds the tasks of one issue or pull
-- request. Null for every task asked for here and for every task stored before these columns existed.
ALTER TABLE tasks ADD COLUMN origin TEXT;
ALTER TABLE tasks ADD COLUMN origin_key TEXT;
ALTER TABLE tasks ADD COLUMN follow_up_of TEXT;
CREATE INDEX IF NOT EXISTS tasks_origin_key ON tasks (origin_key, created_at) WHERE origin_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS tasks_follow_up_of ON tasks (follow_up_of) WHERE follow_up_of IS NOT NULL;
