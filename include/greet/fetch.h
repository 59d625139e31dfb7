/* The HTTP/1.1 download engine behind `greet fetch`: one call fetches a URL, following redirects
 * if asked, and streams what arrives to a sink of callbacks, so memory stays constant whatever
 * the body's size and the caller decides where the bytes go. See docs/http.md for the behaviour. */
#ifndef GREET_FETCH_H
#define GREET_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "greet/auth.h"
#include "greet/error.h"
#include "greet/export.h"
#include "greet/net.h"

GREET_BEGIN_DECLS

enum greet_fetch_method { GREET_FETCH_GET = 0, GREET_FETCH_HEAD = 1 };

#define GREET_FETCH_MAX_REDIRECTS 100 /* the most max_redirects may be */

/* Set up with greet_fetch_options_init, then change what you need (docs/architecture.md, "The
 * ABI rule": size is the struct's size as the program was compiled; never set it yourself). */
typedef struct greet_fetch_options {
    size_t size;
    int method; /* enum greet_fetch_method; GET by default */
    /* Extra request header fields, each "Name: value". One whose name matches a built-in field
     * (Host, User-Agent, Accept, Accept-Encoding, Connection) replaces it; "Name:" with no value
     * removes it. */
    const char *const *headers;
    size_t header_count;
    int family;              /* enum greet_family; GREET_FAMILY_ANY by default */
    long connect_timeout_ms; /* per address tried; 0 none. Default 300000 (curl's) */
    long max_time_ms;        /* the whole transfer, redirects included; 0 none (default) */
    int follow_redirects;    /* follow 301/302/303/307/308; off by default */
    int max_redirects;       /* 0..GREET_FETCH_MAX_REDIRECTS, default 10 */
    int fail_on_error;       /* status >= 400 ends with GREET_EHTTP before any body byte */
    const char *user_agent;  /* default "greet/VERSION"; NULL or "" sends none */
    /* https: the server's certificate chain and name are checked against the system's trusted
     * CAs, or only against the PEM bundle ca_file when it is set; insecure skips both checks
     * (the connection is still encrypted, but anyone on the path can read and change it). */
    const char *ca_file;
    int insecure;
    /* After a redirect to another scheme, host or port than the URL given, the caller's
     * Authorization, Proxy-Authorization, Cookie and Host fields are not sent (RFC 9110 section
     * 15.4, as curl does); location_trusted sends them anyway. Off by default. */
    int location_trusted;
    /* Stall limit (curl's --speed-limit/--speed-time): once the request is sent, a transfer
     * that receives fewer than speed_limit bytes per second on average over any speed_time_ms
     * ends with GREET_ETIMEDOUT. Default 1 byte/s over 120000 ms: nothing at all for two
     * minutes. speed_limit 0 turns the check off. Pauses for limit_rate are not counted. */
    long speed_limit;
    long speed_time_ms;
    /* HTTP Basic authentication (RFC 7617) with user and password (NULL: ""). NULL user: the
     * URL's user-info ("http://user:pass@host/", percent-decoded) when it has one. Sent only to
     * the origin of the URL given: after a redirect to another scheme, host or port it is
     * dropped like the caller's Authorization field (location_trusted sends it anyway). A
     * caller's own Authorization field wins. greet/auth.h finds credentials in a netrc file. */
    const char *user;
    const char *password;
    /* Proxies (docs/http.md). proxy, for every URL: "[scheme://][user:password@]host[:port]"
     * (port 1080 when none, as curl); "" for none. The scheme is http (the default), socks5h
     * (a SOCKS5 tunnel to the host name, resolved by the proxy), socks5 (to the address greet
     * resolves) or socks4a. With proxy NULL and proxy_env, the
     * environment as curl reads it: http_proxy (lower case only) for http URLs, https_proxy or
     * HTTPS_PROXY for https ones, all_proxy or ALL_PROXY for both when those are unset.
     * noproxy lists hosts reached directly: comma-separated names (each also matches its
     * subdomains), IP literals, or "*" for all; NULL with proxy_env: no_proxy or NO_PROXY.
     * proxy_user and proxy_password win over the proxy's user-info (HTTP Basic, SOCKS5's user
     * name and password, SOCKS4a's user id). Through an http proxy, http URLs are requested in
     * absolute form, https ones through a CONNECT tunnel with TLS to the origin inside; through
     * a SOCKS proxy every URL goes through its tunnel. The choice is made again for each
     * redirect. A proxy's refusal (a 407 or another status to CONNECT, a SOCKS reply code,
     * rejected credentials) ends the fetch with GREET_EHTTP, a reply that is not its protocol
     * with GREET_EPROTO. Off by default. */
    const char *proxy;
    const char *noproxy;
    const char *proxy_user;
    const char *proxy_password;
    int proxy_env;
    /* Ask for a compressed body (Accept-Encoding: deflate, gzip) and hand it to on_body decoded
     * (a Content-Encoding of gzip, deflate or a list of them); the decoding streams through
     * fixed buffers. Without it a Content-Encoding is left as it is, as curl does. A transfer
     * coding (Transfer-Encoding: gzip) is decoded either way. Off by default; a build without
     * zlib (greet_fetch_decoder() is NULL) fails a fetch with it with GREET_EUNSUPPORTED. */
    int compressed;
    /* The most bytes per second to receive (curl's CURLOPT_MAX_RECV_SPEED_LARGE); 0, the
     * default, for no limit. From the first byte asked for, no more than limit_rate bytes per
     * elapsed second are ever read from the connection (the response as HTTP sees it: head, body
     * and framing, before any decoding), redirects included, so the average over the transfer
     * never exceeds it. When ahead, the fetch pauses reading: the connection's receive window
     * fills and the server's sends slow down. A pause asks on_progress about every 100 ms whether
     * to go on and ends at max_time_ms like any wait; time spent pausing does not count towards
     * the speed_limit check (it measures the server, not the limit). Each fetch has its own
     * limit: fetches running at the same time are not limited together. Negative: GREET_EINVAL. */
    int64_t limit_rate;
} greet_fetch_options;

