/* Header and trailer sections of a response: lines, the status line, fields (RFC 9112 sections
 * 4 and 5) and the fields that decide how the body is framed (section 6). */
#include <stdio.h>
#include <string.h>

#include "greet/error.h"
#include "http_internal.h"
#include "http_token.h"

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_ows(int c)
{
    return c == ' ' || c == '\t';
}

static const char *skip_ows(const char *s)
{
    while (is_ows((unsigned char)*s)) {
        s++;
    }
    return s;
}

/* One list element of Content-Length; *v moves past it. */
static int content_length_value(greet_http_parser *p, const char **v, uint64_t *value)
{
    const char *s = *v;

    if (!is_digit((unsigned char)*s)) {
        return gi_http_fail(p, GREET_EPROTO,
                            (*s == '+' || *s == '-') ? "signed Content-Length"
                                                     : "invalid Content-Length");
    }
    *value = 0;
    for (; is_digit((unsigned char)*s); s++) {
        unsigned d = (unsigned)(*s - '0');
        if (*value > (UINT64_MAX - d) / 10) {
            return gi_http_fail(p, GREET_EPROTO, "Content-Length too large");
        }
        *value = *value * 10 + d;
    }
    s = skip_ows(s);
    if (*s != ',' && *s != '\0') {
        return gi_http_fail(p, GREET_EPROTO, "invalid Content-Length");
    }
    *v = s;
    return GREET_OK;
}

/* Moves *v to the next element of a comma-separated field value, past whitespace and empty
 * elements (RFC 9110 section 5.6.1); 0 at the end of the value. */
static int next_element(const char **v)
{
    for (*v = skip_ows(*v); **v == ','; *v = skip_ows(*v + 1)) {
    }
    return **v != '\0';
}

/* Content-Length: digits, or a list of equal values ("42, 42"); repeated fields must agree. */
static int content_length(greet_http_parser *p, const char *v)
{
    int seen = 0;

    while (next_element(&v)) {
        uint64_t value = 0;

        if (content_length_value(p, &v, &value) != GREET_OK) {
            return p->err;
        }
        if (p->resp.has_content_length && p->resp.content_length != value) {
            return gi_http_fail(p, GREET_EPROTO, "conflicting Content-Length values");
        }
        p->resp.has_content_length = 1;
        p->resp.content_length = value;
        seen = 1;
    }
    return seen ? GREET_OK : gi_http_fail(p, GREET_EPROTO, "empty Content-Length");
}

/* Transfer-Encoding: a list of codings with optional parameters; only whether the last one is
 * chunked matters, and chunked must not appear twice. */
static int transfer_encoding(greet_http_parser *p, const char *v)
{
    int seen = 0;

    while (next_element(&v)) {
        const char *start;

        for (start = v; gi_http_is_tchar((unsigned char)*v); v++) {
        }
        if (v == start) {
            return gi_http_fail(p, GREET_EPROTO, "invalid Transfer-Encoding");
        }
        p->te_chunked = gi_http_same_name(start, (size_t)(v - start), "chunked");
        if (!p->te_chunked && !gi_http_same_name(start, (size_t)(v - start), "identity") &&
            p->te_coding[0] == '\0') {
            snprintf(p->te_coding, sizeof p->te_coding, "%.*s",
                     (int)(v - start < 20 ? v - start : 20), start);
        }
        if (p->te_chunked && p->te_chunked_any++) {
            return gi_http_fail(p, GREET_EPROTO, "chunked transfer coding applied twice");
        }
        seen = 1;
        v += strcspn(v, ",");
    }
    p->te_present = 1;
    return seen ? GREET_OK : gi_http_fail(p, GREET_EPROTO, "empty Transfer-Encoding");
}

/* The fields the parser itself needs, from the response's header section (not trailers). */
static int interpret(greet_http_parser *p, size_t name_len, const char *value)
{
    if (gi_http_same_name(p->field, name_len, "content-length")) {
        return content_length(p, value);
    }
    if (gi_http_same_name(p->field, name_len, "transfer-encoding")) {
        return transfer_encoding(p, value);
    }
    return GREET_OK;
}

/* Checks the name of the field in s[0..n) and copies it to p->field; returns its length. */
static int field_name(greet_http_parser *p, const char *s, size_t n, size_t *name_len)
{
    const char *colon = memchr(s, ':', n);
    size_t i;

    if (colon == NULL) {
        return gi_http_fail(p, GREET_EPROTO, "header field without a colon");
    }
    *name_len = (size_t)(colon - s);
    if (*name_len == 0) {
        return gi_http_fail(p, GREET_EPROTO, "empty header field name");
    }
    for (i = 0; i < *name_len; i++) {
        if (is_ows((unsigned char)s[i])) {
            return gi_http_fail(p, GREET_EPROTO, "whitespace between header field name and colon");
        }
        if (!gi_http_is_tchar((unsigned char)s[i])) {
            return gi_http_fail(p, GREET_EPROTO, "invalid character in header field name");
        }
    }
    memcpy(p->field, s, *name_len);
    p->field[*name_len] = '\0';
    return GREET_OK;
}

