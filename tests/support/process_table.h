// Looks at the system's process table: is a process id still in use? For tests that check that
// no child process outlives a server (killed, reaped, or ended with a job object).
#ifndef GREET_TESTS_SUPPORT_PROCESS_TABLE_H
#define GREET_TESTS_SUPPORT_PROCESS_TABLE_H

#ifdef _WIN32
#include <windows.h>
#else
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <sys/types.h>
#endif

namespace greet_test
{

// True while pid names a process that has not ended (on POSIX a zombie counts: not yet reaped).
inline bool process_exists(unsigned long pid)
{
#ifdef _WIN32
    HANDLE h = OpenProcess(SYNCHRONIZE, FALSE, (DWORD)pid);
    if (!h) {
        return false;
    }
    bool running = WaitForSingleObject(h, 0) == WAIT_TIMEOUT;
    CloseHandle(h);
    return running;
#else
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
#endif
}

// True while pid names a process that still runs: a zombie (ended, waiting for its parent or
// init to reap it) does not count. Linux reads /proc/PID/stat; elsewhere as process_exists.
inline bool process_running(unsigned long pid)
{
#if defined(__linux__)
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%lu/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) {
        return false;
    }
    bool running = false;
    if (fgets(line, sizeof line, f)) {
        const char *close = strrchr(line, ')');
        running = close && close[1] == ' ' && close[2] != 'Z' && close[2] != 'X';
    }
    fclose(f);
    return running;
#else
    return process_exists(pid);
#endif
}

// Ends pid at once, as an operator's kill -9 or Task Manager would (exit code 9 on Windows).
inline bool process_kill(unsigned long pid)
{
#ifdef _WIN32
    HANDLE h = OpenProcess(PROCESS_TERMINATE, FALSE, (DWORD)pid);
    bool ok = h && TerminateProcess(h, 9);
    if (h) {
        CloseHandle(h);
    }
    return ok;
#else
    return kill((pid_t)pid, SIGKILL) == 0;
#endif
}

// True when Wine runs this program (its ntdll exports wine_get_version).
inline bool under_wine()
{
#ifdef _WIN32
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll && GetProcAddress(ntdll, "wine_get_version");
#else
    return false;
#endif
}

} // namespace greet_test

#endif
