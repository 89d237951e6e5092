/* jsonw.c — streaming JSON writer. Escaping covers ", \, control characters,
 * and U+2028/U+2029 (so output is also safe inside a <script> data block). */
#include "jsonw.h"

#include "timeutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jw_init(JsonW *w, Buf *out) {
    memset(w, 0, sizeof *w);
    w->out = out;
}

static void before_value(JsonW *w) {
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->need_comma[w->depth]) buf_putc(w->out, ',');
    w->need_comma[w->depth] = true;
}

static void open(JsonW *w, char c) {
    before_value(w);
    buf_putc(w->out, c);
    if (w->depth < 31) w->depth++;
    w->need_comma[w->depth] = false;
}

static void close_(JsonW *w, char c) {
    buf_putc(w->out, c);
    if (w->depth > 0) w->depth--;
}

void jw_obj_begin(JsonW *w) { open(w, '{'); }
void jw_obj_end(JsonW *w) { close_(w, '}'); }
void jw_arr_begin(JsonW *w) { open(w, '['); }
void jw_arr_end(JsonW *w) { close_(w, ']'); }

/* Bytes that need escaping: ", \\, C0 controls, DEL, and 0xE2 (the lead byte
 * of U+2028/U+2029, checked further below). Everything else is copied in runs. */
static const unsigned char needs_escape[256] = {
    [0 ... 0x1F] = 1, ['"'] = 1, ['\\'] = 1, [0x7F] = 1, [0xE2] = 1,
};

void json_escape_into(Buf *b, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    buf_reserve(b, n + 8);
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!needs_escape[c]) continue;
        const char *rep = NULL;
        char u[7];
        size_t skip = 1;
        if (c == '"') rep = "\\\"";
        else if (c == '\\') rep = "\\\\";
        else if (c == '\n') rep = "\\n";
        else if (c == '\r') rep = "\\r";
        else if (c == '\t') rep = "\\t";
        else if (c < 0x20 || c == 0x7F) {
            u[0] = '\\', u[1] = 'u', u[2] = '0', u[3] = '0', u[4] = hex[c >> 4], u[5] = hex[c & 15], u[6] = 0;
            rep = u;
        } else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                   ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
            rep = (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029";
            skip = 3;
        } else continue;
        buf_append(b, s + start, i - start);
        buf_puts(b, rep);
        i += skip - 1;
        start = i + 1;
    }
    buf_append(b, s + start, n - start);
}

void jw_key(JsonW *w, const char *key) {
    size_t n = strlen(key);
    bool plain = true;
    for (size_t i = 0; i < n && plain; i++) plain = !needs_escape[(unsigned char)key[i]];
    buf_reserve(w->out, n + 4);
    char *p = w->out->data + w->out->len;
    if (w->need_comma[w->depth]) *p++ = ',';
    w->need_comma[w->depth] = true;
    *p++ = '"';
    w->out->len = (size_t)(p - w->out->data);
    if (plain) { /* every key in our code is a plain literal: one copy */
        memcpy(p, key, n);
        w->out->len += n;
    } else {
        json_escape_into(w->out, key, n);
    }
    buf_append(w->out, "\":", 2);
    w->after_key = true;
}

void jw_strn(JsonW *w, const char *s, size_t n) {
    before_value(w);
    buf_putc(w->out, '"');
    json_escape_into(w->out, s, n);
    buf_putc(w->out, '"');
}

void jw_str(JsonW *w, const char *s) {
    if (!s) jw_null(w);
    else jw_strn(w, s, strlen(s));
}

/* Decimal digits of v into the end of tmp; returns the first character.
 * Hand-written because snprintf was 6% of a 50-row list response. */
static char *format_i64(int64_t v, char tmp[24]) {
    char *p = tmp + 23;
    *p = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do *--p = (char)('0' + u % 10), u /= 10;
    while (u);
    if (v < 0) *--p = '-';
    return p;
}

void jw_int(JsonW *w, int64_t v) {
    before_value(w);
    char tmp[24];
    char *p = format_i64(v, tmp);
    buf_append(w->out, p, (size_t)(tmp + 23 - p));
}

void jw_double(JsonW *w, double v) {
    if (!isfinite(v)) {
        jw_null(w);
        return;
    }
    before_value(w);
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%.17g", v);
    /* Prefer the shortest form that round-trips. */
    for (int prec = 6; prec < 17; prec++) {
        char t2[32];
        int m = snprintf(t2, sizeof t2, "%.*g", prec, v);
        if (strtod(t2, NULL) == v) {
            memcpy(tmp, t2, (size_t)m + 1);
            n = m;
            break;
        }
    }
    buf_append(w->out, tmp, (size_t)n);
}

void jw_bool(JsonW *w, bool v) {
    before_value(w);
    buf_puts(w->out, v ? "true" : "false");
}

void jw_null(JsonW *w) {
    before_value(w);
    buf_append(w->out, "null", 4);
}

void jw_raw_json(JsonW *w, const char *json) {
    before_value(w);
    buf_puts(w->out, json && *json ? json : "null");
}

void jw_kstr(JsonW *w, const char *k, const char *s) { jw_key(w, k), jw_str(w, s); }
void jw_kint(JsonW *w, const char *k, int64_t v) { jw_key(w, k), jw_int(w, v); }
void jw_kbool(JsonW *w, const char *k, bool v) { jw_key(w, k), jw_bool(w, v); }
void jw_knull(JsonW *w, const char *k) { jw_key(w, k), jw_null(w); }

void jw_kid_or_null(JsonW *w, const char *k, int64_t v) {
    jw_key(w, k);
    if (v) jw_int(w, v);
    else jw_null(w);
}

JsonW *jw_text_begin(JsonText *t) {
    t->buf = (Buf){0};
    jw_init(&t->w, &t->buf);
    return &t->w;
}

char *jw_text_end(JsonText *t, Arena *a) {
    char *s = arena_strdup(a, buf_cstr(&t->buf));
    buf_free(&t->buf);
    return s;
}

void jw_time(JsonW *w, int64_t ms) {
    if (!ms) {
        jw_null(w);
        return;
    }
    char tmp[32];
    time_format_iso(ms, tmp, sizeof tmp);
    jw_str(w, tmp);
}

void jw_ktime(JsonW *w, const char *k, int64_t ms) { jw_key(w, k), jw_time(w, ms); }
