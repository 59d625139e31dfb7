/* The greeting server: one accept thread, one small-stack thread per connection (the tutorial's
 * model), and a tracked set of connections so that stop can drain, close and join every one. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gp.h"
#include "greet/server.h"
#include "proto.h"

#if defined(__GNUC__)
#define SERVER_PRINTF(fmt, first) __attribute__((format(printf, fmt, first)))
#else
#define SERVER_PRINTF(fmt, first)
#endif

#define ACCEPT_SLICE_MS   100 /* how often the accept loop looks at the stop flag */
#define ACCEPT_BACKOFF_MS 100 /* pause after accept fails for lack of descriptors or memory */
#define LOG_LINE_MAX      512
#define MAPPED_V4_PREFIX  "::ffff:"

struct conn {
    struct conn *prev, *next; /* in srv->live while serving; next links srv->finished after */
    greet_server *srv;
    gp_thread *thread;
    gp_socket sock;
    char peer[GP_ADDRSTR_MAX];
    struct gi_proto proto;
    unsigned char rbuf[GI_PROTO_RECV_MAX];
};

struct greet_server {
    greet_server_config cfg;
    char *greeting; /* the configured text and its "\n" */
    size_t greeting_len;
    gp_socket listener;
    gp_addr local;
    gp_thread *acceptor;
    gp_atomic stopping; /* set once: the accept loop ends */
    int net_started;
    gp_mutex *lock;        /* guards everything below */
    gp_cond *changed;      /* a connection ended during stop, or the drain time is over */
    struct conn *live;     /* connections being served */
    struct conn *finished; /* connections whose thread ended, to be joined */
    long active;
    unsigned long accepted, rejected;
    int closing; /* drain time over: delays end, sockets are shut */
};

static void server_log(greet_server *srv, int level, const char *fmt, ...) SERVER_PRINTF(3, 4);

static void server_log(greet_server *srv, int level, const char *fmt, ...)
{
    char line[LOG_LINE_MAX];
    va_list ap;

    if (!srv->cfg.log || level > srv->cfg.log_level) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    srv->cfg.log(srv->cfg.log_user, level, line);
}

void greet_server_config_init(greet_server_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->port = GREET_DEFAULT_PORT;
    cfg->backlog = GREET_DEFAULT_BACKLOG;
    cfg->max_clients = GREET_DEFAULT_MAX_CLIENTS;
    cfg->greeting = GREET_DEFAULT_GREETING;
    cfg->max_line = GREET_DEFAULT_MAX_LINE;
    cfg->drain_ms = GREET_DEFAULT_DRAIN_MS;
    cfg->stack_size = GREET_DEFAULT_STACK_SIZE;
    cfg->log_level = GREET_LOG_INFO;
}

/* "127.0.0.1:5000" also for an IPv4 client of a dual-stack listener ("[::ffff:127.0.0.1]:5000"
 * to the OS), as the tutorial prints it. */
static void format_peer(const gp_addr *addr, char *buf, size_t size)
{
    char host[GP_ADDRSTR_MAX];
    size_t plen = sizeof MAPPED_V4_PREFIX - 1;

    if (gp_addr_host(addr, host, sizeof host) == GREET_OK &&
        strncmp(host, MAPPED_V4_PREFIX, plen) == 0 && strchr(host + plen, '.')) {
        snprintf(buf, size, "%s:%u", host + plen, (unsigned)gp_addr_port(addr));
    } else if (gp_addr_format(addr, buf, size) != GREET_OK) {
        snprintf(buf, size, "?");
    }
}

/* ---- One connection ----------------------------------------------------------------------- */

/* Waits cfg.delay_ms before a reply; cut short (GREET_ECANCELED) when the drain time is over. */
static int delay_reply(greet_server *srv)
{
    uint64_t end = gp_clock_ms() + (uint64_t)srv->cfg.delay_ms;
    uint64_t now;
    int rc;

    gp_mutex_lock(srv->lock);
    while (!srv->closing && (now = gp_clock_ms()) < end) {
        gp_cond_wait(srv->changed, srv->lock, (int)(end - now));
    }
    rc = srv->closing ? GREET_ECANCELED : GREET_OK;
    gp_mutex_unlock(srv->lock);
    return rc;
}

static int emit_reply(void *ctx, const void *data, size_t len)
{
    struct conn *c = ctx;

    if (c->srv->cfg.delay_ms > 0) {
        int rc = delay_reply(c->srv);
        if (rc != GREET_OK) {
            return rc;
        }
    }
    return gp_sock_send_all(c->sock, data, len);
}

/* Receives and answers until the client leaves: GREET_OK at end of stream, GI_PROTO_EXIT or
 * GI_PROTO_OVERLONG, or the error that ended it. */
