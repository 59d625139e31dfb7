/* Process resources on Windows: the CPUs we may use; sockets have no per-process descriptor limit
 * to raise and no spare to keep (accept failing with WSAENOBUFS or WSAEMFILE is backed off). */
#include <windows.h>

#include "gp.h"

int gp_cpu_count(void)
{
    DWORD_PTR process = 0, system = 0;
    int n = 0;

    if (GetProcessAffinityMask(GetCurrentProcess(), &process, &system)) {
        for (; process; process &= process - 1) {
            n++;
        }
    }
    return n > 0 ? n : 1;
}

int gp_fd_limit_raise(long *limit)
{
    gp_oserr_clear();
    *limit = -1;
    return GREET_OK;
}

gp_reserve gp_reserve_take(void)
{
    return GP_RESERVE_NONE;
}

void gp_reserve_release(gp_reserve r)
{
    (void)r;
}
