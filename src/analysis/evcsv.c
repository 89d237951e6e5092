/* evcsv.c — the CSV event-log reader: one event per row (two for an interval
 * row with a start timestamp). RFC 4180 quoting, a UTF-8 BOM, the delimiter
 * (comma, semicolon, tab) detected from the header, the case / activity /
 * timestamp / resource / lifecycle columns chosen by name or detected from
 * common header names (English, XES-style, Chinese), the timestamp format
 * detected from the first value and then required of every row. Errors name
 * the line and column. The whole text is in memory (evread.c slurps files).
 * Not the task CSV import (src/tasks): this layer depends on src/base only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evread.h"

typedef struct CsvCell {
    const char *s; /* decoded value; valid until the next record */
    size_t n;
    const char *at; /* its first byte in the text (for error places) */
    long line;
    const char *line_start;
    size_t off; /* while the record is read: offset of a quoted value in scratch, or SIZE_MAX */
} CsvCell;

typedef struct CsvReader {
    const char *data, *end, *p;
    char delim;
    long line;
    const char *line_start;
    CsvCell *cells;
    size_t n_cells, cap_cells;
    char *scratch; /* decoded quoted fields of the current record */
    size_t cap_scratch;
    EvError *err;
} CsvReader;

static long column_of(const char *line_start, const char *p) {
    long c = 1;
    for (const char *s = line_start; s < p; s++) c += ((unsigned char)*s & 0xC0) != 0x80;
    return c;
}

__attribute__((format(printf, 3, 4))) static int fail_cell(EvError *err, const CsvCell *c, const char *fmt, ...) {
    err->line = c->line;
    err->column = column_of(c->line_start, c->at);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return -1;
}

static int oom(EvError *err) { return ev_fail(err, 0, 0, "out of memory reading the CSV log"); }

/* Reads one record. Returns 1 (cells filled), 0 at the end, -1 on error.
 * Quoted fields are decoded into scratch; cells point there or into the text. */
static int csv_record(CsvReader *r) {
    if (r->p >= r->end) return 0;
    r->n_cells = 0;
    size_t used = 0; /* scratch may move while the record grows: cells keep offsets until the end */
    for (;;) {
        if (r->n_cells == r->cap_cells) {
            size_t cap = r->cap_cells ? r->cap_cells * 2 : 32;
            CsvCell *c = realloc(r->cells, cap * sizeof *c);
            if (!c) return oom(r->err);
            r->cells = c;
            r->cap_cells = cap;
        }
        CsvCell *c = &r->cells[r->n_cells++];
        c->at = r->p;
        c->line = r->line;
        c->line_start = r->line_start;
        c->off = SIZE_MAX;
        if (r->p < r->end && *r->p == '"') {
            const char *q = r->p + 1;
            size_t start = used;
            for (;;) {
                const char *quote = memchr(q, '"', (size_t)(r->end - q));
                if (!quote) return fail_cell(r->err, c, "a quoted field is never closed (broken quote)");
                size_t chunk = (size_t)(quote - q);
                if (used + chunk + 1 > r->cap_scratch) {
                    size_t cap = (used + chunk + 1) * 2;
                    char *s = realloc(r->scratch, cap);
                    if (!s) return oom(r->err);
                    r->scratch = s;
                    r->cap_scratch = cap;
                }
                memcpy(r->scratch + used, q, chunk);
                used += chunk;
                for (const char *s = q; s < quote; s++)
                    if (*s == '\n') {
                        r->line++;
                        r->line_start = s + 1;
                    }
                if (quote + 1 < r->end && quote[1] == '"') {
                    r->scratch[used++] = '"';
                    q = quote + 2;
                    continue;
                }
                r->p = quote + 1;
                break;
            }
            c->s = NULL;
            c->n = used - start;
            c->off = start;
            if (r->p < r->end && *r->p != r->delim && *r->p != '\n' && *r->p != '\r') {
                CsvCell at = {.at = r->p, .line = r->line, .line_start = r->line_start};
                return fail_cell(r->err, &at, "unexpected '%c' after a closing quote (broken quote)", *r->p);
            }
        } else {
            const char *s = r->p;
            while (s < r->end && *s != r->delim && *s != '\n') s++;
            const char *e = s;
            if (e > r->p && e[-1] == '\r' && (s == r->end || *s == '\n')) e--;
            c->s = r->p;
            c->n = (size_t)(e - r->p);
            r->p = s;
        }
        if (r->p < r->end && *r->p == '\r') r->p++;
        if (r->p >= r->end) break;
        if (*r->p == r->delim) {
            r->p++;
            continue;
        }
        if (*r->p == '\n') {
            r->p++;
            r->line++;
            r->line_start = r->p;
            break;
        }
    }
    for (size_t i = 0; i < r->n_cells; i++)
        if (r->cells[i].off != SIZE_MAX) r->cells[i].s = r->cells[i].n ? r->scratch + r->cells[i].off : "";
    return 1;
}