static int serve(struct conn *c)
{
    for (;;) {
        size_t got;
        int rc = gp_sock_recv(c->sock, c->rbuf, sizeof c->rbuf, &got);
        if (rc != GREET_OK) {
            return rc;
        }
        if (got == 0) {
            /* At stop the end of stream is the server's own doing: no line was finished. */
            return gp_atomic_load(&c->srv->stopping) ? GREET_OK
                                                     : gi_proto_finish(&c->proto, emit_reply, c);
        }
        if (c->proto.mode == GI_MODE_UNKNOWN) {
            int mode = gi_proto_latch(&c->proto, c->rbuf, got);
            server_log(c->srv, GREET_LOG_DEBUG, "connection with %s uses %s mode", c->peer,
                       mode == GI_MODE_LINE ? "line" : "raw");
        }
        rc = gi_proto_feed(&c->proto, c->rbuf, got, emit_reply, c);
        if (rc != GI_PROTO_MORE) {
            return rc;
        }
    }
}

/* The "connection from HOST:PORT closed" line, with the reason when it was not the client's. */
static void closed_text(struct conn *c, int why, char *buf, size_t size)
{
    greet_server *srv = c->srv;
    char text[256];

    if (why == GI_PROTO_EXIT || (why == GREET_OK && !gp_atomic_load(&srv->stopping))) {
        snprintf(buf, size, "connection from %s closed", c->peer);
    } else if (why == GI_PROTO_OVERLONG) {
        snprintf(buf, size, "connection from %s closed (line longer than %lu bytes)", c->peer,
                 (unsigned long)c->proto.max_line);
    } else if (why == GREET_ETIMEDOUT) {
        snprintf(buf, size, "connection from %s closed (idle for %d ms)", c->peer,
                 srv->cfg.idle_timeout_ms);
    } else if (gp_atomic_load(&srv->stopping)) {
        snprintf(buf, size, "connection from %s closed (server stopping)", c->peer);
    } else {
        snprintf(buf, size, "connection from %s closed (%s)", c->peer,
                 greet_error_text(why, text, sizeof text));
    }
}

/* Leaves the live set for the finished list; after the unlock c belongs to whoever joins it. */
static void conn_end(struct conn *c)
{
    greet_server *srv = c->srv;

    gp_mutex_lock(srv->lock);
    if (c->prev) {
        c->prev->next = c->next;
    } else {
        srv->live = c->next;
    }
    if (c->next) {
        c->next->prev = c->prev;
    }
    gp_sock_close(c->sock);
    c->sock = GP_SOCKET_INVALID;
    c->next = srv->finished;
    srv->finished = c;
    srv->active--;
    if (gp_atomic_load(&srv->stopping)) {
        gp_cond_broadcast(srv->changed);
    }
    gp_mutex_unlock(srv->lock);
}

static void conn_main(void *arg)
{
    struct conn *c = arg;
    greet_server *srv = c->srv;
    char line[LOG_LINE_MAX];
    int rc;

    server_log(srv, GREET_LOG_INFO, "connection with %s", c->peer);
    gp_sock_set_nodelay(c->sock, 1);
    if (srv->cfg.idle_timeout_ms > 0) {
        gp_sock_set_timeouts(c->sock, srv->cfg.idle_timeout_ms, srv->cfg.idle_timeout_ms);
    }
    rc = gp_sock_send_all(c->sock, srv->greeting, srv->greeting_len);
    if (rc == GREET_OK) {
        rc = serve(c);
    }
    closed_text(c, rc, line, sizeof line);
    conn_end(c);
    /* Logged once the connection no longer counts, so that a reader of the log may connect
     * again at once; srv outlives this thread (stop joins it), c does not. */
    server_log(srv, GREET_LOG_INFO, "%s", line);
}

static void conn_free(struct conn *c)
{
    gi_proto_free(&c->proto);
    free(c);
}

/* ---- Accepting ---------------------------------------------------------------------------- */

/* Joins the threads of connections that ended and frees them. */
static void reap(greet_server *srv)
{
    struct conn *c;

    gp_mutex_lock(srv->lock);
    c = srv->finished;
    srv->finished = NULL;
    gp_mutex_unlock(srv->lock);
    while (c) {
        struct conn *next = c->next;
        if (c->thread) {
            gp_thread_join(c->thread);
        }
        conn_free(c);
        c = next;
    }
}

static void reject_busy(greet_server *srv, gp_socket s, const char *peer)
{
    server_log(srv, GREET_LOG_WARN, "connection with %s refused: %ld clients already", peer,
               srv->cfg.max_clients);
    gp_sock_send_all(s, GREET_BUSY_MESSAGE, sizeof GREET_BUSY_MESSAGE - 1);
    gp_sock_shutdown(s, GP_SHUT_WR);
    gp_sock_close(s);
}

