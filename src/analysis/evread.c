/* evread.c — the entry points of the event-log readers (evlog_read_mem,
 * evlog_read_file): format detection, and the byte sources the parsers pull
 * from — memory, a plain file read in large blocks (not mmap: mapped pages
 * would count in the process's resident memory and break the "peak memory ≤
 * file size" budget), and gzip inflated on a second thread into a ring of
 * buffers so that decompression overlaps scanning. Also the small helpers the
 * two parsers share (UTF-8 check, ISO 8601 dates). No XML or CSV syntax here. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "../base/timeutil.h"
#include "evread.h"

int ev_fail(EvError *err, long line, long column, const char *fmt, ...) {
    if (!err) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    err->line = line;
    err->column = column;
    return -1;
}

/* ---------- UTF-8 ---------- */

size_t ev_utf8_check(const char *str, size_t n, bool partial_ok, size_t *keep) {
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    if (keep) *keep = 0;
    while (i < n) {
        /* ASCII fast path, eight bytes at a time: no high bit and no zero byte */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if ((w & 0x8080808080808080ull) || ((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull)) break;
            i += 8;
        }
        if (i >= n) break;
        unsigned c = s[i];
        if (c < 0x80) {
            if (c == 0) return i;
            i++;
            continue;
        }
        size_t len;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F; /* no surrogates */
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else return i;
        for (size_t k = 1; k < len; k++) {
            if (i + k >= n) {
                if (partial_ok) {
                    if (keep) *keep = n - i;
                    return n;
                }
                return i;
            }
            unsigned d = s[i + k];
            if (k == 1 ? (d < lo || d > hi) : (d < 0x80 || d > 0xBF)) return i;
        }
        i += len;
    }
    return n;
}

/* ---------- ISO 8601 ---------- */

static int digits(const char *s, size_t n, size_t at, int count, int *out) {
    if (at + (size_t)count > n) return -1;
    int v = 0;
    for (int k = 0; k < count; k++) {
        unsigned d = (unsigned)(s[at + (size_t)k] - '0');
        if (d > 9) return -1;
        v = v * 10 + (int)d;
    }
    *out = v;
    return 0;
}

int ev_parse_iso(const char *s, size_t n, int64_t *ms) {
    int y, mo, d, h = 0, mi = 0, sec = 0, frac_ms = 0;
    if (digits(s, n, 0, 4, &y) || n < 10 || s[4] != '-' || digits(s, n, 5, 2, &mo) || s[7] != '-' ||
        digits(s, n, 8, 2, &d) || !time_valid_date(y, mo, d))
        return -1;
    size_t i = 10;
    if (i < n) {
        if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return -1;
        if (digits(s, n, i + 1, 2, &h) || i + 3 >= n || s[i + 3] != ':' || digits(s, n, i + 4, 2, &mi)) return -1;
        i += 6;
        if (i < n && s[i] == ':') {
            if (digits(s, n, i + 1, 2, &sec)) return -1;
            i += 3;
            if (i < n && (s[i] == '.' || s[i] == ',')) {
                size_t f = ++i;
                int scale = 100;
                while (i < n && (unsigned)(s[i] - '0') <= 9) {
                    frac_ms += (s[i] - '0') * scale;
                    scale /= 10;
                    i++;
                }
                if (i == f) return -1;
            }
        }
        if (h > 24 || mi > 59 || sec > 60 || (h == 24 && (mi || sec || frac_ms))) return -1;
    }
    int off_min = 0;
    if (i < n) {
        if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n) {
            i++;
        } else if (s[i] == '+' || s[i] == '-') {
            int sign = s[i] == '-' ? -1 : 1, oh, om = 0;
            if (digits(s, n, i + 1, 2, &oh)) return -1;
            size_t j = i + 3;
            if (j < n && s[j] == ':') j++;
            if (j < n) {
                if (digits(s, n, j, 2, &om)) return -1;
                j += 2;
            }
            if (j != n || oh > 23 || om > 59) return -1;
            off_min = sign * (oh * 60 + om);
            i = n;
        } else return -1;
    }
    if (i != n) return -1;
    int64_t days = time_days_from_civil(y, (unsigned)mo, (unsigned)d);
    /* keep every time writable back as a four-digit year once in UTC */
    if (days < time_days_from_civil(1, 1, 2) || days > time_days_from_civil(9999, 12, 30)) return -1;
    *ms = ((days * 24 + h) * 60 + mi - off_min) * 60000 + (int64_t)sec * 1000 + frac_ms;
    return 0;
}

