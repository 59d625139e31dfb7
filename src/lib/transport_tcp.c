/* The plain TCP transport: the socket itself, with every wait bounded by the transfer's deadline.
 */
#include <limits.h>
#include <stdlib.h>

#include "transport.h"

int gi_deadline_left(uint64_t deadline)
{
    uint64_t now;

    if (deadline == 0) {
        return -1;
    }
    now = gp_clock_ms();
    if (now >= deadline) {
        return 0;
    }
    return deadline - now > INT_MAX ? INT_MAX : (int)(deadline - now);
}

int gi_read_wait(int wait_ms, uint64_t deadline, int *wait)
{
    int left = gi_deadline_left(deadline);

    *wait = left < 0 || wait_ms < left ? wait_ms : left;
    if (left == 0) {
        gp_oserr_clear();
        return GREET_ETIMEDOUT;
    }
    return GREET_OK;
}

int gi_read_waited(uint64_t deadline)
{
    gp_oserr_clear();
    return gi_deadline_left(deadline) == 0 ? GREET_ETIMEDOUT : GREET_EAGAIN;
}

static int tcp_write(struct gi_transport *t, const void *buf, size_t len, uint64_t deadline)
{
    int left = gi_deadline_left(deadline);
    int rc;

    if (left == 0) {
        gp_oserr_clear();
        return GREET_ETIMEDOUT;
    }
    /* A send timeout of the time left keeps a server that never reads from holding us forever. */
    rc = gp_sock_set_timeouts(t->sock, 0, left < 0 ? 0 : left);
    return rc != GREET_OK ? rc : gp_sock_send_all(t->sock, buf, len);
}

/* The TCP transport: the socket, switched to non-blocking at the first read. */
struct tcp_transport {
    struct gi_transport base; /* first, so a gi_transport * is a tcp_transport * */
    int nonblocking;
};

static int tcp_read(struct gi_transport *t, void *buf, size_t cap, size_t *got, int wait_ms,
                    uint64_t deadline)
{
    struct tcp_transport *tt = (struct tcp_transport *)t;
    int wait;
    int rc = gi_read_wait(wait_ms, deadline, &wait);

    *got = 0;
    if (rc == GREET_OK && !tt->nonblocking) {
        rc = gp_sock_set_nonblocking(t->sock, 1);
        tt->nonblocking = rc == GREET_OK;
    }
    /* A streaming body is usually already waiting: one recv, and a wait only when it is not. */
    rc = rc == GREET_OK ? gp_sock_recv(t->sock, buf, cap, got) : rc;
    if (rc != GREET_EAGAIN) {
        return rc;
    }
    rc = gp_sock_wait(t->sock, GP_WAIT_READ, wait);
    if (rc == GREET_ETIMEDOUT) {
        return gi_read_waited(deadline);
    }
    return rc != GREET_OK ? rc : gp_sock_recv(t->sock, buf, cap, got);
}

static void tcp_close(struct gi_transport *t)
{
    gp_sock_close(t->sock);
    free(t);
}

static const struct gi_transport_ops tcp_ops = {tcp_write, tcp_read, tcp_close};

int gi_transport_tcp(gp_socket sock, struct gi_transport **out)
{
    struct tcp_transport *tt = calloc(1, sizeof *tt);
    struct gi_transport *t = tt ? &tt->base : NULL;
    gp_addr peer;

    if (!t) {
        gp_sock_close(sock);
        return GREET_ENOMEM;
    }
    t->ops = &tcp_ops;
    t->sock = sock;
    if (gp_sock_peer_addr(sock, &peer) != GREET_OK ||
        gp_addr_format(&peer, t->peer, sizeof t->peer) != GREET_OK) {
        t->peer[0] = '\0';
    }
    *out = t;
    return GREET_OK;
}
