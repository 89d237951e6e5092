-- 011_sops: standard operating procedures. An SOP (team, owner, status, review
-- cycle) has numbered versions; a version holds the title, purpose and the
-- ordered steps (role or person, resources, time standard, quality standard
-- with a checklist, Markdown instructions, parallel group, condition). At most
-- one draft per SOP; publishing supersedes the previous published version,
-- which stays readable (process runs keep the version they started on).
-- Suggestions (on the SOP or one step) with one vote per person.
-- sops.current_version_id / published_version_id are plain ids (the two tables
-- point at each other; SQLite cannot add the constraint afterwards).

CREATE TABLE sops (
    id                    {{ID}},
    team_id               BIGINT NOT NULL REFERENCES teams(id),
    title                 TEXT NOT NULL,
    purpose               TEXT NOT NULL DEFAULT '',
    owner_id              BIGINT NOT NULL REFERENCES users(id),
    status                TEXT NOT NULL CHECK (status IN ('draft', 'active', 'retired')),
    review_every_days     INTEGER,              -- NULL: no review cycle; else 1..3650
    next_review_at        BIGINT,               -- NULL unless active with a cycle
    last_reviewed_at      BIGINT,
    current_version_id    BIGINT,               -- the newest version (the draft when one exists)
    published_version_id  BIGINT,               -- the published one, NULL before the first publish
    created_by            BIGINT,
    version               BIGINT NOT NULL DEFAULT 1,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL,
    deleted_at            BIGINT
);
CREATE INDEX sops_team ON sops(team_id, status);
CREATE INDEX sops_review ON sops(status, next_review_at);

CREATE TABLE sop_versions (
    id            {{ID}},
    sop_id        BIGINT NOT NULL REFERENCES sops(id),
    number        INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('draft', 'published', 'superseded')),
    title         TEXT NOT NULL,
    purpose       TEXT NOT NULL DEFAULT '',
    change_note   TEXT NOT NULL DEFAULT '',
    created_by    BIGINT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    published_at  BIGINT,
    version       BIGINT NOT NULL DEFAULT 1,
    UNIQUE (sop_id, number)
);
CREATE UNIQUE INDEX sop_versions_one_draft ON sop_versions(sop_id) WHERE status = 'draft';

CREATE TABLE sop_steps (
    id               {{ID}},
    version_id       BIGINT NOT NULL REFERENCES sop_versions(id),
    position         INTEGER NOT NULL,
    name             TEXT NOT NULL,
    role             TEXT NOT NULL DEFAULT '',
    owner_id         BIGINT REFERENCES users(id),
    resources        TEXT NOT NULL DEFAULT '',
    time_standard_s  BIGINT NOT NULL DEFAULT 0,
    time_share_pct   INTEGER NOT NULL DEFAULT 90 CHECK (time_share_pct BETWEEN 1 AND 100),
    quality          TEXT NOT NULL DEFAULT '',
    instructions_md  TEXT NOT NULL DEFAULT '',
    parallel_group   INTEGER NOT NULL DEFAULT 0,
    conditional      INTEGER NOT NULL DEFAULT 0,
    condition_text   TEXT NOT NULL DEFAULT '',
    UNIQUE (version_id, position),
    UNIQUE (version_id, name)
);

CREATE TABLE sop_step_checklist (
    id        {{ID}},
    step_id   BIGINT NOT NULL REFERENCES sop_steps(id),
    position  INTEGER NOT NULL,
    text      TEXT NOT NULL
);
CREATE INDEX sop_step_checklist_step ON sop_step_checklist(step_id, position);

CREATE TABLE sop_suggestions (
    id          {{ID}},
    sop_id      BIGINT NOT NULL REFERENCES sops(id),
    step_id     BIGINT,                           -- NULL: the whole SOP (plain id: drafts replace their steps)
    step_name   TEXT NOT NULL DEFAULT '',         -- the step's name when suggested (versions change ids)
    author_id   BIGINT NOT NULL REFERENCES users(id),
    text        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'rejected', 'done')),
    votes       INTEGER NOT NULL DEFAULT 0,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX sop_suggestions_sop ON sop_suggestions(sop_id, status);

CREATE TABLE sop_suggestion_votes (
    suggestion_id  BIGINT NOT NULL REFERENCES sop_suggestions(id),
    user_id        BIGINT NOT NULL REFERENCES users(id),
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (suggestion_id, user_id)
);
