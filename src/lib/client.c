/* The greeting protocol's client: connect to the first address that answers, then receive
 * whole receives (raw mode) or whole lines (line mode) through a small buffer. */
#include <stdlib.h>
#include <string.h>

#include "connect.h"
#include "family.h"
#include "gp.h"
#include "greet/client.h"

#define CLIENT_BUF_SIZE 8192
#define LINE_SEND_SMALL 1024 /* line messages up to this size are sent from the stack */

struct greet_client {
    gp_socket sock;
    gp_addr peer;
    int net_started;
    size_t start, len; /* received bytes not yet handed out: buf[start, start + len) */
    unsigned char buf[CLIENT_BUF_SIZE];
};

static int connect_first(greet_client *c, const char *host, unsigned port, int family,
                         gp_deadline deadline)
{
    gp_addr addrs[GP_RESOLVE_MAX];
    struct gi_connect_plan plan = {deadline, 0, NULL, NULL};
    char name[GP_ADDRSTR_MAX];
    size_t n = 0, which = 0;
    int rc = gp_resolve(host, (uint16_t)port, family, 0, addrs, GP_RESOLVE_MAX, &n);

    if (rc == GREET_OK) {
        rc = gi_connect_first(addrs, n, &plan, &c->sock, &which, name);
    }
    if (rc == GREET_OK) {
        c->peer = addrs[which];
    }
    return rc;
}

int greet_client_connect(const char *host, unsigned port, int family, int timeout_ms,
                         greet_client **out)
{
    greet_client *c;
    int gp_family;
    int rc;

    *out = NULL;
    if (!host || port == 0 || port > 65535 || gi_family(family, &gp_family) != GREET_OK) {
        return GREET_EINVAL;
    }
    c = calloc(1, sizeof *c);
    if (!c) {
        return GREET_ENOMEM;
    }
    c->sock = GP_SOCKET_INVALID;
    rc = gp_net_init();
    c->net_started = rc == GREET_OK;
    if (rc == GREET_OK) {
        /* The limit is for connecting at all, over every address the name has. */
        rc = connect_first(c, host, port, gp_family, gp_deadline_in(timeout_ms));
    }
    if (rc == GREET_OK) {
        /* Request and reply are small: do not let Nagle hold a message back. */
        gp_sock_set_nodelay(c->sock, 1);
        rc = gp_sock_set_timeouts(c->sock, timeout_ms > 0 ? timeout_ms : 0,
                                  timeout_ms > 0 ? timeout_ms : 0);
    }
    if (rc != GREET_OK) {
        greet_client_close(c);
        return rc;
    }
    *out = c;
    return GREET_OK;
}

int greet_client_peer(const greet_client *c, char *buf, size_t size)
{
    return gp_addr_format(&c->peer, buf, size);
}

/* One receive appended to the buffered bytes; the server closing is GREET_ECLOSED. */
static int fill(greet_client *c)
{
    size_t got;
    int rc;

    if (c->start > 0) {
        memmove(c->buf, c->buf + c->start, c->len);
        c->start = 0;
    }
    rc = gp_sock_recv(c->sock, c->buf + c->len, sizeof c->buf - c->len, &got);
    if (rc != GREET_OK) {
        return rc;
    }
    if (got == 0) {
        return GREET_ECLOSED;
    }
    c->len += got;
    return GREET_OK;
}

static void consume(greet_client *c, size_t n)
{
    c->start += n;
    c->len -= n;
    if (c->len == 0) {
        c->start = 0;
    }
}

int greet_client_recv(greet_client *c, void *buf, size_t size, size_t *got)
{
    size_t n;

    *got = 0;
    if (size == 0) {
        return GREET_EINVAL;
    }
    if (c->len == 0) {
        int rc = fill(c);
        if (rc != GREET_OK) {
            return rc;
        }
    }
    n = c->len < size ? c->len : size;
    memcpy(buf, c->buf + c->start, n);
    consume(c, n);
    *got = n;
    return GREET_OK;
}

int greet_client_recv_line(greet_client *c, void *buf, size_t size, size_t *got)
{
    *got = 0;
    for (;;) {
        const unsigned char *line = c->buf + c->start;
        const unsigned char *nl = memchr(line, '\n', c->len);
        int rc;

        if (nl) {
            size_t len = (size_t)(nl - line);
            size_t content = (len > 0 && line[len - 1] == '\r') ? len - 1 : len;
            if (content > size) {
                consume(c, len + 1);
                return GREET_ETOOBIG;
            }
            memcpy(buf, line, content);
            consume(c, len + 1);
            *got = content;
            return GREET_OK;
        }
        if (c->len == sizeof c->buf) {
            return GREET_ETOOBIG;
        }
        rc = fill(c);
        if (rc != GREET_OK) {
            return rc;
        }
    }
}

int greet_client_send(greet_client *c, int mode, const void *msg, size_t len)
{
    unsigned char small[LINE_SEND_SMALL];
    unsigned char *line;
    int rc;

    if (mode == GREET_MODE_RAW) {
        /* Nothing to send would be nothing to receive: the reply would never come. */
        return len == 0 ? GREET_EINVAL : gp_sock_send_all(c->sock, msg, len);
    }
    line = len < sizeof small ? small : malloc(len + 1);
    if (!line) {
        return GREET_ENOMEM;
    }
    memcpy(line, msg, len);
    line[len] = '\n';
    rc = gp_sock_send_all(c->sock, line, len + 1);
    if (line != small) {
        free(line);
    }
    return rc;
}

int greet_client_exchange(greet_client *c, int mode, const void *msg, size_t len, void *reply,
                          size_t size, size_t *got)
{
    int rc = greet_client_send(c, mode, msg, len);

    *got = 0;
    if (rc != GREET_OK) {
        return rc;
    }
    if (mode == GREET_MODE_RAW) {
        return greet_client_recv(c, reply, size, got);
    }
    return greet_client_recv_line(c, reply, size, got);
}

void greet_client_close(greet_client *c)
{
    if (!c) {
        return;
    }
    gp_sock_close(c->sock);
    if (c->net_started) {
        gp_net_fini();
    }
    free(c);
}
