/* The events engine: cfg.workers event loops, each one thread with a readiness poller (gp.h) and
 * a timer heap, serving many non-blocking connections. Every loop watches the one listener and
 * accepts for itself (level-triggered: whichever loop is free first takes the client). A
 * connection belongs to one loop for its whole life, so nothing on the hot path takes a lock.
 *
 * The behaviour is the threads engine's, seen from the client and from the log: the same
 * greeting, replies, close reasons and log lines. Where the threads engine blocks, a connection
 * here waits in a state instead:
 * - a reply the client does not take yet is queued (at most OUT_MAX bytes, then the loop stops
 *   reading from it until the queue drains: a thread would block in send the same way);
 * - --delay holds replies in the queue and a timer releases them one by one, without reading
 *   meanwhile (the thread sleeps before each reply and reads nothing either);
 * - the idle limit is a deadline moved by each complete message, checked by the same timer. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "server_core.h"
#include "timer_heap.h"

#define OUT_MAX      (64 * 1024) /* queued reply bytes before a connection is no longer read */
#define OUT_MIN_CAP  256         /* first queue allocation: one or two typical replies */
#define EVENT_BATCH  256
#define ACCEPT_BATCH 64 /* accepts per wake-up, so that a flood does not starve the served */

struct loop;

struct econn {
    gp_pollreg reg;
    struct loop *loop;
    struct econn *prev, *next; /* the loop's live connections; next links its dead ones after */
    struct gi_timer timer;     /* due at the earlier of idle_end and release_at */
    gp_deadline idle_end;      /* closed as idle then (GP_DEADLINE_NONE: no limit) */
    gp_deadline release_at;    /* the next held reply goes out then (--delay) */
    unsigned char *out;        /* queue: [out_off, out_rel) to send, [out_rel, out_len) held */
    size_t out_off, out_rel, out_len, out_cap;
    int mask;   /* the gp_wait events registered */
    int polled; /* registered with the loop's poller */
    int ending; /* close with why once the queue is out (exit, line too long, end of stream) */
    int why;
    int dead; /* closed; freed after the event batch that may still name it */
    struct gi_proto proto;
    char peer[GP_ADDRSTR_MAX];
};

struct events;

struct loop {
    greet_server *srv;
    struct events *engine;
    gp_thread *thread;
    gp_poller *poller;
    gp_pollreg listen_reg;
    gp_deadline accept_resume; /* accepting paused (out of descriptors) until then */
    gp_atomic stop;            /* set by the engine's stop */
    int stopping;              /* the loop saw stop: no more accepting or reading */
    uint64_t now;              /* the clock at the last wake-up: one clock read per batch */
    struct gi_timer_heap timers;
    struct econn *live;
    struct econn *dead;
    unsigned char *shared; /* proto's reply buffer, lent to each connection in turn */
    unsigned char rbuf[GI_PROTO_RECV_MAX];
};

struct events {
    struct loop *loops;
    int count;       /* loops whose thread runs */
    gp_mutex *lock;  /* guards released */
    gp_cond *change; /* a loop let go of the listener */
    int released;
};

/* ---- Sending ------------------------------------------------------------------------------ */

static size_t queued(const struct econn *c)
{
    return c->out_len - c->out_off;
}

static int queue(struct econn *c, const void *data, size_t len)
{
    size_t need;

    if (c->out_off > 0) { /* keep the queue at the start of its buffer */
        memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
        c->out_len -= c->out_off;
        c->out_rel -= c->out_off;
        c->out_off = 0;
    }
    need = c->out_len + len;
    if (need > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap * 2 : OUT_MIN_CAP;
        unsigned char *grown;
        while (cap < need) {
            cap *= 2;
        }
        grown = realloc(c->out, cap);
        if (!grown) {
            return GREET_ENOMEM;
        }
        c->out = grown;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, data, len);
    c->out_len += len;
    return GREET_OK;
}

