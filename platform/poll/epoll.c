/* The readiness poller on Linux: epoll, level-triggered, with an eventfd for wake-ups. What every
 * POSIX poller shares is in poller.c. */
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "poll_os.h"

static uint32_t epoll_mask(int mask)
{
    return ((mask & GP_WAIT_READ) ? EPOLLIN : 0u) | ((mask & GP_WAIT_WRITE) ? EPOLLOUT : 0u);
}

int gp_poll_os_open(gp_poller *p)
{
    struct epoll_event ev;

    p->fd = epoll_create1(EPOLL_CLOEXEC);
    if (p->fd < 0) {
        return -1;
    }
    p->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (p->wake_fd < 0) {
        return -1;
    }
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.ptr = NULL; /* the wake-up: the only registration without a gp_pollreg */
    return epoll_ctl(p->fd, EPOLL_CTL_ADD, p->wake_fd, &ev);
}

int gp_poll_os_watch(gp_poller *p, gp_pollreg *r, int mask, int add)
{
    struct epoll_event ev;

    memset(&ev, 0, sizeof ev);
    ev.events = epoll_mask(mask);
    ev.data.ptr = r;
    return epoll_ctl(p->fd, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, (int)r->sock, &ev);
}

void gp_poller_del(gp_poller *p, gp_pollreg *r)
{
    struct epoll_event ev; /* kernels before 2.6.9 wanted one even for DEL */

    memset(&ev, 0, sizeof ev);
    (void)epoll_ctl(p->fd, EPOLL_CTL_DEL, (int)r->sock, &ev);
}

int gp_poll_os_wait(gp_poller *p, gp_poll_event *out, int max, int timeout_ms)
{
    struct epoll_event ev[GP_POLL_BATCH];
    int n, i, k = 0;

    n = epoll_wait(p->fd, ev, max, timeout_ms);
    for (i = 0; i < n; i++) {
        gp_pollreg *r = ev[i].data.ptr;
        if (!r) {
            uint64_t v;
            (void)!read(p->wake_fd, &v, sizeof v);
            continue;
        }
        out[k].data = r->data;
        /* Hang-up and error: ready for everything, so that the next recv or send reports it. */
        out[k].events = ((ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) ? GP_WAIT_READ : 0) |
                        ((ev[i].events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) ? GP_WAIT_WRITE : 0);
        k++;
    }
    return n < 0 ? -1 : k;
}

void gp_poller_wake(gp_poller *p)
{
    uint64_t one = 1;

    /* EAGAIN means the counter is already non-zero: a wake-up is pending anyway. */
    (void)!write(p->wake_fd, &one, sizeof one);
}
