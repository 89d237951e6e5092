/* test_recur.c — recurrence rules of tasks (src/tasks/tasks_recur.c): what
 * parses and its canonical text, and the next date across month ends, short
 * months (31 → last day), leap days and weekday sets; plus the jobs backoff
 * contract seen through a fresh in-memory database (enqueue dedupes, a
 * claimed job runs once). */
#include "unit.h"

#include <string.h>

#include "../../src/jobs/jobs.h"
#include "../../src/tasks/tasks.h"
#include "timeutil.h"

static int64_t day_of(int y, int m, int d) { return time_days_from_civil(y, (unsigned)m, (unsigned)d); }

static int64_t next(const char *rule, int64_t day) {
    TaskRule r;
    if (tasks_recur_parse(rule, &r) != 0) fail_msg("refused valid rule \"%s\"", rule);
    return tasks_recur_next_day(&r, day);
}

static void test_recur_parse_refuses_rules_that_make_no_sense(void **state) {
    (void)state;
    const char *bad[] = {
        "",           "Daily",     "daily ",     "weekly",     "weekly:", "weekly:mon,", "weekly:mon,mon",
        "weekly:xyz", "monthly:0", "monthly:32", "monthly:01", "every:0", "every:367",   "every:-1",
        "every:1x",   "yearly",    NULL};
    TaskRule r;
    for (int i = 0; bad[i]; i++)
        if (tasks_recur_parse(bad[i], &r) == 0) fail_msg("accepted \"%s\"", bad[i]);
    assert_int_equal(tasks_recur_parse(NULL, &r), -1);
}

static void test_recur_format_is_canonical(void **state) {
    (void)state;
    Arena *a = arena_new();
    TaskRule r;
    assert_int_equal(tasks_recur_parse("weekly:sun,mon,wed", &r), 0);
    assert_string_equal(tasks_recur_format(a, &r), "weekly:mon,wed,sun");
    assert_int_equal(tasks_recur_parse("every:1", &r), 0);
    assert_string_equal(tasks_recur_format(a, &r), "daily");
    assert_int_equal(tasks_recur_parse("monthly:31", &r), 0);
    assert_string_equal(tasks_recur_format(a, &r), "monthly:31");
    arena_free(a);
}

static void test_recur_monthly_31_falls_on_the_last_day_of_short_months(void **state) {
    (void)state;
    assert_int_equal(next("monthly:31", day_of(2027, 1, 31)), day_of(2027, 2, 28));
    assert_int_equal(next("monthly:31", day_of(2027, 2, 28)), day_of(2027, 3, 31));
    assert_int_equal(next("monthly:31", day_of(2027, 4, 15)), day_of(2027, 4, 30));
    assert_int_equal(next("monthly:31", day_of(2027, 12, 31)), day_of(2028, 1, 31));
    assert_int_equal(next("monthly:1", day_of(2027, 12, 1)), day_of(2028, 1, 1));
}

static void test_recur_leap_days(void **state) {
    (void)state;
    assert_int_equal(next("monthly:29", day_of(2028, 1, 29)), day_of(2028, 2, 29));
    assert_int_equal(next("monthly:29", day_of(2027, 1, 29)), day_of(2027, 2, 28));
    assert_int_equal(next("monthly:30", day_of(2100, 1, 30)), day_of(2100, 2, 28)); /* 2100: not a leap year */
    assert_int_equal(next("monthly:30", day_of(2000, 1, 30)), day_of(2000, 2, 29)); /* 2000: a leap year */
    assert_int_equal(next("daily", day_of(2028, 2, 28)), day_of(2028, 2, 29));
    assert_int_equal(next("every:365", day_of(2028, 2, 29)), day_of(2029, 2, 28));
}

static void test_recur_weekly_takes_the_next_listed_weekday(void **state) {
    (void)state;
    int64_t mon = day_of(2027, 3, 1); /* a Monday */
    assert_int_equal(next("weekly:mon,thu", mon), mon + 3);
    assert_int_equal(next("weekly:mon,thu", mon + 3), mon + 7);
    assert_int_equal(next("weekly:mon", mon), mon + 7);
    assert_int_equal(next("weekly:sun", mon + 6), mon + 13);
}

static void test_jobs_enqueue_dedupes_and_a_job_runs_once(void **state) {
    (void)state;
    Db *db;
    char err[200];
    assert_int_equal(db_open("sqlite::memory:", &db, err, sizeof err), DB_OK);
    int n = 0;
    assert_int_equal(db_migrate(db, &n), DB_OK);
    jobs_register_builtin();
    int64_t id1 = 0, id2 = 0, now = time_now_ms();
    assert_int_equal(jobs_enqueue(db, "noop", now - 1, "k", NULL, &id1), 0);
    assert_int_equal(jobs_enqueue(db, "noop", now - 1, "k", NULL, &id2), 0);
    assert_true(id1 > 0);
    assert_int_equal(id2, 0);
    int64_t claimed = 0;
    assert_int_equal(jobs_claim(db, "w1", now, &claimed), DB_ROW);
    assert_int_equal(claimed, id1);
    int64_t other = 0;
    assert_int_equal(jobs_claim(db, "w2", now, &other), DB_DONE);  /* leased */
    assert_int_equal(jobs_run_claimed(db, "w2", claimed, now), 0); /* not w2's lease: nothing */
    assert_int_equal(jobs_run_claimed(db, "w1", claimed, now), 0);
    int64_t runs = -1;
    assert_int_equal(db_query_int(db, "SELECT COUNT(*) FROM job_runs", &runs), DB_ROW);
    assert_int_equal(runs, 1);
    /* An expired lease is taken over. */
    assert_int_equal(jobs_enqueue(db, "noop", now - 1, NULL, NULL, &id1), 0);
    assert_int_equal(jobs_claim(db, "w1", now, &claimed), DB_ROW);
    assert_int_equal(jobs_claim(db, "w2", now + JOBS_LEASE_MS + 1, &other), DB_ROW);
    assert_int_equal(other, claimed);
    assert_int_equal(jobs_run_claimed(db, "w1", claimed, now), 0); /* lost the lease: no run */
    assert_int_equal(jobs_run_claimed(db, "w2", other, now + JOBS_LEASE_MS + 1), 0);
    assert_int_equal(db_query_int(db, "SELECT COUNT(*) FROM job_runs", &runs), DB_ROW);
    assert_int_equal(runs, 2);
    db_close(db);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recur_parse_refuses_rules_that_make_no_sense),
        cmocka_unit_test(test_recur_format_is_canonical),
        cmocka_unit_test(test_recur_monthly_31_falls_on_the_last_day_of_short_months),
        cmocka_unit_test(test_recur_leap_days),
        cmocka_unit_test(test_recur_weekly_takes_the_next_listed_weekday),
        cmocka_unit_test(test_jobs_enqueue_dedupes_and_a_job_runs_once),
    };
    return UNIT_RUN("recur", tests);
}
