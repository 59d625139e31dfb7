/* The fetch engine: one exchange per URL (connect, or take a kept connection from the session,
 * send the request, parse the response as it streams through one fixed buffer), repeated along
 * redirects. Memory is fixed per fetch: the
 * receive buffer and the parser (which keeps the raw response head), whatever the body's size. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "body_filter.h"
#include "fetch_int.h"
#include "greet/http.h"
#include "greet/version.h"
#include "http_token.h"
#include "gp_tls.h"
#include "http_token.h"
#include "rate.h"

#define RECV_BUF_SIZE (64 * 1024)
/* How often progress is reported while no data arrives (and a caller can interrupt). */
#define WAIT_SLICE_MS 100
/* A redirect's body up to this size is read and dropped, so that a session can keep the
 * connection for the next request; a bigger or unsized one ends the connection instead. */
#define DRAIN_MAX (64 * 1024)
/* The longest redirect Location followed, in bytes: a request target and a host fit. */
#define LOCATION_MAX (GREET_URL_TARGET_MAX + 512)
/* Room for a response's Transfer-Encoding and Content-Encoding values (all fields of each). */
#define CODINGS_MAX 128

struct fetch {
    const struct greet_fetch_options *opt;
    const struct greet_fetch_sink *sink;
    struct greet_fetch_result *res;
    greet_url url;
    char url_text[GREET_URL_TEXT_MAX];
    struct {
        char scheme[8];
        char host[GREET_URL_HOST_MAX + 1];
        uint16_t port;
    } origin;             /* of the URL the caller gave: credentials go only there */
    gp_deadline deadline; /* of the whole fetch, from max_time_ms */
    char authorization[GI_BASIC_AUTH_MAX]; /* "Basic ..." for the origin, "" when none */
    struct gi_proxy_conf proxy_conf;
    struct gi_proxy proxy; /* the current URL's, when via_proxy */
    int via_proxy;
    greet_http_parser *parser;
    greet_fetch_session *session; /* keeps connections between fetches; NULL: none */
    gp_tls_ctx *tls;              /* made at the first https URL, kept along redirects */
    gp_tls_ctx *own_tls;          /* tls when this fetch made it (no session), to destroy */
    char *buf;
    /* The final response's codings (from on_header) and the decoders they need. */
    char transfer_codings[CODINGS_MAX], content_codings[CODINGS_MAX];
    struct gi_body_chain chain;
    int follow; /* the current response is a redirect that will be followed */
    /* The final response's first Location, kept here for next_url: the parser keeps only what
     * framing a message needs. */
    char location[LOCATION_MAX + 1];
    int location_too_long; /* a Location longer than LOCATION_MAX came */
    struct greet_fetch_progress progress;
    uint64_t body_start;
    uint64_t window_start; /* the stall check's current window: when it began (moved on by the
                            * time spent pausing for limit_rate, which is not the server's) */
    uint64_t window_bytes; /* bytes received before it */
    uint64_t received;     /* bytes received on this connection (head and body) */
    struct gi_rate rate;   /* limit_rate's schedule, over every response of the fetch */
    int keeps_open;        /* the final head lets the connection stay open */
    int extra;             /* bytes came after the response: the connection cannot be reused */
    uint64_t visited[GREET_FETCH_MAX_REDIRECTS + 1]; /* hashes of the URLs fetched so far */
    gp_failure why;                                  /* the failure fail is given (taken) */
};

void greet_fetch_options_init(greet_fetch_options *o)
{
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->method = GREET_FETCH_GET;
    o->connect_timeout_ms = 300000;
    o->max_redirects = 10;
    o->speed_limit = 1;
    o->speed_time_ms = 120000;
    o->user_agent = "greet/" GREET_VERSION_STRING;
}

const char *greet_fetch_decoder(void)
{
    return gi_decoder_library();
}

static int is_redirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* The engine's one way to fail (gi_fetch_fail's rule: the first failure's message stands). */
static int fail(struct fetch *st, int err, const gp_failure *why, const char *fmt, ...)
    GP_PRINTF(4, 5);

static int fail(struct fetch *st, int err, const gp_failure *why, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    gi_fetch_vfail(st->res->message, sizeof st->res->message, err, why, fmt, ap);
    va_end(ap);
    return err;
}

