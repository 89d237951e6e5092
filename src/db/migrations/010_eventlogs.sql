-- 010_eventlogs: stored event logs (imported XES/CSV files and the run logs
-- that SOP process runs write). Portable SQL for SQLite and PostgreSQL; times
-- are BIGINT milliseconds since the epoch (UTC).
--
-- Events are stored the way the analysis reads them: each log has its own
-- string dictionaries (eventlog_strings: cases, activities, resources,
-- lifecycle values, attribute keys and values, numbered in order of first
-- appearance) and its events in blocks of up to 4,096 (eventlog_blocks: one
-- line "case activity resource lifecycle time_ms" per event, indexes into the
-- dictionaries, '-' for none). A 262,200-event log is 65 block rows rather
-- than 262,200 event rows: import is a few large inserts (one round trip per
-- block on PostgreSQL) and loading it back is one range scan per table.
-- sop_id is a plain id: the sops module owns its table.
--
-- The three content tables (strings, blocks, case attributes) carry no
-- FOREIGN KEY to eventlogs: they are written only by eventlogs_model.c, in
-- the same transaction that inserts their eventlogs row, and never deleted
-- apart from it. A foreign key costs a trigger call per row on PostgreSQL:
-- measured on a 262,200-event import (26,000 strings, 26,000 attributes), the
-- store took 0.39 s with them and 0.15 s without.

CREATE TABLE eventlogs (
    id           {{ID}},
    team_id      BIGINT NOT NULL REFERENCES teams(id),
    name         TEXT NOT NULL,
    source       TEXT NOT NULL CHECK (source IN ('import', 'sop')),
    sop_id       BIGINT,                    -- set exactly when source = 'sop'
    file_name    TEXT,                      -- the uploaded file's name, NULL for run logs
    format       TEXT NOT NULL CHECK (format IN ('xes', 'csv', 'run')),
    n_cases      BIGINT NOT NULL DEFAULT 0,
    n_events     BIGINT NOT NULL DEFAULT 0,
    n_activities BIGINT NOT NULL DEFAULT 0,
    first_ms     BIGINT,                    -- earliest event, NULL while empty
    last_ms      BIGINT,                    -- latest event
    n_blocks     BIGINT NOT NULL DEFAULT 0, -- eventlog_blocks rows (block_no 0 .. n_blocks-1)
    created_by   BIGINT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1,
    deleted_at   BIGINT
);
CREATE INDEX eventlogs_team ON eventlogs(team_id, id);
CREATE UNIQUE INDEX eventlogs_sop ON eventlogs(sop_id) WHERE sop_id IS NOT NULL AND deleted_at IS NULL;

-- pool: 0 case, 1 activity, 2 resource, 3 lifecycle, 4 attribute key, 5 attribute value
CREATE TABLE eventlog_strings (
    log_id  BIGINT NOT NULL,
    pool    INTEGER NOT NULL CHECK (pool BETWEEN 0 AND 5),
    str_no  BIGINT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (log_id, pool, str_no)
);

CREATE TABLE eventlog_blocks (
    log_id    BIGINT NOT NULL,
    block_no  BIGINT NOT NULL,
    n_events  BIGINT NOT NULL,  -- lines in data, 1..4096
    data      TEXT NOT NULL,
    PRIMARY KEY (log_id, block_no)
);
-- A block is ~100 KB of digits that compresses poorly and is always read
-- whole: on PostgreSQL keep it out of line but uncompressed (measured: a
-- 262,200-event import stored in 0.37 s instead of 0.50 s, before the foreign
-- keys above were dropped).
--pg: ALTER TABLE eventlog_blocks ALTER COLUMN data SET STORAGE EXTERNAL;

CREATE TABLE eventlog_case_attrs (
    log_id    BIGINT NOT NULL,
    case_no   BIGINT NOT NULL,
    key_no    BIGINT NOT NULL,
    value_no  BIGINT NOT NULL,
    PRIMARY KEY (log_id, case_no, key_no)
);
