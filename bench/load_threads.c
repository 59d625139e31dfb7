/*
 * The portable engine: one thread per connection with blocking sockets, on top of platform/gp.h
 * only, so it runs wherever greet runs. It costs a thread switch per message, like the
 * thread-per-connection server it measures; on a machine with few cores prefer the epoll engine,
 * which leaves the cores to the server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gp.h"
#include "load.h"

#define THREAD_STACK (64 * 1024) /* a receive buffer and a few frames */

struct shared {
    const struct load_cfg *cfg;
    gp_addr addr;
    gp_mutex *mu;
    gp_cond *cv;
    int connecting;    /* connects in flight, at most cfg->connect_parallel */
    int settled;       /* threads greeted or failed */
    int go;            /* the measured phase has started */
    uint64_t counted;  /* round trips count from then (after the warm-up) ... */
    uint64_t deadline; /* ... to then */
    gp_atomic stop;    /* the deadline has passed */
    struct load_result *r;
};

struct tconn {
    struct shared *sh;
    struct load_conn lc;
    gp_socket s;
    gp_thread *thread;
    long rounds;
    uint64_t done;
    uint64_t last_done;
    struct load_hist hist;
};

static void record_fail(struct tconn *t, int kind, const char *why)
{
    load_conn_fail(&t->lc, kind);
    gp_mutex_lock(t->sh->mu);
    load_result_conn_fail(t->sh->r, &t->lc, why);
    gp_mutex_unlock(t->sh->mu);
}

static int fail_with(struct tconn *t, int kind, int err)
{
    char text[128];

    record_fail(t, kind, greet_error_text(err, text, sizeof text));
    return -1;
}

/* Receives until the greeting or reply is complete (0), or the server closed after exit (0),
 * or something went wrong (-1, recorded). */
static int await_bytes(struct tconn *t)
{
    char buf[2048];

    for (;;) {
        size_t got = 0;
        int err = gp_sock_recv(t->s, buf, sizeof buf, &got);
        if (err == GREET_ETIMEDOUT) {
            return fail_with(t, LOAD_FAIL_TIMEOUT, err);
        }
        if (err != GREET_OK || got == 0) {
            load_conn_eof(&t->lc);
            if (t->lc.state == LC_DONE) {
                return 0; /* end of stream (or a reset) after exit: the server is done */
            }
            if (err != GREET_OK) {
                return fail_with(t, LOAD_FAIL_IO, err);
            }
            record_fail(t, LOAD_FAIL_EOF, "the server closed the connection");
            return -1;
        }
        switch (load_conn_feed(&t->lc, buf, got)) {
        case LOAD_FEED_COMPLETE:
            return 0;
        case LOAD_FEED_FAILED:
            record_fail(t, t->lc.fail, t->lc.why);
            return -1;
        default:
            break;
        }
    }
}

static int send_out(struct tconn *t)
{
    int err = gp_sock_send_all(t->s, t->lc.out, t->lc.out_len);

    return err == GREET_OK ? 0 : fail_with(t, LOAD_FAIL_IO, err);
}

/* Connects and reads the greeting. */
static int open_conn(struct tconn *t)
{
    const struct load_cfg *cfg = t->sh->cfg;
    int err;

    load_conn_init(&t->lc, cfg, t->lc.id);
    err = gp_sock_connect(&t->sh->addr, gp_deadline_in(cfg->timeout_ms), &t->s);
    if (err != GREET_OK) {
        t->s = GP_SOCKET_INVALID;
        return fail_with(t, err == GREET_ETIMEDOUT ? LOAD_FAIL_TIMEOUT : LOAD_FAIL_CONNECT, err);
    }
    gp_sock_set_nodelay(t->s, 1);
    gp_sock_set_timeouts(t->s, cfg->timeout_ms, cfg->timeout_ms);
    return await_bytes(t);
}

static int close_conn(struct tconn *t)
{
    int rc;

    load_conn_exit(&t->lc);
    rc = send_out(t) == 0 ? await_bytes(t) : -1;
    gp_sock_close(t->s);
    t->s = GP_SOCKET_INVALID;
    return rc;
}

