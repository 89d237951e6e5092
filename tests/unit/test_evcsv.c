/* test_evcsv.c — the CSV event-log reader (src/analysis/evcsv.c): column
 * auto-detection (English, XES-style and Chinese headers) and explicit
 * columns, every timestamp format, mixed formats refused with line and
 * column, missing columns, broken quotes, BOM, semicolon and tab delimiters,
 * RFC 4180 quoting, interval rows (start + complete), case attributes, and
 * reading .csv / .csv.gz files. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "../../src/analysis/analysis.h"

static EventLog *csv_ok(const char *text, const EvCsvColumns *cols) {
    EventLog *log = evlog_new();
    EvError err;
    if (evlog_read_mem(log, text, strlen(text), EVF_CSV, cols, &err) != 0)
        fail_msg("refused: %ld:%ld %s", err.line, err.column, err.message);
    return log;
}

static void csv_bad(const char *text, const EvCsvColumns *cols, long line, long column, const char *needle) {
    EventLog *log = evlog_new();
    EvError err;
    if (evlog_read_mem(log, text, strlen(text), EVF_CSV, cols, &err) == 0) fail_msg("accepted: %s", text);
    if (err.line != line || err.column != column || !strstr(err.message, needle))
        fail_msg("got %ld:%ld \"%s\", want %ld:%ld \"…%s…\"", err.line, err.column, err.message, line, column, needle);
    evlog_free(log);
}

static const char *str_of(const StrPool *p, uint32_t i) { return i == EVLOG_NONE ? "" : p->strs[i]; }

static void test_evcsv_detects_columns_from_common_headers(void **state) {
    (void)state;
    EventLog *log = csv_ok("Case_ID,Activity,Timestamp,Resource,Lifecycle,extra\n"
                           "1,Register,2020-01-01T08:00:00Z,Ann,start,x\n"
                           "1,Register,2020-01-01T09:00:00Z,Ann,COMPLETE,x\n"
                           "2,Check,2020-01-02T00:00:00+01:00,,,\n",
                           NULL);
    assert_int_equal(log->n_events, 3);
    assert_int_equal(log->cases.n, 2);
    assert_string_equal(str_of(&log->activities, log->ev_activity[0]), "Register");
    assert_string_equal(str_of(&log->resources, log->ev_resource[0]), "Ann");
    assert_int_equal(log->ev_kind[0], EV_START);
    assert_int_equal(log->ev_kind[1], EV_COMPLETE);
    assert_int_equal(log->ev_time_ms[0], 1577865600000LL);
    assert_int_equal(log->ev_time_ms[2], 1577919600000LL);
    assert_int_equal(log->ev_resource[2], EVLOG_NONE);
    assert_int_equal(log->ev_lifecycle[2], EVLOG_NONE);
    assert_int_equal(log->n_case_attrs, 0);
    evlog_free(log);
    /* XES-style names, case: columns as case attributes (the pm4py export) */
    log = csv_ok("case:channel,case:concept:name,concept:name,lifecycle:transition,org:resource,time:timestamp\n"
                 "Internet,case-1,Confirm,complete,R21,2011-10-11 13:45:40.276000+02:00\n"
                 "Internet,case-1,Check,complete,R10,2011-10-12 08:26:25.398000+02:00\n"
                 "Post,case-2,Confirm,complete,R21,2011-10-18 13:46:39.679000+02:00\n",
                 NULL);
    assert_int_equal(log->n_events, 3);
    assert_string_equal(log->cases.strs[1], "case-2");
    assert_int_equal(log->ev_time_ms[0], 1318333540276LL);
    assert_int_equal(log->n_case_attrs, 2);
    assert_string_equal(log->attr_keys.strs[log->case_attrs[1].key], "channel");
    assert_string_equal(log->attr_values.strs[log->case_attrs[1].value], "Post");
    evlog_free(log);
    /* Chinese headers */
    log = csv_ok("订单号,活动,时间,执行人\nA-1,下单,2024-03-01 09:00,张三\nA-1,发货,2024-03-02 10:30,李四\n", NULL);
    assert_int_equal(log->n_events, 2);
    assert_string_equal(log->activities.strs[1], "发货");
    assert_string_equal(log->resources.strs[0], "张三");
    assert_int_equal(log->ev_time_ms[1] - log->ev_time_ms[0], (24 * 60 + 90) * 60000LL);
    evlog_free(log);
}

