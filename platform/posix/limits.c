/* Process resources on POSIX: the CPUs we may use, the descriptor limit, a spare descriptor. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#endif
#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>
#ifdef __linux__
#include <sched.h>
#endif

#include "gp.h"

#define FD_FALLBACK_MAX 10240 /* macOS's usual kern.maxfilesperproc */

int gp_cpu_count(void)
{
    long n;
#ifdef __linux__
    cpu_set_t set;

    /* taskset and cgroup cpusets narrow the affinity mask, not the number of CPUs online. */
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) {
        return CPU_COUNT(&set);
    }
#endif
    n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int gp_fd_limit_raise(long *limit)
{
    struct rlimit rl;

    gp_oserr_clear();
    *limit = -1;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
        return gp_oserr_set(GP_OSERR_ERRNO, errno);
    }
    if (rl.rlim_cur < rl.rlim_max) {
        struct rlimit want = rl;
        want.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &want) == 0) {
            rl = want;
        } else if (rl.rlim_cur < FD_FALLBACK_MAX) {
            /* macOS refuses more than kern.maxfilesperproc whatever the hard limit says. */
            want.rlim_cur = FD_FALLBACK_MAX;
            if (setrlimit(RLIMIT_NOFILE, &want) == 0) {
                rl = want;
            }
        }
    }
    *limit = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (rlim_t)0x7fffffffL ? 0x7fffffffL
                                                                               : (long)rl.rlim_cur;
    return GREET_OK;
}

gp_reserve gp_reserve_take(void)
{
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

    return fd < 0 ? GP_RESERVE_NONE : (gp_reserve)fd;
}

void gp_reserve_release(gp_reserve r)
{
    if (r != GP_RESERVE_NONE) {
        (void)close((int)r);
    }
}
