/* The threads engine: one accept thread, one small-stack thread per connection (the tutorial's
 * model), and a tracked set of connections so that stop can drain, close and join every one. */
#include <stdlib.h>

#include "proto.h"
#include "server_core.h"

struct conn {
    struct conn *prev, *next; /* in live while serving; next links finished after */
    greet_server *srv;
    gp_thread *thread;
    gp_socket sock;
    gp_deadline idle_end; /* closed as idle when no message is complete by then */
    int recv_limit;       /* the receive timeout set on sock, in ms */
    char peer[GP_ADDRSTR_MAX];
    struct gi_proto proto;
    unsigned char rbuf[GI_PROTO_RECV_MAX];
};

struct threads {
    gp_thread *acceptor;
    gp_mutex *lock;        /* guards the two lists */
    struct conn *live;     /* connections being served */
    struct conn *finished; /* connections whose thread ended, to be joined */
};

static struct threads *state(greet_server *srv)
{
    return srv->engine_state;
}

/* ---- One connection ----------------------------------------------------------------------- */

static int emit_reply(void *ctx, const void *data, size_t len)
{
    struct conn *c = ctx;

    c->idle_end = gp_clock_ms() + (uint64_t)c->srv->cfg.idle_timeout_ms; /* a complete message */
    if (c->srv->cfg.delay_ms > 0) {
        int rc = gi_server_sleep_until(c->srv, gp_deadline_in(c->srv->cfg.delay_ms));
        if (rc != GREET_OK) {
            return rc;
        }
    }
    return gp_sock_send_all(c->sock, data, len);
}

/* The idle limit counts from the last complete message, not the last byte: while a line is
 * unfinished the next receive may only wait for what is left of it (a trickle of bytes does not
 * keep a connection). Between messages a whole period is left, already set, so the hot path
 * makes no extra system call. */
static int limit_receive(struct conn *c)
{
    int idle = c->srv->cfg.idle_timeout_ms;
    int want = idle;

    if (idle <= 0) {
        return GREET_OK;
    }
    if (c->proto.len > 0) {
        uint64_t now = gp_clock_ms();
        if (now >= c->idle_end) {
            return GREET_ETIMEDOUT;
        }
        want = (int)(c->idle_end - now);
    }
    if (want != c->recv_limit) {
        c->recv_limit = want;
        return gp_sock_set_timeouts(c->sock, want, idle);
    }
    return GREET_OK;
}

/* Receives and answers until the client leaves: GREET_OK at end of stream, GI_PROTO_EXIT or
 * GI_PROTO_OVERLONG, or the error that ended it. */
static int serve(struct conn *c)
{
    for (;;) {
        size_t got;
        int rc = limit_receive(c);
        if (rc == GREET_OK) {
            rc = gp_sock_recv(c->sock, c->rbuf, sizeof c->rbuf, &got);
        }
        if (rc != GREET_OK) {
            return rc;
        }
        if (got == 0) {
            /* At stop the end of stream is the server's own doing: no line was finished. */
            return gi_server_stopping(c->srv) ? GREET_OK
                                              : gi_proto_finish(&c->proto, emit_reply, c);
        }
        if (c->proto.mode == GI_MODE_UNKNOWN) {
            int mode = gi_proto_latch(&c->proto, c->rbuf, got);
            gi_server_log(c->srv, GREET_LOG_DEBUG, "connection with %s uses %s mode", c->peer,
                          mode == GI_MODE_LINE ? "line" : "raw");
        }
        rc = gi_proto_feed(&c->proto, c->rbuf, got, emit_reply, c);
        if (rc != GI_PROTO_MORE) {
            return rc;
        }
    }
}

/* Leaves the live set for the finished list; c stays valid until its thread is joined. */
static void conn_unlink(struct conn *c)
{
    struct threads *t = state(c->srv);

    gp_mutex_lock(t->lock);
    if (c->prev) {
        c->prev->next = c->next;
    } else {
        t->live = c->next;
    }
    if (c->next) {
        c->next->prev = c->prev;
    }
    gp_sock_close(c->sock);
    c->sock = GP_SOCKET_INVALID;
    c->next = t->finished;
    t->finished = c;
    gp_mutex_unlock(t->lock);
}

static void conn_main(void *arg)
{
    struct conn *c = arg;
    greet_server *srv = c->srv;
    gp_failure why;
    int rc;

    gi_server_conn_begin(srv, c->peer);
    gp_sock_set_nodelay(c->sock, 1);
    c->idle_end = gp_clock_ms() + (uint64_t)srv->cfg.idle_timeout_ms;
    if (srv->cfg.idle_timeout_ms > 0) {
        c->recv_limit = srv->cfg.idle_timeout_ms;
        gp_sock_set_timeouts(c->sock, c->recv_limit, srv->cfg.idle_timeout_ms);
    }
    rc = gp_sock_send_all(c->sock, srv->greeting, srv->greeting_len);
    if (rc == GREET_OK) {
        rc = serve(c);
    }
    gp_failure_take(&why, rc); /* serve returns right after the call that ended it */
    conn_unlink(c);
    gi_server_conn_end(srv, c->peer, &why, c->proto.max_line);
}