/* ---------- memory sources ---------- */

typedef struct MemSource {
    EvSource base;
    const char *data;
    size_t n, at;
} MemSource;

static int mem_read(EvSource *s, char *dst, size_t cap, size_t *got, EvError *err) {
    (void)err;
    MemSource *m = (MemSource *)s;
    size_t k = m->n - m->at < cap ? m->n - m->at : cap;
    memcpy(dst, m->data + m->at, k);
    m->at += k;
    *got = k;
    s->done = m->at;
    return 0;
}

static void plain_close(EvSource *s) { free(s); }

EvSource *evsrc_mem(const char *data, size_t n) {
    MemSource *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->base.read = mem_read;
    m->base.close = plain_close;
    m->base.total = n;
    m->data = data;
    m->n = n;
    return &m->base;
}

/* Decompression bombs: a tiny .gz can inflate to hundreds of GB (deflate
 * reaches ~1000:1). Real event logs compress 10–30× (the public logs of
 * ../shared/data: 18–20×), so past the first EVSRC_GZ_FREE bytes the text may
 * be at most EVSRC_GZ_MAX_RATIO times the compressed bytes read so far, and
 * never more than an absolute cap: an upload (from memory) is held whole
 * while it is parsed, so it gets a smaller one than a file on the command
 * line. Either ends the read with an error before memory or time run away. */
#define EVSRC_GZ_FREE      ((uint64_t)64 << 20)
#define EVSRC_GZ_MAX_RATIO 200
#define EVSRC_GZ_MAX_MEM   ((uint64_t)1 << 30)  /* 1 GiB of text from an upload */
#define EVSRC_GZ_MAX_FILE  ((uint64_t)16 << 30) /* 16 GiB of text from a file */

/* 0, or the error message (static text) when out bytes inflated from in
 * compressed ones break the bounds above. */
static const char *gz_bomb(uint64_t out, uint64_t in, uint64_t max_out, char *msg, size_t cap) {
    if (out > max_out) {
        snprintf(msg, cap, "gzip data inflates to more than %llu MiB: refused (decompression bomb?)",
                 (unsigned long long)(max_out >> 20));
        return msg;
    }
    if (out > EVSRC_GZ_FREE && out / EVSRC_GZ_MAX_RATIO > (in ? in : 1)) {
        snprintf(msg, cap, "gzip data inflates more than %d times its compressed size: refused (decompression bomb?)",
                 EVSRC_GZ_MAX_RATIO);
        return msg;
    }
    return NULL;
}

/* gzip in memory: inflated on the caller's thread (the data is already in
 * memory, there is no I/O to overlap with). */
typedef struct GzMemSource {
    EvSource base;
    z_stream z;
    bool ended;
    uint64_t out_total; /* bytes inflated so far, over all members */
} GzMemSource;

static int gzmem_read(EvSource *s, char *dst, size_t cap, size_t *got, EvError *err) {
    GzMemSource *g = (GzMemSource *)s;
    *got = 0;
    if (cap > UINT32_MAX) cap = UINT32_MAX;
    while (*got == 0) {
        if (g->ended) {
            /* another gzip member may follow (concatenated .gz files) */
            if (g->z.avail_in == 0) return 0;
            if (inflateReset(&g->z) != Z_OK) return ev_fail(err, 0, 0, "gzip data is corrupt");
            g->ended = false;
        }
        g->z.next_out = (Bytef *)dst;
        g->z.avail_out = (uInt)cap;
        int rc = inflate(&g->z, Z_NO_FLUSH);
        *got = cap - g->z.avail_out;
        s->done = s->total - g->z.avail_in;
        g->out_total += *got;
        char msg[sizeof err->message];
        if (gz_bomb(g->out_total, s->done, EVSRC_GZ_MAX_MEM, msg, sizeof msg)) return ev_fail(err, 0, 0, "%s", msg);
        if (rc == Z_STREAM_END) g->ended = true;
        else if (rc == Z_BUF_ERROR && g->z.avail_in == 0)
            return ev_fail(err, 0, 0, "truncated gzip: the data ends inside the compressed stream");
        else if (rc != Z_OK && rc != Z_BUF_ERROR)
            return ev_fail(err, 0, 0, "gzip data is corrupt (%s)", g->z.msg ? g->z.msg : "inflate failed");
    }
    return 0;
}

