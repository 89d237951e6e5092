/* test_xes.c — the XES reader (src/analysis/xes.c, evread.c) and the writers
 * (evwrite.c): every quirk of real logs (namespace or not, prefixed elements,
 * lifecycle case, both extension URI hosts, changing time-zone offsets,
 * gzip), every error with its exact line and column, the entity attacks
 * (billion laughs, XXE), reading across the 1 MiB read blocks of a file, and
 * round trips through evlog_write_xes / evlog_write_csv. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "../../src/analysis/analysis.h"
#include "buf.h"
#include "timeutil.h"

static EventLog *read_ok(const char *xes) {
    EventLog *log = evlog_new();
    EvError err;
    if (evlog_read_mem(log, xes, strlen(xes), EVF_AUTO, NULL, &err) != 0)
        fail_msg("refused: %ld:%ld %s", err.line, err.column, err.message);
    return log;
}

/* Reads text that must fail; returns the error. */
static EvError read_bad(const char *xes, size_t n) {
    EventLog *log = evlog_new();
    EvError err;
    if (evlog_read_mem(log, xes, n, EVF_XES, NULL, &err) == 0) fail_msg("accepted a broken log");
    evlog_free(log);
    return err;
}

static void assert_error(const char *xes, long line, long column, const char *needle) {
    EvError e = read_bad(xes, strlen(xes));
    if (e.line != line || e.column != column || !strstr(e.message, needle))
        fail_msg("got %ld:%ld \"%s\", want %ld:%ld \"…%s…\"", e.line, e.column, e.message, line, column, needle);
}

static const char *name_of(const StrPool *p, uint32_t i) { return i == EVLOG_NONE ? "" : p->strs[i]; }

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

/* Two cases, three events, written three ways that must read the same. */
static void check_small_log(EventLog *log) {
    assert_int_equal(log->n_events, 3);
    assert_int_equal(log->cases.n, 2);
    assert_string_equal(name_of(&log->cases, log->ev_case[0]), "c1");
    assert_string_equal(name_of(&log->activities, log->ev_activity[0]), "register");
    assert_string_equal(name_of(&log->resources, log->ev_resource[0]), "Pete");
    assert_int_equal(log->ev_kind[0], EV_START);
    assert_int_equal(log->ev_kind[1], EV_COMPLETE);
    assert_int_equal(log->ev_time_ms[0], 1317422324546LL);
    assert_string_equal(name_of(&log->cases, log->ev_case[2]), "c2");
    assert_int_equal(log->ev_resource[2], EVLOG_NONE);
    assert_int_equal(log->ev_lifecycle[2], EVLOG_NONE);
    assert_int_equal(log->ev_kind[2], EV_COMPLETE);
    evlog_free(log);
}

