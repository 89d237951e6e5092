/* evwrite.c — the event-log writers: XES (IEEE 1849, with namespace and
 * declared extensions, UTC times with milliseconds) and CSV (RFC 4180, cells
 * that a spreadsheet would run as a formula neutralised as src/tasks does).
 * Events are written grouped by case (cases in order of first appearance,
 * events in file order within a case), which is how both readers read them
 * back. No reading here. */
#include <stdlib.h>
#include <string.h>

#include "../base/timeutil.h"
#include "analysis.h"

/* Output is gathered in a block and handed to the callback in large pieces. */
typedef struct Out {
    EvWriteFn write;
    void *ctx;
    char buf[1 << 16];
    size_t n;
    int failed;
} Out;

static void out_flush(Out *o) {
    if (o->n && !o->failed && o->write(o->ctx, o->buf, o->n) != 0) o->failed = -1;
    o->n = 0;
}

static void out_put(Out *o, const char *s, size_t n) {
    while (n) {
        if (o->n == sizeof o->buf) out_flush(o);
        size_t k = sizeof o->buf - o->n < n ? sizeof o->buf - o->n : n;
        memcpy(o->buf + o->n, s, k);
        o->n += k;
        s += k;
        n -= k;
    }
}

static void out_str(Out *o, const char *s) { out_put(o, s, strlen(s)); }

/* XML text in an attribute value: the five special characters, and tab/CR/LF
 * as character references so that attribute normalisation keeps them. */
static void out_xml(Out *o, const char *s, size_t n) {
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&apos;"; break;
        case '\t': rep = "&#9;"; break;
        case '\n': rep = "&#10;"; break;
        case '\r': rep = "&#13;"; break;
        default: continue;
        }
        out_put(o, s + from, i - from);
        out_str(o, rep);
        from = i + 1;
    }
    out_put(o, s + from, n - from);
}

static void out_attr(Out *o, const char *indent, const char *type, const char *key, const char *v, size_t vn) {
    out_str(o, indent);
    out_str(o, "<");
    out_str(o, type);
    out_str(o, " key=\"");
    out_xml(o, key, strlen(key));
    out_str(o, "\" value=\"");
    out_xml(o, v, vn);
    out_str(o, "\"/>\n");
}

/* Events of each case, in file order: a counting sort by case. *order gets
 * event indexes, *first[c]..first[c+1] the slice of case c. Caller frees. */
static int group_by_case(const EventLog *log, size_t **order, size_t **first) {
    size_t nc = log->cases.n;
    size_t *f = calloc(nc + 1, sizeof *f), *ord = malloc((log->n_events ? log->n_events : 1) * sizeof *ord);
    if (!f || !ord) {
        free(f);
        free(ord);
        return -1;
    }
    for (size_t i = 0; i < log->n_events; i++) f[log->ev_case[i] + 1]++;
    for (size_t c = 0; c < nc; c++) f[c + 1] += f[c];
    size_t *at = malloc((nc ? nc : 1) * sizeof *at);
    if (!at) {
        free(f);
        free(ord);
        return -1;
    }
    memcpy(at, f, nc * sizeof *at);
    for (size_t i = 0; i < log->n_events; i++) ord[at[log->ev_case[i]]++] = i;
    free(at);
    *order = ord;
    *first = f;
    return 0;
}

/* Case attribute values as a table: value index of (case, key), or EVLOG_NONE. */
static uint32_t *attr_table(const EventLog *log) {
    size_t nk = log->attr_keys.n, nc = log->cases.n;
    uint32_t *t = malloc((nk * nc > 0 ? nk * nc : 1) * sizeof *t);
    if (!t) return NULL;
    for (size_t i = 0; i < nk * nc; i++) t[i] = EVLOG_NONE;
    for (size_t i = 0; i < log->n_case_attrs; i++) {
        const EvCaseAttr *a = &log->case_attrs[i];
        t[(size_t)a->case_no * nk + a->key] = a->value;
    }
    return t;
}

int evlog_write_xes(const EventLog *log, EvWriteFn write, void *ctx) {
    Out *o = malloc(sizeof *o);
    size_t *order = NULL, *first = NULL;
    uint32_t *attrs = attr_table(log);
    if (!o || !attrs || group_by_case(log, &order, &first) != 0) {
        free(o);
        free(attrs);
        return -1;
    }
    o->write = write;
    o->ctx = ctx;
    o->n = 0;
    o->failed = 0;
    out_str(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<log xes.version=\"1.0\" xes.features=\"nested-attributes\" xmlns=\"http://www.xes-standard.org/\">\n"
               "  <extension name=\"Concept\" prefix=\"concept\" uri=\"http://www.xes-standard.org/concept.xesext\"/>\n"
               "  <extension name=\"Time\" prefix=\"time\" uri=\"http://www.xes-standard.org/time.xesext\"/>\n"
               "  <extension name=\"Organizational\" prefix=\"org\" uri=\"http://www.xes-standard.org/org.xesext\"/>\n"
               "  <extension name=\"Lifecycle\" prefix=\"lifecycle\" "
               "uri=\"http://www.xes-standard.org/lifecycle.xesext\"/>\n"
               "  <classifier name=\"Activity\" keys=\"concept:name\"/>\n");
    size_t nk = log->attr_keys.n;
    for (size_t c = 0; c < log->cases.n; c++) {
        out_str(o, "  <trace>\n");
        out_attr(o, "    ", "string", "concept:name", log->cases.strs[c], log->cases.lens[c]);
        for (size_t k = 0; k < nk; k++) {
            uint32_t v = attrs[c * nk + k];
            if (v == EVLOG_NONE || strcmp(log->attr_keys.strs[k], "concept:name") == 0) continue;
            out_attr(o, "    ", "string", log->attr_keys.strs[k], log->attr_values.strs[v], log->attr_values.lens[v]);
        }
        for (size_t j = first[c]; j < first[c + 1]; j++) {
            size_t i = order[j];
            out_str(o, "    <event>\n");
            uint32_t a = log->ev_activity[i];
            out_attr(o, "      ", "string", "concept:name", log->activities.strs[a], log->activities.lens[a]);
            if (log->ev_resource[i] != EVLOG_NONE) {
                uint32_t r = log->ev_resource[i];
                out_attr(o, "      ", "string", "org:resource", log->resources.strs[r], log->resources.lens[r]);
            }
            if (log->ev_lifecycle[i] != EVLOG_NONE) {
                uint32_t l = log->ev_lifecycle[i];
                out_attr(o, "      ", "string", "lifecycle:transition", log->lifecycles.strs[l],
                         log->lifecycles.lens[l]);
            }
            char ts[40];
            time_format_iso(log->ev_time_ms[i], ts, sizeof ts);
            out_attr(o, "      ", "date", "time:timestamp", ts, strlen(ts));
            out_str(o, "    </event>\n");
        }
        out_str(o, "  </trace>\n");
    }
    out_str(o, "</log>\n");
    out_flush(o);
    int rc = o->failed;
    free(o);
    free(attrs);
    free(order);
    free(first);
    return rc;
}

