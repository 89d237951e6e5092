/* utf8.h — UTF-8 validation and counting (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF). Every text from outside passes here. */
#ifndef OPSDESK_UTF8_H
#define OPSDESK_UTF8_H
#include <stdbool.h>
#include <stddef.h>

/* True when s[0..n) is valid UTF-8 with no NUL byte. */
bool utf8_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8 s[0..n). */
size_t utf8_count(const char *s, size_t n);
/* True when the text has a C0 control other than tab, LF, CR, or DEL. */
bool utf8_has_control(const char *s, size_t n);

#endif
