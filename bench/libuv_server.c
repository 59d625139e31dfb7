/*
 * libuv_server: a benchmark yardstick, the greet protocol (docs/protocol.md) served the way a
 * careful libuv program would: one loop, uv_try_write first and a queued uv_write only for what
 * the socket did not take, reading paused while more than 64 KiB of replies wait. Same framing as
 * bench/epoll_server.c: greeting on accept; raw mode (one receive of at most 1024 bytes -> "Hello "
 * + those bytes, "exit" closes); line mode when the first receive holds a newline (lines
 * reassembled, "\r\n" or "\n" stripped, "Hello LINE\n" each, "exit" closes, a line over 4096
 * bytes gets "error: line too long\n" and the connection closes). No options beyond what the
 * benchmark needs, no logging. Built only where libuv is found; not part of greet.
 *
 * usage: libuv_server [--bind ADDR] [--port N] [--greeting TEXT]   (prints "port N" when ready)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "yardstick_args.h"

#define RECV_MAX     1024
#define LINE_MAX_LEN 4096
#define QUEUE_MAX    (64 * 1024)
#define TOO_LONG     "error: line too long\n"

enum { MODE_UNKNOWN, MODE_RAW, MODE_LINE };

struct conn {
    uv_tcp_t tcp;
    int mode;
    int closing;
    size_t line_len;
    char line[6 + LINE_MAX_LEN + 2];
};

struct write_req {
    uv_write_t req;
    uv_buf_t buf;
};

static char greeting[256];
static size_t greeting_len;
static char recv_buf[RECV_MAX];

static void on_closed(uv_handle_t *h)
{
    free(h->data);
}

static void drop(struct conn *c)
{
    if (!uv_is_closing((uv_handle_t *)&c->tcp)) {
        uv_close((uv_handle_t *)&c->tcp, on_closed);
    }
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf);

static void on_written(uv_write_t *req, int status)
{
    struct write_req *w = (struct write_req *)req;
    uv_stream_t *stream = req->handle; /* req is freed below */
    struct conn *c = stream->data;

    free(w->buf.base);
    free(w);
    if (status != 0) {
        drop(c);
    } else if (c->closing && stream->write_queue_size == 0) {
        drop(c);
    } else if (!c->closing && stream->write_queue_size < QUEUE_MAX) {
        uv_read_start(stream, NULL, on_read); /* no-op when reading */
    }
}

/* Sends what the socket takes now and queues the rest. */
static void reply(struct conn *c, const char *data, size_t len)
{
    uv_buf_t b = uv_buf_init((char *)data, (unsigned)len);
    int n = c->tcp.write_queue_size == 0 ? uv_try_write((uv_stream_t *)&c->tcp, &b, 1) : 0;
    struct write_req *w;

    if (n < 0 && n != UV_EAGAIN) {
        c->closing = 1;
        return;
    }
    if (n < 0) {
        n = 0;
    }
    if ((size_t)n == len) {
        return;
    }
    w = malloc(sizeof *w);
    if (w == NULL || (w->buf.base = malloc(len - (size_t)n)) == NULL) {
        free(w);
        c->closing = 1;
        return;
    }
    memcpy(w->buf.base, data + n, len - (size_t)n);
    w->buf.len = len - (size_t)n;
    uv_write(&w->req, (uv_stream_t *)&c->tcp, &w->buf, 1, on_written);
}

static void on_line(struct conn *c)
{
    size_t len = c->line_len;
    char *text = c->line + 6;

    c->line_len = 0;
    if (len > 0 && text[len - 1] == '\r') {
        len--;
    }
    if (len == 4 && memcmp(text, "exit", 4) == 0) {
        c->closing = 1;
    } else if (len > LINE_MAX_LEN) {
        reply(c, TOO_LONG, sizeof TOO_LONG - 1);
        c->closing = 1;
    } else {
        text[len] = '\n';
        reply(c, c->line, 6 + len + 1);
    }
}

static void on_lines(struct conn *c, const char *data, size_t n)
{
    size_t i;

    for (i = 0; i < n && !c->closing; i++) {
        if (data[i] == '\n') {
            on_line(c);
        } else if (c->line_len == LINE_MAX_LEN + 1) {
            reply(c, TOO_LONG, sizeof TOO_LONG - 1);
            c->closing = 1;
        } else {
            c->line[6 + c->line_len++] = data[i];
        }
    }
}

static void on_message(struct conn *c, const char *data, size_t n)
{
    if (c->mode == MODE_UNKNOWN) {
        c->mode = memchr(data, '\n', n) != NULL || n == RECV_MAX ? MODE_LINE : MODE_RAW;
    }
    if (c->mode == MODE_LINE) {
        on_lines(c, data, n);
    } else if (n == 4 && memcmp(data, "exit", 4) == 0) {
        c->closing = 1;
    } else {
        memcpy(c->line + 6, data, n);
        reply(c, c->line, 6 + n);
    }
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)h;
    (void)suggested;
    *buf = uv_buf_init(recv_buf, sizeof recv_buf); /* consumed before the next alloc */
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct conn *c = s->data;

    if (n == 0) {
        return;
    }
    if (n < 0) {
        if (c->mode == MODE_LINE && c->line_len > 0 && !c->closing) {
            on_line(c); /* a last unterminated line still gets its reply */
        }
        c->closing = 1;
    } else {
        on_message(c, buf->base, (size_t)n);
    }
    if (c->closing) {
        uv_read_stop(s);
        if (s->write_queue_size == 0) {
            drop(c);
        }
    } else if (s->write_queue_size >= QUEUE_MAX) {
        uv_read_stop(s); /* the client is not reading: neither do we until it catches up */
    }
}

static void on_connection(uv_stream_t *server, int status)
{
    struct conn *c;

    if (status < 0) {
        return;
    }
    c = calloc(1, sizeof *c);
    if (c == NULL) {
        return;
    }
    memcpy(c->line, "Hello ", 6);
    uv_tcp_init(server->loop, &c->tcp);
    c->tcp.data = c;
    if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0) {
        drop(c);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    reply(c, greeting, greeting_len);
    uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

int main(int argc, char **argv)
{
    struct yardstick_args args;
    uv_loop_t *loop = uv_default_loop();
    uv_tcp_t server;
    struct sockaddr_in sa;
    int len = sizeof sa;

    yardstick_parse(argc, argv, &args);
    memcpy(greeting, args.greeting, sizeof greeting);
    greeting_len = args.greeting_len;
    uv_tcp_init(loop, &server);
    if (uv_ip4_addr(args.bind_addr, (int)args.port, &sa) != 0 ||
        uv_tcp_bind(&server, (const struct sockaddr *)&sa, 0) != 0 ||
        uv_listen((uv_stream_t *)&server, 4096, on_connection) != 0 ||
        uv_tcp_getsockname(&server, (struct sockaddr *)&sa, &len) != 0) {
        fprintf(stderr, "libuv_server: cannot listen on %s port %u\n", args.bind_addr, args.port);
        return 1;
    }
    printf("port %u\n", (unsigned)ntohs(sa.sin_port));
    fflush(stdout);
    return uv_run(loop, UV_RUN_DEFAULT);
}