static int more_rounds(const struct tconn *t)
{
    long count = t->sh->cfg->count;

    return count > 0 ? t->rounds < count : gp_atomic_load(&t->sh->stop) == 0;
}

static void count_done(struct tconn *t, uint64_t start)
{
    uint64_t now = load_now_us();

    t->rounds++;
    if (t->sh->cfg->count > 0 || (now >= t->sh->counted && now <= t->sh->deadline)) {
        load_hist_add(&t->hist, now - start);
        t->done++;
        t->last_done = now;
    }
}

static void ping_pong(struct tconn *t)
{
    const struct load_cfg *cfg = t->sh->cfg;

    if (cfg->think_ms > 0) { /* spread the first messages, as the epoll engine does */
        gp_sleep_ms((int)((long)cfg->think_ms * (long)t->lc.id / cfg->conns));
    }
    while (more_rounds(t)) {
        load_conn_next(&t->lc, load_now_us());
        if (send_out(t) != 0 || await_bytes(t) != 0) {
            return;
        }
        count_done(t, t->lc.sent_us);
        if (cfg->think_ms > 0) {
            gp_sleep_ms(cfg->think_ms);
        }
    }
    close_conn(t);
}

static void churn(struct tconn *t)
{
    while (more_rounds(t)) {
        uint64_t start = load_now_us();
        if (open_conn(t) == 0 && close_conn(t) == 0) {
            count_done(t, start);
        } else {
            gp_sock_close(t->s);
            t->s = GP_SOCKET_INVALID;
            t->rounds++; /* a failed cycle counts toward --count too, so the run ends */
            gp_sleep_ms(10);
        }
    }
}

static void wait_go(struct shared *sh)
{
    gp_mutex_lock(sh->mu);
    while (!sh->go) {
        gp_cond_wait(sh->cv, sh->mu, GP_DEADLINE_NONE);
    }
    gp_mutex_unlock(sh->mu);
}

/* Opens the connection with at most connect_parallel others, then waits for the start. */
static int open_and_wait(struct tconn *t)
{
    struct shared *sh = t->sh;
    int rc;

    gp_mutex_lock(sh->mu);
    while (sh->connecting >= sh->cfg->connect_parallel) {
        gp_cond_wait(sh->cv, sh->mu, GP_DEADLINE_NONE);
    }
    sh->connecting++;
    gp_mutex_unlock(sh->mu);

    rc = open_conn(t);

    gp_mutex_lock(sh->mu);
    if (rc == 0) {
        sh->r->opened++;
    }
    sh->connecting--;
    sh->settled++;
    gp_cond_broadcast(sh->cv);
    gp_mutex_unlock(sh->mu);
    wait_go(sh);
    return rc;
}

static void conn_thread(void *arg)
{
    struct tconn *t = arg;

    if (t->sh->cfg->mode == LOAD_CHURN) {
        wait_go(t->sh);
        churn(t);
    } else if (open_and_wait(t) == 0) {
        ping_pong(t);
    } else {
        gp_sock_close(t->s);
        t->s = GP_SOCKET_INVALID;
    }
}

static int shared_init(struct shared *sh, const struct load_cfg *cfg, struct load_result *r)
{
    size_t found = 0;
    int err;

    memset(sh, 0, sizeof *sh);
    sh->cfg = cfg;
    sh->r = r;
    err = gp_resolve(cfg->host, (uint16_t)cfg->port, GP_AF_ANY, 0, &sh->addr, 1, &found);
    if (err == GREET_OK) {
        err = gp_mutex_create(&sh->mu);
    }
    if (err == GREET_OK) {
        err = gp_cond_create(&sh->cv);
    }
    if (err != GREET_OK) {
        char text[128];
        fprintf(stderr, "greet_load: %s: %s\n", cfg->host,
                greet_error_text(err, text, sizeof text));
        return -1;
    }
    return 0;
}

