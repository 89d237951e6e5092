/* log.h — one-line structured logs to stderr: time, level, message. */
#ifndef OPSDESK_LOG_H
#define OPSDESK_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Silences info lines (tests, CLI). */
void log_set_quiet(int quiet);

#endif
