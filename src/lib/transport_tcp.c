/* The plain TCP transport: the socket itself, with every wait bounded by the transfer's deadline.
 */
#include <stdlib.h>

#include "transport.h"

static int tcp_write(struct gi_transport *t, const void *buf, size_t len, gp_deadline deadline)
{
    return gp_sock_send_by(t->sock, buf, len, deadline);
}

/* The TCP transport: the socket, switched to non-blocking at the first read. */
struct tcp_transport {
    struct gi_transport base; /* first, so a gi_transport * is a tcp_transport * */
    int nonblocking;
};

static int tcp_read(struct gi_transport *t, void *buf, size_t cap, size_t *got,
                    gp_deadline deadline)
{
    struct tcp_transport *tt = (struct tcp_transport *)t;
    int rc = GREET_OK;

    *got = 0;
    if (gp_deadline_passed(deadline)) {
        return GREET_ETIMEDOUT;
    }
    if (!tt->nonblocking) {
        rc = gp_sock_set_nonblocking(t->sock, 1);
        tt->nonblocking = rc == GREET_OK;
    }
    /* A streaming body is usually already waiting: one recv, and a wait only when it is not. */
    rc = rc == GREET_OK ? gp_sock_recv(t->sock, buf, cap, got) : rc;
    if (rc != GREET_EAGAIN) {
        return rc;
    }
    rc = gp_sock_wait(t->sock, GP_WAIT_READ, deadline);
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
