-- 009_task_ical: one private iCalendar feed token per person (the feed of
-- their task deadlines at /ical/{token}.ics). Only a BLAKE2b hash of the
-- token is stored; deleting the row revokes the feed.

CREATE TABLE task_ical_tokens (
    user_id     BIGINT PRIMARY KEY REFERENCES users(id),
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL
);
