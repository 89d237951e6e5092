/* fuzz_xes.c — the XES reader (evlog_read_mem, src/analysis/xes.c) and the
 * writers. Whatever the input: an error names a place within the text (or
 * none, for gzip); a log that reads has consistent columns; writing it as XES
 * and reading that back gives the same events, and writing again gives the
 * same bytes; its CSV reads back with the same number of events. */
#include <string.h>

#include "analysis.h"
#include "buf.h"
#include "fuzz.h"

static int to_buf(void *ctx, const char *bytes, size_t n) {
    buf_append(ctx, bytes, n);
    return 0;
}

static void check_log(const EventLog *log) {
    for (size_t i = 0; i < log->n_events; i++) {
        FUZZ_CHECK(log->ev_case[i] < log->cases.n && log->ev_activity[i] < log->activities.n, "index out of range");
        FUZZ_CHECK(log->ev_resource[i] == EVLOG_NONE || log->ev_resource[i] < log->resources.n, "resource");
        FUZZ_CHECK(log->ev_lifecycle[i] == EVLOG_NONE || log->ev_lifecycle[i] < log->lifecycles.n, "lifecycle");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    long lines = 1;
    for (size_t i = 0; i < size; i++) lines += data[i] == '\n';
    EventLog *log = evlog_new();
    EvError err;
    if (evlog_read_mem(log, (const char *)data, size, EVF_XES, NULL, &err) != 0) {
        FUZZ_CHECK(err.message[0] && err.line >= 0 && err.line <= lines && err.column >= 0, "error %ld:%ld %s",
                   err.line, err.column, err.message);
        evlog_free(log);
        return 0;
    }
    check_log(log);
    Buf x1 = {0}, x2 = {0}, csv = {0};
    FUZZ_CHECK(evlog_write_xes(log, to_buf, &x1) == 0, "write xes");
    EventLog *back = evlog_new();
    FUZZ_CHECK(evlog_read_mem(back, x1.data, x1.len, EVF_AUTO, NULL, &err) == 0,
               "written XES does not read: %ld:%ld %s", err.line, err.column, err.message);
    FUZZ_CHECK(back->n_events == log->n_events && back->cases.n == log->cases.n, "round trip changed the counts");
    FUZZ_CHECK(evlog_write_xes(back, to_buf, &x2) == 0, "write xes again");
    FUZZ_CHECK(x1.len == x2.len && memcmp(x1.data, x2.data, x1.len) == 0, "second write differs");
    FUZZ_CHECK(evlog_write_csv(log, to_buf, &csv) == 0, "write csv");
    EventLog *from_csv = evlog_new();
    FUZZ_CHECK(evlog_read_mem(from_csv, csv.data, csv.len, EVF_CSV, NULL, &err) == 0,
               "written CSV does not read: %ld:%ld %s", err.line, err.column, err.message);
    FUZZ_CHECK(from_csv->n_events == log->n_events, "CSV round trip changed the count");
    evlog_free(from_csv);
    evlog_free(back);
    evlog_free(log);
    buf_free(&x1);
    buf_free(&x2);
    buf_free(&csv);
    return 0;
}
