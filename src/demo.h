/* demo.h — the demo data set: a realistic Chinese operations team. */
#ifndef OPSDESK_DEMO_H
#define OPSDESK_DEMO_H
#include <stdio.h>

#include "db/db.h"

/* The password every demo login uses (printed by `make run`). */
#define DEMO_PASSWORD "opsdesk-demo"

/* Loads teams and people into an empty database, printing the logins to out.
 * Returns 0, or 1 (message on stderr) when people already exist or a write fails. */
int demo_load(Db *db, FILE *out);

#endif