static void test_xes_reads_with_and_without_namespace_and_prefixes(void **state) {
    (void)state;
    check_small_log(read_ok(
        HEAD "<log xes.version=\"1.0\" xmlns=\"http://www.xes-standard.org/\">\n"
             "<extension name=\"Concept\" prefix=\"concept\" uri=\"http://www.xes-standard.org/concept.xesext\"/>\n"
             "<global scope=\"event\"><string key=\"concept:name\" value=\"x\"/></global>\n"
             "<classifier name=\"A\" keys=\"concept:name\"/>\n"
             "<trace><string key=\"concept:name\" value=\"c1\"/>\n"
             "<event><string key=\"concept:name\" value=\"register\"/><string key=\"org:resource\" value=\"Pete\"/>"
             "<string key=\"lifecycle:transition\" value=\"start\"/>"
             "<date key=\"time:timestamp\" value=\"2011-10-01T00:38:44.546+02:00\"/></event>\n"
             "<event><string key=\"concept:name\" value=\"register\"/><string key=\"lifecycle:transition\" "
             "value=\"complete\"/><date key=\"time:timestamp\" value=\"2011-10-01T01:00:00+02:00\"/></event>\n"
             "</trace>\n<trace><string key=\"concept:name\" value=\"c2\"/><event><string key=\"concept:name\" "
             "value=\"check\"/><date key=\"time:timestamp\" value=\"2011-10-02T00:00:00Z\"/></event></trace></log>\n"));
    /* no namespace, single quotes, spaces around '=' and before '/>' */
    check_small_log(
        read_ok("<log>\n<trace><string key='concept:name' value='c1' />\n"
                "<event><string key = 'concept:name' value = 'register'/><string key='org:resource' value='Pete'/>"
                "<string key='lifecycle:transition' value='start'/>"
                "<date key='time:timestamp' value='2011-10-01T00:38:44.546+02:00'/></event >\n"
                "<event><string key='concept:name' value='register'/><date key='time:timestamp' "
                "value='2011-10-01T01:00:00+02:00'/></event>\n</trace>\n<trace><string key='concept:name' value='c2'/>"
                "<event><string key='concept:name' value='check'/><date key='time:timestamp' "
                "value='2011-10-02T00:00:00Z'/></event></trace></log>"));
    /* prefixed elements: <xes:log xmlns:xes=…> */
    check_small_log(read_ok(
        HEAD "<xes:log xmlns:xes=\"http://www.xes-standard.org/\"><xes:trace><xes:string key=\"concept:name\" "
             "value=\"c1\"/><xes:event><xes:string key=\"concept:name\" value=\"register\"/><xes:string "
             "key=\"org:resource\" value=\"Pete\"/><xes:string key=\"lifecycle:transition\" value=\"start\"/>"
             "<xes:date key=\"time:timestamp\" value=\"2011-10-01T00:38:44.546+02:00\"/></xes:event><xes:event>"
             "<xes:string key=\"concept:name\" value=\"register\"/><xes:date key=\"time:timestamp\" "
             "value=\"2011-10-01T01:00:00+02:00\"/></xes:event></xes:trace><xes:trace><xes:string "
             "key=\"concept:name\" value=\"c2\"/><xes:event><xes:string key=\"concept:name\" value=\"check\"/>"
             "<xes:date key=\"time:timestamp\" value=\"2011-10-02T00:00:00Z\"/></xes:event></xes:trace></xes:log>"));
}

#define EV(act, lc, ts)                                                                                                \
    "<event><string key=\"concept:name\" value=\"" act "\"/><string key=\"lifecycle:transition\" value=\"" lc          \
    "\"/><date key=\"time:timestamp\" value=\"" ts "\"/></event>"

static void test_xes_lifecycle_values_in_any_case(void **state) {
    (void)state;
    EventLog *log =
        read_ok("<log><trace><string key=\"concept:name\" value=\"1\"/>" EV("a", "START", "2020-01-01")
                    EV("a", "Complete", "2020-01-02") EV("a", "SCHEDULE", "2020-01-03")
                        EV("a", "manualskip", "2020-01-04") EV("a", "start", "2020-01-05") "</trace></log>");
    assert_int_equal(log->n_events, 5);
    assert_int_equal(log->ev_kind[0], EV_START);
    assert_int_equal(log->ev_kind[1], EV_COMPLETE);
    assert_int_equal(log->ev_kind[2], EV_OTHER);
    assert_int_equal(log->ev_kind[3], EV_SKIP);
    assert_int_equal(log->ev_kind[4], EV_START);
    assert_string_equal(name_of(&log->lifecycles, log->ev_lifecycle[0]), "START"); /* raw value kept */
    assert_int_equal(log->ev_time_ms[1] - log->ev_time_ms[0], 86400000);
    evlog_free(log);
}