static void test_evcsv_explicit_columns_and_case_attributes(void **state) {
    (void)state;
    const char *attrs[] = {"Region", NULL};
    EvCsvColumns cols = {.case_col = "Ticket",
                         .activity_col = "Step",
                         .timestamp_col = "When",
                         .resource_col = "Who",
                         .case_attr_columns = attrs};
    EventLog *log = csv_ok("Ticket,Step,When,Who,Region,case_id\n"
                           "T1,Open,2020-01-01 10:00:00,Bo,North,zzz\n"
                           "T1,Close,2020-01-01 11:00:00,Bo,South,zzz\n",
                           &cols);
    assert_int_equal(log->n_events, 2);
    assert_string_equal(log->cases.strs[0], "T1"); /* not the case_id column */
    assert_int_equal(log->n_case_attrs, 1);        /* from the case's first row */
    assert_string_equal(log->attr_keys.strs[0], "Region");
    assert_string_equal(log->attr_values.strs[0], "North");
    evlog_free(log);
}

static void test_evcsv_every_timestamp_format(void **state) {
    (void)state;
    const char *rows[][3] = {
        {"2020-01-01T00:00:00Z", "2020-01-01T08:00:00.999+08:00", "999"},
        {"2020-01-01 00:00", "2020-01-01 01:30", "5400000"},
        {"2020-01-01 00:00:00.0", "2020-01-01 00:00:00.623456", "623"},
        {"2020-01-01T00:00:00", "2020-01-01T00:00:00+0100", "-3600000"},
        {"2020/01/01 00:00:00", "2020/01/02 00:00", "86400000"},
        {"01.01.2020 00:00", "31.01.2020 12:00:30", "2635230000"},
        {"1577836800", "1577836860", "60000"},
        {"1577836800000", "1577836800250", "250"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "case,activity,timestamp\n1,a,%s\n1,b,%s\n", rows[i][0], rows[i][1]);
        EventLog *log = csv_ok(text, NULL);
        assert_int_equal(log->n_events, 2);
        assert_int_equal(log->ev_time_ms[0], 1577836800000LL);
        if (log->ev_time_ms[1] - log->ev_time_ms[0] != strtoll(rows[i][2], NULL, 10))
            fail_msg("%s → %s: %lld", rows[i][0], rows[i][1], (long long)(log->ev_time_ms[1] - log->ev_time_ms[0]));
        evlog_free(log);
    }
}

static void test_evcsv_mixed_formats_are_refused_with_line_and_column(void **state) {
    (void)state;
    csv_bad("case,activity,timestamp\n1,a,2020-01-01 10:00\n1,b,2020-01-01 11:00\n1,c,01.02.2020 10:00\n", NULL, 4, 5,
            "mixed formats");
    csv_bad("case,activity,timestamp\n1,a,1577836800\n2,b,2020/01/01 10:00\n", NULL, 3, 5, "mixed formats");
    csv_bad("case,activity,timestamp\n1,a,2020-01-01 10:00\n1,b,2020-02-30 10:00\n", NULL, 3, 5, "bad timestamp");
    csv_bad("case,activity,timestamp\n1,a,yesterday\n", NULL, 2, 5, "not in a known format");
    csv_bad("case,activity,timestamp\n1,a,\n", NULL, 2, 5, "empty timestamp");
    csv_bad("case,activity,timestamp\n,a,2020-01-01\n", NULL, 2, 1, "empty case id");
}

