-- 013_task_key_results: a key result can take its current value from the
-- share of its linked tasks done (docs/goals.md "Key results fed by tasks").
-- tasks.key_result_id refines tasks.goal_id (a plain id, like goal_id: the
-- goals module owns its tables). The goals module never reads tasks: the
-- tasks module hands it the counts (tasks_done, tasks_total: live linked
-- tasks done, and live linked tasks not cancelled) inside its own write
-- transaction; check-ins written that way are marked automatic.

ALTER TABLE goal_key_results ADD COLUMN value_source TEXT NOT NULL DEFAULT 'manual'
    CHECK (value_source IN ('manual', 'tasks'));
ALTER TABLE goal_key_results ADD COLUMN tasks_done BIGINT NOT NULL DEFAULT 0;
ALTER TABLE goal_key_results ADD COLUMN tasks_total BIGINT NOT NULL DEFAULT 0;
ALTER TABLE goal_checkins ADD COLUMN automatic INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN key_result_id BIGINT;
CREATE INDEX tasks_key_result ON tasks(key_result_id);
