-- 001_org: teams, people, sessions, API tokens, login throttling, audit log.
-- Portable SQL for SQLite and PostgreSQL; {{ID}} becomes the engine's
-- auto-increment primary key. Times are BIGINT milliseconds since the epoch (UTC).

CREATE TABLE teams (
    id          {{ID}},
    parent_id   BIGINT REFERENCES teams(id),
    name        TEXT NOT NULL,
    path        TEXT NOT NULL,            -- '/1/5/12/': ids from the root to this team
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    deleted_at  BIGINT
);
CREATE INDEX teams_parent ON teams(parent_id);
CREATE INDEX teams_path ON teams(path);

CREATE TABLE users (
    id            {{ID}},
    login         TEXT NOT NULL UNIQUE,   -- lower case
    name          TEXT NOT NULL,
    email         TEXT,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'member', 'viewer')),
    team_id       BIGINT REFERENCES teams(id),
    locale        TEXT,                   -- NULL: follow Accept-Language
    password_hash TEXT,
    disabled      INTEGER NOT NULL DEFAULT 0,
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    deleted_at    BIGINT
);
CREATE INDEX users_team ON users(team_id, id);

CREATE TABLE sessions (
    id            {{ID}},
    token_hash    TEXT NOT NULL UNIQUE,   -- hex BLAKE2b of the cookie value
    user_id       BIGINT NOT NULL REFERENCES users(id),
    csrf_token    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,        -- absolute expiry
    ip            TEXT,
    user_agent    TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id            {{ID}},
    user_id       BIGINT NOT NULL REFERENCES users(id),
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    prefix        TEXT NOT NULL,          -- first characters, to recognise a token
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT,
    revoked_at    BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE login_throttle (
    key           TEXT PRIMARY KEY,       -- 'login:NAME' or 'ip:ADDR'
    failures      BIGINT NOT NULL,
    window_start  BIGINT NOT NULL,
    locked_until  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE audit_log (
    id            {{ID}},
    at            BIGINT NOT NULL,
    user_id       BIGINT,                 -- NULL: the command line
    action        TEXT NOT NULL,          -- create, update, delete, login, …
    entity        TEXT NOT NULL,          -- team, user, token, session
    entity_id     BIGINT,
    before_json   TEXT,
    after_json    TEXT,
    ip            TEXT,
    request_id    TEXT
);
CREATE INDEX audit_at ON audit_log(at);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_user ON audit_log(user_id, at);
