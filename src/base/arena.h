/* arena.h — bump allocator: one per request (or per job), freed in one call.
 * Handlers never free(); everything they allocate lives until arena_free().
 * Not thread-safe: an arena belongs to exactly one thread at a time. */
#ifndef OPSDESK_ARENA_H
#define OPSDESK_ARENA_H
#include <stdarg.h>
#include <stddef.h>

typedef struct ArenaChunk ArenaChunk;
typedef struct Arena {
    ArenaChunk *head; /* newest chunk; allocations come from it */
    size_t used;      /* bytes used in head */
    size_t total;     /* bytes handed out over the arena's life (for metrics) */
} Arena;

/* Returns a new empty arena (caller frees with arena_free). Aborts on OOM. */
Arena *arena_new(void);
/* Frees every chunk and the arena itself. NULL is allowed. */
void arena_free(Arena *a);
/* Returns n bytes, aligned to 16, zeroed. Arena memory. */
void *arena_alloc(Arena *a, size_t n);
/* Copies s (or its first n bytes) into the arena, NUL-terminated. NULL → NULL. */
char *arena_strdup(Arena *a, const char *s);
char *arena_strndup(Arena *a, const char *s, size_t n);
/* printf into arena memory. */
char *arena_printf(Arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(Arena *a, const char *fmt, va_list ap);

#endif
