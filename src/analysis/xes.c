/* xes.c — the XES (IEEE 1849) reader: a specialised scanner, not a general
 * XML parser. Why not libexpat: the benchmark target is parse + analysis in
 * no more time than a bare expat pass that only counts events. expat decodes
 * every name and attribute into fresh strings, normalises, and calls back per
 * element; an XES file is millions of tiny `<string key=… value=…/>` elements
 * of which we need four keys. This scanner jumps from '<' to '<' with
 * memchr, reads attribute values in place (copying only when an entity or a
 * newline must be decoded), and interns names straight into the EventLog.
 *
 * Safe by construction: no DTD processing at all — a DOCTYPE with an internal
 * subset is refused, an external one is never loaded; only the five XML
 * entities and numeric character references are decoded (so no billion
 * laughs, no XXE); element depth is bounded (XES_MAX_DEPTH), a tag is bounded
 * (XES_MAX_TAG), the input is checked as UTF-8 before it is scanned, and
 * memory is the scan buffer plus the EventLog. Fuzzed by fuzz/fuzz_xes.c.
 *
 * What it accepts: <log> as root, with or without the XES namespace and with
 * prefixed element names (xes:trace); keys concept:name, time:timestamp,
 * org:resource, lifecycle:transition, also under other prefixes declared by
 * an <extension> whose URI names the standard extension (www.xes-standard.org
 * or code.deckfour.org); trace attributes become case attributes; <global>,
 * <classifier>, <extension>, and nested (list/container/child) attributes are
 * skipped. No byte sources or file handling here (evread.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evread.h"

#define XES_MAX_DEPTH  64                 /* XES needs 4 plus nested attributes */
#define XES_MAX_NAME   128                /* longest element name kept for matching </…> */
#define XES_MAX_TAG    ((size_t)64 << 20) /* one tag (with its attribute values) */
#define XES_READ_BLOCK ((size_t)1 << 20)  /* read size: progress is reported per block */

typedef enum XesKind { XK_LOG, XK_TRACE, XK_EVENT, XK_SKIP } XesKind;

/* An open element. line is 0 until the element's place is resolved: it is
 * resolved lazily (when its bytes leave the buffer, or on an error), so the
 * scanner never counts lines on the fast path. */
typedef struct XesOpen {
    XesKind kind;
    uint64_t abs; /* offset of its '<' in the whole text */
    long line, column;
    uint8_t name_len;
    char name[XES_MAX_NAME];
} XesOpen;

typedef struct XesPending {
    uint32_t activity, resource, lifecycle;
    int64_t time_ms;
} XesPending;

/* Standard extensions, and the prefix each one was declared under. */
enum { EXT_CONCEPT, EXT_TIME, EXT_ORG, EXT_LIFECYCLE, EXT_N };
static const char *const ext_file[EXT_N] = {"concept.xesext", "time.xesext", "org.xesext", "lifecycle.xesext"};
static const char *const ext_default[EXT_N] = {"concept", "time", "org", "lifecycle"};
static const char *const ext_key[EXT_N] = {"name", "timestamp", "resource", "transition"};
static const uint8_t ext_default_n[EXT_N] = {7, 4, 3, 9}, ext_key_n[EXT_N] = {4, 9, 8, 10};

/* A small direct-mapped cache in front of a pool: an XES log repeats a few
 * dozen activity, resource and lifecycle names millions of times, and one
 * memcmp against the cached copy is cheaper than hashing and probing. */
#define XES_CACHE 64
typedef struct XesCache {
    struct {
        const char *s; /* the pool's copy (pool strings never move) */
        uint32_t n, ix;
    } e[XES_CACHE];
} XesCache;

typedef struct Xes {
    EventLog *log;
    EvError *err;
    /* the window: buf[0] is at absolute offset base_abs of the text */
    const char *buf;
    uint64_t base_abs;
    /* line/column checkpoint: cp_line, cp_col (code points before cp_abs on its line) */
    uint64_t cp_abs;
    long cp_line, cp_col;
    XesOpen stack[XES_MAX_DEPTH];
    int depth;
    bool root_seen, root_done;
    char ext_prefix[EXT_N][32]; /* declared non-default prefixes, "" = none */
    /* the trace being read */
    bool have_case;
    uint32_t case_no;
    XesPending *pend; /* events before the trace's concept:name */
    size_t n_pend, cap_pend;
    uint32_t *pend_attrs; /* key, value index pairs (attr pools) */
    size_t n_pend_attrs, cap_pend_attrs;
    /* the event being read */
    bool have_act, have_time;
    uint32_t act, res, lc;
    int64_t time_ms;
    XesCache c_act, c_res, c_lc;
    /* decoded attribute values that needed entity/whitespace decoding */
    char *scratch[4];
    size_t scratch_cap[4];
} Xes;