static void gzmem_close(EvSource *s) {
    GzMemSource *g = (GzMemSource *)s;
    inflateEnd(&g->z);
    free(g);
}

EvSource *evsrc_gzip_mem(const char *data, size_t n) {
    GzMemSource *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    if (n > UINT32_MAX || inflateInit2(&g->z, 16 + MAX_WBITS) != Z_OK) {
        free(g);
        return NULL;
    }
    g->z.next_in = (Bytef *)(uintptr_t)data;
    g->z.avail_in = (uInt)n;
    g->base.read = gzmem_read;
    g->base.close = gzmem_close;
    g->base.total = n;
    return &g->base;
}

/* ---------- files ---------- */

#define EVSRC_BLOCK (1u << 20) /* read size, and size of one ring buffer */
#define EVSRC_RING  4          /* decompressed blocks in flight */

typedef struct FileSource {
    EvSource base;
    int fd;
} FileSource;

static int file_read(EvSource *s, char *dst, size_t cap, size_t *got, EvError *err) {
    FileSource *f = (FileSource *)s;
    for (;;) {
        ssize_t k = read(f->fd, dst, cap);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) return ev_fail(err, 0, 0, "cannot read the file: %s", strerror(errno));
        *got = (size_t)k;
        s->done += (uint64_t)k;
        return 0;
    }
}

static void file_close(EvSource *s) {
    FileSource *f = (FileSource *)s;
    close(f->fd);
    free(f);
}

/* The producer thread inflates into ring[], the consumer (the parser's
 * thread) copies out of it. One mutex and two conditions: the ring is four
 * 1 MiB blocks, so contention is a few thousand lock round trips per GB. */
typedef struct GzFileSource {
    EvSource base;
    int fd;
    pthread_t thread;
    bool started;
    pthread_mutex_t mu;
    pthread_cond_t not_empty, not_full;
    char *ring[EVSRC_RING];
    size_t ring_len[EVSRC_RING];
    int head, count;  /* next block to consume; blocks filled */
    size_t head_at;   /* bytes of ring[head] already consumed */
    bool finished;    /* producer done (eof or error) */
    bool stop;        /* consumer gone: producer must quit */
    char error[200];  /* producer's error, "" if none */
    uint64_t in_done; /* compressed bytes read (under mu) */
} GzFileSource;

static void *gz_producer(void *arg) {
    GzFileSource *g = arg;
    z_stream z;
    memset(&z, 0, sizeof z);
    char *in = malloc(EVSRC_BLOCK / 4);
    char err[200] = "";
    if (!in || inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        snprintf(err, sizeof err, "out of memory inflating gzip");
        goto out;
    }
    bool eof = false, ended = false;
    int slot = 0;
    uint64_t in_total = 0, out_total = 0; /* over all blocks, for the bomb check */
    for (;;) {
        /* wait for a free block */
        pthread_mutex_lock(&g->mu);
        while (g->count == EVSRC_RING && !g->stop) pthread_cond_wait(&g->not_full, &g->mu);
        bool stop = g->stop;
        pthread_mutex_unlock(&g->mu);
        if (stop) break;
        char *out = g->ring[slot];
        size_t produced = 0;
        while (produced < EVSRC_BLOCK) {
            if (z.avail_in == 0 && !eof) {
                ssize_t k;
                do k = read(g->fd, in, EVSRC_BLOCK / 4);
                while (k < 0 && errno == EINTR);
                if (k < 0) {
                    snprintf(err, sizeof err, "cannot read the file: %s", strerror(errno));
                    break;
                }
                if (k == 0) eof = true;
                z.next_in = (Bytef *)in;
                z.avail_in = (uInt)k;
                in_total += (uint64_t)k;
                pthread_mutex_lock(&g->mu);
                g->in_done += (uint64_t)k;
                pthread_mutex_unlock(&g->mu);
            }
            if (ended) {
                if (z.avail_in == 0 && eof) break;
                if (z.avail_in == 0) continue;
                inflateReset(&z); /* concatenated member */
                ended = false;
            }
            z.next_out = (Bytef *)out + produced;
            z.avail_out = (uInt)(EVSRC_BLOCK - produced);
            int rc = inflate(&z, Z_NO_FLUSH);
            out_total += EVSRC_BLOCK - z.avail_out - produced;
            produced = EVSRC_BLOCK - z.avail_out;
            if (gz_bomb(out_total, in_total - z.avail_in, EVSRC_GZ_MAX_FILE, err, sizeof err)) break;
            if (rc == Z_STREAM_END) ended = true;
            else if (rc == Z_BUF_ERROR && eof && z.avail_in == 0) {
                snprintf(err, sizeof err, "truncated gzip: the file ends inside the compressed stream");
                break;
            } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
                snprintf(err, sizeof err, "gzip data is corrupt (%s)", z.msg ? z.msg : "inflate failed");
                break;
            }
        }
        bool last = err[0] || (ended && eof && z.avail_in == 0);
        pthread_mutex_lock(&g->mu);
        if (produced) {
            g->ring_len[slot] = produced;
            g->count++;
            slot = (slot + 1) % EVSRC_RING;
        }
        if (last) {
            g->finished = true;
            memcpy(g->error, err, sizeof err);
        }
        pthread_cond_signal(&g->not_empty);
        pthread_mutex_unlock(&g->mu);
        if (last) break;
    }
