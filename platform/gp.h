/*
 * The platform contract: everything greet needs from the operating system, and the only header
 * through which src/ reaches it. Two implementations exist, platform/posix/ and platform/win32/,
 * and CMake compiles exactly one of them; platform/common/ holds portable code built on top of
 * the contract. No OS header is included here, so the types below are opaque or plain C.
 *
 * Conventions, for every gp_ function that returns int: 0 (GREET_OK) on success, a negative
 * greet_err on failure. The OS error detail follows errno's discipline, done right: every gp_
 * function that can fail forgets the calling thread's detail on entry and, when the failure came
 * from the OS, records the raw value (errno, WSAGetLastError, GetLastError, a getaddrinfo code or a
 * TLS library's reason) with the code it produced; void functions (close, destroy, unlock, fini)
 * leave it alone, so cleaning up after a failure keeps its detail. Nothing above platform/ clears
 * or sets it by hand. The record lives only until the next gp_ call, so nothing renders from it
 * later: the caller takes it at the failure site, right after the call that failed, into a
 * gp_failure (gp_failure_take, tool/gp_tool.h), carries that with the code through its layers,
 * and renders it in one place (gp_failure_text). Functions never print anything.
 *
 * tool/gp_tool.h holds the part of the contract that a program on top of libgreet needs too
 * (the greet program uses only it and the public API; see docs/architecture.md); this header
 * adds what only the library uses: the network, addresses and sockets.
 */
#ifndef GREET_PLATFORM_GP_H
#define GREET_PLATFORM_GP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "greet/error.h"
#include "tool/gp_tool.h" /* errors, deadlines, time, threads, stop, files, console */

