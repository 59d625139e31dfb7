/*
 * The platform contract: everything greet needs from the operating system, and the only header
 * through which src/ reaches it. Two implementations exist, platform/posix/ and platform/win32/,
 * and CMake compiles exactly one of them; platform/common/ holds portable code built on top of
 * the contract. No OS header is included here, so the types below are opaque or plain C.
 *
 * Conventions, for every gp_ function that returns int: 0 (GREET_OK) on success, a negative
 * greet_err on failure. When the failure came from the OS, the raw value (errno, WSAGetLastError,
 * GetLastError or a getaddrinfo code) is recorded for the calling thread; greet_oserror() renders
 * it. Functions never print anything.
 */
#ifndef GREET_PLATFORM_GP_H
#define GREET_PLATFORM_GP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "greet/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Errors ------------------------------------------------------------------------------- */

/* Which table the recorded raw value belongs to, so it can be named and described. The TLS
 * backend (gp_tls.h) records its library's codes as GP_OSERR_TLS (code GREET_ETLS) and rejected
 * certificates as GP_OSERR_CERT (GREET_ECERT); gp_tls_describe renders those. */
enum gp_oserr_kind {
    GP_OSERR_NONE,
    GP_OSERR_ERRNO,
    GP_OSERR_SOCKET,
    GP_OSERR_WIN32,
    GP_OSERR_GAI,
    GP_OSERR_TLS,
    GP_OSERR_CERT
};

/* Records raw as the calling thread's last OS error and returns its portable code. */
int gp_oserr_set(int kind, int raw);

/* The portable code of the calling thread's last recorded OS error; GREET_OK if none. */
int gp_oserr_code(void);

/* Forgets the calling thread's last OS error (for failures that are not the OS's). */
void gp_oserr_clear(void);

/* Writes "NAME raw: OS text" for the calling thread's last OS error, or "" if none. */
void gp_oserr_describe(char *buf, size_t size);

/* ---- Deadlines ---------------------------------------------------------------------------- */

/* A deadline: the gp_clock_ms() time at which a wait gives up with GREET_ETIMEDOUT. Time has this
 * one shape below the public API: a user's timeout becomes a deadline once, where it enters
 * (gp_deadline_in), and every call after that takes the deadline, so a limit that spans many
 * calls (a whole transfer) is never re-spelled or re-computed on the way down.
 * GP_DEADLINE_NONE (0) is the one spelling of "no limit"; a passed deadline makes a wait only
 * look (poll with no time). */
typedef uint64_t gp_deadline;
#define GP_DEADLINE_NONE ((gp_deadline)0)

/* The deadline ms milliseconds from now. ms <= 0 gives GP_DEADLINE_NONE, as 0 means "no limit"
 * in the public API; a positive ms is at least 1 ms away, never "none". */
gp_deadline gp_deadline_in(int64_t ms);

/* Milliseconds left before d, clamped to INT_MAX: 0 once it passed, -1 for GP_DEADLINE_NONE
 * (poll's "forever"). For the platform's conversion to an OS wait, and for messages. */
int gp_deadline_left(gp_deadline d);

/* Non-zero once d has passed; never for GP_DEADLINE_NONE. */
int gp_deadline_passed(gp_deadline d);

/* The earlier of a and b, GP_DEADLINE_NONE being later than any deadline. */
gp_deadline gp_deadline_min(gp_deadline a, gp_deadline b);

/* ---- Network start/stop ------------------------------------------------------------------- */

/* Starts the network stack (WSAStartup on Windows), reference-counted; also makes sure a write to
 * a closed connection never kills the process (SIGPIPE). Every gp_net_init needs a gp_net_fini. */
int gp_net_init(void);
void gp_net_fini(void);

/* ---- Addresses ---------------------------------------------------------------------------- */

/* A socket address of any family, big and aligned enough for sockaddr_storage. */
typedef struct gp_addr {
    union {
        unsigned char bytes[128];
        uint64_t align_;
    } u;
    uint32_t len;
} gp_addr;

enum gp_family { GP_AF_ANY = 0, GP_AF_INET4 = 4, GP_AF_INET6 = 6 };

#define GP_RESOLVE_MAX 16 /* addresses kept from one lookup */
#define GP_ADDRSTR_MAX 64 /* "[ipv6%scope]:65535" fits */

