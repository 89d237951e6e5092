/* timeutil.h — wall-clock time as int64 milliseconds since the Unix epoch (UTC),
 * ISO 8601 / RFC 3339 parsing and formatting, and locale-aware display.
 * Stored times are always UTC milliseconds; only display applies an offset. */
#ifndef OPSDESK_TIMEUTIL_H
#define OPSDESK_TIMEUTIL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int64_t time_now_ms(void);
/* Monotonic clock in nanoseconds, for measuring durations. */
int64_t time_mono_ns(void);
/* Days since 1970-01-01 for a proleptic Gregorian date (no validation). */
int64_t time_days_from_civil(int y, unsigned m, unsigned d);
/* True when y-m-d is a real calendar date (leap years included). */
bool time_valid_date(int y, int m, int d);
/* Parses "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)".
 * A date-time without an offset is refused (ambiguous). Returns 0 or -1. */
int time_parse_iso(const char *s, int64_t *ms_out);
/* Writes "YYYY-MM-DDTHH:MM:SS.mmmZ" into out (≥ 25 bytes). */
void time_format_iso(int64_t ms, char *out, size_t n);
/* Formats for display in a locale ("zh-CN" or "en") with a UTC offset in
 * minutes: zh-CN "2026年11月27日 19:04", en "27 Nov 2026, 19:04". with_time=false
 * drops the clock time. */
void time_format_display(int64_t ms, const char *locale, int offset_min, bool with_time, char *out, size_t n);

#endif
