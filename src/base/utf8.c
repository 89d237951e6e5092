/* utf8.c — strict UTF-8 decoder (table-free; the byte-range checks follow the
 * well-formed byte sequences table of Unicode §3.9). */
#include "utf8.h"

bool utf8_valid(const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str, *e = s + n;
    while (s < e) {
        unsigned c = *s;
        if (c < 0x80) {
            if (c == 0) return false;
            s++;
            continue;
        }
        size_t need;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) need = 1;
        else if (c == 0xE0) need = 2, lo = 0xA0;
        else if (c >= 0xE1 && c <= 0xEC) need = 2;
        else if (c == 0xED) need = 2, hi = 0x9F; /* no surrogates */
        else if (c >= 0xEE && c <= 0xEF) need = 2;
        else if (c == 0xF0) need = 3, lo = 0x90;
        else if (c >= 0xF1 && c <= 0xF3) need = 3;
        else if (c == 0xF4) need = 3, hi = 0x8F;
        else return false;
        if ((size_t)(e - s) <= need) return false;
        if (s[1] < lo || s[1] > hi) return false;
        for (size_t i = 2; i <= need; i++)
            if (s[i] < 0x80 || s[i] > 0xBF) return false;
        s += need + 1;
    }
    return true;
}

size_t utf8_count(const char *str, size_t n) {
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)str[i] & 0xC0) != 0x80) count++;
    return count;
}

bool utf8_has_control(const char *str, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)str[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return true;
    }
    return false;
}
