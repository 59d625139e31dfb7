/*
 * epoll_server: the benchmark's near-limit yardstick, a minimal single-threaded epoll server for
 * the greet protocol (docs/protocol.md): greeting on accept; raw mode (one receive of at most
 * 1024 bytes -> "Hello " + those bytes, "exit" closes); line mode when the first receive ends in
 * '\n' (lines reassembled, "\r\n" or "\n" stripped, "Hello LINE\n" each, "exit" closes, a line
 * over 4096 bytes gets "error: line too long\n" and the connection closes). It has no options
 * beyond what the benchmark needs and no logging: it shows what one core can do, nothing else.
 * Linux only.
 *
 * usage: epoll_server [--bind ADDR] [--port N] [--greeting TEXT]   (prints "port N" when ready)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "yardstick_args.h"

#define RECV_MAX     1024
#define LINE_MAX_LEN 4096
#define TOO_LONG     "error: line too long\n"

enum { MODE_UNKNOWN, MODE_RAW, MODE_LINE };

struct conn {
    int fd;
    int mode;
    int closing;     /* close once out is sent */
    size_t line_len; /* bytes of the pending line */
    char line[LINE_MAX_LEN + 2];
    char *out; /* replies not yet sent */
    size_t out_len, out_cap;
};

static int ep;
static struct conn **conns; /* by descriptor */
static size_t conns_cap;

