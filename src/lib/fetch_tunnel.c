/* The CONNECT tunnel through an http proxy (RFC 9110 section 9.3.6): the proxy is asked for a
 * byte stream to the origin, and TLS to the origin then runs over the same socket, so the proxy
 * sees neither the request nor the response. */
#include <stdio.h>
#include <string.h>

#include "fetch_int.h"

/* A CONNECT reply's head: short, as the proxy sends nothing but its status and a few fields. */
#define REPLY_MAX 16384

/* "host:port" for CONNECT: an IPv6 literal in brackets without its zone, the port always. */
static void tunnel_target(const greet_url *url, char *buf, size_t size)
{
    int n = (int)strcspn(url->host, "%");

    snprintf(buf, size, url->host_ipv6 ? "[%.*s]:%u" : "%.*s:%u", n, url->host,
             (unsigned)url->port);
}

static void info(const struct gi_fetch_target *t, const char *text)
{
    if (t->sink->on_info) {
        t->sink->on_info(t->sink->ctx, text);
    }
}

/* Reads the reply head into buf (NUL-terminated); anything after it is refused, since the
 * origin's TLS server says nothing before our ClientHello. */
static int read_reply(const struct gi_fetch_target *t, struct gi_transport *conn, char *buf,
                      size_t *len)
{
    size_t have = 0;

    for (;;) {
        size_t got = 0;
        const char *end;
        int rc = conn->ops->read(conn, buf + have, REPLY_MAX - 1 - have, &got, t->deadline);
        if (rc != GREET_OK) {
            return gi_fetch_fail(t->msg, t->msg_size, rc, &conn->fail,
                                 "receive the CONNECT reply from %s", conn->peer);
        }
        if (got == 0) {
            return gi_fetch_fail(t->msg, t->msg_size, GREET_ECLOSED, NULL,
                                 "%s closed the connection instead of answering CONNECT",
                                 conn->peer);
        }
        have += got;
        buf[have] = '\0';
        end = strstr(buf, "\r\n\r\n");
        if (end || (end = strstr(buf, "\n\n")) != NULL) {
            size_t head = (size_t)(end - buf) + (end[0] == '\r' ? 4 : 2);
            *len = head;
            if (head != have) {
                return gi_fetch_fail(t->msg, t->msg_size, GREET_EPROTO, NULL,
                                     "%s sent data after its CONNECT reply", conn->peer);
            }
            return GREET_OK;
        }
        if (have == REPLY_MAX - 1) {
            return gi_fetch_fail(t->msg, t->msg_size, GREET_ETOOBIG, NULL,
                                 "the CONNECT reply from %s is longer than %d bytes", conn->peer,
                                 REPLY_MAX - 1);
        }
    }
}

/* The status of "HTTP/1.x NNN reason", 0 when the line is not one. */
static int reply_status(const char *line)
{
    if (strncmp(line, "HTTP/1.", 7) != 0 || line[7] < '0' || line[7] > '9' || line[8] != ' ' ||
        line[9] < '1' || line[9] > '9' || line[10] < '0' || line[10] > '9' || line[11] < '0' ||
        line[11] > '9') {
        return 0;
    }
    return (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
}

int gi_proxy_tunnel(const struct gi_fetch_target *t, struct gi_transport *conn)
{
    char target[GREET_URL_HOST_MAX + 16], req[GREET_URL_HOST_MAX * 2 + GI_BASIC_AUTH_MAX + 300];
    char reply[REPLY_MAX], text[GREET_URL_HOST_MAX + GP_ADDRSTR_MAX + 64];
    const char *agent = t->opt->user_agent ? t->opt->user_agent : "";
    size_t len = 0;
    int rc, status, n;

    tunnel_target(t->url, target, sizeof target);
    n = snprintf(req, sizeof req, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n%s%.100s%s%s%s%s\r\n", target,
                 target, agent[0] ? "User-Agent: " : "", agent, agent[0] ? "\r\n" : "",
                 t->proxy->authorization[0] ? "Proxy-Authorization: " : "", t->proxy->authorization,
                 t->proxy->authorization[0] ? "\r\n" : "");
    if (t->sink->on_request) {
        t->sink->on_request(t->sink->ctx, req, (size_t)n);
    }
    rc = conn->ops->write(conn, req, (size_t)n, t->deadline);
    if (rc != GREET_OK) {
        return gi_fetch_fail(t->msg, t->msg_size, rc, &conn->fail, "send CONNECT to %s",
                             conn->peer);
    }
    rc = read_reply(t, conn, reply, &len);
    if (rc != GREET_OK) {
        return rc;
    }
    status = reply_status(reply);
    reply[strcspn(reply, "\r\n")] = '\0';
    if (status == 0) {
        return gi_fetch_fail(t->msg, t->msg_size, GREET_EPROTO, NULL,
                             "%s answered CONNECT with something else than HTTP/1.x", conn->peer);
    }
    if (status == 407) {
        return gi_fetch_fail(t->msg, t->msg_size, GREET_EHTTP, NULL,
                             "%s wants credentials (407 Proxy Authentication Required)%s",
                             conn->peer,
                             t->proxy->authorization[0] ? ": it refused the ones given"
                                                        : "; give them with --proxy-user");
    }
    if (status < 200 || status > 299) {
        return gi_fetch_fail(t->msg, t->msg_size, GREET_EHTTP, NULL,
                             "%s refused the tunnel to %s: %.100s", conn->peer, target, reply);
    }
    snprintf(text, sizeof text, "CONNECT tunnel to %s through %s", target, conn->peer);
    info(t, text);
    return GREET_OK;
}
