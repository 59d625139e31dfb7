/*
 * greet_load, the load generator for the greet protocol (docs/protocol.md): shared pieces.
 * Engines (load_threads.c: portable, one thread per connection on top of platform/gp.h;
 * load_epoll.c: Linux only, one thread multiplexing every connection) do the I/O; everything
 * that decides what to send and whether a reply is right lives in load_conn.c, so both engines
 * check the same bytes the same way.
 */
#ifndef GREET_BENCH_LOAD_H
#define GREET_BENCH_LOAD_H

#include <stddef.h>
#include <stdint.h>

/* What each connection does. */
enum load_mode {
    LOAD_LINE, /* greeting, then "msg\n" -> "Hello msg\n" round trips, then "exit\n" */
    LOAD_RAW,  /* greeting, then "msg" -> "Hello msg" round trips, then "exit" */
    LOAD_CHURN /* connect, greeting, "exit", wait for the server's close, close; repeat */
};

enum load_engine { LOAD_ENGINE_THREADS, LOAD_ENGINE_EPOLL };

#define LOAD_GREETING_MAX 256
#define LOAD_MSG_MAX      1000 /* a raw message must fit one 1024-byte receive with its reply */

struct load_cfg {
    const char *host;
    unsigned port;
    int conns;            /* concurrent connections */
    int mode;             /* enum load_mode */
    int engine;           /* enum load_engine */
    int threads;          /* epoll engine: event loops, each with its share of connections */
    long duration_ms;     /* measured phase length (when count is 0) */
    long warmup_ms;       /* load before the measured phase, not counted (when count is 0) */
    long count;           /* round trips (or churn cycles) per connection; 0: use duration_ms */
    int msg_size;         /* bytes per message, newline included in line mode */
    int think_ms;         /* pause between a reply and the next message (idle-ish clients) */
    int timeout_ms;       /* a connection that waits longer than this for a byte fails */
    int connect_parallel; /* connects in flight at once while opening connections */
    long server_pid;      /* > 0: sample its memory from /proc/PID/status */
    char greeting[LOAD_GREETING_MAX];
    size_t greeting_len;
};

/* Latency histogram in microseconds: exact below 32 us, then 16 buckets per power of two, so a
 * reported percentile is within about 6% of the true value. */
#define LOAD_HIST_SUB     16
#define LOAD_HIST_BUCKETS (32 + 40 * LOAD_HIST_SUB)

struct load_hist {
    uint64_t counts[LOAD_HIST_BUCKETS];
    uint64_t total;
    uint64_t max_us;
};

void load_hist_add(struct load_hist *h, uint64_t us);
void load_hist_merge(struct load_hist *into, const struct load_hist *from);
/* The value below which the fraction q (0..1) of the samples fall; 0 when empty. */
uint64_t load_hist_quantile(const struct load_hist *h, double q);

/* Failure kinds, counted separately so a report says what went wrong. */
enum load_fail {
    LOAD_FAIL_CONNECT,
    LOAD_FAIL_GREETING, /* greeting bytes differ from the expected ones */
    LOAD_FAIL_REPLY,    /* reply bytes differ */
    LOAD_FAIL_EOF,      /* the server closed while a reply was due */
    LOAD_FAIL_IO,       /* reset, send failure */
    LOAD_FAIL_TIMEOUT,
    LOAD_FAIL_COUNT
};

struct load_result {
    uint64_t done; /* round trips (or churn cycles) completed in the measured phase */
    uint64_t fails[LOAD_FAIL_COUNT];
    struct load_hist hist;
    double open_s;         /* time to open every connection and read every greeting */
    double measured_s;     /* length of the measured phase */
    int opened;            /* connections that got their greeting */
    long rss_before_kib;   /* server's VmRSS before the first connect */
    long rss_held_kib;     /* ... with every connection open and greeted */
    long rss_end_kib;      /* ... at the end of the measured phase */
    long hwm_kib;          /* server's VmHWM at the end */
    double server_cpu_s;   /* CPU the server used in the measured phase (-1: unknown) */
    double client_cpu_s;   /* ... and this process */
    char first_error[160]; /* the first failure, described, for the report */
};

/* ---- One connection's protocol state (load_conn.c) ---------------------------------------- */

enum load_conn_state {
    LC_GREETING, /* waiting for the greeting */
    LC_READY,    /* greeted; the engine starts round trips (or sends exit) when told */
    LC_REPLY,    /* a message is out, its reply is being checked */
    LC_CLOSING,  /* exit sent, waiting for the server to close */
    LC_DONE,
    LC_FAILED
};

struct load_conn {
    const struct load_cfg *cfg;
    int state;
    unsigned id;
    uint64_t seq;
    char out[LOAD_MSG_MAX + 8]; /* the message being sent */
    size_t out_len;
    char expect[LOAD_MSG_MAX + 16]; /* the reply it must get back */
    size_t expect_len;
    size_t matched; /* bytes of expect already received and equal */
    uint64_t sent_us;
    int fail;        /* enum load_fail when state is LC_FAILED */
    const char *why; /* what load_conn_feed found wrong */
};

enum load_feed { LOAD_FEED_MORE, LOAD_FEED_COMPLETE, LOAD_FEED_FAILED };

/* Starts a connection's state: expects the greeting. */
void load_conn_init(struct load_conn *c, const struct load_cfg *cfg, unsigned id);

/* Checks received bytes against what is due; LOAD_FEED_COMPLETE when the greeting or reply is
 * complete (state becomes LC_READY), LOAD_FEED_FAILED on a wrong or extra byte. */
int load_conn_feed(struct load_conn *c, const char *data, size_t n);

/* The server closed (or reset): LC_DONE when exit was sent, else LC_FAILED with LOAD_FAIL_EOF. */
void load_conn_eof(struct load_conn *c);

/* Prepares the next message in out/out_len and its expected reply; now_us is its send time. */
void load_conn_next(struct load_conn *c, uint64_t now_us);

/* Prepares "exit" (or "exit\n") in out/out_len; the connection then waits for the close. */
void load_conn_exit(struct load_conn *c);

/* Records a failure of kind on c (state LC_FAILED). */
void load_conn_fail(struct load_conn *c, int kind);

/* ---- Shared helpers (load_common.c) ------------------------------------------------------- */

/* Microseconds from an arbitrary fixed point (C11 timespec_get, so portable). */
uint64_t load_now_us(void);

/* Samples the server's memory (rss_*, and VmHWM at the end) and, from the start of the measured
 * phase to its end, the CPU time of the server and of this process. which: 0 before the first
 * connect, 1 when the measured phase starts (all connections open), 2 when it ends. */
void load_sample(const struct load_cfg *cfg, struct load_result *r, int which);

/* Counts one failure and keeps the first one's description. */
void load_result_fail(struct load_result *r, int kind, const char *detail);

/* The same for a connection that failed (state LC_FAILED), naming it and its message; why
 * (may be NULL) adds the cause. */
void load_result_conn_fail(struct load_result *r, const struct load_conn *c, const char *why);

/* Adds the counts of from (one engine thread's) to into. */
void load_result_merge(struct load_result *into, const struct load_result *from);

const char *load_fail_name(int kind);

/* ---- Engines ------------------------------------------------------------------------------ */

/* Each runs the whole test (open, measure, exit) and fills r; returns 0, or -1 when the test
 * could not run at all (after printing why). */
extern const int load_epoll_available; /* 0 where load_run_epoll only reports "not here" */
int load_run_threads(const struct load_cfg *cfg, struct load_result *r);
int load_run_epoll(const struct load_cfg *cfg, struct load_result *r);

#endif