/* Resolves host (name or literal) and port with getaddrinfo, for TCP. family restricts the
 * result; passive asks for addresses to bind (host NULL: the wildcard; only passive lookups take
 * NULL). Fills at most max entries of out, IPv6 and IPv4 in the resolver's order, and their number
 * in *count (at least 1 on success). GREET_ENOHOST: no such host; GREET_ERESOLVE: temporary
 * failure. */
int gp_resolve(const char *host, uint16_t port, int family, int passive, gp_addr *out, size_t max,
               size_t *count);

/* The numeric host of addr ("127.0.0.1", "::1", "fe80::1%2" with a scope) into buf.
 * GREET_EAFNOSUPPORT for an unknown family, GREET_ETOOBIG when buf is too small (never
 * truncated; GP_ADDRSTR_MAX is always enough). */
int gp_addr_host(const gp_addr *addr, char *buf, size_t size);

/* The port of addr in host order; 0 for an unknown family. */
uint16_t gp_addr_port(const gp_addr *addr);

/* The family of addr: GP_AF_INET4, GP_AF_INET6 or GP_AF_ANY when unknown. */
int gp_addr_family(const gp_addr *addr);

/* "127.0.0.1:12341" or "[::1]:12341" into buf (GP_ADDRSTR_MAX is always enough); errors as for
 * gp_addr_host. */
int gp_addr_format(const gp_addr *addr, char *buf, size_t size);

/* This machine's host name (gethostname), NUL-terminated. */
int gp_hostname(char *buf, size_t size);

/* ---- Sockets ------------------------------------------------------------------------------ */

/* SOCKET (an unsigned pointer-sized integer) on Windows, an int descriptor on POSIX, both
 * stored widened; the invalid value is all ones on both (INVALID_SOCKET, and -1 widened). */
typedef uintptr_t gp_socket;
#define GP_SOCKET_INVALID ((gp_socket) ~(uintptr_t)0)

enum gp_shutdown { GP_SHUT_RD = 0, GP_SHUT_WR = 1, GP_SHUT_RDWR = 2 };
enum gp_wait { GP_WAIT_READ = 1, GP_WAIT_WRITE = 2 };

/* Creates a TCP socket for addr's family, connects before deadline (GP_DEADLINE_NONE: the OS's
 * own limit), and returns it blocking in *out. Connection refused maps to GREET_ECONNREFUSED on
 * both systems; the deadline passing to GREET_ETIMEDOUT. */
int gp_sock_connect(const gp_addr *addr, gp_deadline deadline, gp_socket *out);

/* Creates a listening TCP socket bound to addr. backlog <= 0 asks for the OS's maximum queue
 * (SOMAXCONN, which the kernel caps at its own limit; on Windows SOMAXCONN_HINT(65535) where the
 * system supports it, else SOMAXCONN, whose "maximum" is 200 on client editions). Address reuse
 * follows each OS's safe default (SO_REUSEADDR on POSIX for TIME_WAIT, SO_EXCLUSIVEADDRUSE on
 * Windows so that no other process can steal the port); an IPv6 wildcard is dual-stack (IPV6_V6ONLY
 * off) where the OS allows. */
int gp_sock_listen(const gp_addr *addr, int backlog, gp_socket *out);

/* Accepts one connection; *peer (may be NULL) gets the client's address. Retries EINTR. The new
 * socket is blocking, whatever the listener is. */
int gp_sock_accept(gp_socket listener, gp_socket *out, gp_addr *peer);

/* Closes s (closesocket / close); s is invalid afterwards. Closing GP_SOCKET_INVALID is a no-op. */
void gp_sock_close(gp_socket s);

/* shutdown(2) with a gp_shutdown value. Also wakes a thread blocked in recv on s. */
int gp_sock_shutdown(gp_socket s, int how);

/* Sends all len bytes, retrying partial writes and EINTR; never raises SIGPIPE. A peer that is
 * gone gives GREET_EPIPE or GREET_ECONNRESET; a send timeout GREET_ETIMEDOUT. Meant for blocking
 * sockets: on a non-blocking one GREET_EAGAIN does not say how much was sent. */
int gp_sock_send_all(gp_socket s, const void *buf, size_t len);

