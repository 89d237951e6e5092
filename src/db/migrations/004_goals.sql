-- 004_goals: objectives and key results in an alignment tree (company → team →
-- person), check-ins and checkpoints. Portable SQL for SQLite and PostgreSQL;
-- times are BIGINT UTC milliseconds; dates are stored as the midnight (UTC)
-- that starts the day. Measured values are DOUBLE PRECISION (REAL on SQLite).

CREATE TABLE goals (
    id           {{ID}},
    parent_id    BIGINT REFERENCES goals(id),
    level        TEXT NOT NULL CHECK (level IN ('company', 'team', 'person')),
    title        TEXT NOT NULL,
    description  TEXT,
    owner_id     BIGINT NOT NULL REFERENCES users(id),
    team_id      BIGINT REFERENCES teams(id),   -- NULL only for company goals
    period       TEXT NOT NULL CHECK (period IN ('quarter', 'month', 'custom')),
    start_at     BIGINT NOT NULL,               -- first day of the period
    end_at       BIGINT NOT NULL,               -- last day of the period (inclusive)
    status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    version      BIGINT NOT NULL DEFAULT 1,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    deleted_at   BIGINT
);
CREATE INDEX goals_parent ON goals(parent_id);
CREATE INDEX goals_team ON goals(team_id, id);
CREATE INDEX goals_owner ON goals(owner_id, id);

CREATE TABLE goal_key_results (
    id            {{ID}},
    goal_id       BIGINT NOT NULL REFERENCES goals(id),
    metric        TEXT NOT NULL,
    unit          TEXT,
    kind          TEXT NOT NULL CHECK (kind IN ('number', 'percentage', 'currency', 'milestone')),
    direction     TEXT NOT NULL CHECK (direction IN ('increase', 'decrease', 'range')),
    baseline      DOUBLE PRECISION NOT NULL DEFAULT 0,
    target        DOUBLE PRECISION,             -- NULL: not set (SMART: not measurable)
    range_low     DOUBLE PRECISION,             -- direction 'range' only
    range_high    DOUBLE PRECISION,
    current_value DOUBLE PRECISION,             -- NULL: no check-in yet (= baseline)
    deadline_at   BIGINT,                       -- a day; NULL: none (SMART: not time-bound)
    weight        DOUBLE PRECISION NOT NULL DEFAULT 1,
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    deleted_at    BIGINT
);
CREATE INDEX goal_key_results_goal ON goal_key_results(goal_id);
CREATE INDEX goal_key_results_metric ON goal_key_results(metric);

CREATE TABLE goal_checkins (
    id             {{ID}},
    goal_id        BIGINT NOT NULL REFERENCES goals(id),
    key_result_id  BIGINT NOT NULL REFERENCES goal_key_results(id),
    value          DOUBLE PRECISION NOT NULL,
    confidence     TEXT NOT NULL CHECK (confidence IN ('on_track', 'at_risk', 'off_track')),
    note           TEXT,
    user_id        BIGINT REFERENCES users(id),
    created_at     BIGINT NOT NULL
);
CREATE INDEX goal_checkins_goal ON goal_checkins(goal_id, id);
CREATE INDEX goal_checkins_kr ON goal_checkins(key_result_id, id);

CREATE TABLE goal_checkpoints (
    id          {{ID}},
    goal_id     BIGINT NOT NULL REFERENCES goals(id),
    title       TEXT NOT NULL,
    due_at      BIGINT NOT NULL,                -- a day inside the goal's period
    done        INTEGER NOT NULL DEFAULT 0,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    deleted_at  BIGINT
);
CREATE INDEX goal_checkpoints_goal ON goal_checkpoints(goal_id, due_at);
