/* URL parsing, formatting and the Host header (greet/url.h). Resolution lives in url_resolve.c. */
#include <stdio.h>
#include <string.h>

#include "greet/error.h"
#include "greet/url.h"
#include "url_internal.h"

int gi_url_fail(const char **why, int err, const char *reason)
{
    *why = reason;
    return err;
}

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_hex(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int to_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

size_t gi_url_scheme_len(const char *text)
{
    size_t i = 0;

    if (!is_alpha((unsigned char)text[0])) {
        return 0;
    }
    while (is_alpha((unsigned char)text[i]) || is_digit((unsigned char)text[i]) || text[i] == '+' ||
           text[i] == '-' || text[i] == '.') {
        i++;
    }
    return text[i] == ':' ? i : 0;
}

uint16_t greet_url_default_port(const char *scheme)
{
    if (strcmp(scheme, "http") == 0) {
        return 80;
    }
    return strcmp(scheme, "https") == 0 ? 443 : 0;
}

/* Spaces and control characters are never part of a URL (RFC 3986 appendix C). */
static int has_forbidden_byte(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;

    for (; *s != '\0'; s++) {
        if (*s <= ' ' || *s == 0x7f) {
            return 1;
        }
    }
    return 0;
}

/* Sets out->scheme from text[0..n) if greet supports it. */
static int take_scheme(const char *text, size_t n, greet_url *out, const char **why)
{
    size_t i;

    if (n >= sizeof out->scheme) {
        return gi_url_fail(why, GREET_EUNSUPPORTED, "unsupported URL scheme");
    }
    for (i = 0; i < n; i++) {
        out->scheme[i] = (char)to_lower((unsigned char)text[i]);
    }
    out->scheme[n] = '\0';
    out->port = greet_url_default_port(out->scheme);
    if (out->port == 0) {
        return gi_url_fail(why, GREET_EUNSUPPORTED, "unsupported URL scheme (only http and https)");
    }
    return GREET_OK;
}

/* "host:8080/x" has no scheme even though it looks like one: what follows the colon is a port. */
static int looks_like_port(const char *s)
{
    while (is_digit((unsigned char)*s)) {
        s++;
    }
    return *s == '\0' || *s == '/' || *s == '?' || *s == '#';
}

/* Splits off the scheme; *rest is where the authority starts. Scheme-less text is http, as
 * curl guesses. */
static int parse_scheme(const char *text, greet_url *out, const char **rest, const char **why)
{
    size_t n = gi_url_scheme_len(text);
    int err;

    if (n == 0 || (strncmp(text + n, "://", 3) != 0 && looks_like_port(text + n + 1))) {
        strcpy(out->scheme, "http");
        out->port = 80;
        *rest = text;
        return GREET_OK;
    }
    err = take_scheme(text, n, out, why);
    if (err != GREET_OK) {
        return err;
    }
    if (strncmp(text + n, "://", 3) != 0) {
        return gi_url_fail(why, GREET_EURL, "expected \"//\" and a host after the scheme");
    }
    *rest = text + n + 3;
    return GREET_OK;
}

static int valid_ipv4(const char *s, size_t n)
{
    size_t i = 0;
    int part;

    for (part = 0; part < 4; part++) {
        unsigned value = 0;
        size_t digits = 0;

        if (part > 0) {
            if (i >= n || s[i] != '.') {
                return 0;
            }
            i++;
        }
        while (i < n && is_digit((unsigned char)s[i]) && digits < 3) {
            value = value * 10 + (unsigned)(s[i] - '0');
            i++;
            digits++;
        }
        if (digits == 0 || value > 255) {
            return 0;
        }
    }
    return i == n;
}

/* RFC 4291 text form: up to 8 groups of 1-4 hex digits, one "::" at most, an optional dotted
 * IPv4 tail counting as two groups. */
static int valid_ipv6(const char *s, size_t n)
{
    size_t i = 0, groups = 0;
    int gap = 0;

    if (n >= 2 && s[0] == ':' && s[1] == ':') {
        gap = 1;
        i = 2;
    } else if (n == 0 || s[0] == ':') {
        return 0;
    }
    while (i < n) {
        size_t start = i;

        while (i < n && is_hex((unsigned char)s[i]) && i - start < 5) {
            i++;
        }
        if (i < n && s[i] == '.') {
            if (!valid_ipv4(s + start, n - start)) {
                return 0;
            }
            groups += 2;
            break;
        }
        if (i == start || i - start > 4) {
            return 0;
        }
        groups++;
        if (i == n) {
            break;
        }
        if (s[i] != ':' || ++i == n) {
            return 0;
        }
        if (s[i] == ':') {
            if (gap) {
                return 0;
            }
            gap = 1;
            i++;
        }
    }
    return gap ? groups <= 7 : groups == 8;
}

/* The zone after '%' (RFC 6874 spells the '%' as "%25"), kept as "%zone" in the host. */
static int take_zone(const char *s, size_t n, char *host, size_t *len, const char **why)
{
    size_t i = (n >= 3 && s[1] == '2' && s[2] == '5') ? 3 : 1;

    if (i == n) {
        return gi_url_fail(why, GREET_EURL, "empty IPv6 zone");
    }
    if (*len + 1 + (n - i) > GREET_URL_HOST_MAX) {
        return gi_url_fail(why, GREET_ETOOBIG, "host too long");
    }
    host[(*len)++] = '%';
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '.' && c != '_' && c != '~') {
            return gi_url_fail(why, GREET_EURL, "invalid character in IPv6 zone");
        }
        host[(*len)++] = (char)c;
    }
    return GREET_OK;
}