/* gp_sock_send_all on a blocking socket that gives up at deadline (GREET_ETIMEDOUT): the send
 * timeout becomes the time left, so a peer that never reads cannot hold the caller forever. */
int gp_sock_send_by(gp_socket s, const void *buf, size_t len, gp_deadline deadline);

/* Receives at most cap bytes, retrying EINTR; *got = 0 means the peer closed its side (EOF).
 * A receive timeout (gp_sock_set_timeouts) gives GREET_ETIMEDOUT, non-blocking with no data
 * GREET_EAGAIN. */
int gp_sock_recv(gp_socket s, void *buf, size_t cap, size_t *got);

/* Receive and send timeouts in milliseconds, 0 for none (SO_RCVTIMEO/SO_SNDTIMEO: a DWORD of ms
 * on Windows, a struct timeval on POSIX). */
int gp_sock_set_timeouts(gp_socket s, int recv_ms, int send_ms);

/* Turns non-blocking mode on or off (O_NONBLOCK / FIONBIO). */
int gp_sock_set_nonblocking(gp_socket s, int on);

/* TCP_NODELAY on or off: small request/reply protocols want it on. */
int gp_sock_set_nodelay(gp_socket s, int on);

/* Waits until s is ready for the gp_wait events in mask, until deadline (GP_DEADLINE_NONE:
 * forever; a passed one only looks). GREET_OK when ready (also on error or hang-up: the next call
 * will tell), GREET_ETIMEDOUT. */
int gp_sock_wait(gp_socket s, int mask, gp_deadline deadline);

/* The local (bound) and remote addresses of s. */
int gp_sock_local_addr(gp_socket s, gp_addr *out);
int gp_sock_peer_addr(gp_socket s, gp_addr *out);

/* ---- Threads and synchronisation ---------------------------------------------------------- */

typedef struct gp_thread gp_thread;
typedef struct gp_mutex gp_mutex;
typedef struct gp_cond gp_cond;
typedef void (*gp_thread_fn)(void *arg);

/* Starts fn(arg) on a new thread (pthread_create / _beginthreadex) with the given stack size in
 * bytes (0: the OS default; rounded up to what the OS needs). With out NULL the thread is
 * detached and cleans up after itself; otherwise gp_thread_join must be called once. */
int gp_thread_start(gp_thread **out, gp_thread_fn fn, void *arg, size_t stack_size);

/* Waits for the thread to end and frees it. */
int gp_thread_join(gp_thread *t);

int gp_mutex_create(gp_mutex **out);
void gp_mutex_destroy(gp_mutex *m);
void gp_mutex_lock(gp_mutex *m);
void gp_mutex_unlock(gp_mutex *m);

int gp_cond_create(gp_cond **out);
void gp_cond_destroy(gp_cond *c);
void gp_cond_signal(gp_cond *c);
void gp_cond_broadcast(gp_cond *c);
/* Waits on c with m held until deadline (GP_DEADLINE_NONE: forever); GREET_ETIMEDOUT when it
 * passed. Spurious wake-ups happen: callers re-check their condition. */
int gp_cond_wait(gp_cond *c, gp_mutex *m, gp_deadline deadline);

/* A counter safe to change from many threads (gcc/clang builtins, or Interlocked* on MSVC). */
typedef struct gp_atomic {
    volatile long value;
} gp_atomic;

long gp_atomic_load(gp_atomic *a);
void gp_atomic_store(gp_atomic *a, long v);
long gp_atomic_add(gp_atomic *a, long delta); /* returns the new value */
/* Sets *a to desired if it holds expected; returns non-zero when it did. */
int gp_atomic_cas(gp_atomic *a, long expected, long desired);

/* ---- Time --------------------------------------------------------------------------------- */

/* Milliseconds from an arbitrary fixed point, never going backwards. */
uint64_t gp_clock_ms(void);

/* Wall-clock time of day for log lines: "2026-11-26 14:03:07.123" into buf (at least 24). */
void gp_timestamp(char *buf, size_t size);

void gp_sleep_ms(int ms);

/* ---- Stop signal -------------------------------------------------------------------------- */

/* Installs the handler for Ctrl+C and termination (SIGINT/SIGTERM via sigaction on POSIX,
 * SetConsoleCtrlHandler on Windows). The handler only records the request; loops poll
 * gp_stop_requested() or block in gp_stop_wait(). Idempotent. */