static void test_xes_extension_prefixes_from_either_uri_host(void **state) {
    (void)state;
    /* keys under declared prefixes: cn:name, t:timestamp, o:resource, lc:transition */
    EventLog *log =
        read_ok("<log><extension name=\"Concept\" prefix=\"cn\" uri=\"http://code.deckfour.org/xes/concept.xesext\"/>"
                "<extension name=\"Time\" prefix=\"t\" uri=\"http://www.xes-standard.org/time.xesext\"/>"
                "<extension name=\"Org\" prefix=\"o\" uri=\"http://code.deckfour.org/xes/org.xesext\"/>"
                "<extension name=\"Lifecycle\" prefix=\"lc\" uri=\"http://www.xes-standard.org/lifecycle.xesext\"/>"
                "<trace><string key=\"cn:name\" value=\"k\"/><event><string key=\"cn:name\" value=\"x\"/>"
                "<string key=\"o:resource\" value=\"Ann\"/><string key=\"lc:transition\" value=\"Start\"/>"
                "<date key=\"t:timestamp\" value=\"2020-01-01T00:00:00Z\"/></event>"
                /* the standard prefixes keep working */
                "<event><string key=\"concept:name\" value=\"y\"/><date key=\"time:timestamp\" "
                "value=\"2020-01-01T00:00:00Z\"/></event></trace></log>");
    assert_int_equal(log->n_events, 2);
    assert_string_equal(log->cases.strs[0], "k");
    assert_string_equal(name_of(&log->activities, log->ev_activity[0]), "x");
    assert_string_equal(name_of(&log->resources, log->ev_resource[0]), "Ann");
    assert_int_equal(log->ev_kind[0], EV_START);
    assert_int_equal(log->ev_time_ms[0], 1577836800000LL);
    assert_string_equal(name_of(&log->activities, log->ev_activity[1]), "y");
    evlog_free(log);
}

static void test_xes_time_zone_offsets_that_change_inside_a_log(void **state) {
    (void)state;
    EventLog *log = read_ok(
        "<log><trace><string key=\"concept:name\" value=\"1\"/>" EV("a", "complete",
                                                                    "2011-10-30T02:30:00+02:00") /* summer time */
        EV("a", "complete", "2011-10-30T03:00:00.000+01:00")                                     /* winter time */
        EV("a", "complete", "2020-01-01T05:30:00.5+0530") EV("a", "complete", "2020-01-01T00:00:00.123456789-08:00")
            EV("a", "complete", "2020-01-01T08:00:00.999Z")
                EV("a", "complete", "2024-02-29T12:00:00") "</trace></log>");
    assert_int_equal(log->ev_time_ms[0], 1319934600000LL);
    assert_int_equal(log->ev_time_ms[1], 1319940000000LL);
    assert_int_equal(log->ev_time_ms[1] - log->ev_time_ms[0], 90 * 60000); /* 1h30 apart, not 30 min */
    assert_int_equal(log->ev_time_ms[2], 1577836800500LL);
    assert_int_equal(log->ev_time_ms[3], 1577865600123LL);
    assert_int_equal(log->ev_time_ms[4], 1577865600999LL);
    assert_int_equal(log->ev_time_ms[5], 1709208000000LL); /* no zone: UTC */
    evlog_free(log);
}

static void test_xes_trace_attributes_become_case_attributes_and_nesting_is_skipped(void **state) {
    (void)state;
    EventLog *log = read_ok(
        "<log><string key=\"meta\" value=\"m\"><int key=\"x\" value=\"1\"/></string>"
        "<trace><string key=\"channel\" value=\"Internet\"/>" /* before the case id: kept for later */
        "<string key=\"concept:name\" value=\"c&amp;1 &#x4E2D;&#20013;\"/><int key=\"amount\" value=\"500\"/>"
        "<float key=\"f\" value=\"1.5\"/><boolean key=\"b\" value=\"true\"/><date key=\"d\" value=\"2020-01-01\"/>"
        "<list key=\"l\"><values><string key=\"v\" value=\"no\"/></values></list>"
        "<container key=\"c\"><string key=\"inner\" value=\"no\"/></container>"
        "<event><string key=\"concept:name\" value=\"a &lt;b&gt; &quot;c&quot; &apos;d&apos;\">"
        "<string key=\"concept:name\" value=\"child, ignored\"/></string>"
        "<date key=\"time:timestamp\" value=\"2020-01-01T00:00:00Z\"/></event></trace></log>");
    assert_string_equal(log->cases.strs[0], "c&1 中中");
    assert_string_equal(log->activities.strs[0], "a <b> \"c\" 'd'");
    assert_int_equal(log->activities.n, 1);
    assert_int_equal(log->n_case_attrs, 5);
    const char *want[][2] = {
        {"channel", "Internet"}, {"amount", "500"}, {"f", "1.5"}, {"b", "true"}, {"d", "2020-01-01"}};
    for (int i = 0; i < 5; i++) {
        assert_string_equal(log->attr_keys.strs[log->case_attrs[i].key], want[i][0]);
        assert_string_equal(log->attr_values.strs[log->case_attrs[i].value], want[i][1]);
    }
    evlog_free(log);
}

