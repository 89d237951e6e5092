/* web_multipart.c — the multipart/form-data body parser (RFC 7578, on the
 * syntax of RFC 2046 §5.1): boundary from the Content-Type, parts with
 * Content-Disposition name / filename (quoted-string, RFC 5987 filename*) and
 * Content-Type headers. It runs over the body the server already holds
 * (capped by the route's max_body): text and file contents are not copied,
 * parts point into the body. Nothing here knows requests, routes or HTTP.
 *
 * Why not libmicrohttpd's MHD_create_post_processor: it reads the boundary
 * from a live MHD_Connection, so it can be neither unit-tested nor fuzzed
 * without a daemon and a socket; it hands out contents in pieces that would
 * have to be copied together again (a 256 MiB event log twice in memory); it
 * ignores filename*; and a malformed body is only "MHD_NO", with nothing to
 * tell the user which part or why. The grammar is small; this parser is
 * bounded (parts, header block, names) and fuzzed (fuzz/fuzz_multipart.c). */
#include <string.h>
#include <strings.h>

#include "../base/utf8.h"
#include "web_internal.h"

static bool is_wsp(char c) { return c == ' ' || c == '\t'; }

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Reads a parameter value at *s (token or quoted-string with \-escapes) up to
 * end; *s moves past it. Arena memory; NULL when malformed. */
static char *param_value(Arena *a, const char **s, const char *end) {
    const char *p = *s;
    char *out = arena_alloc(a, (size_t)(end - p) + 1), *w = out;
    if (p < end && *p == '"') {
        for (p++;; p++) {
            if (p >= end) return NULL; /* unterminated */
            if (*p == '"') break;
            if (*p == '\\' && p + 1 < end) p++;
            *w++ = *p;
        }
        p++;
    } else {
        while (p < end && *p != ';' && !is_wsp(*p)) *w++ = *p++;
        if (w == out) return NULL;
    }
    *w = 0;
    *s = p;
    return out;
}

/* Finds parameter `name` (case-insensitive) in "; a=b; c="d"" between s and
 * end. *found tells whether it was there; the value is arena memory, NULL
 * when malformed. */
static char *find_param(Arena *a, const char *s, const char *end, const char *name, bool *found) {
    size_t nl = strlen(name);
    *found = false;
    while (s < end) {
        while (s < end && (*s == ';' || is_wsp(*s))) s++;
        const char *key = s;
        while (s < end && *s != '=' && *s != ';' && !is_wsp(*s)) s++;
        size_t kl = (size_t)(s - key);
        while (s < end && is_wsp(*s)) s++;
        if (s >= end || *s != '=') { /* a parameter without a value: skip it */
            while (s < end && *s != ';') s++;
            continue;
        }
        s++;
        while (s < end && is_wsp(*s)) s++;
        char *v = param_value(a, &s, end);
        if (kl == nl && strncasecmp(key, name, nl) == 0) {
            *found = true;
            return v;
        }
        if (!v) return NULL; /* cannot find where the next parameter starts */
        while (s < end && *s != ';') s++;
    }
    return NULL;
}

int web_multipart_boundary(Arena *a, const char *content_type, const char **boundary) {
    *boundary = NULL;
    if (!content_type || strncasecmp(content_type, "multipart/form-data", 19) != 0) return -1;
    const char *s = content_type + 19, *end = s + strlen(s);
    while (s < end && is_wsp(*s)) s++;
    if (s < end && *s != ';') return -1; /* "multipart/form-datax" */
    bool found;
    char *b = find_param(a, s, end, "boundary", &found);
    size_t n = b ? strlen(b) : 0;
    if (!b || n < 1 || n > 70) return -1;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)b[i] < 0x20 || (unsigned char)b[i] > 0x7e) return -1;
    *boundary = b;
    return 0;
}

/* Whether the boundary string ending at p ends a delimiter line the way RFC
 * 2046 allows: "--" (the close-delimiter, *last) or blanks and CRLF. A
 * boundary string followed by anything else is content. *after: the first
 * byte after the delimiter line. */
