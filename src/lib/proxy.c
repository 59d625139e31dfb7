/* Proxy selection as curl does it: -x for every URL, otherwise the scheme's environment variable
 * (http_proxy only in lower case: a CGI server puts a request's "Proxy:" header in HTTP_PROXY),
 * then ALL_PROXY; NO_PROXY or --noproxy lists the hosts reached directly. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "greet/error.h"
#include "proxy.h"

int gi_basic_auth(const char *user, const char *password, char *out)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned char in[2 * GREET_AUTH_TOKEN_MAX + 2];
    size_t ulen = strlen(user), plen = strlen(password), n, i;
    char *o = out;

    if (ulen > GREET_AUTH_TOKEN_MAX || plen > GREET_AUTH_TOKEN_MAX) {
        return GREET_ETOOBIG;
    }
    memcpy(in, user, ulen);
    in[ulen] = ':';
    memcpy(in + ulen + 1, password, plen);
    n = ulen + 1 + plen;
    memcpy(o, "Basic ", 6);
    o += 6;
    for (i = 0; i < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16;
        v |= i + 1 < n ? (unsigned)in[i + 1] << 8 : 0;
        v |= i + 2 < n ? in[i + 2] : 0;
        *o++ = b64[(v >> 18) & 63];
        *o++ = b64[(v >> 12) & 63];
        *o++ = i + 1 < n ? b64[(v >> 6) & 63] : '=';
        *o++ = i + 2 < n ? b64[v & 63] : '=';
    }
    *o = '\0';
    return GREET_OK;
}

/* The lower-case variable, else the upper-case one (unset or empty counts as absent). */
static const char *either(gi_getenv_fn get, const char *lower, const char *upper)
{
    const char *v = get(lower);

    if (!v || !v[0]) {
        v = upper ? get(upper) : NULL;
    }
    return v && v[0] ? v : NULL;
}

void gi_proxy_conf_init(struct gi_proxy_conf *c, const struct greet_fetch_options *opt,
                        gi_getenv_fn get)
{
    int env = opt->proxy_env && get;

    memset(c, 0, sizeof *c);
    c->proxy = opt->proxy;
    if (env && !opt->proxy) {
        c->http = either(get, "http_proxy", NULL);
        c->https = either(get, "https_proxy", "HTTPS_PROXY");
        c->all = either(get, "all_proxy", "ALL_PROXY");
    }
    c->noproxy = opt->noproxy ? opt->noproxy : env ? either(get, "no_proxy", "NO_PROXY") : NULL;
    c->user = opt->proxy_user;
    c->password = opt->proxy_password;
}

static int same_nocase(const char *a, const char *b, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i])) {
            return 0;
        }
    }
    return 1;
}

int gi_ip_literal(const char *host)
{
    return strchr(host, ':') != NULL || strspn(host, "0123456789.") == strlen(host);
}

/* One entry e[0..n) against host: the host itself or, for a name, a subdomain of it. */
static int entry_matches(const char *e, size_t n, const char *host)
{
    size_t hlen = strlen(host);

    if (n >= 2 && e[0] == '[' && e[n - 1] == ']') {
        e++, n -= 2; /* [::1] */
    } else if (n > 0 && e[0] == '.') {
        e++, n--;
    }
    if (n == 0 || n > hlen) {
        return 0;
    }
    if (n == hlen) {
        return same_nocase(e, host, n);
    }
    /* "example.com" matches "www.example.com", not "badexample.com" */
    return !gi_ip_literal(host) && host[hlen - n - 1] == '.' && same_nocase(e, host + hlen - n, n);
}

int gi_noproxy_match(const char *list, const char *host)
{
    const char *p = list;

    if (!list) {
        return 0;
    }
    while (*p) {
        size_t n;
        while (*p == ' ' || *p == '\t' || *p == ',') {
            p++;
        }
        n = strcspn(p, ",");
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t')) {
            n--;
        }
        if ((n == 1 && p[0] == '*') || (n > 0 && entry_matches(p, n, host))) {
            return 1;
        }
        p += strcspn(p, ",");
    }
    return 0;
}

static const char *const schemes[] = {"http", "socks5", "socks5h", "socks4a"};

