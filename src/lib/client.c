/* The greeting protocol's client: connect to the first address that answers, then read the
 * greeting, exact raw-mode replies and whole lines through a buffer that grows as needed.
 *
 * Time: the caller's timeout becomes a deadline once per request (gp_deadline_in), which every
 * wait and receive of that request shares: connect and the greeting share one, each exchange
 * (send and reply) one, each lone receive or send one. A reply trickled a byte at a time is
 * therefore held to the same limit as one that arrives at once. */
#include <stdlib.h>
#include <string.h>

#include "connect.h"
#include "family.h"
#include "gp.h"
#include "greet/client.h"

#define CLIENT_BUF_START 8192
#define LINE_SEND_SMALL  1024 /* line messages up to this size are sent from the stack */
#define HELLO            "Hello "
#define HELLO_LEN        (sizeof HELLO - 1)

struct greet_client {
    gp_socket sock;
    gp_addr peer;
    int net_started;
    int timeout_ms;       /* the caller's limit per request; <= 0 for none */
    gp_deadline greet_by; /* connect's deadline, which the greeting shares */
    size_t start, len;    /* received bytes not yet handed out: buf[start, start + len) */
    size_t cap;           /* size of buf */
    unsigned char *buf;
};

/* Resolves host and connects to the first address that answers; why gets the failure. */
static int connect_first(greet_client *c, const char *host, unsigned port, int family,
                         gp_deadline deadline, gp_failure *why)
{
    gp_addr addrs[GP_RESOLVE_MAX];
    struct gi_connect_plan plan = {deadline, 0, NULL, NULL, NULL};
    struct gi_connect_result res;
    size_t n = 0;
    int rc = gp_resolve(host, (uint16_t)port, family, 0, addrs, GP_RESOLVE_MAX, &n);

    if (rc != GREET_OK) {
        return gp_failure_take(why, rc);
    }
    rc = gi_connect_first(addrs, n, &plan, &res);
    if (rc != GREET_OK) {
        *why = res.why;
        return rc;
    }
    c->sock = res.sock;
    c->peer = addrs[res.which];
    return GREET_OK;
}

int greet_client_connect(const char *host, unsigned port, int family, int timeout_ms,
                         greet_client **out)
{
    greet_client *c;
    gp_failure why;
    int gp_family;
    int rc;

    *out = NULL;
    if (!host || port == 0 || port > 65535 || gi_family(family, &gp_family) != GREET_OK) {
        return GREET_EINVAL;
    }
    c = calloc(1, sizeof *c);
    if (!c) {
        return GREET_ENOMEM;
    }
    c->sock = GP_SOCKET_INVALID;
    c->timeout_ms = timeout_ms;
    c->greet_by = gp_deadline_in(timeout_ms);
    c->cap = CLIENT_BUF_START;
    c->buf = malloc(c->cap);
    rc = gp_failure_take(&why, c->buf ? gp_net_init() : GREET_ENOMEM);
    c->net_started = c->buf && rc == GREET_OK;
    if (rc == GREET_OK) {
        /* The limit is for connecting at all, over every address the name has. */
        rc = connect_first(c, host, port, gp_family, c->greet_by, &why);
    }
    if (rc != GREET_OK) {
        greet_client_close(c);
        /* The caller reads the detail from the record (greet_error_text), as after any call. */
        return gp_failure_record(&why);
    }
    /* Request and reply are small: do not let Nagle hold a message back. */
    gp_sock_set_nodelay(c->sock, 1);
    *out = c;
    return GREET_OK;
}

int greet_client_peer(const greet_client *c, char *buf, size_t size)
{
    return gp_addr_format(&c->peer, buf, size);
}

/* ---- The receive buffer ------------------------------------------------------------------- */

