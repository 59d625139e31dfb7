/* The processes engine: one accept thread hands each admitted connection to a child process
 * (gp_child_spawn: fork on POSIX, this program started again on Windows), which serves it with
 * proto.c and exits. A crash or a leak in one connection cannot touch the others.
 *
 * The parent does all the logging, through the core, so that lines are whole and the library
 * never calls the user's log function from a forked copy of the program (or from another
 * program, on Windows). A child tells its parent, through its report pipe, the mode its client
 * chose (only when the debug level wants that line) and, at the end, why the connection ended,
 * rendered there with the child's own OS detail, so that the closed line reads exactly as in the
 * other models.
 *
 * The accept thread owns every child from spawn to reap, including the stop: on Linux a child
 * dies with the thread that forked it (PR_SET_PDEATHSIG), so that thread drains, terminates and
 * reaps them all before it ends. Children are reaped by a scan every REAP_SLICE_MS and whenever
 * the server is full, not by a SIGCHLD handler or waitpid(-1): a library must not take either
 * from the program that hosts it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "server_core.h"

#define DRAIN_SLICE_MS 10 /* how often the drain looks for children that ended */
#define CHILD_OK       0
#define CHILD_BAD_DATA 3 /* exit code of a child handed data it cannot read */
#define HEARD_MAX      (2 * GP_CHILD_REPORT_MAX)

/* What a child needs of the configuration; the greeting (with its "\n") follows. */
struct child_config {
    int32_t idle_timeout_ms;
    int32_t delay_ms;
    int32_t tell_mode; /* the debug line "uses raw/line mode" is wanted */
    uint32_t max_line;
    uint32_t greeting_len;
    /* A forked child's memory (gp_child_is_fork), prepared by the parent so that the child never
     * allocates; meaningless in a child started afresh, which allocates its own. */
    void *workspace;
};

/* ---- The child ---------------------------------------------------------------------------- */

struct child {
    gp_child_link *link;
    gp_socket sock;
    gp_deadline idle_end; /* closed as idle when no message is complete by then */
    struct child_config cfg;
    struct gi_proto proto;
    unsigned char rbuf[GI_PROTO_RECV_MAX];
};

static int child_emit(void *ctx, const void *data, size_t len)
{
    struct child *c = ctx;

    c->idle_end = gp_deadline_in(c->cfg.idle_timeout_ms); /* a complete message */
    /* No need to watch for the stop here: the parent ends a child whose drain time is over. */
    if (c->cfg.delay_ms > 0) {
        gp_sleep_ms(c->cfg.delay_ms);
    }
    return gp_sock_send_all(c->sock, data, len);
}

/* Receives and answers as server_threads.c's serve does, with the parent's stop and the idle
 * limit as the waits' end. As there, the limit counts from the last complete message: an
 * unfinished line may only wait for what is left of it, between messages a whole period. */
static int child_serve(struct child *c)
{
    for (;;) {
        gp_deadline until = c->proto.len > 0 ? c->idle_end : gp_deadline_in(c->cfg.idle_timeout_ms);
        size_t got;
        int rc = gp_child_wait(c->link, c->sock, until);
        if (rc == GREET_ECANCELED) {
            return GREET_OK; /* the server stops: no line was finished (the parent says so) */
        }
        if (rc == GREET_OK) {
            rc = gp_sock_recv(c->sock, c->rbuf, sizeof c->rbuf, &got);
        }
        if (rc != GREET_OK) {
            return rc;
        }
        if (got == 0) {
            /* A stop that came with the end of stream is the server's doing, as above. */
            return gp_child_wait(c->link, c->sock, gp_clock_ms()) == GREET_ECANCELED
                       ? GREET_OK
                       : gi_proto_finish(&c->proto, child_emit, c);
        }
        if (c->proto.mode == GI_MODE_UNKNOWN) {
            int mode = gi_proto_latch(&c->proto, c->rbuf, got);
            if (c->cfg.tell_mode) {
                gp_child_tell(c->link, mode == GI_MODE_LINE ? "mode line\n" : "mode raw\n");
            }
        }
        rc = gi_proto_feed(&c->proto, c->rbuf, got, child_emit, c);
        if (rc != GI_PROTO_MORE) {
            return rc;
        }
    }
}

