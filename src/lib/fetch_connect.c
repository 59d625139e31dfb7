/* Connecting: the addresses the resolver gives race (connect.c, RFC 8305's "happy eyeballs", as
 * curl does), each attempt within the connect timeout and all within the transfer's deadline. */
#include <stdio.h>
#include <string.h>

#include "connect.h"
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

int gi_fetch_still_wanted(void *ctx)
{
    const struct greet_fetch_sink *sink = ctx;
    struct greet_fetch_progress nothing = {0, -1, 0};

    return sink->on_progress ? sink->on_progress(sink->ctx, &nothing) : GREET_OK;
}

/* The sink hears of each attempt, as curl -v tells them. */
static void on_attempt(void *ctx, const char *addr, int connected)
{
    info(ctx, connected ? "Connected to" : "Trying", addr, connected ? "" : "...");
}

/* Turns the TCP connection *conn into a TLS one for url's host, within the connect timeout
 * (curl counts the handshake as part of connecting) and the deadline. */
static int secure(const struct gi_fetch_target *t, struct gi_transport **conn)
{
    gp_deadline attempt = gp_deadline_min(gp_deadline_in(t->opt->connect_timeout_ms), t->deadline);
    int rc;

    if (gp_deadline_passed(t->deadline)) {
        rc = gp_failure_take(&(*conn)->fail, GREET_ETIMEDOUT);
    } else {
        info(t->sink, "TLS handshake with", t->url->host, "...");
        rc = gi_transport_tls(conn, t->tls, t->url->host, attempt);
    }
    if (rc != GREET_OK) {
        gi_fetch_fail(t->msg, t->msg_size, rc, &(*conn)->fail, "TLS handshake with %s (%s)",
                      t->url->host, (*conn)->peer);
        (*conn)->ops->close(*conn);
        *conn = NULL;
        return rc;
    }
    info(t->sink, "TLS session with", t->url->host,
         t->opt->insecure ? " (certificate not checked)" : "");
    return GREET_OK;
}

/* The race's failure, naming the host (what is "proxy " for a proxy) and the address that failed
 * last: "connect to localhost ([::1]:8080, last of 2 addresses): connection refused"; a literal
 * address names itself once. */
static int connect_failed(const struct gi_fetch_target *t, const struct gi_connect_result *res,
                          size_t count, const char *what, const char *host)
{
    const char *name = res->name;
    int rc = res->why.code;
    char where[GREET_URL_HOST_MAX + GP_ADDRSTR_MAX + 64];
    size_t len = strlen(host);

    const char *bare = name[0] == '[' ? name + 1 : name; /* [::1]:8080 */

    if (count > 1) {
        snprintf(where, sizeof where, "%s (%s, last of %u addresses)", host, name, (unsigned)count);
    } else if (strncmp(bare, host, len) == 0 && (bare[len] == ':' || bare[len] == ']')) {
        snprintf(where, sizeof where, "%s", name); /* 127.0.0.1:8080 */
    } else {
        snprintf(where, sizeof where, "%s (%s)", host, name);
    }
    if (rc == GREET_ETIMEDOUT && gp_deadline_passed(t->deadline)) {
        return gi_fetch_fail(t->msg, t->msg_size, rc, &res->why,
                             "connect to %s%s: max time reached", what, where);
    }
    return gi_fetch_fail(t->msg, t->msg_size, rc, &res->why, "connect to %s%s", what, where);
}

int gi_fetch_connect(const struct gi_fetch_target *t, struct gi_transport **out)
{
    gp_addr addrs[GP_RESOLVE_MAX];
    struct gi_go_on go_on = {gi_fetch_still_wanted, (void *)t->sink};
    struct gi_connect_plan plan = {t->deadline, t->opt->connect_timeout_ms, on_attempt,
                                   gi_fetch_still_wanted, (void *)t->sink};
    struct gi_connect_result res;
    gp_failure why;
    const char *host = t->proxy ? t->proxy->host : t->url->host;
    const char *what = t->proxy ? "proxy " : "";
    uint16_t port = t->proxy ? t->proxy->port : t->url->port;
    size_t count = 0;
    int family;
    int rc = gi_family(t->opt->family, &family);

    if (rc != GREET_OK) {
        return gi_fetch_fail(t->msg, t->msg_size, rc, NULL,
                             "address family %d: not one of enum greet_family", t->opt->family);
    }
    rc = gi_resolve(host, port, family, t->deadline, &go_on, addrs, &count, &why);
    if (rc != GREET_OK) {
        /* The lookup's detail came back with its code from the resolver's thread. */
        return gi_fetch_fail(t->msg, t->msg_size, rc, &why, "resolve %s%s%s", what, host,
                             family == GP_AF_INET4   ? " (IPv4 only)"
                             : family == GP_AF_INET6 ? " (IPv6 only)"
                                                     : "");
    }
    rc = gi_connect_first(addrs, count, &plan, &res);
    if (rc != GREET_OK) {
        return connect_failed(t, &res, count, what, host);
    }
    rc = gi_transport_tcp(res.sock, out);
    if (rc != GREET_OK) {
        return rc;
    }
    if (t->proxy) {
        char peer[sizeof(*out)->peer];
        snprintf(peer, sizeof peer, "proxy %.*s", (int)(sizeof peer - 7), (*out)->peer);
        memcpy((*out)->peer, peer, sizeof peer);
        rc = gi_proxy_tunnel(t, *out);
        if (rc != GREET_OK) {
            (*out)->ops->close(*out);
            *out = NULL;
            return rc;
        }
    }
    return t->tls ? secure(t, out) : GREET_OK;
}
