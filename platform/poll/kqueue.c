/* The readiness poller on macOS and the BSDs: kqueue, level-triggered (no EV_CLEAR), with an
 * EVFILT_USER event for wake-ups. What every POSIX poller shares is in poller.c. Built only
 * there (the macOS CI job): keep it small. */
#include <stdint.h>
#include <sys/event.h>
#include <sys/time.h>
#include <sys/types.h>

#include "poll_os.h"

#define WAKE_IDENT 1 /* EVFILT_USER identifiers are their own namespace */

int gp_poll_os_open(gp_poller *p)
{
    struct kevent ev;

    p->fd = kqueue();
    if (p->fd < 0) {
        return -1;
    }
    EV_SET(&ev, WAKE_IDENT, EVFILT_USER, EV_ADD | EV_CLEAR, 0, 0, NULL);
    return kevent(p->fd, &ev, 1, NULL, 0, NULL) != 0 ? -1 : 0;
}

/* Both filters stay registered; the mask enables or disables each, so no state is kept and the
 * first registration is no different from a change. */
int gp_poll_os_watch(gp_poller *p, gp_pollreg *r, int mask, int add)
{
    struct kevent ev[2];
    uintptr_t fd = (uintptr_t)r->sock;

    (void)add;
    EV_SET(&ev[0], fd, EVFILT_READ, EV_ADD | ((mask & GP_WAIT_READ) ? EV_ENABLE : EV_DISABLE), 0, 0,
           r);
    EV_SET(&ev[1], fd, EVFILT_WRITE, EV_ADD | ((mask & GP_WAIT_WRITE) ? EV_ENABLE : EV_DISABLE), 0,
           0, r);
    return kevent(p->fd, ev, 2, NULL, 0, NULL) != 0 ? -1 : 0;
}

void gp_poller_del(gp_poller *p, gp_pollreg *r)
{
    struct kevent ev[2];
    uintptr_t fd = (uintptr_t)r->sock;

    EV_SET(&ev[0], fd, EVFILT_READ, EV_DELETE, 0, 0, NULL);
    EV_SET(&ev[1], fd, EVFILT_WRITE, EV_DELETE, 0, 0, NULL);
    (void)kevent(p->fd, ev, 2, NULL, 0, NULL);
}

int gp_poll_os_wait(gp_poller *p, gp_poll_event *out, int max, int timeout_ms)
{
    struct kevent ev[GP_POLL_BATCH];
    struct timespec ts, *tsp = NULL;
    int n, i, k = 0;

    if (timeout_ms >= 0) {
        ts.tv_sec = timeout_ms / 1000;
        ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
        tsp = &ts;
    }
    n = kevent(p->fd, NULL, 0, ev, max, tsp);
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
    return n < 0 ? -1 : k;
}

void gp_poller_wake(gp_poller *p)
{
    struct kevent ev;

    EV_SET(&ev, WAKE_IDENT, EVFILT_USER, 0, NOTE_TRIGGER, 0, NULL);
    (void)kevent(p->fd, &ev, 1, NULL, 0, NULL);
}
