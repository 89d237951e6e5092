/* anl_calendar.c — the optional working calendar of the analysis: a clock
 * that only runs during working hours of working days, so that every
 * duration becomes a difference of two clock readings. A reading is per-day
 * arithmetic (whole weeks, the weekdays left, a binary search over the
 * holidays): constant time, whatever the duration. Nothing else here. */
#include <stdio.h>
#include <stdlib.h>

#include "anl_internal.h"

static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Monday = 0 … Sunday = 6; day 0 (1970-01-01) was a Thursday. */
static int weekday_of(int64_t day) {
    int64_t m = (day + 3) % 7;
    return (int)(m < 0 ? m + 7 : m);
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Holidays before local day d (only those on working weekdays are kept). */
static int64_t holidays_before(const AnlCal *c, int64_t d) {
    int lo = 0, hi = c->n_holidays;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (c->holidays[mid] < d) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static bool is_holiday(const AnlCal *c, int64_t d) {
    int64_t i = holidays_before(c, d);
    return i < c->n_holidays && c->holidays[i] == d;
}

int anl_cal_prepare(AnlCtx *x, const AnlCalendar *in, char *err, size_t errlen) {
    AnlCal *c = &x->cal;
    c->on = in && in->enabled;
    if (!c->on) return 0;
    if ((in->weekdays & 0x7f) == 0) {
        snprintf(err, errlen, "calendar: no working weekday chosen");
        return -1;
    }
    if (in->day_start_min < 0 || in->day_end_min > 1440 || in->day_end_min <= in->day_start_min) {
        snprintf(err, errlen, "calendar: working hours must satisfy 0 <= start < end <= 1440 minutes");
        return -1;
    }
    if (in->offset_min < -1440 || in->offset_min > 1440 || in->n_holidays < 0 ||
        (in->n_holidays > 0 && !in->holidays)) {
        snprintf(err, errlen, "calendar: bad time-zone offset or holiday list");
        return -1;
    }
    c->weekdays = in->weekdays & 0x7f;
    c->day_start_ms = (int64_t)in->day_start_min * 60000;
    c->day_end_ms = (int64_t)in->day_end_min * 60000;
    c->offset_ms = (int64_t)in->offset_min * 60000;
    c->week_prefix[0] = 0;
    for (int r = 0; r < 7; r++) c->week_prefix[r + 1] = c->week_prefix[r] + ((c->weekdays >> ((r + 3) % 7)) & 1);
    /* only holidays on working weekdays remove time; sorted and unique for the binary search */
    c->holidays = anl_scratch(x, (size_t)in->n_holidays + 1, sizeof *c->holidays);
    int n = 0;
    for (int i = 0; i < in->n_holidays; i++)
        if ((c->weekdays >> weekday_of(in->holidays[i])) & 1) c->holidays[n++] = in->holidays[i];
    qsort(c->holidays, (size_t)n, sizeof *c->holidays, cmp_i64);
    int u = 0;
    for (int i = 0; i < n; i++)
        if (u == 0 || c->holidays[u - 1] != c->holidays[i]) c->holidays[u++] = c->holidays[i];
    c->n_holidays = u;
    return 0;
}

int64_t anl_cal_clock(const AnlCal *c, int64_t t) {
    if (!c->on) return t;
    int64_t local = t + c->offset_ms;
    int64_t day = floor_div(local, ANL_DAY_MS), in_day = local - day * ANL_DAY_MS;
    /* working days in [0, day): signed, so that differences work before 1970 too */
    int64_t weeks = floor_div(day, 7);
    int64_t rem = day - weeks * 7;
    int64_t per_week = c->week_prefix[7];
    int64_t days = weeks * per_week + c->week_prefix[rem] - holidays_before(c, day);
    int64_t hours = c->day_end_ms - c->day_start_ms;
    int64_t clock = days * hours;
    if (((c->weekdays >> weekday_of(day)) & 1) && !is_holiday(c, day)) {
        int64_t from = in_day < c->day_start_ms ? c->day_start_ms : in_day;
        if (from > c->day_end_ms) from = c->day_end_ms;
        clock += from - c->day_start_ms;
    }
    return clock;
}
