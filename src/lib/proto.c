/* Framing of the greeting protocol: mode latch, line reassembly and the line limit. */
#include <stdlib.h>
#include <string.h>

#include "greet/error.h"
#include "proto.h"

static size_t line_limit(size_t max_line)
{
    if (max_line == 0) {
        max_line = GI_PROTO_LINE_MAX;
    }
    return max_line < GI_PROTO_LINE_MIN ? GI_PROTO_LINE_MIN : max_line;
}

size_t gi_proto_shared_size(size_t max_line)
{
    return GI_PROTO_PREFIX_LEN + line_limit(max_line) + 2;
}

void gi_proto_init_in(struct gi_proto *p, size_t max_line, unsigned char *storage)
{
    memset(p, 0, sizeof *p);
    p->max_line = line_limit(max_line);
    p->buf = storage;
    memcpy(p->buf, GI_PROTO_PREFIX, GI_PROTO_PREFIX_LEN);
}

int gi_proto_init(struct gi_proto *p, size_t max_line)
{
    unsigned char *buf = malloc(gi_proto_shared_size(max_line));

    if (!buf) {
        return GREET_ENOMEM;
    }
    gi_proto_init_in(p, max_line, buf);
    return GREET_OK;
}

int gi_proto_init_shared(struct gi_proto *p, size_t max_line, unsigned char *shared)
{
    memset(p, 0, sizeof *p);
    p->max_line = line_limit(max_line);
    p->shared = shared;
    p->buf = shared;
    memcpy(shared, GI_PROTO_PREFIX, GI_PROTO_PREFIX_LEN);
    return GREET_OK;
}

void gi_proto_free(struct gi_proto *p)
{
    if (!p->shared) {
        free(p->buf);
    }
    free(p->pending);
    p->buf = NULL;
    p->pending = NULL;
}

/* Shared mode: brings the pending line into the lent buffer before a call. */
static void borrow(struct gi_proto *p)
{
    if (p->shared && p->pending) {
        memcpy(p->shared + GI_PROTO_PREFIX_LEN, p->pending, p->len);
        free(p->pending);
        p->pending = NULL;
    }
}

/* Shared mode: keeps an unfinished line out of the lent buffer after a call; rc is the call's. */
static int give_back(struct gi_proto *p, int rc)
{
    if (p->shared && p->len > 0 && rc != GI_PROTO_MORE) {
        p->len = 0; /* the connection ends: nothing to keep */
    } else if (p->shared && p->len > 0) {
        p->pending = malloc(p->len);
        if (!p->pending) {
            p->len = 0;
            return GREET_ENOMEM;
        }
        memcpy(p->pending, p->shared + GI_PROTO_PREFIX_LEN, p->len);
    }
    return rc;
}

static int is_exit(const unsigned char *msg, size_t len)
{
    return len == GI_PROTO_EXIT_WORD_LEN &&
           memcmp(msg, GI_PROTO_EXIT_WORD, GI_PROTO_EXIT_WORD_LEN) == 0;
}

static int feed_raw(struct gi_proto *p, const unsigned char *data, size_t len, gi_proto_emit emit,
                    void *ctx)
{
    if (is_exit(data, len)) {
        return GI_PROTO_EXIT;
    }
    memcpy(p->buf + GI_PROTO_PREFIX_LEN, data, len);
    return emit(ctx, p->buf, GI_PROTO_PREFIX_LEN + len);
}

static int too_long(gi_proto_emit emit, void *ctx)
{
    int rc = emit(ctx, GI_PROTO_TOO_LONG_REPLY, sizeof GI_PROTO_TOO_LONG_REPLY - 1);
    return rc < 0 ? rc : GI_PROTO_OVERLONG;
}

/* Replies to the pending line, without its "\r" if it has one, and empties it. */
static int reply_line(struct gi_proto *p, gi_proto_emit emit, void *ctx)
{
    unsigned char *line = p->buf + GI_PROTO_PREFIX_LEN;
    size_t len = p->len;

    p->len = 0;
    if (len > 0 && line[len - 1] == '\r') {
        len--;
    }
    if (len > p->max_line) {
        return too_long(emit, ctx);
    }
    if (is_exit(line, len)) {
        return GI_PROTO_EXIT;
    }
    line[len] = '\n';
    return emit(ctx, p->buf, GI_PROTO_PREFIX_LEN + len + 1);
}

static int feed_lines(struct gi_proto *p, const unsigned char *data, size_t len, gi_proto_emit emit,
                      void *ctx)
{
    unsigned char *line = p->buf + GI_PROTO_PREFIX_LEN;

    while (len > 0) {
        const unsigned char *nl = memchr(data, '\n', len);
        size_t take = nl ? (size_t)(nl - data) : len;
        int rc;

        /* Room for max_line bytes plus a "\r" that may turn out to precede the "\n". */
        if (p->len + take > p->max_line + 1) {
            p->len = 0;
            return too_long(emit, ctx);
        }
        memcpy(line + p->len, data, take);
        p->len += take;
        if (!nl) {
            break;
        }
        data += take + 1;
        len -= take + 1;
        rc = reply_line(p, emit, ctx);
        if (rc != GI_PROTO_MORE) {
            return rc;
        }
    }
    return GI_PROTO_MORE;
}

int gi_proto_latch(struct gi_proto *p, const void *data, size_t len)
{
    /* Only the tutorial's client sends a bare message with no newline, and a short one; any
     * newline (several lines may come in one receive, as from `seq 10 1000 | nc`) or a receive
     * that filled the buffer (a line longer than it) means a line-oriented client. */
    if (p->mode == GI_MODE_UNKNOWN && len > 0) {
        p->mode = len >= GI_PROTO_RECV_MAX || memchr(data, '\n', len) != NULL ? GI_MODE_LINE
                                                                              : GI_MODE_RAW;
    }
    return p->mode;
}

int gi_proto_feed(struct gi_proto *p, const void *data, size_t len, gi_proto_emit emit, void *ctx)
{
    const unsigned char *bytes = data;

    if (len > GI_PROTO_RECV_MAX) {
        return GREET_EINVAL;
    }
    if (len == 0) {
        return GI_PROTO_MORE;
    }
    if (gi_proto_latch(p, bytes, len) == GI_MODE_RAW) {
        return feed_raw(p, bytes, len, emit, ctx);
    }
    borrow(p);
    return give_back(p, feed_lines(p, bytes, len, emit, ctx));
}

int gi_proto_finish(struct gi_proto *p, gi_proto_emit emit, void *ctx)
{
    int rc;

    if (p->mode != GI_MODE_LINE || p->len == 0) {
        return GREET_OK;
    }
    borrow(p);
    rc = reply_line(p, emit, ctx);
    return rc < 0 ? rc : GREET_OK;
}

size_t gi_proto_reply_len(const struct gi_proto *p, const void *replies, size_t len)
{
    const unsigned char *nl = p->mode == GI_MODE_LINE ? memchr(replies, '\n', len) : NULL;

    return nl ? (size_t)(nl - (const unsigned char *)replies) + 1 : len;
}