/* Makes room for at least want buffered bytes (the buffer grows, never shrinks). */
static int make_room(greet_client *c, size_t want)
{
    unsigned char *bigger;
    size_t cap = c->cap;

    if (c->start > 0) {
        memmove(c->buf, c->buf + c->start, c->len);
        c->start = 0;
    }
    while (cap < want) {
        cap *= 2;
    }
    if (cap == c->cap) {
        return GREET_OK;
    }
    bigger = realloc(c->buf, cap);
    if (!bigger) {
        return GREET_ENOMEM;
    }
    c->buf = bigger;
    c->cap = cap;
    return GREET_OK;
}

/* One receive appended to the buffered bytes once the socket is readable before deadline; the
 * server closing is GREET_ECLOSED. */
static int fill(greet_client *c, gp_deadline deadline)
{
    size_t got;
    int rc = make_room(c, c->len + 1);

    if (rc == GREET_OK) {
        rc = gp_sock_wait(c->sock, GP_WAIT_READ, deadline);
    }
    if (rc == GREET_OK) {
        rc = gp_sock_recv(c->sock, c->buf + c->len, c->cap - c->len, &got);
    }
    if (rc != GREET_OK) {
        return rc;
    }
    if (got == 0) {
        return GREET_ECLOSED;
    }
    c->len += got;
    return GREET_OK;
}

/* Hands n buffered bytes to out (NULL: drops them). */
static void take(greet_client *c, void *out, size_t n)
{
    if (out) {
        memcpy(out, c->buf + c->start, n);
    }
    c->start += n;
    c->len -= n;
    if (c->len == 0) {
        c->start = 0;
    }
}

/* Receives until the buffered bytes hold a "\n" (*end: the line's length with it), or more
 * than max bytes without one (GREET_ETOOBIG). With greeting set, a line also ends without a
 * newline (*end: all that is buffered) when the server closes, and, given quiet_ms, when nothing
 * arrives for quiet_ms after the last byte. */
static int receive_line(greet_client *c, size_t max, gp_deadline deadline, int greeting,
                        int quiet_ms, size_t *end)
{
    for (;;) {
        const unsigned char *nl = memchr(c->buf + c->start, '\n', c->len);
        gp_deadline wait = deadline;
        int rc, quiet;

        if (nl) {
            *end = (size_t)(nl - (c->buf + c->start)) + 1;
            return GREET_OK;
        }
        if (c->len > max) {
            return GREET_ETOOBIG;
        }
        if (quiet_ms > 0 && c->len > 0) {
            wait = gp_deadline_min(deadline, gp_deadline_in(quiet_ms));
        }
        rc = fill(c, wait);
        quiet = rc == GREET_ETIMEDOUT && wait != deadline && !gp_deadline_passed(deadline);
        if (greeting && (quiet || rc == GREET_ECLOSED) && c->len > 0) {
            *end = c->len;
            return GREET_OK;
        }
        if (rc != GREET_OK) {
            return rc;
        }
    }
}

/* ---- Greeting, replies, lines ------------------------------------------------------------- */

int greet_client_greeting(greet_client *c, int mode, void *buf, size_t size, size_t *got)
{
    size_t end = 0;
    int rc;

    *got = 0;
    if (size == 0 || (mode != GREET_MODE_RAW && mode != GREET_MODE_LINE)) {
        return GREET_EINVAL;
    }
    /* Without a newline (raw mode), the greeting is what has arrived when the line goes quiet:
     * the server says nothing more until it hears from the client. */
    rc = receive_line(c, size, c->greet_by, 1, mode == GREET_MODE_RAW ? GREET_GREETING_QUIET_MS : 0,
                      &end);
    if (rc == GREET_OK && end > size) {
        rc = GREET_ETOOBIG;
    }
    if (rc == GREET_OK) {
        take(c, buf, end);
        *got = end;
    }
    return rc;
}

int greet_client_recv(greet_client *c, void *buf, size_t size, size_t *got)
{
    size_t n;

    *got = 0;
    if (size == 0) {
        return GREET_EINVAL;
    }
    if (c->len == 0) {
        int rc = fill(c, gp_deadline_in(c->timeout_ms));
        if (rc != GREET_OK) {
            return rc;
        }
    }
    n = c->len < size ? c->len : size;
    take(c, buf, n);
    *got = n;
    return GREET_OK;
}