/* rc's failure taken here, where it happened (a callback's, a TLS set-up's, the engine's own),
 * for fail. */
static const gp_failure *taken(struct fetch *st, int rc)
{
    gp_failure_take(&st->why, rc);
    return &st->why;
}

static void forget_location(struct fetch *st)
{
    st->location[0] = '\0';
    st->location_too_long = 0;
}

/* A status line starts a new header section: an interim response's codings are not the final's. */
static int on_status(void *ctx, int version_minor, int status, const char *reason,
                     size_t reason_len)
{
    struct fetch *st = ctx;

    (void)version_minor;
    (void)status;
    (void)reason;
    (void)reason_len;
    st->transfer_codings[0] = '\0';
    st->content_codings[0] = '\0';
    return GREET_OK;
}

/* Appends a field's value to a list of codings (repeated fields make one list). A list too long
 * for the buffer gets a coding nobody knows, so that it is refused rather than cut. */
static void add_codings(char *list, const char *value, size_t len)
{
    size_t at = strlen(list);

    if (at + len + 3 > CODINGS_MAX) {
        snprintf(list, CODINGS_MAX, "(a list of more than %d bytes)", CODINGS_MAX - 3);
        return;
    }
    if (at > 0) {
        memcpy(list + at, ", ", 2);
        at += 2;
    }
    memcpy(list + at, value, len);
    list[at + len] = '\0';
}

/* Keeps the codings' fields and the first Location of the header section (a later Location is
 * ignored, as curl does). */
static int on_header(void *ctx, const char *name, size_t name_len, const char *value,
                     size_t value_len)
{
    struct fetch *st = ctx;

    if (gi_http_same_name(name, name_len, "transfer-encoding")) {
        add_codings(st->transfer_codings, value, value_len);
    } else if (gi_http_same_name(name, name_len, "content-encoding")) {
        add_codings(st->content_codings, value, value_len);
    } else if (gi_http_same_name(name, name_len, "location") && st->location[0] == '\0' &&
               !st->location_too_long) {
        if (value_len > LOCATION_MAX) {
            st->location_too_long = 1;
        } else {
            memcpy(st->location, value, value_len + 1);
        }
    }
    return GREET_OK;
}

/* Where the decoded body goes: the sink. */
static int deliver(void *ctx, const void *data, size_t len)
{
    struct fetch *st = ctx;
    int rc = st->sink->on_body ? st->sink->on_body(st->sink->ctx, data, len) : GREET_OK;

    if (rc != GREET_OK) {
        return fail(st, rc, taken(st, rc), "stopped while writing the body");
    }
    st->res->body_size += len;
    return GREET_OK;
}

/* The final response's decoders: its transfer codings always (a body still coded must never
 * pass for the body), its content codings when the caller asked for compressed. */
static int decoders(struct fetch *st)
{
    struct gi_body_out sink;
    int rc;

    sink.write = deliver;
    sink.ctx = st;
    gi_body_chain_free(&st->chain);
    rc = gi_body_chain_setup(&st->chain, st->transfer_codings,
                             st->opt->compressed ? st->content_codings : NULL, sink);
    return rc != GREET_OK ? fail(st, rc, NULL, "%s", st->chain.reason) : GREET_OK;
}