static bool delimiter_tail(const char *body, size_t len, size_t p, size_t *after, bool *last) {
    if (p + 2 <= len && body[p] == '-' && body[p + 1] == '-') {
        *last = true;
        *after = p + 2;
        return true;
    }
    while (p < len && is_wsp(body[p])) p++;
    if (p + 2 <= len && body[p] == '\r' && body[p + 1] == '\n') {
        *last = false;
        *after = p + 2;
        return true;
    }
    return false;
}

/* Offset of the next delimiter "CRLF--boundary" at or after from, or -1. */
static long find_delimiter(const char *body, size_t len, size_t from, const char *dash_b, size_t dl, size_t *after,
                           bool *last) {
    while (from + dl <= len) {
        const char *hit = memmem(body + from, len - from, dash_b, dl);
        if (!hit) return -1;
        size_t at = (size_t)(hit - body);
        if (delimiter_tail(body, len, at + dl, after, last)) return (long)at;
        from = at + 1;
    }
    return -1;
}

/* Decodes the RFC 5987 value "UTF-8'lang'%E4%B8%AD.xes" (other charsets:
 * NULL, the plain filename is used). Arena memory. */
static char *ext_value(Arena *a, const char *v) {
    const char *q1 = strchr(v, '\'');
    const char *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
    if (!q2 || q1 - v != 5 || strncasecmp(v, "utf-8", 5) != 0) return NULL;
    const char *s = q2 + 1;
    char *out = arena_alloc(a, strlen(s) + 1), *w = out;
    for (; *s; s++) {
        if (*s == '%') {
            int hi = hexval(s[1]), lo = hi >= 0 ? hexval(s[2]) : -1;
            if (lo < 0) return NULL;
            *w++ = (char)(hi * 16 + lo);
            s += 2;
        } else *w++ = *s;
    }
    *w = 0;
    return out;
}

/* Browsers (WHATWG HTML, "multipart/form-data encoding algorithm") write a
 * '"' of a file name as %22; give it back. Other %XX stay as sent. Keeps
 * only the last path segment (old browsers sent C:\dir\name.xes). */
static const char *clean_filename(Arena *a, const char *f) {
    const char *slash = strrchr(f, '/'), *bslash = strrchr(f, '\\');
    if (slash || bslash) f = (slash > bslash ? slash : bslash) + 1;
    char *out = arena_alloc(a, strlen(f) + 1), *w = out;
    for (; *f; f++) {
        if (f[0] == '%' && f[1] == '2' && f[2] == '2') *w++ = '"', f += 2;
        else *w++ = *f;
    }
    *w = 0;
    return out;
}

static bool line_is(const char *s, size_t n, const char *name, const char **value) {
    size_t nl = strlen(name);
    if (n <= nl || strncasecmp(s, name, nl) != 0 || s[nl] != ':') return false;
    *value = s + nl + 1;
    return true;
}

