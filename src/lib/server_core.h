/* The server's shared core, and the interface its engines implement.
 *
 * What a connection's life means to an operator is decided here, whatever the model: admission
 * (--max-clients and the busy reply), the log lines ("connection with ...", "connection from ...
 * closed (reason)"), the idle and delay rules, stop and drain, and the counters. An engine
 * (server_threads.c, server_events.c, ...) only moves bytes: it accepts, asks the core whether to
 * admit, feeds received bytes to proto.c, sends the replies, and tells the core how each
 * connection ended. The caller of greet_server_start never learns which engine it got.
 *
 * The core's functions take plain values (a peer string, a close reason) rather than an engine's
 * connection object, so an engine whose connections live elsewhere (another process) can report
 * for them too. */
#ifndef GREET_LIB_SERVER_CORE_H
#define GREET_LIB_SERVER_CORE_H

#include <stdint.h>

#include "gp.h"
#include "greet/server.h"

#define GI_SERVER_LOG_LINE_MAX 512

/* One server model. The core calls start once after the listener is open, then, at
 * greet_server_stop, stop once and join once, in that order, from the same thread. */
struct gi_server_engine {
    const char *name;
    /* Begins accepting on srv->listener (non-blocking); srv->engine_state is the engine's. */
    int (*start)(greet_server *srv);
    /* Stops accepting and drains: the engine stops reading from clients, lets in-flight replies
     * finish until gi_server_drain_deadline, then closes what is left (gi_server_closing turns
     * true at that moment). May return before every connection ended. */
    void (*stop)(greet_server *srv);
    /* Waits until every connection and every thread or process of the engine ended, and frees
     * srv->engine_state. */
    void (*join)(greet_server *srv);
};

extern const struct gi_server_engine gi_server_threads;
extern const struct gi_server_engine gi_server_events;
extern const struct gi_server_engine gi_server_processes;

/* What a child process of the processes engine runs (a gp_child_fn): serves one connection. A
 * program's own gp_child_enter may dispatch to it (the test runner does). */
int gi_server_child_main(gp_child_link *link, gp_socket s, const void *data, size_t len);

struct greet_server {
    greet_server_config cfg;
    char *greeting; /* the configured text and its "\n" */
    size_t greeting_len;
    gp_socket listener;
    gp_addr local;
    struct gi_logq *logq; /* where gi_server_log puts lines; NULL without cfg.log */
    const struct gi_server_engine *engine;
    void *engine_state;
    gp_atomic stopping; /* set once by greet_server_stop: accepting ends, the drain begins */
    int net_started;
    gp_mutex *lock;   /* guards everything below */
    gp_cond *changed; /* a connection ended during stop, or the drain time is over */
    long active;
    unsigned long accepted, rejected;
    gp_deadline drain_end; /* when the drain time is over (set at stop) */
    gp_reserve reserve;    /* the spare descriptor for turning clients away at the limit */
    int reserve_lost;      /* another loop's accept took the descriptor the spare freed */
    uint64_t warned_at;    /* the last warning about failing accepts */
    unsigned long shed;    /* clients turned away at the descriptor limit since that warning */
    int closing;           /* drain time over: delays end, sockets are shut */
};

/* Formats one log line and queues it for the log writer (logq.h): never waits for cfg.log, so a
 * stalled log reader does not stall serving or stopping, whatever the engine. */
void gi_server_log(greet_server *srv, int level, const char *fmt, ...) GP_PRINTF(3, 4);

/* Non-zero when gi_server_log would write a line at level, so that an engine can skip building
 * text (a peer's address, a reason) that nobody would read. */
int gi_server_logs(const greet_server *srv, int level);

/* "127.0.0.1:5000" for addr, also for an IPv4 client of a dual-stack listener. */
void gi_server_format_peer(const gp_addr *addr, char *buf, size_t size);

/* Counts a new connection in unless the server is full: non-zero when admitted. A connection
 * admitted must end with gi_server_conn_end. */
int gi_server_admit(greet_server *srv);

/* Sends the busy reply to a client that was not admitted, logs it, and closes s. */
void gi_server_reject_busy(greet_server *srv, gp_socket s, const char *peer);

/* Logs "connection with PEER" for an admitted connection. */
void gi_server_conn_begin(greet_server *srv, const char *peer);

/* Ends an admitted connection: it no longer counts, and "connection from PEER closed (reason)"
 * is logged. why's code is GREET_OK (end of stream), GI_PROTO_EXIT, GI_PROTO_OVERLONG,
 * GREET_ETIMEDOUT (the idle limit) or the error that ended it, with the OS detail taken where it
 * happened (a child process's came with its report); max_line is the limit proto.c applied. */
void gi_server_conn_end(greet_server *srv, const char *peer, const gp_failure *why,
                        size_t max_line);

/* Ends a connection whose child process died without saying why: how is the reason ("child
 * process 123 killed by signal 9"). */
void gi_server_conn_died(greet_server *srv, const char *peer, const char *how);

/* Handles accept failing with rc on listener, called right after that accept (its OS detail is
 * taken first, for the warning): the normal failures (a client that gave up, a
 * wake-up with nothing to accept) are ignored; for lack of descriptors the waiting client is
 * accepted on the spare descriptor, told "busy" and closed. A warning is logged at most once a
 * second. Returns how long the acceptor should pause, in ms (0: go on at once). */
int gi_server_accept_failed(greet_server *srv, gp_socket listener, int rc);

/* The blocking accept loop of the engines that accept on one thread (threads, processes): until
 * stop, waits for the listener, hands each accepted socket to take (which owns it from then on)
 * and calls after with what the pass got (GREET_OK, GREET_ETIMEDOUT or an accept failure already
 * handled by gi_server_accept_failed), so the engine can reap what ended. */
typedef void (*gi_server_take_fn)(greet_server *srv, gp_socket s, const gp_addr *peer);
typedef void (*gi_server_after_fn)(greet_server *srv, int rc);
void gi_server_accept_loop(greet_server *srv, gi_server_take_fn take, gi_server_after_fn after);

/* Non-zero once greet_server_stop began. */
int gi_server_stopping(greet_server *srv);

/* Non-zero once the drain time is over (delays end, sockets are shut). */
int gi_server_closing(greet_server *srv);

/* The deadline at which stop's drain time is over; meaningful once stopping. */
gp_deadline gi_server_drain_deadline(greet_server *srv);

/* Blocks until end passes or the drain time is over: GREET_OK after the full wait,
 * GREET_ECANCELED when cut short. For engines whose replies wait on a thread. */
int gi_server_sleep_until(greet_server *srv, gp_deadline end);

/* Blocks until no admitted connection is left or end (GP_DEADLINE_NONE: never) passes; returns
 * the number still active. */
long gi_server_wait_idle(greet_server *srv, gp_deadline end);

/* Marks the drain time over and wakes gi_server_sleep_until; returns the connections left. */
long gi_server_begin_closing(greet_server *srv);

#endif