/* Reports the pending field: name and value (obs-folds become spaces, RFC 9112 section 5.2,
 * surrounding whitespace trimmed) NUL-terminated in p->field. */
static int flush_field(greet_http_parser *p)
{
    const char *s = p->head + p->field_start;
    size_t n = p->field_end - p->field_start, name_len = 0, len = 0, i;
    char *value;
    int err;

    if (!p->has_field) {
        return GREET_OK;
    }
    p->has_field = 0;
    if (field_name(p, s, n, &name_len) != GREET_OK) {
        return p->err;
    }
    value = p->field + name_len + 1;
    for (i = name_len + 1; i < n; i++) {
        char c = (s[i] == '\r' || s[i] == '\n') ? ' ' : s[i];
        if (len > 0 || !is_ows((unsigned char)c)) {
            value[len++] = c;
        }
    }
    while (len > 0 && is_ows((unsigned char)value[len - 1])) {
        len--;
    }
    value[len] = '\0';
    if (p->in_trailers) {
        return p->cb.on_trailer == NULL
                   ? GREET_OK
                   : gi_http_callback(p, p->cb.on_trailer(p->ctx, p->field, name_len, value, len));
    }
    err = interpret(p, name_len, value);
    if (err != GREET_OK || p->cb.on_header == NULL) {
        return err;
    }
    return gi_http_callback(p, p->cb.on_header(p->ctx, p->field, name_len, value, len));
}

/* "HTTP/1.1 200 OK": version 1.x, three digits, an optional reason phrase. */
static void status_line(greet_http_parser *p, const char *line, size_t len)
{
    size_t reason_len = len > 13 ? len - 13 : 0;
    int code;

    if (len < 12 || memcmp(line, "HTTP/", 5) != 0 || !is_digit((unsigned char)line[5]) ||
        line[6] != '.' || !is_digit((unsigned char)line[7]) || line[8] != ' ' ||
        !is_digit((unsigned char)line[9]) || !is_digit((unsigned char)line[10]) ||
        !is_digit((unsigned char)line[11]) || (len > 12 && line[12] != ' ')) {
        gi_http_fail(p, GREET_EPROTO, "malformed status line");
        return;
    }
    if (line[5] != '1') {
        gi_http_fail(p, GREET_EPROTO, "unsupported HTTP version (not HTTP/1.x)");
        return;
    }
    code = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    if (code < 100) {
        gi_http_fail(p, GREET_EPROTO, "invalid status code");
        return;
    }
    if (code == 101) {
        gi_http_fail(p, GREET_EPROTO, "unexpected 101 Switching Protocols");
        return;
    }
    p->have_status = 1;
    p->resp.version_minor = line[7] - '0';
    p->resp.status = code;
    memcpy(p->field, line + len - reason_len, reason_len);
    p->field[reason_len] = '\0';
    if (p->cb.on_status != NULL) {
        gi_http_callback(
            p, p->cb.on_status(p->ctx, p->resp.version_minor, code, p->field, reason_len));
    }
}

/* Forgets what an interim response said, so that the final one starts afresh. */
static void next_section(greet_http_parser *p)
{
    p->have_status = 0;
    p->head_len = 0;
    p->line_start = 0;
    p->te_present = 0;
    p->te_chunked = 0;
    p->te_chunked_any = 0;
    p->te_coding[0] = '\0';
    p->fields = 0; /* each head has the whole allowance */
    p->resp.has_content_length = 0;
    p->resp.content_length = 0;
    p->resp.chunked = 0;
    p->resp.no_body = 0;
}

/* RFC 9112 section 6.3: how the final response's body is delimited. A transfer coding other
 * than chunked (gzip, deflate, compress) would hand out encoded bytes as the body, so it is
 * refused unless the caller decodes them (GREET_HTTP_TRANSFER_CODINGS). */
static int framing(greet_http_parser *p)
{
    greet_http_response *r = &p->resp;
    char msg[96];

    r->chunked = p->te_present && p->te_chunked;
    if ((p->flags & GREET_HTTP_HEAD) || r->status == 204 || r->status == 304) {
        r->no_body = 1;
    } else if (p->te_coding[0] != '\0' && !(p->flags & GREET_HTTP_TRANSFER_CODINGS)) {
        snprintf(msg, sizeof msg,
                 "Transfer-Encoding %s is not supported (the body would stay encoded)",
                 p->te_coding);
        return gi_http_fail(p, GREET_EPROTO, msg);
    } else if (r->chunked) {
        p->state = GI_HTTP_CHUNK_SIZE;
    } else if (p->te_present || !r->has_content_length) {
        r->until_close = 1;
        p->state = GI_HTTP_BODY_CLOSE;
    } else {
        p->remaining = r->content_length;
        p->state = GI_HTTP_BODY_LENGTH;
    }
    return GREET_OK;
}

