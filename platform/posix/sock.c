/* POSIX TCP sockets. Descriptors are created close-on-exec, writes never raise SIGPIPE, and every
 * blocking call retries EINTR so that a signal (the stop handler) does not look like a failure. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* accept4 */
#endif
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "common/fault.h"
#include "gp.h"

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* macOS: SO_NOSIGPIPE is set on every socket instead */
#endif

#ifdef SOCK_CLOEXEC
#define SOCKET_CLOEXEC SOCK_CLOEXEC /* close-on-exec from the start, no window for a fork */
#else
#define SOCKET_CLOEXEC 0
#endif

static int fd_of(gp_socket s)
{
    return (int)s;
}

static int errno_failure(void)
{
    return gp_oserr_set(GP_OSERR_ERRNO, errno);
}

/* Marks a new descriptor close-on-exec and, where MSG_NOSIGNAL is missing, SIGPIPE-free. */
static void prepare_fd(int fd)
{
#ifdef SO_NOSIGPIPE
    int on = 1;
    (void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on);
#endif
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static int new_socket(const gp_addr *addr, int *out)
{
    struct sockaddr_storage ss;
    int fd;

    memset(&ss, 0, sizeof ss);
    if (addr->len < sizeof(sa_family_t) || addr->len > sizeof ss) {
        return GREET_EINVAL;
    }
    memcpy(&ss, addr->u.bytes, addr->len);
    fd = socket(ss.ss_family, SOCK_STREAM | SOCKET_CLOEXEC, IPPROTO_TCP);
    if (fd < 0) {
        return errno_failure();
    }
    prepare_fd(fd);
    *out = fd;
    return GREET_OK;
}

static int set_flag(int fd, int flag, int on)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags < 0) {
        return errno_failure();
    }
    flags = on ? (flags | flag) : (flags & ~flag);
    if (fcntl(fd, F_SETFL, flags) != 0) {
        return errno_failure();
    }
    return GREET_OK;
}

/* poll on one descriptor until deadline, resuming after signals with the time that is left.
 * Returns the revents (0 when the time passed) or -1 with errno set. */
static int poll_one(int fd, short events, gp_deadline deadline)
{
    struct pollfd p;
    int rc;

    for (;;) {
        p.fd = fd;
        p.events = events;
        p.revents = 0;
        rc = poll(&p, 1, gp_deadline_left(deadline));
        if (rc >= 0) {
            return rc == 0 ? 0 : p.revents;
        }
        if (errno != EINTR) {
            return -1;
        }
    }
}

/* Non-blocking from the start: the wait (gp_sock_connect_wait) gives the connect its limit and
 * survives signals. EINTR leaves the connect going on in the background, like EINPROGRESS. */
static int start_fd(int fd, const gp_addr *addr)
{
    int rc = set_flag(fd, O_NONBLOCK, 1);

    if (rc != GREET_OK) {
        return rc;
    }
    if (connect(fd, (const struct sockaddr *)(const void *)addr->u.bytes, (socklen_t)addr->len) !=
            0 &&
        errno != EINPROGRESS && errno != EINTR) {
        return errno_failure();
    }
    return GREET_OK;
}

static int bind_listen(int fd, const gp_addr *addr, int backlog)
{
    int on = 1;
    int off = 0;

    /* Lets a restarted server bind while old connections sit in TIME_WAIT; on POSIX this does not
     * allow two live listeners on one port. */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0) {
        return errno_failure();
    }
    if (gp_addr_family(addr) == GP_AF_INET6) {
        /* Dual-stack where allowed; some systems refuse, and then IPv6 only is still useful. */
        (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    }
    if (bind(fd, (const struct sockaddr *)(const void *)addr->u.bytes, (socklen_t)addr->len) != 0) {
        return errno_failure();
    }
    if (listen(fd, backlog > 0 ? backlog : SOMAXCONN) != 0) {
        return errno_failure();
    }
    return GREET_OK;
}

/* The socket fd, set up (connected or listening) with result rc, is kept in *out only when the
 * setup succeeded. */
static int keep_if_ok(int fd, int rc, gp_socket *out)
{
    *out = GP_SOCKET_INVALID;
    if (rc != GREET_OK) {
        if (fd >= 0) {
            close(fd);
        }
        return rc;
    }
    *out = (gp_socket)fd;
    return GREET_OK;
}

