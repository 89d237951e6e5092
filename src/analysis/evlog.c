/* evlog.c — the columnar event log: interned strings and one array per field.
 * Readers append here; the analysis only reads. No parsing and no analysis in
 * this file. Interning makes every activity/resource/case comparison an
 * integer comparison and keeps memory per event at 29 bytes. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

/* Bytes of interned strings live in chunks that never move, so strs[i] stays valid. */
struct StrChunk {
    struct StrChunk *next;
    size_t used, cap;
    char data[];
};

static uint32_t hash_bytes(const char *s, size_t n) {
    /* FNV-1a: short keys, good enough spread, no dependency */
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static void strpool_free(StrPool *p) {
    for (struct StrChunk *c = p->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(p->strs);
    free(p->lens);
    free(p->slots);
    memset(p, 0, sizeof *p);
}

static char *pool_bytes(StrPool *p, const char *s, size_t n) {
    struct StrChunk *c = p->chunks;
    if (!c || c->cap - c->used < n + 1) {
        size_t cap = n + 1 > 65536 ? n + 1 : 65536;
        c = malloc(sizeof *c + cap);
        if (!c) return NULL;
        c->next = p->chunks;
        c->used = 0;
        c->cap = cap;
        p->chunks = c;
    }
    char *d = c->data + c->used;
    memcpy(d, s, n);
    d[n] = 0;
    c->used += n + 1;
    return d;
}

static int pool_grow_slots(StrPool *p) {
    uint32_t n_slots = p->n_slots ? p->n_slots * 2 : 64;
    uint32_t *slots = calloc(n_slots, sizeof *slots);
    if (!slots) return -1;
    for (uint32_t i = 0; i < p->n; i++) {
        uint32_t j = hash_bytes(p->strs[i], p->lens[i]) & (n_slots - 1);
        while (slots[j]) j = (j + 1) & (n_slots - 1);
        slots[j] = i + 1;
    }
    free(p->slots);
    p->slots = slots;
    p->n_slots = n_slots;
    return 0;
}

uint32_t strpool_find(const StrPool *p, const char *s, size_t n) {
    if (!p->n_slots) return EVLOG_NONE;
    uint32_t mask = p->n_slots - 1;
    for (uint32_t j = hash_bytes(s, n) & mask; p->slots[j]; j = (j + 1) & mask) {
        uint32_t i = p->slots[j] - 1;
        if (p->lens[i] == n && memcmp(p->strs[i], s, n) == 0) return i;
    }
    return EVLOG_NONE;
}

uint32_t strpool_intern(StrPool *p, const char *s, size_t n) {
    if ((uint64_t)(p->n + 1) * 2 >= p->n_slots && pool_grow_slots(p) != 0) return EVLOG_NONE;
    uint32_t mask = p->n_slots - 1;
    uint32_t j = hash_bytes(s, n) & mask;
    for (; p->slots[j]; j = (j + 1) & mask) {
        uint32_t i = p->slots[j] - 1;
        if (p->lens[i] == n && memcmp(p->strs[i], s, n) == 0) return i;
    }
    if (n >= UINT32_MAX || p->n >= EVLOG_NONE - 1) return EVLOG_NONE;
    if (p->n == p->cap) {
        uint32_t cap = p->cap ? p->cap * 2 : 64;
        char **strs = realloc(p->strs, cap * sizeof *strs);
        if (!strs) return EVLOG_NONE;
        p->strs = strs;
        uint32_t *lens = realloc(p->lens, cap * sizeof *lens);
        if (!lens) return EVLOG_NONE;
        p->lens = lens;
        p->cap = cap;
    }
    char *d = pool_bytes(p, s, n);
    if (!d) return EVLOG_NONE;
    p->strs[p->n] = d;
    p->lens[p->n] = (uint32_t)n;
    p->slots[j] = p->n + 1;
    return p->n++;
}

EventLog *evlog_new(void) { return calloc(1, sizeof(EventLog)); }

void evlog_free(EventLog *log) {
    if (!log) return;
    free(log->ev_case);
    free(log->ev_activity);
    free(log->ev_resource);
    free(log->ev_lifecycle);
    free(log->ev_kind);
    free(log->ev_time_ms);
    strpool_free(&log->cases);
    strpool_free(&log->activities);
    strpool_free(&log->resources);
    strpool_free(&log->lifecycles);
    strpool_free(&log->attr_keys);
    strpool_free(&log->attr_values);
    free(log->case_attrs);
    free(log);
}

static bool eq_nocase(const char *s, size_t n, const char *lit) {
    size_t m = strlen(lit);
    if (n != m) return false;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)s[i]) != lit[i]) return false;
    return true;
}

