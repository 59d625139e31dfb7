/* What the tunnel kinds share (tunnel.h), and gi_proxy_tunnel, which picks the kind for the
 * proxy's scheme. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tunnel.h"

/* By enum gi_proxy_kind: socks5 and socks5h differ only in who resolves the name. */
static const struct gi_tunnel_ops *const kinds[] = {&gi_tunnel_connect, &gi_tunnel_socks5,
                                                    &gi_tunnel_socks5, &gi_tunnel_socks4a};

int gi_tunnel_fail(struct gi_tunnel *tn, int err, const gp_failure *why, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    gi_fetch_vfail(tn->t->msg, tn->t->msg_size, err, why, fmt, ap);
    va_end(ap);
    return err;
}

int gi_tunnel_send(struct gi_tunnel *tn, const void *buf, size_t len, const char *what)
{
    int rc = tn->conn->ops->write(tn->conn, buf, len, tn->deadline);

    return rc != GREET_OK
               ? gi_tunnel_fail(tn, rc, &tn->conn->fail, "send %s to %s", what, tn->conn->peer)
               : GREET_OK;
}

int gi_tunnel_recv(struct gi_tunnel *tn, void *buf, size_t need, size_t cap, size_t *have,
                   const char *what)
{
    while (*have < need) {
        size_t got = 0;
        int rc =
            tn->conn->ops->read(tn->conn, (char *)buf + *have, cap - *have, &got, tn->deadline);
        if (rc != GREET_OK) {
            return gi_tunnel_fail(tn, rc, &tn->conn->fail, "receive the reply to %s from %s", what,
                                  tn->conn->peer);
        }
        if (got == 0 && *have == 0) {
            return gi_tunnel_fail(tn, GREET_ECLOSED, NULL,
                                  "%s closed the connection instead of answering %s",
                                  tn->conn->peer, what);
        }
        if (got == 0) {
            return gi_tunnel_fail(tn, GREET_ECLOSED, NULL,
                                  "%s closed the connection after %u byte%s of its reply to %s",
                                  tn->conn->peer, (unsigned)*have, *have == 1 ? "" : "s", what);
        }
        *have += got;
    }
    return GREET_OK;
}

void gi_tunnel_info(const struct gi_tunnel *tn, const char *text)
{
    if (tn->t->sink->on_info) {
        tn->t->sink->on_info(tn->t->sink->ctx, text);
    }
}

/* "host:port": an IPv6 literal in brackets without its zone, the port always. */
static void tunnel_target(const greet_url *url, char *buf, size_t size)
{
    int n = (int)strcspn(url->host, "%");

    snprintf(buf, size, url->host_ipv6 ? "[%.*s]:%u" : "%.*s:%u", n, url->host,
             (unsigned)url->port);
}

int gi_proxy_tunnel(const struct gi_fetch_target *t, struct gi_transport *conn)
{
    const struct gi_tunnel_ops *ops = kinds[t->proxy->kind];
    char text[GREET_URL_HOST_MAX + GP_ADDRSTR_MAX + 64];
    struct gi_tunnel tn;
    int rc;

    if (gi_proxy_forwards(t->proxy, t->url)) {
        return GREET_OK; /* the proxy is sent the request itself */
    }
    tn.t = t;
    tn.conn = conn;
    /* Opening the tunnel is part of connecting, as the TLS handshake is (and as curl counts
     * it): a proxy that says nothing cannot hold the transfer longer than the connect timeout. */
    tn.deadline = gp_deadline_min(gp_deadline_in(t->opt->connect_timeout_ms), t->deadline);
    tunnel_target(t->url, tn.target, sizeof tn.target);
    rc = ops->open(&tn);
    if (rc == GREET_OK) {
        snprintf(text, sizeof text, "%s tunnel to %s through %s", ops->name, tn.target, conn->peer);
        gi_tunnel_info(&tn, text);
    }
    return rc;
}
