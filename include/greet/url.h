/*
 * URLs for HTTP: parsing `scheme://host[:port]/path?query#fragment`, resolving references
 * against a base (RFC 3986 section 5.2) and producing the request target, the Host header value
 * and the URL text back.
 *
 * Memory: a greet_url is opaque, made by greet_url_new and freed by greet_url_free; parsing and
 * resolving fill it without allocating. The limits below are part of the contract; longer input
 * fails with GREET_ETOOBIG.
 *
 * Accepted: schemes "http" (default port 80) and "https" (443), case-insensitive (stored in lower
 * case); a host name (ASCII letters, digits, '-', '.', '_', stored in lower case), an IPv4
 * address or a bracketed IPv6 literal with an optional zone (`[fe80::1%25eth0]`; a bare '%' is
 * accepted too); an optional port 1..65535 (an empty port `host:/` means the default). The
 * fragment is dropped, a missing path becomes "/", percent-encoding is kept exactly as given and
 * bytes >= 0x80 in the path or query are percent-encoded. Text without "://" is taken as
 * "http://" + text, as curl does (`greet fetch example.com` works).
 *
 * Refused (GREET_EURL, with a reason in greet_url_reason): user-info (`user:pass@host`;
 * greet_url_split_userinfo in greet/auth.h splits it off first, as greet_fetch does), spaces and
 * control characters anywhere, a missing or malformed host, a bad port. Other schemes (ftp:,
 * mailto:) fail with GREET_EUNSUPPORTED. Both http and https are fetched (greet_fetch; https needs
 * a build with a TLS backend, see greet --version).
 */
#ifndef GREET_URL_H
#define GREET_URL_H

#include <stddef.h>
#include <stdint.h>

#include "greet/export.h"

GREET_BEGIN_DECLS

/* Longest host (without brackets, with a decoded zone), in bytes, not counting the NUL. */
#define GREET_URL_HOST_MAX 255
/* Longest request target (path and query), in bytes, not counting the NUL. */
#define GREET_URL_TARGET_MAX 8192
/* A buffer of this size always holds greet_url_format's output (and the NUL). */
#define GREET_URL_TEXT_MAX (GREET_URL_TARGET_MAX + GREET_URL_HOST_MAX + 32)
/* A buffer of this size always holds greet_url_host_header's output (and the NUL). */
#define GREET_URL_HOST_HEADER_MAX (GREET_URL_HOST_MAX + 16)

/* Opaque: the parts are read through the functions below, so the limits above can grow without
 * changing the ABI. */
typedef struct greet_url greet_url;

/* Allocates an empty URL (about 8.5 KiB) for greet_url_parse or greet_url_resolve to fill;
 * GREET_ENOMEM. Free it with greet_url_free (NULL is a no-op). */
GREET_API int greet_url_new(greet_url **out);
GREET_API void greet_url_free(greet_url *url);

/* The parts of a parsed URL, valid as long as url: "https", "example.com" (an IPv6 literal
 * without brackets, "fe80::1%eth0"), "/path?query" (always starting with '/'), and the port to
 * connect to (the scheme's default when the URL spelled none). */
GREET_API const char *greet_url_scheme(const greet_url *url);
GREET_API const char *greet_url_host(const greet_url *url);
GREET_API const char *greet_url_target(const greet_url *url);
GREET_API unsigned greet_url_port(const greet_url *url);

/* Parses an absolute URL (see the top of this file) into out. On failure the parts of out are left
 * as they were and greet_url_reason(out) says why. */
GREET_API int greet_url_parse(const char *text, greet_url *out);

/* Resolves reference against base as RFC 3986 section 5.2 does (the Location of a redirect):
 * an absolute URL, a scheme-relative "//host/p", an absolute path "/p", a relative path "p" or
 * "../p" (dot segments removed), a query only "?q", or "" (the base itself, without fragment).
 * The result must be a URL greet_url_parse accepts; errors and the reason as for greet_url_parse.
 * out may be the same object as base; on failure its parts are left as they were. */
GREET_API int greet_url_resolve(const greet_url *base, const char *reference, greet_url *out);

/* Why the last greet_url_parse or greet_url_resolve into url failed, in English ("user-info
 * (user@host) in URLs is not supported"); "" after a success, for a new URL and for NULL. The
 * string lives as long as url. Failures are reported as by greet_http_parser_reason: the call
 * returns the code and the object it worked on keeps the reason. */
GREET_API const char *greet_url_reason(const greet_url *url);

/* Writes the Host header value: the host, in brackets for IPv6 (the zone left out, as curl
 * does), and ":port" only when the port is not the scheme's default. GREET_ETOOBIG if size is
 * too small (GREET_URL_HOST_HEADER_MAX always suffices). */
GREET_API int greet_url_host_header(const greet_url *url, char *buf, size_t size);

/* Writes the URL back as text, "scheme://host[:port]target", the port shown when it was explicit
 * or is not the default; greet_url_parse of the result gives the same greet_url. GREET_ETOOBIG if
 * size is too small (GREET_URL_TEXT_MAX always suffices). */
GREET_API int greet_url_format(const greet_url *url, char *buf, size_t size);

/* The default port of a scheme greet knows ("http" 80, "https" 443), 0 for any other. */
GREET_API uint16_t greet_url_default_port(const char *scheme);

GREET_END_DECLS

#endif
