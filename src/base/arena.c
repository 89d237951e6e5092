/* arena.c — chunked bump allocator. Chunks grow geometrically so that a request
 * that builds one large document does not make thousands of small chunks. */
#include "arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ArenaChunk {
    ArenaChunk *next; /* older chunk */
    size_t cap;       /* usable bytes in data */
    _Alignas(16) unsigned char data[];
};

enum { ARENA_FIRST_CHUNK = 8192 };

static ArenaChunk *chunk_new(size_t cap, ArenaChunk *next) {
    ArenaChunk *c = malloc(sizeof *c + cap);
    if (!c) {
        fputs("opsdesk: out of memory\n", stderr);
        abort();
    }
    c->next = next;
    c->cap = cap;
    return c;
}

Arena *arena_new(void) {
    Arena *a = calloc(1, sizeof *a);
    if (!a) {
        fputs("opsdesk: out of memory\n", stderr);
        abort();
    }
    a->head = chunk_new(ARENA_FIRST_CHUNK, NULL);
    return a;
}

void arena_free(Arena *a) {
    if (!a) return;
    ArenaChunk *c = a->head;
    while (c) {
        ArenaChunk *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}

void *arena_alloc(Arena *a, size_t n) {
    size_t need = (n + 15u) & ~(size_t)15u;
    if (need < n) abort(); /* overflow: a programmer error, sizes are bounded upstream */
    if (a->used + need > a->head->cap) {
        size_t cap = a->head->cap * 2;
        if (cap < need) cap = need;
        a->head = chunk_new(cap, a->head);
        a->used = 0;
    }
    void *p = a->head->data + a->used;
    a->used += need;
    a->total += need;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n) {
    if (!s) return NULL;
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *arena_strdup(Arena *a, const char *s) { return s ? arena_strndup(a, s, strlen(s)) : NULL; }

char *arena_vprintf(Arena *a, const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) return arena_strdup(a, "");
    char *p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *arena_printf(Arena *a, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}
