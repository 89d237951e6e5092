/* log.c — stderr logger; one fputs per line so threads do not interleave. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

#include "timeutil.h"

static int quiet;

void log_set_quiet(int q) { quiet = q; }

static void emit(const char *level, const char *fmt, va_list ap) {
    char ts[32], msg[1024], line[1100];
    time_format_iso(time_now_ms(), ts, sizeof ts);
    vsnprintf(msg, sizeof msg, fmt, ap);
    snprintf(line, sizeof line, "%s %s %s\n", ts, level, msg);
    fputs(line, stderr);
}

#define LOG_FN(name, level, skip_when_quiet)                                                                           \
    void name(const char *fmt, ...) {                                                                                  \
        if (skip_when_quiet && quiet) return;                                                                          \
        va_list ap;                                                                                                    \
        va_start(ap, fmt);                                                                                             \
        emit(level, fmt, ap);                                                                                          \
        va_end(ap);                                                                                                    \
    }
LOG_FN(log_info, "info", 1)
LOG_FN(log_warn, "warn", 0)
LOG_FN(log_error, "error", 0)
