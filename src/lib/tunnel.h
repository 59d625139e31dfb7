/* Tunnels through a proxy: a byte stream to the origin that the proxy opens on the connection
 * greet made to it, over which the request (and, for https, TLS to the origin) then runs. Each
 * kind is an engine behind gi_tunnel_ops (fetch_tunnel_connect.c: an http proxy's CONNECT;
 * fetch_tunnel_socks.c: SOCKS5 and SOCKS4a); what they share - the time limit, reading and
 * writing the handshake with its failures named the same way, the target as messages show it -
 * is here (fetch_tunnel.c), and gi_proxy_tunnel (fetch_int.h) picks the engine. */
#ifndef GREET_LIB_TUNNEL_H
#define GREET_LIB_TUNNEL_H

#include <stddef.h>

#include "fetch_int.h"

/* One tunnel being opened. */
struct gi_tunnel {
    const struct gi_fetch_target *t; /* the URL, the options, the proxy, the message */
    struct gi_transport *conn;       /* connected to the proxy; its peer is "proxy HOST:PORT" */
    gp_deadline deadline;            /* the connect timeout within the transfer's deadline */
    char target[GREET_URL_HOST_MAX + 16]; /* "host:port" ([v6]:port, no zone), for messages */
};

struct gi_tunnel_ops {
    const char *name; /* "CONNECT", "SOCKS5": -v says "NAME tunnel to host:port through ..." */
    /* Runs the handshake on tn->conn, failing through gi_tunnel_fail and friends. */
    int (*open)(struct gi_tunnel *tn);
};

extern const struct gi_tunnel_ops gi_tunnel_connect; /* http:// proxies */
extern const struct gi_tunnel_ops gi_tunnel_socks5;  /* socks5:// and socks5h:// */
extern const struct gi_tunnel_ops gi_tunnel_socks4a; /* socks4a:// */

/* gi_fetch_fail into the transfer's message. Returns err. */
int gi_tunnel_fail(struct gi_tunnel *tn, int err, const gp_failure *why, const char *fmt, ...)
    GP_PRINTF(4, 5);

/* Sends buf[0..len) to the proxy; what names it in a failure ("CONNECT", "the SOCKS5
 * greeting"): "send CONNECT to proxy 127.0.0.1:3128: ...". */
int gi_tunnel_send(struct gi_tunnel *tn, const void *buf, size_t len, const char *what);

/* Reads the proxy's reply to what into buf[*have..cap) until *have >= need (need <= cap), so
 * never more than cap bytes in all: a SOCKS reply is read to its last byte and no further. A
 * proxy that closes first is GREET_ECLOSED ("proxy 127.0.0.1:1080 closed the connection instead
 * of answering the SOCKS5 greeting", or "after 2 bytes of its reply to ..."); the deadline's end
 * is GREET_ETIMEDOUT. */
int gi_tunnel_recv(struct gi_tunnel *tn, void *buf, size_t need, size_t cap, size_t *have,
                   const char *what);

/* Tells the sink (-v) text. */
void gi_tunnel_info(const struct gi_tunnel *tn, const char *text);

#endif
