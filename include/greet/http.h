/*
 * An incremental HTTP/1.1 response parser (RFC 9112) for a client.
 *
 * Push bytes in as they arrive, split anywhere (one byte at a time works); the parser calls back
 * for the status line, each header field, the end of the header section, each piece of body
 * (a pointer into the caller's own buffer: the body is never copied) and the end of the message.
 * At end of input call greet_http_parser_finish: it says whether the message was complete.
 *
 * What it does, per RFC 9112:
 * - Interim 1xx responses are reported through the same callbacks (on_headers_end sees
 *   resp->status < 200) and then skipped; the final response follows. 101 is an error (greet
 *   never asks to switch protocols).
 * - No body after a HEAD request (GREET_HTTP_HEAD), 1xx, 204 or 304, whatever the headers say.
 * - Transfer-Encoding whose last coding is chunked wins over Content-Length; chunk extensions are
 *   ignored, trailer fields are reported through on_trailer. Transfer-Encoding without a final
 *   chunked means the body ends at close.
 * - Content-Length is validated: only digits; a list ("42, 42") or repeated fields must agree;
 *   a sign, garbage, conflicting values or a value past 2^64-1 are GREET_EPROTO.
 * - Without either, the body ends when the connection closes (finish completes it).
 * - LF-only line endings are accepted; obs-fold (a line starting with SP/HTAB) is unfolded into
 *   one SP as RFC 9112 section 5.2 tells a user agent to do.
 * - Forbidden bytes in the header section (NUL, a bare CR, other control characters except HTAB
 *   in values), whitespace before the colon, a malformed status line or chunk size are
 *   GREET_EPROTO. Limits are GREET_ETOOBIG.
 * - Bytes after the end of the message are not consumed (see feed's consumed).
 *
 * Errors: every failure leaves the parser in an error state (later calls return the same code)
 * and greet_http_parser_reason gives a precise English reason, e.g. "conflicting Content-Length
 * values" or "connection closed after 10 of 100 body bytes". Malformed input is GREET_EPROTO,
 * a limit GREET_ETOOBIG, a connection that ended too early (finish) GREET_ECLOSED.
 *
 * Memory: one allocation in greet_http_parser_new (about 130 KiB: the raw header section and a
 * field being assembled), nothing per byte. A parser is used by one thread at
 * a time.
 */
#ifndef GREET_HTTP_H
#define GREET_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "greet/export.h"

GREET_BEGIN_DECLS

/* All header bytes of one response (interim sections, the final section and the trailers,
 * line endings included) may total at most this many bytes. */
#define GREET_HTTP_HEADER_MAX (64 * 1024)
/* At most this many header and trailer fields over the whole response. */
#define GREET_HTTP_FIELDS_MAX 100
/* A chunk-size line (size and extensions) longer than this is refused. */
#define GREET_HTTP_CHUNK_LINE_MAX 4096

/* Flags for greet_http_parser_new / greet_http_parser_reset. */
#define GREET_HTTP_HEAD 1u /* the request was HEAD: the response has no body */
/* The caller decodes transfer codings other than chunked (Transfer-Encoding: gzip, chunked):
 * they are accepted, and the body (still coded, chunk framing removed) framed as usual. Without
 * it such a response is GREET_EPROTO, so that coded bytes are never taken for the body. */
#define GREET_HTTP_TRANSFER_CODINGS 2u

/* What the parser knows about the response; read it through greet_http_parser_response or the
 * pointer passed to on_headers_end / on_message_end. Fields fill in as the bytes arrive. */
typedef struct greet_http_response {
    int version_minor;       /* HTTP/1.x: 0 or 1 (other 1.x minors are accepted as given) */
    int status;              /* status code of the latest status line, 0 before one */
    unsigned interim_count;  /* 1xx responses received before the final one */
    int has_content_length;  /* 1 when a valid Content-Length was received */
    uint64_t content_length; /* its value (meaningful when has_content_length) */
    int chunked;             /* 1 when the body is chunked (Transfer-Encoding) */
    int no_body;             /* 1 for HEAD, 204, 304 (and 1xx): the message ends at headers */
    int until_close;         /* 1 when the body is delimited by the connection closing */
    int headers_done;        /* 1 once the final response's header section ended */
    int complete;            /* 1 once the whole message has been received */
    uint64_t body_received;  /* body bytes delivered to on_body so far (after de-chunking) */
} greet_http_response;

/* Callbacks; set up with greet_http_callbacks_init (all NULL), then set the ones you want. Each
 * returns 0 to go on, or a negative greet_err to stop: the parser then fails with that code (reason
 * "stopped by callback") and feed returns it. Strings passed in are NUL-terminated, only valid
 * during the call, and lengths are given too. ctx is the pointer given to greet_http_parser_new. */
