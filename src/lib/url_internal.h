/* The URL's layout and what url.c and url_resolve.c share; for the library and its tests. */
#ifndef GREET_LIB_URL_INTERNAL_H
#define GREET_LIB_URL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "greet/url.h"

/* The parts in fixed buffers: no allocation while parsing, safe to copy with `=` inside the
 * library, which embeds it in its own state. Programs see it only through greet/url.h. */
struct greet_url {
    char scheme[8];                        /* "http" or "https" */
    char host[GREET_URL_HOST_MAX + 1];     /* "example.com", "127.0.0.1", "fe80::1%eth0" */
    char target[GREET_URL_TARGET_MAX + 1]; /* "/path?query", always starts with '/' */
    uint16_t port;                         /* the port to connect to, default filled in */
    unsigned char port_explicit;           /* 1 when the URL spelled the port */
    unsigned char host_ipv6;               /* 1 when host came from a [bracketed] literal */
    const char *reason; /* greet_url_reason: a static string, NULL or "" when none */
};

/* Sets *why to reason and returns err. */
int gi_url_fail(const char **why, int err, const char *reason);

/* greet_url_parse with the reason in *why (never NULL: "" on success) instead of in out. */
int gi_url_parse(const char *text, greet_url *out, const char **why);

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
