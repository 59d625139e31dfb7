/* Time on Windows: the tick count for intervals, the local clock for log lines. */
#include <stdio.h>

#include <windows.h>

#include "gp.h"

uint64_t gp_clock_ms(void)
{
    /* 64-bit ticks: no wrap after 49 days, and unaffected by changes to the wall clock. */
    return (uint64_t)GetTickCount64();
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
