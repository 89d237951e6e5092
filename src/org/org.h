/* org.h — teams (a tree), people (users with a role and a team), API tokens
 * and the audit log: the first module, and what access control stands on.
 * Other modules include only this header. */
#ifndef OPSDESK_ORG_H
#define OPSDESK_ORG_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../base/arena.h"
#include "../base/jsonw.h"
#include "../db/db.h"
#include "../web/web.h"

typedef struct Team {
    int64_t id;
    int64_t parent_id; /* 0: top level */
    const char *name;
    const char *path;  /* '/1/5/' */
    int depth;         /* 0 for top level */
    int64_t n_members; /* active people directly in the team */
    int64_t version;
    int64_t created_at, updated_at;
} Team;

typedef struct User {
    int64_t id;
    const char *login;
    const char *name;
    const char *email; /* NULL when none */
    const char *role;  /* "admin" | "supervisor" | "member" | "viewer" */
    int64_t team_id;   /* 0: none */
    const char *team_name;
    const char *locale; /* NULL: follow the browser */
    bool disabled;
    int64_t version;
    int64_t created_at, updated_at;
} User;

typedef struct UserFilter {
    const char *team_path; /* only teams under this path (scope); NULL: all */
    int64_t team_id;       /* 0: any */
    const char *role;      /* NULL: any */
    const char *q;         /* substring of name or login; NULL: none */
    bool include_disabled;
    int64_t after_id; /* cursor */
    int limit;
} UserFilter;

typedef struct AuditEntry {
    int64_t id, at, user_id, entity_id;
    const char *user_name, *action, *entity, *before_json, *after_json, *ip;
} AuditEntry;

typedef struct AuditFilter {
    int64_t user_id;        /* 0: anyone */
    const char *entity;     /* NULL: any */
    int64_t entity_id;      /* 0: any */
    int64_t from_ms, to_ms; /* 0: open */
    int64_t before_id;      /* cursor (newest first) */
    int limit;
} AuditFilter;

typedef struct Token {
    int64_t id, user_id, created_at, last_used_at, revoked_at;
    const char *name, *prefix, *user_name;
} Token;

/* ---- teams ---- */
/* Live teams readable within root_path (NULL: all), in tree order (siblings by name). Arena memory. */
int org_teams_list(Req *r, const char *root_path, Team **out, int *n);
/* 0 with *t filled, 1 when not found, <0 on error. */
int org_team_get(Req *r, int64_t id, Team *t);
/* Create / rename-or-move / soft-delete; each validates, writes, audits in one
 * transaction, and returns 0 or a req_fail() status. */
int org_team_create(Req *r, const char *name, int64_t parent_id, Team *out);
int org_team_update(Req *r, int64_t id, int64_t expected_version, const char *name, bool move, int64_t new_parent_id,
                    Team *out);
int org_team_delete(Req *r, int64_t id, int64_t expected_version);
void org_team_json(JsonW *w, const Team *t);

/* ---- people ---- */
int org_users_list(Req *r, const UserFilter *f, User **out, int *n);
/* Calls fn for each matching person, in id order, without copying: the
 * User's strings live only until fn returns (hot list paths stream them). */
int org_users_each(Req *r, const UserFilter *f, void (*fn)(Req *r, const User *u, void *ctx), void *ctx);
int org_user_get(Req *r, int64_t id, User *u);
typedef struct UserInput {
    const char *login, *name, *email, *role, *locale, *password;
    int64_t team_id;
    bool has_name, has_email, has_role, has_team, has_locale, has_disabled;
    bool disabled;
} UserInput;
int org_user_create(Req *r, const UserInput *in, User *out);
int org_user_update(Req *r, int64_t id, int64_t expected_version, const UserInput *in, User *out);
/* Sets a password (hashing it); revokes the user's sessions except keep_session. */
int org_user_set_password(Req *r, int64_t id, const char *password, int64_t keep_session);
/* Checks the caller's current password. */
bool org_user_check_password(Req *r, int64_t id, const char *password);
void org_user_json(JsonW *w, const User *u);
bool org_role_valid(const char *role);

/* ---- tokens ---- */
/* Tokens of user_id (0: everyone's, for admins). */
int org_tokens_list(Req *r, int64_t user_id, Token **out, int *n);
int org_token_get(Req *r, int64_t id, Token *t);
int org_token_revoke(Req *r, int64_t id);

/* ---- audit ---- */
int org_audit_list(Req *r, const AuditFilter *f, AuditEntry **out, int *n);

/* ---- scope resolvers for route tables ---- */
int org_scope_team(Req *r, int64_t *team_id);        /* {id} is a team */
int org_scope_user(Req *r, int64_t *team_id);        /* {id} is a user */
int org_scope_team_parent(Req *r, int64_t *team_id); /* body/form parent_id of a new team */
int org_scope_user_new(Req *r, int64_t *team_id);    /* body/form team_id of a new user */

/* ---- command line and demo data (no request) ---- */
/* Creates a user from the command line (audited with no user). Returns the id or <0 with msg. */
int64_t org_cli_user_add(Db *db, const char *login, const char *name, const char *role, const char *team,
                         const char *password, char *msg, size_t msg_len);
int org_cli_user_passwd(Db *db, const char *login, const char *password, char *msg, size_t msg_len);
int org_cli_user_disable(Db *db, const char *login, char *msg, size_t msg_len);
int org_cli_user_list(Db *db, FILE *out);
int org_cli_token_create(Db *db, const char *login, const char *name, char *token, char *msg, size_t msg_len);
int org_cli_token_revoke(Db *db, int64_t id, char *msg, size_t msg_len);
/* Finds a live team by exact name (0 when none). */
int64_t org_cli_team_by_name(Db *db, const char *name);

extern const RouteTable org_api_route_table;
extern const RouteTable org_page_route_table;

#endif