/* Sends what is released; GREET_OK also when the socket is full (the rest waits). */
static int flush(struct econn *c)
{
    while (c->out_off < c->out_rel) {
        size_t sent = 0;
        int rc = gp_sock_send(c->reg.sock, c->out + c->out_off, c->out_rel - c->out_off, &sent);
        if (rc == GREET_EAGAIN) {
            return GREET_OK;
        }
        if (rc != GREET_OK) {
            return rc;
        }
        c->out_off += sent;
    }
    if (c->out_off == c->out_len) { /* nothing held either: give the memory back */
        free(c->out);
        c->out = NULL;
        c->out_off = c->out_rel = c->out_len = c->out_cap = 0;
    }
    return GREET_OK;
}

/* Sends at once what the socket takes when nothing is queued before it; queues the rest. */
static int send_or_queue(struct econn *c, const void *data, size_t len)
{
    if (queued(c) == 0) {
        size_t sent = 0;
        int rc = gp_sock_send(c->reg.sock, data, len, &sent);
        if (rc != GREET_OK && rc != GREET_EAGAIN) {
            return rc;
        }
        if (sent == len) {
            return GREET_OK;
        }
        data = (const unsigned char *)data + sent;
        len -= sent;
    }
    if (queue(c, data, len) != GREET_OK) {
        return GREET_ENOMEM;
    }
    c->out_rel = c->out_len;
    return GREET_OK;
}

/* proto.c's reply callback: a complete message arrived. */
static int emit_reply(void *ctx, const void *data, size_t len)
{
    struct econn *c = ctx;
    greet_server *srv = c->loop->srv;

    if (srv->cfg.idle_timeout_ms > 0) {
        c->idle_end = c->loop->now + (uint64_t)srv->cfg.idle_timeout_ms;
    }
    if (srv->cfg.delay_ms > 0) {
        return queue(c, data, len); /* held: release_one sends it when its time comes */
    }
    return send_or_queue(c, data, len);
}

/* --delay: the first held reply goes out now, the next one a delay later. */
static int release_one(struct econn *c)
{
    greet_server *srv = c->loop->srv;

    c->out_rel += gi_proto_reply_len(&c->proto, c->out + c->out_rel, c->out_len - c->out_rel);
    c->release_at = c->out_rel < c->out_len ? c->loop->now + (uint64_t)srv->cfg.delay_ms : 0;
    return flush(c);
}

/* ---- Connection life ---------------------------------------------------------------------- */

static struct econn *conn_of_timer(struct gi_timer *t)
{
    return (struct econn *)(void *)((char *)t - offsetof(struct econn, timer));
}

/* Called where c's connection ended, with why (the failing call's code): its OS detail is taken
 * before the clean-up below. */
static void conn_close(struct econn *c, int why)
{
    struct loop *l = c->loop;
    gp_failure failure;

    gp_failure_take(&failure, why);
    /* Unregistered before closing, though closing would do it: a child forked meanwhile may
     * hold the socket open, and its events would name a freed connection. */
    if (c->polled) {
        gp_poller_del(l->poller, &c->reg);
    }
    gp_sock_close(c->reg.sock);
    gi_timer_cancel(&l->timers, &c->timer);
    if (c->prev) {
        c->prev->next = c->next;
    } else {
        l->live = c->next;
    }
    if (c->next) {
        c->next->prev = c->prev;
    }
    c->dead = 1;
    c->next = l->dead;
    l->dead = c;
    gi_server_conn_end(l->srv, c->peer, &failure, c->proto.max_line);
}

static int wants_read(const struct econn *c)
{
    return !c->ending && !c->loop->stopping && c->out_rel == c->out_len && queued(c) < OUT_MAX;
}

/* The events c waits for: reading while it may, writing while released replies wait. */
static int wanted_mask(const struct econn *c)
{
    return (wants_read(c) ? GP_WAIT_READ : 0) | (c->out_off < c->out_rel ? GP_WAIT_WRITE : 0);
}

/* After anything happened to c: closes it if it is done, else brings its registration and its
 * timer up to date. */
