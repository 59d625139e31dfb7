/* The greeting protocol's client side: connect, read the greeting, exchange messages in raw or
 * line mode (docs/protocol.md), close. Works with greet's server and with the tutorial's. */
#ifndef GREET_CLIENT_H
#define GREET_CLIENT_H

#include <stddef.h>

#include "greet/error.h"
#include "greet/export.h"
#include "greet/net.h"

GREET_BEGIN_DECLS

enum greet_mode {
    GREET_MODE_RAW = 0, /* a message is one send, a reply what one receive returns */
    GREET_MODE_LINE = 1 /* a message is a line; the reply is read up to its "\n" */
};

typedef struct greet_client greet_client;

/* Resolves host (name or address literal, restricted to family, an enum greet_family: any other
 * value is GREET_EINVAL) and connects to the first
 * address that answers, each attempt limited to timeout_ms (<= 0: the OS's own limit). The same
 * limit applies later to every receive and send. Errors: GREET_ENOHOST, GREET_ERESOLVE,
 * GREET_ECONNREFUSED, GREET_ETIMEDOUT, ... with the OS detail for greet_error_text. */
GREET_API int greet_client_connect(const char *host, unsigned port, int family, int timeout_ms,
                                   greet_client **out);

/* "127.0.0.1:12341": the address actually connected to, into buf. */
GREET_API int greet_client_peer(const greet_client *c, char *buf, size_t size);

/* Receives what one receive returns (at most size bytes, at least 1) into buf: the greeting,
 * or a raw-mode reply. The server closing the connection is GREET_ECLOSED. */
GREET_API int greet_client_recv(greet_client *c, void *buf, size_t size, size_t *got);

/* Receives one line into buf without its "\n" or "\r\n" (not NUL-terminated). GREET_ETOOBIG
 * when it does not fit in size bytes; GREET_ECLOSED when the server closes first. */
GREET_API int greet_client_recv_line(greet_client *c, void *buf, size_t size, size_t *got);

/* Sends len bytes as one message: as they are in raw mode, followed by "\n" in line mode
 * (in a single send, so that the server sees the newline in the same receive). */
GREET_API int greet_client_send(greet_client *c, int mode, const void *msg, size_t len);

/* Sends msg and receives its reply: one receive in raw mode, one line (without "\n") in line
 * mode. */
GREET_API int greet_client_exchange(greet_client *c, int mode, const void *msg, size_t len,
                                    void *reply, size_t size, size_t *got);

/* Closes the connection (without sending "exit"; send it first to end politely) and frees c.
 * NULL is a no-op. */
GREET_API void greet_client_close(greet_client *c);

GREET_END_DECLS

#endif
