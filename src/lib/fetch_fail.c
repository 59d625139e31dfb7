/* How the fetch engine fails: one rule for every message it writes into
 * greet_fetch_result.message (see gi_fetch_fail in fetch_int.h). */
#include <stdarg.h>
#include <stdio.h>

#include "fetch_int.h"

int gi_fetch_vfail(char *msg, size_t size, int err, int with_text, const char *fmt, va_list ap)
{
    char text[GREET_FETCH_MESSAGE_MAX];
    int n;

    if (size == 0 || msg[0] != '\0') {
        return err; /* the first failure's message stands */
    }
    /* The error text first: formatting must not come between the failure and its OS detail. */
    greet_error_text(err, text, sizeof text);
    n = vsnprintf(msg, size, fmt, ap);
    if (with_text && n >= 0 && (size_t)n < size) {
        snprintf(msg + n, size - (size_t)n, ": %s", text);
    }
    return err;
}

int gi_fetch_fail(char *msg, size_t size, int err, int with_text, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    gi_fetch_vfail(msg, size, err, with_text, fmt, ap);
    va_end(ap);
    return err;
}
