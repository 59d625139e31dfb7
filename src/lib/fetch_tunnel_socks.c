/* SOCKS tunnels: SOCKS5 (RFC 1928) with no authentication or a user name and password (RFC
 * 1929), and SOCKS4a. The proxy connects to the origin and then passes bytes both ways; the
 * request, or TLS to the origin, runs inside. socks5h:// and socks4a:// send the host name and
 * the proxy resolves it; socks5:// resolves it here and sends the address. An IP literal is sent
 * as an address either way, as curl does. Every reply is read to its last byte and no further,
 * each read bounded by the tunnel's deadline, so a short, long or silent proxy ends in a message,
 * never in a hang or a read past the buffer. */
#include <stdio.h>
#include <string.h>

#include "family.h"
#include "tunnel.h"

#define SOCKS5_VERSION  5
#define METHOD_NONE     0x00
#define METHOD_USERPASS 0x02
#define METHOD_REFUSED  0xff
#define ATYP_IPV4       1
#define ATYP_NAME       3
#define ATYP_IPV6       4
#define SOCKS4_GRANTED  90

/* Room for the largest message either way: RFC 1929's request (3 + 255 + 255 bytes), a SOCKS5
 * request or reply with a name (7 + 255), a SOCKS4a request (8 + 256 + 256). */
#define SOCKS_BUF 520

/* RFC 1928 section 6. */
static const char *socks5_reply_text(unsigned code)
{
    static const char *const text[] = {
        "succeeded",
        "general SOCKS server failure",
        "connection not allowed by ruleset",
        "network unreachable",
        "host unreachable",
        "connection refused by destination host",
        "TTL expired",
        "command not supported",
        "address type not supported",
    };

    return code < sizeof text / sizeof text[0] ? text[code] : "unassigned reply code";
}

/* The SOCKS4 protocol's codes (SOCKS4a adds none). */
static const char *socks4_reply_text(unsigned code)
{
    switch (code) {
    case 91:
        return "request rejected or failed";
    case 92:
        return "rejected: the proxy cannot reach identd on the client";
    case 93:
        return "rejected: identd reports another user id";
    default:
        return "unknown reply code";
    }
}

/* Whether the target goes to the proxy as an address, which greet finds itself. */
static int send_address(const struct gi_tunnel *tn)
{
    return tn->t->proxy->kind == GI_PROXY_SOCKS5 || tn->t->url->host_ipv6 ||
           gi_ip_literal(tn->t->url->host);
}

/* The target's address (4 or 16 bytes into ip): its first from the resolver, with the family
 * the options restrict it to (family: that, or GP_AF_INET4 for SOCKS4a). */
static int resolve_target(struct gi_tunnel *tn, const char *proto, int family, unsigned char *ip,
                          size_t *len)
{
    const greet_url *url = tn->t->url;
    struct gi_go_on go_on = {gi_fetch_still_wanted, (void *)tn->t->sink};
    gp_addr addrs[GP_RESOLVE_MAX];
    char text[GP_ADDRSTR_MAX + GREET_URL_HOST_MAX + 64], host[GP_ADDRSTR_MAX];
    gp_failure why;
    size_t count = 0;
    int rc = gi_resolve(url->host, url->port, family, tn->deadline, &go_on, addrs, &count, &why);

    if (rc != GREET_OK) {
        return gi_tunnel_fail(tn, rc, &why, "resolve %s (for %s through %s)", url->host, proto,
                              tn->conn->peer);
    }
    rc = gp_addr_ip(&addrs[0], ip, len);
    if (rc != GREET_OK) {
        return gi_tunnel_fail(tn, rc, NULL, "resolve %s (for %s): an address of no known family",
                              url->host, proto);
    }
    if (gp_addr_host(&addrs[0], host, sizeof host) == GREET_OK) {
        snprintf(text, sizeof text, "%s: asking for %s as %s", proto, url->host, host);
        gi_tunnel_info(tn, text);
    }
    return GREET_OK;
}