static void die(const char *what)
{
    fprintf(stderr, "epoll_server: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void watch(int fd, int op, unsigned events)
{
    struct epoll_event ev;

    memset(&ev, 0, sizeof ev);
    ev.events = events;
    ev.data.fd = fd;
    if (epoll_ctl(ep, op, fd, &ev) != 0) {
        die("epoll_ctl");
    }
}

static void drop(struct conn *c)
{
    conns[c->fd] = NULL;
    close(c->fd); /* also leaves the epoll set */
    free(c->out);
    free(c);
}

static int append(struct conn *c, const char *a, size_t alen, const char *b, size_t blen)
{
    size_t need = c->out_len + alen + blen;

    if (need > c->out_cap) {
        size_t cap = need < 4096 ? 4096 : need * 2;
        char *grown = realloc(c->out, cap);
        if (grown == NULL) {
            return -1;
        }
        c->out = grown;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, a, alen);
    memcpy(c->out + c->out_len + alen, b, blen);
    c->out_len += alen + blen;
    return 0;
}

/* Sends what is queued. 0: all sent (or the connection is gone); 1: wait for writability. */
static int flush(struct conn *c)
{
    size_t off = 0;

    while (off < c->out_len) {
        ssize_t n = send(c->fd, c->out + off, c->out_len - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            memmove(c->out, c->out + off, c->out_len - off);
            c->out_len -= off;
            return 1;
        }
        if (n < 0) {
            c->out_len = 0;
            c->closing = 1;
            return 0;
        }
        off += (size_t)n;
    }
    c->out_len = 0;
    return 0;
}

static int too_long(struct conn *c)
{
    c->closing = 1;
    return append(c, TOO_LONG, sizeof TOO_LONG - 1, "", 0);
}

/* One complete line (newline removed): its reply, or the end of the connection. */
static int on_line(struct conn *c, char *line, size_t len)
{
    if (len > 0 && line[len - 1] == '\r') {
        len--;
    }
    if (len == 4 && memcmp(line, "exit", 4) == 0) {
        c->closing = 1;
        return 0;
    }
    if (len > LINE_MAX_LEN) {
        return too_long(c);
    }
    line[len] = '\n';
    return append(c, "Hello ", 6, line, len + 1);
}

static int on_lines(struct conn *c, const char *data, size_t n)
{
    size_t i;

    for (i = 0; i < n && !c->closing; i++) {
        if (data[i] == '\n') {
            if (on_line(c, c->line, c->line_len) != 0) {
                return -1;
            }
            c->line_len = 0;
        } else if (c->line_len == LINE_MAX_LEN + 1) { /* full, with room for a '\r' */
            return too_long(c);                       /* over the limit, whatever comes next */
        } else {
            c->line[c->line_len++] = data[i];
        }
    }
    return 0;
}

static int on_message(struct conn *c, const char *data, size_t n)
{
    if (c->mode == MODE_UNKNOWN) {
        c->mode = data[n - 1] == '\n' ? MODE_LINE : MODE_RAW;
    }
    if (c->mode == MODE_LINE) {
        return on_lines(c, data, n);
    }
    if (n == 4 && memcmp(data, "exit", 4) == 0) {
        c->closing = 1;
        return 0;
    }
    return append(c, "Hello ", 6, data, n);
}

/* At end of stream a last unterminated line still gets its reply. */
static void on_eof(struct conn *c)
{
    if (c->mode == MODE_LINE && c->line_len > 0 && !c->closing) {
        on_line(c, c->line, c->line_len);
    }
    c->closing = 1;
}

static void serve(struct conn *c, unsigned events)
{
    if (events & EPOLLIN) {
        char buf[RECV_MAX];
        ssize_t n = recv(c->fd, buf, sizeof buf, 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            return;
        }
        if (n <= 0) {
            on_eof(c);
        } else if (on_message(c, buf, (size_t)n) != 0) {
            c->closing = 1;
            c->out_len = 0;
        }
    }
    if (flush(c) == 1) {
        /* The client is not reading: stop reading from it until its replies are out. */
        watch(c->fd, EPOLL_CTL_MOD, EPOLLOUT);
    } else if (c->closing) {
        drop(c);
    } else if (events & EPOLLOUT) {
        watch(c->fd, EPOLL_CTL_MOD, EPOLLIN);
    }
}

static void accept_all(int listener, const char *greeting, size_t greeting_len)
{
    for (;;) {
        int one = 1;
        int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        struct conn *c;
        if (fd < 0) {
            return; /* EAGAIN: all taken; anything else (EMFILE): try again on the next event */
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if ((size_t)fd >= conns_cap) {
            size_t cap = (size_t)fd * 2 + 64;
            struct conn **grown = realloc(conns, cap * sizeof *conns);
            if (grown == NULL) {
                close(fd);
                continue;
            }
            memset(grown + conns_cap, 0, (cap - conns_cap) * sizeof *conns);
            conns = grown;
            conns_cap = cap;
        }
        c = calloc(1, sizeof *c);
        if (c == NULL) {
            close(fd);
            continue;
        }
        c->fd = fd;
        conns[fd] = c;
        watch(c->fd, EPOLL_CTL_ADD, EPOLLIN);
        if (append(c, greeting, greeting_len, "", 0) != 0 || flush(c) != 0) {
            drop(c); /* a greeting that does not fit an empty socket buffer: not worth a queue */
        }
    }
}

static int listen_on(const char *bind_addr, unsigned port)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    int one = 1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (fd < 0 || inet_pton(AF_INET, bind_addr, &sa.sin_addr) != 1) {
        die("bad address");
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 4096) != 0) {
        die("bind/listen");
    }
    if (getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        die("getsockname");
    }
    printf("port %u\n", (unsigned)ntohs(sa.sin_port));
    fflush(stdout);
    return fd;
}

int main(int argc, char **argv)
{
    struct yardstick_args args;
    int listener;
    int i;

    yardstick_parse(argc, argv, &args);
    ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) {
        die("epoll_create1");
    }
    listener = listen_on(args.bind_addr, args.port);
    watch(listener, EPOLL_CTL_ADD, EPOLLIN);
    for (;;) {
        struct epoll_event events[256];
        int n = epoll_wait(ep, events, 256, -1);
        for (i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == listener) {
                accept_all(listener, args.greeting, args.greeting_len);
            } else if ((size_t)fd < conns_cap && conns[fd] != NULL) {
                serve(conns[fd], events[i].events);
            }
        }
    }
}
