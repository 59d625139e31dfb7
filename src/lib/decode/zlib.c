/* The decoders of body_filter.h with zlib: gzip (RFC 1952) and deflate (RFC 1950, or raw RFC
 * 1951 as some servers send it), streamed through one fixed output buffer per decoder. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "body_filter.h"
#include "greet/error.h"

/* Output is handed on in pieces of at most this size, as the input allows. */
#define OUT_SIZE (64 * 1024)

struct zdec {
    struct gi_body_filter f;
    enum gi_coding coding;
    z_stream z;
    int started; /* inflateInit2 was called */
    int ended;   /* the coded data's end was seen: what follows is not decoded */
    unsigned char head[2];
    size_t head_len; /* deflate: the first bytes, kept until they tell which form it is */
    unsigned char out[OUT_SIZE];
};

const char *gi_decoder_library(void)
{
    static const char text[] = "zlib " ZLIB_VERSION;

    return text;
}

static const char *coding_name(const struct zdec *d)
{
    return d->coding == GI_CODING_GZIP ? "gzip" : "deflate";
}

static int corrupt(struct zdec *d, int zrc)
{
    if (zrc == Z_MEM_ERROR) {
        return GREET_ENOMEM;
    }
    snprintf(d->f.reason, sizeof d->f.reason, "corrupt %s data: %s", coding_name(d),
             zrc == Z_NEED_DICT ? "it needs a preset dictionary"
             : d->z.msg         ? d->z.msg
                                : "invalid data");
    return GREET_EPROTO;
}

/* RFC 1950's two header bytes: compression method 8 with a window of at most 32 KiB, and a
 * check that makes them a multiple of 31. Raw deflate data passes this by chance only rarely. */
static int zlib_wrapped(const unsigned char h[2])
{
    return (h[0] & 0x0f) == 8 && (h[0] >> 4) <= 7 && ((h[0] << 8) | h[1]) % 31 == 0;
}

static int start(struct zdec *d, int window_bits)
{
    int zrc = inflateInit2(&d->z, window_bits);

    if (zrc != Z_OK) {
        return corrupt(d, zrc);
    }
    d->started = 1;
    return GREET_OK;
}

/* After the end of a gzip member, another may follow (gzip -d decodes them all); anything else
 * after the end is ignored, as gzip and browsers do. */
static int after_end(struct zdec *d, const unsigned char *in, size_t len, int *again)
{
    *again = 0;
    if (d->coding == GI_CODING_GZIP && len >= 2 && in[0] == 0x1f && in[1] == 0x8b) {
        int zrc = inflateReset(&d->z);
        if (zrc != Z_OK) {
            return corrupt(d, zrc);
        }
        d->ended = 0;
        *again = 1;
    }
    return GREET_OK;
}

/* Inflates in[0..len) and hands every piece of output on at once. */
static int inflate_some(struct zdec *d, const unsigned char *in, size_t len)
{
    while (len > 0 && !d->ended) {
        uInt take = len > UINT_MAX ? UINT_MAX : (uInt)len;
        int zrc;

        d->z.next_in = (Bytef *)in;
        d->z.avail_in = take;
        do {
            size_t made;
            d->z.next_out = d->out;
            d->z.avail_out = OUT_SIZE;
            zrc = inflate(&d->z, Z_NO_FLUSH);
            if (zrc != Z_OK && zrc != Z_STREAM_END && zrc != Z_BUF_ERROR) {
                return corrupt(d, zrc);
            }
            made = OUT_SIZE - d->z.avail_out;
            if (made > 0) {
                int rc = d->f.out.write(d->f.out.ctx, d->out, made);
                if (rc != GREET_OK) {
                    return rc;
                }
            }
            if (zrc == Z_STREAM_END) {
                d->ended = 1;
            } else if (zrc == Z_BUF_ERROR && made == 0) {
                break; /* nothing more to do with this input */
            }
        } while (!d->ended && (d->z.avail_in > 0 || d->z.avail_out == 0));
        in += take - d->z.avail_in;
        len -= take - d->z.avail_in;
        if (d->ended && len > 0) {
            int again, rc = after_end(d, in, len, &again);
            if (rc != GREET_OK) {
                return rc;
            }
        }
    }
    return GREET_OK;
}

static int zdec_write(struct gi_body_filter *f, const void *data, size_t len)
{
    struct zdec *d = (struct zdec *)f;
    const unsigned char *in = data;

    if (!d->started) {
        /* deflate: which form it is shows in the first two bytes, which may come apart. */
        int rc;
        while (d->head_len < 2 && len > 0) {
            d->head[d->head_len++] = *in++;
            len--;
        }
        if (d->head_len < 2) {
            return GREET_OK;
        }
        rc = start(d, zlib_wrapped(d->head) ? MAX_WBITS : -MAX_WBITS);
        if (rc == GREET_OK) {
            rc = inflate_some(d, d->head, 2);
        }
        if (rc != GREET_OK) {
            return rc;
        }
    }
    return inflate_some(d, in, len);
}

static int zdec_end(struct gi_body_filter *f)
{
    struct zdec *d = (struct zdec *)f;

    if (d->ended || (!d->started && d->head_len == 0) ||
        (d->started && d->z.total_in == 0 && d->coding == GI_CODING_GZIP)) {
        return GREET_OK; /* complete, or an empty body: nothing was coded */
    }
    snprintf(d->f.reason, sizeof d->f.reason,
             "the %s data ended early (the body is cut short or corrupt)", coding_name(d));
    return GREET_EPROTO;
}

static void zdec_free(struct gi_body_filter *f)
{
    struct zdec *d = (struct zdec *)f;

    if (d->started) {
        inflateEnd(&d->z);
    }
    free(d);
}

static const struct gi_body_filter_ops zdec_ops = {zdec_write, zdec_end, zdec_free};

int gi_decoder_new(enum gi_coding coding, struct gi_body_out out, struct gi_body_filter **f)
{
    struct zdec *d = calloc(1, sizeof *d);
    int rc;

    *f = NULL;
    if (!d) {
        return GREET_ENOMEM;
    }
    d->f.ops = &zdec_ops;
    d->f.out = out;
    d->coding = coding;
    /* gzip only (16 + window bits): zlib's automatic detection would also take zlib data. */
    rc = coding == GI_CODING_GZIP ? start(d, 16 + MAX_WBITS) : GREET_OK;
    if (rc != GREET_OK) {
        free(d);
        return rc;
    }
    *f = &d->f;
    return GREET_OK;
}