/* The bytes a child works in: struct child, then its protocol buffer. */
static size_t workspace_size(uint32_t max_line)
{
    return sizeof(struct child) + gi_proto_shared_size(max_line);
}

int gi_server_child_main(gp_child_link *link, gp_socket s, const void *data, size_t len)
{
    struct child_config cfg;
    const char *greeting = (const char *)data + sizeof cfg;
    char end[GP_CHILD_REPORT_MAX];
    struct child *c;
    gp_failure why;
    int rc;

    if (len < sizeof cfg) {
        return CHILD_BAD_DATA;
    }
    memcpy(&cfg, data, sizeof cfg);
    if (cfg.greeting_len != len - sizeof cfg) {
        return CHILD_BAD_DATA;
    }
    c = gp_child_is_fork() ? cfg.workspace : malloc(workspace_size(cfg.max_line));
    if (!c) {
        return CHILD_BAD_DATA;
    }
    memset(c, 0, sizeof *c);
    c->cfg = cfg;
    gi_proto_init_in(&c->proto, cfg.max_line, (unsigned char *)(c + 1));
    c->link = link;
    c->sock = s;
    c->idle_end = gp_deadline_in(c->cfg.idle_timeout_ms);
    gp_sock_set_nonblocking(s, 0);
    gp_sock_set_nodelay(s, 1);
    if (c->cfg.idle_timeout_ms > 0) {
        gp_sock_set_timeouts(s, 0, c->cfg.idle_timeout_ms);
    }
    rc = gp_sock_send_all(s, greeting, c->cfg.greeting_len);
    if (rc == GREET_OK) {
        rc = child_serve(c);
    }
    /* Taken here, right after the call that ended the connection: only this process knows the
     * OS detail, which the report carries to the parent. */
    gp_failure_take(&why, rc);
    snprintf(end, sizeof end, "end %d %lu %.*s\n", why.code, (unsigned long)c->proto.max_line,
             (int)(sizeof end - 48), why.detail);
    gp_child_tell(link, end);
    if (!gp_child_is_fork()) {
        free(c);
    }
    return CHILD_OK;
}

int greet_server_child(int argc, char **argv, int *exit_code)
{
    return gp_child_enter(argc, argv, gi_server_child_main, exit_code);
}

/* ---- The parent --------------------------------------------------------------------------- */

struct pconn {
    struct pconn *prev, *next;
    gp_child *child;
    char peer[GP_ADDRSTR_MAX];
    int ended; /* the child told why: an "end" line was heard */
    size_t heard_len;
    char heard[HEARD_MAX + 1];
};

struct processes {
    gp_thread *acceptor;
    gp_children *children;
    struct pconn *live;
    long count;
    uint64_t warned_at; /* the last warning about a child that could not start */
    void *config;       /* struct child_config and the greeting, handed to every child */
    size_t config_len;
    void *workspace; /* every forked child's working memory (its own copy of it) */
};

static struct processes *state(greet_server *srv)
{
    return srv->engine_state;
}

/* Acts on one line a child told: its mode, or why it ended ("end CODE MAX_LINE DETAIL"). */
static void on_told(greet_server *srv, struct pconn *pc, const char *line)
{
    gp_failure why = {0, ""};
    int at = 0;
    unsigned long max_line = 0;

    if (strcmp(line, "mode raw") == 0 || strcmp(line, "mode line") == 0) {
        gi_server_log(srv, GREET_LOG_DEBUG, "connection with %s uses %s mode", pc->peer, line + 5);
    } else if (sscanf(line, "end %d %lu %n", &why.code, &max_line, &at) == 2 && at > 0) {
        pc->ended = 1;
        snprintf(why.detail, sizeof why.detail, "%s", line + at); /* the child's failure */
        gi_server_conn_end(srv, pc->peer, &why, (size_t)max_line);
    }
}

