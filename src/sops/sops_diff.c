/* sops_diff.c — the difference between two versions of an SOP: the version
 * fields (title, purpose) and the steps, matched by name: added, removed,
 * changed (each field with its before and after) and moved. "Moved" means
 * the step's order relative to the other common steps changed: the common
 * steps outside a longest common subsequence of both orders, so inserting
 * one step does not mark every later step as moved. No HTML here. */
#include <string.h>

#include "sops.h"

static const char *int_text(Req *r, int64_t v) { return arena_printf(r->arena, "%lld", (long long)v); }

static const char *checklist_text(Req *r, const SopStep *p) {
    Buf b = {0};
    for (int i = 0; i < p->n_checklist; i++) {
        if (i) buf_putc(&b, '\n');
        buf_puts(&b, p->checklist[i]);
    }
    const char *s = arena_strdup(r->arena, buf_cstr(&b));
    buf_free(&b);
    return s;
}

static void add_field(Req *r, SopFieldChange **arr, int *n, int *cap, const char *field, const char *before,
                      const char *after) {
    if (strcmp(before ? before : "", after ? after : "") == 0) return;
    if (*n == *cap) {
        int bigger = *cap ? *cap * 2 : 8;
        SopFieldChange *grown = arena_alloc(r->arena, sizeof *grown * (size_t)bigger);
        if (*n) memcpy(grown, *arr, sizeof *grown * (size_t)*n);
        *arr = grown, *cap = bigger;
    }
    (*arr)[(*n)++] = (SopFieldChange){field, before ? before : "", after ? after : ""};
}

static void step_fields(Req *r, const SopStep *a, const SopStep *b, SopStepDiff *d) {
    int cap = 0;
    d->fields = NULL;
    d->n_fields = 0;
    add_field(r, &d->fields, &d->n_fields, &cap, "role", a->role, b->role);
    add_field(r, &d->fields, &d->n_fields, &cap, "owner_id", a->owner_id ? int_text(r, a->owner_id) : "",
              b->owner_id ? int_text(r, b->owner_id) : "");
    add_field(r, &d->fields, &d->n_fields, &cap, "resources", a->resources, b->resources);
    add_field(r, &d->fields, &d->n_fields, &cap, "time_standard_s", int_text(r, a->time_standard_s),
              int_text(r, b->time_standard_s));
    add_field(r, &d->fields, &d->n_fields, &cap, "time_share_pct", int_text(r, a->time_share_pct),
              int_text(r, b->time_share_pct));
    add_field(r, &d->fields, &d->n_fields, &cap, "quality", a->quality, b->quality);
    add_field(r, &d->fields, &d->n_fields, &cap, "checklist", checklist_text(r, a), checklist_text(r, b));
    add_field(r, &d->fields, &d->n_fields, &cap, "instructions_md", a->instructions_md, b->instructions_md);
    add_field(r, &d->fields, &d->n_fields, &cap, "parallel_group", int_text(r, a->parallel_group),
              int_text(r, b->parallel_group));
    add_field(r, &d->fields, &d->n_fields, &cap, "conditional", a->conditional ? "true" : "false",
              b->conditional ? "true" : "false");
    add_field(r, &d->fields, &d->n_fields, &cap, "condition", a->condition, b->condition);
}

static int find_step(const SopVersion *v, const char *name) {
    for (int i = 0; i < v->n_steps; i++)
        if (strcmp(v->steps[i].name, name) == 0) return i;
    return -1;
}