int gp_sock_connect_start(const gp_addr *addr, gp_socket *out)
{
    gp_oserr_clear();
    int fd = -1;
    int rc = gp_fault_at(GP_FAULT_CONNECT);

    rc = rc == GREET_OK ? new_socket(addr, &fd) : rc;
    return keep_if_ok(fd, rc == GREET_OK ? start_fd(fd, addr) : rc, out);
}

int gp_sock_connect_wait(const gp_socket *socks, size_t count, gp_deadline deadline, size_t *done)
{
    gp_oserr_clear();
    struct pollfd p[GP_CONNECT_WAIT_MAX];
    size_t i;
    int rc;

    if (count == 0 || count > GP_CONNECT_WAIT_MAX) {
        return GREET_EINVAL;
    }
    for (;;) {
        for (i = 0; i < count; i++) {
            p[i].fd = fd_of(socks[i]);
            p[i].events = POLLOUT; /* a failed connect adds POLLERR or POLLHUP */
            p[i].revents = 0;
        }
        rc = poll(p, (nfds_t)count, gp_deadline_left(deadline));
        if (rc > 0) {
            for (i = 0; p[i].revents == 0; i++) {
            }
            *done = i;
            return GREET_OK;
        }
        if (rc == 0) {
            return GREET_ETIMEDOUT;
        }
        if (errno != EINTR) {
            return errno_failure();
        }
    }
}

int gp_sock_connect_end(gp_socket s)
{
    gp_oserr_clear();
    int soerr = 0;
    socklen_t len = sizeof soerr;

    if (getsockopt(fd_of(s), SOL_SOCKET, SO_ERROR, &soerr, &len) != 0) {
        return errno_failure();
    }
    if (soerr != 0) {
        return gp_oserr_set(GP_OSERR_ERRNO, soerr);
    }
    return set_flag(fd_of(s), O_NONBLOCK, 0);
}

int gp_sock_listen(const gp_addr *addr, int backlog, gp_socket *out)
{
    gp_oserr_clear();
    int fd = -1;
    int rc = gp_fault_at(GP_FAULT_LISTEN);

    rc = rc == GREET_OK ? new_socket(addr, &fd) : rc;
    return keep_if_ok(fd, rc == GREET_OK ? bind_listen(fd, addr, backlog) : rc, out);
}

static int accept_fd(int listener, struct sockaddr_storage *ss, socklen_t *len, int nonblocking)
{
#ifdef __linux__
    /* Atomically close-on-exec, and in the mode asked for whatever the listener is. */
    return accept4(listener, (struct sockaddr *)ss, len,
                   SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0));
#else
    int fd = accept(listener, (struct sockaddr *)ss, len);
    if (fd >= 0) {
        prepare_fd(fd);
        (void)set_flag(fd, O_NONBLOCK, nonblocking); /* BSDs inherit it from the listener */
    }
    return fd;
#endif
}

int gp_sock_accept(gp_socket listener, int flags, gp_socket *out, gp_addr *peer)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int fd;
    int rc;

    gp_oserr_clear();
    *out = GP_SOCKET_INVALID;
    rc = gp_fault_at(GP_FAULT_ACCEPT);
    if (rc != GREET_OK) {
        return rc;
    }
    do {
        len = sizeof ss;
        fd = accept_fd(fd_of(listener), &ss, &len, (flags & GP_ACCEPT_NONBLOCKING) != 0);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        return errno_failure();
    }
    if (peer != NULL) {
        memset(peer, 0, sizeof *peer);
        memcpy(peer->u.bytes, &ss, len);
        peer->len = (uint32_t)len;
    }
    *out = (gp_socket)fd;
    return GREET_OK;
}

void gp_sock_close(gp_socket s)
{
    /* Not retried on EINTR: the descriptor is released either way on Linux, and a retry could
     * close a descriptor another thread has just been given. */
    if (s != GP_SOCKET_INVALID) {
        (void)close(fd_of(s));
    }
}

int gp_sock_shutdown(gp_socket s, int how)
{
    gp_oserr_clear();
    int os_how = how == GP_SHUT_RD ? SHUT_RD : how == GP_SHUT_WR ? SHUT_WR : SHUT_RDWR;

    if (shutdown(fd_of(s), os_how) != 0) {
        return errno_failure();
    }
    return GREET_OK;
}

/* EAGAIN means "no data yet" on a non-blocking socket but "the timeout passed" on a blocking one
 * with SO_RCVTIMEO/SO_SNDTIMEO; the contract names the two differently. */
