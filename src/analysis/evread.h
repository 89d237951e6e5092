/* evread.h — private to the event-log readers (evread.c, xes.c, evcsv.c):
 * the byte sources they pull from (memory, a file, gzip decompressed on a
 * second thread) and the two parsers' entry points. Nothing outside
 * src/analysis includes this; the public interface is analysis.h. */
#ifndef OPSDESK_EVREAD_H
#define OPSDESK_EVREAD_H
#include <stdarg.h>

#include "analysis.h"

/* A pull source of bytes. read() fills dst with up to cap bytes and sets
 * *got (0 = end of input); returns 0, or -1 with err->message set (line and
 * column are left to the caller, who knows where in the text it was). */
typedef struct EvSource EvSource;
struct EvSource {
    int (*read)(EvSource *s, char *dst, size_t cap, size_t *got, EvError *err);
    void (*close)(EvSource *s); /* frees the source itself */
    EvProgressFn progress;      /* may be NULL */
    void *progress_ctx;
    uint64_t total; /* input bytes in all (0: unknown) */
    uint64_t done;  /* input bytes consumed so far (compressed ones for gzip) */
};

/* Sources. Each returns NULL on OOM or, for files, with err filled. */
EvSource *evsrc_mem(const char *data, size_t n);
EvSource *evsrc_gzip_mem(const char *data, size_t n);
/* path: a plain file, or gzip (by magic bytes) decompressed on a second
 * thread into a ring of buffers, so that inflating overlaps scanning. */
EvSource *evsrc_file(const char *path, bool *is_gzip, char peek[64], size_t *n_peek, EvError *err);

/* Sets err->message (printf-style) and the place; returns -1 so a caller can
 * `return ev_fail(...)`. */
int ev_fail(EvError *err, long line, long column, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Index of the first byte of s[0..n) that does not belong to valid UTF-8
 * (a NUL byte counts as invalid), or n. When partial_ok, a sequence cut
 * short by the end of the buffer is not an error: *keep gets the bytes that
 * must be validated again once more input arrives. */
size_t ev_utf8_check(const char *s, size_t n, bool partial_ok, size_t *keep);

/* ISO 8601 date-time → UTC ms: "YYYY-MM-DD", "YYYY-MM-DD[T ]HH:MM[:SS[.f…]]"
 * then optional "Z", "±HH:MM", "±HHMM" or "±HH" (no zone = UTC). Fractions of
 * any length (truncated to ms). Returns 0, or -1 when s[0..n) is not one. */
int ev_parse_iso(const char *s, size_t n, int64_t *ms);

/* XES: streams the whole source (a plain XES text) into log. */
int xes_read(EventLog *log, EvSource *src, EvError *err);
/* XES from memory already holding the whole text: scanned in place. */
int xes_read_buf(EventLog *log, const char *data, size_t n, EvError *err);
/* CSV from memory holding the whole text. */
int evcsv_read_buf(EventLog *log, const char *data, size_t n, const EvCsvColumns *cols, EvError *err);

#endif
