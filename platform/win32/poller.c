/* The readiness poller on Windows: AFD polls on an I/O completion port.
 *
 * select and WSAPoll hand the whole socket list to the kernel on every call. Underneath, both
 * issue IOCTL_AFD_POLL to the socket driver (AFD); issued directly, one overlapped poll per socket,
 * its answer arrives on a completion port, so a wait costs the number of ready sockets, not the
 * number registered (the approach wepoll made known). The poll is issued on a helper socket of the
 * poller's own and names the watched socket's base (non-LSP) handle.
 *
 * A completed poll is one-shot; level-triggered behaviour comes from issuing it again at the
 * next wait (a socket still ready completes at once). Changing what a socket waits for cancels its
 * pending poll; the cancellation's completion issues the new one. A poll's memory stays until its
 * completion arrives, even after gp_poller_del. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <winsock2.h>
#include <windows.h>

#include "gp.h"

#define IOCTL_AFD_POLL        0x00012024 /* FILE_DEVICE_NETWORK, function 9, METHOD_BUFFERED */
#define AFD_POLL_RECEIVE      0x0001
#define AFD_POLL_SEND         0x0004
#define AFD_POLL_DISCONNECT   0x0008
#define AFD_POLL_ABORT        0x0010
#define AFD_POLL_LOCAL_CLOSE  0x0020
#define AFD_POLL_ACCEPT       0x0080
#define AFD_POLL_CONNECT_FAIL 0x0100
#ifndef SIO_BASE_HANDLE
#define SIO_BASE_HANDLE 0x48000022
#endif
#define STATUS_CANCELLED_ ((DWORD)0xC0000120L)

#define WAKE_KEY   1
#define POLL_KEY   2
#define WAIT_BATCH 256

/* The driver's poll request and answer (one socket per request). */
typedef struct afd_handle_info {
    HANDLE handle;
    ULONG events;
    LONG status;
} afd_handle_info;

typedef struct afd_poll_info {
    LARGE_INTEGER timeout;
    ULONG count;
    ULONG exclusive;
    afd_handle_info handles[1];
} afd_poll_info;

struct sock_state {
    OVERLAPPED ov; /* first: a completion hands back &ov */
    afd_poll_info info;
    gp_pollreg *reg; /* NULL once unregistered */
    SOCKET base;
    int mask;    /* the gp_wait events wanted */
    int polled;  /* the events the pending poll watches */
    int pending; /* a poll is issued and its completion has not arrived */
    int queued;  /* in the update list */
    struct sock_state *next_update;
    struct sock_state *prev, *next; /* every state, for destroy */
};

struct gp_poller {
    HANDLE iocp;
    SOCKET helper;
    struct sock_state *updates;
    struct sock_state *all;
};

static int last_error(void)
{
    return gp_oserr_set(GP_OSERR_WIN32, (int)GetLastError());
}

