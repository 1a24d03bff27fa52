-- OneKey schema, version 10: a broadcast nobody confirmed is a task for the agents (issue 9, "failed and
-- handed on (incident or task)"). A failed booking or reminder opens its task on the broadcast's own row:
-- task_state open → done, done by one agent (task_by, task_at) with what they did (task_note). A check-in
-- is handed to the rescue instead (a no-response incident) and opens no task here.
ALTER TABLE broadcasts ADD COLUMN task_state VARCHAR(16);
ALTER TABLE broadcasts ADD COLUMN task_by VARCHAR(64);
ALTER TABLE broadcasts ADD COLUMN task_at BIGINT;
ALTER TABLE broadcasts ADD COLUMN task_note VARCHAR(500);
CREATE INDEX ix_broadcasts_task ON broadcasts (task_state);
