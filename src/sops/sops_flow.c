/* sops_flow.c — the flowchart of an SOP version as inline SVG, drawn on the
 * server: start and end terminals, a box per step (name on up to two lines,
 * then role or person and the time standard), arrows top to bottom, a
 * parallel group as a fork bar → boxes side by side → a join bar, and a
 * conditional step behind a diamond ("only when …?") whose "no" path
 * bypasses it. Text widths are estimated (a CJK character is one em, Latin
 * about half) because the server has no font metrics. Geometry lives in SVG
 * attributes, looks in CSS classes (the CSP forbids inline style; dark mode
 * and print come from app.css). No database access here. */
#include <string.h>

#include "../base/i18n.h"
#include "../web/web_html.h"
#include "sops.h"

enum {
    MARGIN = 20,
    BOX_W = 240,
    BOX_H = 64,
    GAP_Y = 30,   /* length of an arrow between blocks */
    COL_GAP = 24, /* between boxes of a parallel group */
    TERM_W = 128,
    TERM_H = 36,
    DIA_W = 260,
    DIA_H = 76,
    BYPASS = 40, /* the "no" path runs this far right of the widest shape */
    BAR_H = 6,
    NAME_PX = 14,
    META_PX = 12,
};

/* Estimated advance of one code point at font size px, in px × 100. */
static int cp_width(unsigned cp, int px) {
    if (cp >= 0x2E80 || (cp >= 0x1100 && cp <= 0x115F)) return px * 100; /* CJK, kana, hangul, full width */
    if (cp >= 'A' && cp <= 'Z') return px * 66;
    if (cp == 'm' || cp == 'w' || cp == 'M' || cp == 'W') return px * 80;
    if (cp == 'i' || cp == 'l' || cp == 'j' || cp == '.' || cp == ',' || cp == ' ' || cp == '\'') return px * 30;
    return px * 55;
}

/* Decodes one UTF-8 code point at s (valid UTF-8 assumed); returns its length. */
static int utf8_next(const char *s, unsigned *cp) {
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80) return *cp = u[0], 1;
    if ((u[0] & 0xE0) == 0xC0 && u[1]) return *cp = ((u[0] & 0x1Fu) << 6) | (u[1] & 0x3Fu), 2;
    if ((u[0] & 0xF0) == 0xE0 && u[1] && u[2])
        return *cp = ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu), 3;
    if (u[1] && u[2] && u[3])
        return *cp = ((u[0] & 0x07u) << 18) | ((u[1] & 0x3Fu) << 12) | ((u[2] & 0x3Fu) << 6) | (u[3] & 0x3Fu), 4;
    return *cp = '?', 1;
}

/* Wraps text into at most two lines of max_px at font px: Latin breaks at the
 * last space when there is one, CJK anywhere; an overflowing second line
 * ends with "…". Lines are arena memory; returns the number of lines (1–2). */
static int wrap2(Req *r, const char *text, int px, int max_px, const char *lines[2]) {
    const char *p = text ? text : "";
    int n = 0;
    lines[0] = lines[1] = "";
    while (*p && n < 2) {
        while (n == 1 && *p == ' ') p++;
        const char *start = p, *last_space = NULL;
        int width = 0;
        bool overflow = false;
        while (*p) {
            unsigned cp;
            int len = utf8_next(p, &cp);
            int w = cp_width(cp, px);
            if ((width + w) / 100 > max_px) {
                overflow = true;
                break;
            }
            if (cp == ' ') last_space = p;
            width += w;
            p += len;
        }
        if (overflow && n == 0 && last_space && last_space > start) p = last_space + 1;
        if (overflow && n == 1) {
            /* Make room for the ellipsis: drop code points until "…" fits. */
            const char *end = p;
            int ell = cp_width(0x2026, px);
            while (end > start && (width + ell) / 100 > max_px) {
                do end--;
                while (end > start && ((unsigned char)*end & 0xC0) == 0x80);
                unsigned cp;
                utf8_next(end, &cp);
                width -= cp_width(cp, px);
            }
            lines[n++] = arena_printf(r->arena, "%.*s…", (int)(end - start), start);
            return n;
        }
        size_t len = (size_t)(p - start);
        while (len && start[len - 1] == ' ') len--;
        lines[n++] = arena_strndup(r->arena, start, len);
    }
    if (n == 0) n = 1;
    return n;
}

