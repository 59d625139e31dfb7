/* The stop signal on Windows: a console control handler (Ctrl+C, Ctrl+Break, closing the
 * window) records the request in a flag and a manual-reset event that waiters block on. */
#include <windows.h>

#include "gp.h"
#include "gpw.h"

static volatile LONG requested;
static volatile LONG cause = GP_STOP_INTERRUPT; /* why, once requested */
static HANDLE stop_event;
static INIT_ONCE event_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK create_event(PINIT_ONCE once, PVOID param, PVOID *context)
{
    (void)once;
    (void)param;
    (void)context;
    /* Manual reset: one request wakes every waiter and stays set until gp_stop_reset. */
    stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    return stop_event != NULL;
}

static HANDLE event_handle(void)
{
    if (!InitOnceExecuteOnce(&event_once, create_event, NULL, NULL)) {
        return NULL;
    }
    return stop_event;
}

static BOOL WINAPI on_console_event(DWORD type)
{
    switch (type) {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
        gp_stop_raise();
        return TRUE;
    case CTRL_CLOSE_EVENT:
        /* Windows ends the process as soon as this returns, so stay here: the program's own
         * exit after its clean shutdown ends this thread, and Windows' limit (about 5 s)
         * bounds the wait. */
        InterlockedExchange(&cause, GP_STOP_TERMINATE);
        gp_stop_raise();
        Sleep(INFINITE);
        return TRUE;
    default:
        return FALSE;
    }
}

int gp_stop_install(void)
{
    gp_oserr_clear();
    static volatile LONG installed;

    if (!event_handle()) {
        return gp_oserr_set(GP_OSERR_WIN32, (int)GetLastError());
    }
    if (InterlockedCompareExchange(&installed, 1, 0) == 0 &&
        !SetConsoleCtrlHandler(on_console_event, TRUE)) {
        InterlockedExchange(&installed, 0);
        return gp_oserr_set(GP_OSERR_WIN32, (int)GetLastError());
    }
    return GREET_OK;
}

int gp_stop_requested(void)
{
    return InterlockedCompareExchange(&requested, 0, 0) != 0;
}

int gp_stop_wait(gp_deadline deadline)
{
    gp_oserr_clear();
    HANDLE ev = event_handle();
    int left = gp_deadline_left(deadline);
    DWORD rc;

    if (!ev) {
        return gp_oserr_set(GP_OSERR_WIN32, (int)GetLastError());
    }
    rc = WaitForSingleObject(ev, left < 0 ? INFINITE : (DWORD)left);
    if (rc == WAIT_OBJECT_0) {
        return GREET_OK;
    }
    if (rc == WAIT_TIMEOUT) {
        return GREET_ETIMEDOUT;
    }
    return gp_oserr_set(GP_OSERR_WIN32, (int)GetLastError());
}

void gp_stop_raise(void)
{
    HANDLE ev = event_handle();

    InterlockedExchange(&requested, 1);
    if (ev) {
        SetEvent(ev);
    }
}

int gp_stop_cause(void)
{
    return gp_stop_requested() ? (int)InterlockedCompareExchange(&cause, 0, 0) : GP_STOP_NONE;
}

void gp_stop_reset(void)
{
    HANDLE ev = event_handle();

    InterlockedExchange(&cause, GP_STOP_INTERRUPT);
    InterlockedExchange(&requested, 0);
    if (ev) {
        ResetEvent(ev);
    }
}