/* Adds c to the live set unless the server is full; returns non-zero when it did. */
static int admit(greet_server *srv, struct conn *c)
{
    int ok;

    gp_mutex_lock(srv->lock);
    ok = srv->cfg.max_clients == 0 || srv->active < srv->cfg.max_clients;
    if (ok) {
        c->next = srv->live;
        if (srv->live) {
            srv->live->prev = c;
        }
        srv->live = c;
        srv->active++;
        srv->accepted++;
    } else {
        srv->rejected++;
    }
    gp_mutex_unlock(srv->lock);
    return ok;
}

static struct conn *conn_new(greet_server *srv, gp_socket s, const gp_addr *peer)
{
    struct conn *c = calloc(1, sizeof *c);

    if (!c) {
        return NULL;
    }
    if (gi_proto_init(&c->proto, srv->cfg.max_line) != GREET_OK) {
        free(c);
        return NULL;
    }
    c->srv = srv;
    c->sock = s;
    format_peer(peer, c->peer, sizeof c->peer);
    return c;
}

static void start_connection(greet_server *srv, gp_socket s, const gp_addr *peer)
{
    struct conn *c = conn_new(srv, s, peer);
    int rc;

    /* Windows hands out accepted sockets non-blocking like their listener. */
    gp_sock_set_nonblocking(s, 0);
    if (!c) {
        server_log(srv, GREET_LOG_ERROR, "connection refused: out of memory");
        gp_sock_close(s);
        return;
    }
    if (!admit(srv, c)) {
        reject_busy(srv, s, c->peer);
        conn_free(c);
        return;
    }
    rc = gp_thread_start(&c->thread, conn_main, c, srv->cfg.stack_size);
    if (rc != GREET_OK) {
        char text[256];
        server_log(srv, GREET_LOG_ERROR, "connection with %s refused: cannot start a thread: %s",
                   c->peer, greet_error_text(rc, text, sizeof text));
        c->thread = NULL;
        conn_end(c);
        reap(srv);
    }
}

static void accept_failed(greet_server *srv, int rc)
{
    char text[256];

    /* A client that gave up before accept, or a wake-up with nothing to accept, is normal. */
    if (rc == GREET_EAGAIN || rc == GREET_ECONNABORTED || rc == GREET_ECONNRESET ||
        rc == GREET_EINTR) {
        return;
    }
    server_log(srv, GREET_LOG_WARN, "accept: %s", greet_error_text(rc, text, sizeof text));
    gp_sleep_ms(ACCEPT_BACKOFF_MS);
}

static void accept_main(void *arg)
{
    greet_server *srv = arg;

    while (!gp_atomic_load(&srv->stopping)) {
        gp_socket s;
        gp_addr peer;
        int rc = gp_sock_wait(srv->listener, GP_WAIT_READ, ACCEPT_SLICE_MS);
        if (rc == GREET_OK) {
            rc = gp_sock_accept(srv->listener, &s, &peer);
        }
        if (rc == GREET_OK) {
            start_connection(srv, s, &peer);
        } else if (rc != GREET_ETIMEDOUT) {
            accept_failed(srv, rc);
        }
        reap(srv);
    }
}

/* ---- Start and stop ----------------------------------------------------------------------- */

static int listen_any(greet_server *srv, const char *host)
{
    gp_addr addrs[GP_RESOLVE_MAX];
    size_t n = 0, i;
    int rc = gp_resolve(host, (uint16_t)srv->cfg.port, GP_AF_ANY, 1, addrs, GP_RESOLVE_MAX, &n);

    if (rc != GREET_OK) {
        return rc;
    }
    for (i = 0; i < n; i++) {
        rc = gp_sock_listen(&addrs[i], srv->cfg.backlog, &srv->listener);
        if (rc == GREET_OK) {
            return gp_sock_local_addr(srv->listener, &srv->local);
        }
    }
    return rc;
}

static int open_listener(greet_server *srv)
{
    int rc;

    if (srv->cfg.bind) {
        rc = listen_any(srv, srv->cfg.bind);
    } else {
        rc = listen_any(srv, "::");
        /* No IPv6 on this machine: IPv4 only. A port in use or forbidden is the answer as is. */
        if (rc != GREET_OK && rc != GREET_EADDRINUSE && rc != GREET_EACCES) {
            rc = listen_any(srv, "0.0.0.0");
        }
    }
    if (rc == GREET_OK) {
        rc = gp_sock_set_nonblocking(srv->listener, 1);
    }
    return rc;
}

static void server_free(greet_server *srv)
{
    gp_sock_close(srv->listener);
    if (srv->changed) {
        gp_cond_destroy(srv->changed);
    }
    if (srv->lock) {
        gp_mutex_destroy(srv->lock);
    }
    if (srv->net_started) {
        gp_net_fini();
    }
    free(srv->greeting);
    free(srv);
}