/* Fills o with the defaults above and its size. */
GREET_API void greet_fetch_options_init(greet_fetch_options *o);

/* The library that decodes compressed bodies ("zlib 1.2.13"), NULL in a build without one. */
GREET_API const char *greet_fetch_decoder(void);

/* One response's head, valid only during the on_response call. The library allocates it; later
 * versions may add fields at the end. */
typedef struct greet_fetch_response {
    const char *url;  /* the URL this response answers (changes along redirects) */
    int status;       /* 100..999 */
    const char *head; /* status line and header fields as received, ending in a blank
                       * line; not NUL-terminated */
    size_t head_len;
    int64_t content_length; /* the Content-Length field, -1 when there is none (for HEAD: the
                             * size a GET would get) */
    int redirecting;        /* non-zero when the engine will follow this response's Location */
} greet_fetch_response;

/* Progress, allocated by the library like greet_fetch_response. */
typedef struct greet_fetch_progress {
    uint64_t received;   /* body bytes of the final response so far, as received (before any
                          * decoding, so they compare with total) */
    int64_t total;       /* its Content-Length, -1 when unknown */
    uint64_t elapsed_ms; /* since the body began */
} greet_fetch_progress;

/* Where the engine reports; set up with greet_fetch_sink_init (every callback NULL), then set
 * the ones you want. Those returning int return GREET_OK to go on, or a negative greet_err that
 * ends the fetch with that code (a write error, a user's interrupt as GREET_ECANCELED). */
