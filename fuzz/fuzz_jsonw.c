/* fuzz_jsonw.c — the streaming JSON writer driven by a program read from
 * the input (open/close objects and arrays, keys, strings, numbers, bools,
 * nulls, times), mirrored into a jansson tree. The text written must parse
 * and equal the tree: escaping, commas and nesting (to the documented 32
 * levels) are right for any sequence of calls. */
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "jsonw.h"
#include "timeutil.h"
#include "utf8.h"

#include <jansson.h>

enum { MAX_DEPTH = 32 };

typedef struct Frame {
    json_t *node;       /* object or array being filled */
    char   *pending;    /* object: key written, value not yet */
} Frame;

typedef struct In {
    const uint8_t *p;
    size_t         n;
} In;

static unsigned take(In *in) {
    if (!in->n) return 0;
    in->n--;
    return *in->p++;
}

/* A string of up to 40 input bytes; only valid UTF-8 is ever written by the
 * program (input is validated before it reaches the writer). NULs allowed. */
static size_t take_str(In *in, char *out) {
    size_t len = take(in) % 41;
    if (len > in->n) len = in->n;
    memcpy(out, in->p, len);
    in->p += len, in->n -= len;
    out[len] = 0;
    return len;
}

/* Valid UTF-8 apart from NUL bytes (which the writer escapes as \u0000). */
static bool valid_with_nuls(const char *s, size_t n) {
    size_t start = 0;
    for (size_t i = 0; i <= n; i++)
        if (i == n || s[i] == 0) {
            if (!utf8_valid(s + start, i - start)) return false;
            start = i + 1;
        }
    return true;
}

static bool numbers_equal(json_t *a, json_t *b) {
    if (json_is_integer(a) && json_is_integer(b)) return json_integer_value(a) == json_integer_value(b);
    return json_number_value(a) == json_number_value(b);
}

static bool same(json_t *a, json_t *b) {
    if (json_is_number(a) && json_is_number(b)) return numbers_equal(a, b);
    if (json_typeof(a) != json_typeof(b)) return false;
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(b)) return false;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!same(json_array_get(a, i), json_array_get(b, i))) return false;
        return true;
    }
    if (json_is_object(a)) {
        if (json_object_size(a) != json_object_size(b)) return false;
        const char *k;
        json_t *v;
        json_object_foreach(a, k, v) {
            json_t *w = json_object_get(b, k);
            if (!w || !same(v, w)) return false;
        }
        return true;
    }
    if (json_is_string(a))
        return json_string_length(a) == json_string_length(b) &&
               memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
    return json_equal(a, b);
}

/* Adds a value to the innermost container (steals v). */
static void put(Frame *st, int depth, json_t *v) {
    Frame *f = &st[depth - 1];
    if (json_is_array(f->node)) json_array_append_new(f->node, v);
    else {
        json_object_set_new(f->node, f->pending, v);
        free(f->pending);
        f->pending = NULL;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    In in = {data, size};
    Buf out = {0};
    JsonW w;
    jw_init(&w, &out);
    Frame st[MAX_DEPTH + 1] = {{0}};
    json_t *root = json_array();
    st[0].node = root;
    int depth = 1;
    jw_arr_begin(&w);
    char s[64];
    while (in.n) {
        Frame *f = &st[depth - 1];
        bool want_key = json_is_object(f->node) && !f->pending;
        unsigned op = take(&in) % 10;
        if (want_key) { /* objects alternate key, value; or close */
            if (op == 0) {
                jw_obj_end(&w);
                depth--;
                continue;
            }
            take_str(&in, s);
            if (strlen(s) != strnlen(s, sizeof s) || !utf8_valid(s, strlen(s))) continue;
            jw_key(&w, s);
            f->pending = strdup(s);
            continue;
        }
        size_t len;
        switch (op) {
        case 0:
            if (depth == 1 || json_is_object(f->node)) break;
            jw_arr_end(&w);
            depth--;
            break;
        case 1:
        case 2:
            if (depth > MAX_DEPTH - 1) break;
            {
                json_t *c = op == 1 ? json_object() : json_array();
                put(st, depth, json_incref(c));
                op == 1 ? jw_obj_begin(&w) : jw_arr_begin(&w);
                st[depth].node = c;
                json_decref(c);
                st[depth].pending = NULL;
                depth++;
            }
            break;
        case 3:
            len = take_str(&in, s);
            if (!valid_with_nuls(s, len)) {
                jw_null(&w);
                put(st, depth, json_null());
                break;
            }
            jw_strn(&w, s, len);
            put(st, depth, json_stringn(s, len));
            break;
        case 4: {
            int64_t v = 0;
            for (int i = 0; i < 8; i++) v = (int64_t)((uint64_t)v << 8 | take(&in));
            jw_int(&w, v);
            put(st, depth, json_integer(v));
            break;
        }
        case 5: {
            uint64_t bits = 0;
            for (int i = 0; i < 8; i++) bits = bits << 8 | take(&in);
            double d;
            memcpy(&d, &bits, sizeof d);
            jw_double(&w, d);
            put(st, depth, isfinite(d) ? json_real(d) : json_null());
            break;
        }
        case 6: {
            bool bv = take(&in) & 1;
            jw_bool(&w, bv);
            put(st, depth, json_boolean(bv));
            break;
        }
        case 7:
            jw_null(&w);
            put(st, depth, json_null());
            break;
        case 8: {
            int64_t ms = 0;
            for (int i = 0; i < 6; i++) ms = ms << 8 | take(&in);
            ms %= 253402300799999LL; /* years 1970..9999 */
            jw_time(&w, ms);
            if (ms) {
                char iso[32];
                time_format_iso(ms, iso, sizeof iso);
                put(st, depth, json_string(iso));
            } else {
                put(st, depth, json_null());
            }
            break;
        }
        case 9:
            jw_raw_json(&w, "{\"raw\":[1,\"\\u2028\"]}");
            put(st, depth, json_pack("{s:[i,s]}", "raw", 1, "\xE2\x80\xA8"));
            break;
        }
    }
    /* Close what is still open, giving pending keys a value. */
    while (depth > 0) {
        Frame *f = &st[depth - 1];
        if (f->pending) {
            jw_null(&w);
            put(st, depth, json_null());
        }
        json_is_object(f->node) ? jw_obj_end(&w) : jw_arr_end(&w);
        depth--;
    }
    json_error_t err;
    json_t *parsed = json_loadb(buf_cstr(&out), out.len, JSON_ALLOW_NUL | JSON_DECODE_ANY, &err);
    FUZZ_CHECK(parsed, "writer produced invalid JSON (%s at %d): %s", err.text, err.position, buf_cstr(&out));
    FUZZ_CHECK(same(parsed, root), "written JSON differs from what was written: %s", buf_cstr(&out));
    json_decref(parsed);
    json_decref(root);
    buf_free(&out);
    return 0;
}