static int on_headers_end(void *ctx, const greet_http_response *resp)
{
    struct fetch *st = ctx;
    struct greet_fetch_response r;
    int rc;

    if (resp->status < 200) {
        forget_location(st); /* an interim response's fields do not belong to the final one */
        return GREET_OK;     /* interim: the final response's status line comes next */
    }
    st->res->status = resp->status;
    if (resp->status == 407 && st->via_proxy && gi_proxy_forwards(&st->proxy, &st->url)) {
        return fail(st, GREET_EHTTP, NULL,
                    "proxy %s wants credentials (407 Proxy Authentication Required)%s",
                    st->proxy.authority,
                    st->proxy.authorization[0] ? ": it refused the ones given"
                                               : "; give them with --proxy-user");
    }
    st->follow = st->opt->follow_redirects && is_redirect(resp->status) &&
                 (st->location[0] != '\0' || st->location_too_long);
    r.url = st->url_text;
    r.status = resp->status;
    r.head = greet_http_parser_head(st->parser, &r.head_len);
    r.content_length = resp->has_content_length ? (int64_t)resp->content_length : -1;
    r.redirecting = st->follow;
    st->keeps_open = gi_head_keeps_open(resp->version_minor, r.head, r.head_len);
    rc = st->sink->on_response ? st->sink->on_response(st->sink->ctx, &r) : GREET_OK;
    if (rc != GREET_OK) {
        return fail(st, rc, taken(st, rc), "stopped while handling the response head");
    }
    if (st->follow) {
        /* The redirect's body is not wanted: dropped when small and the connection is kept,
         * otherwise not read at all (the connection ends). */
        return st->session && st->keeps_open &&
                       (resp->no_body ||
                        (resp->has_content_length && resp->content_length <= DRAIN_MAX))
                   ? GREET_OK
                   : GREET_ECANCELED;
    }
    if (st->opt->fail_on_error && resp->status >= 400) {
        return fail(st, GREET_EHTTP, taken(st, GREET_EHTTP), "the server answered %d",
                    resp->status);
    }
    st->progress.total = r.content_length;
    st->body_start = gp_clock_ms();
    return resp->no_body ? GREET_OK : decoders(st);
}

static int report_progress(struct fetch *st)
{
    int rc;

    if (!st->sink->on_progress) {
        return GREET_OK;
    }
    st->progress.elapsed_ms = st->body_start ? gp_clock_ms() - st->body_start : 0;
    rc = st->sink->on_progress(st->sink->ctx, &st->progress);
    return rc != GREET_OK ? fail(st, rc, taken(st, rc), "stopped") : GREET_OK;
}

static int on_body(void *ctx, const char *data, size_t len)
{
    struct fetch *st = ctx;
    int rc;

    if (st->follow) {
        return GREET_OK; /* a redirect's body, read only to keep the connection */
    }
    rc = gi_body_chain_write(&st->chain, data, len);
    if (rc != GREET_OK) {
        return fail(st, rc, NULL, "%s", st->chain.reason); /* deliver's own stands */
    }
    st->progress.received += len;
    return report_progress(st);
}

/* The body is complete: so must be what its decoders were decoding. */
static int on_message_end(void *ctx, const greet_http_response *resp)
{
    struct fetch *st = ctx;
    int rc = gi_body_chain_end(&st->chain);

    (void)resp;
    return rc != GREET_OK ? fail(st, rc, NULL, "%s", st->chain.reason) : GREET_OK;
}

static int same_text_nocase(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) {
            return 0;
        }
    }
    return *a == *b;
}

/* Whether the current URL is somewhere else than the one the caller gave (after redirects). */
static int other_origin(const struct fetch *st)
{
    return strcmp(st->url.scheme, st->origin.scheme) != 0 || st->url.port != st->origin.port ||
           !same_text_nocase(st->url.host, st->origin.host);
}

/* Sends the request head on conn. */
static int send_request(struct fetch *st, struct gi_transport *conn)
{
    char *req = NULL;
    size_t len = 0;
    int dropped = 0, plain_proxy = st->via_proxy && gi_proxy_forwards(&st->proxy, &st->url);
    struct gi_request_how how;
    int rc;

    how.other_origin = !st->opt->location_trusted && other_origin(st);
    how.authorization = st->authorization[0] ? st->authorization : NULL;
    how.proxy_authorization =
        plain_proxy && st->proxy.authorization[0] ? st->proxy.authorization : NULL;
    how.absolute = plain_proxy ? st->url_text : NULL;
    how.keep_alive = st->session != NULL;
    rc = gi_fetch_request(&st->url, st->opt, &how, &req, &len, &dropped);

    if (rc != GREET_OK) {
        return fail(st, rc, taken(st, rc), "build the request");
    }
    if (dropped && st->sink->on_info) {
        st->sink->on_info(st->sink->ctx,
                          "Redirected to another origin: not sending credentials, Cookie or a "
                          "custom Host there (--location-trusted would)");
    }
    if (st->sink->on_request) {
        st->sink->on_request(st->sink->ctx, req, len);
    }
    rc = conn->ops->write(conn, req, len, st->deadline);
    free(req);
    if (rc != GREET_OK) {
        fail(st, rc, &conn->fail, "send the request to %s", conn->peer);
    }
    return rc;
}

