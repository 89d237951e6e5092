/* runs_internal.h — shared by the files of src/runs only (runs_model.c and
 * runs_demo.c): the clock the model stamps run actions and events with.
 * Nothing outside src/runs includes it; the module's interface is runs.h. */
#ifndef OPSDESK_RUNS_INTERNAL_H
#define OPSDESK_RUNS_INTERNAL_H
#include <stdint.h>

/* The time of run actions, UTC ms: real time, or the one set by
 * runs_clock_set (per thread; 0 returns to real time). The demo replays
 * runs of the past weeks through the model with it. Review tasks keep real
 * time (their due date is a week from today). */
int64_t runs_clock_ms(void);
void runs_clock_set(int64_t ms);

#endif