#ifdef __cplusplus
extern "C" {
#endif

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

/* The address itself in network byte order, as protocols carry it (a SOCKS request): 4 bytes
 * for IPv4, 16 for IPv6 (the scope is not part of it), written to out (16 bytes suffice), the
 * count in *len. GREET_EAFNOSUPPORT for an unknown family. */
int gp_addr_ip(const gp_addr *addr, unsigned char *out, size_t *len);

/* "127.0.0.1:12341" or "[::1]:12341" into buf (GP_ADDRSTR_MAX is always enough); errors as for
 * gp_addr_host. */
int gp_addr_format(const gp_addr *addr, char *buf, size_t size);

/* ---- Sockets ------------------------------------------------------------------------------ */

/* SOCKET (an unsigned pointer-sized integer) on Windows, an int descriptor on POSIX, both
 * stored widened; the invalid value is all ones on both (INVALID_SOCKET, and -1 widened). */
typedef uintptr_t gp_socket;
#define GP_SOCKET_INVALID ((gp_socket) ~(uintptr_t)0)

enum gp_shutdown { GP_SHUT_RD = 0, GP_SHUT_WR = 1, GP_SHUT_RDWR = 2 };
enum gp_wait { GP_WAIT_READ = 1, GP_WAIT_WRITE = 2 };

/* Creates a TCP socket for addr's family, connects before deadline (GP_DEADLINE_NONE: the OS's
 * own limit), and returns it blocking in *out. Connection refused maps to GREET_ECONNREFUSED on
 * both systems; the deadline passing to GREET_ETIMEDOUT. (platform/common/sock_connect.c: the
 * three calls below for one socket.) */
int gp_sock_connect(const gp_addr *addr, gp_deadline deadline, gp_socket *out);

/* Connecting to several addresses at once (happy eyeballs, RFC 8305): each connect is started
 * without waiting, one wait watches them all, and each one's outcome is taken when the wait names
 * it. */
#define GP_CONNECT_WAIT_MAX 8 /* sockets one gp_sock_connect_wait watches */

/* Creates a non-blocking TCP socket for addr's family and starts connecting it; *out is the
 * socket, its connect under way (or done already). A failure that shows at once (no route, no
 * such family) is returned with nothing left open. Asks the fault hook (GP_FAULT_CONNECT). */
int gp_sock_connect_start(const gp_addr *addr, gp_socket *out);

/* Waits until the connect of one of socks[0..count) (sockets from gp_sock_connect_start, count
 * 1 to GP_CONNECT_WAIT_MAX) has ended, well or not, or deadline passes (GP_DEADLINE_NONE: no
 * limit; a passed one only looks): GREET_OK with its index in *done, or GREET_ETIMEDOUT. POSIX
 * polls for POLLOUT; Windows uses select with the except set, where a failed connect shows (WSAPoll
 * missed failed connects before Windows 10 2004). Each call costs work proportional to count. */
int gp_sock_connect_wait(const gp_socket *socks, size_t count, gp_deadline deadline, size_t *done);

/* How the connect of s ended, once gp_sock_connect_wait named it: GREET_OK, and s is blocking
 * from now on, or the connect's own error (GREET_ECONNREFUSED, ...) recorded; the caller closes
 * s either way on failure. */
int gp_sock_connect_end(gp_socket s);

/* Creates a listening TCP socket bound to addr. backlog <= 0 asks for the OS's maximum queue
 * (SOMAXCONN, which the kernel caps at its own limit; on Windows SOMAXCONN_HINT(65535) where the
 * system supports it, else SOMAXCONN, whose "maximum" is 200 on client editions). Address reuse
 * follows each OS's safe default (SO_REUSEADDR on POSIX for TIME_WAIT, SO_EXCLUSIVEADDRUSE on
 * Windows so that no other process can steal the port); an IPv6 wildcard is dual-stack (IPV6_V6ONLY
 * off) where the OS allows. */
int gp_sock_listen(const gp_addr *addr, int backlog, gp_socket *out);

/* Flags for gp_sock_accept. */
#define GP_ACCEPT_NONBLOCKING 1 /* the new socket is non-blocking (for event loops) */

/* Accepts one connection; *peer (may be NULL) gets the client's address. Retries EINTR. The new
 * socket is blocking, or non-blocking with GP_ACCEPT_NONBLOCKING (in the same system call where
 * the OS allows), whatever the listener is. */
int gp_sock_accept(gp_socket listener, int flags, gp_socket *out, gp_addr *peer);

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

/* Sends what one send call takes of buf (at most len bytes) into *sent, retrying EINTR; never
 * raises SIGPIPE. For non-blocking sockets: GREET_EAGAIN when nothing could be sent now. */
int gp_sock_send(gp_socket s, const void *buf, size_t len, size_t *sent);

/* ---- Readiness poller --------------------------------------------------------------------- */

/* One per event loop: epoll on Linux, kqueue on macOS and the BSDs, AFD polls on a completion
 * port on Windows (the mechanism under select and WSAPoll, without their per-call scan). Every
 * backend is level-triggered like epoll: a socket stays reported as long as it is ready and
 * wanted. No call does work proportional to the number of registered sockets. A poller is used
 * by one thread, except gp_poller_wake, which any thread may call. */
typedef struct gp_poller gp_poller;

/* A socket's registration, owned and placed by the caller (inside its connection), so that
 * registering needs no lookup table; backends keep their per-socket state in os. Valid from
 * gp_poller_add until gp_poller_del. */
typedef struct gp_pollreg {
    gp_socket sock;
    void *data; /* handed back in gp_poll_event.data */
    void *os;   /* the backend's */
} gp_pollreg;

/* What gp_poller_wait reports for one socket: GP_WAIT_READ and/or GP_WAIT_WRITE in events. An
 * error or hang-up is reported as ready for what was asked (the next call on the socket tells).
 * A wake-up (gp_poller_wake) is consumed inside and reports nothing. */
typedef struct gp_poll_event {
    void *data;
    int events;
} gp_poll_event;

int gp_poller_create(gp_poller **out);
/* Frees the poller; sockets still registered are forgotten, not closed. NULL is a no-op. */
void gp_poller_destroy(gp_poller *p);

/* Registers s for the gp_wait events in mask (0: none for now) with data for its events. */
int gp_poller_add(gp_poller *p, gp_pollreg *r, gp_socket s, int mask, void *data);

/* Changes the events r is watched for (0: none, still registered). */
int gp_poller_set(gp_poller *p, gp_pollreg *r, int mask);

/* Unregisters r; call before closing its socket. */
void gp_poller_del(gp_poller *p, gp_pollreg *r);

/* Waits for ready sockets until deadline (GP_DEADLINE_NONE: forever; a passed one: just look),
 * fills at most max entries of ev and their number in *count (0 after a wake-up or when the
 * deadline passed: no GREET_ETIMEDOUT, as a loop's wait is its pacing, not a failure). */
int gp_poller_wait(gp_poller *p, gp_poll_event *ev, int max, gp_deadline deadline, int *count);

/* From any thread: makes the poller's current or next gp_poller_wait return. */
void gp_poller_wake(gp_poller *p);

/* ---- Process resources -------------------------------------------------------------------- */

/* The number of CPUs this process may run on (its affinity mask), at least 1. */
int gp_cpu_count(void);

/* Raises the soft limit on open descriptors to the hard limit (as nginx and Go do at start) and
 * puts the resulting limit in *limit; -1 where the OS has no such per-process limit on sockets.
 * Failing to raise is not an error: *limit is then the soft limit as it is. */
int gp_fd_limit_raise(long *limit);

/* A spare descriptor held so that, when accept fails for lack of descriptors, a server can free
 * it, accept the waiting client, tell it "busy", close it and take the spare again (the classic
 * reserve-descriptor technique). GP_RESERVE_NONE where the OS needs no such thing. */
typedef intptr_t gp_reserve;
#define GP_RESERVE_NONE ((gp_reserve)-1)
gp_reserve gp_reserve_take(void);
void gp_reserve_release(gp_reserve r);

/* ---- Child processes ---------------------------------------------------------------------- */

/* A child process that serves one connected socket, for the server's process-per-connection
 * model, and the set of them that a parent keeps. The two systems start children differently and
 * the contract hides that: fn runs in the child with the same arguments either way, and the
 * child's process ends when fn returns (the platform closes the socket and exits with fn's
 * result). What the child tells the parent travels through a pipe of its own.
 *
 * POSIX: gp_child_spawn forks. The child runs fn in a copy of the parent (no exec), with only
 * stdin/stdout/stderr, s and its two pipes open (every other inherited descriptor, the listener
 * included, is closed first), SIGINT ignored (Ctrl+C in a terminal reaches the whole process
 * group; the parent decides when a child ends) and SIGTERM back to its default. On Linux it gets
 * SIGKILL when the thread that spawned it ends (PR_SET_PDEATHSIG), so the spawning thread must
 * outlive its children; elsewhere it sees its parent's death as a stop (the stop pipe closes).
 *
 * Windows has no fork: gp_child_spawn starts this same program again, suspended, with the one
 * argument GP_CHILD_ARG, inside a job object with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE (no child
 * outlives its parent, even one that is killed), inheriting only its two pipes and the stop event
 * (PROC_THREAD_ATTRIBUTE_HANDLE_LIST), then passes it the socket (WSADuplicateSocketW) and data
 * through its stdin. That program's main must therefore call gp_child_enter first, with the same
 * fn. stderr is not passed on (nothing may leak into the child).
 *
 * A gp_children and its gp_child values belong to one thread at a time; none of this is meant to
 * be called from several threads at once. */

#define GP_CHILD_ARG        "--greet-child-process"
#define GP_CHILD_DATA_MAX   (64 * 1024) /* bytes of data a parent may hand to a child */
#define GP_CHILD_REPORT_MAX 512         /* bytes of text a child hands back, NUL included */

typedef struct gp_children gp_children;
typedef struct gp_child gp_child;
typedef struct gp_child_link gp_child_link; /* the child's side: the stop notice */

/* Runs in the child: serves s, given the len bytes of data from gp_child_spawn, may tell the
 * parent things on the way (gp_child_tell), and returns the child's exit code (0..125). */
typedef int (*gp_child_fn)(gp_child_link *link, gp_socket s, const void *data, size_t len);

enum gp_child_end {
    GP_CHILD_EXITED = 1, /* returned or exited: code is its exit code */
    GP_CHILD_KILLED = 2  /* ended by a signal (POSIX, code is the signal) or an exception or
                            TerminateProcess (Windows, code is the exit code the system set) */
};

/* How a reaped child ended, and what it told (gp_child_tell) that gp_child_heard did not take
 * yet, at most GP_CHILD_REPORT_MAX - 1 bytes ("" when nothing, e.g. it was killed first). */
typedef struct gp_child_status {
    int end; /* enum gp_child_end */
    int code;
    unsigned long pid;
    char report[GP_CHILD_REPORT_MAX];
} gp_child_status;

/* An empty set of children: the stop pipe (POSIX) or the job object and stop event (Windows).
 * GREET_EUNSUPPORTED on Windows when this program never called gp_child_enter (its children
 * would run main as if started by a user). */
int gp_children_create(gp_children **out);

/* Tells every child of g, running or started later, that the parent is stopping:
 * gp_child_wait returns GREET_ECANCELED in them from now on. Idempotent. */
void gp_children_stop(gp_children *g);

/* Kills every child of g still running, reaps them (their reports are dropped) and frees g. */
void gp_children_destroy(gp_children *g);

/* Starts a child that runs fn on s with a copy of the len bytes at data (len at most
 * GP_CHILD_DATA_MAX, else GREET_EINVAL). On success s belongs to the child: the parent's copy
 * is closed. On failure s stays the caller's (to tell the client "busy", say). *out belongs to g
 * until it is reaped. */
int gp_child_spawn(gp_children *g, gp_child_fn fn, gp_socket s, const void *data, size_t len,
                   gp_child **out);

/* Non-zero where a child is a forked copy of its parent (POSIX): memory the parent prepared
 * before gp_child_spawn is there in the child, at the same address. Such a child should not
 * allocate: another thread of the parent may have held the allocator's lock at the fork, and
 * only glibc's own malloc takes care of that (POSIX allows only async-signal-safe calls there;
 * the sanitizers' allocators before LLVM 18 deadlock). Zero on Windows, where a child starts
 * afresh and allocates as any program does. */
int gp_child_is_fork(void);

/* The child's process id (for log lines and for tests that kill it). */
unsigned long gp_child_pid(const gp_child *c);

/* Does not block. When c has ended: reaps it (no zombie is left), fills *st, frees c and returns
 * GREET_OK. While it runs: GREET_EAGAIN. */
int gp_child_reap(gp_child *c, gp_child_status *st);

/* Does not block: copies what c told since the last call into buf (at most size - 1 bytes, NUL
 * added) and its length into *got, 0 when nothing new. */
int gp_child_heard(gp_child *c, char *buf, size_t size, size_t *got);

/* Ends c at once (SIGKILL / TerminateProcess); it still has to be reaped. */
void gp_child_kill(gp_child *c);

/* "exit code 3", "killed by signal 9" or "ended by exception 0xc0000005" into buf. */
void gp_child_describe(const gp_child_status *st, char *buf, size_t size);

/* In the child: tells the parent text (at most GP_CHILD_REPORT_MAX - 1 bytes, written in one
 * piece, so that texts never mix), to be read with gp_child_heard or found in the reap status. */
int gp_child_tell(gp_child_link *link, const char *text);

/* In the child: waits until s has something to read (data, end of stream or an error), the
 * parent stops (gp_children_stop, or its death), or deadline passes (GP_DEADLINE_NONE: no limit;
 * a passed one only looks). GREET_OK, GREET_ECANCELED when stopping (checked first) or
 * GREET_ETIMEDOUT. s stays blocking. */
int gp_child_wait(gp_child_link *link, gp_socket s, gp_deadline deadline);

/* To be called first in main by a program that spawns children: when this process was started as
 * a child (Windows: argv[1] is GP_CHILD_ARG), runs fn as described above, sets *exit_code and
 * returns non-zero; main then returns *exit_code. Otherwise (always on POSIX) returns 0. */
int gp_child_enter(int argc, char **argv, gp_child_fn fn, int *exit_code);

/* ---- Service manager (systemd) ----------------------------------------------------------- */

/* The listening sockets a service manager passed to this process (socket activation: LISTEN_PID
 * is this process, LISTEN_FDS counts descriptors from 3 on; LISTEN_FDNAMES is ignored). *count
 * gets how many were passed, 0 when none or when the variables name another process (always on
 * Windows); *first the first of them, checked to be a listening stream socket, otherwise
 * GP_SOCKET_INVALID. The passed descriptors become close-on-exec and the variables are removed,
 * so child processes do not take the sockets for theirs. */
int gp_service_listeners(gp_socket *first, int *count);

/* Tells the service manager state ("READY=1", "STOPPING=1"): one datagram to NOTIFY_SOCKET (a
 * path or "@abstract-name"). GREET_OK also when no manager listens (no NOTIFY_SOCKET; always on
 * Windows); GREET_EUNSUPPORTED for an address of another kind. */
int gp_service_notify(const char *state);

/* 1 when stderr is the stream the service manager connected to its journal (JOURNAL_STREAM names
 * stderr's device and inode), which stamps every line itself; 0 otherwise. */
int gp_stderr_is_journal(void);

/* ---- Failure injection (tests only) ------------------------------------------------------ */

/* A seam through which tests make the OS fail, in the way SQLite's OS layer lets its tests swap
 * system calls: with a hook installed, each call below first asks it, and the hook may let the
 * call through (GP_FAULT_NONE), shorten it, or make it fail as the OS would. An injected failure
 * is recorded exactly like a real one (the OS's own raw value: EMFILE 24 on POSIX, WSAEMFILE
 * 10024 on Windows, EAI_NONAME or WSAHOST_NOT_FOUND for the resolver), so the code above the
 * platform and the messages users see take their real paths. Nothing of this is in the public
 * API (include/greet/) nor exported from a shared libgreet; without a hook each call costs one
 * atomic load. */

/* Where the hook is asked: once per gp_resolve, gp_sock_connect (gp_sock_connect_start),
 * gp_sock_listen and gp_sock_accept call (before the OS call, so a pending connection stays queued,
 * as with a real EMFILE), and before each send(2)/recv(2) that gp_sock_send_all and gp_sock_recv
 * make. */
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
 * (e.g. "127.0.0.1" for a made-up name, so a test never asks DNS about it), or answer the lookup
 * itself: addrs (addr_count of them, kept alive by the hook's owner) are then its result, in that
 * order and filtered by the family asked for, and no resolver is asked (e.g. [a port that never
 * answers, 127.0.0.1:port] for a name with a dead first address). For GP_FAULT_SEND and
 * GP_FAULT_RECV, len is the size of the one send or receive about to be made and the hook may
 * lower it (not below 1) for a short transfer; gp_sock_send_all then goes on with the rest. */
typedef struct gp_fault_call {
    int point; /* gp_fault_point */
    const char *host;
    size_t len;
    const gp_addr *addrs; /* GP_FAULT_RESOLVE: the hook's own answer, NULL for none */
    size_t addr_count;
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