static int parse_failed(struct fetch *st, struct gi_transport *conn, int rc)
{
    return fail(st, rc, NULL, "response from %s: %s", conn->peer,
                greet_http_parser_reason(st->parser));
}

static int read_failed(struct fetch *st, struct gi_transport *conn, int rc)
{
    if (rc == GREET_ETIMEDOUT) {
        return fail(st, rc, &conn->fail, "receive from %s: max time of %ld ms reached", conn->peer,
                    st->opt->max_time_ms);
    }
    return fail(st, rc, &conn->fail, "receive from %s", conn->peer);
}

/* The TLS peer closed without close_notify before the response was complete (after it, the
 * engine has stopped reading). A body of known length tells how much is missing; a body that
 * ends at the close may have been cut by anyone on the path, so it is refused too. */
static int closed_without_notify(struct fetch *st, struct gi_transport *conn)
{
    int rc = greet_http_parser_finish(st->parser);

    if (rc != GREET_OK) {
        return parse_failed(st, conn, rc);
    }
    return fail(st, GREET_ECLOSED, NULL,
                "response from %s: the connection ended without TLS close_notify, so the body "
                "may be cut short",
                conn->peer);
}

/* The stall check: at the end of each speed_time window, the window's average rate must reach
 * speed_limit, or the transfer is given up as stalled. */
static int check_speed(struct fetch *st, struct gi_transport *conn)
{
    uint64_t now = gp_clock_ms(), span = now - st->window_start, bytes;

    if (st->opt->speed_limit <= 0 || st->opt->speed_time_ms <= 0 ||
        span < (uint64_t)st->opt->speed_time_ms) {
        return GREET_OK;
    }
    bytes = st->received - st->window_bytes;
    if (bytes * 1000 < (uint64_t)st->opt->speed_limit * span) {
        return fail(st, GREET_ETIMEDOUT, NULL,
                    "receive from %s: stalled: %llu bytes in the last %llu ms, less than the "
                    "speed limit of %ld bytes/s (--speed-limit, --speed-time)",
                    conn->peer, (unsigned long long)bytes, (unsigned long long)span,
                    st->opt->speed_limit);
    }
    st->window_start = now;
    st->window_bytes = st->received;
    return GREET_OK;
}

/* limit_rate: while the schedule allows nothing, pauses without reading (so the server's sends
 * slow down too) in slices of at most WAIT_SLICE_MS, asking the sink between them whether to go
 * on, as a wait for data does; the transfer's deadline ends a pause like any wait. *cap gets how
 * much may be read now. The stall check's window moves on by the pause: time spent pausing is
 * the limit's, not a slow server's, so a limit below speed_limit is never taken for a stall. */
static int pace(struct fetch *st, struct gi_transport *conn, size_t *cap)
{
    for (;;) {
        uint64_t now = gp_clock_ms();
        int rc;

        *cap = gi_rate_allowed(&st->rate, now);
        if (*cap > 0) {
            return GREET_OK;
        }
        if (gp_deadline_passed(st->deadline)) {
            return fail(st, GREET_ETIMEDOUT, NULL,
                        "receive from %s: max time of %ld ms reached (pausing for the rate limit "
                        "of %lld bytes/s)",
                        conn->peer, st->opt->max_time_ms, (long long)st->opt->limit_rate);
        }
        gp_sleep_until(gp_deadline_min(
            gp_deadline_min(gi_rate_resume(&st->rate), gp_deadline_in(WAIT_SLICE_MS)),
            st->deadline));
        st->window_start += gp_clock_ms() - now;
        rc = report_progress(st);
        if (rc != GREET_OK) {
            return rc;
        }
    }
}