out:
    inflateEnd(&z);
    free(in);
    pthread_mutex_lock(&g->mu);
    if (!g->finished) {
        g->finished = true;
        memcpy(g->error, err, sizeof err);
    }
    pthread_cond_signal(&g->not_empty);
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

static int gzfile_read(EvSource *s, char *dst, size_t cap, size_t *got, EvError *err) {
    GzFileSource *g = (GzFileSource *)s;
    *got = 0;
    pthread_mutex_lock(&g->mu);
    while (g->count == 0 && !g->finished) pthread_cond_wait(&g->not_empty, &g->mu);
    s->done = g->in_done;
    if (g->count == 0) {
        int rc = g->error[0] ? ev_fail(err, 0, 0, "%s", g->error) : 0;
        pthread_mutex_unlock(&g->mu);
        return rc;
    }
    pthread_mutex_unlock(&g->mu);
    /* the head block belongs to the consumer until count is decremented */
    size_t avail = g->ring_len[g->head] - g->head_at;
    size_t k = avail < cap ? avail : cap;
    memcpy(dst, g->ring[g->head] + g->head_at, k);
    g->head_at += k;
    *got = k;
    if (g->head_at == g->ring_len[g->head]) {
        pthread_mutex_lock(&g->mu);
        g->head = (g->head + 1) % EVSRC_RING;
        g->head_at = 0;
        g->count--;
        pthread_cond_signal(&g->not_full);
        pthread_mutex_unlock(&g->mu);
    }
    return 0;
}

static void gzfile_close(EvSource *s) {
    GzFileSource *g = (GzFileSource *)s;
    if (g->started) {
        pthread_mutex_lock(&g->mu);
        g->stop = true;
        pthread_cond_signal(&g->not_full);
        pthread_mutex_unlock(&g->mu);
        pthread_join(g->thread, NULL);
    }
    pthread_mutex_destroy(&g->mu);
    pthread_cond_destroy(&g->not_empty);
    pthread_cond_destroy(&g->not_full);
    for (int i = 0; i < EVSRC_RING; i++) free(g->ring[i]);
    close(g->fd);
    free(g);
}

EvSource *evsrc_file(const char *path, bool *is_gzip, char peek[64], size_t *n_peek, EvError *err) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        ev_fail(err, 0, 0, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ev_fail(err, 0, 0, "%s is not a regular file", path);
        close(fd);
        return NULL;
    }
    unsigned char magic[2];
    ssize_t k = pread(fd, magic, 2, 0);
    *is_gzip = k == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    *n_peek = 0;
    if (!*is_gzip) {
        ssize_t p = pread(fd, peek, 64, 0);
        *n_peek = p > 0 ? (size_t)p : 0;
        posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        FileSource *f = calloc(1, sizeof *f);
        if (!f) {
            close(fd);
            ev_fail(err, 0, 0, "out of memory");
            return NULL;
        }
        f->fd = fd;
        f->base.read = file_read;
        f->base.close = file_close;
        f->base.total = (uint64_t)st.st_size;
        return &f->base;
    }
    GzFileSource *g = calloc(1, sizeof *g);
    if (!g) {
        close(fd);
        ev_fail(err, 0, 0, "out of memory");
        return NULL;
    }
    g->fd = fd;
    g->base.read = gzfile_read;
    g->base.close = gzfile_close;
    g->base.total = (uint64_t)st.st_size;
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->not_empty, NULL);
    pthread_cond_init(&g->not_full, NULL);
    bool ok = true;
    for (int i = 0; i < EVSRC_RING; i++) ok = ok && (g->ring[i] = malloc(EVSRC_BLOCK)) != NULL;
    if (ok && pthread_create(&g->thread, NULL, gz_producer, g) == 0) g->started = true;
    else ok = false;
    if (!ok) {
        gzfile_close(&g->base);
        ev_fail(err, 0, 0, "out of memory");
        return NULL;
    }
    return &g->base;
}