EvKind evlog_kind_of(const char *lc, size_t n) {
    if (!lc || n == 0 || eq_nocase(lc, n, "complete")) return EV_COMPLETE;
    if (eq_nocase(lc, n, "start")) return EV_START;
    if (eq_nocase(lc, n, "skip") || eq_nocase(lc, n, "manualskip") || eq_nocase(lc, n, "autoskip")) return EV_SKIP;
    return EV_OTHER;
}

#define GROW(log, field)                                                                                               \
    do {                                                                                                               \
        void *p_ = realloc((log)->field, cap * sizeof *(log)->field);                                                  \
        if (!p_) return -1;                                                                                            \
        (log)->field = p_;                                                                                             \
    } while (0)

static int grow_events(EventLog *log) {
    size_t cap = log->cap_events ? log->cap_events * 2 : 1024;
    GROW(log, ev_case);
    GROW(log, ev_activity);
    GROW(log, ev_resource);
    GROW(log, ev_lifecycle);
    GROW(log, ev_kind);
    GROW(log, ev_time_ms);
    log->cap_events = cap;
    return 0;
}

int evlog_add_ix(EventLog *log, uint32_t case_no, uint32_t activity, uint32_t resource, uint32_t lifecycle,
                 int64_t time_ms) {
    if (case_no == EVLOG_NONE || activity == EVLOG_NONE) return -1;
    if (log->n_events == log->cap_events && grow_events(log) != 0) return -1;
    size_t i = log->n_events++;
    log->ev_case[i] = case_no;
    log->ev_activity[i] = activity;
    log->ev_resource[i] = resource;
    log->ev_lifecycle[i] = lifecycle;
    log->ev_kind[i] = (uint8_t)(lifecycle == EVLOG_NONE
                                    ? EV_COMPLETE
                                    : evlog_kind_of(log->lifecycles.strs[lifecycle], log->lifecycles.lens[lifecycle]));
    log->ev_time_ms[i] = time_ms;
    return 0;
}

int evlog_add(EventLog *log, const char *case_id, size_t case_n, const char *activity, size_t activity_n,
              const char *resource, size_t resource_n, const char *lifecycle, size_t lifecycle_n, int64_t time_ms) {
    uint32_t c = strpool_intern(&log->cases, case_id, case_n);
    uint32_t a = strpool_intern(&log->activities, activity, activity_n);
    uint32_t r = resource ? strpool_intern(&log->resources, resource, resource_n) : EVLOG_NONE;
    uint32_t l = lifecycle ? strpool_intern(&log->lifecycles, lifecycle, lifecycle_n) : EVLOG_NONE;
    if ((resource && r == EVLOG_NONE) || (lifecycle && l == EVLOG_NONE)) return -1;
    return evlog_add_ix(log, c, a, r, l, time_ms);
}

int evlog_case_attr(EventLog *log, uint32_t case_no, const char *key, size_t key_n, const char *value, size_t value_n) {
    uint32_t k = strpool_intern(&log->attr_keys, key, key_n);
    uint32_t v = strpool_intern(&log->attr_values, value, value_n);
    if (k == EVLOG_NONE || v == EVLOG_NONE) return -1;
    /* a case's attributes are written together, so a repeat is near the end */
    for (size_t i = log->n_case_attrs; i-- > 0 && log->case_attrs[i].case_no == case_no;)
        if (log->case_attrs[i].key == k) {
            log->case_attrs[i].value = v;
            return 0;
        }
    if (log->n_case_attrs == log->cap_case_attrs) {
        size_t cap = log->cap_case_attrs ? log->cap_case_attrs * 2 : 256;
        EvCaseAttr *p = realloc(log->case_attrs, cap * sizeof *p);
        if (!p) return -1;
        log->case_attrs = p;
        log->cap_case_attrs = cap;
    }
    log->case_attrs[log->n_case_attrs++] = (EvCaseAttr){case_no, k, v};
    return 0;
}
