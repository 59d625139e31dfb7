/* Dot-segment removal (RFC 3986 section 5.2.4): the one path rule that both parsing (url.c) and
 * reference resolution (url_resolve.c) apply, kept apart so that neither needs the other for it. */
#include <string.h>

#include "url_internal.h"

static int starts(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);

    return n >= k && memcmp(s, prefix, k) == 0;
}

/* Drops the output's last segment and the '/' before it. */
static size_t pop_segment(const char *out, size_t o)
{
    while (o > 0 && out[o - 1] != '/') {
        o--;
    }
    return o > 0 ? o - 1 : 0;
}

size_t gi_url_remove_dot_segments(char *in, size_t n, char *out)
{
    size_t o = 0;

    /* The input starts with '/' and every step keeps it so; RFC 3986's rules for a leading
     * "../", "./", "." or ".." therefore never apply. */
    while (n > 0) {
        if (starts(in, n, "/./") || (n == 2 && starts(in, n, "/."))) {
            in += n == 2 ? 1 : 2; /* "/./x" -> "/x", a final "/." -> "/" */
            n -= n == 2 ? 1 : 2;
            in[0] = '/';
        } else if (starts(in, n, "/../") || (n == 3 && starts(in, n, "/.."))) {
            in += n == 3 ? 2 : 3; /* "/../x" -> "/x", a final "/.." -> "/" */
            n -= n == 3 ? 2 : 3;
            in[0] = '/';
            o = pop_segment(out, o);
        } else {
            size_t k = 1;

            while (k < n && in[k] != '/') {
                k++;
            }
            memcpy(out + o, in, k);
            o += k;
            in += k;
            n -= k;
        }
    }
    out[o] = '\0';
    return o;
}
