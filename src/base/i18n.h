/* i18n.h — message catalogs (zh-CN, en) and locale negotiation.
 * Catalog text format, one message a line:   key = value
 * ('#' starts a comment line; "\n" in a value is a newline). Values may hold
 * {1}…{9} placeholders filled by i18n_fmt. Catalogs are loaded once at start
 * and read-only afterwards, so lookups need no lock. */
#ifndef OPSDESK_I18N_H
#define OPSDESK_I18N_H
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

enum { I18N_MAX_LOCALES = 4 };

/* Loads (or replaces) a catalog. Returns 0, or -1 with *err_line set to the
 * first malformed line (1-based). The text is copied. */
int i18n_load(const char *locale, const char *text, size_t n, int *err_line);
/* Frees every catalog (tests, shutdown). */
void i18n_reset(void);
/* The message for key in locale; falls back to en, then to the key itself.
 * Returned memory is the catalog's (static for the process). */
const char *i18n_t(const char *locale, const char *key);
/* True when locale's catalog has key. */
int i18n_has(const char *locale, const char *key);
/* Fills {1}..{n} in the message with args (not escaped: escaping is the
 * writer's job). Arena memory. */
const char *i18n_fmt(Arena *a, const char *locale, const char *key, int nargs, const char **args);
/* "zh-CN" or "en" for an Accept-Language header (NULL/empty → "zh-CN"). */
const char *i18n_negotiate(const char *accept_language);
/* A supported locale name for user input ("zh-CN"/"en"), or NULL. */
const char *i18n_supported(const char *locale);
/* Number with thousands separators in out (≥ 32 bytes). */
void i18n_format_int(const char *locale, int64_t v, char *out, size_t n);
/* Calls fn for every key of locale's catalog (catalog-completeness checks). */
void i18n_each_key(const char *locale, void (*fn)(const char *key, void *ctx), void *ctx);

#endif
