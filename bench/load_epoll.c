/*
 * The Linux engine: a thread multiplexes its share of the connections with epoll, so the load
 * generator costs one recv + one send (and a share of an epoll_wait) per round trip and stays
 * out of the server's way on a small machine (a thread per client would compete with a
 * thread-per-client server for the same cores). --threads N runs N such loops for servers
 * that need more than one core of load. Linux only; bench/CMakeLists.txt builds
 * load_epoll_none.c elsewhere.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "load.h"

const int load_epoll_available = 1;

enum { PHASE_OPEN, PHASE_MEASURE };

struct econn {
    struct load_conn lc;
    int fd;
    int connecting;
    int greeted;       /* open phase: counted as settled already */
    size_t out_off;    /* bytes of lc.out already sent */
    uint64_t since_us; /* when it started waiting, for the timeout */
    uint64_t cycle_us; /* churn: when this cycle's connect started */
    long rounds;       /* round trips (or cycles) done */
};

/* What the loops share: the two meeting points (every connection open; the clock started) and
 * the load phase's start, set by the coordinating thread between them. Round trips count from
 * counted (after the warm-up) to deadline. */
struct run {
    pthread_barrier_t barrier;
    uint64_t t0;
    uint64_t counted;
    uint64_t deadline;
};

/* One loop's state; cfg is a copy whose conns is this loop's share. */
struct engine {
    struct load_cfg cfg_share;
    const struct load_cfg *cfg;
    struct load_result *r;
    struct run *run;
    unsigned first_id; /* ids are unique across loops, so messages are too */
    pthread_t thread;
    int ep;
    struct econn *conns;
    struct sockaddr_storage addr;
    socklen_t addr_len;
    int phase;
    int next_open; /* open phase: next connection to start */
    int pending;   /* open phase: connects or greetings in flight */
    int settled;   /* open phase: connections greeted or failed */
    int active;    /* measure phase: connections not yet finished */
    int stopping;  /* the deadline has passed */
    uint64_t t0;   /* start of the load phase (the warm-up, then the measured phase) */
    uint64_t counted;
    uint64_t deadline;
    uint64_t last_done;
    uint64_t last_scan;
    int *think; /* ring of connections waiting out their think time, in wake order */
    uint64_t *think_wake;
    size_t think_head, think_len;
};

static int resolve(struct engine *e)
{
    struct addrinfo hints;
    struct addrinfo *res = NULL;
    char port[16];
    int rc;

    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    snprintf(port, sizeof port, "%u", e->cfg->port);
    rc = getaddrinfo(e->cfg->host, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "greet_load: %s: %s\n", e->cfg->host, gai_strerror(rc));
        return -1;
    }
    memcpy(&e->addr, res->ai_addr, res->ai_addrlen);
    e->addr_len = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

static void watch(struct engine *e, struct econn *c, int op, unsigned events)
{
    struct epoll_event ev;

    memset(&ev, 0, sizeof ev);
    ev.events = events;
    ev.data.u32 = (uint32_t)(c - e->conns);
    if (epoll_ctl(e->ep, op, c->fd, &ev) != 0 && op != EPOLL_CTL_DEL) {
        load_conn_fail(&c->lc, LOAD_FAIL_IO);
    }
}

static void close_conn(struct econn *c)
{
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
}

static void fail_conn(struct engine *e, struct econn *c, int kind, const char *why);

/* Sends what is left of the message; waits for writability when the socket buffer is full. */
static void flush_out(struct engine *e, struct econn *c)
{
    while (c->out_off < c->lc.out_len) {
        ssize_t n = send(c->fd, c->lc.out + c->out_off, c->lc.out_len - c->out_off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            watch(e, c, EPOLL_CTL_MOD, EPOLLIN | EPOLLOUT);
            return;
        }
        if (n < 0) {
            fail_conn(e, c, LOAD_FAIL_IO, strerror(errno));
            return;
        }
        c->out_off += (size_t)n;
    }
}

