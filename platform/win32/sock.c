/* TCP sockets over Winsock. A SOCKET is stored widened in gp_socket (INVALID_SOCKET is all ones,
 * like GP_SOCKET_INVALID). Lengths are int in Winsock, so large buffers go in INT_MAX chunks. */
#include <limits.h>
#include <string.h>

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include "common/fault.h"
#include "gp.h"
#include "gpw.h"

static SOCKET to_os(gp_socket s)
{
    return (SOCKET)s;
}

static int sock_error(void)
{
    return gp_oserr_set(GP_OSERR_SOCKET, WSAGetLastError());
}

static const struct sockaddr *sockaddr_of(const gp_addr *addr)
{
    return (const struct sockaddr *)addr->u.bytes;
}

static void store_addr(gp_addr *out, const struct sockaddr_storage *ss, int len)
{
    memset(out, 0, sizeof *out);
    memcpy(out->u.bytes, ss, (size_t)len);
    out->len = (uint32_t)len;
}

/* Closes s without losing the error recorded for the failure that made us give up on it. */
static int close_failed(SOCKET s, int rc)
{
    closesocket(s);
    return rc;
}

static int open_socket(const gp_addr *addr, SOCKET *out)
{
    /* Not inheritable: a child process (the tests start greet.exe) holding a copy would keep a
     * closed listener's port busy and a closed connection open. Overlapped, as socket() makes
     * them, so that SO_RCVTIMEO and SO_SNDTIMEO apply. */
    SOCKET s = INVALID_SOCKET;

    /* An empty or oversized address is the caller's mistake; Winsock would pick a family. */
    if (addr->len < sizeof(ADDRESS_FAMILY) || addr->len > sizeof(SOCKADDR_STORAGE)) {
        return GREET_EINVAL;
    }
    s = WSASocketW(sockaddr_of(addr)->sa_family, SOCK_STREAM, IPPROTO_TCP, NULL, 0,
                   WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    if (s == INVALID_SOCKET) {
        return sock_error();
    }
    *out = s;
    return GREET_OK;
}

static int set_nonblocking(SOCKET s, int on)
{
    u_long mode = on ? 1 : 0;

    return ioctlsocket(s, FIONBIO, &mode) == 0 ? GREET_OK : sock_error();
}

/* select's limit for the time left before deadline; NULL (forever) for GP_DEADLINE_NONE. */
static struct timeval *timeval_of(gp_deadline deadline, struct timeval *tv)
{
    int left = gp_deadline_left(deadline);

    if (left < 0) {
        return NULL;
    }
    tv->tv_sec = left / 1000;
    tv->tv_usec = (left % 1000) * 1000;
    return tv;
}

/* select rather than WSAPoll: WSAPoll did not report a failed connect before Windows 10 2004.
 * Windows signals a failed connect in the except set, not the write set. */
static int select_one(SOCKET s, int mask, gp_deadline deadline)
{
    fd_set rd, wr, ex;
    struct timeval tv;
    int n;

    rd.fd_count = (mask & GP_WAIT_READ) ? 1 : 0;
    wr.fd_count = (mask & GP_WAIT_WRITE) ? 1 : 0;
    ex.fd_count = 1;
    rd.fd_array[0] = wr.fd_array[0] = ex.fd_array[0] = s;
    n = select(0, &rd, &wr, &ex, timeval_of(deadline, &tv));
    if (n == SOCKET_ERROR) {
        return sock_error();
    }
    return n == 0 ? GREET_ETIMEDOUT : GREET_OK;
}

int gp_sock_connect_start(const gp_addr *addr, gp_socket *out)
{
    gp_oserr_clear();
    SOCKET s = INVALID_SOCKET;
    int rc;

    *out = GP_SOCKET_INVALID;
    rc = gp_fault_at(GP_FAULT_CONNECT);
    if (rc == GREET_OK) {
        rc = open_socket(addr, &s);
    }
    if (rc != GREET_OK) {
        return rc;
    }
    rc = set_nonblocking(s, 1);
    if (rc == GREET_OK && connect(s, sockaddr_of(addr), (int)addr->len) != 0 &&
        WSAGetLastError() != WSAEWOULDBLOCK) {
        rc = sock_error();
    }
    if (rc != GREET_OK) {
        return close_failed(s, rc);
    }
    *out = (gp_socket)s;
    return GREET_OK;
}

/* select rather than WSAPoll: WSAPoll did not report a failed connect before Windows 10 2004.
 * Windows signals a failed connect in the except set, not the write set. fd_set is an array
 * here, not a bit mask, so filling it costs count, whatever the sockets' values. */
int gp_sock_connect_wait(const gp_socket *socks, size_t count, gp_deadline deadline, size_t *done)
{
    gp_oserr_clear();
    fd_set wr, ex;
    struct timeval tv;
    size_t i;
    int n;

    if (count == 0 || count > GP_CONNECT_WAIT_MAX) {
        return GREET_EINVAL;
    }
    wr.fd_count = ex.fd_count = (u_int)count;
    for (i = 0; i < count; i++) {
        wr.fd_array[i] = ex.fd_array[i] = to_os(socks[i]);
    }
    n = select(0, NULL, &wr, &ex, timeval_of(deadline, &tv));
    if (n == SOCKET_ERROR) {
        return sock_error();
    }
    for (i = 0; n > 0 && i < count; i++) {
        if (FD_ISSET(to_os(socks[i]), &wr) || FD_ISSET(to_os(socks[i]), &ex)) {
            *done = i;
            return GREET_OK;
        }
    }
    return GREET_ETIMEDOUT;
}

int gp_sock_connect_end(gp_socket s)
{
    gp_oserr_clear();
    int err = 0;
    int len = (int)sizeof err;

    if (getsockopt(to_os(s), SOL_SOCKET, SO_ERROR, (char *)&err, &len) != 0) {
        return sock_error();
    }
    return err != 0 ? gp_oserr_set(GP_OSERR_SOCKET, err) : set_nonblocking(to_os(s), 0);
}

#ifndef SOMAXCONN_HINT /* winsock2.h of Windows 8 and later; mingw-w64's lacks it */
#define SOMAXCONN_HINT(b) (-(b))
#endif

/* listen with the OS's largest queue for backlog <= 0: SOMAXCONN_HINT (Windows 8 and later) asks
 * for up to 65535, where plain SOMAXCONN means 200 on client editions; older systems refuse the
 * hint, and get SOMAXCONN. */
static int listen_queue(SOCKET s, int backlog)
{
    if (backlog > 0) {
        return listen(s, backlog);
    }
    if (listen(s, SOMAXCONN_HINT(65535)) == 0) {
        return 0;
    }
    return WSAGetLastError() == WSAEINVAL ? listen(s, SOMAXCONN) : SOCKET_ERROR;
}

int gp_sock_listen(const gp_addr *addr, int backlog, gp_socket *out)
{
    gp_oserr_clear();
    /* SO_EXCLUSIVEADDRUSE: Windows' SO_REUSEADDR would let another socket bind the same port and
     * take our connections; Windows needs no option to rebind a port in TIME_WAIT. */
    BOOL exclusive = TRUE;
    DWORD v6only = 0;
    SOCKET s = INVALID_SOCKET;
    int rc;

    *out = GP_SOCKET_INVALID;
    rc = gp_fault_at(GP_FAULT_LISTEN);
    if (rc == GREET_OK) {
        rc = open_socket(addr, &s);
    }
    if (rc != GREET_OK) {
        return rc;
    }
    if (setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&exclusive,
                   (int)sizeof exclusive) != 0) {
        return close_failed(s, sock_error());
    }
    /* Dual-stack where the system allows it; a system without IPv4-mapped addresses still
     * serves IPv6, so a refusal here is not a failure. */
    if (sockaddr_of(addr)->sa_family == AF_INET6) {
        setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, (const char *)&v6only, (int)sizeof v6only);
    }
    if (bind(s, sockaddr_of(addr), (int)addr->len) != 0 || listen_queue(s, backlog) != 0) {
        return close_failed(s, sock_error());
    }
    *out = (gp_socket)s;
    return GREET_OK;
}