/* RFC 1929: the user name and password, after the proxy chose that method. */
static int socks5_login(struct gi_tunnel *tn, unsigned char *buf)
{
    const struct gi_proxy *p = tn->t->proxy;
    size_t ulen = strlen(p->user), plen = strlen(p->password), have = 0;
    int rc;

    buf[0] = 1; /* the sub-negotiation's version */
    buf[1] = (unsigned char)ulen;
    memcpy(buf + 2, p->user, ulen);
    buf[2 + ulen] = (unsigned char)plen;
    memcpy(buf + 3 + ulen, p->password, plen);
    rc = gi_tunnel_send(tn, buf, 3 + ulen + plen, "the SOCKS5 authentication");
    memset(buf, 0, 3 + ulen + plen); /* no password left on the stack */
    if (rc == GREET_OK) {
        rc = gi_tunnel_recv(tn, buf, 2, 2, &have, "the SOCKS5 authentication");
    }
    if (rc == GREET_OK && buf[1] != 0) {
        return gi_tunnel_fail(tn, GREET_EHTTP, NULL,
                              "%s refused the SOCKS5 user name and password (status %u)",
                              tn->conn->peer, (unsigned)buf[1]);
    }
    return rc;
}

/* The greeting (the methods greet offers) and, when the proxy picks it, the login. */
static int socks5_greet(struct gi_tunnel *tn, unsigned char *buf)
{
    const struct gi_proxy *p = tn->t->proxy;
    int login = p->has_user && p->user[0] != '\0'; /* RFC 1929 has no empty user name */
    size_t have = 0;
    int rc;

    buf[0] = SOCKS5_VERSION;
    buf[1] = login ? 2 : 1;
    buf[2] = METHOD_NONE;
    buf[3] = METHOD_USERPASS;
    rc = gi_tunnel_send(tn, buf, login ? 4 : 3, "the SOCKS5 greeting");
    if (rc == GREET_OK) {
        rc = gi_tunnel_recv(tn, buf, 2, 2, &have, "the SOCKS5 greeting");
    }
    if (rc != GREET_OK) {
        return rc;
    }
    if (buf[0] != SOCKS5_VERSION) {
        return gi_tunnel_fail(tn, GREET_EPROTO, NULL,
                              "%s answered the SOCKS5 greeting with something else than SOCKS5 "
                              "(version %u)",
                              tn->conn->peer, (unsigned)buf[0]);
    }
    if (buf[1] == METHOD_REFUSED) {
        return login ? gi_tunnel_fail(tn, GREET_EHTTP, NULL,
                                      "%s accepts neither SOCKS5 authentication method offered "
                                      "(none, user name and password)",
                                      tn->conn->peer)
                     : gi_tunnel_fail(tn, GREET_EHTTP, NULL,
                                      "%s wants SOCKS5 credentials (no acceptable authentication "
                                      "method); give them with --proxy-user",
                                      tn->conn->peer);
    }
    if (buf[1] == METHOD_USERPASS && login) {
        return socks5_login(tn, buf);
    }
    if (buf[1] != METHOD_NONE) {
        return gi_tunnel_fail(tn, GREET_EPROTO, NULL,
                              "%s chose SOCKS5 authentication method %u, which greet did not offer",
                              tn->conn->peer, (unsigned)buf[1]);
    }
    return GREET_OK;
}

/* The CONNECT request for the target; its length. */
static int socks5_request(struct gi_tunnel *tn, unsigned char *buf, size_t *len)
{
    const greet_url *url = tn->t->url;
    size_t n = 0;
    int family = GP_AF_ANY, rc;

    buf[0] = SOCKS5_VERSION;
    buf[1] = 1; /* CONNECT */
    buf[2] = 0;
    if (send_address(tn)) {
        (void)gi_family(tn->t->opt->family, &family); /* checked before connecting */
        rc = resolve_target(tn, "SOCKS5", family, buf + 4, &n);
        if (rc != GREET_OK) {
            return rc;
        }
        buf[3] = n == 4 ? ATYP_IPV4 : ATYP_IPV6;
        n += 4;
    } else {
        n = strlen(url->host); /* at most GREET_URL_HOST_MAX, 255: what a SOCKS5 name holds */
        buf[3] = ATYP_NAME;
        buf[4] = (unsigned char)n;
        memcpy(buf + 5, url->host, n);
        n += 5;
    }
    buf[n] = (unsigned char)(url->port >> 8);
    buf[n + 1] = (unsigned char)(url->port & 0xff);
    *len = n + 2;
    return GREET_OK;
}

