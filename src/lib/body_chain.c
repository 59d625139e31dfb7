/* The response's chain of decoders (body_filter.h): which codings its Transfer-Encoding and
 * Content-Encoding fields list, and the bytes' way through them to the sink. */
#include <stdio.h>
#include <string.h>

#include "body_filter.h"
#include "greet/error.h"
#include "http_token.h"

/* One coding named in a field: where it came from, for messages. */
struct coding {
    const char *field; /* "Transfer-Encoding" or "Content-Encoding" */
    enum gi_coding coding;
};

/* A stage's output feeds the next stage. */
static int to_stage(void *ctx, const void *data, size_t len)
{
    struct gi_body_filter *next = ctx;

    return next->ops->write(next, data, len);
}

/* Why a coding list is refused; returns GREET_EPROTO. */
enum refusal { INVALID, TOO_MANY, UNKNOWN };

static int refuse(struct gi_body_chain *c, enum refusal why, const char *field, const char *name,
                  size_t len)
{
    int n = (int)(len < 40 ? len : 40);

    if (why == INVALID) {
        snprintf(c->reason, sizeof c->reason, "invalid %s value '%.*s'", field, n, name);
    } else if (why == TOO_MANY) {
        snprintf(c->reason, sizeof c->reason, "more than %d codings in %s (from '%.*s')",
                 GI_BODY_CHAIN_MAX, field, n, name);
    } else {
        snprintf(c->reason, sizeof c->reason,
                 "%s %.*s is not supported (greet decodes gzip and deflate)", field, n, name);
    }
    return GREET_EPROTO;
}

/* Appends the codings of one field value (a comma list of tokens, each with optional
 * parameters) to list, in the order they were applied. chunked and identity need no decoder. */
static int parse_codings(struct gi_body_chain *c, const char *field, const char *v,
                         struct coding *list, size_t *n)
{
    while (v && *v) {
        const char *start;
        size_t len;

        v += strspn(v, " \t,");
        for (start = v; gi_http_is_tchar((unsigned char)*v); v++) {
        }
        len = (size_t)(v - start);
        v += strcspn(v, ","); /* parameters are not ours to read */
        if (len == 0) {
            if (*start != '\0' && *start != ',') {
                return refuse(c, INVALID, field, start, strcspn(start, ","));
            }
            continue;
        }
        if (gi_http_same_name(start, len, "chunked") || gi_http_same_name(start, len, "identity")) {
            continue;
        }
        if (*n == GI_BODY_CHAIN_MAX) {
            return refuse(c, TOO_MANY, field, start, len);
        }
        list[*n].field = field;
        if (gi_http_same_name(start, len, "gzip") || gi_http_same_name(start, len, "x-gzip")) {
            list[(*n)++].coding = GI_CODING_GZIP;
        } else if (gi_http_same_name(start, len, "deflate")) {
            list[(*n)++].coding = GI_CODING_DEFLATE;
        } else {
            return refuse(c, UNKNOWN, field, start, len);
        }
    }
    return GREET_OK;
}

int gi_body_chain_setup(struct gi_body_chain *c, const char *te, const char *ce,
                        struct gi_body_out sink)
{
    struct coding list[GI_BODY_CHAIN_MAX];
    size_t n = 0, i;
    int rc;

    memset(c, 0, sizeof *c);
    c->sink = sink;
    /* The content codings were applied first, then the transfer codings: undo them in reverse. */
    rc = parse_codings(c, "Content-Encoding", ce, list, &n);
    if (rc == GREET_OK) {
        rc = parse_codings(c, "Transfer-Encoding", te, list, &n);
    }
    if (rc == GREET_OK && n > 0 && !gi_decoder_library()) {
        snprintf(c->reason, sizeof c->reason, "%s %s cannot be decoded: this build has no zlib",
                 list[n - 1].field, list[n - 1].coding == GI_CODING_GZIP ? "gzip" : "deflate");
        rc = GREET_EPROTO;
    }
    /* Built from the sink backwards, so each stage knows the one after it. */
    for (i = 0; rc == GREET_OK && i < n; i++) {
        struct gi_body_out out = sink;
        if (i > 0) {
            out.write = to_stage;
            out.ctx = c->stage[GI_BODY_CHAIN_MAX - i];
        }
        rc = gi_decoder_new(list[i].coding, out, &c->stage[GI_BODY_CHAIN_MAX - 1 - i]);
        c->field[GI_BODY_CHAIN_MAX - 1 - i] = list[i].field;
    }
    if (rc != GREET_OK) {
        for (i = 0; i < GI_BODY_CHAIN_MAX; i++) {
            if (c->stage[i]) {
                c->stage[i]->ops->free(c->stage[i]);
                c->stage[i] = NULL;
            }
        }
        if (c->reason[0] == '\0') {
            snprintf(c->reason, sizeof c->reason, "set up the decoders: %s", greet_strerror(rc));
        }
        return rc;
    }
    /* The stages were put at the end of the array; move them to the front. */
    memmove(c->stage, c->stage + GI_BODY_CHAIN_MAX - n, n * sizeof c->stage[0]);
    memset(c->stage + n, 0, (GI_BODY_CHAIN_MAX - n) * sizeof c->stage[0]);
    memmove(c->field, c->field + GI_BODY_CHAIN_MAX - n, n * sizeof c->field[0]);
    c->count = n;
    return GREET_OK;
}

/* Names the failing stage's field in front of its reason; returns rc. */
static int failed(struct gi_body_chain *c, int rc)
{
    size_t i;

    if (c->reason[0] != '\0') {
        return rc; /* a later stage failed first and said so */
    }
    for (i = 0; i < c->count; i++) {
        if (c->stage[i]->reason[0] != '\0') {
            snprintf(c->reason, sizeof c->reason, "%s: %s", c->field[i], c->stage[i]->reason);
            return rc;
        }
    }
    return rc; /* the sink failed: it says why itself */
}

int gi_body_chain_write(struct gi_body_chain *c, const void *data, size_t len)
{
    int rc;

    if (c->count == 0) {
        return c->sink.write(c->sink.ctx, data, len);
    }
    rc = c->stage[0]->ops->write(c->stage[0], data, len);
    return rc != GREET_OK ? failed(c, rc) : GREET_OK;
}

int gi_body_chain_end(struct gi_body_chain *c)
{
    size_t i;

    /* Each stage's end may flush output into the next, so they end in order. */
    for (i = 0; i < c->count; i++) {
        int rc = c->stage[i]->ops->end(c->stage[i]);
        if (rc != GREET_OK) {
            return failed(c, rc);
        }
    }
    return GREET_OK;
}

void gi_body_chain_free(struct gi_body_chain *c)
{
    size_t i;

    for (i = 0; i < c->count; i++) {
        c->stage[i]->ops->free(c->stage[i]);
    }
    memset(c->stage, 0, sizeof c->stage);
    c->count = 0;
}