int gp_sock_accept(gp_socket listener, int flags, gp_socket *out, gp_addr *peer)
{
    struct sockaddr_storage ss;
    int len;
    SOCKET s = INVALID_SOCKET;
    int rc;

    gp_oserr_clear();
    *out = GP_SOCKET_INVALID;
    rc = gp_fault_at(GP_FAULT_ACCEPT);
    if (rc != GREET_OK) {
        return rc;
    }
    do {
        len = (int)sizeof ss;
        s = accept(to_os(listener), (struct sockaddr *)&ss, &len);
    } while (s == INVALID_SOCKET && WSAGetLastError() == WSAEINTR);
    if (s == INVALID_SOCKET) {
        return sock_error();
    }
    /* Winsock hands out the listener's non-blocking mode; POSIX accept does not. Start every
     * connection in the mode asked for on both systems. */
    rc = set_nonblocking(s, (flags & GP_ACCEPT_NONBLOCKING) != 0);
    if (rc != GREET_OK) {
        return close_failed(s, rc);
    }
    /* Not inheritable either (see open_socket); failure only means a leak into children. */
    SetHandleInformation((HANDLE)s, HANDLE_FLAG_INHERIT, 0);
    if (peer) {
        store_addr(peer, &ss, len);
    }
    *out = (gp_socket)s;
    return GREET_OK;
}

void gp_sock_close(gp_socket s)
{
    if (s != GP_SOCKET_INVALID) {
        closesocket(to_os(s));
    }
}

int gp_sock_shutdown(gp_socket s, int how)
{
    gp_oserr_clear();
    static const int modes[] = {SD_RECEIVE, SD_SEND, SD_BOTH};

    if (how < GP_SHUT_RD || how > GP_SHUT_RDWR) {
        return GREET_EINVAL;
    }
    if (shutdown(to_os(s), modes[how]) != 0) {
        return sock_error();
    }
    /* Winsock does not promise that a receive blocked in another thread ends at shutdown;
     * cancelling the socket's pending I/O makes sure it returns. */
    if (how != GP_SHUT_WR) {
        CancelIoEx((HANDLE)to_os(s), NULL);
    }
    return GREET_OK;
}