/* ---------- columns ---------- */

enum { COL_CASE, COL_ACT, COL_TIME, COL_RES, COL_LC, COL_START, COL_N };
static const char *const col_label[COL_N] = {"case",     "activity",  "timestamp",
                                             "resource", "lifecycle", "start timestamp"};
/* Header names recognised when no column is named (compared trimmed, ASCII case-insensitively). */
static const char *const *const col_auto[COL_N] = {
    (const char *const[]){"case:concept:name", "case_id", "case", "caseid", "case id", "case_concept_name",
                          "case number", "案例", "案例号", "案例编号", "订单号", "工单号", "单号", NULL},
    (const char *const[]){"concept:name", "activity", "activity_name", "activity name", "event", "task", "活动",
                          "活动名称", "环节", "步骤", NULL},
    (const char *const[]){"time:timestamp", "timestamp", "time", "complete_timestamp", "end_timestamp", "datetime",
                          "时间", "完成时间", "时间戳", NULL},
    (const char *const[]){"org:resource", "resource", "user", "performer", "执行人", "资源", "操作人", NULL},
    (const char *const[]){"lifecycle:transition", "lifecycle", "transition", "生命周期", NULL},
    (const char *const[]){"start_timestamp", "start_time", "starttime", "start time", "开始时间", NULL},
};

static bool header_eq(const char *h, size_t n, const char *name) {
    while (n && (h[0] == ' ' || h[0] == '\t')) h++, n--;
    while (n && (h[n - 1] == ' ' || h[n - 1] == '\t')) n--;
    size_t m = strlen(name);
    if (m != n) return false;
    for (size_t i = 0; i < n; i++) {
        char a = h[i], b = name[i];
        if (a >= 'A' && a <= 'Z') a = (char)(a + 32);
        if (b >= 'A' && b <= 'Z') b = (char)(b + 32);
        if (a != b) return false;
    }
    return true;
}

static int find_column(const CsvCell *hdr, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (header_eq(hdr[i].s, hdr[i].n, name)) return (int)i;
    return -1;
}

/* ---------- timestamps ---------- */

typedef enum TsFormat { TS_UNKNOWN, TS_ISO, TS_YMD_SLASH, TS_DMY_DOT, TS_EPOCH_S, TS_EPOCH_MS } TsFormat;
static const char *const ts_label[] = {"?",
                                       "YYYY-MM-DD hh:mm:ss (ISO 8601)",
                                       "YYYY/MM/DD hh:mm:ss",
                                       "DD.MM.YYYY hh:mm:ss",
                                       "epoch seconds",
                                       "epoch milliseconds"};

static bool all_digits(const char *s, size_t n) {
    if (!n) return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned)(s[i] - '0') > 9) return false;
    return true;
}

static TsFormat ts_detect(const char *s, size_t n) {
    if (all_digits(s, n)) return n >= 12 ? TS_EPOCH_MS : TS_EPOCH_S;
    if (n >= 10 && all_digits(s, 4) && s[4] == '-' && s[7] == '-') return TS_ISO;
    if (n >= 10 && all_digits(s, 4) && s[4] == '/' && s[7] == '/') return TS_YMD_SLASH;
    if (n >= 10 && all_digits(s, 2) && s[2] == '.' && s[5] == '.') return TS_DMY_DOT;
    return TS_UNKNOWN;
}

