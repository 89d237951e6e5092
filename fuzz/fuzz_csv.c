/* fuzz_csv.c — the task CSV reader (tasks_csv_parse) and cell writer
 * (tasks_csv_cell). Whatever the input: the reader either names a line
 * within the input or returns records whose fields are valid UTF-8 with
 * non-decreasing line numbers; and every field, written back as a cell and read
 * again, comes back unchanged once un-neutralised. */
#include <string.h>

#include "arena.h"
#include "fuzz.h"
#include "tasks.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    Arena *a = arena_new();
    CsvRow *rows;
    int n = 0, err_line = 0;
    const char *err_key = NULL;
    int lines = 1;
    for (size_t i = 0; i < size; i++) lines += data[i] == '\n';
    if (tasks_csv_parse(a, (const char *)data, size, &rows, &n, &err_line, &err_key) != 0) {
        FUZZ_CHECK(err_key && err_line >= 1 && err_line <= lines, "error line %d of %d", err_line, lines);
        arena_free(a);
        return 0;
    }
    FUZZ_CHECK(n >= 0 && n <= TASKS_CSV_MAX_ROWS, "rows %d", n);
    int last = 0;
    for (int i = 0; i < n; i++) {
        FUZZ_CHECK(rows[i].line >= last && rows[i].line >= 1 && rows[i].line <= lines, "line %d after %d", rows[i].line,
                   last);
        last = rows[i].line;
        Buf b = {0};
        buf_puts(&b, "\xEF\xBB\xBF"); /* as the export writes it: a field may itself start with U+FEFF */
        for (int f = 0; f < rows[i].n_fields; f++) {
            const char *v = rows[i].fields[f];
            FUZZ_CHECK(utf8_valid(v, strlen(v)), "field is not UTF-8");
            if (f) buf_putc(&b, ',');
            tasks_csv_cell(&b, v);
        }
        buf_puts(&b, "\n");
        CsvRow *back;
        int nb;
        if (tasks_csv_parse(a, b.data, b.len, &back, &nb, &err_line, &err_key) != 0)
            FUZZ_CHECK(0, "written row does not parse: %s", err_key);
        /* A row of one empty field is a blank line: no record. */
        if (!(rows[i].n_fields == 1 && !rows[i].fields[0][0])) {
            FUZZ_CHECK(nb == 1 && back[0].n_fields == rows[i].n_fields, "round trip changed the shape");
            for (int f = 0; f < rows[i].n_fields; f++)
                FUZZ_CHECK(strcmp(tasks_csv_unneutralise(back[0].fields[f]), rows[i].fields[f]) == 0,
                           "round trip changed \"%s\"", rows[i].fields[f]);
        }
        buf_free(&b);
    }
    arena_free(a);
    return 0;
}
