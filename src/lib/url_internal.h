/* Shared between url.c and url_resolve.c. */
#ifndef GREET_LIB_URL_INTERNAL_H
#define GREET_LIB_URL_INTERNAL_H

#include <stddef.h>

#include "greet/url.h"

/* Sets *why (if why is not NULL) to reason and returns err. */
int gi_url_fail(const char **why, int err, const char *reason);

/* Length of the RFC 3986 scheme that text starts with, if a ':' follows it; 0 otherwise. */
size_t gi_url_scheme_len(const char *text);

/* RFC 3986 section 5.2.4 on path[0..len), which is empty or starts with '/' (modified in
 * place), written to out (not overlapping, at least len + 1 bytes, NUL-terminated). Returns the
 * output length, never more than len. */
size_t gi_url_remove_dot_segments(char *path, size_t len, char *out);

/* "host[:port]" as the URL spells it (IPv6 in brackets with its zone, the port when explicit or
 * not the default). GREET_ETOOBIG if it does not fit. */
int gi_url_authority(const greet_url *url, char *buf, size_t size);

#endif