static int ts_parse(TsFormat f, const char *s, size_t n, int64_t *ms) {
    char tmp[64];
    switch (f) {
    case TS_ISO: return ev_parse_iso(s, n, ms);
    case TS_EPOCH_S:
    case TS_EPOCH_MS: {
        if (!all_digits(s, n) || n > 15) return -1;
        int64_t v = 0;
        for (size_t i = 0; i < n; i++) v = v * 10 + (s[i] - '0');
        *ms = f == TS_EPOCH_S ? v * 1000 : v;
        return *ms <= 253402128000000LL ? 0 : -1; /* up to 9999-12-30, like ISO dates */
    }
    case TS_YMD_SLASH:
        if (n < 10 || n >= sizeof tmp || s[4] != '/' || s[7] != '/') return -1;
        memcpy(tmp, s, n);
        tmp[4] = tmp[7] = '-';
        return ev_parse_iso(tmp, n, ms);
    case TS_DMY_DOT:
        if (n < 10 || n >= sizeof tmp || s[2] != '.' || s[5] != '.') return -1;
        memcpy(tmp, s + 6, 4);
        tmp[4] = '-';
        memcpy(tmp + 5, s + 3, 2);
        tmp[7] = '-';
        memcpy(tmp + 8, s, 2);
        memcpy(tmp + 10, s + 10, n - 10);
        return ev_parse_iso(tmp, n, ms);
    default: return -1;
    }
}

/* The column's format is taken from its first value; every later value must
 * have the same one (a file that mixes formats is refused, not guessed at). */
static int ts_cell(EvError *err, TsFormat *fmt, const CsvCell *c, const char *what, int64_t *ms) {
    if (*fmt == TS_UNKNOWN) {
        *fmt = ts_detect(c->s, c->n);
        if (*fmt == TS_UNKNOWN)
            return fail_cell(err, c, "%s \"%.*s\" is not in a known format (ISO 8601, YYYY/MM/DD, DD.MM.YYYY, epoch)",
                             what, (int)(c->n > 60 ? 60 : c->n), c->s);
    }
    if (ts_parse(*fmt, c->s, c->n, ms) == 0) return 0;
    if (ts_detect(c->s, c->n) != TS_UNKNOWN && ts_detect(c->s, c->n) != *fmt)
        return fail_cell(err, c, "%s \"%.*s\" is not in the format of the first rows (%s): mixed formats", what,
                         (int)(c->n > 60 ? 60 : c->n), c->s, ts_label[*fmt]);
    return fail_cell(err, c, "bad %s \"%.*s\" (expected %s)", what, (int)(c->n > 60 ? 60 : c->n), c->s, ts_label[*fmt]);
}

static char detect_delim(const char *p, const char *end) {
    int n_comma = 0, n_semi = 0, n_tab = 0;
    bool q = false;
    for (; p < end; p++) {
        if (*p == '"') q = !q;
        else if (!q && *p == '\n') break;
        else if (!q && *p == ',') n_comma++;
        else if (!q && *p == ';') n_semi++;
        else if (!q && *p == '\t') n_tab++;
    }
    if (n_semi > n_comma && n_semi >= n_tab) return ';';
    if (n_tab > n_comma && n_tab > n_semi) return '\t';
    return ',';
}