static void test_xes_events_before_the_case_id_belong_to_the_case(void **state) {
    (void)state;
    EventLog *log =
        read_ok("<log><trace>" EV("a", "start", "2020-01-01") "<string key=\"concept:name\" value=\"late\"/>" EV(
            "b", "complete", "2020-01-02") "</trace></log>");
    assert_int_equal(log->n_events, 2);
    assert_string_equal(name_of(&log->cases, log->ev_case[0]), "late");
    assert_string_equal(name_of(&log->activities, log->ev_activity[0]), "a");
    evlog_free(log);
}

static void test_xes_errors_name_line_and_column(void **state) {
    (void)state;
    assert_error("<log>\n  <trace>\n    <string key=\"concept:name\" value=\"1\"/>\n", 2, 3, "unclosed tag <trace>");
    assert_error("<log>\n<trace><string key=\"concept:name\" value=\"1\"/>\n  <event></trace></log>", 3, 10,
                 "mismatched tag: </trace> closes <event>");
    assert_error("<log><trace><string key=\"concept:name\" value=\"1\"/>\n<event><string key=\"concept:name\" "
                 "value=\"a\"/><date key=\"time:timestamp\" value=\"2020-13-01T00:00:00Z\"/></event></trace></log>",
                 2, 80, "bad date \"2020-13-01T00:00:00Z\"");
    assert_error("<log>\n\n <trace>" EV("a", "complete", "2020-01-01") "</trace></log>", 3, 2,
                 "trace without concept:name (case id)");
    assert_error("<log>\n  " EV("a", "complete", "2020-01-01") "</log>", 2, 3, "event outside a trace");
    assert_error("<log><trace><string key=\"concept:name\" value=\"1\"/>\n\t<event><date key=\"time:timestamp\" "
                 "value=\"2020-01-01\"/></event></trace></log>",
                 2, 2, "event without concept:name (activity)");
    assert_error("<log><trace><string key=\"concept:name\" value=\"1\"/>\n<event><string key=\"concept:name\" "
                 "value=\"a\"/></event></trace></log>",
                 2, 1, "event without time:timestamp");
    /* the column counts characters: 中 is one */
    assert_error("<log><trace><string key=\"concept:name\" value=\"中\"/>\n<event><string key=\"concept:name\" "
                 "value=\"\xC3\x28\"/>",
                 2, 42, "invalid UTF-8");
    assert_error("<log><trace><string key=\"concept:name\" value=\"中\"/>\xFF", 1, 51, "invalid UTF-8");
    assert_error("<log>\n<trace><string key=\"concept:name\" value=\"a &nbsp; b\"/>", 2, 44, "undefined entity &nbsp;");
    assert_error("<log><trace><string key=\"concept:name\" value=\"1\"/></trace></log>\n<log>", 2, 1,
                 "content after the end of <log>");
    assert_error("<?xml version=\"1.0\"?>\n<html></html>", 2, 1, "not an XES log");
    assert_error("<log><trace><string key=\"concept:name\" value=\"1", 1, 13, "end of file inside a tag");
    assert_error("", 1, 1, "no <log> element");
    /* NUL is not XML */
    EvError e = read_bad("<log>\0</log>", 12);
    assert_int_equal(e.line, 1);
    assert_int_equal(e.column, 6);
}

static void test_xes_billion_laughs_and_xxe_end_in_a_clear_error(void **state) {
    (void)state;
    int64_t t0 = time_mono_ns();
    assert_error("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
                 " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
                 " <!ENTITY lol9 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n]>\n"
                 "<log><trace><string key=\"concept:name\" value=\"&lol9;\"/></trace></log>",
                 2, 1, "DOCTYPE with an internal subset");
    /* external entity: the DTD is never fetched, so &xxe; is undefined */
    assert_error("<?xml version=\"1.0\"?>\n<!DOCTYPE log SYSTEM \"file:///etc/passwd\">\n"
                 "<log><trace><string key=\"concept:name\" value=\"&xxe;\"/></trace></log>",
                 3, 47, "undefined entity &xxe;");
    assert_error("<!DOCTYPE log [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><log/>", 1, 1, "internal subset");
    assert_true(time_mono_ns() - t0 < 1000000000LL);
}

