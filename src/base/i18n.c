/* i18n.c — catalogs as open-addressing hash tables of key → value, built once. */
#include "i18n.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct Msg {
    const char *key;
    const char *value;
} Msg;

typedef struct Catalog {
    char locale[16];
    char *text; /* owned copy of the catalog; keys/values point into it */
    Msg *slots; /* open addressing, power-of-two size */
    size_t n_slots;
} Catalog;

static Catalog catalogs[I18N_MAX_LOCALES];

static uint64_t hash_str(const char *s) {
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static Catalog *find_catalog(const char *locale) {
    for (int i = 0; i < I18N_MAX_LOCALES; i++)
        if (catalogs[i].text && strcmp(catalogs[i].locale, locale) == 0) return &catalogs[i];
    return NULL;
}

static void catalog_free(Catalog *c) {
    free(c->text);
    free(c->slots);
    memset(c, 0, sizeof *c);
}

void i18n_reset(void) {
    for (int i = 0; i < I18N_MAX_LOCALES; i++) catalog_free(&catalogs[i]);
}

static void put(Catalog *c, const char *key, const char *value) {
    size_t mask = c->n_slots - 1;
    for (size_t i = hash_str(key) & mask;; i = (i + 1) & mask) {
        if (!c->slots[i].key || strcmp(c->slots[i].key, key) == 0) {
            c->slots[i].key = key;
            c->slots[i].value = value;
            return;
        }
    }
}

static char *trim(char *s, char *end) {
    while (s < end && (*s == ' ' || *s == '\t')) s++;
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r')) *--end = 0;
    *end = 0;
    return s;
}

int i18n_load(const char *locale, const char *text, size_t n, int *err_line) {
    Catalog c = {0};
    strncpy(c.locale, locale, sizeof c.locale - 1);
    c.text = malloc(n + 1);
    if (!c.text) return -1;
    memcpy(c.text, text, n);
    c.text[n] = 0;
    size_t lines = 1;
    for (size_t i = 0; i < n; i++) lines += text[i] == '\n';
    c.n_slots = 16;
    while (c.n_slots < lines * 2) c.n_slots *= 2;
    c.slots = calloc(c.n_slots, sizeof *c.slots);
    if (!c.slots) {
        free(c.text);
        return -1;
    }
    int line_no = 0;
    for (char *line = c.text; line && *line;) {
        line_no++;
        char *nl = strchr(line, '\n');
        char *end = nl ? nl : line + strlen(line);
        char *next = nl ? nl + 1 : NULL;
        *end = 0;
        char *s = trim(line, end);
        if (*s && *s != '#') {
            char *eq = strstr(s, " = ");
            if (!eq) {
                if (err_line) *err_line = line_no;
                catalog_free(&c);
                return -1;
            }
            char *key = trim(s, eq);
            char *value = eq + 3;
            while (*value == ' ' || *value == '\t') value++;
            /* unescape \n in place */
            char *w = value;
            for (char *r = value; *r; r++) {
                if (r[0] == '\\' && r[1] == 'n') *w++ = '\n', r++;
                else *w++ = *r;
            }
            *w = 0;
            if (!*key) {
                if (err_line) *err_line = line_no;
                catalog_free(&c);
                return -1;
            }
            put(&c, key, value);
        }
        line = next;
    }
    Catalog *old = find_catalog(locale);
    if (old) {
        catalog_free(old);
        *old = c;
        return 0;
    }
    for (int i = 0; i < I18N_MAX_LOCALES; i++)
        if (!catalogs[i].text) {
            catalogs[i] = c;
            return 0;
        }
    catalog_free(&c);
    return -1;
}

static const char *lookup(const Catalog *c, const char *key) {
    if (!c) return NULL;
    size_t mask = c->n_slots - 1;
    for (size_t i = hash_str(key) & mask; c->slots[i].key; i = (i + 1) & mask)
        if (strcmp(c->slots[i].key, key) == 0) return c->slots[i].value;
    return NULL;
}

int i18n_has(const char *locale, const char *key) { return lookup(find_catalog(locale), key) != NULL; }

const char *i18n_t(const char *locale, const char *key) {
    const char *v = lookup(find_catalog(locale ? locale : "en"), key);
    if (!v) v = lookup(find_catalog("en"), key);
    return v ? v : key;
}

/* True when p starts a placeholder {1}..{9} naming one of nargs arguments. */
static int placeholder(const char *p, int nargs) {
    return p[0] == '{' && p[1] >= '1' && p[1] <= '9' && p[2] == '}' && p[1] - '1' < nargs;
}

const char *i18n_fmt(Arena *a, const char *locale, const char *key, int nargs, const char **args) {
    const char *msg = i18n_t(locale, key);
    /* First pass sizes the output: a placeholder may appear more than once. */
    size_t len = 0;
    for (const char *p = msg; *p; p++) {
        if (placeholder(p, nargs)) {
            const char *arg = args[p[1] - '1'];
            len += arg ? strlen(arg) : 0;
            p += 2;
        } else {
            len++;
        }
    }
    char *out = arena_alloc(a, len + 1), *w = out;
    for (const char *p = msg; *p; p++) {
        if (placeholder(p, nargs)) {
            const char *arg = args[p[1] - '1'];
            if (arg) {
                size_t n = strlen(arg);
                memcpy(w, arg, n);
                w += n;
            }
            p += 2;
        } else {
            *w++ = *p;
        }
    }
    *w = 0;
    return out;
}

const char *i18n_supported(const char *locale) {
    if (!locale) return NULL;
    if (strcmp(locale, "zh-CN") == 0 || strcmp(locale, "zh") == 0) return "zh-CN";
    if (strcmp(locale, "en") == 0) return "en";
    return NULL;
}

/* Picks the highest-q supported language; ties keep header order. */
const char *i18n_negotiate(const char *h) {
    if (!h || !*h) return "zh-CN";
    const char *best = NULL;
    double best_q = -1;
    while (*h) {
        while (*h == ' ' || *h == ',') h++;
        const char *tag = h;
        while (*h && *h != ';' && *h != ',' && *h != ' ') h++;
        size_t tag_len = (size_t)(h - tag);
        double q = 1.0;
        while (*h && *h != ',') {
            if (h[0] == 'q' && h[1] == '=') q = strtod(h + 2, NULL);
            h++;
        }
        const char *match = NULL;
        if (tag_len >= 2 && tolower((unsigned char)tag[0]) == 'z' && tolower((unsigned char)tag[1]) == 'h')
            match = "zh-CN";
        else if (tag_len >= 2 && tolower((unsigned char)tag[0]) == 'e' && tolower((unsigned char)tag[1]) == 'n')
            match = "en";
        if (match && q > best_q && q > 0) best = match, best_q = q;
    }
    return best ? best : "zh-CN";
}

void i18n_format_int(const char *locale, int64_t v, char *out, size_t n) {
    (void)locale; /* zh-CN and en both group by thousands with ',' */
    char digits[24];
    uint64_t u = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    int nd = 0;
    do digits[nd++] = (char)('0' + u % 10), u /= 10;
    while (u);
    size_t w = 0;
    if (v < 0 && w + 1 < n) out[w++] = '-';
    for (int i = nd - 1; i >= 0 && w + 1 < n; i--) {
        out[w++] = digits[i];
        if (i > 0 && i % 3 == 0 && w + 1 < n) out[w++] = ',';
    }
    out[w] = 0;
}

void i18n_each_key(const char *locale, void (*fn)(const char *key, void *ctx), void *ctx) {
    const Catalog *c = find_catalog(locale);
    if (!c) return;
    for (size_t i = 0; i < c->n_slots; i++)
        if (c->slots[i].key) fn(c->slots[i].key, ctx);
}
