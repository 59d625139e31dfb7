/* POSIX threads: pthreads for threads, mutexes and condition variables (timed waits on the
 * monotonic clock where the system allows), gcc/clang __atomic builtins for counters. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "gp.h"

struct gp_thread {
    pthread_t id;
    gp_thread_fn fn;
    void *arg;
    int detached;
};

struct gp_mutex {
    pthread_mutex_t m;
};

struct gp_cond {
    pthread_cond_t c;
};

/* macOS has no pthread_condattr_setclock; its timed waits use the wall clock. */
#if defined(__APPLE__)
#define COND_CLOCK CLOCK_REALTIME
#else
#define COND_CLOCK CLOCK_MONOTONIC
#endif

static void *thread_main(void *p)
{
    struct gp_thread *t = (struct gp_thread *)p;
    gp_thread_fn fn = t->fn;
    void *arg = t->arg;

    /* Nobody joins a detached thread, so it owns its record. */
    if (t->detached) {
        free(t);
    }
    fn(arg);
    return NULL;
}

/* The stack size rounded up to the system minimum and to whole pages. */
static size_t stack_bytes(size_t want)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t min = (size_t)PTHREAD_STACK_MIN;
    size_t unit = page > 0 ? (size_t)page : 4096;

    if (want < min) {
        want = min;
    }
    return (want + unit - 1) / unit * unit;
}

/* pthread_create with the attributes the contract asks for. The id goes to a local of the
 * caller: a detached thread may free t before pthread_create returns. */
static int create_thread(struct gp_thread *t, size_t stack_size, pthread_t *id)
{
    pthread_attr_t attr;
    int rc = pthread_attr_init(&attr);

    if (rc != 0) {
        return rc;
    }
    if (stack_size > 0) {
        rc = pthread_attr_setstacksize(&attr, stack_bytes(stack_size));
    }
    if (rc == 0 && t->detached) {
        rc = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    }
    if (rc == 0) {
        rc = pthread_create(id, &attr, thread_main, t);
    }
    pthread_attr_destroy(&attr);
    return rc;
}

int gp_thread_start(gp_thread **out, gp_thread_fn fn, void *arg, size_t stack_size)
{
    gp_oserr_clear();
    struct gp_thread *t = (struct gp_thread *)calloc(1, sizeof *t);
    pthread_t id;
    int rc;

    if (t == NULL) {
        return GREET_ENOMEM;
    }
    t->fn = fn;
    t->arg = arg;
    t->detached = out == NULL;
    rc = create_thread(t, stack_size, &id);
    if (rc != 0) {
        free(t);
        return gp_oserr_set(GP_OSERR_ERRNO, rc);
    }
    if (out != NULL) {
        t->id = id;
        *out = t;
    }
    return GREET_OK;
}

int gp_thread_join(gp_thread *t)
{
    gp_oserr_clear();
    int rc = pthread_join(t->id, NULL);

    if (rc != 0) {
        return gp_oserr_set(GP_OSERR_ERRNO, rc);
    }
    free(t);
    return GREET_OK;
}

int gp_mutex_create(gp_mutex **out)
{
    gp_oserr_clear();
    struct gp_mutex *m = (struct gp_mutex *)malloc(sizeof *m);
    int rc;

    *out = NULL;
    if (m == NULL) {
        return GREET_ENOMEM;
    }
    rc = pthread_mutex_init(&m->m, NULL);
    if (rc != 0) {
        free(m);
        return gp_oserr_set(GP_OSERR_ERRNO, rc);
    }
    *out = m;
    return GREET_OK;
}

void gp_mutex_destroy(gp_mutex *m)
{
    if (m != NULL) {
        pthread_mutex_destroy(&m->m);
        free(m);
    }
}

void gp_mutex_lock(gp_mutex *m)
{
    (void)pthread_mutex_lock(&m->m);
}

void gp_mutex_unlock(gp_mutex *m)
{
    (void)pthread_mutex_unlock(&m->m);
}

static int cond_init(pthread_cond_t *c)
{
#if defined(__APPLE__)
    return pthread_cond_init(c, NULL);
#else
    pthread_condattr_t attr;
    int rc = pthread_condattr_init(&attr);

    if (rc == 0) {
        rc = pthread_condattr_setclock(&attr, COND_CLOCK);
        if (rc == 0) {
            rc = pthread_cond_init(c, &attr);
        }
        pthread_condattr_destroy(&attr);
    }
    return rc;
#endif
}

int gp_cond_create(gp_cond **out)
{
    gp_oserr_clear();
    struct gp_cond *c = (struct gp_cond *)malloc(sizeof *c);
    int rc;

    *out = NULL;
    if (c == NULL) {
        return GREET_ENOMEM;
    }
    rc = cond_init(&c->c);
    if (rc != 0) {
        free(c);
        return gp_oserr_set(GP_OSERR_ERRNO, rc);
    }
    *out = c;
    return GREET_OK;
}

void gp_cond_destroy(gp_cond *c)
{
    if (c != NULL) {
        pthread_cond_destroy(&c->c);
        free(c);
    }
}

void gp_cond_signal(gp_cond *c)
{
    (void)pthread_cond_signal(&c->c);
}

void gp_cond_broadcast(gp_cond *c)
{
    (void)pthread_cond_broadcast(&c->c);
}

int gp_cond_wait(gp_cond *c, gp_mutex *m, gp_deadline deadline)
{
    gp_oserr_clear();
    struct timespec ts;
    int left = gp_deadline_left(deadline);
    int rc;

    if (left < 0) {
        rc = pthread_cond_wait(&c->c, &m->m);
    } else {
        /* The condition's own clock (COND_CLOCK) is not gp_clock_ms's on every system: carry the
         * time left over to it. */
        clock_gettime(COND_CLOCK, &ts);
        ts.tv_sec += left / 1000;
        ts.tv_nsec += (long)(left % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        rc = pthread_cond_timedwait(&c->c, &m->m, &ts);
    }
    if (rc == ETIMEDOUT) {
        return GREET_ETIMEDOUT;
    }
    return rc == 0 ? GREET_OK : gp_oserr_set(GP_OSERR_ERRNO, rc);
}

long gp_atomic_load(gp_atomic *a)
{
    return __atomic_load_n(&a->value, __ATOMIC_SEQ_CST);
}

void gp_atomic_store(gp_atomic *a, long v)
{
    __atomic_store_n(&a->value, v, __ATOMIC_SEQ_CST);
}

long gp_atomic_add(gp_atomic *a, long delta)
{
    return __atomic_add_fetch(&a->value, delta, __ATOMIC_SEQ_CST);
}

int gp_atomic_cas(gp_atomic *a, long expected, long desired)
{
    return __atomic_compare_exchange_n(&a->value, &expected, desired, 0, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST);
}
