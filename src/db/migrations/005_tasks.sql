-- 005_tasks: tasks (one owner, a team, status, priority, start and due times,
-- milestone, parent task, goal link), collaborators, blocked-by dependencies,
-- tags, checklist items, comments and their @mentions. Portable SQL for
-- SQLite and PostgreSQL; times are BIGINT milliseconds since the epoch (UTC).
-- goal_id is a plain id: the goals module owns its table (no foreign key yet).
-- Recurrence is not here yet: it arrives with the jobs table.

CREATE TABLE tasks (
    id             {{ID}},
    title          TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',   -- Markdown
    owner_id       BIGINT NOT NULL REFERENCES users(id),
    team_id        BIGINT NOT NULL REFERENCES teams(id),
    status         TEXT NOT NULL CHECK (status IN ('todo', 'in_progress', 'blocked', 'done', 'cancelled')),
    blocked_reason TEXT,                       -- set exactly when status = 'blocked'
    priority       TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    start_at       BIGINT,
    due_at         BIGINT,                     -- NULL: no deadline; never before start_at
    milestone      INTEGER NOT NULL DEFAULT 0,
    parent_id      BIGINT REFERENCES tasks(id),
    goal_id        BIGINT,
    tags           TEXT NOT NULL DEFAULT ',',  -- ',a,b,': each tag between commas (filter: instr)
    completed_at   BIGINT,                     -- when it became done; NULL otherwise
    created_by     BIGINT,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    deleted_at     BIGINT
);
CREATE INDEX tasks_team_due ON tasks(team_id, due_at);
CREATE INDEX tasks_owner_status ON tasks(owner_id, status);
CREATE INDEX tasks_parent ON tasks(parent_id);
CREATE INDEX tasks_goal ON tasks(goal_id);

CREATE TABLE task_collaborators (
    task_id  BIGINT NOT NULL REFERENCES tasks(id),
    user_id  BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (task_id, user_id)
);

CREATE TABLE task_deps (
    task_id        BIGINT NOT NULL REFERENCES tasks(id),
    blocked_by_id  BIGINT NOT NULL REFERENCES tasks(id),
    PRIMARY KEY (task_id, blocked_by_id)
);
CREATE INDEX task_deps_blocker ON task_deps(blocked_by_id);

CREATE TABLE task_checklist (
    id          {{ID}},
    task_id     BIGINT NOT NULL REFERENCES tasks(id),
    text        TEXT NOT NULL,
    done        INTEGER NOT NULL DEFAULT 0,
    position    BIGINT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX task_checklist_task ON task_checklist(task_id, position);

CREATE TABLE task_comments (
    id          {{ID}},
    task_id     BIGINT NOT NULL REFERENCES tasks(id),
    author_id   BIGINT NOT NULL REFERENCES users(id),
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX task_comments_task ON task_comments(task_id, id);

CREATE TABLE task_mentions (
    comment_id  BIGINT NOT NULL REFERENCES task_comments(id),
    user_id     BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (comment_id, user_id)
);
