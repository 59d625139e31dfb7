/* `greet fetch --limit-rate RATE`: the rate as curl and wget users write it. */
#include <stdint.h>

#include "fetch_cli.h"

/* Digits past this many after the point cannot change the whole number of bytes by more than
 * one (10^-9 of a G is about a byte), and they keep the arithmetic within 64 bits. */
#define FRACTION_DIGITS_MAX 9

static uint64_t unit_of(char c)
{
    switch (c) {
    case '\0':
        return 1;
    case 'k':
    case 'K':
        return 1024;
    case 'm':
    case 'M':
        return 1024 * 1024;
    case 'g':
    case 'G':
        return 1024 * 1024 * 1024;
    default:
        return 0;
    }
}

int cli_rate_parse(const char *text, int64_t *bytes_per_s)
{
    const uint64_t max = INT64_MAX;
    uint64_t whole = 0, frac = 0, frac_scale = 1, unit, v;
    int digits = 0, frac_nonzero = 0;
    const char *s = text;

    for (; *s >= '0' && *s <= '9'; s++, digits++) {
        unsigned d = (unsigned)(*s - '0');
        if (whole > (max - d) / 10) {
            return GREET_ETOOBIG;
        }
        whole = whole * 10 + d;
    }
    if (digits == 0) {
        return GREET_EINVAL; /* also "-1", ".5", "" and " 1" */
    }
    if (*s == '.') {
        int n = 0;
        for (s++; *s >= '0' && *s <= '9'; s++, n++) {
            frac_nonzero |= *s != '0';
            if (n < FRACTION_DIGITS_MAX) {
                frac = frac * 10 + (uint64_t)(*s - '0');
                frac_scale *= 10;
            }
        }
    }
    unit = *s ? unit_of(*s++) : 1;
    if (unit == 0 || *s != '\0') {
        return GREET_EINVAL; /* "1KB", "1e3", "1 K", "1T" */
    }
    if (whole > max / unit) {
        return GREET_ETOOBIG;
    }
    /* frac < 10^9 and unit <= 2^30: the product fits 64 bits; like curl, the bytes are cut. */
    v = whole * unit;
    if (frac * unit / frac_scale > max - v) {
        return GREET_ETOOBIG;
    }
    v += frac * unit / frac_scale;
    /* 0 means no limit: a rate above 0 but below a byte per second must not become it. */
    *bytes_per_s = v == 0 && frac_nonzero ? 1 : (int64_t)v;
    return GREET_OK;
}
