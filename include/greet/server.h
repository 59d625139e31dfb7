/* The greeting server as a library, started on threads of its own and stopped cleanly. Two
 * models serve the same protocol, byte for byte and log line for log line: the tutorial's thread
 * per connection, and event loops (a few threads, each serving many connections). The protocol
 * is described in docs/protocol.md.
 *
 *     greet_server_config cfg;
 *     greet_server *srv;
 *     greet_server_config_init(&cfg);
 *     cfg.port = 0;                       // any free port
 *     if (greet_server_start(&cfg, &srv) == GREET_OK) {
 *         printf("%u\n", greet_server_port(srv));
 *         ...
 *         greet_server_stop(srv);
 *     }
 */
#ifndef GREET_SERVER_H
#define GREET_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "greet/error.h"
#include "greet/export.h"

GREET_BEGIN_DECLS

#define GREET_DEFAULT_PORT     12341 /* the tutorial's */
#define GREET_DEFAULT_GREETING "hello world!"
/* 0: the OS's maximum listen queue (SOMAXCONN; on Windows SOMAXCONN_HINT's top where supported),
 * as nginx and others do. The tutorial's listen(5) drops connection attempts as soon as a handful
 * of clients connect at once, and even 128 overflows when hundreds connect together. */
#define GREET_DEFAULT_BACKLOG     0
#define GREET_DEFAULT_MAX_CLIENTS 10000
#define GREET_DEFAULT_MAX_LINE    4096 /* longest line in line mode, in bytes */
#define GREET_DEFAULT_DRAIN_MS    300  /* time given to in-flight replies at stop */
/* Five minutes without a complete message: long enough for a person typing into netcat or
 * telnet, short enough that abandoned or trickling (slowloris) connections do not pile up. */
#define GREET_DEFAULT_IDLE_TIMEOUT_MS 300000
#define GREET_DEFAULT_STACK_SIZE      (64 * 1024) /* per connection thread: 10,000 fit in 640 MiB */

/* greet_server_config.listener when the server binds and listens itself. */
#define GREET_NO_LISTENER (~(uintptr_t)0)

/* The busy reply sent instead of the greeting to a client over max_clients, then closed. */
#define GREET_BUSY_MESSAGE "busy: too many clients, try again later\n"

enum greet_log_level {
    GREET_LOG_ERROR = 0,
    GREET_LOG_WARN = 1,
    GREET_LOG_INFO = 2,
    GREET_LOG_DEBUG = 3
};

/* Receives one log line without a line ending (level: enum greet_log_level). Called from one
 * log thread of the server's, one line at a time and in order; the library never prints by
 * itself. Serving never waits for it: lines wait in a bounded queue (512 lines) while it is
 * slow, and when the queue is full further lines are dropped and counted, the next line that
 * gets in being preceded by the warning "N log lines dropped: the log could not keep up". */
typedef void (*greet_log_fn)(void *user, int level, const char *message);

/* How connections are served (greet_server_config.model). */
enum greet_server_model {
    GREET_SERVER_DEFAULT = 0,  /* the library's choice */
    GREET_SERVER_THREADS = 1,  /* one thread per connection (the tutorial's model) */
    GREET_SERVER_EVENTS = 2,   /* cfg.workers event loops, each serving many connections */
    GREET_SERVER_PROCESSES = 3 /* one process per connection; see greet_server_child */
};

/* Set up with greet_server_config_init, then change what you need (docs/architecture.md, "The
 * ABI rule": size is the struct's size as the program was compiled; never set it yourself). */