static void settle(struct econn *c)
{
    struct loop *l = c->loop;
    uint64_t due = c->idle_end;
    int mask;

    if ((c->ending || l->stopping) && queued(c) == 0) {
        /* At stop, an end of stream is the server's own doing (GREET_OK: "server stopping"). */
        conn_close(c, c->ending ? c->why : GREET_OK);
        return;
    }
    mask = wanted_mask(c);
    if (mask != c->mask && gp_poller_set(l->poller, &c->reg, mask) == GREET_OK) {
        c->mask = mask;
    }
    if (c->out_rel < c->out_len && c->release_at == 0) { /* new replies held (--delay) */
        c->release_at = l->now + (uint64_t)l->srv->cfg.delay_ms;
    }
    if (c->release_at && (due == 0 || c->release_at < due)) {
        due = c->release_at;
    }
    if (due == 0) {
        gi_timer_cancel(&l->timers, &c->timer);
    } else if ((c->timer.slot == 0 || due < c->timer.at) &&
               gi_timer_set(&l->timers, &c->timer, due) != GREET_OK) {
        conn_close(c, GREET_ENOMEM);
    }
}

/* Ends c after what is queued, or now when rc is an error. */
static void conn_finish(struct econn *c, int rc)
{
    if (rc < 0) {
        conn_close(c, rc);
        return;
    }
    c->ending = 1;
    c->why = rc;
    settle(c);
}

static void on_receive(struct econn *c, size_t got)
{
    greet_server *srv = c->loop->srv;
    int rc;

    if (c->proto.mode == GI_MODE_UNKNOWN) {
        int mode = gi_proto_latch(&c->proto, c->loop->rbuf, got);
        gi_server_log(srv, GREET_LOG_DEBUG, "connection with %s uses %s mode", c->peer,
                      mode == GI_MODE_LINE ? "line" : "raw");
    }
    rc = gi_proto_feed(&c->proto, c->loop->rbuf, got, emit_reply, c);
    if (rc != GI_PROTO_MORE) {
        conn_finish(c, rc);
    } else {
        settle(c);
    }
}

static void on_readable(struct econn *c)
{
    size_t got = 0;
    int rc = gp_sock_recv(c->reg.sock, c->loop->rbuf, sizeof c->loop->rbuf, &got);

    if (rc == GREET_EAGAIN) {
        return;
    }
    if (rc != GREET_OK) {
        conn_close(c, rc);
    } else if (got == 0) {
        conn_finish(c, gi_proto_finish(&c->proto, emit_reply, c));
    } else {
        on_receive(c, got);
    }
}

static void on_event(struct econn *c, int events)
{
    if (c->dead) {
        return;
    }
    if (events & GP_WAIT_WRITE) {
        int rc = flush(c);
        if (rc != GREET_OK) {
            conn_close(c, rc);
            return;
        }
    }
    if ((events & GP_WAIT_READ) && (c->mask & GP_WAIT_READ)) {
        on_readable(c);
    } else {
        settle(c);
    }
}

static void on_timer(struct econn *c)
{
    uint64_t now = c->loop->now;

    if (c->release_at && c->release_at <= now) {
        int rc = release_one(c);
        if (rc != GREET_OK) {
            conn_close(c, rc);
            return;
        }
    }
    if (c->idle_end && c->idle_end <= now) {
        conn_close(c, GREET_ETIMEDOUT);
        return;
    }
    settle(c);
}

