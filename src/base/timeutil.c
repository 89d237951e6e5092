/* timeutil.c — calendar arithmetic from Howard Hinnant's days_from_civil /
 * civil_from_days algorithms (public domain), so no call depends on the
 * process TZ or the non-thread-safe parts of libc. */
#include "timeutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t time_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t time_mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t time_days_from_civil(int y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

bool time_valid_date(int y, int m, int d) {
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
    int max = mdays[m - 1];
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) max = 29;
    return d <= max;
}

static int digits(const char *s, int n, int *out) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int time_parse_iso(const char *s, int64_t *ms_out) {
    int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
    size_t n = strlen(s);
    if (n < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d))
        return -1;
    if (!time_valid_date(y, mo, d)) return -1;
    int64_t offset_min = 0;
    if (n > 10) {
        const char *p = s + 10;
        if (*p != 'T' && *p != 't' && *p != ' ') return -1;
        p++;
        if (digits(p, 2, &h) || p[2] != ':' || digits(p + 3, 2, &mi)) return -1;
        p += 5;
        if (*p == ':') {
            if (digits(p + 1, 2, &sec)) return -1;
            p += 3;
            if (*p == '.') {
                p++;
                int nd = 0;
                ms = 0;
                while (*p >= '0' && *p <= '9') {
                    if (nd < 3) ms = ms * 10 + (*p - '0');
                    nd++, p++;
                }
                if (nd == 0 || nd > 9) return -1;
                while (nd < 3) ms *= 10, nd++;
            }
        }
        if (h > 23 || mi > 59 || sec > 59) return -1;
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh, om;
            if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 || om > 59) return -1;
            offset_min = (oh * 60 + om) * (*p == '-' ? -1 : 1);
            p += 6;
        } else {
            return -1;
        }
        if (*p) return -1;
    }
    int64_t days = time_days_from_civil(y, (unsigned)mo, (unsigned)d);
    int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - offset_min * 60;
    *ms_out = secs * 1000 + ms;
    return 0;
}

static void split(int64_t ms, int *y, int *mo, int *d, int *h, int *mi, int *s, int *milli) {
    int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    *milli = (int)(ms - secs * 1000);
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rem = secs - days * 86400;
    civil_from_days(days, y, mo, d);
    *h = (int)(rem / 3600);
    *mi = (int)(rem % 3600 / 60);
    *s = (int)(rem % 60);
}

static char *put_digits(char *p, int v, int width) {
    for (int i = width - 1; i >= 0; i--) p[i] = (char)('0' + v % 10), v /= 10;
    return p + width;
}

void time_format_iso(int64_t ms, char *out, size_t n) {
    int y, mo, d, h, mi, s, milli;
    split(ms, &y, &mo, &d, &h, &mi, &s, &milli);
    if (n < 25 || y < 0 || y > 9999) {
        snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, mo, d, h, mi, s, milli);
        return;
    }
    /* Hand-written: this runs for every timestamp of every JSON list. */
    char *p = out;
    p = put_digits(p, y, 4), *p++ = '-';
    p = put_digits(p, mo, 2), *p++ = '-';
    p = put_digits(p, d, 2), *p++ = 'T';
    p = put_digits(p, h, 2), *p++ = ':';
    p = put_digits(p, mi, 2), *p++ = ':';
    p = put_digits(p, s, 2), *p++ = '.';
    p = put_digits(p, milli, 3), *p++ = 'Z';
    *p = 0;
}

void time_format_display(int64_t ms, const char *locale, int offset_min, bool with_time, char *out, size_t n) {
    static const char *months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int y, mo, d, h, mi, s, milli;
    split(ms + (int64_t)offset_min * 60000, &y, &mo, &d, &h, &mi, &s, &milli);
    bool zh = locale && strncmp(locale, "zh", 2) == 0;
    if (zh && with_time) snprintf(out, n, "%d年%d月%d日 %02d:%02d", y, mo, d, h, mi);
    else if (zh) snprintf(out, n, "%d年%d月%d日", y, mo, d);
    else if (with_time) snprintf(out, n, "%d %s %d, %02d:%02d", d, months[mo - 1], y, h, mi);
    else snprintf(out, n, "%d %s %d", d, months[mo - 1], y);
}
