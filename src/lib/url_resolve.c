/* Reference resolution (RFC 3986 section 5.2); dot segments are url_path.c's. */
#include <stdio.h>
#include <string.h>

#include "greet/error.h"
#include "greet/url.h"
#include "url_internal.h"

static int same_scheme(const char *ref, size_t n, const char *scheme)
{
    size_t i;

    if (n != strlen(scheme)) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        char c = ref[i];
        if ((c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c) != scheme[i]) {
            return 0;
        }
    }
    return 1;
}

/* A reference with a scheme: an absolute URL, or (RFC 3986 5.2.2's non-strict reading)
 * "http:path" relative to an http base. *rel gets the relative part or NULL. */
static int split_scheme(const greet_url *base, const char *ref, const char **rel, const char **why)
{
    size_t n = gi_url_scheme_len(ref);

    *rel = ref;
    if (n == 0) {
        return GREET_OK;
    }
    if (strncmp(ref + n, "://", 3) == 0) {
        *rel = NULL;
        return GREET_OK;
    }
    if (same_scheme(ref, n, base->scheme)) {
        *rel = ref + n + 1;
        return GREET_OK;
    }
    if (same_scheme(ref, n, "http") || same_scheme(ref, n, "https")) {
        return gi_url_fail(why, GREET_EURL, "expected \"//\" and a host after the scheme");
    }
    return gi_url_fail(why, GREET_EUNSUPPORTED, "unsupported URL scheme (only http and https)");
}

/* The text of the target URL for a relative reference rel (RFC 3986 5.2.2 and 5.2.3); the
 * dot segments are removed when it is parsed. */
static int merge(const greet_url *base, const char *rel, char *text, size_t size)
{
    char authority[GREET_URL_HOST_HEADER_MAX + 8];
    const char *path_end = base->target + strcspn(base->target, "?");
    int keep, n, err;

    if (rel[0] == '/' && rel[1] == '/') {
        n = snprintf(text, size, "%s:%s", base->scheme, rel);
        return (n < 0 || (size_t)n >= size) ? GREET_ETOOBIG : GREET_OK;
    }
    err = gi_url_authority(base, authority, sizeof authority);
    if (err != GREET_OK) {
        return err;
    }
    if (rel[0] == '\0' || rel[0] == '#') {
        keep = (int)strlen(base->target);
    } else if (rel[0] == '?') {
        keep = (int)(path_end - base->target);
    } else if (rel[0] == '/') {
        keep = 0;
    } else {
        while (path_end > base->target && path_end[-1] != '/') {
            path_end--;
        }
        keep = (int)(path_end - base->target);
    }
    n = snprintf(text, size, "%s://%s%.*s%s", base->scheme, authority, keep, base->target, rel);
    return (n < 0 || (size_t)n >= size) ? GREET_ETOOBIG : GREET_OK;
}

static int resolve(const greet_url *base, const char *reference, greet_url *out, const char **why)
{
    char text[2 * GREET_URL_TEXT_MAX];
    const char *rel;
    int err;

    gi_url_fail(why, GREET_OK, "");
    if (base == NULL || reference == NULL || out == NULL) {
        return gi_url_fail(why, GREET_EINVAL, "no URL given");
    }
    if (strlen(reference) >= GREET_URL_TEXT_MAX) {
        return gi_url_fail(why, GREET_ETOOBIG, "URL too long");
    }
    err = split_scheme(base, reference, &rel, why);
    if (err != GREET_OK) {
        return err;
    }
    if (rel == NULL) {
        return gi_url_parse(reference, out, why);
    }
    err = merge(base, rel, text, sizeof text);
    if (err != GREET_OK) {
        return gi_url_fail(why, err, "URL too long");
    }
    return gi_url_parse(text, out, why);
}

int greet_url_resolve(const greet_url *base, const char *reference, greet_url *out)
{
    const char *why = "";
    int err = resolve(base, reference, out, &why);

    if (out != NULL) {
        out->reason = why;
    }
    return err;
}