int evcsv_read_buf(EventLog *log, const char *data, size_t n, const EvCsvColumns *cols, EvError *err) {
    const char *end = data + n, *p = data;
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
    size_t bad = ev_utf8_check(p, (size_t)(end - p), false, NULL);
    if (bad < (size_t)(end - p)) {
        long line = 1;
        const char *ls = p;
        for (const char *s = p; s < p + bad; s++)
            if (*s == '\n') line++, ls = s + 1;
        return ev_fail(err, line, column_of(ls, p + bad), "invalid UTF-8 (or a NUL byte): byte 0x%02X",
                       (unsigned)(unsigned char)p[bad]);
    }
    CsvReader r = {.data = p, .end = end, .p = p, .line = 1, .line_start = p, .err = err};
    r.delim = detect_delim(p, end);
    int rc = csv_record(&r);
    if (rc <= 0) {
        free(r.cells);
        free(r.scratch);
        return rc < 0 ? -1 : ev_fail(err, 1, 1, "the CSV file is empty: a header row is needed");
    }
    /* the header: copy its names, the record buffers are reused */
    size_t n_hdr = r.n_cells;
    char **hdr = calloc(n_hdr, sizeof *hdr);
    CsvCell *hc = calloc(n_hdr, sizeof *hc);
    int col[COL_N];
    int *attr_col = calloc(n_hdr + 1, sizeof *attr_col);
    uint8_t *case_done = NULL;
    size_t cap_case_done = 0;
    int n_attr = 0;
    rc = -1;
    if (!hdr || !hc || !attr_col) {
        oom(err);
        goto out;
    }
    for (size_t i = 0; i < n_hdr; i++) {
        hdr[i] = strndup(r.cells[i].s, r.cells[i].n);
        if (!hdr[i]) {
            oom(err);
            goto out;
        }
        hc[i] = r.cells[i];
        hc[i].s = hdr[i];
    }
    const char *chosen[COL_N] = {0};
    if (cols) {
        chosen[COL_CASE] = cols->case_col;
        chosen[COL_ACT] = cols->activity_col;
        chosen[COL_TIME] = cols->timestamp_col;
        chosen[COL_RES] = cols->resource_col;
        chosen[COL_LC] = cols->lifecycle_col;
        chosen[COL_START] = cols->start_timestamp_col;
    }
    for (int f = 0; f < COL_N; f++) {
        col[f] = -1;
        if (chosen[f]) {
            if ((col[f] = find_column(hc, n_hdr, chosen[f])) < 0) {
                ev_fail(err, 1, 0, "the %s column \"%s\" is not in the header", col_label[f], chosen[f]);
                goto out;
            }
            continue;
        }
        for (int k = 0; col_auto[f][k] && col[f] < 0; k++) col[f] = find_column(hc, n_hdr, col_auto[f][k]);
        if (col[f] < 0 && f <= COL_TIME) {
            ev_fail(err, 1, 0, "no %s column: name one, or use a header such as \"%s\"", col_label[f],
                    f == COL_CASE  ? "case_id"
                    : f == COL_ACT ? "activity"
                                   : "timestamp");
            goto out;
        }
    }
    if (cols && cols->case_attr_columns) {
        for (int i = 0; cols->case_attr_columns[i] && (cols->n_case_attr_columns <= 0 || i < cols->n_case_attr_columns);
             i++) {
            int c = find_column(hc, n_hdr, cols->case_attr_columns[i]);
            if (c < 0) {
                ev_fail(err, 1, 0, "the case attribute column \"%s\" is not in the header", cols->case_attr_columns[i]);
                goto out;
            }
            attr_col[n_attr++] = c;
        }
    } else {
        /* XES-style exports name case attributes case:… */
        for (size_t i = 0; i < n_hdr; i++)
            if ((int)i != col[COL_CASE] && strncmp(hdr[i], "case:", 5) == 0 && hdr[i][5]) attr_col[n_attr++] = (int)i;
    }
    int need = 0;
    for (int f = 0; f < COL_N; f++)
        if (col[f] + 1 > need) need = col[f] + 1;
    for (int i = 0; i < n_attr; i++)
        if (attr_col[i] + 1 > need) need = attr_col[i] + 1;
    TsFormat fmt_time = TS_UNKNOWN, fmt_start = TS_UNKNOWN;
    uint32_t lc_start = strpool_intern(&log->lifecycles, "start", 5);
    uint32_t lc_complete = strpool_intern(&log->lifecycles, "complete", 8);
    if (lc_start == EVLOG_NONE || lc_complete == EVLOG_NONE) {
        oom(err);
        goto out;
    }
    uint32_t last_case = EVLOG_NONE;
    const char *last_case_s = NULL;
    size_t last_case_n = 0;
    for (;;) {
        int k = csv_record(&r);
        if (k < 0) goto out;
        if (k == 0) break;
        if (r.n_cells == 1 && r.cells[0].n == 0) continue; /* blank line */
        const CsvCell *c = r.cells;
        if ((int)r.n_cells < need) {
            const CsvCell *lastc = &c[r.n_cells - 1];
            fail_cell(err, lastc, "the row has %zu fields; the header has %zu", r.n_cells, n_hdr);
            goto out;
        }
        const CsvCell *cc = &c[col[COL_CASE]], *ac = &c[col[COL_ACT]], *tc = &c[col[COL_TIME]];
        if (!cc->n) {
            fail_cell(err, cc, "empty case id");
            goto out;
        }
        if (!ac->n) {
            fail_cell(err, ac, "empty activity");
            goto out;
        }
        int64_t t, ts = 0;
        if (!tc->n) {
            fail_cell(err, tc, "empty timestamp");
            goto out;
        }
        if (ts_cell(err, &fmt_time, tc, "timestamp", &t)) goto out;
        bool interval = col[COL_START] >= 0 && c[col[COL_START]].n > 0;
        if (interval && ts_cell(err, &fmt_start, &c[col[COL_START]], "start timestamp", &ts)) goto out;
        uint32_t case_no;
        if (last_case != EVLOG_NONE && cc->n == last_case_n && memcmp(cc->s, last_case_s, cc->n) == 0)
            case_no = last_case;
        else if ((case_no = strpool_intern(&log->cases, cc->s, cc->n)) == EVLOG_NONE) {
            oom(err);
            goto out;
        }
        last_case = case_no;
        last_case_s = log->cases.strs[case_no];
        last_case_n = log->cases.lens[case_no];
        uint32_t act = strpool_intern(&log->activities, ac->s, ac->n);
        uint32_t res = EVLOG_NONE, lc = EVLOG_NONE;
        if (col[COL_RES] >= 0 && c[col[COL_RES]].n)
            res = strpool_intern(&log->resources, c[col[COL_RES]].s, c[col[COL_RES]].n);
        if (col[COL_LC] >= 0 && c[col[COL_LC]].n)
            lc = strpool_intern(&log->lifecycles, c[col[COL_LC]].s, c[col[COL_LC]].n);
        if (act == EVLOG_NONE || (col[COL_RES] >= 0 && c[col[COL_RES]].n && res == EVLOG_NONE) ||
            (col[COL_LC] >= 0 && c[col[COL_LC]].n && lc == EVLOG_NONE)) {
            oom(err);
            goto out;
        }
        if (interval) {
            if (evlog_add_ix(log, case_no, act, res, lc_start, ts) ||
                evlog_add_ix(log, case_no, act, res, lc_complete, t)) {
                oom(err);
                goto out;
            }
        } else if (evlog_add_ix(log, case_no, act, res, lc, t)) {
            oom(err);
            goto out;
        }
        if (n_attr) {
            /* case attributes are taken from the first row of each case */
            if (case_no >= cap_case_done) {
                size_t cap = cap_case_done ? cap_case_done * 2 : 1024;
                while (cap <= case_no) cap *= 2;
                uint8_t *d = realloc(case_done, cap);
                if (!d) {
                    oom(err);
                    goto out;
                }
                memset(d + cap_case_done, 0, cap - cap_case_done);
                case_done = d;
                cap_case_done = cap;
            }
            if (!case_done[case_no]) {
                case_done[case_no] = 1;
                for (int i = 0; i < n_attr; i++) {
                    const CsvCell *v = &c[attr_col[i]];
                    const char *key = hdr[attr_col[i]];
                    if (strncmp(key, "case:", 5) == 0) key += 5;
                    if (v->n && evlog_case_attr(log, case_no, key, strlen(key), v->s, v->n)) {
                        oom(err);
                        goto out;
                    }
                }
            }
        }
    }
    rc = 0;
out:
    if (hdr)
        for (size_t i = 0; i < n_hdr; i++) free(hdr[i]);
    free(hdr);
    free(hc);
    free(attr_col);
    free(case_done);
    free(r.cells);
    free(r.scratch);
    return rc;
}