void sops_diff(Req *r, const SopVersion *from, const SopVersion *to, SopDiff *out) {
    memset(out, 0, sizeof *out);
    out->from = from, out->to = to;
    int cap = 0;
    add_field(r, &out->fields, &out->n_fields, &cap, "title", from->title, to->title);
    add_field(r, &out->fields, &out->n_fields, &cap, "purpose", from->purpose, to->purpose);

    /* Common steps in the order of each side: a[i] = index in `to` of the
     * i-th common step of `from`; the LCS of a with its sorted order is the
     * longest increasing subsequence of a. */
    int n = from->n_steps, m = to->n_steps;
    int *a = arena_alloc(r->arena, sizeof *a * (size_t)(n + 1));
    int *a_from = arena_alloc(r->arena, sizeof *a_from * (size_t)(n + 1));
    int k = 0;
    for (int i = 0; i < n; i++) {
        int j = find_step(to, from->steps[i].name);
        if (j >= 0) a_from[k] = i, a[k++] = j;
    }
    /* O(k²) LIS: k ≤ SOPS_MAX_STEPS. */
    int *len = arena_alloc(r->arena, sizeof *len * (size_t)(k + 1));
    int *prev = arena_alloc(r->arena, sizeof *prev * (size_t)(k + 1));
    bool *in_lis = arena_alloc(r->arena, sizeof *in_lis * (size_t)(k + 1));
    int best = -1;
    for (int i = 0; i < k; i++) {
        len[i] = 1, prev[i] = -1, in_lis[i] = false;
        for (int j = 0; j < i; j++)
            if (a[j] < a[i] && len[j] + 1 > len[i]) len[i] = len[j] + 1, prev[i] = j;
        if (best < 0 || len[i] > len[best]) best = i;
    }
    for (int i = best; i >= 0; i = prev[i]) in_lis[i] = true;

    out->steps = arena_alloc(r->arena, sizeof *out->steps * (size_t)(n + m + 1));
    /* In the order of the new version, removed steps after. */
    for (int j = 0; j < m; j++) {
        const SopStep *b = &to->steps[j];
        int i = find_step(from, b->name);
        SopStepDiff *d = &out->steps[out->n_steps];
        memset(d, 0, sizeof *d);
        d->name = b->name;
        d->to_position = b->position;
        if (i < 0) {
            d->change = "added";
            out->n_steps++;
            continue;
        }
        d->from_position = from->steps[i].position;
        for (int c = 0; c < k; c++)
            if (a_from[c] == i) d->moved = !in_lis[c];
        step_fields(r, &from->steps[i], b, d);
        if (d->n_fields) d->change = "changed";
        else if (d->moved) d->change = "moved";
        else {
            out->unchanged++;
            continue;
        }
        out->n_steps++;
    }
    for (int i = 0; i < n; i++) {
        if (find_step(to, from->steps[i].name) >= 0) continue;
        SopStepDiff *d = &out->steps[out->n_steps++];
        memset(d, 0, sizeof *d);
        d->name = from->steps[i].name;
        d->change = "removed";
        d->from_position = from->steps[i].position;
    }
}

static void fields_json(JsonW *w, const SopFieldChange *f, int n) {
    jw_arr_begin(w);
    for (int i = 0; i < n; i++) {
        jw_obj_begin(w);
        jw_kstr(w, "field", f[i].field);
        jw_kstr(w, "before", f[i].before);
        jw_kstr(w, "after", f[i].after);
        jw_obj_end(w);
    }
    jw_arr_end(w);
}

void sops_diff_json(JsonW *w, const SopDiff *d) {
    jw_obj_begin(w);
    jw_kint(w, "sop_id", d->to->sop_id);
    jw_kint(w, "from", d->from->number);
    jw_kint(w, "to", d->to->number);
    jw_key(w, "fields");
    fields_json(w, d->fields, d->n_fields);
    jw_key(w, "steps");
    jw_arr_begin(w);
    for (int i = 0; i < d->n_steps; i++) {
        const SopStepDiff *s = &d->steps[i];
        jw_obj_begin(w);
        jw_kstr(w, "name", s->name);
        jw_kstr(w, "change", s->change);
        jw_kbool(w, "moved", s->moved);
        jw_kid_or_null(w, "from_position", s->from_position);
        jw_kid_or_null(w, "to_position", s->to_position);
        jw_key(w, "fields");
        fields_json(w, s->fields, s->n_fields);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_kint(w, "unchanged_steps", d->unchanged);
    jw_obj_end(w);
}
