-- The one-statement claim picks only tasks that follow up nothing (follow-ups go through the general claim, which
-- checks their branch is free). With that filter the planner left ix_tasks_queue and the claim lost about a third of
-- its throughput at 16 workers; this index matches the filter, so the pick reads the queue's head again.
CREATE INDEX IF NOT EXISTS ix_tasks_queue_own ON tasks (priority DESC, num) WHERE status = 'queued' AND follow_up_of IS NULL;
