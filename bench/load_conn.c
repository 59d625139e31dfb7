/* One connection's protocol state: what to send next and whether the bytes received are exactly
 * the greeting or reply that is due. Shared by every engine. */
#include <stdio.h>
#include <string.h>

#include "load.h"

static void expect_bytes(struct load_conn *c, const char *bytes, size_t len)
{
    memcpy(c->expect, bytes, len);
    c->expect_len = len;
    c->matched = 0;
}

void load_conn_init(struct load_conn *c, const struct load_cfg *cfg, unsigned id)
{
    memset(c, 0, sizeof *c);
    c->cfg = cfg;
    c->id = id;
    c->state = LC_GREETING;
    expect_bytes(c, cfg->greeting, cfg->greeting_len);
}

void load_conn_fail(struct load_conn *c, int kind)
{
    c->state = LC_FAILED;
    c->fail = kind;
}

int load_conn_feed(struct load_conn *c, const char *data, size_t n)
{
    size_t due = c->expect_len - c->matched;
    int kind = c->state == LC_GREETING ? LOAD_FAIL_GREETING : LOAD_FAIL_REPLY;

    if (c->state != LC_GREETING && c->state != LC_REPLY) {
        /* Nothing is due (ready, or exit sent): any byte is one the server should not send. */
        c->why = "bytes when none were due";
        load_conn_fail(c, LOAD_FAIL_REPLY);
        return LOAD_FEED_FAILED;
    }
    /* More than is due is also wrong: one message is in flight at a time, so the extra bytes
     * can only be a line ending or a reply the server invented. */
    if (n > due || memcmp(data, c->expect + c->matched, n) != 0) {
        size_t same = 0;
        while (same < n && same < due && data[same] == c->expect[c->matched + same]) {
            same++;
        }
        c->matched += same;
        c->why = same == due ? "more bytes than expected" : "a byte differs";
        load_conn_fail(c, kind);
        return LOAD_FEED_FAILED;
    }
    c->matched += n;
    if (c->matched < c->expect_len) {
        return LOAD_FEED_MORE;
    }
    c->state = LC_READY;
    return LOAD_FEED_COMPLETE;
}

void load_conn_eof(struct load_conn *c)
{
    if (c->state == LC_CLOSING) {
        c->state = LC_DONE;
    } else if (c->state != LC_FAILED) {
        load_conn_fail(c, LOAD_FAIL_EOF);
    }
}

/* "m<id>.<seq>." padded with 'x' (or cut) to the body size: unique per connection and round
 * trip, so a reply meant for another message never passes. Never contains a newline, never equals
 * "exit". */
static size_t make_body(const struct load_conn *c, char *out, size_t size)
{
    char tag[48];
    int n = snprintf(tag, sizeof tag, "m%u.%llu.", c->id, (unsigned long long)c->seq);
    size_t len = n > 0 ? (size_t)n : 0;

    if (len > size) {
        len = size;
    }
    memcpy(out, tag, len);
    memset(out + len, 'x', size - len);
    return size;
}

void load_conn_next(struct load_conn *c, uint64_t now_us)
{
    int line = c->cfg->mode == LOAD_LINE;
    size_t body = (size_t)c->cfg->msg_size - (line ? 1 : 0);

    c->seq++;
    c->out_len = make_body(c, c->out, body);
    if (line) {
        c->out[c->out_len++] = '\n';
    }
    /* The reply is "Hello " and the message as sent: raw mode echoes the receive as it came,
     * line mode strips the newline and adds one back. */
    memcpy(c->expect, "Hello ", 6);
    memcpy(c->expect + 6, c->out, c->out_len);
    c->expect_len = 6 + c->out_len;
    c->matched = 0;
    c->sent_us = now_us;
    c->state = LC_REPLY;
}

void load_conn_exit(struct load_conn *c)
{
    const char *text = c->cfg->mode == LOAD_LINE ? "exit\n" : "exit";

    c->out_len = strlen(text);
    memcpy(c->out, text, c->out_len);
    c->expect_len = 0;
    c->matched = 0;
    c->state = LC_CLOSING;
}
