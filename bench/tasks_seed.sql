-- tasks_seed.sql — bench/tasks data: 20 teams (one root, 19 under it), 500
-- people, 200,000 tasks and 5,000 goals with 15,000 key results, loaded in one
-- transaction by the sqlite3 CLI after `opsdesk migrate` and `opsdesk user add`
-- (login benchadmin, whose argon2id hash every seeded person shares).
-- Tasks: statuses todo 30 %, in_progress 25 %, blocked 5 %, done 35 %,
-- cancelled 5 %; due dates spread over 60 days either side of now (10 % none);
-- owners over the 475 people of teams 2–20, in their owner's team; 0–2 tags;
-- a collaborator on every third task, a blocker on every tenth, every 20th a
-- subtask. Goals: 20 company, 980 team, 4,000 person goals, 3 key results each.
BEGIN IMMEDIATE;
CREATE TEMP TABLE clock AS SELECT CAST(strftime('%s', 'now') AS INTEGER) * 1000 AS now;

INSERT INTO teams (id, parent_id, name, path, version, created_at, updated_at)
VALUES (1, NULL, '运营中心', '/1/', 1, 1735689600000, 1735689600000);
WITH RECURSIVE k(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM k WHERE i < 20)
INSERT INTO teams (id, parent_id, name, path, version, created_at, updated_at)
SELECT i, 1, 'Team ' || i, '/1/' || i || '/', 1, 1735689600000, 1735689600000 FROM k;

-- people 2..500 (benchadmin is id 1): p0002 … p0500; 25 per team in teams 2..20
-- (ids 26..500), the first of each team a supervisor; ids 2..25 in team 1.
WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
INSERT INTO users (id, login, name, email, role, team_id, locale, password_hash, disabled, version, created_at, updated_at)
SELECT i, printf('p%04d', i), 'Person ' || i, printf('p%04d@example.cn', i),
       CASE WHEN i >= 26 AND (i - 26) % 25 = 0 THEN 'supervisor' ELSE 'member' END,
       CASE WHEN i < 26 THEN 1 ELSE 2 + (i - 26) / 25 END,
       'en', (SELECT password_hash FROM users WHERE login = 'benchadmin'), 0, 1, 1735689600000, 1735689600000
FROM n;
UPDATE users SET team_id = 1 WHERE login = 'benchadmin';

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000),
     v AS (SELECT i, 26 + (i * 7919) % 475 AS owner, (i * 2654435761) % 1000 AS h,
                  (SELECT now FROM clock) AS now FROM n)
INSERT INTO tasks (id, title, description, owner_id, team_id, status, blocked_reason, priority, start_at, due_at,
                   milestone, parent_id, goal_id, tags, completed_at, created_by, version, created_at, updated_at)
SELECT i, 'Task ' || i, 'Details of task ' || i, owner, 2 + (owner - 26) / 25,
       CASE WHEN h < 300 THEN 'todo' WHEN h < 550 THEN 'in_progress' WHEN h < 600 THEN 'blocked'
            WHEN h < 950 THEN 'done' ELSE 'cancelled' END,
       CASE WHEN h >= 550 AND h < 600 THEN 'waiting for a supplier' END,
       CASE i % 4 WHEN 0 THEN 'low' WHEN 1 THEN 'normal' WHEN 2 THEN 'high' ELSE 'urgent' END,
       NULL,
       CASE WHEN i % 10 = 0 THEN NULL ELSE now + ((i * 48271) % 120 - 60) * 86400000 END,
       CASE WHEN i % 97 = 0 THEN 1 ELSE 0 END,
       CASE WHEN i % 20 = 0 THEN i - 1 END,
       CASE WHEN i % 7 = 0 THEN 1 + i % 5000 END,
       CASE i % 3 WHEN 0 THEN ',' WHEN 1 THEN ',ops,' ELSE ',ops,urgent-fix,' END,
       CASE WHEN h >= 600 AND h < 950 THEN now - (i % 30) * 86400000 END,
       1, 1, now - 90 * 86400000 + i, now - 90 * 86400000 + i
FROM v;

INSERT INTO task_collaborators (task_id, user_id)
SELECT id, 26 + (id * 31) % 475 FROM tasks WHERE id % 3 = 0 AND 26 + (id * 31) % 475 <> owner_id;
INSERT INTO task_deps (task_id, blocked_by_id) SELECT id, id - 5 FROM tasks WHERE id % 10 = 0 AND id > 5;

-- goals: 1..20 company, 21..1000 team (parent a company goal), 1001..5000 person
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000),
     v AS (SELECT i, (SELECT now FROM clock) AS now FROM n)
INSERT INTO goals (id, parent_id, level, title, description, owner_id, team_id, period, start_at, end_at, status,
                   version, created_at, updated_at)
SELECT i,
       CASE WHEN i <= 20 THEN NULL WHEN i <= 1000 THEN 1 + i % 20 ELSE 21 + i % 980 END,
       CASE WHEN i <= 20 THEN 'company' WHEN i <= 1000 THEN 'team' ELSE 'person' END,
       'Goal ' || i, 'Why goal ' || i || ' matters',
       CASE WHEN i <= 20 THEN 1 ELSE 26 + (i * 13) % 475 END,
       CASE WHEN i <= 20 THEN NULL ELSE 2 + ((26 + (i * 13) % 475) - 26) / 25 END,
       'quarter', now - 45 * 86400000, now + 45 * 86400000,
       CASE WHEN i % 10 = 0 THEN 'closed' ELSE 'active' END, 1, now, now
FROM v;
INSERT INTO goal_key_results (goal_id, metric, unit, kind, direction, baseline, target, current_value, deadline_at,
                              weight, version, created_at, updated_at)
SELECT g.id, 'metric ' || g.id || '.' || k.j, '%', 'percentage', 'increase', 0, 100,
       CASE WHEN (g.id + k.j) % 4 = 0 THEN NULL ELSE (g.id * 7 + k.j * 13) % 101 END,
       g.end_at, k.j, 1, g.created_at, g.created_at
FROM goals g, (SELECT 1 AS j UNION ALL SELECT 2 UNION ALL SELECT 3) k;
COMMIT;
ANALYZE;
