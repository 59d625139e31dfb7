/* The fetch engine's internal pieces shared between its files (fetch*.c). */
#ifndef GREET_LIB_FETCH_INT_H
#define GREET_LIB_FETCH_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "greet/fetch.h"
#include "proxy.h"
#include "url_internal.h"
#include "transport.h"

#ifdef __cplusplus
extern "C" { /* the tests reach the session's keys */
#endif

/* The engine's one way to fail, by one rule: the first failure of a fetch writes its message and
 * any later one (the parser's error after a callback stopped it, a clean-up's) only returns its
 * code, so the message always says what went wrong first. The message is fmt's text, followed,
 * when why is not NULL, by ": " and gp_failure_text(why): the failure that produced err, carried
 * with the OS detail taken where it happened (a transport's fail, the connect race's why); NULL
 * when fmt already tells the whole story. Returns err. */
int gi_fetch_fail(char *msg, size_t size, int err, const gp_failure *why, const char *fmt, ...)
    GP_PRINTF(5, 6);
int gi_fetch_vfail(char *msg, size_t size, int err, const gp_failure *why, const char *fmt,
                   va_list ap) GP_PRINTF(5, 0);

/* Checks the caller's extra header fields: a token name, a colon, a value without CR, LF, NUL or
 * other control bytes (so nothing can be injected into the request). GREET_EINVAL with msg. */
int gi_fetch_check_headers(const struct greet_fetch_options *opt, char *msg, size_t size);

/* What a request says beyond the caller's options. */
struct gi_request_how {
    /* A redirect left the URL the user gave for another scheme, host or port, and
     * location_trusted is off: the caller's Authorization, Proxy-Authorization, Cookie and Host
     * fields and the credentials below are left out. */
    int other_origin;
    const char *authorization;       /* "Basic ..." (user and password, URL), or NULL */
    const char *proxy_authorization; /* through an http proxy that wants credentials, or NULL */
    const char *absolute;            /* through an http proxy: the absolute-form target */
    int keep_alive; /* no "Connection: close": a session keeps the connection for the next one */
};

/* Builds the request head for url into a new buffer (*out, to free) of *len bytes; *dropped
 * counts the fields left out for another origin. */
int gi_fetch_request(const greet_url *url, const struct greet_fetch_options *opt,
                     const struct gi_request_how *how, char **out, size_t *len, int *dropped);

/* Asked between the slices of a long wait whether to go on: GREET_OK, or the error that ends it
 * (the sink's on_progress returning GREET_ECANCELED on the user's stop). */
struct gi_go_on {
    int (*fn)(void *ctx);
    void *ctx;
};

/* gp_resolve (at most GP_RESOLVE_MAX addresses into out) on a thread of its own, waited for in
 * slices of 100 ms until it answers, the deadline passes (GREET_ETIMEDOUT) or go_on returns an
 * error (returned as is); a lookup given up on is left to finish alone. why gets the outcome: a
 * resolver failure with the OS's text for it ("EAI_NONAME -2: Name or service not known"). */
int gi_resolve(const char *host, uint16_t port, int family, gp_deadline deadline,
               const struct gi_go_on *go_on, gp_addr *out, size_t *count, gp_failure *why);

/* Resolves url's host and connects to each address in turn within the connect timeout and the
 * deadline, telling the sink which address it tries; the first that answers wins. With tls (for
 * https) the TLS handshake follows, within the same limits. On failure msg says which host or
 * address failed and why. */
/* What gi_fetch_connect needs of the transfer. */
struct gi_fetch_target {
    const greet_url *url;
    const struct greet_fetch_options *opt; /* family, connect timeout, insecure */
    gp_deadline deadline;                  /* of the whole transfer */
    gp_tls_ctx *tls;                       /* for https; NULL for http */
    const struct gi_proxy *proxy;          /* connect to it instead (and open its tunnel) */
    const struct greet_fetch_sink *sink;   /* told of each attempt; may stop a long lookup */
    char *msg;                             /* gets the failure's message */
    size_t msg_size;
};

int gi_fetch_connect(const struct gi_fetch_target *t, struct gi_transport **out);

/* ---- Kept connections (fetch_session.c, greet_fetch_session) ---- */
#define GI_SESSION_KEY_MAX (GREET_URL_HOST_MAX + 4096 + 64)

/* Writes to key (size bytes) what a kept connection must match to carry url's request: scheme,
 * host (any case), port, family, for https the TLS settings, and the proxy it goes through (NULL:
 * none) with its scheme and credentials. GREET_ETOOBIG when that does not fit (a CA file's path
 * of thousands of bytes): the key would be cut, and a cut key could match a connection made
 * through another proxy, or none, so such a request's connection is neither taken nor kept. */
int gi_session_key(const greet_url *url, const struct greet_fetch_options *opt,
                   const struct gi_proxy *proxy, char *key, size_t size);

/* Takes an idle connection with key out of the session (GREET_ENOENT when there is none);
 * connections idle too long are closed on the way. */
int gi_session_take(greet_fetch_session *s, const char *key, struct gi_transport **out);

/* Leaves conn, whose last response was complete, in the session for the next fetch. */
void gi_session_put(greet_fetch_session *s, const char *key, struct gi_transport *conn);

/* The session's TLS settings for o (made once, kept until the session is freed); GREET_ENOENT
 * when it holds too many different ones already (the caller makes its own). */
int gi_session_tls(greet_fetch_session *s, const struct gp_tls_options *o, gp_tls_ctx **out);

/* Whether a final response head lets the connection stay open: no "Connection: close", and
 * HTTP/1.1 or an HTTP/1.0 "Connection: keep-alive". */
int gi_head_keeps_open(int version_minor, const char *head, size_t len);

/* Whether the caller's own fields ask the server to close ("Connection: close"). */
int gi_request_asks_close(const struct greet_fetch_options *opt);
/* Asks the proxy conn is connected to for a tunnel to t->url's host and port, when the URL
 * goes through one (gi_proxy_forwards: every URL but an http one through an http proxy):
 * CONNECT for an http proxy, the SOCKS handshake for a SOCKS one, each with the proxy's
 * credentials, within the connect timeout. The request, or TLS to the origin, then runs inside
 * it. A refusal (an HTTP status, a SOCKS reply code, rejected credentials) is GREET_EHTTP naming
 * the proxy and the cause; a reply that is not the protocol is GREET_EPROTO, a proxy that closes
 * GREET_ECLOSED (tunnel.h). */
int gi_proxy_tunnel(const struct gi_fetch_target *t, struct gi_transport *conn);

/* The go_on of the waits before any response (gi_resolve, the connect race): the sink's
 * on_progress (a struct greet_fetch_sink *), with nothing received yet, may stop the transfer,
 * e.g. on the user's Ctrl+C. */
int gi_fetch_still_wanted(void *sink);

#ifdef __cplusplus
}
#endif

#endif