static void send_next(struct engine *e, struct econn *c, uint64_t now)
{
    load_conn_next(&c->lc, now);
    c->out_off = 0;
    c->since_us = now;
    flush_out(e, c);
}

static void send_exit(struct engine *e, struct econn *c, uint64_t now)
{
    load_conn_exit(&c->lc);
    c->out_off = 0;
    c->since_us = now;
    flush_out(e, c);
}

static void start_connect(struct engine *e, struct econn *c, uint64_t now)
{
    int one = 1;

    load_conn_init(&c->lc, e->cfg, c->lc.id);
    c->since_us = now;
    c->cycle_us = now;
    c->fd = socket(e->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        load_conn_fail(&c->lc, LOAD_FAIL_CONNECT);
        fail_conn(e, c, LOAD_FAIL_CONNECT, strerror(errno));
        return;
    }
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->connecting = 1;
    if (connect(c->fd, (struct sockaddr *)&e->addr, e->addr_len) == 0) {
        c->connecting = 0;
        watch(e, c, EPOLL_CTL_ADD, EPOLLIN);
    } else if (errno == EINPROGRESS) {
        watch(e, c, EPOLL_CTL_ADD, EPOLLOUT);
    } else {
        load_conn_fail(&c->lc, LOAD_FAIL_CONNECT);
        fail_conn(e, c, LOAD_FAIL_CONNECT, strerror(errno));
    }
}

static void open_more(struct engine *e, uint64_t now)
{
    while (e->next_open < e->cfg->conns && e->pending < e->cfg->connect_parallel) {
        struct econn *c = &e->conns[e->next_open++];
        e->pending++;
        start_connect(e, c, now);
    }
}

static void resume_later(struct engine *e, struct econn *c, uint64_t wake);

static void start_measure(struct engine *e)
{
    int i;

    e->phase = PHASE_MEASURE;
    e->t0 = e->run->t0;
    e->counted = e->run->counted;
    e->deadline = e->run->deadline;
    e->active = 0;
    for (i = 0; i < e->cfg->conns; i++) {
        struct econn *c = &e->conns[i];
        if (e->cfg->mode == LOAD_CHURN) {
            e->active++;
            start_connect(e, c, e->t0);
        } else if (c->lc.state == LC_READY && e->cfg->think_ms > 0) {
            e->active++;
            /* Spread the first messages over one think time, or every client would wake at
             * once, every time, and the test would measure bursts instead of steady load. */
            resume_later(e, c,
                         e->t0 + (uint64_t)e->cfg->think_ms * 1000u * (uint64_t)i /
                                     (uint64_t)e->cfg->conns);
        } else if (c->lc.state == LC_READY) {
            e->active++;
            send_next(e, c, e->t0);
        }
    }
}

/* The open phase ends when every connection is greeted or failed. */
static void settle_one(struct engine *e)
{
    e->pending--;
    e->settled++;
}

static void fail_conn(struct engine *e, struct econn *c, int kind, const char *why)
{
    uint64_t now = load_now_us();

    if (c->lc.state != LC_FAILED) {
        load_conn_fail(&c->lc, kind);
    }
    load_result_conn_fail(e->r, &c->lc, why);
    close_conn(c);
    c->connecting = 0;
    if (e->phase == PHASE_OPEN) {
        if (!c->greeted) {
            settle_one(e);
        }
    } else if (e->cfg->mode == LOAD_CHURN) {
        /* A churn slot keeps cycling after a failure, after a pause so that a refusing server
         * does not turn this into a busy loop; the failed cycle counts toward --count. */
        c->rounds++;
        resume_later(e, c, now + 10000u);
    } else {
        e->active--;
    }
}

static int more_rounds(const struct engine *e, const struct econn *c)
{
    if (e->cfg->count > 0) {
        return c->rounds < e->cfg->count;
    }
    return !e->stopping;
}