/* Reads and parses until the response is complete, the peer closes, or something fails. */
static int receive(struct fetch *st, struct gi_transport *conn)
{
    st->received = 0;
    st->window_bytes = 0;
    st->window_start = gp_clock_ms();
    gi_rate_start(&st->rate, st->window_start);
    for (;;) {
        size_t got = 0, cap = RECV_BUF_SIZE;
        int rc = st->rate.rate ? pace(st, conn, &cap) : GREET_OK;
        if (rc != GREET_OK) {
            return rc;
        }
        gp_deadline slice = gp_deadline_min(gp_deadline_in(WAIT_SLICE_MS), st->deadline);
        rc = conn->ops->read(conn, st->buf, cap, &got, slice);
        int waited = rc == GREET_ETIMEDOUT && !gp_deadline_passed(st->deadline);
        st->received += got;
        gi_rate_count(&st->rate, got);
        if ((rc == GREET_OK || waited) && check_speed(st, conn) != GREET_OK) {
            return GREET_ETIMEDOUT; /* the message says it stalled */
        }
        if (waited) {
            rc = report_progress(st);
            if (rc != GREET_OK) {
                return rc;
            }
            continue;
        }
        if (rc == GREET_ECLOSED) {
            return closed_without_notify(st, conn);
        }
        if (rc != GREET_OK) {
            return read_failed(st, conn, rc);
        }
        size_t used = got;
        rc = got == 0 ? greet_http_parser_finish(st->parser)
                      : greet_http_parser_feed(st->parser, st->buf, got, &used);
        st->extra |= rc == GREET_OK && used < got;
        if (rc == GREET_ECANCELED && st->follow) {
            return GREET_OK;
        }
        if (rc != GREET_OK) {
            return parse_failed(st, conn, rc);
        }
        if (got == 0 || greet_http_parser_response(st->parser)->complete) {
            return GREET_OK;
        }
    }
}

/* The TLS settings for https URLs, made once per fetch (or per session): loading a CA file is
 * not free. */
static int tls_context(struct fetch *st)
{
    struct gp_tls_options o;
    int rc = GREET_ENOENT;

    if (st->tls) {
        return GREET_OK;
    }
    o.ca_file = st->opt->ca_file;
    o.insecure = st->opt->insecure;
    if (st->session) {
        rc = gi_session_tls(st->session, &o, &st->tls);
    }
    if (rc == GREET_ENOENT) {
        rc = gp_tls_ctx_create(&o, &st->tls);
        st->own_tls = rc == GREET_OK ? st->tls : NULL;
    }
    if (rc == GREET_EUNSUPPORTED) {
        return fail(st, rc, NULL,
                    "https is not supported in this build (built without a TLS library)");
    }
    if (rc != GREET_OK && o.ca_file) {
        /* The reason stays in the message; the code says it is a TLS set-up problem. */
        fail(st, rc, taken(st, rc), "CA file %.300s", o.ca_file);
        return GREET_ETLS;
    }
    return rc != GREET_OK ? fail(st, rc, taken(st, rc), "TLS setup") : GREET_OK;
}

/* The proxy for the current URL (chosen again after each redirect). */
static int choose_proxy(struct fetch *st)
{
    const char *text = "", *why = "";
    int rc = gi_proxy_for(&st->proxy_conf, &st->url, &st->via_proxy, &st->proxy, &text, &why);

    if (rc != GREET_OK) {
        /* The setting without its user-info: it may hold a password. */
        char shown[GREET_URL_TEXT_MAX], user[GREET_AUTH_TOKEN_MAX + 1];
        char password[GREET_AUTH_TOKEN_MAX + 1];
        int has_user = 0;
        if (greet_url_split_userinfo(text, shown, sizeof shown, user, password, &has_user) !=
            GREET_OK) {
            snprintf(shown, sizeof shown, "(not shown)");
        }
        return fail(st, rc, NULL, "proxy '%.200s': %s", shown, why);
    }
    return GREET_OK;
}

/* A new connection to the current URL. */
static int open_connection(struct fetch *st, int https, struct gi_transport **conn)
{
    struct gi_fetch_target target;
    int rc;

    target.url = &st->url;
    target.opt = st->opt;
    target.deadline = st->deadline;
    target.tls = https ? st->tls : NULL;
    target.proxy = st->via_proxy ? &st->proxy : NULL;
    target.sink = st->sink;
    target.msg = st->res->message;
    target.msg_size = sizeof st->res->message;
    rc = gi_fetch_connect(&target, conn);
    if (rc == GREET_OK) {
        st->res->connects++;
    }
    return rc;
}

/* One request and its response on conn. */
static int request(struct fetch *st, struct gi_transport *conn)
{
    int rc;

    st->follow = 0;
    st->keeps_open = 0;
    st->extra = 0;
    st->received = 0;
    st->progress.received = 0;
    st->progress.total = -1;
    st->body_start = 0;
    forget_location(st);
    gi_body_chain_free(&st->chain);
    greet_http_parser_reset(st->parser,
                            GREET_HTTP_TRANSFER_CODINGS |
                                (st->opt->method == GREET_FETCH_HEAD ? GREET_HTTP_HEAD : 0));
    rc = send_request(st, conn);
    if (rc == GREET_OK) {
        rc = receive(st, conn);
    }
    return rc;
}

