-- 008_notifications: in-app notifications, one row per person and event. The
-- text is an i18n key with its {1}..{9} arguments (a JSON array of strings),
-- so it is shown in the reader's language when it is read. dedupe_key makes
-- a notification (e.g. one digest per person per day) happen once.

CREATE TABLE notifications (
    id          {{ID}},
    user_id     BIGINT NOT NULL REFERENCES users(id),
    kind        TEXT NOT NULL,
    text_key    TEXT NOT NULL,
    args        TEXT NOT NULL DEFAULT '[]',
    link        TEXT,                 -- a path inside opsdesk, or NULL
    dedupe_key  TEXT,
    created_at  BIGINT NOT NULL,
    read_at     BIGINT
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id, read_at);
CREATE UNIQUE INDEX notifications_dedupe ON notifications(dedupe_key);