/* "45 min", "2 h 30 min", "1 d 4 h" in the request's language, or "". */
static const char *duration_text(Req *r, int64_t s) {
    if (s <= 0) return "";
    int64_t d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;
    const char *ud = T(r, "sops.unit.d"), *uh = T(r, "sops.unit.h"), *um = T(r, "sops.unit.min");
    if (d)
        return h ? arena_printf(r->arena, "%lld %s %lld %s", (long long)d, ud, (long long)h, uh)
                 : arena_printf(r->arena, "%lld %s", (long long)d, ud);
    if (h)
        return m ? arena_printf(r->arena, "%lld %s %lld %s", (long long)h, uh, (long long)m, um)
                 : arena_printf(r->arena, "%lld %s", (long long)h, uh);
    if (m) return arena_printf(r->arena, "%lld %s", (long long)m, um);
    return arena_printf(r->arena, "%lld %s", (long long)s, T(r, "sops.unit.s"));
}

/* Who does the step: its role, else its person. */
static const char *step_who(const SopStep *p) {
    if (p->role && *p->role) return p->role;
    return p->owner_name ? p->owner_name : "";
}

static const char *step_meta(Req *r, const SopStep *p) {
    const char *who = step_who(p), *dur = duration_text(r, p->time_standard_s);
    if (*who && *dur) return arena_printf(r->arena, "%s · %s", who, dur);
    if (*dur) return arena_printf(r->arena, "%s", dur);
    return who;
}

/* A block: one step, a conditional step, or a parallel group [first, first+n). */
typedef struct Block {
    int first, n;
    bool cond;
    int width, height;
} Block;

static int plan(const SopVersion *v, Block *blocks) {
    int nb = 0;
    for (int i = 0; i < v->n_steps;) {
        Block *b = &blocks[nb++];
        memset(b, 0, sizeof *b);
        b->first = i;
        int g = v->steps[i].parallel_group, j = i + 1;
        if (g > 0)
            while (j < v->n_steps && v->steps[j].parallel_group == g) j++;
        b->n = j - i;
        if (b->n == 1 && v->steps[i].conditional) {
            b->cond = true;
            b->width = DIA_W > BOX_W ? DIA_W : BOX_W;
            b->width = b->width / 2 * 2 + 2 * BYPASS;
            b->height = DIA_H + GAP_Y + BOX_H + GAP_Y / 2;
        } else if (b->n == 1) {
            b->width = BOX_W;
            b->height = BOX_H;
        } else {
            b->width = b->n * BOX_W + (b->n - 1) * COL_GAP;
            b->height = BAR_H + GAP_Y + BOX_H + GAP_Y + BAR_H;
        }
        i = j;
    }
    return nb;
}

static void arrow(Req *r, int64_t vid, int x1, int y1, int x2, int y2) {
    html_printf(
        r, "<line class=\"flow-edge\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" marker-end=\"url(#flow-arrow-%lld)\"/>",
        x1, y1, x2, y2, (long long)vid);
}

static void step_box(Req *r, const SopStep *p, int x, int y) {
    const char *name[2];
    int lines = wrap2(r, arena_printf(r->arena, "%d. %s", p->position, p->name), NAME_PX, BOX_W - 20, name);
    const char *meta[2];
    wrap2(r, step_meta(r, p), META_PX, BOX_W - 20, meta);
    html_printf(r, "<g class=\"flow-node%s\"><title>%s</title>", p->conditional ? " flow-node-cond" : "", p->name);
    html_printf(r, "<rect class=\"flow-step\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"8\"/>", x, y, BOX_W,
                BOX_H);
    int cx = x + BOX_W / 2;
    if (lines == 2) {
        html_printf(r, "<text class=\"flow-name\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>", cx, y + 21,
                    name[0]);
        html_printf(r, "<text class=\"flow-name\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>", cx, y + 38,
                    name[1]);
    } else {
        html_printf(r, "<text class=\"flow-name\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>", cx, y + 27,
                    name[0]);
    }
    html_printf(r, "<text class=\"flow-meta\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text></g>", cx,
                y + (lines == 2 ? 56 : 50), meta[0]);
}