/* A kept connection that the server closed while it was idle: the request failed on it before
 * any byte of a response came back. Such a request is sent once more on a new connection, as
 * curl does; nothing of it reached the sink. */
static int went_stale(const struct fetch *st, int rc)
{
    return st->received == 0 &&
           (rc == GREET_ECLOSED || rc == GREET_ECONNRESET || rc == GREET_ECONNABORTED ||
            rc == GREET_EPIPE || rc == GREET_ENOTCONN);
}

/* Whether conn may carry the next request: a complete response, whose head lets the connection
 * stay open, whose body did not end at the close, with nothing after it, to a request that did
 * not ask to close. */
static int reusable(const struct fetch *st)
{
    const greet_http_response *resp = greet_http_parser_response(st->parser);

    return resp->complete && !resp->until_close && st->keeps_open && !st->extra &&
           !gi_request_asks_close(st->opt);
}

static void say(const struct fetch *st, const char *fmt, ...) GP_PRINTF(2, 3);

static void say(const struct fetch *st, const char *fmt, ...)
{
    char text[GP_ADDRSTR_MAX + 128];
    va_list ap;

    if (st->sink->on_info) {
        va_start(ap, fmt);
        vsnprintf(text, sizeof text, fmt, ap);
        va_end(ap);
        st->sink->on_info(st->sink->ctx, text);
    }
}

/* One request and its response to the current URL, on a kept connection when the session has
 * one for its origin, otherwise on a new one (kept afterwards when it may be). */
static int exchange(struct fetch *st)
{
    struct gi_transport *conn = NULL;
    int https = strcmp(st->url.scheme, "https") == 0;
    char key[GI_SESSION_KEY_MAX];
    int keyed = 0, reused = 0, rc = choose_proxy(st);

    if (rc == GREET_OK && https) {
        rc = tls_context(st);
    }
    if (rc != GREET_OK) {
        return rc;
    }
    keyed = st->session && gi_session_key(&st->url, st->opt, st->via_proxy ? &st->proxy : NULL, key,
                                          sizeof key) == GREET_OK;
    if (keyed) {
        reused = gi_session_take(st->session, key, &conn) == GREET_OK;
    }
    if (reused) {
        say(st, "Re-using the connection to %s", conn->peer);
    } else {
        rc = open_connection(st, https, &conn);
        if (rc != GREET_OK) {
            return rc;
        }
    }
    rc = request(st, conn);
    if (reused && rc != GREET_OK && went_stale(st, rc)) {
        say(st, "The server closed the kept connection to %s; sending again on a new one",
            conn->peer);
        conn->ops->close(conn);
        st->res->message[0] = '\0'; /* the new attempt's failure, if any, is the one to tell */
        rc = open_connection(st, https, &conn);
        if (rc != GREET_OK) {
            return rc;
        }
        rc = request(st, conn);
    }
    if (rc == GREET_OK && keyed && reusable(st)) {
        gi_session_put(st->session, key, conn);
    } else {
        conn->ops->close(conn);
    }
    return rc;
}

/* FNV-1a: enough to recognise a URL seen before in this chain. */
static uint64_t url_hash(const char *s)
{
    uint64_t h = 14695981039346656037u;

    for (; *s; s++) {
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    }
    return h;
}

/* A Location with raw spaces or bytes beyond ASCII (which RFC 3986 allows in no URL) is sent by
 * real servers; browsers and curl percent-encode those bytes rather than refuse the redirect,
 * and so does greet. Returns a new string (to free), NULL when out of memory. */
static char *encode_location(const char *loc)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0, i;
    char *out, *o;

    for (i = 0; loc[i]; i++) {
        n += (unsigned char)loc[i] <= 0x20 || (unsigned char)loc[i] >= 0x7f ? 3 : 1;
    }
    out = malloc(n + 1);
    if (!out) {
        return NULL;
    }
    for (o = out, i = 0; loc[i]; i++) {
        unsigned char c = (unsigned char)loc[i];
        if (c <= 0x20 || c >= 0x7f) {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        } else {
            *o++ = (char)c;
        }
    }
    *o = '\0';
    return out;
}

