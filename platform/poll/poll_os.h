/* What a POSIX readiness backend (epoll.c, kqueue.c) supplies to platform/poll/poller.c, which
 * holds what every such poller shares: the allocation, the error discipline (clear on entry,
 * errno recorded on failure), the deadline's conversion, the batch limit and EINTR. A backend
 * keeps only its system calls, gp_poller_del and gp_poller_wake. Not for src/. */
#ifndef GREET_PLATFORM_POLL_OS_H
#define GREET_PLATFORM_POLL_OS_H

#include "gp.h"

/* Events taken from the OS per wait, at most (the caller's max may be smaller). */
#define GP_POLL_BATCH 256

struct gp_poller {
    int fd;      /* the epoll or kqueue descriptor */
    int wake_fd; /* a separate wake-up descriptor (epoll's eventfd), -1 where there is none */
};

/* Opens p->fd and, if the backend has one, p->wake_fd (both are -1 before), and registers the
 * wake-up. 0, or -1 with errno set; the caller closes whatever was opened. */
int gp_poll_os_open(gp_poller *p);

/* Watches r->sock for the gp_wait events in mask: add is non-zero for the first registration.
 * 0, or -1 with errno set. */
int gp_poll_os_watch(gp_poller *p, gp_pollreg *r, int mask, int add);

/* Waits at most timeout_ms (-1: forever, 0: just look) and fills at most max (<= GP_POLL_BATCH)
 * entries of out, leaving out wake-ups. The number filled, or -1 with errno set. */
int gp_poll_os_wait(gp_poller *p, gp_poll_event *out, int max, int timeout_ms);

#endif
