/* Body filters: what stands between the HTTP framing and the sink. The parser hands the body out
 * with its chunk framing removed; a filter takes those bytes and passes on what it makes of them
 * (a decoder: the bytes before gzip or deflate). Each filter sits behind a small table of
 * function pointers, as the transports do, so the engine never tests which one it has; the
 * decoders are built from src/lib/decode/zlib.c, or from decode/none.c in a build without zlib.
 *
 * The engine chains one decoder per coding of the response (gi_body_chain): the transfer codings
 * first (Transfer-Encoding: gzip, chunked), then, when the caller asked for decoding, the
 * content codings (Content-Encoding). Memory is fixed per filter whatever the body's size, and
 * output goes on as it is made, so a small body that inflates to gigabytes (a "decompression
 * bomb") costs no more memory than any other. */
#ifndef GREET_LIB_BODY_FILTER_H
#define GREET_LIB_BODY_FILTER_H

#include <stddef.h>

/* Where a filter's output goes: the next filter, or the sink. write returns GREET_OK or the
 * error that ends the transfer. */
struct gi_body_out {
    int (*write)(void *ctx, const void *data, size_t len);
    void *ctx;
};

struct gi_body_filter;

struct gi_body_filter_ops {
    /* Takes len bytes of input and writes what they make to the filter's out. GREET_EPROTO for
     * data that cannot be decoded (reason says why), or the error out returned. */
    int (*write)(struct gi_body_filter *f, const void *data, size_t len);
    /* The input has ended: GREET_EPROTO when the coded data stopped short of its end. */
    int (*end)(struct gi_body_filter *f);
    void (*free)(struct gi_body_filter *f);
};

struct gi_body_filter {
    const struct gi_body_filter_ops *ops;
    struct gi_body_out out;
    char reason[160]; /* why write or end failed, e.g. "corrupt gzip data: invalid block type" */
};

enum gi_coding { GI_CODING_GZIP, GI_CODING_DEFLATE };

/* The library that decodes ("zlib 1.2.13"), or NULL when this build decodes nothing. */
const char *gi_decoder_library(void);

/* A decoder for coding writing to out (GREET_ENOMEM; GREET_EUNSUPPORTED in a build without
 * zlib). deflate takes both the zlib-wrapped form RFC 9110 means and the raw form some servers
 * send (browsers and curl accept both); gzip takes one member or several in a row. */
int gi_decoder_new(enum gi_coding coding, struct gi_body_out out, struct gi_body_filter **f);

/* The chain of one response's decoders, in the order they apply. */
#define GI_BODY_CHAIN_MAX 4

struct gi_body_chain {
    struct gi_body_filter *stage[GI_BODY_CHAIN_MAX];
    const char *field[GI_BODY_CHAIN_MAX]; /* the stage's coding came from this field */
    size_t count;
    struct gi_body_out sink; /* where the last stage (or the body itself, without one) goes */
    char reason[GI_BODY_CHAIN_MAX * 40 + 200];
};

/* Sets c up for a response whose Transfer-Encoding field value is te and whose Content-Encoding
 * value is ce (either may be "" or NULL; pass ce only when content is to be decoded). chunked
 * and identity need no stage. An unknown coding, more than GI_BODY_CHAIN_MAX codings or a build
 * without zlib give GREET_EPROTO, and c->reason says which ("Content-Encoding br is not
 * supported (greet decodes gzip and deflate)"). c is empty (and safe to free) on failure. */
int gi_body_chain_setup(struct gi_body_chain *c, const char *te, const char *ce,
                        struct gi_body_out sink);

/* The body's next bytes through the chain (straight to the sink when there is no stage). On
 * a decoding failure c->reason says which coding failed and why. */
int gi_body_chain_write(struct gi_body_chain *c, const void *data, size_t len);

/* The body has ended: every stage must have seen the end of its data. */
int gi_body_chain_end(struct gi_body_chain *c);

/* Frees the stages; c is empty again. */
void gi_body_chain_free(struct gi_body_chain *c);

#endif