/* gzip of text, as the gzip tool writes it */
static Buf gzip_of(const char *text, size_t n) {
    Buf out = {0};
    z_stream z = {0};
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    buf_reserve(&out, deflateBound(&z, n) + 16);
    z.next_in = (Bytef *)(uintptr_t)text;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)out.data;
    z.avail_out = (uInt)out.cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    out.len = z.total_out;
    deflateEnd(&z);
    return out;
}

static char *temp_file(const char *data, size_t n, const char *suffix) {
    static char path[128];
    snprintf(path, sizeof path, "/tmp/test_xes_%d%s", (int)getpid(), suffix);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
    return path;
}

/* A log big enough to cross many 1 MiB read blocks, with an optional error
 * on its last line. */
static Buf big_log(int n_cases, bool broken_at_end, long *lines) {
    Buf b = {0};
    buf_puts(&b, HEAD "<log xmlns=\"http://www.xes-standard.org/\">\n");
    long l = 2;
    for (int c = 0; c < n_cases; c++) {
        buf_printf(&b, "\t<trace>\n\t\t<string key=\"concept:name\" value=\"case %d\"/>\n", c);
        l += 2;
        for (int e = 0; e < 10; e++) {
            buf_printf(&b,
                       "\t\t<event>\n\t\t\t<string key=\"concept:name\" value=\"步骤 %d\"/>\n"
                       "\t\t\t<string key=\"org:resource\" value=\"r%d\"/>\n"
                       "\t\t\t<date key=\"time:timestamp\" value=\"2020-01-01T00:%02d:00.000+01:00\"/>\n\t\t</event>\n",
                       e, (c + e) % 7, e);
            l += 5;
        }
        buf_puts(&b, "\t</trace>\n");
        l++;
    }
    if (broken_at_end)
        buf_puts(&b, "\t<trace>\n\t\t<string key=\"concept:name\" value=\"x\"/>\n\t\t<event>\n\t</trace>\n");
    else buf_puts(&b, "</log>\n");
    *lines = l;
    return b;
}

static void count_progress(void *ctx, uint64_t done, uint64_t total) {
    (void)total;
    uint64_t *calls = ctx;
    assert_true(done >= calls[1]);
    calls[0]++;
    calls[1] = done;
}

static void test_xes_file_plain_and_gzip_across_read_blocks(void **state) {
    (void)state;
    long lines;
    Buf text = big_log(6000, false, &lines); /* ~17 MB */
    assert_true(text.len > 8u << 20);
    Buf gz = gzip_of(text.data, text.len);
    const char *suffixes[] = {".xes", ".xes.gz"};
    for (int i = 0; i < 2; i++) {
        char *path = i == 0 ? temp_file(text.data, text.len, suffixes[i]) : temp_file(gz.data, gz.len, suffixes[i]);
        EventLog *log = evlog_new();
        EvError err;
        uint64_t calls[2] = {0, 0};
        if (evlog_read_file(log, path, EVF_AUTO, NULL, count_progress, calls, &err) != 0)
            fail_msg("%ld:%ld %s", err.line, err.column, err.message);
        assert_int_equal(log->n_events, 60000);
        assert_int_equal(log->cases.n, 6000);
        assert_int_equal(log->activities.n, 10);
        assert_int_equal(log->resources.n, 7);
        assert_string_equal(log->activities.strs[9], "步骤 9");
        assert_int_equal(log->ev_time_ms[59999], 1577833200000LL + 9 * 60000);
        assert_true(calls[0] >= (i == 0 ? 8 : 2));
        evlog_free(log);
        unlink(path);
    }
    /* the same text from memory, gzip detected by its magic bytes */
    EventLog *log = evlog_new();
    EvError err;
    assert_int_equal(evlog_read_mem(log, gz.data, gz.len, EVF_AUTO, NULL, &err), 0);
    assert_int_equal(log->n_events, 60000);
    evlog_free(log);
    buf_free(&text);
    buf_free(&gz);
}