typedef struct greet_http_callbacks {
    size_t size; /* set by greet_http_callbacks_init: see docs/architecture.md, "The ABI rule" */
    /* A status line, also for each interim 1xx response. */
    int (*on_status)(void *ctx, int version_minor, int status, const char *reason,
                     size_t reason_len);
    /* One header field of the response in on_status's section; the value is trimmed of
     * surrounding whitespace and obs-folds are unfolded. */
    int (*on_header)(void *ctx, const char *name, size_t name_len, const char *value,
                     size_t value_len);
    /* The end of a header section (interim or final: check resp->status). */
    int (*on_headers_end)(void *ctx, const greet_http_response *resp);
    /* A piece of body, pointing into the buffer given to feed. Never called with len 0. */
    int (*on_body)(void *ctx, const char *data, size_t len);
    /* One trailer field after a chunked body, like on_header. */
    int (*on_trailer)(void *ctx, const char *name, size_t name_len, const char *value,
                      size_t value_len);
    /* The whole message has been received (from feed, or from finish for a body ending at
     * close). Called once. */
    int (*on_message_end)(void *ctx, const greet_http_response *resp);
} greet_http_callbacks;

GREET_API void greet_http_callbacks_init(greet_http_callbacks *cb);

typedef struct greet_http_parser greet_http_parser;

/* Creates a parser for one response to a request; flags is 0 or GREET_HTTP_* flags. The callbacks
 * are copied. GREET_ENOMEM if the allocation fails. */
GREET_API int greet_http_parser_new(greet_http_parser **out, const greet_http_callbacks *cb,
                                    void *ctx, unsigned flags);

/* Frees the parser; NULL is allowed. */
GREET_API void greet_http_parser_free(greet_http_parser *p);

/* Makes the parser ready for a new response (same callbacks and ctx, new flags). */
GREET_API void greet_http_parser_reset(greet_http_parser *p, unsigned flags);

/* Parses len bytes. Returns 0 or the error (GREET_EPROTO, GREET_ETOOBIG, or a callback's code).
 * If consumed is not NULL it receives how many bytes belonged to the message: len, unless the
 * message completed (or failed) before the end of data. Feeding after completion consumes
 * nothing and returns 0. */
GREET_API int greet_http_parser_feed(greet_http_parser *p, const void *data, size_t len,
                                     size_t *consumed);

/* The connection has ended. Returns 0 if the message is complete (a body delimited by close
 * completes here and on_message_end runs), otherwise GREET_ECLOSED with a reason saying what was
 * cut short: no response at all, the header section, the body (with byte counts) or the chunks.
 * A parser already in error returns its error. */
GREET_API int greet_http_parser_finish(greet_http_parser *p);

/* What is known about the response so far; valid until the parser is freed or reset. */
GREET_API const greet_http_response *greet_http_parser_response(const greet_http_parser *p);

/* The raw bytes of the header section being parsed, exactly as received: the status line and
 * fields (or the trailer fields) so far, ending with the blank line when called from
 * on_headers_end. Valid during callbacks only. */
GREET_API const char *greet_http_parser_head(const greet_http_parser *p, size_t *len);

/* A human reason for the parser's error ("chunk size too large"), "" when there is none. The
 * string lives in the parser. */
GREET_API const char *greet_http_parser_reason(const greet_http_parser *p);

/* ---- HTTP-dates (RFC 9110 section 5.6.7): Last-Modified, If-Modified-Since, ... ---------- */

/* Years a date may have: from Windows' file time epoch to the last one with four digits. */
#define GREET_HTTP_DATE_YEAR_MIN 1601
#define GREET_HTTP_DATE_YEAR_MAX 9999
/* Room for an IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT", and its NUL. */
#define GREET_HTTP_DATE_SIZE 30

/* Reads the date in text[0..len) into *t, seconds since 1970-01-01 00:00:00 UTC. Accepts the
 * three forms RFC 9110 tells a recipient to read: IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"),
 * RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime ("Sun Nov  6 08:49:37 1994"); and, as
 * curl's date parser does, their parts in any order separated by blanks or commas, so that a user
 * may write "20 Nov 2026", "2026-11-20 10:00" or "20261120": a day, a month name (short or full,
 * any case) or number, a year (four digits; two digits are 1970..2069), optionally "HH:MM[:SS]",
 * a weekday (not checked against the date) and a zone (GMT, UTC, UT, Z or +HHMM/-HHMM; none means
 * UTC). Each part at most once. GREET_EINVAL for anything else, for a day the month does not
 * have, or a year outside GREET_HTTP_DATE_YEAR_MIN..MAX; *t is then unchanged. */
GREET_API int greet_http_date_parse(const char *text, size_t len, int64_t *t);

/* Writes t (seconds since 1970, UTC) as an IMF-fixdate into buf (at least GREET_HTTP_DATE_SIZE
 * bytes, else GREET_ETOOBIG). GREET_EINVAL for a time whose year is outside the range above. */
GREET_API int greet_http_date_format(int64_t t, char *buf, size_t size);

/* ---- Content-Disposition (RFC 6266) ------------------------------------------------------ */

/* The file name a Content-Disposition field value (value[0..len), without the field name)
 * suggests, into name (size bytes): filename* (RFC 8187; UTF-8 or ISO-8859-1, percent-decoded to
 * UTF-8) when it can be read, else the first filename (a token or a quoted-string). As received,
 * folder parts and all: what a name may do on the local system is the caller's to judge.
 * GREET_ENOENT when there is no name, GREET_ETOOBIG when it does not fit, GREET_ENOMEM. */
GREET_API int greet_http_disposition_filename(const char *value, size_t len, char *name,
                                              size_t size);

GREET_END_DECLS

#endif
