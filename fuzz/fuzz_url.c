/* Fuzzes the URL parser. The input is a URL, or "base\nreference". Invariants checked (abort on
 * violation): a parsed URL formats, and the text parses back to the same URL; the target starts
 * with '/' and holds no space, control or non-ASCII byte; the Host header fits its buffer; a
 * reference resolved against a fixed base (and against the input's own base) obeys the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "greet/error.h"
#include "greet/url.h"
#include "url_internal.h" /* compares the parts directly */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok) {
        abort();
    }
}

static int same_url(const greet_url *a, const greet_url *b)
{
    return strcmp(a->scheme, b->scheme) == 0 && strcmp(a->host, b->host) == 0 &&
           strcmp(a->target, b->target) == 0 && a->port == b->port &&
           a->port_explicit == b->port_explicit && a->host_ipv6 == b->host_ipv6;
}

static void check_url(const greet_url *u)
{
    static char text[GREET_URL_TEXT_MAX];
    static greet_url again;
    char host[GREET_URL_HOST_HEADER_MAX];
    const unsigned char *t = (const unsigned char *)u->target;

    check(t[0] == '/' && u->port != 0 && u->host[0] != '\0');
    for (; *t != '\0'; t++) {
        check(*t > ' ' && *t < 0x7f && *t != '#');
    }
    check(greet_url_host_header(u, host, sizeof host) == GREET_OK);
    check(greet_url_format(u, text, sizeof text) == GREET_OK);
    check(greet_url_parse(text, &again) == GREET_OK);
    check(same_url(u, &again));
}

/* Parses text (reporting a reason on failure) and checks the result. */
static int parse_checked(const char *text, greet_url *u)
{
    int err = greet_url_parse(text, u);

    check((err == GREET_OK) == (greet_url_reason(u)[0] == '\0'));
    if (err == GREET_OK) {
        check_url(u);
    }
    return err;
}

static void resolve_checked(greet_url *base, const char *reference)
{
    static greet_url out;
    greet_url before = *base;
    int err = greet_url_resolve(base, reference, &out);

    check((err == GREET_OK) == (greet_url_reason(&out)[0] == '\0'));
    if (err == GREET_OK) {
        check_url(&out);
    }
    /* In place: the same answer, and the base untouched on failure. */
    check(greet_url_resolve(base, reference, base) == err);
    check(err == GREET_OK ? same_url(base, &out) : same_url(base, &before));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static greet_url base, url;
    char *text = malloc(size + 1), *newline;

    check(text != NULL);
    memcpy(text, data, size);
    text[size] = '\0';
    parse_checked(text, &url);
    check(greet_url_parse("http://a.example:8080/b/c/d;p?q", &base) == GREET_OK);
    resolve_checked(&base, text);
    newline = strchr(text, '\n');
    if (newline != NULL) {
        *newline = '\0';
        if (parse_checked(text, &base) == GREET_OK) {
            resolve_checked(&base, newline + 1);
        }
    }
    free(text);
    return 0;
}
