-- 006_jobs: background jobs (reminders, digests, recurrence, deliveries) as
-- rows with a lease. A worker claims a due row (FOR UPDATE SKIP LOCKED on
-- PostgreSQL, inside BEGIN IMMEDIATE on SQLite), runs its handler in a second
-- transaction that also marks it done, and on failure puts it back with a
-- later run_at (exponential backoff). dedupe_key makes an enqueue idempotent.
-- job_runs records each committed run: one row per job is the exactly-once proof.

CREATE TABLE jobs (
    id           {{ID}},
    kind         TEXT NOT NULL,
    dedupe_key   TEXT,                 -- NULL: no deduplication; else unique
    payload      TEXT NOT NULL DEFAULT '{}',  -- JSON object
    run_at       BIGINT NOT NULL,      -- due from this time (UTC ms)
    status       TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,   -- claims so far
    max_attempts INTEGER NOT NULL DEFAULT 8,   -- then status = 'failed'
    lease_until  BIGINT,               -- set while running; expired → claimable again
    leased_by    TEXT,                 -- worker id holding the lease
    last_error   TEXT,
    created_at   BIGINT NOT NULL,
    done_at      BIGINT
);
CREATE UNIQUE INDEX jobs_dedupe ON jobs(dedupe_key);
CREATE INDEX jobs_due ON jobs(status, run_at);

CREATE TABLE job_runs (
    job_id       BIGINT NOT NULL REFERENCES jobs(id),
    worker       TEXT NOT NULL,
    attempt      INTEGER NOT NULL,
    finished_at  BIGINT NOT NULL,
    PRIMARY KEY (job_id)
);
