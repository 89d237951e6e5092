/* driver.c — standalone main for the fuzz harnesses when libFuzzer is not
 * available (gcc, or a plain replay): runs LLVMFuzzerTestOneInput once on
 * every file named on the command line, descending into directories. Used
 * to replay the seed corpus and saved crashes as regression tests. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int n_run;

static void run_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    if (!buf) abort();
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            if (!buf) abort();
        }
    }
    fclose(f);
    /* An exact-size copy, so ASan sees reads past the end as libFuzzer would. */
    unsigned char *exact = malloc(n ? n : 1);
    if (!exact) abort();
    memcpy(exact, buf, n);
    free(buf);
    fprintf(stderr, "input: %s\n", path); /* names the culprit when the harness aborts */
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    n_run++;
}

static void run_path(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        exit(2);
    }
    if (!S_ISDIR(st.st_mode)) {
        run_file(path);
        return;
    }
    struct dirent **names;
    int n = scandir(path, &names, NULL, alphasort);
    if (n < 0) {
        perror(path);
        exit(2);
    }
    for (int i = 0; i < n; i++) {
        if (names[i]->d_name[0] != '.') {
            size_t len = strlen(path) + strlen(names[i]->d_name) + 2;
            char *child = malloc(len);
            if (!child) abort();
            snprintf(child, len, "%s/%s", path, names[i]->d_name);
            run_path(child);
            free(child);
        }
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-') continue; /* libFuzzer flags given to a replay build: ignore */
        run_path(argv[i]);
    }
    printf("%s: ran %d input(s) without a finding\n", argv[0], n_run);
    return 0;
}