static void section_end(greet_http_parser *p)
{
    greet_http_response *r = &p->resp;
    int rc = GREET_OK;

    if (p->in_trailers) {
        gi_http_message_end(p);
        return;
    }
    if (r->status < 200) {
        r->interim_count++;
        r->no_body = 1;
        if (p->cb.on_headers_end != NULL &&
            gi_http_callback(p, p->cb.on_headers_end(p->ctx, r)) != GREET_OK) {
            return;
        }
        next_section(p);
        return;
    }
    if (framing(p) != GREET_OK) {
        return;
    }
    r->headers_done = 1;
    if (p->cb.on_headers_end != NULL) {
        rc = gi_http_callback(p, p->cb.on_headers_end(p->ctx, r));
    }
    if (rc == GREET_OK && (r->no_body || (p->state == GI_HTTP_BODY_LENGTH && p->remaining == 0))) {
        gi_http_message_end(p);
    }
}

/* A complete line (without its CRLF or LF) in the current section. */
static void process_line(greet_http_parser *p, size_t start, size_t len)
{
    const char *line = p->head + start;
    char msg[64];

    if (memchr(line, '\r', len) != NULL) {
        gi_http_fail(p, GREET_EPROTO, "bare CR in header section");
    } else if (!p->in_trailers && !p->have_status) {
        status_line(p, line, len);
    } else if (len == 0) {
        if (flush_field(p) == GREET_OK) {
            section_end(p);
        }
    } else if (is_ows((unsigned char)line[0])) {
        if (!p->has_field) {
            gi_http_fail(p, GREET_EPROTO, "whitespace at the start of the header section");
        }
        p->field_end = start + len; /* obs-fold: the field continues */
    } else if (flush_field(p) == GREET_OK) {
        if (p->fields++ >= GREET_HTTP_FIELDS_MAX) {
            snprintf(msg, sizeof msg, "more than %d header fields", GREET_HTTP_FIELDS_MAX);
            gi_http_fail(p, GREET_ETOOBIG, msg);
            return;
        }
        p->has_field = 1;
        p->field_start = start;
        p->field_end = start + len;
    }
}

/* Checks new header bytes in order, so that the first bad byte decides the error however the
 * input is split: forbidden bytes, and a status line that does not start with "HTTP/" (failing
 * at once on something that is not HTTP rather than after 64 KiB of it). */
static int check_bytes(greet_http_parser *p, const char *s, size_t n)
{
    size_t offset = p->head_len - p->line_start, i;
    int status = !p->in_trailers && !p->have_status;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0) {
            return gi_http_fail(p, GREET_EPROTO, "NUL byte in header section");
        }
        if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
            return gi_http_fail(p, GREET_EPROTO, "control character in header section");
        }
        if (status && offset + i < 5 && c != (unsigned char)"HTTP/"[offset + i]) {
            return gi_http_fail(p, GREET_EPROTO, "not an HTTP/1.x response");
        }
    }
    return GREET_OK;
}

size_t gi_http_lines(greet_http_parser *p, const char *s, size_t n)
{
    const char *lf = memchr(s, '\n', n);
    size_t take = lf != NULL ? (size_t)(lf - s) + 1 : n, start = p->line_start, len;
    size_t room = GREET_HTTP_HEADER_MAX - p->header_total;
    char msg[64];

    if (check_bytes(p, s, take < room ? take : room) != GREET_OK) {
        return take;
    }
    if (take > room) {
        snprintf(msg, sizeof msg, "header section larger than %d bytes", GREET_HTTP_HEADER_MAX);
        gi_http_fail(p, GREET_ETOOBIG, msg);
        return take;
    }
    memcpy(p->head + p->head_len, s, take);
    p->head_len += take;
    p->header_total += take;
    if (lf != NULL) {
        len = p->head_len - start - 1;
        if (len > 0 && p->head[start + len - 1] == '\r') {
            len--;
        }
        p->line_start = p->head_len;
        process_line(p, start, len);
    }
    return take;
}

void gi_http_begin_trailers(greet_http_parser *p)
{
    p->in_trailers = 1;
    p->fields = 0; /* the trailers are counted on their own */
    p->head_len = 0;
    p->line_start = 0;
    p->state = GI_HTTP_LINES;
}