/* Adds what the child told to its unfinished line and acts on every complete one. */
static void take_told(greet_server *srv, struct pconn *pc, const char *text, size_t len)
{
    char *nl;

    if (len > HEARD_MAX - pc->heard_len) {
        len = HEARD_MAX - pc->heard_len; /* a child that says too much is not listened to */
    }
    memcpy(pc->heard + pc->heard_len, text, len);
    pc->heard_len += len;
    pc->heard[pc->heard_len] = '\0';
    while ((nl = strchr(pc->heard, '\n')) != NULL) {
        *nl = '\0';
        on_told(srv, pc, pc->heard);
        pc->heard_len -= (size_t)(nl + 1 - pc->heard);
        memmove(pc->heard, nl + 1, pc->heard_len + 1);
    }
}

static void pconn_free(struct processes *p, struct pconn *pc)
{
    if (pc->prev) {
        pc->prev->next = pc->next;
    } else {
        p->live = pc->next;
    }
    if (pc->next) {
        pc->next->prev = pc->prev;
    }
    p->count--;
    free(pc);
}

/* Reaps pc's child if it ended; a child that ended without saying why (killed, crashed) still
 * gets its closed line. Returns non-zero when it was reaped. */
static int reap_one(greet_server *srv, struct processes *p, struct pconn *pc)
{
    gp_child_status st;
    char how[64], what[128];

    if (gp_child_reap(pc->child, &st) != GREET_OK) {
        return 0;
    }
    take_told(srv, pc, st.report, strlen(st.report));
    if (!pc->ended) {
        gp_child_describe(&st, how, sizeof how);
        snprintf(what, sizeof what, "child process %lu %s", st.pid, how);
        gi_server_conn_died(srv, pc->peer, what);
    }
    pconn_free(p, pc);
    return 1;
}

/* Hears what every child told (only the debug line needs that before the end) and reaps those
 * that ended; returns how many were reaped. */
static long scan(greet_server *srv, struct processes *p)
{
    struct pconn *pc = p->live, *next;
    long reaped = 0;

    for (; pc; pc = next) {
        next = pc->next;
        if (srv->cfg.log_level >= GREET_LOG_DEBUG) {
            char text[GP_CHILD_REPORT_MAX];
            size_t got = 0;
            gp_child_heard(pc->child, text, sizeof text, &got);
            take_told(srv, pc, text, got);
        }
        reaped += reap_one(srv, p, pc);
    }
    return reaped;
}

/* The client was admitted but no child could start (called right after the start failed with
 * rc): it is told "busy", as at the descriptor limit in the other models (the parent needs a
 * descriptor per child for its report pipe), and the failure is logged at most once a second. */
static void spawn_failed(greet_server *srv, gp_socket s, const char *peer, int rc)
{
    struct processes *p = state(srv);
    char text[GP_DETAIL_MAX + 64];
    gp_failure why;
    uint64_t now;

    gp_failure_take(&why, rc);
    now = gp_clock_ms();
    if (p->warned_at == 0 || now - p->warned_at >= 1000) {
        p->warned_at = now;
        gi_server_log(srv, GREET_LOG_WARN, "connection with %s refused: cannot start a process: %s",
                      peer, gp_failure_text(&why, text, sizeof text));
    }
    gp_sock_send_all(s, GREET_BUSY_MESSAGE, sizeof GREET_BUSY_MESSAGE - 1);
    gp_sock_shutdown(s, GP_SHUT_WR);
    gp_sock_close(s);
    gp_failure_take(&why, GREET_ECANCELED);
    gi_server_conn_end(srv, peer, &why, srv->cfg.max_line);
}

static void start_child(greet_server *srv, gp_socket s, const gp_addr *peer)
{
    struct processes *p = state(srv);
    struct pconn *pc = calloc(1, sizeof *pc);
    int rc;

    if (!pc) {
        gi_server_log(srv, GREET_LOG_ERROR, "connection refused: out of memory");
        gp_sock_close(s);
        return;
    }
    gi_server_format_peer(peer, pc->peer, sizeof pc->peer);
    /* A child that just closed its client may not be reaped yet: look before saying busy. */
    if (srv->cfg.max_clients > 0 && p->count >= srv->cfg.max_clients) {
        scan(srv, p);
    }
    if (!gi_server_admit(srv)) {
        gi_server_reject_busy(srv, s, pc->peer);
        free(pc);
        return;
    }
    rc = gp_child_spawn(p->children, gi_server_child_main, s, p->config, p->config_len, &pc->child);
    if (rc != GREET_OK) {
        spawn_failed(srv, s, pc->peer, rc);
        free(pc);
        return;
    }
    gi_server_conn_begin(srv, pc->peer);
    gi_server_log(srv, GREET_LOG_DEBUG, "child process %lu serves %s", gp_child_pid(pc->child),
                  pc->peer);
    pc->next = p->live;
    if (p->live) {
        p->live->prev = pc;
    }
    p->live = pc;
    p->count++;
}