typedef struct greet_fetch_sink {
    size_t size;
    void *ctx;
    /* A step worth telling a user who asked for detail: "Trying 127.0.0.1:80...". */
    void (*on_info)(void *ctx, const char *text);
    /* The exact request head about to be sent (CRLF line ends, blank line included). */
    void (*on_request)(void *ctx, const char *head, size_t len);
    /* Every final response's head, also those of redirects that are followed. */
    int (*on_response)(void *ctx, const greet_fetch_response *r);
    /* Body bytes of the response that ends the fetch, exactly as sent (chunk framing removed),
     * or decoded (a transfer coding such as gzip; a content coding with compressed). */
    int (*on_body)(void *ctx, const void *data, size_t len);
    /* After each piece of body, and about every 100 ms while waiting for data or for the host
     * name to resolve (then with nothing received; a lookup stopped this way is abandoned on
     * its own thread, since the resolver cannot be interrupted). */
    int (*on_progress)(void *ctx, const greet_fetch_progress *p);
} greet_fetch_sink;

GREET_API void greet_fetch_sink_init(greet_fetch_sink *sink);

#define GREET_FETCH_MESSAGE_MAX 512

/* What a fetch did; set up with greet_fetch_result_init. */
typedef struct greet_fetch_result {
    size_t size;
    int status;         /* status of the last response, 0 when none arrived */
    int redirects;      /* redirects followed */
    uint64_t body_size; /* body bytes delivered to on_body */
    /* On failure: what failed and why, e.g. "connect to 127.0.0.1:80: connection refused
     * (ECONNREFUSED 111)" or "body ended after 10 of 100 bytes: connection closed". */
    char message[GREET_FETCH_MESSAGE_MAX];
    /* Connections the fetch opened (curl's num_connects): 0 when a session's kept connection
     * carried every request. */
    int connects;
} greet_fetch_result;

GREET_API void greet_fetch_result_init(greet_fetch_result *result);

/* Fetches url (http or https; https gives GREET_EUNSUPPORTED in a build without TLS). Returns
 * GREET_OK when a complete response was received (whatever its status, unless fail_on_error),
 * otherwise the cause: GREET_EURL, GREET_ENOHOST, GREET_ECONNREFUSED, GREET_ETIMEDOUT,
 * GREET_EPROTO, GREET_ECLOSED (ended early), GREET_ETOOBIG (header limits), GREET_EREDIRECT,
 * GREET_EHTTP, GREET_ECERT (certificate rejected), GREET_ETLS (other TLS failure), or what a
 * callback returned, or GREET_EINVAL for an opt, sink or result not set up by its _init
 * function. result (may be NULL) is filled in either case. Starts and stops the
 * network stack itself (reference-counted), so any thread may call it at any time. */
GREET_API int greet_fetch(const char *url, const greet_fetch_options *opt,
                          const greet_fetch_sink *sink, greet_fetch_result *result);

/* A session keeps connections open between fetches, so that many URLs on one server take one
 * connection (HTTP/1.1 persistent connections, RFC 9112 section 9.3): a fetch through a session
 * asks for the connection to stay open and, when its response is complete and the server did not
 * say "Connection: close" (nor answered HTTP/1.0, nor ended the body by closing), leaves the
 * connection in the session for the next fetch to the same scheme, host and port (with the same
 * family and TLS settings). The next request goes out only after the previous response is
 * complete; a kept connection the server closed meanwhile is noticed at the first byte and the
 * request is sent once more on a new one, as curl does. A session also keeps its TLS settings
 * (the CA bundle loaded once). Connections idle for a minute are not reused.
 *
 * One opaque handle (docs/architecture.md, "The ABI rule"): any number of threads may fetch
 * through one session at once; each connection serves one fetch at a time. */
typedef struct greet_fetch_session greet_fetch_session;

/* Creates an empty session; GREET_ENOMEM, or a network stack failure. */
GREET_API int greet_fetch_session_new(greet_fetch_session **out);

/* Closes the session's idle connections and frees it; NULL is allowed. No fetch may be using it. */
GREET_API void greet_fetch_session_free(greet_fetch_session *session);

/* greet_fetch through session (NULL: greet_fetch itself, one connection per request). */
GREET_API int greet_fetch_with(greet_fetch_session *session, const char *url,
                               const greet_fetch_options *opt, const greet_fetch_sink *sink,
                               greet_fetch_result *result);

GREET_END_DECLS

#endif
