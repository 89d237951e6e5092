/* embed.c — lookup in build-time embedded file tables. */
#include "embed.h"

#include <string.h>

const EmbedFile *embed_find(const EmbedFile *table, const char *name) {
    for (; table->name; table++)
        if (strcmp(table->name, name) == 0) return table;
    return NULL;
}
