/* Deadlines (gp.h): the one place where a duration becomes a point in time and back, on top of
 * gp_clock_ms(), so no layer writes this arithmetic again. */
#include <limits.h>

#include "gp.h"

gp_deadline gp_deadline_in(int64_t ms)
{
    /* now + ms >= 1 for any positive ms, so a positive limit can never read as "none". */
    return ms <= 0 ? GP_DEADLINE_NONE : gp_clock_ms() + (uint64_t)ms;
}

int gp_deadline_left(gp_deadline d)
{
    uint64_t now;

    if (d == GP_DEADLINE_NONE) {
        return -1;
    }
    now = gp_clock_ms();
    if (now >= d) {
        return 0;
    }
    return d - now > INT_MAX ? INT_MAX : (int)(d - now);
}

int gp_deadline_passed(gp_deadline d)
{
    return gp_deadline_left(d) == 0;
}

gp_deadline gp_deadline_min(gp_deadline a, gp_deadline b)
{
    if (a == GP_DEADLINE_NONE) {
        return b;
    }
    return b == GP_DEADLINE_NONE || a < b ? a : b;
}

void gp_sleep_until(gp_deadline d)
{
    int left = d == GP_DEADLINE_NONE ? 0 : gp_deadline_left(d);

    /* The OS's sleep may end early by gp_clock_ms's measure (a coarse tick on Windows): sleep
     * again for what is left. */
    while (left > 0) {
        gp_sleep_ms(left);
        left = gp_deadline_left(d);
    }
}