/* ---------- places ---------- */

/* Newlines in s[0..n), eight bytes at a time (exact: no borrow between bytes). */
static long count_newlines(const char *s, size_t n) {
    long count = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t x = w ^ 0x0A0A0A0A0A0A0A0Aull; /* a zero byte where there was '\n' */
        uint64_t t = ((x & 0x7F7F7F7F7F7F7F7Full) + 0x7F7F7F7F7F7F7F7Full) | x;
        uint64_t bits = (~t & 0x8080808080808080ull) >> 7; /* one bit per newline, at the bottom of its byte */
        count += (long)((bits * 0x0101010101010101ull) >> 56);
    }
    for (; i < n; i++) count += s[i] == '\n';
    return count;
}

static void count_span(const char *s, const char *e, long *line, long *col) {
    const char *last = e > s ? memrchr(s, '\n', (size_t)(e - s)) : NULL;
    if (last) {
        *line += count_newlines(s, (size_t)(last - s) + 1);
        *col = 0;
        s = last + 1;
    }
    for (; s < e; s++) *col += ((unsigned char)*s & 0xC0) != 0x80;
}

static void pos_at(const Xes *x, const char *p, long *line, long *col) {
    long l = x->cp_line, c = x->cp_col;
    count_span(x->buf + (x->cp_abs - x->base_abs), p, &l, &c);
    *line = l;
    *col = c + 1;
}

static void advance_cp(Xes *x, uint64_t to_abs) {
    count_span(x->buf + (x->cp_abs - x->base_abs), x->buf + (to_abs - x->base_abs), &x->cp_line, &x->cp_col);
    x->cp_abs = to_abs;
}

/* Called before buf[0..k) leaves the window: resolves the places that are
 * still needed (open elements) and moves the checkpoint to k. */
static void xes_discard(Xes *x, size_t k) {
    uint64_t end = x->base_abs + k;
    for (int i = 0; i < x->depth; i++) {
        XesOpen *o = &x->stack[i];
        if (o->line || o->abs >= end) continue;
        advance_cp(x, o->abs);
        o->line = x->cp_line;
        o->column = x->cp_col + 1;
    }
    advance_cp(x, end);
    x->base_abs = end;
}

__attribute__((format(printf, 3, 4))) static int fail_at(Xes *x, const char *p, const char *fmt, ...) {
    long line, col;
    pos_at(x, p, &line, &col);
    x->err->line = line;
    x->err->column = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->err->message, sizeof x->err->message, fmt, ap);
    va_end(ap);
    return -1;
}

__attribute__((format(printf, 3, 4))) static int fail_open(Xes *x, const XesOpen *o, const char *fmt, ...) {
    if (o->line) {
        x->err->line = o->line;
        x->err->column = o->column;
    } else pos_at(x, x->buf + (o->abs - x->base_abs), &x->err->line, &x->err->column);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->err->message, sizeof x->err->message, fmt, ap);
    va_end(ap);
    return -1;
}

static int oom(Xes *x) { return ev_fail(x->err, 0, 0, "out of memory reading the XES log"); }

/* ---------- values ---------- */

/* Character classes, one table lookup per byte on the hot loops. */
enum { CC_WS = 1, CC_NAME_END = 2, CC_VALUE_SPECIAL = 4 };
static const uint8_t cc[256] = {
    ['\t'] = CC_WS | CC_NAME_END | CC_VALUE_SPECIAL,
    ['\n'] = CC_WS | CC_NAME_END | CC_VALUE_SPECIAL,
    ['\r'] = CC_WS | CC_NAME_END | CC_VALUE_SPECIAL,
    [' '] = CC_WS | CC_NAME_END,
    ['>'] = CC_NAME_END,
    ['/'] = CC_NAME_END,
    ['='] = CC_NAME_END,
    ['<'] = CC_NAME_END | CC_VALUE_SPECIAL,
    ['&'] = CC_VALUE_SPECIAL,
};
static bool is_ws(char c) { return cc[(unsigned char)c] & CC_WS; }

/* A literal's length is a constant here, so the compiler inlines the compare. */
#define name_is(s, n, lit) ((n) == sizeof(lit) - 1 && memcmp((s), (lit), sizeof(lit) - 1) == 0)

