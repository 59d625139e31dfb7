/* The greeting protocol's framing, apart from any socket: bytes go in as the server received
 * them, replies come out through a callback. docs/protocol.md is the specification.
 *
 * Raw mode (the tutorial's): one receive is one message, the reply is "Hello " + the bytes.
 * Line mode (netcat, telnet, scripts): chosen when the first receive holds a '\n' anywhere or
 * fills the receive buffer (GI_PROTO_RECV_MAX bytes); messages are lines without "\n" or "\r\n",
 * reassembled across receives, one reply "Hello LINE\n" each. */
#ifndef GREET_LIB_PROTO_H
#define GREET_LIB_PROTO_H

#include <stddef.h>

#include "greet/export.h"

GREET_BEGIN_DECLS

#define GI_PROTO_PREFIX         "Hello "
#define GI_PROTO_PREFIX_LEN     6
#define GI_PROTO_RECV_MAX       1024 /* one raw message: the tutorial's recv(1024) */
#define GI_PROTO_LINE_MAX       4096 /* default longest line, like a terminal's canonical input */
#define GI_PROTO_LINE_MIN       GI_PROTO_RECV_MAX
#define GI_PROTO_TOO_LONG_REPLY "error: line too long\n"
#define GI_PROTO_EXIT_WORD      "exit"
#define GI_PROTO_EXIT_WORD_LEN  4

enum gi_proto_mode { GI_MODE_UNKNOWN = 0, GI_MODE_RAW = 1, GI_MODE_LINE = 2 };

/* What gi_proto_feed tells the caller to do next (negative values are the emit callback's). */
enum gi_proto_result {
    GI_PROTO_MORE = 0,    /* keep receiving */
    GI_PROTO_EXIT = 1,    /* the client said exit: close */
    GI_PROTO_OVERLONG = 2 /* a line passed the limit; the error reply went out: close */
};

/* Sends one complete reply; returns 0 or a negative greet_err, which stops the feed. */
typedef int (*gi_proto_emit)(void *ctx, const void *data, size_t len);

struct gi_proto {
    int mode;
    size_t max_line;
    size_t len;             /* bytes of the pending line */
    unsigned char *buf;     /* "Hello " + up to max_line + 1 bytes ("\r") + "\n" */
    unsigned char *shared;  /* non-NULL: buf is this buffer, lent during each call */
    unsigned char *pending; /* shared mode: the pending line between calls (len bytes) */
};

/* Prepares p for one connection; max_line 0 means GI_PROTO_LINE_MAX, smaller values are raised
 * to GI_PROTO_LINE_MIN so that a raw message always fits. 0 or GREET_ENOMEM. */
int gi_proto_init(struct gi_proto *p, size_t max_line);

/* The bytes a buffer lent to gi_proto_init_shared needs for max_line (as gi_proto_init takes it).
 */
size_t gi_proto_shared_size(size_t max_line);

/* As gi_proto_init, but replies are built in shared (gi_proto_shared_size bytes), which many
 * connections served by one thread may share: p holds memory of its own only while a line is
 * unfinished between two receives. For event loops, where memory per idle connection counts. */
int gi_proto_init_shared(struct gi_proto *p, size_t max_line, unsigned char *shared);
/* gi_proto_init with the buffer in the caller's storage (gi_proto_shared_size(max_line) bytes,
 * kept for the life of p), for a forked child that must not allocate: nothing of p is ever
 * allocated, so it needs no gi_proto_free. */
void gi_proto_init_in(struct gi_proto *p, size_t max_line, unsigned char *storage);
void gi_proto_free(struct gi_proto *p);

/* Chooses the connection's mode from its first receive if not chosen yet; returns the mode. */
int gi_proto_latch(struct gi_proto *p, const void *data, size_t len);

/* Handles the bytes of one receive (at most GI_PROTO_RECV_MAX, else GREET_EINVAL), calling emit
 * once per reply. Returns an enum gi_proto_result or emit's error. */
int gi_proto_feed(struct gi_proto *p, const void *data, size_t len, gi_proto_emit emit, void *ctx);

/* At end of stream: a last line without its newline still gets its reply (as line-oriented
 * tools treat a final unterminated line). Returns 0 or emit's error. */
int gi_proto_finish(struct gi_proto *p, gi_proto_emit emit, void *ctx);

/* The length of the first reply in replies (len bytes of replies p emitted, back to back), for
 * an engine that holds them and sends them one at a time (--delay): in line mode every reply
 * ends in "\n"; in raw mode the replies of one receive are one reply. */
size_t gi_proto_reply_len(const struct gi_proto *p, const void *replies, size_t len);

GREET_END_DECLS

#endif