int gp_stop_install(void);

/* Non-zero once a stop was requested (by a signal or gp_stop_raise). */
int gp_stop_requested(void);

/* Blocks until a stop is requested or deadline passes (GP_DEADLINE_NONE: forever): GREET_OK or
 * GREET_ETIMEDOUT. */
int gp_stop_wait(gp_deadline deadline);

/* Requests a stop as the signal handler would (for tests and for programs stopping themselves). */
void gp_stop_raise(void);

/* Why the stop was requested, as the signal's number so that 128 + cause is the exit status
 * shells expect (130, 143): GP_STOP_INTERRUPT for SIGINT, Ctrl+C, Ctrl+Break and gp_stop_raise;
 * GP_STOP_TERMINATE for SIGTERM and a closing console window; GP_STOP_NONE before any request. */
enum gp_stop_cause { GP_STOP_NONE = 0, GP_STOP_INTERRUPT = 2, GP_STOP_TERMINATE = 15 };
int gp_stop_cause(void);

/* Forgets a past request, so that a process (the test runner) can stop more than once. */
void gp_stop_reset(void);

/* ---- Files by UTF-8 name ------------------------------------------------------------------ */

/* fopen with a UTF-8 path (_wfopen after MultiByteToWideChar on Windows). mode as for fopen;
 * "x" (C11 exclusive create) is supported. NULL on failure, with the OS error recorded and the
 * portable code in *err (err may be NULL). */
FILE *gp_fopen(const char *path, const char *mode, int *err);

/* Atomically replaces to with from (rename / MoveFileExW with MOVEFILE_REPLACE_EXISTING). */
int gp_file_replace(const char *from, const char *to);

/* Removes a file. */
int gp_file_remove(const char *path);

/* Non-zero when path names an existing file or folder. */
int gp_path_exists(const char *path);

/* Creates path and its missing parents (mkdir -p); an existing folder is fine. Accepts '/' and,
 * on Windows, '\\' separators and drive letters. */
int gp_mkdir_p(const char *path);

/* Index just past the last path separator of path ('/' and, on Windows, '\\' and ':'), 0 when
 * there is none: path[0..i) is the folder part. */
size_t gp_path_dirlen(const char *path);

/* What an output path names, for writers that must not replace what is there. */
enum gp_file_kind {
    GP_FILE_NONE = 0, /* nothing (or a link to nothing) */
    GP_FILE_REGULAR,  /* a regular file: safe to replace by renaming a new file over it */
    GP_FILE_DIR,      /* a folder */
    GP_FILE_SPECIAL   /* a device (/dev/null, NUL, CON), FIFO, socket or terminal: write in place */
};

/* The kind of what path names, following symbolic links (reparse points on Windows), into *kind,
 * and into *writable non-zero when this process may write it: on POSIX the permission bits for
 * the process's user (access W_OK), and a regular file with no write bit at all counts as
 * read-only even for root; on Windows the read-only attribute. A path that does not exist (or a
 * link to nothing) is GP_FILE_NONE and writable. */
int gp_file_kind(const char *path, int *kind, int *writable);

/* The path a write to path finally reaches, in *out (free() it): path itself, or, when path is a
 * symbolic link (a reparse point on Windows), what it points to, hop by hop, relative targets
 * taken from the link's folder. The target need not exist (on Windows it must: a reparse point
 * to nothing is an error, never replaced). More than 40 hops is a failure (the OS's "too many
 * levels of symbolic links"). Not for special files: /dev/stdout's target is no path. */
int gp_path_follow(const char *path, char **out);

/* Gives the file `to` the permission bits of the file `from`, and its owner and group where the
 * process may set them (a refusal there is ignored: only root may give files away on POSIX).
 * Windows files keep the attributes of `from` except read-only. */
int gp_file_copy_mode(const char *from, const char *to);

/* ---- Process and console ------------------------------------------------------------------ */

/* Switches stdout to binary mode (_setmode on Windows; nothing on POSIX). */
void gp_stdout_binary(void);

/* Makes UTF-8 text written to the console display right (SetConsoleOutputCP on Windows). */
void gp_console_utf8(void);

