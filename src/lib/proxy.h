/* Which proxy a URL goes through (the caller's proxy option, or the environment as curl reads
 * it, minus the noproxy list), and HTTP Basic credentials. Pure functions: the environment comes
 * in through a getter, so tests hand in their own. */
#ifndef GREET_LIB_PROXY_H
#define GREET_LIB_PROXY_H

#include <stddef.h>
#include <stdint.h>

#include "greet/auth.h"
#include "greet/fetch.h"
#include "url_internal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "Basic " and the base64 of "user:password" at their longest, and the NUL. */
#define GI_BASIC_AUTH_MAX (6 + 4 * ((2 * GREET_AUTH_TOKEN_MAX + 1 + 2) / 3) + 1)

/* Writes "Basic base64(user:password)" (RFC 7617) to out (GI_BASIC_AUTH_MAX bytes). GREET_ETOOBIG
 * when user or password is longer than GREET_AUTH_TOKEN_MAX. */
int gi_basic_auth(const char *user, const char *password, char *out);

/* What a proxy speaks: its URL's scheme. */
enum gi_proxy_kind {
    GI_PROXY_HTTP,    /* http://: http URLs in absolute form, a CONNECT tunnel for https */
    GI_PROXY_SOCKS5,  /* socks5://: a tunnel for every URL, to the address greet resolved */
    GI_PROXY_SOCKS5H, /* socks5h://: a tunnel for every URL, to the name (the proxy resolves) */
    GI_PROXY_SOCKS4A  /* socks4a://: as socks5h, in SOCKS4a (no password, no IPv6) */
};

/* A proxy to go through. */
struct gi_proxy {
    enum gi_proxy_kind kind;
    char host[GREET_URL_HOST_MAX + 1];         /* "proxy.example", "127.0.0.1", "::1" */
    uint16_t port;                             /* 1080 when the proxy's URL has none, as curl */
    char authority[GREET_URL_HOST_HEADER_MAX]; /* "host:port" ([::1]:port) for messages */
    char authorization[GI_BASIC_AUTH_MAX];     /* "Basic ..." for Proxy-Authorization, or "" */
    /* The credentials as given, for SOCKS (RFC 1929; SOCKS4a's user id): has_user is 0 when
     * there are none. */
    int has_user;
    char user[GREET_AUTH_TOKEN_MAX + 1];
    char password[GREET_AUTH_TOKEN_MAX + 1];
};

/* The scheme of kind as a proxy URL spells it: "http", "socks5", "socks5h", "socks4a". */
const char *gi_proxy_scheme(enum gi_proxy_kind kind);

/* Where the proxy settings come from: the caller's options and, with opt->proxy_env, the
 * environment through get (getenv in the engine; a table in tests). */
typedef const char *(*gi_getenv_fn)(const char *name);

struct gi_proxy_conf {
    const char *proxy;   /* every URL ("" none); NULL: per scheme below */
    const char *http;    /* http URLs: http_proxy (lower case only, for CGI safety) */
    const char *https;   /* https URLs: https_proxy or HTTPS_PROXY */
    const char *all;     /* either, when its own is unset: all_proxy or ALL_PROXY */
    const char *noproxy; /* the caller's noproxy, else no_proxy or NO_PROXY */
    const char *user;    /* proxy_user/proxy_password: win over the proxy URL's user-info */
    const char *password;
};

void gi_proxy_conf_init(struct gi_proxy_conf *c, const struct greet_fetch_options *opt,
                        gi_getenv_fn get);

/* Non-zero when host is an IPv4 or IPv6 literal (without brackets), which names no subdomains
 * and needs no lookup. */
int gi_ip_literal(const char *host);

/* Non-zero when host is in list (curl's --noproxy): comma-separated entries, blanks around them
 * ignored; "*" alone matches every host; a name matches itself and its subdomains (a leading '.'
 * is ignored: ".example.com" and "example.com" both match "www.example.com", not
 * "badexample.com"), case-insensitively; an IP literal (IPv6 with or without brackets) matches
 * only itself. */
int gi_noproxy_match(const char *list, const char *host);

/* Parses "[scheme://][user:password@]host[:port][/]" into out, with user and password (when
 * not NULL) winning over its user-info. The scheme is http (the default), socks5, socks5h or
 * socks4a, in any case; GREET_EUNSUPPORTED for another one (https, socks4), GREET_EURL for
 * anything malformed; *why says which. */
int gi_proxy_parse(const char *text, const char *user, const char *password, struct gi_proxy *out,
                   const char **why);

/* The proxy for url: *use is 0 when it goes direct (no proxy set, or noproxy lists its host),
 * otherwise out is filled in. Errors as for gi_proxy_parse; *text is the setting at fault. */
int gi_proxy_for(const struct gi_proxy_conf *c, const greet_url *url, int *use,
                 struct gi_proxy *out, const char **text, const char **why);

/* Non-zero when p is sent url's request itself (an http URL through an http proxy: the
 * absolute form, with Proxy-Authorization); otherwise the request goes through a tunnel that
 * p opens to url's host (CONNECT, SOCKS). */
int gi_proxy_forwards(const struct gi_proxy *p, const greet_url *url);

#ifdef __cplusplus
}
#endif

#endif