/* memchr for the short distances of XES (a few bytes between tags, a short
 * value): a plain loop first, the library call only for long stretches. */
static inline const char *find_byte(const char *p, size_t n, char c) {
    size_t k = n < 32 ? n : 32;
    for (size_t i = 0; i < k; i++)
        if (p[i] == c) return p + i;
    return n > k ? memchr(p + k, c, n - k) : NULL;
}

static size_t put_utf8(char *d, uint32_t cp) {
    if (cp < 0x80) {
        d[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        d[0] = (char)(0xC0 | (cp >> 6));
        d[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        d[0] = (char)(0xE0 | (cp >> 12));
        d[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        d[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    d[0] = (char)(0xF0 | (cp >> 18));
    d[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    d[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    d[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decodes an attribute value in place when it is plain (the usual case) or
 * into scratch[slot]: the five predefined entities, character references,
 * and XML's attribute-value normalisation (tab, CR, LF → space). Nothing
 * else: there is no DTD, so any other entity is an error. */
static int decode_value(Xes *x, int slot, const char *v, size_t n, bool plain, const char **out, size_t *out_n) {
    size_t i = 0;
    if (plain) {
        *out = v;
        *out_n = n;
        return 0;
    }
    while (i < n && !(cc[(unsigned char)v[i]] & CC_VALUE_SPECIAL)) i++;
    if (i == n) {
        *out = v;
        *out_n = n;
        return 0;
    }
    if (x->scratch_cap[slot] < n + 1) {
        char *s = realloc(x->scratch[slot], n + 1);
        if (!s) return oom(x);
        x->scratch[slot] = s;
        x->scratch_cap[slot] = n + 1;
    }
    char *d = x->scratch[slot];
    size_t k = 0;
    for (i = 0; i < n;) {
        char c = v[i];
        if (c == '<') return fail_at(x, v + i, "'<' inside an attribute value");
        if (c == '\t' || c == '\n' || c == '\r') {
            d[k++] = ' ';
            i++;
            continue;
        }
        if (c != '&') {
            d[k++] = c;
            i++;
            continue;
        }
        const char *semi = memchr(v + i, ';', n - i);
        if (!semi || semi - (v + i) > 12) return fail_at(x, v + i, "'&' is not followed by an entity reference");
        const char *e = v + i + 1;
        size_t en = (size_t)(semi - e);
        if (en >= 2 && e[0] == '#') {
            uint32_t cp = 0;
            bool hex = e[1] == 'x';
            size_t j = hex ? 2 : 1;
            if (j == en) return fail_at(x, v + i, "bad character reference");
            for (; j < en; j++) {
                unsigned c2 = (unsigned char)e[j], dv;
                if (c2 >= '0' && c2 <= '9') dv = c2 - '0';
                else if (hex && (c2 | 0x20) >= 'a' && (c2 | 0x20) <= 'f') dv = (c2 | 0x20) - 'a' + 10;
                else return fail_at(x, v + i, "bad character reference");
                cp = cp * (hex ? 16 : 10) + dv;
                if (cp > 0x10FFFF) return fail_at(x, v + i, "bad character reference");
            }
            if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
                return fail_at(x, v + i, "character reference to a character XML does not allow");
            /* a reference is at least 4 bytes ("&#9;") and encodes to at most 4 */
            k += put_utf8(d + k, cp);
        } else if (en == 2 && memcmp(e, "lt", 2) == 0) d[k++] = '<';
        else if (en == 2 && memcmp(e, "gt", 2) == 0) d[k++] = '>';
        else if (en == 3 && memcmp(e, "amp", 3) == 0) d[k++] = '&';
        else if (en == 4 && memcmp(e, "quot", 4) == 0) d[k++] = '"';
        else if (en == 4 && memcmp(e, "apos", 4) == 0) d[k++] = '\'';
        else
            return fail_at(x, v + i,
                           "undefined entity &%.*s; (only the five XML entities and character references are "
                           "decoded; DTD entities are never expanded)",
                           (int)(en > 40 ? 40 : en), e);
        i = (size_t)(semi - v) + 1;
    }
    *out = d;
    *out_n = k;
    return 0;
}

static uint32_t cached_intern(StrPool *p, XesCache *c, const char *s, size_t n) {
    unsigned h = (unsigned)n * 31u;
    if (n) h += (unsigned char)s[0] * 7u + (unsigned char)s[n / 2] * 17u + (unsigned char)s[n - 1] * 131u;
    h &= XES_CACHE - 1;
    if (c->e[h].s && c->e[h].n == n && memcmp(c->e[h].s, s, n) == 0) return c->e[h].ix;
    uint32_t ix = strpool_intern(p, s, n);
    if (ix != EVLOG_NONE) {
        c->e[h].s = p->strs[ix];
        c->e[h].n = (uint32_t)n;
        c->e[h].ix = ix;
    }
    return ix;
}

/* Which standard key is key[0..n)? EXT_N when none. */
static int std_key(const Xes *x, const char *key, size_t n) {
    /* the standard spellings first, with constant-length compares */
    switch (n) {
    case 12:
        if (name_is(key, n, "concept:name")) return EXT_CONCEPT;
        if (name_is(key, n, "org:resource")) return EXT_ORG;
        break;
    case 14:
        if (name_is(key, n, "time:timestamp")) return EXT_TIME;
        break;
    case 20:
        if (name_is(key, n, "lifecycle:transition")) return EXT_LIFECYCLE;
        break;
    default: break;
    }
    if (!x->ext_prefix[0][0] && !x->ext_prefix[1][0] && !x->ext_prefix[2][0] && !x->ext_prefix[3][0]) return EXT_N;
    const char *colon = memchr(key, ':', n);
    if (!colon) return EXT_N;
    size_t pn = (size_t)(colon - key), sn = n - pn - 1;
    for (int e = 0; e < EXT_N; e++) {
        if (ext_key_n[e] != sn || memcmp(colon + 1, ext_key[e], sn) != 0) continue;
        if ((ext_default_n[e] == pn && memcmp(key, ext_default[e], pn) == 0) ||
            (x->ext_prefix[e][0] && strlen(x->ext_prefix[e]) == pn && memcmp(key, x->ext_prefix[e], pn) == 0))
            return e;
    }
    return EXT_N;
}

/* ---------- elements ---------- */

/* The attribute types of XES; list and container hold nested attributes. */
static bool is_value_type(const char *s, size_t n) {
    switch (n) {
    case 2: return memcmp(s, "id", 2) == 0;
    case 3: return memcmp(s, "int", 3) == 0;
    case 4: return memcmp(s, "date", 4) == 0;
    case 5: return memcmp(s, "float", 5) == 0;
    case 6: return memcmp(s, "string", 6) == 0;
    case 7: return memcmp(s, "boolean", 7) == 0;
    default: return false;
    }
}

typedef struct XesTag {
    const char *lt;            /* its '<' */
    const char *qname, *local; /* element name with and without prefix */
    size_t qname_n, local_n;
    const char *key, *value, *prefix, *uri; /* raw (undecoded) attribute values, or NULL */
    size_t key_n, value_n, prefix_n, uri_n;
    bool key_plain, value_plain, prefix_plain, uri_plain; /* nothing to decode: used in place */
    bool self_closing;
} XesTag;

static int add_event(Xes *x, const XesOpen *ev) {
    if (!x->have_act) return fail_open(x, ev, "event without concept:name (activity)");
    if (!x->have_time) return fail_open(x, ev, "event without time:timestamp");
    if (x->have_case) {
        if (evlog_add_ix(x->log, x->case_no, x->act, x->res, x->lc, x->time_ms) != 0) return oom(x);
        return 0;
    }
    if (x->n_pend == x->cap_pend) {
        size_t cap = x->cap_pend ? x->cap_pend * 2 : 64;
        XesPending *p = realloc(x->pend, cap * sizeof *p);
        if (!p) return oom(x);
        x->pend = p;
        x->cap_pend = cap;
    }
    x->pend[x->n_pend++] = (XesPending){x->act, x->res, x->lc, x->time_ms};
    return 0;
}

/* The case id is known: events and attributes read before it join the case,
 * in file order, ahead of everything that follows. */
static int flush_pending(Xes *x) {
    for (size_t i = 0; i < x->n_pend; i++) {
        const XesPending *p = &x->pend[i];
        if (evlog_add_ix(x->log, x->case_no, p->activity, p->resource, p->lifecycle, p->time_ms) != 0) return oom(x);
    }
    EventLog *log = x->log;
    for (size_t i = 0; i < x->n_pend_attrs; i += 2) {
        uint32_t k = x->pend_attrs[i], v = x->pend_attrs[i + 1];
        if (evlog_case_attr(log, x->case_no, log->attr_keys.strs[k], log->attr_keys.lens[k], log->attr_values.strs[v],
                            log->attr_values.lens[v]) != 0)
            return oom(x);
    }
    x->n_pend = x->n_pend_attrs = 0;
    return 0;
}

static int end_trace(Xes *x, const XesOpen *tr) {
    if (!x->have_case) return fail_open(x, tr, "trace without concept:name (case id)");
    return 0;
}

static int trace_attr(Xes *x, const XesTag *t) {
    const char *k, *v;
    size_t kn, vn;
    if (!t->key) return fail_at(x, t->lt, "attribute element without a key");
    if (!t->value) return fail_at(x, t->lt, "attribute element without a value");
    if (decode_value(x, 0, t->key, t->key_n, t->key_plain, &k, &kn) ||
        decode_value(x, 1, t->value, t->value_n, t->value_plain, &v, &vn))
        return -1;
    if (std_key(x, k, kn) == EXT_CONCEPT) {
        if (vn == 0) return fail_at(x, t->value, "empty concept:name (case id) of a trace");
        x->case_no = strpool_intern(&x->log->cases, v, vn);
        if (x->case_no == EVLOG_NONE) return oom(x);
        x->have_case = true;
        return flush_pending(x);
    }
    EventLog *log = x->log;
    if (x->have_case) return evlog_case_attr(log, x->case_no, k, kn, v, vn) ? oom(x) : 0;
    uint32_t ki = strpool_intern(&log->attr_keys, k, kn), vi = strpool_intern(&log->attr_values, v, vn);
    if (ki == EVLOG_NONE || vi == EVLOG_NONE) return oom(x);
    if (x->n_pend_attrs + 2 > x->cap_pend_attrs) {
        size_t cap = x->cap_pend_attrs ? x->cap_pend_attrs * 2 : 32;
        uint32_t *p = realloc(x->pend_attrs, cap * sizeof *p);
        if (!p) return oom(x);
        x->pend_attrs = p;
        x->cap_pend_attrs = cap;
    }
    x->pend_attrs[x->n_pend_attrs++] = ki;
    x->pend_attrs[x->n_pend_attrs++] = vi;
    return 0;
}

static int event_attr(Xes *x, const XesTag *t) {
    const char *k, *v;
    size_t kn, vn;
    if (!t->key) return fail_at(x, t->lt, "attribute element without a key");
    if (decode_value(x, 0, t->key, t->key_n, t->key_plain, &k, &kn)) return -1;
    int which = std_key(x, k, kn);
    if (which == EXT_N) return 0;
    if (!t->value) return fail_at(x, t->lt, "attribute element without a value");
    if (decode_value(x, 1, t->value, t->value_n, t->value_plain, &v, &vn)) return -1;
    EventLog *log = x->log;
    switch (which) {
    case EXT_CONCEPT:
        /* an empty name is no name: the CSV reader refuses it too, so both read what the writers write */
        if (vn == 0) return fail_at(x, t->value, "empty concept:name (activity) of an event");
        if ((x->act = cached_intern(&log->activities, &x->c_act, v, vn)) == EVLOG_NONE) return oom(x);
        x->have_act = true;
        break;
    case EXT_TIME:
        if (ev_parse_iso(v, vn, &x->time_ms) != 0)
            return fail_at(x, t->value, "bad date \"%.*s\" (expected ISO 8601, e.g. 2011-10-01T10:00:00.000+02:00)",
                           (int)(vn > 60 ? 60 : vn), v);
        x->have_time = true;
        break;
    case EXT_ORG:
        if ((x->res = cached_intern(&log->resources, &x->c_res, v, vn)) == EVLOG_NONE) return oom(x);
        break;
    default:
        if ((x->lc = cached_intern(&log->lifecycles, &x->c_lc, v, vn)) == EVLOG_NONE) return oom(x);
        break;
    }
    return 0;
}

static int extension(Xes *x, const XesTag *t) {
    if (!t->prefix || !t->uri) return 0;
    const char *p, *u;
    size_t pn, un;
    if (decode_value(x, 2, t->prefix, t->prefix_n, t->prefix_plain, &p, &pn) ||
        decode_value(x, 3, t->uri, t->uri_n, t->uri_plain, &u, &un))
        return -1;
    for (int e = 0; e < EXT_N; e++) {
        size_t fn = strlen(ext_file[e]);
        /* http://www.xes-standard.org/concept.xesext, http://code.deckfour.org/xes/concept.xesext, … */
        if (un > fn && memcmp(u + un - fn, ext_file[e], fn) == 0 && u[un - fn - 1] == '/' && pn > 0 &&
            pn < sizeof x->ext_prefix[e] && !memchr(p, ':', pn)) {
            memcpy(x->ext_prefix[e], p, pn);
            x->ext_prefix[e][pn] = 0;
        }
    }
    return 0;
}

static int open_element(Xes *x, XesTag *t) {
    XesKind parent = x->depth ? x->stack[x->depth - 1].kind : XK_SKIP;
    XesKind kind = XK_SKIP;
    if (x->depth == 0) {
        if (x->root_done) return fail_at(x, t->lt, "content after the end of <log>");
        if (!name_is(t->local, t->local_n, "log"))
            return fail_at(x, t->lt, "the root element is <%.*s>, not <log>: not an XES log",
                           (int)(t->qname_n > 40 ? 40 : t->qname_n), t->qname);
        x->root_seen = true;
        kind = XK_LOG;
    } else if (name_is(t->local, t->local_n, "event")) {
        if (parent != XK_TRACE) {
            if (parent == XK_SKIP) kind = XK_SKIP; /* inside skipped content: not an event */
            else return fail_at(x, t->lt, "event outside a trace");
        } else {
            kind = XK_EVENT;
            x->have_act = x->have_time = false;
            x->res = x->lc = EVLOG_NONE;
        }
    } else if (parent == XK_LOG && name_is(t->local, t->local_n, "trace")) {
        kind = XK_TRACE;
        x->have_case = false;
        x->n_pend = x->n_pend_attrs = 0;
    } else if (parent == XK_TRACE && is_value_type(t->local, t->local_n)) {
        if (trace_attr(x, t)) return -1;
    } else if (parent == XK_EVENT && is_value_type(t->local, t->local_n)) {
        if (event_attr(x, t)) return -1;
    } else if (parent == XK_LOG && name_is(t->local, t->local_n, "extension")) {
        if (extension(x, t)) return -1;
    } else if (name_is(t->local, t->local_n, "trace") && parent != XK_SKIP) {
        return fail_at(x, t->lt, "trace inside a %s", parent == XK_TRACE ? "trace" : "event");
    }
    if (x->depth == XES_MAX_DEPTH) return fail_at(x, t->lt, "elements nested more than %d deep", XES_MAX_DEPTH);
    if (t->qname_n >= XES_MAX_NAME) return fail_at(x, t->lt, "element name longer than %d bytes", XES_MAX_NAME - 1);
    XesOpen *o = &x->stack[x->depth++];
    o->kind = kind;
    o->abs = x->base_abs + (uint64_t)(t->lt - x->buf);
    o->line = o->column = 0;
    o->name_len = (uint8_t)t->qname_n;
    memcpy(o->name, t->qname, t->qname_n);
    return 0;
}

static int pop_element(Xes *x);

static int close_element(Xes *x, const char *lt, const char *name, size_t n) {
    if (x->depth == 0)
        return fail_at(x, lt, "closing tag </%.*s> without an open element", (int)(n > 40 ? 40 : n), name);
    XesOpen *o = &x->stack[x->depth - 1];
    if (o->name_len != n || memcmp(o->name, name, n) != 0)
        return fail_at(x, lt, "mismatched tag: </%.*s> closes <%.*s>", (int)(n > 40 ? 40 : n), name, (int)o->name_len,
                       o->name);
    return pop_element(x);
}

/* Ends the innermost element (its name already matched, or it closed itself). */
static int pop_element(Xes *x) {
    XesOpen *o = &x->stack[x->depth - 1];
    int rc = 0;
    if (o->kind == XK_EVENT) rc = add_event(x, o);
    else if (o->kind == XK_TRACE) rc = end_trace(x, o);
    else if (o->kind == XK_LOG) x->root_done = true;
    x->depth--;
    return rc;
}

/* ---------- the scanner ---------- */

enum { SCAN_DONE = 0, SCAN_ERROR = -1 };

/* Parses the start tag at lt. Returns 1 when the tag is complete (t filled,
 * *next after its '>'), 0 when the window ends inside it, -1 on error. */
static int parse_start_tag(Xes *x, const char *lt, const char *end, XesTag *t, const char **next) {
    memset(t, 0, sizeof *t);
    t->lt = lt;
    const char *q = lt + 1;
    while (q < end && !(cc[(unsigned char)*q] & CC_NAME_END)) q++;
    if (q == end) return 0;
    t->qname = lt + 1;
    t->qname_n = (size_t)(q - t->qname);
    if (t->qname_n == 0) return fail_at(x, lt, "'<' not followed by an element name");
    const char *colon = memchr(t->qname, ':', t->qname_n);
    t->local = colon ? colon + 1 : t->qname;
    t->local_n = t->qname_n - (size_t)(t->local - t->qname);
    for (;;) {
        while (q < end && is_ws(*q)) q++;
        if (q == end) return 0;
        if (*q == '>') {
            *next = q + 1;
            return 1;
        }
        if (*q == '/') {
            if (q + 1 == end) return 0;
            if (q[1] != '>') return fail_at(x, q, "'/' not followed by '>' in a tag");
            t->self_closing = true;
            *next = q + 2;
            return 1;
        }
        const char *an = q;
        while (q < end && !(cc[(unsigned char)*q] & CC_NAME_END)) q++;
        if (q == end) return 0;
        size_t an_n = (size_t)(q - an);
        if (an_n == 0) return fail_at(x, q, "unexpected '%c' in a tag", *q);
        while (q < end && is_ws(*q)) q++;
        if (q == end) return 0;
        if (*q != '=') return fail_at(x, q, "attribute %.*s without a value", (int)(an_n > 40 ? 40 : an_n), an);
        q++;
        while (q < end && is_ws(*q)) q++;
        if (q == end) return 0;
        char quote = *q;
        if (quote != '"' && quote != '\'') return fail_at(x, q, "attribute value not in quotes");
        const char *v = ++q, *ve = v;
        unsigned acc = 0; /* classes seen in the value: decoding is needed only for specials */
        while (ve < end && *ve != quote) acc |= cc[(unsigned char)*ve++];
        if (ve == end) return 0;
        size_t vn = (size_t)(ve - v);
        bool plain = !(acc & CC_VALUE_SPECIAL);
        q = ve + 1;
        if (q < end && !is_ws(*q) && *q != '>' && *q != '/') return fail_at(x, q, "no space between attributes");
        switch (an_n) {
        case 3:
            if (memcmp(an, "key", 3) == 0) t->key = v, t->key_n = vn, t->key_plain = plain;
            else if (memcmp(an, "uri", 3) == 0) t->uri = v, t->uri_n = vn, t->uri_plain = plain;
            break;
        case 5:
            if (memcmp(an, "value", 5) == 0) t->value = v, t->value_n = vn, t->value_plain = plain;
            break;
        case 6:
            if (memcmp(an, "prefix", 6) == 0) t->prefix = v, t->prefix_n = vn, t->prefix_plain = plain;
            break;
        default: break;
        }
    }
}

static bool starts(const char *p, const char *end, const char *lit, size_t n) {
    return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

/* Finds the end of a "<!…" or "<?…" construct: returns the byte after it,
 * NULL when the window ends first. */
static const char *find_end(const char *p, const char *end, const char *term, size_t n) {
    if (end - p < (ptrdiff_t)n) return NULL;
    const char *r = memmem(p, (size_t)(end - p), term, n);
    return r ? r + n : NULL;
}

/* Scans buf[0..len). final: nothing follows. *consumed gets the bytes fully
 * handled (a token cut by the end of the window is left for the next call). */
static int xes_scan(Xes *x, const char *buf, size_t len, bool final, size_t *consumed) {
    x->buf = buf;
    const char *p = buf, *end = buf + len;
    for (;;) {
        const char *lt = find_byte(p, (size_t)(end - p), '<');
        if (!lt) {
            p = end;
            break;
        }
        p = lt;
        if (lt + 1 == end) break;
        const char *next = NULL;
        char c = lt[1];
        if (c == '/') {
            const char *q = lt + 2, *gt = find_byte(q, (size_t)(end - q), '>');
            if (!gt) break;
            const char *ne = gt;
            while (ne > q && is_ws(ne[-1])) ne--;
            if (x->depth == 0 && !x->root_seen) return fail_at(x, lt, "closing tag before the root element");
            if (close_element(x, lt, q, (size_t)(ne - q))) return SCAN_ERROR;
            p = gt + 1;
            continue;
        }
        if (c == '?') {
            if (!(next = find_end(lt + 2, end, "?>", 2))) break;
            p = next;
            continue;
        }
        if (c == '!') {
            if (end - lt < 9) {
                if (!final) break;
            }
            if (starts(lt, end, "<!--", 4)) {
                if (!(next = find_end(lt + 4, end, "-->", 3))) break;
            } else if (starts(lt, end, "<![CDATA[", 9)) {
                if (!(next = find_end(lt + 9, end, "]]>", 3))) break;
            } else if (starts(lt, end, "<!DOCTYPE", 9)) {
                const char *gt = memchr(lt, '>', (size_t)(end - lt));
                const char *sq = memchr(lt, '[', (size_t)(end - lt));
                if (sq && (!gt || sq < gt))
                    return fail_at(x, lt, "DOCTYPE with an internal subset (entity declarations) is refused");
                if (!gt) break;
                next = gt + 1; /* an external DTD is never loaded */
            } else {
                return fail_at(x, lt, "unexpected markup \"<!\"");
            }
            p = next;
            continue;
        }
        XesTag t;
        int rc = parse_start_tag(x, lt, end, &t, &next);
        if (rc < 0) return SCAN_ERROR;
        if (rc == 0) break;
        if (open_element(x, &t)) return SCAN_ERROR;
        if (t.self_closing && pop_element(x)) return SCAN_ERROR;
        p = next;
    }
    *consumed = (size_t)(p - buf);
    if (!final) return SCAN_DONE;
    if (p < end) return fail_at(x, p, "unexpected end of file inside a tag");
    if (x->depth) {
        const XesOpen *o = &x->stack[x->depth - 1];
        return fail_open(x, o, "unclosed tag <%.*s>: the file ends before </%.*s>", (int)o->name_len, o->name,
                         (int)o->name_len, o->name);
    }
    if (!x->root_seen) return fail_at(x, end, "no <log> element: not an XES log");
    return SCAN_DONE;
}

static void xes_init(Xes *x, EventLog *log, EvError *err) {
    memset(x, 0, sizeof *x);
    x->log = log;
    x->err = err;
    x->cp_line = 1;
    x->res = x->lc = EVLOG_NONE;
}

static void xes_fini(Xes *x) {
    free(x->pend);
    free(x->pend_attrs);
    for (int i = 0; i < 4; i++) free(x->scratch[i]);
}

static int utf8_fail(Xes *x, const char *p) {
    return fail_at(x, p, "invalid UTF-8 (or a NUL byte): byte 0x%02X", (unsigned)(unsigned char)*p);
}

int xes_read_buf(EventLog *log, const char *data, size_t n, EvError *err) {
    Xes x;
    xes_init(&x, log, err);
    x.buf = data;
    size_t bad = ev_utf8_check(data, n, false, NULL), consumed;
    int rc = xes_scan(&x, data, bad, bad == n, &consumed);
    if (rc == 0 && bad < n) rc = utf8_fail(&x, data + bad);
    xes_fini(&x);
    return rc;
}

int xes_read(EventLog *log, EvSource *src, EvError *err) {
    Xes x;
    xes_init(&x, log, err);
    size_t cap = 2 * XES_READ_BLOCK, len = 0, validated = 0, bad = SIZE_MAX;
    char *buf = malloc(cap);
    if (!buf) return oom(&x);
    bool eof = false;
    int rc = 0;
    x.buf = buf;
    while (rc == 0) {
        if (cap - len < XES_READ_BLOCK / 4) {
            if (cap >= XES_MAX_TAG) {
                rc = fail_at(&x, buf, "a tag longer than %zu MiB", XES_MAX_TAG >> 20);
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                rc = oom(&x);
                break;
            }
            buf = nb;
            cap *= 2;
            x.buf = buf;
        }
        size_t got;
        size_t want = cap - len < XES_READ_BLOCK ? cap - len : XES_READ_BLOCK;
        if (src->read(src, buf + len, want, &got, err) != 0) {
            /* gzip broke: say where in the text it happened */
            pos_at(&x, buf + len, &err->line, &err->column);
            rc = -1;
            break;
        }
        len += got;
        eof = got == 0;
        if (src->progress) src->progress(src->progress_ctx, src->done, src->total);
        size_t keep;
        size_t r = ev_utf8_check(buf + validated, len - validated, !eof, &keep);
        if (r < len - validated) bad = validated + r;
        else validated = len - keep;
        size_t limit = bad == SIZE_MAX ? len : bad, consumed = 0;
        rc = xes_scan(&x, buf, limit, eof && bad == SIZE_MAX, &consumed);
        if (rc) break;
        if (bad != SIZE_MAX) {
            rc = utf8_fail(&x, buf + bad);
            break;
        }
        if (eof) break;
        xes_discard(&x, consumed);
        memmove(buf, buf + consumed, len - consumed);
        len -= consumed;
        validated -= consumed;
    }
    free(buf);
    xes_fini(&x);
    return rc;
}