static void test_evcsv_missing_column_is_named(void **state) {
    (void)state;
    csv_bad("case,timestamp\n1,2020-01-01\n", NULL, 1, 0, "no activity column");
    csv_bad("id,activity,timestamp\n1,a,2020-01-01\n", NULL, 1, 0, "no case column");
    EvCsvColumns cols = {.resource_col = "Owner"};
    csv_bad("case,activity,timestamp\n1,a,2020-01-01\n", &cols, 1, 0,
            "the resource column \"Owner\" is not in the header");
    csv_bad("case,activity,timestamp\n1,a\n", NULL, 2, 3, "the row has 2 fields; the header has 3");
    csv_bad("", NULL, 1, 1, "empty");
}

static void test_evcsv_broken_quote(void **state) {
    (void)state;
    csv_bad("case,activity,timestamp\n1,\"a,2020-01-01\n2,b,2020-01-01\n", NULL, 2, 3, "never closed");
    csv_bad("case,activity,timestamp\n1,\"a\"x,2020-01-01\n", NULL, 2, 6, "after a closing quote");
}

static void test_evcsv_quoting_bom_delimiters_and_crlf(void **state) {
    (void)state;
    /* BOM, semicolon, quoted delimiter, doubled quotes, a newline inside quotes, CRLF */
    EventLog *log = csv_ok("\xEF\xBB\xBF"
                           "case;activity;timestamp\r\n"
                           "1;\"say \"\"hi\"\"; twice\";2020-01-01\r\n"
                           "1;\"two\nlines\";2020-01-02\r\n"
                           "\r\n"
                           "2;plain;2020-01-03\r\n",
                           NULL);
    assert_int_equal(log->n_events, 3);
    assert_string_equal(log->cases.strs[0], "1");
    assert_string_equal(log->activities.strs[0], "say \"hi\"; twice");
    assert_string_equal(log->activities.strs[1], "two\nlines");
    assert_string_equal(log->activities.strs[2], "plain");
    evlog_free(log);
    log = csv_ok("case\tactivity\ttimestamp\n1\ta, b\t2020-01-01\n", NULL);
    assert_string_equal(log->activities.strs[0], "a, b");
    evlog_free(log);
    /* the error line counts the newline inside quotes */
    csv_bad("case,activity,timestamp\n1,\"two\nlines\",2020-01-01\n1,b,x\n", NULL, 4, 5, "bad timestamp \"x\"");
}

static void test_evcsv_interval_rows_make_a_start_and_a_complete(void **state) {
    (void)state;
    EventLog *log = csv_ok("case,activity,start_timestamp,timestamp,resource\n"
                           "1,Pick,2020-01-01 10:00,2020-01-01 10:45,Ann\n"
                           "1,Pack,,2020-01-01 11:00,Bo\n",
                           NULL);
    assert_int_equal(log->n_events, 3);
    assert_int_equal(log->ev_kind[0], EV_START);
    assert_int_equal(log->ev_kind[1], EV_COMPLETE);
    assert_int_equal(log->ev_time_ms[1] - log->ev_time_ms[0], 45 * 60000);
    assert_int_equal(log->ev_activity[0], log->ev_activity[1]);
    assert_string_equal(str_of(&log->resources, log->ev_resource[1]), "Ann");
    assert_int_equal(log->ev_kind[2], EV_COMPLETE); /* no start: an instant */
    evlog_free(log);
}

static void test_evcsv_invalid_utf8_names_its_place(void **state) {
    (void)state;
    csv_bad("case,activity,timestamp\n1,ok,2020-01-01\n1,bad\xC3,2020-01-01\n", NULL, 3, 6, "invalid UTF-8");
}

