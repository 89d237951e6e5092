-- 002_team_names: live sibling teams have distinct names. The model checks
-- first to give a clear 409; this index settles two concurrent creates.
CREATE UNIQUE INDEX teams_sibling_name ON teams (COALESCE(parent_id, 0), name) WHERE deleted_at IS NULL;
