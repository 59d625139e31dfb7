/* The readiness poller on Linux: epoll, level-triggered, with an eventfd for wake-ups. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "gp.h"

struct gp_poller {
    int ep;
    int wake_fd;
};

static int errno_failure(void)
{
    return gp_oserr_set(GP_OSERR_ERRNO, errno);
}

static uint32_t epoll_mask(int mask)
{
    return ((mask & GP_WAIT_READ) ? EPOLLIN : 0u) | ((mask & GP_WAIT_WRITE) ? EPOLLOUT : 0u);
}

int gp_poller_create(gp_poller **out)
{
    gp_oserr_clear();
    gp_poller *p = calloc(1, sizeof *p);
    struct epoll_event ev;

    gp_oserr_clear();
    *out = NULL;
    if (!p) {
        return GREET_ENOMEM;
    }
    p->wake_fd = -1;
    p->ep = epoll_create1(EPOLL_CLOEXEC);
    if (p->ep >= 0) {
        p->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    }
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.ptr = NULL; /* the wake-up: the only registration without a gp_pollreg */
    if (p->ep < 0 || p->wake_fd < 0 || epoll_ctl(p->ep, EPOLL_CTL_ADD, p->wake_fd, &ev) != 0) {
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
    if (p->wake_fd >= 0) {
        close(p->wake_fd);
    }
    if (p->ep >= 0) {
        close(p->ep);
    }
    free(p);
}

static int control(gp_poller *p, int op, gp_pollreg *r, int mask)
{
    struct epoll_event ev;

    gp_oserr_clear();
    memset(&ev, 0, sizeof ev);
    ev.events = epoll_mask(mask);
    ev.data.ptr = r;
    if (epoll_ctl(p->ep, op, (int)r->sock, &ev) != 0) {
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
    return control(p, EPOLL_CTL_ADD, r, mask);
}

int gp_poller_set(gp_poller *p, gp_pollreg *r, int mask)
{
    gp_oserr_clear();
    return control(p, EPOLL_CTL_MOD, r, mask);
}

void gp_poller_del(gp_poller *p, gp_pollreg *r)
{
    struct epoll_event ev; /* kernels before 2.6.9 wanted one even for DEL */

    memset(&ev, 0, sizeof ev);
    (void)epoll_ctl(p->ep, EPOLL_CTL_DEL, (int)r->sock, &ev);
}

#define WAIT_BATCH 256

int gp_poller_wait(gp_poller *p, gp_poll_event *out, int max, int timeout_ms, int *count)
{
    gp_oserr_clear();
    struct epoll_event ev[WAIT_BATCH];
    int n, i, k = 0;

    gp_oserr_clear();
    *count = 0;
    n = epoll_wait(p->ep, ev, max < WAIT_BATCH ? max : WAIT_BATCH,
                   timeout_ms < 0 ? -1 : timeout_ms);
    if (n < 0) {
        return errno == EINTR ? GREET_OK : errno_failure();
    }
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
    *count = k;
    return GREET_OK;
}

void gp_poller_wake(gp_poller *p)
{
    uint64_t one = 1;

    /* EAGAIN means the counter is already non-zero: a wake-up is pending anyway. */
    (void)!write(p->wake_fd, &one, sizeof one);
}