static int would_block(int fd)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags >= 0 && (flags & O_NONBLOCK)) {
        return gp_oserr_set(GP_OSERR_ERRNO, EAGAIN);
    }
    return gp_oserr_set(GP_OSERR_ERRNO, ETIMEDOUT);
}

static int io_failure(int fd)
{
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return would_block(fd);
    }
    return errno_failure();
}

int gp_sock_send_all(gp_socket s, const void *buf, size_t len)
{
    gp_oserr_clear();
    const unsigned char *p = (const unsigned char *)buf;
    int fd = fd_of(s);
    gp_fault_call call = {0, NULL, 0, NULL, 0};
    ssize_t n;
    int rc;

    call.point = GP_FAULT_SEND;
    call.host = NULL;
    while (len > 0) {
        call.len = len;
        rc = gp_fault_take(&call);
        if (rc != GREET_OK) {
            return rc;
        }
        n = send(fd, p, call.len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return io_failure(fd);
        }
        p += n;
        len -= (size_t)n;
    }
    return GREET_OK;
}

int gp_sock_send(gp_socket s, const void *buf, size_t len, size_t *sent)
{
    ssize_t n;

    gp_oserr_clear();
    *sent = 0;
    do {
        n = send(fd_of(s), buf, len, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return io_failure(fd_of(s));
    }
    *sent = (size_t)n;
    return GREET_OK;
}

int gp_sock_recv(gp_socket s, void *buf, size_t cap, size_t *got)
{
    gp_oserr_clear();
    int fd = fd_of(s);
    gp_fault_call call = {0, NULL, 0, NULL, 0};
    ssize_t n;
    int rc;

    *got = 0;
    call.point = GP_FAULT_RECV;
    call.host = NULL;
    call.len = cap;
    rc = gp_fault_take(&call);
    if (rc != GREET_OK) {
        return rc;
    }
    do {
        n = recv(fd, buf, call.len, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return io_failure(fd);
    }
    *got = (size_t)n;
    return GREET_OK;
}

static int set_timeout(int fd, int opt, int ms)
{
    struct timeval tv;

    tv.tv_sec = ms / 1000;
    tv.tv_usec = (ms % 1000) * 1000;
    if (setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof tv) != 0) {
        return errno_failure();
    }
    return GREET_OK;
}

int gp_sock_set_timeouts(gp_socket s, int recv_ms, int send_ms)
{
    gp_oserr_clear();
    int rc;

    if (recv_ms < 0 || send_ms < 0) {
        return GREET_EINVAL;
    }
    rc = set_timeout(fd_of(s), SO_RCVTIMEO, recv_ms);
    return rc != GREET_OK ? rc : set_timeout(fd_of(s), SO_SNDTIMEO, send_ms);
}

int gp_sock_set_nonblocking(gp_socket s, int on)
{
    gp_oserr_clear();
    return set_flag(fd_of(s), O_NONBLOCK, on);
}

int gp_sock_set_nodelay(gp_socket s, int on)
{
    gp_oserr_clear();
    int v = on ? 1 : 0;

    if (setsockopt(fd_of(s), IPPROTO_TCP, TCP_NODELAY, &v, sizeof v) != 0) {
        return errno_failure();
    }
    return GREET_OK;
}

int gp_sock_wait(gp_socket s, int mask, gp_deadline deadline)
{
    gp_oserr_clear();
    short events =
        (short)(((mask & GP_WAIT_READ) ? POLLIN : 0) | ((mask & GP_WAIT_WRITE) ? POLLOUT : 0));
    int rc = poll_one(fd_of(s), events, deadline);

    if (rc < 0) {
        return errno_failure();
    }
    if (rc == 0) {
        return GREET_ETIMEDOUT;
    }
    if (rc & POLLNVAL) {
        return gp_oserr_set(GP_OSERR_ERRNO, EBADF);
    }
    return GREET_OK;
}

typedef int (*name_fn)(int, struct sockaddr *, socklen_t *);

static int sock_name(gp_socket s, gp_addr *out, name_fn fn)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;

    memset(out, 0, sizeof *out);
    if (fn(fd_of(s), (struct sockaddr *)&ss, &len) != 0) {
        return errno_failure();
    }
    memcpy(out->u.bytes, &ss, len);
    out->len = (uint32_t)len;
    return GREET_OK;
}

int gp_sock_local_addr(gp_socket s, gp_addr *out)
{
    gp_oserr_clear();
    return sock_name(s, out, getsockname);
}

int gp_sock_peer_addr(gp_socket s, gp_addr *out)
{
    gp_oserr_clear();
    return sock_name(s, out, getpeername);
}