static void conn_start(struct loop *l, gp_socket s, const gp_addr *peer)
{
    greet_server *srv = l->srv;
    struct econn *c = calloc(1, sizeof *c);
    int rc;

    if (!c) {
        gi_server_log(srv, GREET_LOG_ERROR, "connection refused: out of memory");
        gp_sock_close(s);
        return;
    }
    if (!gi_server_admit(srv)) {
        gi_server_format_peer(peer, c->peer, sizeof c->peer);
        gi_server_reject_busy(srv, s, c->peer);
        free(c);
        return;
    }
    /* The peer's text is only ever read in log lines ("connection with", "closed", the mode at
     * debug level): with those off, a client costs no formatting at all. */
    if (gi_server_logs(srv, GREET_LOG_INFO)) {
        gi_server_format_peer(peer, c->peer, sizeof c->peer);
    }
    c->loop = l;
    c->reg.sock = s;
    gi_proto_init_shared(&c->proto, srv->cfg.max_line, l->shared);
    c->next = l->live;
    if (l->live) {
        l->live->prev = c;
    }
    l->live = c;
    gi_server_conn_begin(srv, c->peer);
    if (srv->cfg.idle_timeout_ms > 0) {
        c->idle_end = l->now + (uint64_t)srv->cfg.idle_timeout_ms;
    }
    gp_sock_set_nodelay(s, 1);
    /* The greeting first, then one registration for what is wanted after it: a client costs
     * one poller call to come and one to go. */
    rc = send_or_queue(c, srv->greeting, srv->greeting_len);
    if (rc == GREET_OK) {
        c->mask = wanted_mask(c);
        rc = gp_poller_add(l->poller, &c->reg, s, c->mask, c);
        c->polled = rc == GREET_OK;
    }
    if (rc != GREET_OK) {
        conn_close(c, rc);
    } else {
        settle(c);
    }
}

/* ---- The loop ----------------------------------------------------------------------------- */

static void accept_some(struct loop *l)
{
    int i;

    for (i = 0; i < ACCEPT_BATCH; i++) {
        gp_socket s;
        gp_addr peer;
        int rc = gp_sock_accept(l->srv->listener, GP_ACCEPT_NONBLOCKING, &s, &peer);
        if (rc != GREET_OK) {
            int pause = gi_server_accept_failed(l->srv, l->srv->listener, rc);
            if (pause > 0 && gp_poller_set(l->poller, &l->listen_reg, 0) == GREET_OK) {
                l->accept_resume = l->now + (uint64_t)pause;
            }
            return;
        }
        conn_start(l, s, &peer);
    }
}

static void run_timers(struct loop *l)
{
    struct gi_timer *t;

    if (l->accept_resume && l->accept_resume <= l->now) {
        l->accept_resume = 0;
        if (!l->stopping) {
            gp_poller_set(l->poller, &l->listen_reg, GP_WAIT_READ);
        }
    }
    while ((t = gi_timer_first(&l->timers)) != NULL && t->at <= l->now) {
        gi_timer_cancel(&l->timers, t);
        on_timer(conn_of_timer(t));
    }
}

/* The loop's next wake-up: its first timer or the end of an accept pause, whichever is first. */
static gp_deadline next_deadline(const struct loop *l)
{
    struct gi_timer *t = gi_timer_first(&l->timers);

    return gp_deadline_min(t ? t->at : GP_DEADLINE_NONE, l->accept_resume);
}

static void free_dead(struct loop *l)
{
    while (l->dead) {
        struct econn *c = l->dead;
        l->dead = c->next;
        gi_proto_free(&c->proto);
        free(c->out);
        free(c);
    }
}

/* Stop seen: let go of the listener, stop reading; connections with nothing to send end now,
 * the others when their queue is out or the drain time is over. */
static void begin_stop(struct loop *l)
{
    struct events *e = l->engine;
    struct econn *c, *next;

    l->stopping = 1;
    gp_poller_del(l->poller, &l->listen_reg);
    gp_mutex_lock(e->lock);
    e->released++;
    gp_cond_broadcast(e->change);
    gp_mutex_unlock(e->lock);
    for (c = l->live; c; c = next) {
        next = c->next;
        settle(c);
    }
}

static void close_all(struct loop *l)
{
    while (l->live) {
        conn_close(l->live, GREET_ECANCELED);
    }
}

