/* How the fetch engine fails: one rule for every message it writes into
 * greet_fetch_result.message (see gi_fetch_fail in fetch_int.h). */
#include <stdarg.h>
#include <stdio.h>

#include "fetch_int.h"

int gi_fetch_vfail(char *msg, size_t size, int err, const gp_failure *why, const char *fmt,
                   va_list ap)
{
    char text[GREET_FETCH_MESSAGE_MAX];
    int n;

    if (size == 0 || msg[0] != '\0') {
        return err; /* the first failure's message stands */
    }
    n = vsnprintf(msg, size, fmt, ap);
    if (why && n >= 0 && (size_t)n < size) {
        snprintf(msg + n, size - (size_t)n, ": %s", gp_failure_text(why, text, sizeof text));
    }
    return err;
}

int gi_fetch_fail(char *msg, size_t size, int err, const gp_failure *why, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    gi_fetch_vfail(msg, size, err, why, fmt, ap);
    va_end(ap);
    return err;
}
