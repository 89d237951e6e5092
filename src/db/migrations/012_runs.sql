-- 012_runs: process runs of SOP versions (src/runs). A run executes the
-- version it started on, for one case (reference, e.g. an order number), and
-- has one row per step of that version in run_steps; ticked checklist items
-- are rows of run_checks. run_review_tasks remembers the SOP review tasks
-- opened when a step broke its time standard, so that one is never opened
-- twice for the same version and step while it is open. sop_id, version_id,
-- step_id and log_id are plain ids: the sops and eventlogs modules own those
-- tables. Portable SQL for SQLite and PostgreSQL; times are BIGINT ms (UTC).

CREATE TABLE runs (
    id           {{ID}},
    sop_id       BIGINT NOT NULL,
    version_id   BIGINT NOT NULL,             -- the version the run started on; kept
    version_number INTEGER NOT NULL,          -- its number within the SOP (1, 2, …)
    sop_title    TEXT NOT NULL,               -- the SOP's title in that version (published versions do not change)
    team_id      BIGINT NOT NULL REFERENCES teams(id),   -- the SOP's team at the start (scope)
    log_id       BIGINT NOT NULL,             -- the SOP's run log (eventlogs)
    reference    TEXT NOT NULL,               -- the case: 1-100 characters
    status       TEXT NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
    started_by   BIGINT REFERENCES users(id),
    started_at   BIGINT NOT NULL,
    finished_at  BIGINT,                      -- set exactly when status is done or cancelled
    version      BIGINT NOT NULL DEFAULT 1,
    deleted_at   BIGINT
);
CREATE UNIQUE INDEX runs_sop_reference ON runs(sop_id, reference) WHERE deleted_at IS NULL;
CREATE INDEX runs_status ON runs(status, id);
CREATE INDEX runs_team ON runs(team_id, id);

CREATE TABLE run_steps (
    id            {{ID}},
    run_id        BIGINT NOT NULL REFERENCES runs(id),
    step_id       BIGINT NOT NULL,            -- sop_steps.id of the run's version
    position      INTEGER NOT NULL,           -- 1-based order within the version
    status        TEXT NOT NULL CHECK (status IN ('pending', 'in_progress', 'done', 'skipped')),
    started_by    BIGINT REFERENCES users(id),
    started_at    BIGINT,
    completed_by  BIGINT REFERENCES users(id),  -- who completed or skipped it
    completed_at  BIGINT,                     -- completion or skip time
    skip_reason   TEXT,                       -- set exactly when status is skipped
    version       BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX run_steps_run_step ON run_steps(run_id, step_id);
CREATE INDEX run_steps_run_position ON run_steps(run_id, position);

CREATE TABLE run_checks (
    run_step_id  BIGINT NOT NULL REFERENCES run_steps(id),
    item         INTEGER NOT NULL,            -- 1-based index into the step's checklist
    checked_by   BIGINT REFERENCES users(id),
    checked_at   BIGINT NOT NULL,
    PRIMARY KEY (run_step_id, item)
);

CREATE TABLE run_review_tasks (
    version_id   BIGINT NOT NULL,
    step_id      BIGINT NOT NULL,
    task_id      BIGINT NOT NULL REFERENCES tasks(id),
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (version_id, step_id, task_id)
);