/* "[v6%zone]" at s[0..n); *end gets the position after ']'. */
static int parse_ipv6_host(const char *s, size_t n_auth, greet_url *out, const char **end,
                           const char **why)
{
    const char *close = memchr(s, ']', n_auth);
    size_t n, addr_len, len;
    const char *zone;
    int err;

    if (close == NULL) {
        return gi_url_fail(why, GREET_EURL, "missing ']' after IPv6 address");
    }
    n = (size_t)(close - s - 1);
    zone = memchr(s + 1, '%', n);
    addr_len = zone != NULL ? (size_t)(zone - s - 1) : n;
    if (!valid_ipv6(s + 1, addr_len)) {
        return gi_url_fail(why, GREET_EURL, "invalid IPv6 address");
    }
    for (len = 0; len < addr_len; len++) {
        out->host[len] = (char)to_lower((unsigned char)s[1 + len]);
    }
    if (zone != NULL) {
        err = take_zone(zone, n - addr_len, out->host, &len, why);
        if (err != GREET_OK) {
            return err;
        }
    }
    out->host[len] = '\0';
    out->host_ipv6 = 1;
    *end = close + 1;
    return GREET_OK;
}

static int parse_name_host(const char *s, size_t n, greet_url *out, const char **why)
{
    size_t i;

    if (n == 0) {
        return gi_url_fail(why, GREET_EURL, "missing host");
    }
    if (n > GREET_URL_HOST_MAX) {
        return gi_url_fail(why, GREET_ETOOBIG, "host too long");
    }
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            return gi_url_fail(why, GREET_EURL, "non-ASCII host names are not supported");
        }
        if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '.' && c != '_') {
            return gi_url_fail(why, GREET_EURL, "invalid character in host");
        }
        out->host[i] = (char)to_lower(c);
    }
    out->host[n] = '\0';
    out->host_ipv6 = 0;
    return GREET_OK;
}

/* s[0..n) after the ':'; empty means the scheme's default. */
static int parse_port(const char *s, size_t n, greet_url *out, const char **why)
{
    unsigned long value = 0;
    size_t i;

    if (n == 0) {
        return GREET_OK;
    }
    for (i = 0; i < n; i++) {
        if (!is_digit((unsigned char)s[i])) {
            return gi_url_fail(why, GREET_EURL, "invalid port number");
        }
        if (value <= 65535) {
            value = value * 10 + (unsigned long)(s[i] - '0');
        }
    }
    if (value == 0 || value > 65535) {
        return gi_url_fail(why, GREET_EURL, "port number out of range (1-65535)");
    }
    out->port = (uint16_t)value;
    out->port_explicit = 1;
    return GREET_OK;
}

/* The authority s[0..n): host and optional port; user-info is refused. */
static int parse_authority(const char *s, size_t n, greet_url *out, const char **why)
{
    const char *after_host = NULL, *colon;
    int err;

    if (memchr(s, '@', n) != NULL) {
        return gi_url_fail(why, GREET_EURL, "user-info (user@host) in URLs is not supported");
    }
    if (n > 0 && s[0] == '[') {
        err = parse_ipv6_host(s, n, out, &after_host, why);
        if (err == GREET_OK && after_host != s + n && *after_host != ':') {
            err = gi_url_fail(why, GREET_EURL, "unexpected text after IPv6 address");
        }
        colon = (err == GREET_OK && after_host != s + n) ? after_host : NULL;
    } else {
        colon = memchr(s, ':', n);
        err = parse_name_host(s, colon != NULL ? (size_t)(colon - s) : n, out, why);
    }
    if (err != GREET_OK || colon == NULL) {
        return err;
    }
    return parse_port(colon + 1, (size_t)(s + n - colon - 1), out, why);
}