/* Moves to the current response's Location, refusing loops and too many redirects. */
static int next_url(struct fetch *st)
{
    char *location;
    uint64_t h;
    int i, rc;

    if (st->location_too_long) {
        return fail(st, GREET_ETOOBIG, NULL, "redirect Location longer than %d bytes",
                    LOCATION_MAX);
    }
    if (st->res->redirects >= st->opt->max_redirects) {
        return fail(st, GREET_EREDIRECT, NULL, "more than %d redirects (the last one from %.200s)",
                    st->opt->max_redirects, st->url_text);
    }
    location = encode_location(st->location);
    if (!location) {
        return GREET_ENOMEM;
    }
    rc = greet_url_resolve(&st->url, location, &st->url);
    free(location);
    if (rc == GREET_OK) {
        rc = greet_url_format(&st->url, st->url_text, sizeof st->url_text);
    }
    if (rc != GREET_OK) {
        return fail(st, rc, NULL, "bad redirect Location '%.200s': %s", st->location,
                    greet_url_reason(&st->url));
    }
    h = url_hash(st->url_text);
    for (i = 0; i <= st->res->redirects; i++) {
        if (st->visited[i] == h) {
            return fail(st, GREET_EREDIRECT, NULL, "redirect loop: %.200s was already fetched",
                        st->url_text);
        }
    }
    st->visited[++st->res->redirects] = h;
    return GREET_OK;
}

static int run(struct fetch *st)
{
    int rc;

    st->visited[0] = url_hash(st->url_text);
    for (;;) {
        rc = exchange(st);
        if (rc != GREET_OK || !st->follow) {
            return rc;
        }
        rc = next_url(st);
        if (rc != GREET_OK) {
            return rc;
        }
    }
}

static const char *get_env(const char *name)
{
    return getenv(name);
}

/* The credentials for the origin: the caller's user, else the URL's user-info. */
static int credentials(struct fetch *st, int has_user, const char *user, const char *password)
{
    int rc = GREET_OK;

    if (st->opt->user) {
        rc = gi_basic_auth(st->opt->user, st->opt->password ? st->opt->password : "",
                           st->authorization);
    } else if (has_user) {
        rc = gi_basic_auth(user, password, st->authorization);
    }
    return rc != GREET_OK ? fail(st, rc, NULL, "user name or password longer than %d bytes",
                                 GREET_AUTH_TOKEN_MAX)
                          : GREET_OK;
}

static int start(struct fetch *st, const char *url)
{
    greet_http_callbacks cb;
    const char *why = NULL; /* a reason found before the URL parser runs */
    char *rest = malloc(strlen(url) + 1);
    char user[GREET_AUTH_TOKEN_MAX + 1], password[GREET_AUTH_TOKEN_MAX + 1];
    int has_user = 0;
    int rc = rest ? greet_url_split_userinfo(url, rest, strlen(url) + 1, user, password, &has_user)
                  : GREET_ENOMEM;

    if (rc == GREET_OK) {
        rc = greet_url_parse(rest, &st->url);
    } else if (rc != GREET_ENOMEM) {
        why = "bad percent-encoding in the user-info";
    }
    free(rest);
    if (rc == GREET_OK) {
        rc = credentials(st, has_user, user, password);
        if (rc != GREET_OK) {
            return rc;
        }
    }
    gi_proxy_conf_init(&st->proxy_conf, st->opt, get_env);

    greet_http_callbacks_init(&cb);
    cb.on_status = on_status;
    cb.on_header = on_header;
    cb.on_headers_end = on_headers_end;
    cb.on_body = on_body;
    cb.on_message_end = on_message_end;

    if (rc == GREET_OK) {
        rc = greet_url_format(&st->url, st->url_text, sizeof st->url_text);
    }
    if (rc != GREET_OK) {
        if (!why) {
            why = greet_url_reason(&st->url);
        }
        return fail(st, rc, NULL, "%s", why[0] ? why : "malformed URL");
    }
    snprintf(st->origin.scheme, sizeof st->origin.scheme, "%s", st->url.scheme);
    snprintf(st->origin.host, sizeof st->origin.host, "%s", st->url.host);
    st->origin.port = st->url.port;
    rc = gi_fetch_check_headers(st->opt, st->res->message, sizeof st->res->message);
    if (rc != GREET_OK) {
        return rc;
    }
    if (st->opt->compressed && !gi_decoder_library()) {
        return fail(st, GREET_EUNSUPPORTED, NULL,
                    "compressed bodies are not supported in this build (built without zlib)");
    }
    if (st->opt->max_redirects < 0 || st->opt->max_redirects > GREET_FETCH_MAX_REDIRECTS) {
        return fail(st, GREET_EINVAL, NULL, "max redirects must be 0..%d",
                    GREET_FETCH_MAX_REDIRECTS);
    }
    if (st->opt->limit_rate < 0) {
        return fail(st, GREET_EINVAL, NULL, "the rate limit must be 0 (none) or more bytes/s");
    }
    gi_rate_init(&st->rate, st->opt->limit_rate, RECV_BUF_SIZE);
    st->buf = malloc(RECV_BUF_SIZE);
    if (!st->buf) {
        return GREET_ENOMEM;
    }
    return greet_http_parser_new(&st->parser, &cb, st, 0);
}