static void terminal(Req *r, int cx, int y, const char *label) {
    html_printf(r,
                "<g class=\"flow-node\"><rect class=\"flow-terminal\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                "rx=\"18\"/><text class=\"flow-name\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text></g>",
                cx - TERM_W / 2, y, TERM_W, TERM_H, cx, y + 23, label);
}

/* The text alternative: the same sequence in words. */
static const char *describe(Req *r, const SopVersion *v, const Block *blocks, int nb) {
    Buf b = {0};
    buf_puts(&b, T(r, "sops.flow.start"));
    for (int i = 0; i < nb; i++) {
        const Block *k = &blocks[i];
        buf_puts(&b, " → ");
        if (k->cond) {
            const SopStep *p = &v->steps[k->first];
            buf_puts(&b, i18n_fmt(r->arena, r->locale, "sops.flow.desc_cond", 3,
                                  (const char *[]){p->condition, arena_printf(r->arena, "%d", p->position), p->name}));
        } else if (k->n > 1) {
            buf_puts(&b, T(r, "sops.flow.desc_parallel"));
            for (int j = 0; j < k->n; j++) {
                const SopStep *p = &v->steps[k->first + j];
                buf_printf(&b, "%s%d. %s", j ? ", " : " ", p->position, p->name);
            }
            buf_puts(&b, ")");
        } else {
            buf_printf(&b, "%d. %s", v->steps[k->first].position, v->steps[k->first].name);
        }
    }
    buf_printf(&b, " → %s", T(r, "sops.flow.end"));
    const char *s = arena_strdup(r->arena, buf_cstr(&b));
    buf_free(&b);
    return s;
}

static void draw_cond(Req *r, const SopVersion *v, const Block *k, int cx, int y) {
    const SopStep *p = &v->steps[k->first];
    int64_t vid = v->id;
    /* The diamond. */
    html_printf(r, "<g class=\"flow-node\"><title>%s</title>",
                i18n_fmt(r->arena, r->locale, "sops.flow.only_when", 1, (const char *[]){p->condition}));
    html_printf(r, "<polygon class=\"flow-cond\" points=\"%d,%d %d,%d %d,%d %d,%d\"/>", cx, y, cx + DIA_W / 2,
                y + DIA_H / 2, cx, y + DIA_H, cx - DIA_W / 2, y + DIA_H / 2);
    const char *lines[2];
    int n = wrap2(r, i18n_fmt(r->arena, r->locale, "sops.flow.only_when", 1, (const char *[]){p->condition}), META_PX,
                  DIA_W / 2 + 10, lines);
    if (n == 2) {
        html_printf(r, "<text class=\"flow-meta\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>", cx,
                    y + DIA_H / 2 - 3, lines[0]);
        html_printf(r, "<text class=\"flow-meta\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>", cx,
                    y + DIA_H / 2 + 13, lines[1]);
    } else {
        html_printf(r, "<text class=\"flow-meta\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>", cx,
                    y + DIA_H / 2 + 4, lines[0]);
    }
    html_raw(r, "</g>");
    /* Yes: down through the step. */
    int box_y = y + DIA_H + GAP_Y;
    arrow(r, vid, cx, y + DIA_H, cx, box_y - 2);
    html_printf(r, "<text class=\"flow-label\" x=\"%d\" y=\"%d\">%s</text>", cx + 6, y + DIA_H + 18,
                T(r, "sops.flow.yes"));
    step_box(r, p, cx - BOX_W / 2, box_y);
    int merge_y = box_y + BOX_H + GAP_Y / 2;
    html_printf(r, "<line class=\"flow-edge\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", cx, box_y + BOX_H, cx,
                merge_y);
    /* No: right from the diamond's corner, down past the step, back to the merge point. */
    int right = cx + k->width / 2 - BYPASS / 2;
    html_printf(r,
                "<polyline class=\"flow-edge flow-bypass\" points=\"%d,%d %d,%d %d,%d %d,%d\" "
                "marker-end=\"url(#flow-arrow-%lld)\"/>",
                cx + DIA_W / 2, y + DIA_H / 2, right, y + DIA_H / 2, right, merge_y, cx + 3, merge_y, (long long)vid);
    html_printf(r, "<text class=\"flow-label\" x=\"%d\" y=\"%d\">%s</text>", cx + DIA_W / 2 + 6, y + DIA_H / 2 - 6,
                T(r, "sops.flow.no"));
}

