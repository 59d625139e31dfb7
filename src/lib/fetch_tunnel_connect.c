/* The CONNECT tunnel through an http proxy (RFC 9110 section 9.3.6): the proxy is asked for a
 * byte stream to the origin, and TLS to the origin then runs over the same socket, so the proxy
 * sees neither the request nor the response. */
#include <stdio.h>
#include <string.h>

#include "tunnel.h"

/* A CONNECT reply's head: short, as the proxy sends nothing but its status and a few fields. */
#define REPLY_MAX 16384

/* Reads the reply head into buf (NUL-terminated); anything after it is refused, since the
 * origin's TLS server says nothing before our ClientHello. */
static int read_reply(struct gi_tunnel *tn, char *buf)
{
    size_t have = 0;

    for (;;) {
        const char *end;
        int rc = gi_tunnel_recv(tn, buf, have + 1, REPLY_MAX - 1, &have, "CONNECT");
        if (rc != GREET_OK) {
            return rc;
        }
        buf[have] = '\0';
        end = strstr(buf, "\r\n\r\n");
        if (end || (end = strstr(buf, "\n\n")) != NULL) {
            size_t head = (size_t)(end - buf) + (end[0] == '\r' ? 4 : 2);
            if (head != have) {
                return gi_tunnel_fail(tn, GREET_EPROTO, NULL,
                                      "%s sent data after its CONNECT reply", tn->conn->peer);
            }
            return GREET_OK;
        }
        if (have == REPLY_MAX - 1) {
            return gi_tunnel_fail(tn, GREET_ETOOBIG, NULL,
                                  "the CONNECT reply from %s is longer than %d bytes",
                                  tn->conn->peer, REPLY_MAX - 1);
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

static int connect_open(struct gi_tunnel *tn)
{
    const struct gi_fetch_target *t = tn->t;
    char req[GREET_URL_HOST_MAX * 2 + GI_BASIC_AUTH_MAX + 300], reply[REPLY_MAX];
    const char *agent = t->opt->user_agent ? t->opt->user_agent : "";
    int rc, status, n;

    n = snprintf(req, sizeof req, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n%s%.100s%s%s%s%s\r\n",
                 tn->target, tn->target, agent[0] ? "User-Agent: " : "", agent,
                 agent[0] ? "\r\n" : "", t->proxy->authorization[0] ? "Proxy-Authorization: " : "",
                 t->proxy->authorization, t->proxy->authorization[0] ? "\r\n" : "");
    if (t->sink->on_request) {
        t->sink->on_request(t->sink->ctx, req, (size_t)n);
    }
    rc = gi_tunnel_send(tn, req, (size_t)n, "CONNECT");
    if (rc == GREET_OK) {
        rc = read_reply(tn, reply);
    }
    if (rc != GREET_OK) {
        return rc;
    }
    status = reply_status(reply);
    reply[strcspn(reply, "\r\n")] = '\0';
    if (status == 0) {
        return gi_tunnel_fail(tn, GREET_EPROTO, NULL,
                              "%s answered CONNECT with something else than HTTP/1.x",
                              tn->conn->peer);
    }
    if (status == 407) {
        return gi_tunnel_fail(tn, GREET_EHTTP, NULL,
                              "%s wants credentials (407 Proxy Authentication Required)%s",
                              tn->conn->peer,
                              t->proxy->authorization[0] ? ": it refused the ones given"
                                                         : "; give them with --proxy-user");
    }
    if (status < 200 || status > 299) {
        return gi_tunnel_fail(tn, GREET_EHTTP, NULL, "%s refused the tunnel to %s: %.100s",
                              tn->conn->peer, tn->target, reply);
    }
    return GREET_OK;
}

const struct gi_tunnel_ops gi_tunnel_connect = {"CONNECT", connect_open};
