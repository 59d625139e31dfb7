/* The response parser's byte loop (greet/http.h): body bytes, chunk framing (RFC 9112 section
 * 7.1), end of input and the public entry points. Header sections are in http_fields.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "greet/error.h"
#include "abi.h"
#include "http_internal.h"
#include "http_token.h"

/* Body bytes of a Content-Length body, a close-delimited body or a chunk: passed on in place. */
static size_t body(greet_http_parser *p, const char *s, size_t n)
{
    size_t take = n;

    if (p->state != GI_HTTP_BODY_CLOSE && take > p->remaining) {
        take = (size_t)p->remaining;
    }
    if (p->state != GI_HTTP_BODY_CLOSE) {
        p->remaining -= take;
    }
    p->resp.body_received += take;
    if (p->cb.on_body != NULL && gi_http_callback(p, p->cb.on_body(p->ctx, s, take)) != 0) {
        return take;
    }
    if (p->remaining == 0 && p->state == GI_HTTP_BODY_LENGTH) {
        gi_http_message_end(p);
    } else if (p->remaining == 0 && p->state == GI_HTTP_CHUNK_DATA) {
        p->state = GI_HTTP_CHUNK_END;
        p->cr = 0;
    }
    return take;
}

/* The chunk-size line is over: data follows, or the trailer section after the last chunk. */
static void chunk_line_end(greet_http_parser *p)
{
    if (p->remaining == 0) {
        gi_http_begin_trailers(p);
    } else {
        p->state = GI_HTTP_CHUNK_DATA;
    }
}

/* After the size: BWS, then ";extensions" (ignored), then CRLF or LF. */
static void chunk_ext_byte(greet_http_parser *p, unsigned char c)
{
    if (p->cr && c != '\n') {
        gi_http_fail(p, GREET_EPROTO, "bare CR in chunk size line");
    } else if (c == '\n') {
        chunk_line_end(p);
    } else if (c == '\r') {
        p->cr = 1;
    } else if (!p->chunk_ext && c == ';') {
        p->chunk_ext = 1;
    } else if (!p->chunk_ext && c != ' ' && c != '\t') {
        gi_http_fail(p, GREET_EPROTO, "invalid chunk size");
    } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
        gi_http_fail(p, GREET_EPROTO, "control character in chunk extension");
    }
}

static void chunk_size_byte(greet_http_parser *p, unsigned char c)
{
    int v = gi_hex_value(c);

    if (v < 0) {
        if (p->chunk_digits == 0) {
            gi_http_fail(p, GREET_EPROTO, "invalid chunk size");
            return;
        }
        p->state = GI_HTTP_CHUNK_EXT;
        chunk_ext_byte(p, c);
        return;
    }
    if (p->remaining > (UINT64_MAX >> 4)) {
        gi_http_fail(p, GREET_EPROTO, "chunk size too large");
        return;
    }
    p->remaining = p->remaining * 16 + (unsigned)v;
    p->chunk_digits++;
}

/* The CRLF (or LF) that must follow chunk data. */
static void chunk_end_byte(greet_http_parser *p, unsigned char c)
{
    if (c == '\r' && !p->cr) {
        p->cr = 1;
    } else if (c == '\n') {
        p->state = GI_HTTP_CHUNK_SIZE;
        p->cr = 0;
        p->chunk_ext = 0;
        p->chunk_digits = 0;
        p->chunk_line = 0;
    } else {
        gi_http_fail(p, GREET_EPROTO, "missing CRLF after chunk data");
    }
}

/* Chunk framing bytes, one at a time, until chunk data begins or something else happens. */
static size_t chunk_framing(greet_http_parser *p, const char *s, size_t n)
{
    size_t i = 0;
    char msg[64];

    while (i < n) {
        enum gi_http_state state = p->state;
        unsigned char c = (unsigned char)s[i++];

        if (state == GI_HTTP_CHUNK_END) {
            chunk_end_byte(p, c);
        } else if (++p->chunk_line > GREET_HTTP_CHUNK_LINE_MAX) {
            snprintf(msg, sizeof msg, "chunk size line longer than %d bytes",
                     GREET_HTTP_CHUNK_LINE_MAX);
            gi_http_fail(p, GREET_ETOOBIG, msg);
        } else if (state == GI_HTTP_CHUNK_SIZE) {
            chunk_size_byte(p, c);
        } else {
            chunk_ext_byte(p, c);
        }
        if (p->state != GI_HTTP_CHUNK_SIZE && p->state != GI_HTTP_CHUNK_EXT &&
            p->state != GI_HTTP_CHUNK_END) {
            break;
        }
    }
    return i;
}