static void loop_main(void *arg)
{
    struct loop *l = arg;
    gp_poll_event ev[EVENT_BATCH];

    for (;;) {
        int n = 0, i;
        l->now = gp_clock_ms();
        if (!l->stopping && gp_atomic_load(&l->stop)) {
            begin_stop(l);
        }
        if (l->stopping && l->live && gi_server_closing(l->srv)) {
            close_all(l);
        }
        run_timers(l);
        free_dead(l);
        if (l->stopping && !l->live) {
            break;
        }
        if (gp_poller_wait(l->poller, ev, EVENT_BATCH, next_deadline(l), &n) != GREET_OK) {
            gp_sleep_ms(10); /* not expected; never spin */
        }
        l->now = gp_clock_ms();
        for (i = 0; i < n; i++) {
            if (ev[i].data == l) {
                accept_some(l);
            } else {
                on_event(ev[i].data, ev[i].events);
            }
        }
        free_dead(l);
    }
}

/* ---- The engine --------------------------------------------------------------------------- */

static int loop_init(struct loop *l, greet_server *srv, struct events *e)
{
    int rc;

    l->srv = srv;
    l->engine = e;
    l->shared = malloc(gi_proto_shared_size(srv->cfg.max_line));
    if (!l->shared) {
        return GREET_ENOMEM;
    }
    rc = gp_poller_create(&l->poller);
    if (rc == GREET_OK) {
        rc = gp_poller_add(l->poller, &l->listen_reg, srv->listener, GP_WAIT_READ, l);
    }
    if (rc == GREET_OK) {
        rc = gp_thread_start(&l->thread, loop_main, l, 0);
    }
    return rc;
}

static void loop_free(struct loop *l)
{
    gp_poller_destroy(l->poller);
    gi_timer_heap_free(&l->timers);
    free(l->shared);
}

/* Asks every running loop to stop and waits until none watches the listener any more. */
static void stop_loops(struct events *e)
{
    int i;

    for (i = 0; i < e->count; i++) {
        gp_atomic_store(&e->loops[i].stop, 1);
        gp_poller_wake(e->loops[i].poller);
    }
    gp_mutex_lock(e->lock);
    while (e->released < e->count) {
        gp_cond_wait(e->change, e->lock, GP_DEADLINE_NONE);
    }
    gp_mutex_unlock(e->lock);
}

static void events_free(struct events *e)
{
    int i;

    for (i = 0; i < e->count; i++) {
        gp_thread_join(e->loops[i].thread);
    }
    if (e->loops) {
        for (i = 0; i < e->count + 1; i++) {
            loop_free(&e->loops[i]);
        }
    }
    if (e->change) {
        gp_cond_destroy(e->change);
    }
    if (e->lock) {
        gp_mutex_destroy(e->lock);
    }
    free(e->loops);
    free(e);
}

static int events_start(greet_server *srv)
{
    struct events *e = calloc(1, sizeof *e);
    int workers = srv->cfg.workers > 0 ? srv->cfg.workers : gp_cpu_count();
    int rc;

    if (!e) {
        return GREET_ENOMEM;
    }
    /* One spare zeroed loop, so that cleaning up after a failed start frees the half-made one. */
    e->loops = calloc((size_t)workers + 1, sizeof *e->loops);
    rc = e->loops ? gp_mutex_create(&e->lock) : GREET_ENOMEM;
    if (rc == GREET_OK) {
        rc = gp_cond_create(&e->change);
    }
    while (rc == GREET_OK && e->count < workers) {
        rc = loop_init(&e->loops[e->count], srv, e);
        if (rc == GREET_OK) {
            e->count++;
        }
    }
    if (rc != GREET_OK) {
        stop_loops(e);
        events_free(e);
        return rc;
    }
    srv->engine_state = e;
    return GREET_OK;
}

static void events_stop(greet_server *srv)
{
    struct events *e = srv->engine_state;
    int i;

    stop_loops(e);
    gp_sock_close(srv->listener);
    srv->listener = GP_SOCKET_INVALID;
    gi_server_wait_idle(srv, gi_server_drain_deadline(srv));
    gi_server_begin_closing(srv);
    for (i = 0; i < e->count; i++) {
        gp_poller_wake(e->loops[i].poller);
    }
}

static void events_join(greet_server *srv)
{
    events_free(srv->engine_state);
    srv->engine_state = NULL;
}

const struct gi_server_engine gi_server_events = {"events", events_start, events_stop, events_join};
