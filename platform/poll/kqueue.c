/* The readiness poller on macOS and the BSDs: kqueue, level-triggered (no EV_CLEAR), with an
 * EVFILT_USER event for wake-ups. Built only there (the macOS CI job): keep it small. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/event.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

#include "gp.h"

#define WAKE_IDENT 1 /* EVFILT_USER identifiers are their own namespace */
#define WAIT_BATCH 256

struct gp_poller {
    int kq;
};

static int errno_failure(void)
{
    return gp_oserr_set(GP_OSERR_ERRNO, errno);
}

int gp_poller_create(gp_poller **out)
{
    gp_oserr_clear();
    gp_poller *p = calloc(1, sizeof *p);
    struct kevent ev;

    gp_oserr_clear();
    *out = NULL;
    if (!p) {
        return GREET_ENOMEM;
    }
    p->kq = kqueue();
    EV_SET(&ev, WAKE_IDENT, EVFILT_USER, EV_ADD | EV_CLEAR, 0, 0, NULL);
    if (p->kq < 0 || kevent(p->kq, &ev, 1, NULL, 0, NULL) != 0) {
        int rc = errno_failure();
        gp_poller_destroy(p);
        return rc;
    }
    *out = p;
    return GREET_OK;
}

void gp_poller_destroy(gp_poller *p)
{
    if (!p) {
        return;
    }
    if (p->kq >= 0) {
        close(p->kq);
    }
    free(p);
}

/* Both filters stay registered; the mask enables or disables each, so no state is kept. */
int gp_poller_set(gp_poller *p, gp_pollreg *r, int mask)
{
    gp_oserr_clear();
    struct kevent ev[2];
    uintptr_t fd = (uintptr_t)r->sock;

    gp_oserr_clear();
    EV_SET(&ev[0], fd, EVFILT_READ, EV_ADD | ((mask & GP_WAIT_READ) ? EV_ENABLE : EV_DISABLE), 0, 0,
           r);
    EV_SET(&ev[1], fd, EVFILT_WRITE, EV_ADD | ((mask & GP_WAIT_WRITE) ? EV_ENABLE : EV_DISABLE), 0,
           0, r);
    if (kevent(p->kq, ev, 2, NULL, 0, NULL) != 0) {
        return errno_failure();
    }
    return GREET_OK;
}

int gp_poller_add(gp_poller *p, gp_pollreg *r, gp_socket s, int mask, void *data)
{
    gp_oserr_clear();
    r->sock = s;
    r->data = data;
    r->os = NULL;
    return gp_poller_set(p, r, mask);
}

void gp_poller_del(gp_poller *p, gp_pollreg *r)
{
    struct kevent ev[2];
    uintptr_t fd = (uintptr_t)r->sock;

    EV_SET(&ev[0], fd, EVFILT_READ, EV_DELETE, 0, 0, NULL);
    EV_SET(&ev[1], fd, EVFILT_WRITE, EV_DELETE, 0, 0, NULL);
    (void)kevent(p->kq, ev, 2, NULL, 0, NULL);
}

int gp_poller_wait(gp_poller *p, gp_poll_event *out, int max, int timeout_ms, int *count)
{
    gp_oserr_clear();
    struct kevent ev[WAIT_BATCH];
    struct timespec ts, *tsp = NULL;
    int n, i, k = 0;

    gp_oserr_clear();
    *count = 0;
    if (timeout_ms >= 0) {
        ts.tv_sec = timeout_ms / 1000;
        ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
        tsp = &ts;
    }
    n = kevent(p->kq, NULL, 0, ev, max < WAIT_BATCH ? max : WAIT_BATCH, tsp);
    if (n < 0) {
        return errno == EINTR ? GREET_OK : errno_failure();
    }
    /* One kevent per filter: a socket ready both ways comes twice, which the caller handles
     * like two events (each names what is ready). */
    for (i = 0; i < n; i++) {
        gp_pollreg *r = ev[i].udata;
        if (ev[i].filter == EVFILT_USER || !r) {
            continue;
        }
        out[k].data = r->data;
        out[k].events = ev[i].filter == EVFILT_READ ? GP_WAIT_READ : GP_WAIT_WRITE;
        k++;
    }
    *count = k;
    return GREET_OK;
}

void gp_poller_wake(gp_poller *p)
{
    struct kevent ev;

    EV_SET(&ev, WAKE_IDENT, EVFILT_USER, 0, NOTE_TRIGGER, 0, NULL);
    (void)kevent(p->kq, &ev, 1, NULL, 0, NULL);
}
