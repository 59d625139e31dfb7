/* The response parser's state, shared by http_parse.c (bytes, body, chunks) and http_fields.c
 * (header sections and the fields that decide the framing). */
#ifndef GREET_LIB_HTTP_INTERNAL_H
#define GREET_LIB_HTTP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "greet/http.h"

enum gi_http_state {
    GI_HTTP_LINES,       /* in a header or trailer section, collecting lines */
    GI_HTTP_BODY_LENGTH, /* a Content-Length body; remaining bytes left */
    GI_HTTP_BODY_CLOSE,  /* a body that ends when the connection closes */
    GI_HTTP_CHUNK_SIZE,  /* hex digits of a chunk size (accumulated in remaining) */
    GI_HTTP_CHUNK_EXT,   /* after the digits: whitespace, extensions, up to the line end */
    GI_HTTP_CHUNK_DATA,  /* remaining bytes of chunk data */
    GI_HTTP_CHUNK_END,   /* the CRLF after chunk data */
    GI_HTTP_DONE,
    GI_HTTP_ERROR
};

struct greet_http_parser {
    greet_http_callbacks cb;
    void *ctx;
    unsigned flags;
    enum gi_http_state state;
    int err;
    int in_trailers;    /* the line section is the trailer section */
    int have_status;    /* the current section's status line has been parsed */
    int te_present;     /* a Transfer-Encoding field was seen in this section */
    int te_chunked;     /* ... and its last coding so far is chunked */
    int te_chunked_any; /* chunked appeared at all (twice is an error) */
    char te_coding[24]; /* the first coding other than chunked (gzip...), "" when none */
    int cr;             /* chunk framing: a CR was seen, an LF must follow */
    int chunk_ext;      /* a ';' started chunk extensions on this chunk line */
    unsigned chunk_digits;
    size_t chunk_line; /* bytes of the current chunk-size line */
    unsigned fields;   /* fields in the current section (a head, or the trailers) */
    size_t header_total;
    size_t head_len;   /* bytes in head: the current section, raw */
    size_t line_start; /* where the line being collected starts in head */
    int has_field;     /* head[field_start..field_end) is a field not yet reported */
    size_t field_start, field_end;
    uint64_t remaining;
    greet_http_response resp;
    char reason[160];
    char head[GREET_HTTP_HEADER_MAX];
    char field[GREET_HTTP_HEADER_MAX + 2]; /* name NUL value NUL, unfolded and trimmed */
};

/* Puts the parser in its error state with err and reason (the first failure wins); returns
 * the parser's error. */
int gi_http_fail(greet_http_parser *p, int err, const char *reason);

/* Turns a callback's result into the parser's: 0 goes on, anything else stops it. */
int gi_http_callback(greet_http_parser *p, int rc);

/* The message is complete: state done, on_message_end. Returns 0 or the callback's error. */
int gi_http_message_end(greet_http_parser *p);

/* Collects header or trailer bytes from s[0..n) up to and including one LF and acts on the
 * line when it is complete. Returns the bytes consumed (at least 1 when n > 0). */
size_t gi_http_lines(greet_http_parser *p, const char *s, size_t n);

/* Starts the trailer section after the last chunk. */
void gi_http_begin_trailers(greet_http_parser *p);

#endif
