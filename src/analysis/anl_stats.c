/* anl_stats.c — the arithmetic under every figure of the analysis: summary
 * statistics with numpy-style percentiles (found by selection, not by a full
 * sort), duration histograms, grouping values by key (counting sort) and the
 * stable sorts of a case's events and instances. No figures are chosen here;
 * the other anl_*.c files decide what is measured. */
#include <math.h>
#include <string.h>

#include "anl_internal.h"

static inline void swap_i64(int64_t *a, int64_t *b) {
    int64_t t = *a;
    *a = *b;
    *b = t;
}

static void insertion_sort_i64(int64_t *v, ptrdiff_t lo, ptrdiff_t hi) {
    for (ptrdiff_t i = lo + 1; i <= hi; i++) {
        int64_t x = v[i];
        ptrdiff_t j = i - 1;
        for (; j >= lo && v[j] > x; j--) v[j + 1] = v[j];
        v[j + 1] = x;
    }
}

/* Quickselect (median-of-three, Hoare partition): afterwards v[k] is the k-th
 * smallest, everything before it ≤ v[k] and everything after ≥ v[k]. Linear
 * on average, which is why percentiles do not sort whole arrays. */
static void select_kth(int64_t *v, size_t n, size_t k) {
    ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, kk = (ptrdiff_t)k;
    while (hi > lo) {
        if (hi - lo < 16) {
            insertion_sort_i64(v, lo, hi);
            return;
        }
        ptrdiff_t mid = lo + (hi - lo) / 2;
        if (v[mid] < v[lo]) swap_i64(&v[mid], &v[lo]);
        if (v[hi] < v[lo]) swap_i64(&v[hi], &v[lo]);
        if (v[hi] < v[mid]) swap_i64(&v[hi], &v[mid]);
        int64_t pivot = v[mid];
        ptrdiff_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) swap_i64(&v[i++], &v[j--]);
        }
        /* [lo..j] ≤ pivot, (j..i) = pivot, [i..hi] ≥ pivot */
        if (kk <= j) hi = j;
        else if (kk >= i) lo = i;
        else return;
    }
}

/* The value at fractional rank pos (numpy "linear"), given that every
 * v[0..from) is ≤ every v[from..n) and pos ≥ from. */
static double value_at_rank(int64_t *v, size_t n, size_t from, double pos) {
    size_t k = (size_t)floor(pos);
    if (k >= n) k = n - 1;
    select_kth(v + from, n - from, k - from);
    double lo = (double)v[k], frac = pos - (double)k;
    if (frac <= 0 || k + 1 >= n) return lo;
    int64_t next = v[k + 1]; /* the smallest of what follows v[k] */
    for (size_t i = k + 2; i < n; i++)
        if (v[i] < next) next = v[i];
    return lo + frac * ((double)next - lo);
}

double anl_quantile(int64_t *v, size_t n, double q) {
    if (n == 0) return 0;
    if (q < 0) q = 0;
    if (q > 1) q = 1;
    return value_at_rank(v, n, 0, q * (double)(n - 1));
}

void anl_stats_fill(int64_t *v, size_t n, AnlStats *st) {
    memset(st, 0, sizeof *st);
    st->count = (int64_t)n;
    if (n == 0) return;
    int64_t mn = v[0], mx = v[0];
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < mn) mn = v[i];
        if (v[i] > mx) mx = v[i];
        total += (double)v[i];
    }
    st->min = (double)mn;
    st->max = (double)mx;
    st->total = total;
    st->mean = total / (double)n;
    double pos50 = 0.5 * (double)(n - 1), pos90 = 0.9 * (double)(n - 1);
    st->median = value_at_rank(v, n, 0, pos50);
    /* the median's selection left v[k50..n) holding the upper part: p90 lies there */
    st->p90 = value_at_rank(v, n, (size_t)floor(pos50), pos90);
}

/* Bin edges: log-spaced from max(min, 1 ms) to max when the values span at
 * least a factor of 10 (durations are skewed; equal-width bins would put
 * nearly everything in the first one), else equal-width from min to max. The
 * first edge is always min and the last bin includes max. */