/* A cell a spreadsheet would run as a formula gets a leading quote (inside
 * the quotes), as tasks_csv_cell does; a cell that already starts with
 * quotes before such a character gets one more, so that removing one is exact. */
static bool formula_trigger(char c) { return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r'; }

static void out_cell(Out *o, const char *s, size_t n) {
    size_t q = 0;
    while (q < n && s[q] == '\'') q++;
    bool neutral = q < n && formula_trigger(s[q]);
    bool quote = neutral;
    /* ';' and tab too: the reader detects the delimiter from the header outside quotes */
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n' || s[i] == ';' || s[i] == '\t';
    if (quote) out_put(o, "\"", 1);
    if (neutral) out_put(o, "'", 1);
    size_t from = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '"') {
            out_put(o, s + from, i + 1 - from);
            out_put(o, "\"", 1);
            from = i + 1;
        }
    out_put(o, s + from, n - from);
    if (quote) out_put(o, "\"", 1);
}

int evlog_write_csv(const EventLog *log, EvWriteFn write, void *ctx) {
    Out *o = malloc(sizeof *o);
    size_t *order = NULL, *first = NULL;
    uint32_t *attrs = attr_table(log);
    if (!o || !attrs || group_by_case(log, &order, &first) != 0) {
        free(o);
        free(attrs);
        return -1;
    }
    o->write = write;
    o->ctx = ctx;
    o->n = 0;
    o->failed = 0;
    out_str(o, "case,activity,timestamp,resource,lifecycle");
    size_t nk = log->attr_keys.n;
    bool *skip = calloc(nk ? nk : 1, sizeof *skip);
    if (!skip) o->failed = -1;
    for (size_t k = 0; k < nk && skip; k++) {
        /* concept:name is the case id itself; "case:concept:name" would be read back as the case column */
        skip[k] = strcmp(log->attr_keys.strs[k], "concept:name") == 0;
        if (skip[k]) continue;
        /* case:KEY, the XES-style name the reader takes back as a case attribute */
        char *h = malloc(log->attr_keys.lens[k] + 6);
        if (!h) {
            o->failed = -1;
            break;
        }
        memcpy(h, "case:", 5);
        memcpy(h + 5, log->attr_keys.strs[k], log->attr_keys.lens[k] + 1);
        out_put(o, ",", 1);
        out_cell(o, h, log->attr_keys.lens[k] + 5);
        free(h);
    }
    out_put(o, "\r\n", 2);
    for (size_t c = 0; c < log->cases.n && !o->failed; c++) {
        for (size_t j = first[c]; j < first[c + 1]; j++) {
            size_t i = order[j];
            out_cell(o, log->cases.strs[c], log->cases.lens[c]);
            out_put(o, ",", 1);
            uint32_t a = log->ev_activity[i];
            out_cell(o, log->activities.strs[a], log->activities.lens[a]);
            char ts[40];
            time_format_iso(log->ev_time_ms[i], ts, sizeof ts);
            out_put(o, ",", 1);
            out_str(o, ts);
            out_put(o, ",", 1);
            if (log->ev_resource[i] != EVLOG_NONE)
                out_cell(o, log->resources.strs[log->ev_resource[i]], log->resources.lens[log->ev_resource[i]]);
            out_put(o, ",", 1);
            if (log->ev_lifecycle[i] != EVLOG_NONE)
                out_cell(o, log->lifecycles.strs[log->ev_lifecycle[i]], log->lifecycles.lens[log->ev_lifecycle[i]]);
            for (size_t k = 0; k < nk; k++) {
                if (skip[k]) continue;
                out_put(o, ",", 1);
                uint32_t v = attrs[c * nk + k];
                if (v != EVLOG_NONE) out_cell(o, log->attr_values.strs[v], log->attr_values.lens[v]);
            }
            out_put(o, "\r\n", 2);
        }
    }
    out_flush(o);
    int rc = o->failed;
    free(o);
    free(skip);
    free(attrs);
    free(order);
    free(first);
    return rc;
}