static int server_init(greet_server *srv, const greet_server_config *cfg)
{
    const char *greeting = cfg->greeting ? cfg->greeting : "";
    int rc;

    srv->cfg = *cfg;
    srv->cfg.greeting = NULL;
    srv->listener = GP_SOCKET_INVALID;
    srv->greeting_len = strlen(greeting) + 1;
    srv->greeting = malloc(srv->greeting_len);
    if (!srv->greeting) {
        return GREET_ENOMEM;
    }
    memcpy(srv->greeting, greeting, srv->greeting_len - 1);
    srv->greeting[srv->greeting_len - 1] = '\n';
    rc = gp_mutex_create(&srv->lock);
    if (rc == GREET_OK) {
        rc = gp_cond_create(&srv->changed);
    }
    if (rc == GREET_OK) {
        rc = gp_net_init();
        srv->net_started = rc == GREET_OK;
    }
    return rc;
}

static int config_valid(const greet_server_config *cfg)
{
    return cfg->port <= 65535 && cfg->backlog > 0 && cfg->max_clients >= 0 &&
           cfg->idle_timeout_ms >= 0 && cfg->delay_ms >= 0 && cfg->drain_ms >= 0;
}

int greet_server_start(const greet_server_config *cfg, greet_server **out)
{
    greet_server *srv;
    char where[GP_ADDRSTR_MAX];
    int rc;

    *out = NULL;
    if (!cfg || !config_valid(cfg)) {
        return GREET_EINVAL;
    }
    srv = calloc(1, sizeof *srv);
    if (!srv) {
        return GREET_ENOMEM;
    }
    rc = server_init(srv, cfg);
    if (rc == GREET_OK) {
        rc = open_listener(srv);
    }
    if (rc == GREET_OK) {
        rc = gp_thread_start(&srv->acceptor, accept_main, srv, 0);
    }
    if (rc != GREET_OK) {
        server_free(srv);
        return rc;
    }
    greet_server_address(srv, where, sizeof where);
    server_log(srv, GREET_LOG_INFO, "listening on %s", where);
    *out = srv;
    return GREET_OK;
}

unsigned greet_server_port(const greet_server *srv)
{
    return gp_addr_port(&srv->local);
}

int greet_server_address(const greet_server *srv, char *buf, size_t size)
{
    return gp_addr_format(&srv->local, buf, size);
}

void greet_server_stats_get(greet_server *srv, greet_server_stats *out)
{
    gp_mutex_lock(srv->lock);
    out->active = srv->active;
    out->accepted = srv->accepted;
    out->rejected = srv->rejected;
    gp_mutex_unlock(srv->lock);
}

/* With the lock held: shuts every live connection's socket (which wakes its thread from recv). */
static void shutdown_live(greet_server *srv, int how)
{
    struct conn *c;

    for (c = srv->live; c; c = c->next) {
        gp_sock_shutdown(c->sock, how);
    }
}

/* With the lock held: waits until no connection is left or the clock passes end (0: forever). */
static void wait_idle(greet_server *srv, uint64_t end)
{
    uint64_t now;

    while (srv->active > 0) {
        if (end == 0) {
            gp_cond_wait(srv->changed, srv->lock, -1);
        } else if ((now = gp_clock_ms()) < end) {
            gp_cond_wait(srv->changed, srv->lock, (int)(end - now));
        } else {
            return;
        }
    }
}

/* Stops reading from clients (their threads finish the reply at hand and see end of stream),
 * gives them the drain time, then closes what is left and waits for every thread. */
static void drain(greet_server *srv)
{
    long left;

    gp_mutex_lock(srv->lock);
    shutdown_live(srv, GP_SHUT_RD);
    wait_idle(srv, gp_clock_ms() + (uint64_t)srv->cfg.drain_ms + 1);
    left = srv->active;
    srv->closing = 1;
    gp_cond_broadcast(srv->changed);
    shutdown_live(srv, GP_SHUT_RDWR);
    wait_idle(srv, 0);
    gp_mutex_unlock(srv->lock);
    if (left > 0) {
        server_log(srv, GREET_LOG_INFO, "closed %ld connections still busy after %d ms", left,
                   srv->cfg.drain_ms);
    }
}

void greet_server_stop(greet_server *srv)
{
    if (!srv) {
        return;
    }
    gp_atomic_store(&srv->stopping, 1);
    gp_thread_join(srv->acceptor);
    gp_sock_close(srv->listener);
    srv->listener = GP_SOCKET_INVALID;
    drain(srv);
    reap(srv);
    server_log(srv, GREET_LOG_INFO, "stopped");
    server_free(srv);
}
