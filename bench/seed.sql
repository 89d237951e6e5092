-- seed.sql — bench data: a team tree of 20 teams (one root, 19 teams under it)
-- and 100,000 people spread over them, loaded in one transaction by the sqlite3
-- CLI. Every person gets the argon2id hash of the one real user made by
-- `opsdesk user add` (login benchadmin), so no hashing is repeated here.
-- Times are milliseconds since the epoch, as in src/db/migrations/001_org.sql.
BEGIN IMMEDIATE;

INSERT INTO teams (id, parent_id, name, path, version, created_at, updated_at)
VALUES (1, NULL, '运营中心', '/1/', 1, 1735689600000, 1735689600000);

WITH RECURSIVE k(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM k WHERE i < 20)
INSERT INTO teams (id, parent_id, name, path, version, created_at, updated_at)
SELECT i, 1,
       substr('华东华南华北华中西南西北东北客服质检物流仓储采购财务人事市场销售售后培训数据', (i - 2) * 2 + 1, 2) || '组',
       '/1/' || i || '/', 1, 1735689600000, 1735689600000
FROM k;

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO users (login, name, email, role, team_id, locale, password_hash, disabled, version,
                   created_at, updated_at)
SELECT printf('u%06d', i),
       substr('王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗', i % 20 + 1, 1)
         || substr('伟芳娜敏静丽强磊洋艳勇军杰娟涛明超秀霞平', (i / 20) % 20 + 1, 1)
         || substr('华建国红玉兰英文德志春海燕云飞雪梅宇欣然', (i / 400) % 20 + 1, 1),
       printf('u%06d@example.cn', i),
       CASE WHEN i % 500 = 0 THEN 'supervisor' WHEN i % 37 = 0 THEN 'viewer' ELSE 'member' END,
       2 + i % 19,
       CASE WHEN i % 3 = 0 THEN 'en' ELSE 'zh-CN' END,
       (SELECT password_hash FROM users WHERE login = 'benchadmin'),
       0, 1,
       1735689600000 + i * 1000, 1735689600000 + i * 1000
FROM n;

UPDATE users SET team_id = 1 WHERE login = 'benchadmin';
COMMIT;
ANALYZE;
