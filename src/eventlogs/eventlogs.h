/* eventlogs.h — stored event logs: logs imported from XES/CSV files and the
 * run logs that SOP process runs write, their import, listing, export and
 * analysis pages. The only header other modules include from src/eventlogs.
 * The analysis itself is src/analysis (analysis.h); this module stores and
 * shows. */
#ifndef OPSDESK_EVENTLOGS_H
#define OPSDESK_EVENTLOGS_H
#include <stdbool.h>
#include <stdint.h>

#include "../analysis/analysis.h"
#include "../web/web.h"

/* ---- for other modules (process runs write their events here) ---- */

/* The run log of an SOP: found, or created (in the caller's open write
 * transaction) on first use, in team_id, named name. 0 with *log_id set, or
 * req_fail(). */
int eventlogs_run_log(Req *r, int64_t sop_id, int64_t team_id, const char *name, int64_t *log_id);
/* Appends one event to a stored log inside the caller's open write
 * transaction. resource/lifecycle may be NULL. 0 or req_fail(). */
int eventlogs_append(Req *r, int64_t log_id, const char *case_id, const char *activity, const char *resource,
                     const char *lifecycle, int64_t time_ms);
/* Sets a case attribute of a stored log (e.g. a run's reference). 0 or req_fail(). */
int eventlogs_case_attr(Req *r, int64_t log_id, const char *case_id, const char *key, const char *value);
/* Loads a stored log the caller may read. *out: caller frees with
 * evlog_free. 0, or req_fail() (404 when absent or out of scope). */
int eventlogs_load(Req *r, int64_t log_id, EventLog **out);

/* The process model a run log is checked against: set by the SOP runs
 * module at start-up (main.c) so that the analysis of an SOP's run log —
 * API, pages and `opsdesk analyze --log ID` — includes conformance and
 * redundancy. Returns 0 with *model filled (arena memory), 1 when the SOP has
 * no model, or req_fail(). */
typedef int (*EventlogsModelFn)(Req *r, int64_t sop_id, ProcessModel *model);
void eventlogs_set_model_source(EventlogsModelFn fn);

/* ---- rendering shared with the runs pages ---- */
/* The process map of an analysis as inline SVG (edge thickness by frequency;
 * colour by waiting time when performance is true). */
void eventlogs_render_map(Req *r, const Analysis *an, bool performance);
/* A duration histogram of one activity's service times as inline SVG. */
void eventlogs_render_histogram(Req *r, const AnlActivity *act);

/* ---- command line (src/main.c) ---- */
/* `opsdesk import events FILE [options]` and `opsdesk analyze FILE|--log ID
 * [--json] [options]`. db_url: the --db value main.c resolved (opened and
 * migrated here only when needed); argv: the arguments after the command
 * word(s), --db already removed. Return the process exit code (0, 1 on
 * failure, 2 on a usage error); messages go to stderr, one line each. */
int eventlogs_cli_import(const char *db_url, int argc, char **argv);
int eventlogs_cli_analyze(const char *db_url, int argc, char **argv);

extern const RouteTable eventlogs_api_route_table;
extern const RouteTable eventlogs_page_route_table;

#endif
