/* The plain TCP transport: the socket itself, non-blocking, with every wait bounded by the
 * transfer's deadline. Non-blocking from the start, so that a kept-alive connection's next request
 * costs one send and no per-call timeout changes. */
#include <stdlib.h>

#include "transport.h"

/* Sends what the socket takes, and waits for room only when it takes nothing. */
static int tcp_send(struct gi_transport *t, const void *buf, size_t len, gp_deadline deadline)
{
    const char *p = buf;
    size_t sent;
    int rc;

    while (len > 0) {
        rc = gp_sock_send(t->sock, p, len, &sent);
        if (rc == GREET_EAGAIN) {
            rc = gp_sock_wait(t->sock, GP_WAIT_WRITE, deadline);
            sent = 0;
        }
        if (rc != GREET_OK) {
            return rc;
        }
        p += sent;
        len -= sent;
    }
    return GREET_OK;
}

static int tcp_receive(struct gi_transport *t, void *buf, size_t cap, size_t *got,
                       gp_deadline deadline)
{
    int rc;

    *got = 0;
    if (gp_deadline_passed(deadline)) {
        return GREET_ETIMEDOUT;
    }
    /* A streaming body is usually already waiting: one recv, and a wait only when it is not. */
    rc = gp_sock_recv(t->sock, buf, cap, got);
    if (rc != GREET_EAGAIN) {
        return rc;
    }
    rc = gp_sock_wait(t->sock, GP_WAIT_READ, deadline);
    return rc != GREET_OK ? rc : gp_sock_recv(t->sock, buf, cap, got);
}

/* The two operations keep their failure, taken right after the call that failed (nothing else
 * runs between it and the return), for the caller's message. */
static int tcp_write(struct gi_transport *t, const void *buf, size_t len, gp_deadline deadline)
{
    int rc = tcp_send(t, buf, len, deadline);

    return rc != GREET_OK ? gp_failure_take(&t->fail, rc) : GREET_OK;
}

static int tcp_read(struct gi_transport *t, void *buf, size_t cap, size_t *got,
                    gp_deadline deadline)
{
    int rc = tcp_receive(t, buf, cap, got, deadline);

    return rc != GREET_OK ? gp_failure_take(&t->fail, rc) : GREET_OK;
}

static void tcp_close(struct gi_transport *t)
{
    gp_sock_close(t->sock);
    free(t);
}

static const struct gi_transport_ops tcp_ops = {tcp_write, tcp_read, tcp_close};

int gi_transport_tcp(gp_socket sock, struct gi_transport **out)
{
    struct gi_transport *t = calloc(1, sizeof *t);
    gp_addr peer;
    int rc = t ? gp_sock_set_nonblocking(sock, 1) : GREET_ENOMEM;

    if (rc != GREET_OK) {
        gp_sock_close(sock);
        free(t);
        return rc;
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