static int recv_line_by(greet_client *c, void *buf, size_t size, size_t *got, gp_deadline deadline)
{
    size_t end = 0, content;
    /* Room for the content and its "\r\n". */
    int rc = receive_line(c, size + 1, deadline, 0, 0, &end);

    *got = 0;
    if (rc != GREET_OK) {
        return rc;
    }
    content = end - 1;
    if (content > 0 && c->buf[c->start + content - 1] == '\r') {
        content--;
    }
    if (content > size) {
        take(c, NULL, end);
        return GREET_ETOOBIG;
    }
    take(c, buf, content);
    take(c, NULL, end - content);
    *got = content;
    return GREET_OK;
}

int greet_client_recv_line(greet_client *c, void *buf, size_t size, size_t *got)
{
    return recv_line_by(c, buf, size, got, gp_deadline_in(c->timeout_ms));
}

/* The byte at i of the reply to msg: "Hello " then msg. */
static unsigned char expected_at(const unsigned char *msg, size_t i)
{
    return i < HELLO_LEN ? (unsigned char)HELLO[i] : msg[i - HELLO_LEN];
}

/* Receives the raw-mode reply to msg, which is exactly "Hello " + msg: until that many bytes
 * arrived, or the first byte that differs (GREET_EPROTO, with what was already buffered). */
static int recv_reply_by(greet_client *c, const unsigned char *msg, size_t len, unsigned char *out,
                         size_t *got, gp_deadline deadline)
{
    size_t want = HELLO_LEN + len;

    while (*got < want) {
        size_t n, i;
        int rc = c->len > 0 ? GREET_OK : fill(c, deadline);

        if (rc != GREET_OK) {
            return rc;
        }
        n = c->len < want - *got ? c->len : want - *got;
        take(c, out + *got, n);
        for (i = *got; i < *got + n; i++) {
            if (out[i] != expected_at(msg, i)) {
                *got += n;
                return GREET_EPROTO;
            }
        }
        *got += n;
    }
    return GREET_OK;
}

static int send_by(greet_client *c, int mode, const void *msg, size_t len, gp_deadline deadline)
{
    unsigned char small[LINE_SEND_SMALL];
    unsigned char *line;
    int rc;

    if (mode == GREET_MODE_RAW) {
        /* Nothing to send would be nothing to receive: the reply would never come. */
        return len == 0 ? GREET_EINVAL : gp_sock_send_by(c->sock, msg, len, deadline);
    }
    line = len < sizeof small ? small : malloc(len + 1);
    if (!line) {
        return GREET_ENOMEM;
    }
    memcpy(line, msg, len);
    line[len] = '\n';
    rc = gp_sock_send_by(c->sock, line, len + 1, deadline);
    if (line != small) {
        free(line);
    }
    return rc;
}

int greet_client_send(greet_client *c, int mode, const void *msg, size_t len)
{
    return send_by(c, mode, msg, len, gp_deadline_in(c->timeout_ms));
}

int greet_client_exchange(greet_client *c, int mode, const void *msg, size_t len, void *reply,
                          size_t size, size_t *got)
{
    gp_deadline deadline = gp_deadline_in(c->timeout_ms);
    int rc;

    *got = 0;
    if (mode == GREET_MODE_RAW && (len > GREET_RAW_MESSAGE_MAX || size < HELLO_LEN + len)) {
        return GREET_EINVAL;
    }
    rc = send_by(c, mode, msg, len, deadline);
    if (rc != GREET_OK) {
        return rc;
    }
    if (mode == GREET_MODE_RAW) {
        return recv_reply_by(c, msg, len, reply, got, deadline);
    }
    return recv_line_by(c, reply, size, got, deadline);
}

void greet_client_close(greet_client *c)
{
    if (!c) {
        return;
    }
    gp_sock_close(c->sock);
    if (c->net_started) {
        gp_net_fini();
    }
    free(c->buf);
    free(c);
}
