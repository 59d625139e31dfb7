/* A byte stream to a server behind three function pointers, so that the HTTP engine does not care
 * whether it talks plain TCP (transport_tcp.c) or, later, TLS over the same socket. Every call
 * takes the absolute deadline of the whole transfer (gp_clock_ms() time, 0 = none). */
#ifndef GREET_LIB_TRANSPORT_H
#define GREET_LIB_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "gp.h"

struct gi_transport;

struct gi_transport_ops {
    /* Sends all len bytes before the deadline. */
    int (*write)(struct gi_transport *t, const void *buf, size_t len, uint64_t deadline);
    /* Waits at most wait_ms (and never past the deadline) for bytes, then reads at most cap of
     * them. *got = 0 with GREET_OK means the peer closed; GREET_EAGAIN means wait_ms passed
     * with nothing (the caller's chance to report progress); GREET_ETIMEDOUT the deadline. */
    int (*read)(struct gi_transport *t, void *buf, size_t cap, size_t *got, int wait_ms,
                uint64_t deadline);
    /* Closes the connection and frees t. */
    void (*close)(struct gi_transport *t);
};

struct gi_transport {
    const struct gi_transport_ops *ops;
    gp_socket sock;
    char peer[GP_ADDRSTR_MAX]; /* "127.0.0.1:80", for messages */
};

/* Milliseconds left before deadline (0 = none gives -1, "no limit"); 0 once it passed. */
int gi_deadline_left(uint64_t deadline);

/* Wraps a connected socket as a plain TCP transport; takes ownership of sock. */
int gi_transport_tcp(gp_socket sock, struct gi_transport **out);

#endif
