/* A byte stream to a server behind three function pointers, so that the HTTP engine does not care
 * whether it talks plain TCP (transport_tcp.c) or TLS over the same socket (transport_tls.c). Every
 * call takes a deadline (gp.h). A write or read that fails keeps its failure, with the OS detail
 * taken where it happened, in the transport's fail, for the caller's message. */
#ifndef GREET_LIB_TRANSPORT_H
#define GREET_LIB_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "gp.h"
#include "gp_tls.h"

struct gi_transport;

struct gi_transport_ops {
    /* Sends all len bytes before the deadline. */
    int (*write)(struct gi_transport *t, const void *buf, size_t len, gp_deadline deadline);
    /* Waits until the deadline for bytes, then reads at most cap of them. *got = 0 with GREET_OK
     * means the peer closed; GREET_ETIMEDOUT that the deadline passed, checked first, so that a
     * steady stream of bytes cannot outrun it. */
    int (*read)(struct gi_transport *t, void *buf, size_t cap, size_t *got, gp_deadline deadline);
    /* Closes the connection and frees t. */
    void (*close)(struct gi_transport *t);
};

struct gi_transport {
    const struct gi_transport_ops *ops;
    gp_socket sock;
    char peer[GP_ADDRSTR_MAX + 8]; /* "127.0.0.1:80" or "proxy 127.0.0.1:1080", for messages */
    gp_failure fail;               /* the last failed write's, read's or handshake's */
};

/* Wraps a connected socket as a plain TCP transport; takes ownership of sock. */
int gi_transport_tcp(gp_socket sock, struct gi_transport **out);

/* Runs the TLS handshake for host (the URL's, checked against the certificate) on *conn, a
 * plain TCP transport, before deadline. On success *conn becomes a TLS transport that owns the
 * TCP one; on failure *conn is left as it was, with the handshake's failure in its fail (the
 * caller closes it). */
int gi_transport_tls(struct gi_transport **conn, gp_tls_ctx *ctx, const char *host,
                     gp_deadline deadline);

#endif