static void test_xes_error_line_is_exact_deep_into_a_file(void **state) {
    (void)state;
    long lines;
    Buf text = big_log(6000, true, &lines);
    Buf gz = gzip_of(text.data, text.len);
    for (int i = 0; i < 2; i++) {
        char *path = i == 0 ? temp_file(text.data, text.len, ".xes") : temp_file(gz.data, gz.len, ".xes.gz");
        EventLog *log = evlog_new();
        EvError err;
        assert_int_equal(evlog_read_file(log, path, EVF_AUTO, NULL, NULL, NULL, &err), -1);
        assert_int_equal(err.line, lines + 4);
        assert_int_equal(err.column, 2);
        assert_non_null(strstr(err.message, "mismatched tag: </trace> closes <event>"));
        evlog_free(log);
        unlink(path);
    }
    buf_free(&text);
    buf_free(&gz);
}

static void test_xes_truncated_or_corrupt_gzip_is_an_error(void **state) {
    (void)state;
    long lines;
    Buf text = big_log(3000, false, &lines);
    Buf gz = gzip_of(text.data, text.len);
    size_t cut = gz.len / 2;
    EventLog *log = evlog_new();
    EvError err;
    assert_int_equal(evlog_read_mem(log, gz.data, cut, EVF_XES, NULL, &err), -1);
    assert_non_null(strstr(err.message, "truncated gzip"));
    assert_true(err.line > 1000); /* where in the text it broke off */
    evlog_free(log);
    char *path = temp_file(gz.data, cut, ".xes.gz");
    log = evlog_new();
    assert_int_equal(evlog_read_file(log, path, EVF_AUTO, NULL, NULL, NULL, &err), -1);
    assert_non_null(strstr(err.message, "truncated gzip"));
    assert_true(err.line > 1000);
    evlog_free(log);
    gz.data[gz.len / 3] ^= 0x55;
    gz.data[gz.len / 3 + 1] ^= 0x55;
    path = temp_file(gz.data, gz.len, ".xes.gz");
    log = evlog_new();
    assert_int_equal(evlog_read_file(log, path, EVF_AUTO, NULL, NULL, NULL, &err), -1);
    evlog_free(log);
    unlink(path);
    buf_free(&text);
    buf_free(&gz);
}

/* A gzip bomb: head, then `fill` bytes of filler (spaces), then tail,
 * deflated at level 9 (about 1000:1 on a run of one byte). */
static Buf gzip_bomb(const char *head, size_t fill, const char *tail) {
    Buf out = {0};
    z_stream z = {0};
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    static char spaces[1 << 20];
    memset(spaces, ' ', sizeof spaces);
    buf_reserve(&out, fill / 500 + 4096);
    const char *parts[3] = {head, spaces, tail};
    for (int p = 0; p < 3; p++) {
        size_t left = p == 1 ? fill : strlen(parts[p]);
        while (left) {
            size_t k = p == 1 && left > sizeof spaces ? sizeof spaces : left;
            z.next_in = (Bytef *)(uintptr_t)parts[p];
            z.avail_in = (uInt)k;
            do {
                if (out.cap - out.len < 4096) buf_reserve(&out, out.cap);
                z.next_out = (Bytef *)out.data + out.len;
                z.avail_out = (uInt)(out.cap - out.len);
                assert_int_equal(deflate(&z, p == 2 && left == k ? Z_FINISH : Z_NO_FLUSH) == Z_STREAM_ERROR, 0);
                out.len = (size_t)(z.next_out - (Bytef *)out.data);
            } while (z.avail_in || (p == 2 && left == k && z.avail_out == 0));
            left -= k;
        }
    }
    deflateEnd(&z);
    return out;
}

static void assert_bomb_refused(int rc, const EvError *err) {
    assert_int_equal(rc, -1);
    if (!strstr(err->message, "decompression bomb")) fail_msg("wrong error: %s", err->message);
}

/* A .xes.gz of ~80 KB that inflates to 80 MiB: refused once the text passes
 * 64 MiB at more than 200× its compressed size — from memory (the upload
 * path, streamed as XES and slurped when the format is sniffed) and from a
 * file (the command line) — with the memory of a few MiB, not 80. */