/* Parses one part's header block [s, end) (lines split by CRLF) into *part. */
static int parse_part_headers(Arena *a, const char *s, const char *end, WebPart *part, const char **err) {
    const char *disposition = NULL, *disp_end = NULL;
    while (s < end) {
        const char *eol = memmem(s, (size_t)(end - s), "\r\n", 2);
        if (!eol) eol = end;
        size_t n = (size_t)(eol - s);
        const char *colon = memchr(s, ':', n);
        if (!colon || colon == s || memchr(s, '\0', n) || memchr(s, '\n', n) || memchr(s, '\r', n)) {
            *err = "error.multipart_header";
            return -1;
        }
        const char *v;
        if (line_is(s, n, "Content-Disposition", &v)) disposition = v, disp_end = eol;
        else if (line_is(s, n, "Content-Type", &v)) {
            while (v < eol && is_wsp(*v)) v++;
            part->content_type = arena_strndup(a, v, (size_t)(eol - v));
        }
        s = eol + 2;
    }
    *err = "error.multipart_header";
    if (!disposition) return -1;
    while (disposition < disp_end && is_wsp(*disposition)) disposition++;
    if ((size_t)(disp_end - disposition) < 9 || strncasecmp(disposition, "form-data", 9) != 0) return -1;
    const char *params = disposition + 9;
    if (params < disp_end && *params != ';' && !is_wsp(*params)) return -1;
    bool found;
    char *name = find_param(a, params, disp_end, "name", &found);
    if (!name || !*name || strlen(name) > WEB_MULTIPART_MAX_NAME || !utf8_valid(name, strlen(name)) ||
        utf8_has_control(name, strlen(name)))
        return -1;
    part->name = name;
    char *ext = find_param(a, params, disp_end, "filename*", &found);
    if (found) {
        char *decoded = ext ? ext_value(a, ext) : NULL;
        if (decoded) part->filename = decoded;
    }
    if (!part->filename) {
        char *plain = find_param(a, params, disp_end, "filename", &found);
        if (found && !plain) return -1;
        part->filename = plain;
    }
    if (part->filename) {
        part->filename = clean_filename(a, part->filename);
        size_t fl = strlen(part->filename);
        if (fl > WEB_MULTIPART_MAX_FILENAME || !utf8_valid(part->filename, fl) || utf8_has_control(part->filename, fl))
            return -1;
    }
    return 0;
}

int web_multipart_parse(Arena *a, const char *content_type, const char *body, size_t len, WebPart *parts, int max_parts,
                        int *n_parts, const char **bad_field, const char **msg_key) {
    *n_parts = 0;
    *bad_field = "body";
    const char *boundary;
    if (web_multipart_boundary(a, content_type, &boundary) != 0) {
        *bad_field = "Content-Type";
        *msg_key = "error.multipart_boundary";
        return -1;
    }
    const char *dash_b = arena_printf(a, "\r\n--%s", boundary);
    size_t dl = strlen(dash_b), after;
    bool last;
    long at;
    /* The first delimiter may open the body (no CRLF before it); a preamble
     * before it is ignored. */
    if (len >= dl - 2 && memcmp(body, dash_b + 2, dl - 2) == 0 && delimiter_tail(body, len, dl - 2, &after, &last))
        at = 0;
    else at = find_delimiter(body, len, 0, dash_b, dl, &after, &last);
    *msg_key = "error.multipart_malformed";
    if (at < 0) return -1;
    while (!last) {
        if (*n_parts >= max_parts) {
            *msg_key = "error.multipart_parts";
            return -1;
        }
        /* Header block: up to the empty line, at most WEB_MULTIPART_MAX_HEADER bytes. */
        size_t left = len - after, window = left < WEB_MULTIPART_MAX_HEADER + 4 ? left : WEB_MULTIPART_MAX_HEADER + 4;
        const char *hend = memmem(body + after, window, "\r\n\r\n", 4);
        if (!hend && left >= 2 && body[after] == '\r' && body[after + 1] == '\n') hend = body + after - 2;
        if (!hend) {
            *msg_key = left > WEB_MULTIPART_MAX_HEADER ? "error.multipart_header" : "error.multipart_end";
            return -1;
        }
        WebPart *part = &parts[*n_parts];
        memset(part, 0, sizeof *part);
        const char *hstart = body + after;
        if (hend < hstart || parse_part_headers(a, hstart, hend, part, msg_key) != 0) {
            if (hend < hstart) *msg_key = "error.multipart_header";
            return -1;
        }
        size_t content = (size_t)(hend - body) + 4;
        if (content > len) content = len;
        size_t next_after;
        at = find_delimiter(body, len, content >= 2 ? content - 2 : 0, dash_b, dl, &next_after, &last);
        if (at < 0 || (size_t)at < content) {
            /* the content must end with a delimiter: a body cut off in transit */
            if (at < 0 || (size_t)at + 2 != content) {
                *bad_field = part->name;
                *msg_key = "error.multipart_end";
                return -1;
            }
            at = (long)content; /* empty content: "\r\n\r\n--B" shares its CRLF */
        }
        part->data = body + content;
        part->len = (size_t)at - content;
        (*n_parts)++;
        after = next_after;
    }
    return 0;
}
