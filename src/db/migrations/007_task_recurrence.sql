-- 007_task_recurrence: the recurrence rule of a task, in a side table (the
-- tasks table stays as it is). Each occurrence of a series has one row: the
-- series is the id of its first task, occurrence_day the local date (days
-- since 1970-01-01 in the display zone) of its due time. The unique index
-- makes a duplicate occurrence impossible, whoever creates it.
-- rule: 'daily' | 'weekly:mon,wed' | 'monthly:31' | 'every:N' (N days).

CREATE TABLE task_recurrence (
    task_id         BIGINT NOT NULL PRIMARY KEY REFERENCES tasks(id),
    rule            TEXT NOT NULL,
    series_id       BIGINT NOT NULL,
    occurrence_day  BIGINT NOT NULL,
    next_task_id    BIGINT REFERENCES tasks(id)  -- set once the next occurrence exists
);
CREATE UNIQUE INDEX task_recurrence_occurrence ON task_recurrence(series_id, occurrence_day);
CREATE INDEX task_recurrence_open ON task_recurrence(next_task_id);
