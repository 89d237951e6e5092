/* tasks_csv.c — the CSV reader and cell writer behind task export/import.
 * Written here rather than taken from a library: Debian 12 packages no C CSV
 * parser that reports the line of a broken quote and checks UTF-8 (libcsv
 * reports neither and is not in the base install), and RFC 4180 is small.
 * No database, HTTP or HTML here; fuzzed by fuzz/fuzz_csv.c. */
#include <string.h>

#include "../base/utf8.h"
#include "tasks.h"

static bool is_trigger(char c) { return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r'; }

/* A cell a spreadsheet would run as a formula: a trigger character after
 * any number of neutralising quotes (so that un-neutralising is exact). */
static bool needs_neutralising(const char *s) {
    while (*s == '\'') s++;
    return is_trigger(*s);
}

void tasks_csv_cell(Buf *b, const char *s) {
    if (!s) s = "";
    bool neutral = needs_neutralising(s);
    bool quote = neutral || strpbrk(s, ",\"\r\n") != NULL;
    if (quote) buf_putc(b, '"');
    if (neutral) buf_putc(b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"') buf_putc(b, '"');
        buf_putc(b, *p);
    }
    if (quote) buf_putc(b, '"');
}

const char *tasks_csv_unneutralise(const char *s) { return s && s[0] == '\'' && needs_neutralising(s + 1) ? s + 1 : s; }

int tasks_csv_parse(Arena *a, const char *data, size_t n, CsvRow **rows, int *n_rows, int *err_line,
                    const char **err_key) {
    *rows = NULL;
    *n_rows = 0;
    *err_line = 0;
    *err_key = NULL;
    size_t i = 0;
    if (n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) i = 3;
    /* UTF-8 first, line by line, so that the error names the line. */
    for (size_t s = i, line = 1; s < n; line++) {
        const char *nl = memchr(data + s, '\n', n - s);
        size_t e = nl ? (size_t)(nl - data) : n;
        if (!utf8_valid(data + s, e - s)) {
            *err_line = (int)line;
            *err_key = "tasks.error.csv_utf8";
            return -1;
        }
        s = e + 1;
    }
    int cap = 16, k = 0, line = 1;
    CsvRow *out = arena_alloc(a, sizeof *out * (size_t)cap);
    Buf field = {0};
    const char *fields[TASKS_CSV_MAX_FIELDS];
    while (i < n) {
        int row_line = line, nf = 0;
        bool end_row = false;
        while (!end_row) {
            buf_reset(&field);
            int quote_line = line;
            if (i < n && data[i] == '"') {
                i++;
                for (;;) {
                    if (i >= n) {
                        *err_line = quote_line;
                        *err_key = "tasks.error.csv_quote";
                        goto fail;
                    }
                    char c = data[i++];
                    if (c == '"') {
                        if (i < n && data[i] == '"') {
                            buf_putc(&field, '"');
                            i++;
                            continue;
                        }
                        break;
                    }
                    if (c == '\n') line++;
                    buf_putc(&field, c);
                }
                if (i < n && data[i] != ',' && data[i] != '\n' && data[i] != '\r') {
                    *err_line = line;
                    *err_key = "tasks.error.csv_stray_quote";
                    goto fail;
                }
            } else {
                while (i < n && data[i] != ',' && data[i] != '\n' && data[i] != '\r') {
                    if (data[i] == '"') {
                        *err_line = line;
                        *err_key = "tasks.error.csv_stray_quote";
                        goto fail;
                    }
                    buf_putc(&field, data[i++]);
                }
            }
            if (nf >= TASKS_CSV_MAX_FIELDS) {
                *err_line = row_line;
                *err_key = "tasks.error.csv_too_many_fields";
                goto fail;
            }
            fields[nf++] = arena_strndup(a, field.data ? field.data : "", field.len);
            if (i < n && data[i] == ',') {
                i++;
                continue;
            }
            /* CRLF, LF or a lone CR ends the record; lines are counted by LF
             * (as editors number them), so a lone CR does not advance it. */
            if (i < n && data[i] == '\r') i++;
            if (i < n && data[i] == '\n') i++, line++;
            else if (i >= n) line++;
            end_row = true;
        }
        /* A blank line is no record. */
        if (nf == 1 && !fields[0][0]) continue;
        if (k >= TASKS_CSV_MAX_ROWS) {
            *err_line = row_line;
            *err_key = "tasks.error.csv_too_many_rows";
            goto fail;
        }
        if (k == cap) {
            CsvRow *bigger = arena_alloc(a, sizeof *out * (size_t)cap * 2);
            memcpy(bigger, out, sizeof *out * (size_t)cap);
            out = bigger, cap *= 2;
        }
        out[k].line = row_line;
        out[k].n_fields = nf;
        out[k].fields = arena_alloc(a, sizeof(char *) * (size_t)nf);
        memcpy(out[k].fields, fields, sizeof(char *) * (size_t)nf);
        k++;
    }
    buf_free(&field);
    *rows = out;
    *n_rows = k;
    return 0;
fail:
    buf_free(&field);
    return -1;
}
