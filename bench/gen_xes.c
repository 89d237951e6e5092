/* gen_xes.c — deterministic generator of the benchmark's XES log, shaped like
 * the public BPI Challenge 2012 log: per 1× scale 13,087 cases and exactly
 * 262,200 events, 24 activities (A_*, O_* instants; W_* work items with
 * SCHEDULE/START/COMPLETE), 68 resources, upper-case lifecycle values, times
 * with +02:00 offsets that become +01:00 when summer time ends, and trace
 * attributes (REG_DATE, AMOUNT_REQ). About 70 MB per 1×. Same output for the
 * same arguments on every machine (own PRNG, no clock, no locale).
 *
 *   gen_xes SCALE > file.xes        SCALE 1 = BPI 2012 size, 10 = ten times */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t next_u32(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}
static int rnd(int n) { return (int)(next_u32() % (uint32_t)n); }

static const char *const instants[] = {
    "A_SUBMITTED",  "A_PARTLYSUBMITTED",  "A_PREACCEPTED", "A_ACCEPTED",  "O_SELECTED", "O_CREATED",
    "O_SENT",       "W_Afhandelen leads", "A_FINALIZED",   "O_SENT_BACK", "O_ACCEPTED", "A_APPROVED",
    "A_REGISTERED", "A_ACTIVATED",        "O_CANCELLED",   "A_DECLINED",  "O_DECLINED", "A_CANCELLED"};
static const char *const work[] = {"W_Completeren aanvraag", "W_Nabellen offertes",
                                   "W_Valideren aanvraag",   "W_Nabellen incomplete dossiers",
                                   "W_Beoordelen fraude",    "W_Wijzigen contractgegevens"};

/* 2011-10-01T00:00:00+02:00 in ms; summer time ends 2011-10-30 01:00 UTC */
#define T0      1317420000000LL
#define DST_END 1319936400000LL

static void date(char *out, int64_t ms) {
    int off = ms < DST_END ? 2 : 1;
    int64_t local = ms + off * 3600000LL;
    int64_t days = local / 86400000LL, rem = local % 86400000LL;
    /* civil_from_days (Howard Hinnant) */
    int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365, y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) y++;
    sprintf(out, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+%02d:00", (int)y, (int)m, (int)d, (int)(rem / 3600000),
            (int)(rem / 60000 % 60), (int)(rem / 1000 % 60), (int)(rem % 1000), off);
}

static void event(const char *act, const char *lc, int res, int64_t ms) {
    char ts[48];
    date(ts, ms);
    printf("\t\t<event>\n"
           "\t\t\t<string key=\"org:resource\" value=\"%d\"/>\n"
           "\t\t\t<string key=\"lifecycle:transition\" value=\"%s\"/>\n"
           "\t\t\t<string key=\"concept:name\" value=\"%s\"/>\n"
           "\t\t\t<date key=\"time:timestamp\" value=\"%s\"/>\n"
           "\t\t</event>\n",
           res < 0 ? 112 : 10000 + res * 37, lc, act, ts);
}

int main(int argc, char **argv) {
    int scale = argc > 1 ? atoi(argv[1]) : 1;
    if (scale < 1 || scale > 100) {
        fprintf(stderr, "usage: gen_xes SCALE (1..100)\n");
        return 2;
    }
    static char obuf[1 << 20];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    printf(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"
        "<log xes.version=\"1.0\" xes.features=\"nested-attributes\" openxes.version=\"1.0RC7\" "
        "xmlns=\"http://www.xes-standard.org/\">\n"
        "\t<extension name=\"Lifecycle\" prefix=\"lifecycle\" uri=\"http://www.xes-standard.org/lifecycle.xesext\"/>\n"
        "\t<extension name=\"Organizational\" prefix=\"org\" uri=\"http://www.xes-standard.org/org.xesext\"/>\n"
        "\t<extension name=\"Time\" prefix=\"time\" uri=\"http://www.xes-standard.org/time.xesext\"/>\n"
        "\t<extension name=\"Concept\" prefix=\"concept\" uri=\"http://www.xes-standard.org/concept.xesext\"/>\n"
        "\t<global scope=\"trace\">\n\t\t<string key=\"concept:name\" value=\"__INVALID__\"/>\n\t</global>\n"
        "\t<global scope=\"event\">\n\t\t<string key=\"concept:name\" value=\"__INVALID__\"/>\n"
        "\t\t<string key=\"lifecycle:transition\" value=\"complete\"/>\n\t</global>\n"
        "\t<classifier name=\"MXML Legacy Classifier\" keys=\"concept:name lifecycle:transition\"/>\n"
        "\t<classifier name=\"Event Name\" keys=\"concept:name\"/>\n"
        "\t<classifier name=\"Resource\" keys=\"org:resource\"/>\n"
        "\t<string key=\"concept:name\" value=\"financial_log.xes\"/>\n");
    const int cases = 13087, events = 262200;
    for (int s = 0; s < scale; s++) {
        int64_t start = T0;
        for (int c = 0; c < cases; c++) {
            /* lengths 20 ± d in symmetric pairs, +1 for the first 462: exactly 262,200 */
            static int pending_d;
            int d;
            if (c % 2 == 0 && c + 1 < cases) d = pending_d = rnd(15);
            else d = c + 1 < cases || c % 2 ? -pending_d : 0;
            int len = 20 + d + (c < events - cases * 20 ? 1 : 0);
            start += rnd(30 * 60000) + 1000;
            int64_t t = start;
            char reg[48];
            date(reg, t);
            printf("\t<trace>\n\t\t<string key=\"concept:name\" value=\"%d\"/>\n"
                   "\t\t<date key=\"REG_DATE\" value=\"%s\"/>\n\t\t<string key=\"AMOUNT_REQ\" value=\"%d\"/>\n",
                   173688 + s * cases + c, reg, 500 + rnd(200) * 250);
            int left = len;
            int i = 0;
            while (left > 0) {
                t += rnd(4 * 3600000) + 500;
                if (left >= 3 && i >= 2 && rnd(3) == 0) {
                    const char *w = work[rnd(6)];
                    int res = rnd(68);
                    event(w, "SCHEDULE", -1, t);
                    t += rnd(8 * 3600000) + 1000;
                    event(w, "START", res, t);
                    t += rnd(20 * 60000) + 1000;
                    event(w, "COMPLETE", res, t);
                    left -= 3;
                } else {
                    event(instants[i < 2 ? i : 2 + rnd(16)], "COMPLETE", i < 2 ? -1 : rnd(68), t);
                    left--;
                }
                i++;
            }
            printf("\t</trace>\n");
        }
    }
    printf("</log>\n");
    return 0;
}
