/* Fuzzes the response parser. The first two input bytes pick the request method and a seed for
 * how the rest is split into feed calls. Invariants checked (abort on violation):
 * - the outcome (error code, reason, body bytes, field count) is the same whether the response
 *   arrives in one piece or in the seeded random pieces;
 * - body bytes never exceed a Content-Length, never appear when there must be no body, and on
 *   success add up to the Content-Length;
 * - callback strings are NUL-terminated at their length; on_message_end runs at most once;
 * - at the end of a header section the raw section ends with its blank line and the framing
 *   of a final response is decided;
 * - after an error the parser keeps returning it.
 * One parser is made once and reset for every run (an allocation per input would dominate). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "greet/error.h"
#include "greet/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
    uint64_t body_len;
    uint32_t body_hash;
    unsigned fields;
    unsigned ends;
    int last_status;
    int err;
    char reason[160];
};

static greet_http_parser *parser;

static void check(int ok)
{
    if (!ok) {
        abort();
    }
}

static int on_field(void *ctx, const char *name, size_t name_len, const char *value,
                    size_t value_len)
{
    struct run *r = ctx;
    check(strlen(name) == name_len && strlen(value) == value_len && name_len > 0);
    r->fields++;
    return 0;
}

static int on_status(void *ctx, int version_minor, int status, const char *reason,
                     size_t reason_len)
{
    struct run *r = ctx;
    check(version_minor >= 0 && version_minor <= 9 && status >= 100 && status <= 999);
    check(strlen(reason) == reason_len);
    r->last_status = status;
    return 0;
}

/* The raw section ends with its blank line, and framing is known for a final response. */
static int on_headers_end(void *ctx, const greet_http_response *resp)
{
    struct run *r = ctx;
    size_t len = 0;
    const char *head = greet_http_parser_head(parser, &len);

    check(len >= 14 && len <= GREET_HTTP_HEADER_MAX && head[len - 1] == '\n');
    check(memcmp(head, "HTTP/1.", 7) == 0 && resp->status == r->last_status);
    check(resp->headers_done == (resp->status >= 200));
    check(resp->no_body || resp->chunked || resp->until_close || resp->has_content_length);
    return 0;
}

static int on_body(void *ctx, const char *data, size_t len)
{
    struct run *r = ctx;
    const greet_http_response *resp = greet_http_parser_response(parser);
    size_t i;

    check(len > 0 && !resp->no_body && resp->headers_done);
    for (i = 0; i < len; i++) {
        r->body_hash = (r->body_hash ^ (unsigned char)data[i]) * 16777619u;
    }
    r->body_len += len;
    check(r->body_len == resp->body_received);
    if (!resp->chunked && !resp->until_close) {
        check(resp->has_content_length && r->body_len <= resp->content_length);
    }
    return 0;
}

static int on_message_end(void *ctx, const greet_http_response *resp)
{
    struct run *r = ctx;
    r->ends++;
    check(r->ends == 1 && resp->complete && resp->status >= 200);
    if (!resp->no_body && !resp->chunked && !resp->until_close) {
        check(r->body_len == resp->content_length);
    }
    if (resp->no_body) {
        check(r->body_len == 0);
    }
    return 0;
}

/* Feeds data in pieces from a tiny PRNG (seed 0: all at once), then finishes. */
static void run(struct run *r, unsigned flags, uint32_t seed, const uint8_t *data, size_t size)
{
    static struct run current;
    size_t pos = 0;
    int err = GREET_OK;

    if (parser == NULL) {
        greet_http_callbacks cb;
        greet_http_callbacks_init(&cb);
        cb.on_status = on_status;
        cb.on_header = on_field;
        cb.on_headers_end = on_headers_end;
        cb.on_body = on_body;
        cb.on_trailer = on_field;
        cb.on_message_end = on_message_end;
        check(greet_http_parser_new(&parser, &cb, &current, flags) == GREET_OK);
    }
    memset(&current, 0, sizeof current);
    current.body_hash = 2166136261u;
    greet_http_parser_reset(parser, flags);
    while (pos < size && err == GREET_OK) {
        size_t n = size - pos, used = 0;
        if (seed != 0) {
            seed = seed * 1103515245u + 12345u;
            n = 1 + (seed >> 16) % (n < 64 ? n : 64);
        }
        err = greet_http_parser_feed(parser, data + pos, n, &used);
        check(used <= n);
        pos += n;
    }
    if (err == GREET_OK) {
        err = greet_http_parser_finish(parser);
    } else {
        check(greet_http_parser_feed(parser, "x", 1, NULL) == err);
        check(greet_http_parser_finish(parser) == err);
    }
    check((err == GREET_OK) == (current.ends == 1));
    check(err == GREET_OK || greet_http_parser_reason(parser)[0] != '\0');
    current.err = err;
    memcpy(current.reason, greet_http_parser_reason(parser), sizeof current.reason);
    *r = current;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct run whole, split;
    unsigned flags;
    uint32_t seed;

    if (size < 2) {
        return 0;
    }
    flags = (data[0] & 1) ? GREET_HTTP_HEAD : 0;
    seed = (uint32_t)data[1] | 1u;
    run(&whole, flags, 0, data + 2, size - 2);
    run(&split, flags, seed, data + 2, size - 2);
    check(whole.err == split.err && strcmp(whole.reason, split.reason) == 0);
    check(whole.body_len == split.body_len && whole.body_hash == split.body_hash);
    check(whole.fields == split.fields && whole.ends == split.ends);
    return 0;
}