static void hist_edges(const AnlStats *st, double *e) {
    double lo = st->min < 1 ? 1 : st->min, hi = st->max;
    bool logscale = hi >= 10 * lo;
    for (int i = 0; i <= ANL_HIST_BINS; i++) {
        double f = (double)i / ANL_HIST_BINS;
        e[i] = logscale ? lo * pow(hi / lo, f) : st->min + f * (st->max - st->min);
    }
    e[0] = st->min;
    e[ANL_HIST_BINS] = st->max;
}

void anl_hist_fill(const int64_t *v, size_t n, const AnlStats *st, AnlHistogram *h) {
    memset(h, 0, sizeof *h);
    if (n == 0) return;
    hist_edges(st, h->edges_ms);
    if (st->max == st->min) { /* one value: every edge equal, everything in the first bin */
        h->counts[0] = (int64_t)n;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        double x = (double)v[i];
        /* the last bin whose lower edge is ≤ x: a binary search over 12 edges */
        int lo = 0, hi = ANL_HIST_BINS - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) / 2;
            if (h->edges_ms[mid] <= x) lo = mid;
            else hi = mid - 1;
        }
        h->counts[lo]++;
    }
}

void anl_group(AnlCtx *x, const uint32_t *keys, const int64_t *vals, size_t n, uint32_t n_keys, size_t **off,
               int64_t **out) {
    size_t *o = anl_scratch(x, (size_t)n_keys + 1, sizeof *o);
    int64_t *g = anl_scratch(x, n ? n : 1, sizeof *g);
    for (size_t i = 0; i < n; i++) o[keys[i] + 1]++;
    for (uint32_t k = 0; k < n_keys; k++) o[k + 1] += o[k];
    size_t *fill = anl_scratch(x, (size_t)n_keys + 1, sizeof *fill);
    memcpy(fill, o, ((size_t)n_keys + 1) * sizeof *fill);
    for (size_t i = 0; i < n; i++) g[fill[keys[i]]++] = vals[i];
    *off = o;
    *out = g;
}

/* Merge sort, insertion sort below 16: stable, and a case's events are short
 * and nearly always already in order (anl_build_instances checks first). */
void anl_sort_events(uint32_t *ix, size_t n, const int64_t *t, uint32_t *tmp) {
    if (n < 16) {
        for (size_t i = 1; i < n; i++) {
            uint32_t e = ix[i];
            size_t j = i;
            for (; j > 0 && t[ix[j - 1]] > t[e]; j--) ix[j] = ix[j - 1];
            ix[j] = e;
        }
        return;
    }
    size_t h = n / 2;
    anl_sort_events(ix, h, t, tmp);
    anl_sort_events(ix + h, n - h, t, tmp);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) tmp[k++] = t[ix[j]] < t[ix[i]] ? ix[j++] : ix[i++];
    while (i < h) tmp[k++] = ix[i++];
    while (j < n) tmp[k++] = ix[j++];
    memcpy(ix, tmp, n * sizeof *ix);
}

static inline bool inst_before(const AnlInst *a, const AnlInst *b) {
    return a->start_ms < b->start_ms || (a->start_ms == b->start_ms && a->end_ms < b->end_ms);
}

void anl_sort_instances(AnlInst *v, size_t n, AnlInst *tmp) {
    if (n < 16) {
        for (size_t i = 1; i < n; i++) {
            AnlInst e = v[i];
            size_t j = i;
            for (; j > 0 && inst_before(&e, &v[j - 1]); j--) v[j] = v[j - 1];
            v[j] = e;
        }
        return;
    }
    size_t h = n / 2;
    anl_sort_instances(v, h, tmp);
    anl_sort_instances(v + h, n - h, tmp);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) tmp[k++] = inst_before(&v[j], &v[i]) ? v[j++] : v[i++];
    while (i < h) tmp[k++] = v[i++];
    while (j < n) tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}
