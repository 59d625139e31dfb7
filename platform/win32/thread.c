/* Threads and synchronisation on Win32: _beginthreadex (so the CRT sets up its per-thread state),
 * SRW locks, condition variables, and Interlocked* for the atomic counter. */
#include <errno.h>
#include <process.h>
#include <stdlib.h>

#include <windows.h>

#include "gp.h"
#include "gpw.h"

struct gp_thread {
    HANDLE handle;
};

struct gp_mutex {
    SRWLOCK lock;
};

struct gp_cond {
    CONDITION_VARIABLE cv;
};

/* What the new thread runs; owned by the thread, which frees it before calling fn. */
struct thread_start {
    gp_thread_fn fn;
    void *arg;
};

static unsigned __stdcall thread_main(void *p)
{
    struct thread_start start = *(struct thread_start *)p;

    free(p);
    start.fn(start.arg);
    return 0;
}

static int begin_thread(struct thread_start *start, size_t stack_size, HANDLE *out)
{
    /* A reservation, like a POSIX stack size: the pages are committed only as the stack grows. */
    uintptr_t h = _beginthreadex(NULL, (unsigned)stack_size, thread_main, start,
                                 STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);

    if (h == 0) {
        return gp_oserr_set(GP_OSERR_ERRNO, errno);
    }
    *out = (HANDLE)h;
    return GREET_OK;
}

int gp_thread_start(gp_thread **out, gp_thread_fn fn, void *arg, size_t stack_size)
{
    gp_oserr_clear();
    struct thread_start *start;
    gp_thread *t = NULL;
    HANDLE h = NULL;
    int rc;

    if (stack_size != (unsigned)stack_size) {
        return GREET_EINVAL;
    }
    start = (struct thread_start *)malloc(sizeof *start);
    if (out) {
        t = (gp_thread *)malloc(sizeof *t);
    }
    if (!start || (out && !t)) {
        free(start);
        return GREET_ENOMEM;
    }
    start->fn = fn;
    start->arg = arg;
    rc = begin_thread(start, stack_size, &h);
    if (rc != GREET_OK) {
        free(start);
        free(t);
        return rc;
    }
    if (!out) {
        CloseHandle(h); /* detached: the thread object goes away when the thread ends */
        return GREET_OK;
    }
    t->handle = h;
    *out = t;
    return GREET_OK;
}

int gp_thread_join(gp_thread *t)
{
    gp_oserr_clear();
    int rc = GREET_OK;

    if (WaitForSingleObject(t->handle, INFINITE) != WAIT_OBJECT_0) {
        rc = gp_oserr_set(GP_OSERR_WIN32, (int)GetLastError());
    }
    CloseHandle(t->handle);
    free(t);
    return rc;
}

int gp_mutex_create(gp_mutex **out)
{
    gp_oserr_clear();
    gp_mutex *m = (gp_mutex *)malloc(sizeof *m);

    *out = m;
    if (!m) {
        return GREET_ENOMEM;
    }
    InitializeSRWLock(&m->lock);
    return GREET_OK;
}

void gp_mutex_destroy(gp_mutex *m)
{
    free(m); /* an SRW lock needs no teardown */
}

void gp_mutex_lock(gp_mutex *m)
{
    AcquireSRWLockExclusive(&m->lock);
}

void gp_mutex_unlock(gp_mutex *m)
{
    ReleaseSRWLockExclusive(&m->lock);
}

int gp_cond_create(gp_cond **out)
{
    gp_oserr_clear();
    gp_cond *c = (gp_cond *)malloc(sizeof *c);

    *out = c;
    if (!c) {
        return GREET_ENOMEM;
    }
    InitializeConditionVariable(&c->cv);
    return GREET_OK;
}

void gp_cond_destroy(gp_cond *c)
{
    free(c);
}

void gp_cond_signal(gp_cond *c)
{
    WakeConditionVariable(&c->cv);
}

void gp_cond_broadcast(gp_cond *c)
{
    WakeAllConditionVariable(&c->cv);
}

int gp_cond_wait(gp_cond *c, gp_mutex *m, gp_deadline deadline)
{
    gp_oserr_clear();
    int left = gp_deadline_left(deadline);
    DWORD ms = left < 0 ? INFINITE : (DWORD)left;
    DWORD err;

    if (SleepConditionVariableSRW(&c->cv, &m->lock, ms, 0)) {
        return GREET_OK;
    }
    err = GetLastError();
    return err == ERROR_TIMEOUT ? GREET_ETIMEDOUT : gp_oserr_set(GP_OSERR_WIN32, (int)err);
}

long gp_atomic_load(gp_atomic *a)
{
    /* A compare-exchange that never changes the value: a full-barrier read. */
    return InterlockedCompareExchange(&a->value, 0, 0);
}

void gp_atomic_store(gp_atomic *a, long v)
{
    InterlockedExchange(&a->value, v);
}

long gp_atomic_add(gp_atomic *a, long delta)
{
    return InterlockedExchangeAdd(&a->value, delta) + delta;
}

int gp_atomic_cas(gp_atomic *a, long expected, long desired)
{
    return InterlockedCompareExchange(&a->value, desired, expected) == expected;
}