/* Queues c to go on at wake (think time over, or a churn retry). Every wait is the same length
 * but a retry's, and a retry is short, so the ring stays near enough to wake order. */
static void resume_later(struct engine *e, struct econn *c, uint64_t wake)
{
    size_t slot = (e->think_head + e->think_len) % (size_t)e->cfg->conns;

    e->think[slot] = (int)(c - e->conns);
    e->think_wake[slot] = wake;
    e->think_len++;
}

static void count_done(struct engine *e, struct econn *c, uint64_t now, uint64_t start)
{
    c->rounds++;
    if (e->cfg->count > 0 || (now >= e->counted && now <= e->deadline)) {
        load_hist_add(&e->r->hist, now - start);
        e->r->done++;
        e->last_done = now;
    }
}

static void reply_complete(struct engine *e, struct econn *c, uint64_t now)
{
    if (e->phase == PHASE_OPEN) { /* the greeting */
        c->greeted = 1;
        e->r->opened++;
        settle_one(e);
        return;
    }
    if (c->lc.seq > 0) {
        count_done(e, c, now, c->lc.sent_us);
    }
    if (e->cfg->mode == LOAD_CHURN || !more_rounds(e, c)) {
        send_exit(e, c, now);
    } else if (e->cfg->think_ms > 0) {
        resume_later(e, c, now + (uint64_t)e->cfg->think_ms * 1000u);
    } else {
        send_next(e, c, now);
    }
}

/* The server closed: the end of a cycle after exit, a failure otherwise. */
static void finish_conn(struct engine *e, struct econn *c)
{
    uint64_t now = load_now_us();

    load_conn_eof(&c->lc);
    if (c->lc.state == LC_FAILED) {
        fail_conn(e, c, LOAD_FAIL_EOF, "the server closed the connection");
        return;
    }
    close_conn(c);
    if (e->cfg->mode == LOAD_CHURN) {
        count_done(e, c, now, c->cycle_us);
        if (more_rounds(e, c)) {
            start_connect(e, c, now);
            return;
        }
    }
    e->active--;
}

static void on_readable(struct engine *e, struct econn *c)
{
    char buf[4096];
    ssize_t n = recv(c->fd, buf, sizeof buf, 0);
    uint64_t now;

    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        return;
    }
    if (n < 0 && c->lc.state != LC_CLOSING) {
        fail_conn(e, c, LOAD_FAIL_IO, strerror(errno));
        return;
    }
    if (n <= 0) { /* end of stream, or a reset after exit: the server is gone either way */
        finish_conn(e, c);
        return;
    }
    now = load_now_us();
    c->since_us = now;
    switch (load_conn_feed(&c->lc, buf, (size_t)n)) {
    case LOAD_FEED_COMPLETE:
        reply_complete(e, c, now);
        break;
    case LOAD_FEED_FAILED:
        fail_conn(e, c, c->lc.fail, c->lc.why);
        break;
    default:
        break;
    }
}

static void on_connected(struct engine *e, struct econn *c)
{
    int err = 0;
    socklen_t len = sizeof err;

    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
        err = errno;
    }
    if (err != 0) {
        load_conn_fail(&c->lc, LOAD_FAIL_CONNECT);
        fail_conn(e, c, LOAD_FAIL_CONNECT, strerror(err));
        return;
    }
    c->connecting = 0;
    watch(e, c, EPOLL_CTL_MOD, EPOLLIN);
}

static void on_event(struct engine *e, const struct epoll_event *ev)
{
    struct econn *c = &e->conns[ev->data.u32];

    if (c->fd < 0) {
        return; /* closed earlier in this batch */
    }
    if (c->connecting) {
        on_connected(e, c);
        return;
    }
    if (ev->events & EPOLLOUT) {
        watch(e, c, EPOLL_CTL_MOD, EPOLLIN);
        flush_out(e, c);
    }
    /* Reading last: it may end the connection and start the slot's next one. */
    if (c->fd >= 0 && (ev->events & (EPOLLIN | EPOLLERR | EPOLLHUP))) {
        on_readable(e, c);
    }
}