/* Replaces *argc and *argv with the command line in UTF-8 (CommandLineToArgvW + WideCharToMultiByte
 * on Windows; unchanged on POSIX). The strings live until the process ends. */
int gp_args_utf8(int *argc, char ***argv);

/* Non-zero when the stream (stdin, stdout or stderr) is a terminal. */
int gp_isatty(FILE *stream);

/* The calling process's id, for unique temporary names. */
unsigned long gp_process_id(void);

/* ---- Failure injection (tests only) ------------------------------------------------------ */

/* A seam through which tests make the OS fail, in the way SQLite's OS layer lets its tests swap
 * system calls: with a hook installed, each call below first asks it, and the hook may let the
 * call through (GP_FAULT_NONE), shorten it, or make it fail as the OS would. An injected failure
 * is recorded exactly like a real one (the OS's own raw value: EMFILE 24 on POSIX, WSAEMFILE
 * 10024 on Windows, EAI_NONAME or WSAHOST_NOT_FOUND for the resolver), so the code above the
 * platform and the messages users see take their real paths. Nothing of this is in the public
 * API (include/greet/) nor exported from a shared libgreet; without a hook each call costs one
 * atomic load. */

/* Where the hook is asked: once per gp_resolve, gp_sock_connect, gp_sock_listen and
 * gp_sock_accept call (before the OS call, so a pending connection stays queued, as with a real
 * EMFILE), and before each send(2)/recv(2) that gp_sock_send_all and gp_sock_recv make. */
enum gp_fault_point {
    GP_FAULT_RESOLVE,
    GP_FAULT_CONNECT,
    GP_FAULT_LISTEN,
    GP_FAULT_ACCEPT,
    GP_FAULT_SEND,
    GP_FAULT_RECV
};

/* What the hook answers: go ahead, or fail as the OS does when (in that order) a name does not
 * exist, the resolver cannot answer now, the process is out of descriptors, the system is out
 * of buffer space, the peer refuses, the peer resets, a limit passes, the address is taken. */
enum gp_fault {
    GP_FAULT_NONE = 0,
    GP_FAULT_NOHOST,   /* EAI_NONAME / WSAHOST_NOT_FOUND: GREET_ENOHOST */
    GP_FAULT_AGAIN,    /* EAI_AGAIN / WSATRY_AGAIN: GREET_ERESOLVE */
    GP_FAULT_MFILE,    /* EMFILE / WSAEMFILE: GREET_EMFILE */
    GP_FAULT_NOBUFS,   /* ENOBUFS / WSAENOBUFS: GREET_ENOMEM */
    GP_FAULT_REFUSED,  /* ECONNREFUSED / WSAECONNREFUSED: GREET_ECONNREFUSED */
    GP_FAULT_RESET,    /* ECONNRESET / WSAECONNRESET: GREET_ECONNRESET */
    GP_FAULT_TIMEDOUT, /* ETIMEDOUT / WSAETIMEDOUT: GREET_ETIMEDOUT */
    GP_FAULT_ADDRINUSE /* EADDRINUSE / WSAEADDRINUSE: GREET_EADDRINUSE */
};

/* One call as the hook sees it. For GP_FAULT_RESOLVE, host is the name asked for (NULL for a
 * passive wildcard) and the hook may point it at another name, which is then resolved instead
 * (e.g. "127.0.0.1" for a made-up name, so a test never asks DNS about it). For GP_FAULT_SEND and
 * GP_FAULT_RECV, len is the size of the one send or receive about to be made and the hook may
 * lower it (not below 1) for a short transfer; gp_sock_send_all then goes on with the rest. */
typedef struct gp_fault_call {
    int point; /* gp_fault_point */
    const char *host;
    size_t len;
} gp_fault_call;

/* Returns a gp_fault. Hooks run one at a time (under a lock), on whatever thread made the call,
 * so a hook may keep counters without locking of its own; it must not call the platform layer. */
typedef int (*gp_fault_fn)(void *arg, gp_fault_call *call);

/* Installs fn with arg (NULL: none, the OS is called directly again). When it returns, no call of
 * the previous hook is running and none will start, so its state may be freed. Install from one
 * thread at a time. GREET_ENOMEM if the hook's lock cannot be made (first install only). */
int gp_fault_install(gp_fault_fn fn, void *arg);

#ifdef __cplusplus
}
#endif

#endif
