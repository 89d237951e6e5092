/* expat_count.c — the benchmark's reference: a bare libexpat pass that only
 * counts <event> elements (namespace-aware names end in "event"). Plain files
 * are read in 1 MiB blocks; .gz files through zlib's gzread on the same thread
 * (what a straightforward expat importer does). Prints the count.
 *
 *   expat_count FILE[.gz] */
#include <expat.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

static void on_start(void *ud, const XML_Char *name, const XML_Char **attrs) {
    (void)attrs;
    size_t n = strlen(name);
    if (n >= 5 && strcmp(name + n - 5, "event") == 0 && (n == 5 || name[n - 6] == ':' || name[n - 6] == '|'))
        ++*(long *)ud;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: expat_count FILE\n");
        return 2;
    }
    gzFile f = gzopen(argv[1], "rb"); /* reads plain files unchanged too */
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    gzbuffer(f, 1 << 20);
    XML_Parser p = XML_ParserCreate(NULL);
    long events = 0;
    XML_SetUserData(p, &events);
    XML_SetStartElementHandler(p, on_start);
    for (;;) {
        void *buf = XML_GetBuffer(p, 1 << 20);
        int n = gzread(f, buf, 1 << 20);
        if (n < 0) {
            fprintf(stderr, "read error\n");
            return 1;
        }
        if (XML_ParseBuffer(p, n, n == 0) == XML_STATUS_ERROR) {
            fprintf(stderr, "%s at line %lu\n", XML_ErrorString(XML_GetErrorCode(p)),
                    (unsigned long)XML_GetCurrentLineNumber(p));
            return 1;
        }
        if (n == 0) break;
    }
    printf("%ld\n", events);
    XML_ParserFree(p);
    gzclose(f);
    return 0;
}