static void conn_free(struct conn *c)
{
    gi_proto_free(&c->proto);
    free(c);
}

/* ---- Accepting ---------------------------------------------------------------------------- */

/* Joins the threads of connections that ended and frees them. */
static void reap(struct threads *t)
{
    struct conn *c;

    gp_mutex_lock(t->lock);
    c = t->finished;
    t->finished = NULL;
    gp_mutex_unlock(t->lock);
    while (c) {
        struct conn *next = c->next;
        if (c->thread) {
            gp_thread_join(c->thread);
        }
        conn_free(c);
        c = next;
    }
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
    gi_server_format_peer(peer, c->peer, sizeof c->peer);
    return c;
}

static void link_live(struct threads *t, struct conn *c)
{
    gp_mutex_lock(t->lock);
    c->next = t->live;
    if (t->live) {
        t->live->prev = c;
    }
    t->live = c;
    gp_mutex_unlock(t->lock);
}

static void start_connection(greet_server *srv, gp_socket s, const gp_addr *peer)
{
    struct threads *t = state(srv);
    struct conn *c = conn_new(srv, s, peer);
    int rc;

    /* Windows hands out accepted sockets non-blocking like their listener. */
    gp_sock_set_nonblocking(s, 0);
    if (!c) {
        gi_server_log(srv, GREET_LOG_ERROR, "connection refused: out of memory");
        gp_sock_close(s);
        return;
    }
    if (!gi_server_admit(srv)) {
        gi_server_reject_busy(srv, s, c->peer);
        conn_free(c);
        return;
    }
    link_live(t, c);
    rc = gp_thread_start(&c->thread, conn_main, c, srv->cfg.stack_size);
    if (rc != GREET_OK) {
        char text[GP_DETAIL_MAX + 64];
        gp_failure why;
        gp_failure_take(&why, rc);
        gi_server_log(srv, GREET_LOG_ERROR, "connection with %s refused: cannot start a thread: %s",
                      c->peer, gp_failure_text(&why, text, sizeof text));
        c->thread = NULL;
        conn_unlink(c);
        gp_failure_take(&why, GREET_ECANCELED);
        gi_server_conn_end(srv, c->peer, &why, c->proto.max_line);
        reap(t);
    }
}

static void reaped(greet_server *srv, int rc)
{
    (void)rc;
    reap(state(srv));
}

static void accept_main(void *arg)
{
    gi_server_accept_loop(arg, start_connection, reaped);
}

/* ---- The engine --------------------------------------------------------------------------- */

static void threads_free(struct threads *t)
{
    if (t->lock) {
        gp_mutex_destroy(t->lock);
    }
    free(t);
}

static int threads_start(greet_server *srv)
{
    struct threads *t = calloc(1, sizeof *t);
    int rc;

    if (!t) {
        return GREET_ENOMEM;
    }
    rc = gp_mutex_create(&t->lock);
    if (rc == GREET_OK) {
        srv->engine_state = t;
        rc = gp_thread_start(&t->acceptor, accept_main, srv, 0);
    }
    if (rc != GREET_OK) {
        srv->engine_state = NULL;
        threads_free(t);
    }
    return rc;
}

/* Shuts every live connection's socket (which wakes its thread from recv). */
static void shutdown_live(struct threads *t, int how)
{
    struct conn *c;

    gp_mutex_lock(t->lock);
    for (c = t->live; c; c = c->next) {
        gp_sock_shutdown(c->sock, how);
    }
    gp_mutex_unlock(t->lock);
}

/* Stops reading from clients (their threads finish the reply at hand and see end of stream),
 * gives them the drain time, then closes what is left. */
static void threads_stop(greet_server *srv)
{
    struct threads *t = state(srv);

    gp_thread_join(t->acceptor);
    gp_sock_close(srv->listener);
    srv->listener = GP_SOCKET_INVALID;
    shutdown_live(t, GP_SHUT_RD);
    gi_server_wait_idle(srv, gi_server_drain_deadline(srv));
    gi_server_begin_closing(srv);
    shutdown_live(t, GP_SHUT_RDWR);
}

static void threads_join(greet_server *srv)
{
    struct threads *t = state(srv);

    gi_server_wait_idle(srv, GP_DEADLINE_NONE);
    reap(t);
    threads_free(t);
    srv->engine_state = NULL;
}

const struct gi_server_engine gi_server_threads = {"threads", threads_start, threads_stop,
                                                   threads_join};
