/* The part of the POSIX readiness pollers (gp.h's gp_poller_*) that does not depend on epoll or
 * kqueue; each backend supplies its system calls through poll_os.h. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "poll_os.h"

static int errno_failure(void)
{
    return gp_oserr_set(GP_OSERR_ERRNO, errno);
}

int gp_poller_create(gp_poller **out)
{
    gp_poller *p;

    gp_oserr_clear();
    *out = NULL;
    p = calloc(1, sizeof *p);
    if (!p) {
        return GREET_ENOMEM;
    }
    p->fd = -1;
    p->wake_fd = -1;
    if (gp_poll_os_open(p) != 0) {
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
    if (p->fd >= 0) {
        close(p->fd);
    }
    free(p);
}

int gp_poller_add(gp_poller *p, gp_pollreg *r, gp_socket s, int mask, void *data)
{
    gp_oserr_clear();
    r->sock = s;
    r->data = data;
    r->os = NULL;
    return gp_poll_os_watch(p, r, mask, 1) != 0 ? errno_failure() : GREET_OK;
}

int gp_poller_set(gp_poller *p, gp_pollreg *r, int mask)
{
    gp_oserr_clear();
    return gp_poll_os_watch(p, r, mask, 0) != 0 ? errno_failure() : GREET_OK;
}

int gp_poller_wait(gp_poller *p, gp_poll_event *out, int max, gp_deadline deadline, int *count)
{
    int n;

    gp_oserr_clear();
    *count = 0;
    n = gp_poll_os_wait(p, out, max < GP_POLL_BATCH ? max : GP_POLL_BATCH,
                        gp_deadline_left(deadline));
    if (n < 0) {
        /* A signal ends the wait early: the caller's loop looks at its deadline again. */
        return errno == EINTR ? GREET_OK : errno_failure();
    }
    *count = n;
    return GREET_OK;
}