static void test_xes_gzip_bomb_ends_in_a_bounded_error(void **state) {
    (void)state;
    Buf bomb = gzip_bomb(HEAD "<log>\n", (size_t)80 << 20, "</log>\n");
    assert_true(bomb.len < ((size_t)200 << 10)); /* really a bomb: > 400:1 */
    EventLog *log = evlog_new();
    EvError err;
    int64_t t0 = time_mono_ns();
    assert_bomb_refused(evlog_read_mem(log, bomb.data, bomb.len, EVF_XES, NULL, &err), &err);
    assert_bomb_refused(evlog_read_mem(log, bomb.data, bomb.len, EVF_AUTO, NULL, &err), &err);
    char *path = temp_file(bomb.data, bomb.len, ".xes.gz");
    assert_bomb_refused(evlog_read_file(log, path, EVF_AUTO, NULL, NULL, NULL, &err), &err);
    assert_int_equal(log->n_events, 0);
    assert_true(time_mono_ns() - t0 < 20 * 1000000000LL);
    unlink(path);
    evlog_free(log);
    buf_free(&bomb);
    /* an honest .xes.gz of the same size passes: the check is on the ratio */
    long lines;
    Buf text = big_log(3000, false, &lines);
    Buf gz = gzip_of(text.data, text.len);
    log = evlog_new();
    assert_int_equal(evlog_read_mem(log, gz.data, gz.len, EVF_XES, NULL, &err), 0);
    assert_int_equal(log->n_events, 30000);
    evlog_free(log);
    buf_free(&text);
    buf_free(&gz);
}

static int to_buf(void *ctx, const char *bytes, size_t n) {
    buf_append(ctx, bytes, n);
    return 0;
}

static void assert_same_log(const EventLog *a, const EventLog *b) {
    assert_int_equal(a->n_events, b->n_events);
    for (size_t i = 0; i < a->n_events; i++) {
        assert_string_equal(a->cases.strs[a->ev_case[i]], b->cases.strs[b->ev_case[i]]);
        assert_string_equal(a->activities.strs[a->ev_activity[i]], b->activities.strs[b->ev_activity[i]]);
        assert_string_equal(name_of(&a->resources, a->ev_resource[i]), name_of(&b->resources, b->ev_resource[i]));
        assert_string_equal(name_of(&a->lifecycles, a->ev_lifecycle[i]), name_of(&b->lifecycles, b->ev_lifecycle[i]));
        assert_int_equal(a->ev_kind[i], b->ev_kind[i]);
        assert_int_equal(a->ev_time_ms[i], b->ev_time_ms[i]);
    }
    assert_int_equal(a->n_case_attrs, b->n_case_attrs);
    for (size_t i = 0; i < a->n_case_attrs; i++) {
        assert_string_equal(a->cases.strs[a->case_attrs[i].case_no], b->cases.strs[b->case_attrs[i].case_no]);
        assert_string_equal(a->attr_keys.strs[a->case_attrs[i].key], b->attr_keys.strs[b->case_attrs[i].key]);
        assert_string_equal(a->attr_values.strs[a->case_attrs[i].value], b->attr_values.strs[b->case_attrs[i].value]);
    }
}

/* Names with every character the writers must escape. */
static EventLog *tricky_log(void) {
    EventLog *log = evlog_new();
    const char *cases[] = {"c<1>&\"q\"", "c,2\n'x'", "订单 3"};
    const char *acts[] = {"Register", "=SUM(A1)", "check, \"twice\"", "审批\tstep"};
    int64_t t = 1317422324546LL;
    for (int c = 0; c < 3; c++) {
        for (int e = 0; e < 4; e++) {
            const char *lc = e == 0 ? "START" : e == 1 ? "complete" : NULL;
            const char *res = e == 2 ? NULL : "Ann\r\nB";
            assert_int_equal(evlog_add(log, cases[c], strlen(cases[c]), acts[e], strlen(acts[e]), res,
                                       res ? strlen(res) : 0, lc, lc ? strlen(lc) : 0, t),
                             0);
            t += 61001;
        }
        assert_int_equal(
            evlog_case_attr(log, (uint32_t)c, "channel", 7, c == 1 ? "-1" : "Internet & more", c == 1 ? 2 : 15), 0);
        assert_int_equal(evlog_case_attr(log, (uint32_t)c, "amount", 6, "1,500", 5), 0);
    }
    return log;
}