/* Copies s[0..n) to out[*len..], percent-encoding bytes >= 0x80 (RFC 3986 allows only ASCII). */
static int append_encoded(char *out, size_t *len, const char *s, size_t n, const char **why)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        size_t need = c >= 0x80 ? 3 : 1;

        if (*len + need > GREET_URL_TARGET_MAX) {
            return gi_url_fail(why, GREET_ETOOBIG, "URL path and query too long");
        }
        if (c >= 0x80) {
            out[(*len)++] = '%';
            out[(*len)++] = hex[c >> 4];
            out[(*len)++] = hex[c & 15];
        } else {
            out[(*len)++] = (char)c;
        }
    }
    return GREET_OK;
}

/* s is the path (may be empty) and query up to the end or '#': becomes the request target with
 * the path's dot segments removed and "/" for an empty path. */
static int parse_target(const char *s, greet_url *out, const char **why)
{
    char path[GREET_URL_TARGET_MAX + 1];
    size_t path_len = 0, len, n = strcspn(s, "#"), pn = strcspn(s, "?#");
    int err;

    err = append_encoded(path, &path_len, s, pn, why);
    if (err != GREET_OK) {
        return err;
    }
    path[path_len] = '\0';
    len = gi_url_remove_dot_segments(path, path_len, out->target);
    if (len == 0) {
        out->target[len++] = '/';
    }
    err = append_encoded(out->target, &len, s + pn, n - pn, why);
    if (err == GREET_OK) {
        out->target[len] = '\0';
    }
    return err;
}

int gi_url_parse(const char *text, greet_url *out, const char **why)
{
    greet_url url;
    const char *auth;
    size_t auth_len;
    int err;

    gi_url_fail(why, GREET_OK, "");
    if (text == NULL || out == NULL) {
        return gi_url_fail(why, GREET_EINVAL, "no URL given");
    }
    if (has_forbidden_byte(text)) {
        return gi_url_fail(why, GREET_EURL, "space or control character in URL");
    }
    /* Parsed into a local so that a failure leaves *out as it was. */
    memset(&url, 0, sizeof url);
    err = parse_scheme(text, &url, &auth, why);
    if (err != GREET_OK) {
        return err;
    }
    auth_len = strcspn(auth, "/?#");
    err = parse_authority(auth, auth_len, &url, why);
    if (err == GREET_OK) {
        err = parse_target(auth + auth_len, &url, why);
    }
    if (err == GREET_OK) {
        *out = url;
    }
    return err;
}

int greet_url_parse(const char *text, greet_url *out)
{
    const char *why = "";
    int err = gi_url_parse(text, out, &why);

    if (out != NULL) {
        out->reason = why;
    }
    return err;
}

/* Writes the host as it appears in a URL; with_zone = 0 leaves an IPv6 zone out. */
static int host_text(const greet_url *url, int with_zone, char *buf, size_t size)
{
    const char *zone = url->host_ipv6 ? strchr(url->host, '%') : NULL;
    int addr_len = zone != NULL ? (int)(zone - url->host) : (int)strlen(url->host);
    int n;

    if (!url->host_ipv6) {
        n = snprintf(buf, size, "%s", url->host);
    } else if (zone == NULL || !with_zone) {
        n = snprintf(buf, size, "[%.*s]", addr_len, url->host);
    } else {
        n = snprintf(buf, size, "[%.*s%%25%s]", addr_len, url->host, zone + 1);
    }
    return (n < 0 || (size_t)n >= size) ? GREET_ETOOBIG : GREET_OK;
}

/* host_text followed by ":port" when show_port. */
static int authority_text(const greet_url *url, int with_zone, int show_port, char *buf,
                          size_t size)
{
    size_t len;
    int err = host_text(url, with_zone, buf, size);

    if (err != GREET_OK || !show_port) {
        return err;
    }
    len = strlen(buf);
    if (snprintf(buf + len, size - len, ":%u", (unsigned)url->port) >= (int)(size - len)) {
        return GREET_ETOOBIG;
    }
    return GREET_OK;
}

int greet_url_host_header(const greet_url *url, char *buf, size_t size)
{
    int show_port = url->port != greet_url_default_port(url->scheme);

    if (size == 0) {
        return GREET_ETOOBIG;
    }
    return authority_text(url, 0, show_port, buf, size);
}

int gi_url_authority(const greet_url *url, char *buf, size_t size)
{
    int show_port = url->port_explicit || url->port != greet_url_default_port(url->scheme);

    return authority_text(url, 1, show_port, buf, size);
}

int greet_url_format(const greet_url *url, char *buf, size_t size)
{
    char authority[GREET_URL_HOST_HEADER_MAX + 8];
    int n, err = gi_url_authority(url, authority, sizeof authority);

    if (size == 0) {
        return GREET_ETOOBIG;
    }
    if (err != GREET_OK) {
        buf[0] = '\0';
        return err;
    }
    n = snprintf(buf, size, "%s://%s%s", url->scheme, authority, url->target);
    return (n < 0 || (size_t)n >= size) ? GREET_ETOOBIG : GREET_OK;
}
