/* Time on Windows: the tick count for intervals, the local clock for log lines. */
#include <stdio.h>

#include <windows.h>

#include "gp.h"

uint64_t gp_clock_ms(void)
{
    /* The performance counter, not GetTickCount64: ticks advance in 10-16 ms steps, which makes
     * a 100 ms wait measure as 87. Both are monotonic. Split to keep count * 1000 from
     * overflowing. */
    LARGE_INTEGER freq, now;
    uint64_t f, c;

    /* Both never fail since Windows XP; the frequency is a constant read from shared memory. */
    QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&now);
    f = (uint64_t)freq.QuadPart;
    c = (uint64_t)now.QuadPart;
    return c / f * 1000 + c % f * 1000 / f;
}

void gp_timestamp(char *buf, size_t size)
{
    SYSTEMTIME t;

    GetLocalTime(&t);
    snprintf(buf, size, "%04u-%02u-%02u %02u:%02u:%02u.%03u", (unsigned)t.wYear, (unsigned)t.wMonth,
             (unsigned)t.wDay, (unsigned)t.wHour, (unsigned)t.wMinute, (unsigned)t.wSecond,
             (unsigned)t.wMilliseconds);
}

void gp_sleep_ms(int ms)
{
    Sleep(ms > 0 ? (DWORD)ms : 0);
}