typedef struct greet_server_config {
    size_t size;
    const char *bind;     /* address or host name to listen on; NULL: all interfaces, IPv6 and
                             IPv4 (dual-stack "::"), or IPv4 only where IPv6 is unavailable */
    unsigned port;        /* 0 picks a free port: see greet_server_port */
    int backlog;          /* listen queue length; 0: the OS's maximum */
    long max_clients;     /* connections served at once; more get GREET_BUSY_MESSAGE; 0: no limit */
    int idle_timeout_ms;  /* close a client that completes no message for this long (bytes of
                             an unfinished line do not count); 0: never */
    int delay_ms;         /* wait before each reply (the tutorial's time.sleep(1) is 1000) */
    const char *greeting; /* sent on accept, followed by "\n"; copied by greet_server_start */
    size_t max_line;      /* line-mode limit in bytes (at least 1024) */
    int drain_ms;         /* at stop, how long in-flight replies may take before sockets close */
    size_t stack_size;    /* bytes of stack per connection thread */
    greet_log_fn log;     /* NULL: no logging */
    void *log_user;       /* first argument of log */
    int log_level;        /* messages above this level are not formatted at all */
    int model;            /* enum greet_server_model */
    int workers;          /* event loops of GREET_SERVER_EVENTS; 0: one per CPU this process
                             may run on */
    uintptr_t listener;   /* a TCP socket already listening (a descriptor on POSIX, a SOCKET on
                             Windows), e.g. from greet_service_listeners: served instead of
                             binding one, so bind, port and backlog are unused. The server
                             closes it at stop; when greet_server_start fails, it stays the
                             caller's. GREET_NO_LISTENER (the default): bind and listen here */
} greet_server_config;

/* Counters, read at one instant; set up with greet_server_stats_init. */
typedef struct greet_server_stats {
    size_t size;
    long active;            /* connections being served now */
    unsigned long accepted; /* connections served since start */
    unsigned long rejected; /* connections turned away with the busy message */
} greet_server_stats;

typedef struct greet_server greet_server;

/* Fills cfg with the defaults above (port GREET_DEFAULT_PORT, log level INFO, no log) and its
 * size. greet_server_start refuses a config that did not come from here (GREET_EINVAL). */
GREET_API void greet_server_config_init(greet_server_config *cfg);

GREET_API void greet_server_stats_init(greet_server_stats *st);

/* Binds and listens (errors such as GREET_EADDRINUSE, GREET_EACCES, GREET_ENOHOST come back
 * from here, with the OS detail for greet_error_text on this thread), then accepts on a thread
 * of its own. *out is set on success. */
GREET_API int greet_server_start(const greet_server_config *cfg, greet_server **out);

/* The port the server listens on (the chosen one when cfg.port was 0). */
GREET_API unsigned greet_server_port(const greet_server *srv);

/* "[::]:12341" or "127.0.0.1:5000": the address the server listens on, into buf. */
GREET_API int greet_server_address(const greet_server *srv, char *buf, size_t size);

/* Fills the first out->size bytes of *out (from greet_server_stats_init). GREET_EINVAL when out
 * was not set up. */
GREET_API int greet_server_stats_get(greet_server *srv, greet_server_stats *out);

/* Stops accepting, lets in-flight replies finish for up to cfg.drain_ms, closes every
 * connection, waits for all of the server's threads to end, and frees srv. NULL is a no-op.
 * The log ("stopping" ... "stopped") gets at most a quarter of a second more to catch up; a log
 * function still blocked then is left running (it is not called again once it returns). */
GREET_API void greet_server_stop(greet_server *srv);

/* For GREET_SERVER_PROCESSES: call first in main, before anything else runs:
 *
 *     int code;
 *     if (greet_server_child(argc, argv, &code)) {
 *         return code;
 *     }
 *
 * Windows has no fork, so each connection's child process is this same program started again
 * with a private argument; this call recognises that start, serves the one connection, sets
 * *exit_code and returns non-zero. In any other start (and always on POSIX, where children are
 * forked) it returns 0 at once. On Windows a program that never called it cannot start the
 * processes model (greet_server_start gives GREET_EUNSUPPORTED): its children would run its main
 * as if a user had started it. */
GREET_API int greet_server_child(int argc, char **argv, int *exit_code);

GREET_END_DECLS

#endif
