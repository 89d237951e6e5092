/* fuzz_evcsv.c — the CSV event-log reader (src/analysis/evcsv.c), with
 * columns auto-detected or, when the input starts with '!', named (case,
 * activity, timestamp, start). Whatever the input: an error names a line
 * within the text; a log that reads has consistent columns, and its XES and
 * CSV exports read back with the same number of events. */
#include <string.h>

#include "analysis.h"
#include "buf.h"
#include "fuzz.h"

static int to_buf(void *ctx, const char *bytes, size_t n) {
    buf_append(ctx, bytes, n);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    EvCsvColumns named = {
        .case_col = "case", .activity_col = "activity", .timestamp_col = "timestamp", .start_timestamp_col = "start"};
    const EvCsvColumns *cols = NULL;
    if (size && data[0] == '!') {
        cols = &named;
        data++;
        size--;
    }
    long lines = 1;
    for (size_t i = 0; i < size; i++) lines += data[i] == '\n';
    EventLog *log = evlog_new();
    EvError err;
    if (evlog_read_mem(log, (const char *)data, size, EVF_CSV, cols, &err) != 0) {
        FUZZ_CHECK(err.message[0] && err.line >= 0 && err.line <= lines && err.column >= 0, "error %ld:%ld %s",
                   err.line, err.column, err.message);
        evlog_free(log);
        return 0;
    }
    for (size_t i = 0; i < log->n_events; i++)
        FUZZ_CHECK(log->ev_case[i] < log->cases.n && log->ev_activity[i] < log->activities.n, "index out of range");
    Buf x = {0}, csv = {0};
    FUZZ_CHECK(evlog_write_xes(log, to_buf, &x) == 0 && evlog_write_csv(log, to_buf, &csv) == 0, "write");
    EventLog *a = evlog_new(), *b = evlog_new();
    FUZZ_CHECK(evlog_read_mem(a, x.data, x.len, EVF_XES, NULL, &err) == 0, "written XES does not read: %ld:%ld %s",
               err.line, err.column, err.message);
    FUZZ_CHECK(evlog_read_mem(b, csv.data, csv.len, EVF_CSV, NULL, &err) == 0, "written CSV does not read: %ld:%ld %s",
               err.line, err.column, err.message);
    FUZZ_CHECK(a->n_events == log->n_events && b->n_events == log->n_events, "round trip changed the count");
    evlog_free(a);
    evlog_free(b);
    evlog_free(log);
    buf_free(&x);
    buf_free(&csv);
    return 0;
}
