/* Connecting: every address the resolver gives is tried in turn, each within the connect timeout
 * and all within the transfer's deadline, as curl does (without its parallel "happy eyeballs"). */
#include <stdio.h>

#include "family.h"
#include "fetch_int.h"

static void info(const struct greet_fetch_sink *sink, const char *what, const char *addr,
                 const char *tail)
{
    char text[GREET_URL_HOST_MAX + GP_ADDRSTR_MAX + 64]; /* a host name or an address */

    if (sink->on_info) {
        snprintf(text, sizeof text, "%s %s%s", what, addr, tail);
        sink->on_info(sink->ctx, text);
    }
}

/* Between slices of a wait before any response: the sink's on_progress (with nothing received
 * yet) may stop the transfer, e.g. on the user's Ctrl+C. */
static int still_wanted(void *ctx)
{
    const struct greet_fetch_sink *sink = ctx;
    struct greet_fetch_progress nothing = {0, -1, 0};

    return sink->on_progress ? sink->on_progress(sink->ctx, &nothing) : GREET_OK;
}

/* The deadline of one attempt: the connect timeout from now, cut short by the transfer's. */
static gp_deadline attempt_deadline(const struct greet_fetch_options *opt, gp_deadline deadline)
{
    return gp_deadline_min(gp_deadline_in(opt->connect_timeout_ms), deadline);
}

static int try_address(const gp_addr *addr, const struct greet_fetch_options *opt,
                       gp_deadline deadline, const struct greet_fetch_sink *sink, char *msg,
                       size_t size, gp_socket *out)
{
    char name[GP_ADDRSTR_MAX];
    int rc;

    if (gp_addr_format(addr, name, sizeof name) != GREET_OK) {
        snprintf(name, sizeof name, "?");
    }
    if (gp_deadline_passed(deadline)) {
        return gi_fetch_msg(msg, size, GREET_ETIMEDOUT, "connect to %s: max time reached", name);
    }
    info(sink, "Trying", name, "...");
    rc = gp_sock_connect(addr, attempt_deadline(opt, deadline), out);
    if (rc != GREET_OK) {
        return gi_fetch_msg(msg, size, rc, "connect to %s", name);
    }
    info(sink, "Connected to", name, "");
    return GREET_OK;
}

/* Turns the TCP connection *conn into a TLS one for url's host, within the connect timeout
 * (curl counts the handshake as part of connecting) and the deadline. */
static int secure(const greet_url *url, const struct greet_fetch_options *opt, gp_deadline deadline,
                  gp_tls_ctx *tls, const struct greet_fetch_sink *sink, char *msg, size_t size,
                  struct gi_transport **conn)
{
    int rc = GREET_ETIMEDOUT;

    if (!gp_deadline_passed(deadline)) {
        info(sink, "TLS handshake with", url->host, "...");
        rc = gi_transport_tls(conn, tls, url->host, attempt_deadline(opt, deadline));
    }
    if (rc != GREET_OK) {
        gi_fetch_msg(msg, size, rc, "TLS handshake with %s (%s)", url->host, (*conn)->peer);
        (*conn)->ops->close(*conn);
        *conn = NULL;
        return rc;
    }
    info(sink, "TLS session with", url->host, opt->insecure ? " (certificate not checked)" : "");
    return GREET_OK;
}

int gi_fetch_connect(const greet_url *url, const struct greet_fetch_options *opt,
                     gp_deadline deadline, gp_tls_ctx *tls, const struct greet_fetch_sink *sink,
                     char *msg, size_t size, struct gi_transport **out)
{
    gp_addr addrs[GP_RESOLVE_MAX];
    struct gi_go_on go_on = {still_wanted, (void *)sink};
    char detail[256];
    size_t count = 0, i;
    gp_socket sock = GP_SOCKET_INVALID;
    int family;
    int rc = gi_family(opt->family, &family);

    if (rc != GREET_OK) {
        snprintf(msg, size, "address family %d: not one of enum greet_family", opt->family);
        return rc;
    }
    rc = gi_resolve(url->host, url->port, family, deadline, &go_on, addrs, &count, detail,
                    sizeof detail);
    if (rc != GREET_OK) {
        snprintf(msg, size, "resolve %s%s: %s%s%s%s", url->host,
                 family == GP_AF_INET4   ? " (IPv4 only)"
                 : family == GP_AF_INET6 ? " (IPv6 only)"
                                         : "",
                 greet_strerror(rc), detail[0] ? " (" : "", detail, detail[0] ? ")" : "");
        return rc;
    }
    rc = GREET_ENOHOST;
    for (i = 0; i < count && rc != GREET_OK; i++) {
        rc = try_address(&addrs[i], opt, deadline, sink, msg, size, &sock);
        if (rc == GREET_ETIMEDOUT && gp_deadline_passed(deadline)) {
            break;
        }
    }
    rc = rc != GREET_OK ? rc : gi_transport_tcp(sock, out);
    if (rc != GREET_OK || !tls) {
        return rc;
    }
    return secure(url, opt, deadline, tls, sink, msg, size, out);
}