/* Starts one thread per connection; a thread that cannot start counts as settled and failed. */
static void start_threads(struct shared *sh, struct tconn *conns)
{
    int i;

    for (i = 0; i < sh->cfg->conns; i++) {
        struct tconn *t = &conns[i];
        t->sh = sh;
        t->s = GP_SOCKET_INVALID;
        t->lc.id = (unsigned)i;
        if (gp_thread_start(&t->thread, conn_thread, t, THREAD_STACK) != GREET_OK) {
            t->thread = NULL;
            record_fail(t, LOAD_FAIL_CONNECT, "cannot start a thread");
            gp_mutex_lock(sh->mu);
            sh->settled++;
            gp_mutex_unlock(sh->mu);
        }
    }
}

/* Waits for every connection to be greeted, then starts the load (the warm-up, if any, then the
 * measured phase). */
static void open_phase(struct shared *sh, uint64_t opened_at)
{
    uint64_t t0;

    gp_mutex_lock(sh->mu);
    while (sh->cfg->mode != LOAD_CHURN && sh->settled < sh->cfg->conns) {
        gp_cond_wait(sh->cv, sh->mu, GP_DEADLINE_NONE);
    }
    gp_mutex_unlock(sh->mu);
    sh->r->open_s = (double)(load_now_us() - opened_at) / 1e6;
    load_sample(sh->cfg, sh->r, 1);

    gp_mutex_lock(sh->mu);
    t0 = load_now_us();
    sh->counted = t0 + (sh->cfg->count > 0 ? 0u : (uint64_t)sh->cfg->warmup_ms * 1000u);
    sh->deadline = sh->counted + (uint64_t)sh->cfg->duration_ms * 1000u;
    sh->go = 1;
    gp_cond_broadcast(sh->cv);
    gp_mutex_unlock(sh->mu);
}

static void sleep_until(uint64_t when_us)
{
    uint64_t now;

    while ((now = load_now_us()) < when_us) {
        uint64_t left_ms = (when_us - now + 999u) / 1000u;
        gp_sleep_ms(left_ms > 100 ? 100 : (int)left_ms);
    }
}

static void measure_phase(struct shared *sh)
{
    if (sh->cfg->count > 0) {
        return;
    }
    if (sh->cfg->warmup_ms > 0) { /* the server's CPU and memory from the end of the warm-up */
        sleep_until(sh->counted);
        load_sample(sh->cfg, sh->r, 1);
    }
    sleep_until(sh->deadline);
    gp_atomic_store(&sh->stop, 1);
    load_sample(sh->cfg, sh->r, 2);
}

static uint64_t join_all(struct shared *sh, struct tconn *conns)
{
    uint64_t last = 0;
    int i;

    for (i = 0; i < sh->cfg->conns; i++) {
        struct tconn *t = &conns[i];
        if (t->thread != NULL) {
            gp_thread_join(t->thread);
        }
        load_hist_merge(&sh->r->hist, &t->hist);
        sh->r->done += t->done;
        if (t->last_done > last) {
            last = t->last_done;
        }
    }
    return last;
}

int load_run_threads(const struct load_cfg *cfg, struct load_result *r)
{
    struct shared sh;
    struct tconn *conns = NULL;
    int rc = -1;

    if (gp_net_init() != GREET_OK) {
        fprintf(stderr, "greet_load: cannot start the network stack\n");
        return -1;
    }
    if (shared_init(&sh, cfg, r) == 0 &&
        (conns = calloc((size_t)cfg->conns, sizeof *conns)) != NULL) {
        uint64_t opened_at = load_now_us();
        uint64_t last;

        load_sample(cfg, r, 0);
        start_threads(&sh, conns);
        open_phase(&sh, opened_at);
        measure_phase(&sh);
        last = join_all(&sh, conns);
        if (cfg->count > 0) {
            load_sample(cfg, r, 2);
        }
        if (cfg->count == 0) {
            last = sh.deadline;
        }
        r->measured_s = last > sh.counted ? (double)(last - sh.counted) / 1e6 : 0.0;
        rc = 0;
    }
    free(conns);
    if (sh.cv != NULL) {
        gp_cond_destroy(sh.cv);
    }
    if (sh.mu != NULL) {
        gp_mutex_destroy(sh.mu);
    }
    gp_net_fini();
    return rc;
}
