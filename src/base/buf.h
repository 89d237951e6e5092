/* buf.h — growable byte buffer on malloc, used for response bodies (handed to
 * libmicrohttpd without a copy) and anything built incrementally.
 * The buffer owns its data until buf_take() passes ownership to the caller. */
#ifndef OPSDESK_BUF_H
#define OPSDESK_BUF_H
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

typedef struct Buf {
    char *data; /* NUL-terminated when len > 0 or after buf_cstr() */
    size_t len; /* bytes written */
    size_t cap; /* bytes allocated */
} Buf;

/* Grows the buffer (slow path of buf_reserve). */
void buf_grow(Buf *b, size_t extra);
/* Ensures room for extra more bytes plus the terminating NUL. Inline: the JSON
 * and HTML writers call these for every value they write. */
static inline void buf_reserve(Buf *b, size_t extra) {
    if (b->len + extra + 1 > b->cap) buf_grow(b, extra);
}
static inline void buf_append(Buf *b, const void *p, size_t n) {
    buf_reserve(b, n);
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
}
static inline void buf_putc(Buf *b, char c) {
    buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = 0;
}
void buf_puts(Buf *b, const char *s);
void buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(Buf *b, const char *fmt, va_list ap);
/* Returns the data, NUL-terminated (never NULL). Buffer keeps ownership. */
const char *buf_cstr(Buf *b);
/* Passes ownership of the data to the caller (free()); the buffer becomes empty. */
char *buf_take(Buf *b, size_t *len);
void buf_reset(Buf *b);
void buf_free(Buf *b);

#endif
