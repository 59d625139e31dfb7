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
    GREET_MODE_RAW = 0, /* a message is one send, its reply exactly "Hello " + the message */
    GREET_MODE_LINE = 1 /* a message is a line; the reply is read up to its "\n" */
};

/* A raw-mode message is what one receive of the server takes (the tutorial's recv(1024)). */
#define GREET_RAW_MESSAGE_MAX 1024

/* A greeting without a newline (the tutorial's server sends one) is complete in raw mode when
 * nothing more arrives for this long after its last byte. */
#define GREET_GREETING_QUIET_MS 250

typedef struct greet_client greet_client;

/* Resolves host (name or address literal, restricted to family, an enum greet_family: any other
 * value is GREET_EINVAL) and connects to the first address that answers.
 *
 * timeout_ms (<= 0: no limit of greet's own) limits each request as a whole, however many
 * receives it takes: the connect together with the greeting (greet_client_greeting), each
 * exchange (the send and its whole reply), and each lone send or receive call. Errors:
 * GREET_ENOHOST, GREET_ERESOLVE, GREET_ECONNREFUSED, GREET_ETIMEDOUT, ... with the OS detail for
 * greet_error_text. */
GREET_API int greet_client_connect(const char *host, unsigned port, int family, int timeout_ms,
                                   greet_client **out);

/* "127.0.0.1:12341": the address actually connected to, into buf. */
GREET_API int greet_client_peer(const greet_client *c, char *buf, size_t size);

/* Receives the whole greeting into buf, as sent (with its "\n"), however many receives it takes,
 * within the limit that began with the connect: up to and including its first "\n". In raw mode
 * a greeting without one (the tutorial's server sends "hello word!" alone) is what arrived when
 * nothing more came for GREET_GREETING_QUIET_MS. What came before the server closed is the
 * greeting too (the next call reports the close). GREET_ETOOBIG when it does not fit in size
 * bytes. Call it once, first; the busy reply ("busy: ...\n") arrives here instead. */
GREET_API int greet_client_greeting(greet_client *c, int mode, void *buf, size_t size, size_t *got);

/* Receives what is buffered or what one receive returns (at most size bytes, at least 1) into
 * buf. The server closing the connection is GREET_ECLOSED. */
GREET_API int greet_client_recv(greet_client *c, void *buf, size_t size, size_t *got);

/* Receives one line into buf without its "\n" or "\r\n" (not NUL-terminated), however many
 * receives it takes. GREET_ETOOBIG when it does not fit in size bytes; GREET_ECLOSED when the
 * server closes first. */
GREET_API int greet_client_recv_line(greet_client *c, void *buf, size_t size, size_t *got);

/* Sends len bytes as one message: as they are in raw mode, followed by "\n" in line mode
 * (in a single send, so that the server sees the newline in the same receive). */
GREET_API int greet_client_send(greet_client *c, int mode, const void *msg, size_t len);

/* Sends msg and receives its whole reply, both within one timeout.
 *
 * Raw mode: msg has 1 to GREET_RAW_MESSAGE_MAX bytes and size is at least 6 + len (else
 * GREET_EINVAL); the reply is read until it holds exactly "Hello " + msg. When the server sends
 * something else the call stops at the first byte that differs: GREET_EPROTO, with what arrived
 * (and what was already buffered, up to the expected length) in reply and *got. A reply cut
 * short by the server closing (GREET_ECLOSED) or by the timeout (GREET_ETIMEDOUT) also leaves
 * what arrived in reply and *got.
 *
 * Line mode: the reply is one line, as greet_client_recv_line receives it. */
GREET_API int greet_client_exchange(greet_client *c, int mode, const void *msg, size_t len,
                                    void *reply, size_t size, size_t *got);

/* Closes the connection (without sending "exit"; send it first to end politely) and frees c.
 * NULL is a no-op. */
GREET_API void greet_client_close(greet_client *c);

GREET_END_DECLS

#endif
