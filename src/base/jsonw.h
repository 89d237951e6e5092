/* jsonw.h — the one streaming JSON writer for responses (RFC 8259). Writes
 * straight into a Buf; commas are placed automatically. Strings are escaped;
 * there is no way to write an unescaped string value. Nesting ≤ 32 levels. */
#ifndef OPSDESK_JSONW_H
#define OPSDESK_JSONW_H
#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"

typedef struct JsonW {
    Buf *out;
    int depth;
    bool need_comma[32]; /* per level: a value was already written */
    bool after_key;      /* a key was written; next value needs no comma */
} JsonW;

void jw_init(JsonW *w, Buf *out);
void jw_obj_begin(JsonW *w);
void jw_obj_end(JsonW *w);
void jw_arr_begin(JsonW *w);
void jw_arr_end(JsonW *w);
void jw_key(JsonW *w, const char *key);
void jw_str(JsonW *w, const char *s); /* NULL writes null */
void jw_strn(JsonW *w, const char *s, size_t n);
void jw_int(JsonW *w, int64_t v);
void jw_double(JsonW *w, double v); /* non-finite writes null */
void jw_bool(JsonW *w, bool v);
void jw_null(JsonW *w);
/* Inserts already-serialised JSON (e.g. a stored JSON column). Caller vouches
 * that it is valid JSON; only for values produced by this program. */
void jw_raw_json(JsonW *w, const char *json);
/* key + value shorthands */
void jw_kstr(JsonW *w, const char *k, const char *s);
void jw_kint(JsonW *w, const char *k, int64_t v);
void jw_kbool(JsonW *w, const char *k, bool v);
void jw_knull(JsonW *w, const char *k);
/* Key + an optional id: v, or null when v is 0 (ids start at 1). */
void jw_kid_or_null(JsonW *w, const char *k, int64_t v);
/* ISO 8601 UTC string for milliseconds since the epoch; 0 writes null. */
void jw_time(JsonW *w, int64_t ms);
void jw_ktime(JsonW *w, const char *k, int64_t ms);
/* A JSON text built in memory (audit snapshots, stored JSON columns):
 *   JsonText t;
 *   tasks_json(jw_text_begin(&t), task, now);
 *   const char *json = jw_text_end(&t, r->arena);
 * jw_text_begin returns a writer on t's own buffer (t owns it until
 * jw_text_end); jw_text_end copies what was written into arena memory
 * ("" when nothing was) and frees the buffer. */
typedef struct JsonText {
    Buf buf;
    JsonW w;
} JsonText;
JsonW *jw_text_begin(JsonText *t);
char *jw_text_end(JsonText *t, Arena *a);
/* Appends s as the body of a JSON string (no quotes) to b. */
void json_escape_into(Buf *b, const char *s, size_t n);

#endif