const char *gi_proxy_scheme(enum gi_proxy_kind kind)
{
    return schemes[kind];
}

/* The kind that rest's scheme (len bytes) names; -1 for none greet speaks. */
static int kind_of(const char *rest, size_t len)
{
    int k;

    for (k = GI_PROXY_HTTP; k <= GI_PROXY_SOCKS4A; k++) {
        if (strlen(schemes[k]) == len && same_nocase(rest, schemes[k], len)) {
            return k;
        }
    }
    return -1;
}

/* The credentials for out: user (with password) when given, else the URL's user-info. */
static int credentials(struct gi_proxy *out, const char *user, const char *password, int has_user,
                       const char *u, const char *pw)
{
    if (user) {
        u = user;
        pw = password ? password : "";
    } else if (!has_user) {
        u = pw = "";
    }
    out->has_user = user || has_user;
    out->authorization[0] = '\0';
    if (strlen(u) > GREET_AUTH_TOKEN_MAX || strlen(pw) > GREET_AUTH_TOKEN_MAX) {
        return GREET_ETOOBIG;
    }
    memcpy(out->user, u, strlen(u) + 1);
    memcpy(out->password, pw, strlen(pw) + 1);
    return out->has_user ? gi_basic_auth(u, pw, out->authorization) : GREET_OK;
}

int gi_proxy_parse(const char *text, const char *user, const char *password, struct gi_proxy *out,
                   const char **why)
{
    char rest[GREET_URL_TEXT_MAX], u[GREET_AUTH_TOKEN_MAX + 1], pw[GREET_AUTH_TOKEN_MAX + 1];
    char full[GREET_URL_TEXT_MAX + 8];
    size_t scheme;
    int has_user = 0, has_scheme, kind = GI_PROXY_HTTP, rc;
    greet_url url;

    *why = "";
    rc = greet_url_split_userinfo(text, rest, sizeof rest, u, pw, &has_user);
    if (rc != GREET_OK) {
        return gi_url_fail(why, rc, "bad user-info in the proxy");
    }
    scheme = gi_url_scheme_len(rest);
    has_scheme = scheme > 0 && strncmp(rest + scheme, "://", 3) == 0;
    if (has_scheme && (kind = kind_of(rest, scheme)) < 0) {
        return gi_url_fail(why, GREET_EUNSUPPORTED,
                           "greet speaks http://, socks5://, socks5h:// and socks4a:// proxies");
    }
    /* The rest has the form of an http URL's authority, whatever the scheme. */
    snprintf(full, sizeof full, "http://%s", has_scheme ? rest + scheme + 3 : rest);
    rc = gi_url_parse(full, &url, why);
    if (rc != GREET_OK) {
        return rc;
    }
    if (strcmp(url.target, "/") != 0) {
        return gi_url_fail(why, GREET_EURL, "a proxy has no path");
    }
    out->kind = (enum gi_proxy_kind)kind;
    memcpy(out->host, url.host, sizeof out->host);
    out->port = url.port_explicit ? url.port : 1080;
    url.port = out->port;
    url.port_explicit = 1;
    rc = gi_url_authority(&url, out->authority, sizeof out->authority);
    if (rc != GREET_OK) {
        return gi_url_fail(why, rc, "proxy name too long");
    }
    rc = credentials(out, user, password, has_user, u, pw);
    return rc != GREET_OK ? gi_url_fail(why, rc, "proxy credentials too long") : GREET_OK;
}

int gi_proxy_for(const struct gi_proxy_conf *c, const greet_url *url, int *use,
                 struct gi_proxy *out, const char **text, const char **why)
{
    const char *p = c->proxy;

    *use = 0;
    *why = "";
    if (!p) {
        p = strcmp(url->scheme, "https") == 0 ? c->https : c->http;
        p = p ? p : c->all;
    }
    *text = p ? p : "";
    if (!p || !p[0] || gi_noproxy_match(c->noproxy, url->host)) {
        return GREET_OK;
    }
    *use = 1;
    return gi_proxy_parse(p, c->user, c->password, out, why);
}

int gi_proxy_forwards(const struct gi_proxy *p, const greet_url *url)
{
    return p->kind == GI_PROXY_HTTP && strcmp(url->scheme, "http") == 0;
}