/* At stop: tells the children (they stop reading and finish the reply at hand), gives them the
 * drain time, then ends and reaps those left. Runs on the accept thread, see above. */
static void drain(greet_server *srv, struct processes *p)
{
    struct pconn *pc;
    gp_deadline end = gi_server_drain_deadline(srv);

    gp_sock_close(srv->listener);
    srv->listener = GP_SOCKET_INVALID;
    gp_children_stop(p->children);
    while (p->live && !gp_deadline_passed(end)) {
        if (scan(srv, p) == 0) {
            gp_sleep_ms(DRAIN_SLICE_MS);
        }
    }
    gi_server_begin_closing(srv);
    for (pc = p->live; pc; pc = pc->next) {
        gp_child_kill(pc->child);
    }
    while (p->live) {
        if (scan(srv, p) == 0) {
            gp_sleep_ms(1);
        }
    }
}

/* After each accept pass: children that ended are reaped (none to look for when idle and fine). */
static void scanned(greet_server *srv, int rc)
{
    struct processes *p = state(srv);

    if (rc != GREET_OK || p->count > 0) {
        scan(srv, p);
    }
}

static void accept_main(void *arg)
{
    greet_server *srv = arg;

    gi_server_accept_loop(srv, start_child, scanned);
    drain(srv, state(srv));
}

/* ---- The engine --------------------------------------------------------------------------- */

/* The configuration every child gets, built once. */
static int make_config(greet_server *srv, struct processes *p)
{
    struct child_config cfg;

    memset(&cfg, 0, sizeof cfg);
    cfg.idle_timeout_ms = srv->cfg.idle_timeout_ms;
    cfg.delay_ms = srv->cfg.delay_ms;
    cfg.tell_mode = srv->cfg.log && srv->cfg.log_level >= GREET_LOG_DEBUG;
    cfg.max_line = (uint32_t)srv->cfg.max_line;
    cfg.greeting_len = (uint32_t)srv->greeting_len;
    if (srv->greeting_len > GP_CHILD_DATA_MAX - sizeof cfg) {
        return GREET_ETOOBIG;
    }
    if (gp_child_is_fork()) {
        p->workspace = malloc(workspace_size(cfg.max_line));
        if (!p->workspace) {
            return GREET_ENOMEM;
        }
        cfg.workspace = p->workspace;
    }
    p->config_len = sizeof cfg + srv->greeting_len;
    p->config = malloc(p->config_len);
    if (!p->config) {
        return GREET_ENOMEM;
    }
    memcpy(p->config, &cfg, sizeof cfg);
    memcpy((char *)p->config + sizeof cfg, srv->greeting, srv->greeting_len);
    return GREET_OK;
}

static void processes_free(struct processes *p)
{
    gp_children_destroy(p->children);
    free(p->config);
    free(p->workspace);
    free(p);
}

static int processes_start(greet_server *srv)
{
    struct processes *p = calloc(1, sizeof *p);
    int rc;

    if (!p) {
        return GREET_ENOMEM;
    }
    rc = make_config(srv, p);
    if (rc == GREET_OK) {
        rc = gp_children_create(&p->children);
    }
    if (rc == GREET_OK) {
        srv->engine_state = p;
        rc = gp_thread_start(&p->acceptor, accept_main, srv, 0);
    }
    if (rc != GREET_OK) {
        srv->engine_state = NULL;
        processes_free(p);
    }
    return rc;
}

/* The accept thread sees the stop flag, drains and ends every child, then ends itself. */
static void processes_stop(greet_server *srv)
{
    gp_thread_join(state(srv)->acceptor);
}

static void processes_join(greet_server *srv)
{
    processes_free(state(srv));
    srv->engine_state = NULL;
}

const struct gi_server_engine gi_server_processes = {"processes", processes_start, processes_stop,
                                                     processes_join};