int gp_sock_send_all(gp_socket s, const void *buf, size_t len)
{
    gp_oserr_clear();
    const char *p = (const char *)buf;
    gp_fault_call call = {0, NULL, 0, NULL, 0};
    int rc;

    call.point = GP_FAULT_SEND;
    call.host = NULL;
    while (len > 0) {
        int n;

        call.len = len > (size_t)INT_MAX ? (size_t)INT_MAX : len;
        rc = gp_fault_take(&call);
        if (rc != GREET_OK) {
            return rc;
        }
        n = send(to_os(s), p, (int)call.len, 0);
        if (n == SOCKET_ERROR) {
            if (WSAGetLastError() == WSAEINTR) {
                continue;
            }
            return sock_error();
        }
        p += n;
        len -= (size_t)n;
    }
    return GREET_OK;
}

int gp_sock_send(gp_socket s, const void *buf, size_t len, size_t *sent)
{
    gp_oserr_clear();
    int chunk = len > (size_t)INT_MAX ? INT_MAX : (int)len;
    int n;

    *sent = 0;
    do {
        n = send(to_os(s), (const char *)buf, chunk, 0);
    } while (n == SOCKET_ERROR && WSAGetLastError() == WSAEINTR);
    if (n == SOCKET_ERROR) {
        return sock_error();
    }
    *sent = (size_t)n;
    return GREET_OK;
}

int gp_sock_recv(gp_socket s, void *buf, size_t cap, size_t *got)
{
    gp_oserr_clear();
    gp_fault_call call = {0, NULL, 0, NULL, 0};
    int chunk;
    int rc;

    *got = 0;
    call.point = GP_FAULT_RECV;
    call.host = NULL;
    call.len = cap > (size_t)INT_MAX ? (size_t)INT_MAX : cap;
    rc = gp_fault_take(&call);
    if (rc != GREET_OK) {
        return rc;
    }
    chunk = (int)call.len;
    for (;;) {
        int n = recv(to_os(s), (char *)buf, chunk, 0);
        int err;

        if (n != SOCKET_ERROR) {
            *got = (size_t)n;
            return GREET_OK;
        }
        err = WSAGetLastError();
        /* After shutdown(SD_RECEIVE) Winsock fails with WSAESHUTDOWN where POSIX reports the
         * end of the stream; both mean "nothing more to read", so answer alike. */
        if (err == WSAESHUTDOWN) {
            return GREET_OK;
        }
        /* A receive cancelled by gp_sock_shutdown ends with one of these; asking again sees
         * the shutdown (or data that arrived first). */
        if (err != WSAEINTR && err != WSA_OPERATION_ABORTED) {
            return gp_oserr_set(GP_OSERR_SOCKET, err);
        }
    }
}

int gp_sock_set_timeouts(gp_socket s, int recv_ms, int send_ms)
{
    gp_oserr_clear();
    DWORD rcv = (DWORD)recv_ms;
    DWORD snd = (DWORD)send_ms;

    if (recv_ms < 0 || send_ms < 0) {
        return GREET_EINVAL;
    }
    if (setsockopt(to_os(s), SOL_SOCKET, SO_RCVTIMEO, (const char *)&rcv, (int)sizeof rcv) != 0 ||
        setsockopt(to_os(s), SOL_SOCKET, SO_SNDTIMEO, (const char *)&snd, (int)sizeof snd) != 0) {
        return sock_error();
    }
    return GREET_OK;
}

int gp_sock_set_nonblocking(gp_socket s, int on)
{
    gp_oserr_clear();
    return set_nonblocking(to_os(s), on);
}

int gp_sock_set_nodelay(gp_socket s, int on)
{
    gp_oserr_clear();
    BOOL flag = on ? TRUE : FALSE;

    if (setsockopt(to_os(s), IPPROTO_TCP, TCP_NODELAY, (const char *)&flag, (int)sizeof flag) !=
        0) {
        return sock_error();
    }
    return GREET_OK;
}

int gp_sock_wait(gp_socket s, int mask, gp_deadline deadline)
{
    gp_oserr_clear();
    return select_one(to_os(s), mask, deadline);
}

static int name_of(gp_socket s, gp_addr *out, int peer)
{
    struct sockaddr_storage ss;
    int len = (int)sizeof ss;
    int rc = peer ? getpeername(to_os(s), (struct sockaddr *)&ss, &len)
                  : getsockname(to_os(s), (struct sockaddr *)&ss, &len);

    if (rc != 0) {
        return sock_error();
    }
    store_addr(out, &ss, len);
    return GREET_OK;
}

int gp_sock_local_addr(gp_socket s, gp_addr *out)
{
    gp_oserr_clear();
    return name_of(s, out, 0);
}

int gp_sock_peer_addr(gp_socket s, gp_addr *out)
{
    gp_oserr_clear();
    return name_of(s, out, 1);
}