static void test_evcsv_reads_files_plain_and_gzip(void **state) {
    (void)state;
    const char *text = "case,activity,timestamp\n1,a,2020-01-01T00:00:00Z\n1,b,2020-01-01T00:01:00Z\n";
    char path[128];
    for (int gz = 0; gz < 2; gz++) {
        snprintf(path, sizeof path, "/tmp/test_evcsv_%d%s", (int)getpid(), gz ? ".csv.gz" : ".csv");
        if (gz) {
            gzFile f = gzopen(path, "wb");
            assert_non_null(f);
            assert_int_equal(gzwrite(f, text, (unsigned)strlen(text)), (int)strlen(text));
            gzclose(f);
        } else {
            FILE *f = fopen(path, "wb");
            assert_non_null(f);
            fputs(text, f);
            fclose(f);
        }
        EventLog *log = evlog_new();
        EvError err;
        if (evlog_read_file(log, path, EVF_AUTO, NULL, NULL, NULL, &err) != 0)
            fail_msg("%ld:%ld %s", err.line, err.column, err.message);
        assert_int_equal(log->n_events, 2);
        assert_int_equal(log->ev_time_ms[1] - log->ev_time_ms[0], 60000);
        evlog_free(log);
        unlink(path);
    }
    EventLog *log = evlog_new();
    EvError err;
    assert_int_equal(evlog_read_file(log, "/nonexistent/x.csv", EVF_AUTO, NULL, NULL, NULL, &err), -1);
    assert_non_null(strstr(err.message, "cannot open"));
    evlog_free(log);
}

/* A .csv.gz of a header and 80 MiB of one cell (about 80 KB compressed):
 * the CSV reader holds the whole text in memory, so the inflation must stop
 * at 64 MiB once past 200× the compressed size — from memory (the upload
 * path) and from a file (the command line). */
static void test_evcsv_gzip_bomb_ends_in_a_bounded_error(void **state) {
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "/tmp/test_evcsv_bomb_%d.csv.gz", (int)getpid());
    gzFile f = gzopen(path, "wb9");
    assert_non_null(f);
    gzputs(f, "case,activity,timestamp\n1,");
    static char run[1 << 20];
    memset(run, 'a', sizeof run);
    for (int i = 0; i < 80; i++) assert_int_equal(gzwrite(f, run, sizeof run), (int)sizeof run);
    gzputs(f, ",2020-01-01\n");
    gzclose(f);
    FILE *in = fopen(path, "rb");
    assert_non_null(in);
    static char gz[1 << 20];
    size_t n = fread(gz, 1, sizeof gz, in);
    fclose(in);
    assert_true(n > 0 && n < ((size_t)200 << 10));
    EventLog *log = evlog_new();
    EvError err;
    for (int from_file = 0; from_file < 2; from_file++) {
        int rc = from_file ? evlog_read_file(log, path, EVF_AUTO, NULL, NULL, NULL, &err)
                           : evlog_read_mem(log, gz, n, EVF_CSV, NULL, &err);
        assert_int_equal(rc, -1);
        if (!strstr(err.message, "decompression bomb")) fail_msg("wrong error: %s", err.message);
    }
    assert_int_equal(log->n_events, 0);
    evlog_free(log);
    unlink(path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_evcsv_detects_columns_from_common_headers),
        cmocka_unit_test(test_evcsv_explicit_columns_and_case_attributes),
        cmocka_unit_test(test_evcsv_every_timestamp_format),
        cmocka_unit_test(test_evcsv_mixed_formats_are_refused_with_line_and_column),
        cmocka_unit_test(test_evcsv_missing_column_is_named),
        cmocka_unit_test(test_evcsv_broken_quote),
        cmocka_unit_test(test_evcsv_quoting_bom_delimiters_and_crlf),
        cmocka_unit_test(test_evcsv_interval_rows_make_a_start_and_a_complete),
        cmocka_unit_test(test_evcsv_invalid_utf8_names_its_place),
        cmocka_unit_test(test_evcsv_reads_files_plain_and_gzip),
        cmocka_unit_test(test_evcsv_gzip_bomb_ends_in_a_bounded_error),
    };
    return UNIT_RUN("evcsv", tests);
}