static void test_xes_round_trip_through_the_xes_writer(void **state) {
    (void)state;
    EventLog *a = tricky_log();
    Buf out = {0};
    assert_int_equal(evlog_write_xes(a, to_buf, &out), 0);
    assert_non_null(strstr(out.data, "xmlns=\"http://www.xes-standard.org/\""));
    assert_non_null(strstr(out.data, "uri=\"http://www.xes-standard.org/lifecycle.xesext\""));
    assert_non_null(strstr(out.data, "value=\"2011-09-30T22:38:44.546Z\""));
    assert_non_null(strstr(out.data, "value=\"c&lt;1&gt;&amp;&quot;q&quot;\""));
    EventLog *b = evlog_new();
    EvError err;
    if (evlog_read_mem(b, out.data, out.len, EVF_AUTO, NULL, &err) != 0)
        fail_msg("%ld:%ld %s", err.line, err.column, err.message);
    assert_same_log(a, b);
    evlog_free(a);
    evlog_free(b);
    buf_free(&out);
}

static void test_xes_round_trip_through_the_csv_writer(void **state) {
    (void)state;
    EventLog *a = tricky_log();
    Buf out = {0};
    assert_int_equal(evlog_write_csv(a, to_buf, &out), 0);
    assert_true(strncmp(out.data, "case,activity,timestamp,resource,lifecycle,case:channel,case:amount\r\n", 69) == 0);
    /* a formula-looking cell is neutralised, so it does not come back as it was */
    assert_non_null(strstr(out.data, ",\"'=SUM(A1)\","));
    assert_non_null(strstr(out.data, ",\"'-1\","));
    EventLog *b = evlog_new();
    EvError err;
    if (evlog_read_mem(b, out.data, out.len, EVF_AUTO, NULL, &err) != 0)
        fail_msg("%ld:%ld %s", err.line, err.column, err.message);
    assert_int_equal(b->n_events, a->n_events);
    for (size_t i = 0; i < a->n_events; i++) {
        const char *want = a->activities.strs[a->ev_activity[i]];
        const char *got = b->activities.strs[b->ev_activity[i]];
        if (want[0] == '=') assert_string_equal(got + 1, want);
        else assert_string_equal(got, want);
        assert_string_equal(a->cases.strs[a->ev_case[i]], b->cases.strs[b->ev_case[i]]);
        assert_string_equal(name_of(&a->resources, a->ev_resource[i]), name_of(&b->resources, b->ev_resource[i]));
        assert_string_equal(name_of(&a->lifecycles, a->ev_lifecycle[i]), name_of(&b->lifecycles, b->ev_lifecycle[i]));
        assert_int_equal(a->ev_time_ms[i], b->ev_time_ms[i]);
    }
    assert_int_equal(b->n_case_attrs, 6);
    assert_string_equal(b->attr_keys.strs[b->case_attrs[0].key], "channel");
    assert_string_equal(b->attr_values.strs[b->case_attrs[0].value], "Internet & more");
    assert_string_equal(b->attr_values.strs[b->case_attrs[2].value], "'-1");
    evlog_free(a);
    evlog_free(b);
    buf_free(&out);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xes_reads_with_and_without_namespace_and_prefixes),
        cmocka_unit_test(test_xes_lifecycle_values_in_any_case),
        cmocka_unit_test(test_xes_extension_prefixes_from_either_uri_host),
        cmocka_unit_test(test_xes_time_zone_offsets_that_change_inside_a_log),
        cmocka_unit_test(test_xes_trace_attributes_become_case_attributes_and_nesting_is_skipped),
        cmocka_unit_test(test_xes_events_before_the_case_id_belong_to_the_case),
        cmocka_unit_test(test_xes_errors_name_line_and_column),
        cmocka_unit_test(test_xes_billion_laughs_and_xxe_end_in_a_clear_error),
        cmocka_unit_test(test_xes_file_plain_and_gzip_across_read_blocks),
        cmocka_unit_test(test_xes_error_line_is_exact_deep_into_a_file),
        cmocka_unit_test(test_xes_truncated_or_corrupt_gzip_is_an_error),
        cmocka_unit_test(test_xes_gzip_bomb_ends_in_a_bounded_error),
        cmocka_unit_test(test_xes_round_trip_through_the_xes_writer),
        cmocka_unit_test(test_xes_round_trip_through_the_csv_writer),
    };
    return UNIT_RUN("xes", tests);
}
