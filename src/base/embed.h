/* embed.h — files compiled into the binary by scripts/embed.py. */
#ifndef OPSDESK_EMBED_H
#define OPSDESK_EMBED_H
#include <stddef.h>

typedef struct EmbedFile {
    const char *name;          /* path relative to its root, e.g. "001_org.sql" */
    const unsigned char *data; /* NUL-terminated for convenience */
    size_t len;
} EmbedFile;

/* Finds name in a NULL-terminated table, or NULL. */
const EmbedFile *embed_find(const EmbedFile *table, const char *name);

#endif