static void resume(struct engine *e, struct econn *c, uint64_t now)
{
    if (e->cfg->mode == LOAD_CHURN) {
        if (more_rounds(e, c)) {
            start_connect(e, c, now);
        } else {
            e->active--;
        }
    } else if (more_rounds(e, c)) {
        send_next(e, c, now);
    } else {
        send_exit(e, c, now);
    }
}

static void wake_resumers(struct engine *e, uint64_t now)
{
    while (e->think_len > 0 && e->think_wake[e->think_head] <= now) {
        struct econn *c = &e->conns[e->think[e->think_head]];
        e->think_head = (e->think_head + 1) % (size_t)e->cfg->conns;
        e->think_len--;
        resume(e, c, now);
    }
}

static int waiting(const struct econn *c)
{
    int s = c->lc.state;
    return c->fd >= 0 && (c->connecting || s == LC_GREETING || s == LC_REPLY || s == LC_CLOSING);
}

/* A few times a second: fails connections that waited too long for the server. */
static void scan_timeouts(struct engine *e, uint64_t now)
{
    uint64_t limit = (uint64_t)e->cfg->timeout_ms * 1000u;
    int i;

    if (now - e->last_scan < 100000u) {
        return;
    }
    e->last_scan = now;
    for (i = 0; i < e->cfg->conns; i++) {
        struct econn *c = &e->conns[i];
        if (waiting(c) && now - c->since_us > limit) {
            fail_conn(e, c, LOAD_FAIL_TIMEOUT, "no answer within the timeout");
        }
    }
}

static void check_deadline(struct engine *e, uint64_t now)
{
    if (e->phase == PHASE_MEASURE && e->cfg->count == 0 && now >= e->deadline) {
        e->stopping = 1;
    }
}

static int running(const struct engine *e)
{
    return e->phase == PHASE_OPEN ? e->settled < e->cfg->conns : e->active > 0;
}

static void loop(struct engine *e)
{
    struct epoll_event events[256];

    while (running(e)) {
        uint64_t now;
        int n = epoll_wait(e->ep, events, 256, e->think_len > 0 ? 1 : 50);
        int i;

        for (i = 0; i < n; i++) {
            on_event(e, &events[i]);
        }
        now = load_now_us();
        if (e->phase == PHASE_OPEN) {
            open_more(e, now);
        }
        check_deadline(e, now);
        wake_resumers(e, now);
        scan_timeouts(e, now);
    }
}

static int engine_init(struct engine *e, const struct load_cfg *cfg, int share, unsigned first_id)
{
    int i;

    e->cfg_share = *cfg;
    e->cfg_share.conns = share;
    e->cfg = &e->cfg_share;
    e->first_id = first_id;
    e->ep = -1;
    if (resolve(e) != 0) {
        return -1;
    }
    e->conns = calloc((size_t)share, sizeof *e->conns);
    e->think = calloc((size_t)share, sizeof *e->think);
    e->think_wake = calloc((size_t)share, sizeof *e->think_wake);
    e->r = calloc(1, sizeof *e->r);
    e->ep = epoll_create1(EPOLL_CLOEXEC);
    if (e->conns == NULL || e->think == NULL || e->think_wake == NULL || e->r == NULL ||
        e->ep < 0) {
        fprintf(stderr, "greet_load: cannot set up %d connections: %s\n", share, strerror(errno));
        return -1;
    }
    for (i = 0; i < share; i++) {
        e->conns[i].fd = -1;
        e->conns[i].lc.id = first_id + (unsigned)i;
    }
    return 0;
}

static void engine_free(struct engine *e)
{
    int i;

    for (i = 0; e->conns != NULL && i < e->cfg->conns; i++) {
        close_conn(&e->conns[i]);
    }
    if (e->ep >= 0) {
        close(e->ep);
    }
    free(e->conns);
    free(e->think);
    free(e->think_wake);
    free(e->r);
}

