/* unit.h — what every unit test file includes: cmocka (which needs these
 * standard headers first) and small helpers for comparing text. Tests are
 * named for the behaviour they prove; each one starts from a fresh state. */
#ifndef OPSDESK_UNIT_H
#define OPSDESK_UNIT_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>

#include <cmocka.h>

/* Runs a group and returns cmocka's failure count as the exit status. */
#define UNIT_RUN(name, tests) cmocka_run_group_tests_name(name, tests, NULL, NULL)

#endif
