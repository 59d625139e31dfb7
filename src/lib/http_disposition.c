/* The file name a Content-Disposition field suggests (RFC 6266): filename* (RFC 8187, preferred)
 * or filename, decoded. As received: what a name may do on the local system is the caller's to
 * judge (greet fetch -J keeps only its last part and refuses unsafe ones). */
#include <stdlib.h>
#include <string.h>

#include "greet/error.h"
#include "greet/http.h"
#include "http_token.h"

static const char *skip_blanks(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t')) {
        p++;
    }
    return p;
}

/* A parameter's value: a quoted-string (its quotes and backslash escapes removed) or what a token
 * would be, everything up to the next ';' without trailing blanks. Into out, which has room for
 * the whole field; returns where the value ends, NULL when a quote is not closed. */
static const char *read_value(const char *p, const char *end, char *out)
{
    size_t n = 0;

    if (p < end && *p == '"') {
        for (p++; p < end && *p != '"'; p++) {
            if (*p == '\\' && p + 1 < end) {
                p++;
            }
            out[n++] = *p;
        }
        if (p == end) {
            return NULL;
        }
        p++;
    } else {
        const char *stop = p < end ? memchr(p, ';', (size_t)(end - p)) : NULL;
        stop = stop ? stop : end;
        while (stop > p && (stop[-1] == ' ' || stop[-1] == '\t')) {
            stop--;
        }
        n = (size_t)(stop - p);
        memcpy(out, p, n);
        p = stop;
    }
    out[n] = '\0';
    return p;
}

/* CHARSET'LANG'VALUE (RFC 8187) decoded into out (room for twice v's length) as UTF-8, from
 * UTF-8 or ISO-8859-1 (whose bytes become two-byte UTF-8); 0 for another charset, a bad %-escape
 * or a %00, which would cut the name short. */
static int decode_ext(const char *v, char *out)
{
    const char *q1 = strchr(v, '\''), *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
    size_t clen = q1 ? (size_t)(q1 - v) : 0, n = 0;
    int latin1 = q2 && gi_http_same_name(v, clen, "iso-8859-1");
    const char *p;

    if (!q2 || !(latin1 || gi_http_same_name(v, clen, "utf-8"))) {
        return 0;
    }
    for (p = q2 + 1; *p; p++) {
        int c = (unsigned char)*p;
        if (c == '%') {
            int hi = gi_hex_value((unsigned char)p[1]),
                lo = hi < 0 ? -1 : gi_hex_value((unsigned char)p[2]);
            if (lo < 0) {
                return 0;
            }
            c = hi * 16 + lo;
            p += 2;
        }
        if (c == 0) {
            return 0;
        }
        if (latin1 && c >= 0x80) {
            out[n++] = (char)(0xc0 | (c >> 6));
            c = 0x80 | (c & 0x3f);
        }
        out[n++] = (char)c;
    }
    out[n] = '\0';
    return 1;
}

/* The parameters after the disposition type: filename* wins (decoded into ext; returns 2), else
 * the first filename (into plain; returns 1); 0 for neither. value and ext have room for the
 * whole field, ext twice over. */
static int find_names(const char *p, const char *end, char *value, char *ext, char *plain)
{
    int found = 0;

    p = memchr(p, ';', (size_t)(end - p)); /* past the disposition type */
    while (p && p < end) {
        const char *key;
        size_t klen;
        p = skip_blanks(p + 1, end);
        for (key = p; p < end && gi_http_is_tchar((unsigned char)*p); p++) {
        }
        klen = (size_t)(p - key);
        p = skip_blanks(p, end);
        if (p == end || *p != '=') {
            return found; /* not a parameter: what came before stands */
        }
        p = read_value(skip_blanks(p + 1, end), end, value);
        if (p && gi_http_same_name(key, klen, "filename*") && decode_ext(value, ext)) {
            return 2;
        }
        if (p && gi_http_same_name(key, klen, "filename") && !found) {
            memcpy(plain, value, strlen(value) + 1);
            found = 1;
        }
        p = p ? memchr(p, ';', (size_t)(end - p)) : NULL;
    }
    return found;
}

int greet_http_disposition_filename(const char *value, size_t len, char *name, size_t size)
{
    char *buf = malloc(4 * len + 3), *ext, *plain;
    int which, rc = GREET_ENOENT;

    if (!buf) {
        return GREET_ENOMEM;
    }
    ext = buf + len + 1;
    plain = ext + 2 * len + 1;
    which = len > 0 ? find_names(value, value + len, buf, ext, plain) : 0;
    if (which) {
        const char *found = which == 2 ? ext : plain;
        size_t n = strlen(found);
        rc = n < size ? GREET_OK : GREET_ETOOBIG;
        if (rc == GREET_OK) {
            memcpy(name, found, n + 1);
        }
    }
    free(buf);
    return rc;
}