static void *engine_main(void *arg)
{
    struct engine *e = arg;
    uint64_t now = load_now_us();

    e->last_scan = now;
    if (e->cfg->mode != LOAD_CHURN) { /* churn has no open phase: connecting is what it measures */
        open_more(e, now);
        loop(e);
    }
    pthread_barrier_wait(&e->run->barrier); /* every connection open */
    pthread_barrier_wait(&e->run->barrier); /* the measured phase starts */
    start_measure(e);
    loop(e);
    return NULL;
}

static void sleep_until(uint64_t when_us)
{
    uint64_t now;

    while ((now = load_now_us()) < when_us) {
        struct timespec ts;
        uint64_t left = when_us - now;
        ts.tv_sec = (time_t)(left / 1000000u);
        ts.tv_nsec = (long)(left % 1000000u) * 1000L;
        nanosleep(&ts, NULL);
    }
}

/* The coordinating thread: starts the loops, samples the server between the phases, and adds
 * up what the loops counted. */
static void coordinate(const struct load_cfg *cfg, struct load_result *r, struct engine *es,
                       int threads, struct run *run)
{
    uint64_t opened_at = load_now_us();
    uint64_t end = 0;
    int i;

    load_sample(cfg, r, 0);
    for (i = 0; i < threads; i++) {
        if (pthread_create(&es[i].thread, NULL, engine_main, &es[i]) != 0) {
            fprintf(stderr, "greet_load: cannot start thread %d\n", i);
            exit(1); /* the others wait at the barrier for it: nothing to unwind */
        }
    }
    pthread_barrier_wait(&run->barrier);
    r->open_s = (double)(load_now_us() - opened_at) / 1e6;
    load_sample(cfg, r, 1);
    run->t0 = load_now_us();
    run->counted = run->t0 + (cfg->count > 0 ? 0u : (uint64_t)cfg->warmup_ms * 1000u);
    run->deadline = run->counted + (uint64_t)cfg->duration_ms * 1000u;
    pthread_barrier_wait(&run->barrier);
    if (cfg->count == 0) {
        if (cfg->warmup_ms > 0) { /* the server's CPU and memory from the end of the warm-up */
            sleep_until(run->counted);
            load_sample(cfg, r, 1);
        }
        sleep_until(run->deadline);
        load_sample(cfg, r, 2); /* while the connections are still open */
        end = run->deadline;
    }
    for (i = 0; i < threads; i++) {
        pthread_join(es[i].thread, NULL);
        load_result_merge(r, es[i].r);
        if (cfg->count > 0 && es[i].last_done > end) {
            end = es[i].last_done;
        }
    }
    if (cfg->count > 0) {
        load_sample(cfg, r, 2);
    }
    r->measured_s = end > run->counted ? (double)(end - run->counted) / 1e6 : 0.0;
}

int load_run_epoll(const struct load_cfg *cfg, struct load_result *r)
{
    int threads = cfg->threads < cfg->conns ? cfg->threads : cfg->conns;
    struct engine *es = calloc((size_t)threads, sizeof *es);
    struct run run;
    int barrier =
        es != NULL && pthread_barrier_init(&run.barrier, NULL, (unsigned)threads + 1) == 0;
    int rc = barrier ? 0 : -1;
    int made = 0;
    int i;

    for (i = 0; rc == 0 && i < threads; i++) {
        int from = (int)((long)cfg->conns * i / threads);
        int to = (int)((long)cfg->conns * (i + 1) / threads);
        es[i].run = &run;
        rc = engine_init(&es[i], cfg, to - from, (unsigned)from);
        made++;
    }
    if (rc == 0) {
        coordinate(cfg, r, es, threads, &run);
    }
    for (i = 0; i < made; i++) {
        engine_free(&es[i]);
    }
    if (barrier) {
        pthread_barrier_destroy(&run.barrier);
    }
    free(es);
    return rc;
}