/* The reply: its head, then the bound address it carries (read and dropped). */
static int socks5_reply(struct gi_tunnel *tn, unsigned char *buf)
{
    static const char what[] = "the SOCKS5 connect request";
    size_t have = 0, need;
    int rc = gi_tunnel_recv(tn, buf, 4, 4, &have, what);

    if (rc != GREET_OK) {
        return rc;
    }
    if (buf[0] != SOCKS5_VERSION) {
        return gi_tunnel_fail(tn, GREET_EPROTO, NULL,
                              "%s answered %s with something else than SOCKS5 (version %u)",
                              tn->conn->peer, what, (unsigned)buf[0]);
    }
    if (buf[1] != 0) {
        return gi_tunnel_fail(tn, GREET_EHTTP, NULL,
                              "%s: SOCKS5 connect to %s refused: %s (reply %u)", tn->conn->peer,
                              tn->target, socks5_reply_text(buf[1]), (unsigned)buf[1]);
    }
    switch (buf[3]) {
    case ATYP_IPV4:
        need = 4 + 4 + 2;
        break;
    case ATYP_IPV6:
        need = 4 + 16 + 2;
        break;
    case ATYP_NAME:
        rc = gi_tunnel_recv(tn, buf, 5, 5, &have, what);
        need = 5 + (size_t)buf[4] + 2;
        break;
    default:
        return gi_tunnel_fail(tn, GREET_EPROTO, NULL,
                              "%s answered %s with an unknown address type (%u)", tn->conn->peer,
                              what, (unsigned)buf[3]);
    }
    return rc == GREET_OK ? gi_tunnel_recv(tn, buf, need, need, &have, what) : rc;
}

static int socks5_open(struct gi_tunnel *tn)
{
    unsigned char buf[SOCKS_BUF];
    size_t len = 0;
    int rc = socks5_greet(tn, buf);

    if (rc == GREET_OK) {
        rc = socks5_request(tn, buf, &len);
    }
    if (rc == GREET_OK) {
        rc = gi_tunnel_send(tn, buf, len, "the SOCKS5 connect request");
    }
    return rc == GREET_OK ? socks5_reply(tn, buf) : rc;
}

const struct gi_tunnel_ops gi_tunnel_socks5 = {"SOCKS5", socks5_open};

/* SOCKS4a: VN 4, CONNECT, the port, an IPv4 address or 0.0.0.1 with the name after the user id;
 * the reply is 8 bytes, VN 0 and the code. No password: the user id is the proxy's user name. */
static int socks4a_open(struct gi_tunnel *tn)
{
    static const char what[] = "the SOCKS4a request";
    const greet_url *url = tn->t->url;
    const struct gi_proxy *p = tn->t->proxy;
    unsigned char buf[SOCKS_BUF];
    size_t n = 0, ulen = p->has_user ? strlen(p->user) : 0, have = 0;
    int by_name = !send_address(tn), rc = GREET_OK;

    if (url->host_ipv6) {
        return gi_tunnel_fail(tn, GREET_EUNSUPPORTED, NULL,
                              "%s: SOCKS4a cannot carry the IPv6 address %s (socks5h:// can)",
                              tn->conn->peer, tn->target);
    }
    buf[0] = 4;
    buf[1] = 1; /* CONNECT */
    buf[2] = (unsigned char)(url->port >> 8);
    buf[3] = (unsigned char)(url->port & 0xff);
    if (by_name) {
        memcpy(buf + 4, "\0\0\0\1", 4); /* 0.0.0.x: the name follows the user id */
    } else {
        rc = resolve_target(tn, "SOCKS4a", GP_AF_INET4, buf + 4, &n);
    }
    memcpy(buf + 8, p->user, ulen);
    buf[8 + ulen] = '\0';
    n = 9 + ulen;
    if (by_name) {
        memcpy(buf + n, url->host, strlen(url->host) + 1);
        n += strlen(url->host) + 1;
    }
    if (rc == GREET_OK) {
        rc = gi_tunnel_send(tn, buf, n, what);
    }
    if (rc == GREET_OK) {
        rc = gi_tunnel_recv(tn, buf, 8, 8, &have, what);
    }
    if (rc != GREET_OK) {
        return rc;
    }
    if (buf[0] != 0) {
        return gi_tunnel_fail(tn, GREET_EPROTO, NULL,
                              "%s answered %s with something else than SOCKS4 (version %u)",
                              tn->conn->peer, what, (unsigned)buf[0]);
    }
    if (buf[1] != SOCKS4_GRANTED) {
        return gi_tunnel_fail(tn, GREET_EHTTP, NULL,
                              "%s: SOCKS4a connect to %s refused: %s (reply %u)", tn->conn->peer,
                              tn->target, socks4_reply_text(buf[1]), (unsigned)buf[1]);
    }
    return GREET_OK;
}

const struct gi_tunnel_ops gi_tunnel_socks4a = {"SOCKS4a", socks4a_open};