/* ---------- entry points ---------- */

static const char *skip_bom_blanks(const char *s, size_t n) {
    const char *e = s + n;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3;
    while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) s++;
    return s < e ? s : NULL;
}

static EvFormat sniff(const char *s, size_t n) {
    const char *p = skip_bom_blanks(s, n);
    return p && *p == '<' ? EVF_XES : EVF_CSV;
}

/* Reads the whole source into one malloc'd buffer (CSV is parsed in memory). */
static int slurp(EvSource *src, char **out, size_t *n_out, EvError *err) {
    size_t cap = src->total && src->total < ((size_t)1 << 40) ? (size_t)src->total + 1 : EVSRC_BLOCK, n = 0;
    char *b = malloc(cap);
    if (!b) return ev_fail(err, 0, 0, "out of memory");
    for (;;) {
        if (cap - n < EVSRC_BLOCK / 2) {
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                return ev_fail(err, 0, 0, "out of memory");
            }
            b = nb;
            cap *= 2;
        }
        size_t got;
        size_t want = cap - n < EVSRC_BLOCK ? cap - n : EVSRC_BLOCK;
        if (src->read(src, b + n, want, &got, err) != 0) {
            free(b);
            return -1;
        }
        if (!got) break;
        n += got;
        if (src->progress) src->progress(src->progress_ctx, src->done, src->total);
    }
    *out = b;
    *n_out = n;
    return 0;
}

static bool is_gzip_mem(const char *d, size_t n) {
    return n >= 2 && (unsigned char)d[0] == 0x1f && (unsigned char)d[1] == 0x8b;
}

int evlog_read_mem(EventLog *log, const char *data, size_t n, EvFormat fmt, const EvCsvColumns *cols, EvError *err) {
    memset(err, 0, sizeof *err);
    if (!is_gzip_mem(data, n)) {
        if (fmt == EVF_AUTO) fmt = sniff(data, n);
        return fmt == EVF_XES ? xes_read_buf(log, data, n, err) : evcsv_read_buf(log, data, n, cols, err);
    }
    EvSource *src = evsrc_gzip_mem(data, n);
    if (!src) return ev_fail(err, 0, 0, "out of memory");
    char *text;
    size_t len;
    int rc;
    if (fmt == EVF_XES) {
        rc = xes_read(log, src, err);
    } else if ((rc = slurp(src, &text, &len, err)) == 0) {
        if (fmt == EVF_AUTO) fmt = sniff(text, len);
        rc = fmt == EVF_XES ? xes_read_buf(log, text, len, err) : evcsv_read_buf(log, text, len, cols, err);
        free(text);
    }
    src->close(src);
    return rc;
}

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    if (m > n) return false;
    for (size_t i = 0; i < m; i++)
        if ((s[n - m + i] | 0x20) != (suffix[i] | 0x20)) return false;
    return true;
}

int evlog_read_file(EventLog *log, const char *path, EvFormat fmt, const EvCsvColumns *cols, EvProgressFn progress,
                    void *progress_ctx, EvError *err) {
    memset(err, 0, sizeof *err);
    bool gz;
    char peek[64];
    size_t n_peek;
    EvSource *src = evsrc_file(path, &gz, peek, &n_peek, err);
    if (!src) return -1;
    src->progress = progress;
    src->progress_ctx = progress_ctx;
    if (fmt == EVF_AUTO) {
        if (ends_with(path, ".xes") || ends_with(path, ".xes.gz")) fmt = EVF_XES;
        else if (ends_with(path, ".csv") || ends_with(path, ".csv.gz")) fmt = EVF_CSV;
        else if (!gz) fmt = sniff(peek, n_peek);
    }
    int rc;
    if (fmt == EVF_XES) {
        rc = xes_read(log, src, err);
    } else {
        char *text;
        size_t len;
        rc = slurp(src, &text, &len, err);
        if (rc == 0) {
            if (fmt == EVF_AUTO) fmt = sniff(text, len);
            rc = fmt == EVF_XES ? xes_read_buf(log, text, len, err) : evcsv_read_buf(log, text, len, cols, err);
            free(text);
        }
    }
    src->close(src);
    return rc;
}