int gp_poller_create(gp_poller **out)
{
    gp_poller *p = calloc(1, sizeof *p);

    gp_oserr_clear();
    *out = NULL;
    if (!p) {
        return GREET_ENOMEM;
    }
    p->helper = INVALID_SOCKET;
    p->iocp = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    if (!p->iocp) {
        int rc = last_error();
        free(p);
        return rc;
    }
    /* Any AFD socket can carry polls for others; a UDP one costs the least. */
    p->helper = WSASocketW(AF_INET, SOCK_DGRAM, IPPROTO_UDP, NULL, 0,
                           WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    if (p->helper == INVALID_SOCKET) {
        int rc = gp_oserr_set(GP_OSERR_SOCKET, WSAGetLastError());
        gp_poller_destroy(p);
        return rc;
    }
    if (!CreateIoCompletionPort((HANDLE)p->helper, p->iocp, POLL_KEY, 0)) {
        int rc = last_error();
        gp_poller_destroy(p);
        return rc;
    }
    *out = p;
    return GREET_OK;
}

static void unlink_state(gp_poller *p, struct sock_state *st)
{
    if (st->prev) {
        st->prev->next = st->next;
    } else {
        p->all = st->next;
    }
    if (st->next) {
        st->next->prev = st->prev;
    }
    free(st);
}

void gp_poller_destroy(gp_poller *p)
{
    struct sock_state *st;
    int rounds;

    if (!p) {
        return;
    }
    for (st = p->all; st; st = st->next) {
        if (st->pending) {
            CancelIoEx((HANDLE)p->helper, &st->ov);
        }
    }
    /* The driver writes into a poll's memory until its completion: wait for them (bounded). */
    for (rounds = 0; rounds < 100; rounds++) {
        OVERLAPPED_ENTRY ev[WAIT_BATCH];
        ULONG n = 0, i;
        int left = 0;
        for (st = p->all; st; st = st->next) {
            left += st->pending;
        }
        if (!left || !GetQueuedCompletionStatusEx(p->iocp, ev, WAIT_BATCH, &n, 50, FALSE)) {
            break;
        }
        for (i = 0; i < n; i++) {
            if (ev[i].lpOverlapped) {
                ((struct sock_state *)(void *)ev[i].lpOverlapped)->pending = 0;
            }
        }
    }
    while (p->all) {
        unlink_state(p, p->all);
    }
    if (p->helper != INVALID_SOCKET) {
        closesocket(p->helper);
    }
    if (p->iocp) {
        CloseHandle(p->iocp);
    }
    free(p);
}

static void queue_update(gp_poller *p, struct sock_state *st)
{
    if (!st->queued) {
        st->queued = 1;
        st->next_update = p->updates;
        p->updates = st;
    }
}

static ULONG afd_events(int mask)
{
    ULONG ev = AFD_POLL_ABORT | AFD_POLL_LOCAL_CLOSE | AFD_POLL_CONNECT_FAIL;

    if (mask & GP_WAIT_READ) {
        ev |= AFD_POLL_RECEIVE | AFD_POLL_ACCEPT | AFD_POLL_DISCONNECT;
    }
    if (mask & GP_WAIT_WRITE) {
        ev |= AFD_POLL_SEND;
    }
    return ev;
}

static int gp_events(ULONG afd)
{
    int ev = 0;

    if (afd & (AFD_POLL_RECEIVE | AFD_POLL_ACCEPT | AFD_POLL_DISCONNECT)) {
        ev |= GP_WAIT_READ;
    }
    if (afd & AFD_POLL_SEND) {
        ev |= GP_WAIT_WRITE;
    }
    if (afd & (AFD_POLL_ABORT | AFD_POLL_CONNECT_FAIL)) {
        ev |= GP_WAIT_READ | GP_WAIT_WRITE; /* the next recv or send reports the error */
    }
    return ev;
}

/* Issues st's poll for its mask. A poll that cannot be issued completes nothing: the socket is
 * then reported ready at once so that the caller's next call on it shows the error. */
static int issue(gp_poller *p, struct sock_state *st)
{
    memset(&st->ov, 0, sizeof st->ov);
    st->info.timeout.QuadPart = INT64_MAX;
    st->info.count = 1;
    st->info.exclusive = FALSE;
    st->info.handles[0].handle = (HANDLE)st->base;
    st->info.handles[0].events = afd_events(st->mask);
    st->info.handles[0].status = 0;
    if (!DeviceIoControl((HANDLE)p->helper, IOCTL_AFD_POLL, &st->info, sizeof st->info, &st->info,
                         sizeof st->info, NULL, &st->ov) &&
        GetLastError() != ERROR_IO_PENDING) {
        return GP_WAIT_READ | GP_WAIT_WRITE;
    }
    st->pending = 1;
    st->polled = st->mask;
    return 0;
}

/* Brings the issued polls up to date before a wait; fills out with sockets whose poll could not
 * be issued and returns how many. */
static int apply_updates(gp_poller *p, gp_poll_event *out, int max)
{
    int k = 0;

    while (p->updates && k < max) {
        struct sock_state *st = p->updates;
        p->updates = st->next_update;
        st->queued = 0;
        if (!st->reg) {
            if (!st->pending) {
                unlink_state(p, st);
            }
        } else if (st->pending) {
            if (st->polled != st->mask) {
                CancelIoEx((HANDLE)p->helper, &st->ov); /* its completion issues the new one */
            }
        } else if (st->mask) {
            int ev = issue(p, st);
            if (ev) {
                queue_update(p, st); /* tried again at the next wait */
                out[k].data = st->reg->data;
                out[k].events = ev & st->mask;
                k++;
            }
        }
    }
    return k;
}

int gp_poller_add(gp_poller *p, gp_pollreg *r, gp_socket s, int mask, void *data)
{
    struct sock_state *st = calloc(1, sizeof *st);
    DWORD bytes = 0;

    gp_oserr_clear();
    if (!st) {
        return GREET_ENOMEM;
    }
    r->sock = s;
    r->data = data;
    r->os = st;
    st->reg = r;
    st->mask = mask;
    /* Layered providers wrap sockets; the driver only knows the base one. */
    if (WSAIoctl((SOCKET)s, SIO_BASE_HANDLE, NULL, 0, &st->base, sizeof st->base, &bytes, NULL,
                 NULL) != 0) {
        st->base = (SOCKET)s;
    }
    st->next = p->all;
    if (p->all) {
        p->all->prev = st;
    }
    p->all = st;
    queue_update(p, st);
    return GREET_OK;
}

int gp_poller_set(gp_poller *p, gp_pollreg *r, int mask)
{
    struct sock_state *st = r->os;

    gp_oserr_clear();
    st->mask = mask;
    queue_update(p, st);
    return GREET_OK;
}

void gp_poller_del(gp_poller *p, gp_pollreg *r)
{
    struct sock_state *st = r->os;

    r->os = NULL;
    st->reg = NULL;
    if (st->pending) {
        CancelIoEx((HANDLE)p->helper, &st->ov); /* freed when its completion arrives */
    } else if (!st->queued) {
        unlink_state(p, st);
    }
}

/* One completed poll: the events to report for it (0: none). */
static int completed(gp_poller *p, struct sock_state *st)
{
    DWORD status = (DWORD)st->ov.Internal;
    int ev;

    st->pending = 0;
    if (!st->reg) {
        if (!st->queued) {
            unlink_state(p, st);
        }
        return 0;
    }
    queue_update(p, st); /* issue it again at the next wait: level-triggered */
    if (status == STATUS_CANCELLED_) {
        return 0;
    }
    if ((LONG)status < 0) {
        ev = GP_WAIT_READ | GP_WAIT_WRITE;
    } else if (st->info.count < 1) {
        ev = 0;
    } else {
        ev = gp_events(st->info.handles[0].events);
    }
    return ev & st->mask;
}

int gp_poller_wait(gp_poller *p, gp_poll_event *out, int max, gp_deadline deadline, int *count)
{
    OVERLAPPED_ENTRY ev[WAIT_BATCH];
    ULONG n = 0, i;
    int timeout_ms = gp_deadline_left(deadline);
    int k;

    gp_oserr_clear();
    *count = 0;
    k = apply_updates(p, out, max);
    if (k > 0) {
        *count = k;
        return GREET_OK;
    }
    if (!GetQueuedCompletionStatusEx(p->iocp, ev, (ULONG)(max < WAIT_BATCH ? max : WAIT_BATCH), &n,
                                     timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms, FALSE)) {
        return GetLastError() == WAIT_TIMEOUT ? GREET_OK : last_error();
    }
    for (i = 0; i < n; i++) {
        struct sock_state *st;
        int events;
        if (ev[i].lpCompletionKey == WAKE_KEY || !ev[i].lpOverlapped) {
            continue;
        }
        st = (struct sock_state *)(void *)ev[i].lpOverlapped;
        events = completed(p, st);
        if (events) {
            out[k].data = st->reg->data;
            out[k].events = events;
            k++;
        }
    }
    *count = k;
    return GREET_OK;
}

void gp_poller_wake(gp_poller *p)
{
    PostQueuedCompletionStatus(p->iocp, 0, WAKE_KEY, NULL);
}