void greet_fetch_sink_init(greet_fetch_sink *sink)
{
    memset(sink, 0, sizeof *sink);
    sink->size = sizeof *sink;
}

void greet_fetch_result_init(greet_fetch_result *result)
{
    memset(result, 0, sizeof *result);
    result->size = sizeof *result;
}

/* The program's options and sink in this library's layout (abi.h); NULL ones give defaults. */
static int take_arguments(const greet_fetch_options *opt, const greet_fetch_sink *sink,
                          greet_fetch_options *own_opt, greet_fetch_sink *own_sink)
{
    int rc;

    greet_fetch_options_init(own_opt);
    greet_fetch_sink_init(own_sink);
    rc = opt ? gi_abi_import(own_opt, sizeof *own_opt, opt) : GREET_EINVAL;
    if (rc == GREET_OK && sink) {
        rc = gi_abi_import(own_sink, sizeof *own_sink, sink);
    }
    return rc;
}

static int fetch(greet_fetch_session *session, const char *url, const greet_fetch_options *opt,
                 const greet_fetch_sink *sink, greet_fetch_result *result)
{
    struct fetch *st = calloc(1, sizeof *st);
    int rc;

    if (!st) {
        return GREET_ENOMEM;
    }
    st->opt = opt;
    st->sink = sink;
    st->res = result;
    st->session = session;
    st->deadline = gp_deadline_in(opt->max_time_ms);
    rc = gp_net_init();
    if (rc == GREET_OK) {
        rc = start(st, url);
        if (rc == GREET_OK) {
            rc = run(st);
        }
        gp_net_fini();
    }
    gi_body_chain_free(&st->chain);
    greet_http_parser_free(st->parser);
    gp_tls_ctx_destroy(st->own_tls);
    free(st->buf);
    free(st);
    return rc;
}

int greet_fetch(const char *url, const greet_fetch_options *opt, const greet_fetch_sink *sink,
                greet_fetch_result *result)
{
    return greet_fetch_with(NULL, url, opt, sink, result);
}

int greet_fetch_with(greet_fetch_session *session, const char *url, const greet_fetch_options *opt,
                     const greet_fetch_sink *sink, greet_fetch_result *result)
{
    greet_fetch_options own_opt;
    greet_fetch_sink own_sink;
    greet_fetch_result own_result;
    int rc = take_arguments(opt, sink, &own_opt, &own_sink);

    greet_fetch_result_init(&own_result);
    if (rc == GREET_OK) {
        rc = fetch(session, url, &own_opt, &own_sink, &own_result);
    }
    if (rc != GREET_OK) {
        /* A failure that wrote nothing (no memory, a bad argument): its text alone. */
        char text[GREET_FETCH_MESSAGE_MAX];
        gp_failure why;
        gp_failure_take(&why, rc);
        gi_fetch_fail(own_result.message, sizeof own_result.message, rc, NULL, "%s",
                      gp_failure_text(&why, text, sizeof text));
    }
    if (result && gi_abi_export(result, &own_result, sizeof own_result) != GREET_OK) {
        return GREET_EINVAL; /* nowhere to say more */
    }
    return rc;
}
