/* POSIX time: the monotonic clock for intervals, the local wall clock for log lines. */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "gp.h"

uint64_t gp_clock_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void gp_timestamp(char *buf, size_t size)
{
    struct timespec ts;
    struct tm tm;
    char day[32];

    if (size == 0) {
        return;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    if (localtime_r(&ts.tv_sec, &tm) == NULL ||
        strftime(day, sizeof day, "%Y-%m-%d %H:%M:%S", &tm) == 0) {
        buf[0] = '\0';
        return;
    }
    snprintf(buf, size, "%s.%03ld", day, (long)(ts.tv_nsec / 1000000L));
}

void gp_sleep_ms(int ms)
{
    struct timespec left;

    if (ms <= 0) {
        return;
    }
    left.tv_sec = ms / 1000;
    left.tv_nsec = (long)(ms % 1000) * 1000000L;
    /* A signal (Ctrl+C) cuts nanosleep short; sleep what is left. */
    while (nanosleep(&left, &left) != 0 && errno == EINTR) {
    }
}