static size_t step(greet_http_parser *p, const char *s, size_t n)
{
    switch (p->state) {
    case GI_HTTP_LINES:
        return gi_http_lines(p, s, n);
    case GI_HTTP_BODY_LENGTH:
    case GI_HTTP_BODY_CLOSE:
    case GI_HTTP_CHUNK_DATA:
        return body(p, s, n);
    case GI_HTTP_CHUNK_SIZE:
    case GI_HTTP_CHUNK_EXT:
    case GI_HTTP_CHUNK_END:
        return chunk_framing(p, s, n);
    case GI_HTTP_DONE:
    case GI_HTTP_ERROR:
        break;
    }
    return 0;
}

int greet_http_parser_feed(greet_http_parser *p, const void *data, size_t len, size_t *consumed)
{
    const char *s = data;
    size_t used = 0;

    while (used < len && p->state != GI_HTTP_DONE && p->state != GI_HTTP_ERROR) {
        used += step(p, s + used, len - used);
    }
    if (consumed != NULL) {
        *consumed = used;
    }
    return p->state == GI_HTTP_ERROR ? p->err : GREET_OK;
}

/* What was cut short when the connection ended in the middle of the message. */
static int truncated(greet_http_parser *p)
{
    char msg[sizeof p->reason];

    switch (p->state) {
    case GI_HTTP_BODY_LENGTH:
        snprintf(msg, sizeof msg, "connection closed after %llu of %llu body bytes",
                 (unsigned long long)p->resp.body_received,
                 (unsigned long long)p->resp.content_length);
        return gi_http_fail(p, GREET_ECLOSED, msg);
    case GI_HTTP_LINES:
        if (p->in_trailers) {
            return gi_http_fail(p, GREET_ECLOSED, "connection closed in the chunked trailers");
        }
        return gi_http_fail(p, GREET_ECLOSED,
                            p->header_total == 0 ? "connection closed without a response"
                                                 : "connection closed in the header section");
    default:
        return gi_http_fail(p, GREET_ECLOSED, "connection closed before the last chunk");
    }
}

int greet_http_parser_finish(greet_http_parser *p)
{
    switch (p->state) {
    case GI_HTTP_ERROR:
        return p->err;
    case GI_HTTP_DONE:
        return GREET_OK;
    case GI_HTTP_BODY_CLOSE:
        return gi_http_message_end(p);
    default:
        return truncated(p);
    }
}

void greet_http_callbacks_init(greet_http_callbacks *cb)
{
    memset(cb, 0, sizeof *cb);
    cb->size = sizeof *cb;
}

int greet_http_parser_new(greet_http_parser **out, const greet_http_callbacks *cb, void *ctx,
                          unsigned flags)
{
    greet_http_callbacks own;
    greet_http_parser *p;
    int rc = GREET_OK;

    *out = NULL;
    greet_http_callbacks_init(&own);
    if (cb != NULL) {
        rc = gi_abi_import(&own, sizeof own, cb);
    }
    p = rc == GREET_OK ? malloc(sizeof *p) : NULL;
    if (p == NULL) {
        return rc != GREET_OK ? rc : GREET_ENOMEM;
    }
    p->cb = own;
    p->ctx = ctx;
    greet_http_parser_reset(p, flags);
    *out = p;
    return GREET_OK;
}

void greet_http_parser_free(greet_http_parser *p)
{
    free(p);
}

void greet_http_parser_reset(greet_http_parser *p, unsigned flags)
{
    greet_http_callbacks cb = p->cb;
    void *ctx = p->ctx;

    /* Everything before the buffers; they need no clearing. */
    memset(p, 0, offsetof(greet_http_parser, head));
    p->cb = cb;
    p->ctx = ctx;
    p->flags = flags;
    p->state = GI_HTTP_LINES;
}

const greet_http_response *greet_http_parser_response(const greet_http_parser *p)
{
    return &p->resp;
}

const char *greet_http_parser_head(const greet_http_parser *p, size_t *len)
{
    *len = p->head_len;
    return p->head;
}

const char *greet_http_parser_reason(const greet_http_parser *p)
{
    return p->reason;
}
