/* web_auth.h — passwords (argon2id), sessions (cookie), API tokens (Bearer)
 * and login throttling. All state lives in the database so that several
 * servers on one PostgreSQL behave like one. */
#ifndef OPSDESK_WEB_AUTH_H
#define OPSDESK_WEB_AUTH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../db/db.h"
#include "web.h"

enum { AUTH_HASH_LEN = 128, AUTH_TOKEN_LEN = 64 };

/* argon2id, 19 MiB, 2 passes (OWASP minimum). 0, or -1 when out of memory. */
int auth_password_hash(const char *password, char out[AUTH_HASH_LEN]);
bool auth_password_verify(const char *hash, const char *password);
/* Password rule: 8–128 characters. Returns an i18n key, or NULL when fine. */
const char *auth_password_problem(const char *password);
/* 256 random bits as 64 hex characters (+ NUL). */
void auth_random_token(char out[AUTH_TOKEN_LEN + 1]);
/* Hex BLAKE2b-256 of a token: what the database stores. */
void auth_token_hash(const char *token, char out[AUTH_TOKEN_LEN + 1]);

/* Checks throttling, verifies the password, creates a session and sets the
 * cookie. Returns 0, or a req_fail() (401 bad credentials, 429 throttled). */
int auth_login(Req *r, const char *login, const char *password);
/* Deletes the caller's session and clears the cookie. */
int auth_logout(Req *r);
/* Deletes every session of user_id except keep_session_id (0: all). */
int auth_revoke_sessions(Db *db, int64_t user_id, int64_t keep_session_id);
/* Creates an API token for user_id; *token gets the only copy of the secret
 * ("odk_" + 64 hex). Returns the row id or <0. */
int64_t auth_token_create(Db *db, int64_t user_id, const char *name, char token[AUTH_TOKEN_LEN + 8]);

#endif
