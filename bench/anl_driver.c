/* anl_driver.c — stand-in for `opsdesk analyze FILE --json` while the CLI
 * command is not there: reads the file with evlog_read_file and, when built
 * with -DANL_FULL (anl_run exists in the analysis library), runs every figure
 * and writes the JSON to stdout. Prints cases/events to stderr.
 *
 *   anl_driver FILE */
#include <stdio.h>
#include <stdlib.h>

#include "analysis.h"
#ifdef ANL_FULL
#include "buf.h"
#endif

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: anl_driver FILE\n");
        return 2;
    }
    EventLog *log = evlog_new();
    EvError err;
    if (!log || evlog_read_file(log, argv[1], EVF_AUTO, NULL, NULL, NULL, &err) != 0) {
        fprintf(stderr, "%s:%ld:%ld: %s\n", argv[1], err.line, err.column, err.message);
        return 1;
    }
    fprintf(stderr, "cases %u events %zu activities %u resources %u\n", log->cases.n, log->n_events, log->activities.n,
            log->resources.n);
#ifdef ANL_FULL
    Arena *a = arena_new();
    Analysis *an;
    char msg[256];
    if (anl_run(a, log, NULL, &an, msg, sizeof msg) != 0) {
        fprintf(stderr, "analysis: %s\n", msg);
        return 1;
    }
    Buf b = {0};
    JsonW w;
    jw_init(&w, &b);
    anl_write_json(&w, an);
    fwrite(b.data, 1, b.len, stdout);
    buf_free(&b);
    arena_free(a);
#endif
    evlog_free(log);
    return 0;
}