static void draw_parallel(Req *r, const SopVersion *v, const Block *k, int cx, int y) {
    int left = cx - k->width / 2;
    html_printf(r, "<rect class=\"flow-bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>", left, y, k->width, BAR_H);
    int box_y = y + BAR_H + GAP_Y, join_y = box_y + BOX_H + GAP_Y;
    for (int j = 0; j < k->n; j++) {
        int x = left + j * (BOX_W + COL_GAP), bx = x + BOX_W / 2;
        arrow(r, v->id, bx, y + BAR_H, bx, box_y - 2);
        step_box(r, &v->steps[k->first + j], x, box_y);
        arrow(r, v->id, bx, box_y + BOX_H, bx, join_y - 2);
    }
    html_printf(r, "<rect class=\"flow-bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>", left, join_y, k->width,
                BAR_H);
    html_printf(r, "<text class=\"flow-label\" x=\"%d\" y=\"%d\">%s</text>", left, y - 4, T(r, "sops.flow.parallel"));
}

void sops_flow_svg(Req *r, const SopVersion *v) {
    Block *blocks = arena_alloc(r->arena, sizeof *blocks * (size_t)(v->n_steps + 1));
    int nb = plan(v, blocks);
    int inner = TERM_W + 2 * BYPASS, height = MARGIN + TERM_H;
    for (int i = 0; i < nb; i++) {
        if (blocks[i].width > inner) inner = blocks[i].width;
        height += GAP_Y + blocks[i].height + (blocks[i].n > 1 ? 12 : 0);
    }
    height += GAP_Y + TERM_H + MARGIN;
    int width = inner + 2 * MARGIN, cx = width / 2;
    long long vid = (long long)v->id;
    const char *title = i18n_fmt(r->arena, r->locale, "sops.flow.title", 2,
                                 (const char *[]){v->title, arena_printf(r->arena, "%d", v->number)});
    html_printf(r,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sop-flow %s\" role=\"img\" width=\"%d\" "
                "height=\"%d\" viewBox=\"0 0 %d %d\" aria-labelledby=\"flow-title-%lld flow-desc-%lld\">",
                /* wide (parallel groups): a phone scrolls it rather than shrinking its text below legibility */
                width > 420 ? "sop-flow-wide" : "sop-flow-narrow", width, height, width, height, vid, vid);
    html_printf(r, "<title id=\"flow-title-%lld\">%s</title><desc id=\"flow-desc-%lld\">%s</desc>", vid, title, vid,
                describe(r, v, blocks, nb));
    html_printf(r,
                "<defs><marker id=\"flow-arrow-%lld\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
                "markerHeight=\"7\" orient=\"auto-start-reverse\"><path class=\"flow-arrowhead\" "
                "d=\"M0,0 L10,5 L0,10 z\"/></marker></defs>",
                vid);
    int y = MARGIN;
    terminal(r, cx, y, T(r, "sops.flow.start"));
    y += TERM_H;
    for (int i = 0; i < nb; i++) {
        const Block *k = &blocks[i];
        int top = y + GAP_Y + (k->n > 1 ? 12 : 0);
        arrow(r, v->id, cx, y, cx, top - 2);
        if (k->cond) draw_cond(r, v, k, cx, top);
        else if (k->n > 1) draw_parallel(r, v, k, cx, top);
        else step_box(r, &v->steps[k->first], cx - BOX_W / 2, top);
        y = top + k->height;
    }
    arrow(r, v->id, cx, y, cx, y + GAP_Y - 2);
    terminal(r, cx, y + GAP_Y, T(r, "sops.flow.end"));
    if (!v->n_steps)
        html_printf(r, "<text class=\"flow-meta\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>", cx,
                    MARGIN + TERM_H + GAP_Y / 2 + 4, T(r, "sops.flow.empty"));
    html_raw(r, "</svg>");
}
