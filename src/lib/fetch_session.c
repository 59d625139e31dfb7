/* greet_fetch_session: the connections kept open between fetches, and the TLS settings they were
 * made with. A connection is taken out of the session for the whole of one exchange and put back
 * only when its response was complete and the server lets it stay open, so no two fetches ever
 * share one at the same time; the lock guards only the list, never a network wait. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch_int.h"
#include "http_token.h"

/* Idle connections kept at most (the oldest goes first), and how long one may stay idle: servers
 * drop idle connections after a while (nginx after 75 s, Apache after 5 s); a connection older
 * than this is closed rather than tried. */
#define IDLE_MAX 64
#define IDLE_MS  60000
/* TLS settings kept at most: one per CA file and insecure flag in use (usually one). */
#define TLS_MAX 4

struct idle {
    struct gi_transport *conn;
    char key[GI_SESSION_KEY_MAX];
    uint64_t since; /* gp_clock_ms() when it was put back */
};

struct tls_entry {
    char *ca_file; /* NULL: the system's CAs */
    int insecure;
    gp_tls_ctx *ctx;
};

struct greet_fetch_session {
    gp_mutex *lock;
    struct idle idle[IDLE_MAX];
    size_t idle_count;
    struct tls_entry tls[TLS_MAX];
    size_t tls_count;
};

int greet_fetch_session_new(greet_fetch_session **out)
{
    greet_fetch_session *s;
    int rc;

    if (!out) {
        return GREET_EINVAL;
    }
    *out = NULL;
    s = calloc(1, sizeof *s);
    if (!s) {
        return GREET_ENOMEM;
    }
    /* The session's sockets must outlive every fetch's own gp_net_init/gp_net_fini pair. */
    rc = gp_net_init();
    if (rc != GREET_OK) {
        free(s);
        return rc;
    }
    rc = gp_mutex_create(&s->lock);
    if (rc != GREET_OK) {
        gp_net_fini();
        free(s);
        return rc;
    }
    *out = s;
    return GREET_OK;
}

void greet_fetch_session_free(greet_fetch_session *s)
{
    size_t i;

    if (!s) {
        return;
    }
    for (i = 0; i < s->idle_count; i++) {
        s->idle[i].conn->ops->close(s->idle[i].conn);
    }
    for (i = 0; i < s->tls_count; i++) {
        gp_tls_ctx_destroy(s->tls[i].ctx);
        free(s->tls[i].ca_file);
    }
    gp_mutex_destroy(s->lock);
    gp_net_fini();
    free(s);
}

int gi_session_key(const greet_url *url, const struct greet_fetch_options *opt,
                   const struct gi_proxy *proxy, char *key, size_t size)
{
    size_t i, len;
    int n = snprintf(key, size, "%s://%s:%u family=%d", url->scheme, url->host, (unsigned)url->port,
                     opt->family);

    if (n < 0 || (size_t)n >= size) {
        return GREET_ETOOBIG;
    }
    /* Host names are case-insensitive: one spelling per origin. */
    for (i = strlen(url->scheme) + 3; i < (size_t)n && key[i] != ':'; i++) {
        if (key[i] >= 'A' && key[i] <= 'Z') {
            key[i] = (char)(key[i] - 'A' + 'a');
        }
    }
    len = (size_t)n;
    if (strcmp(url->scheme, "https") == 0) {
        /* A connection is only as trusted as the settings it was checked with. */
        n = snprintf(key + len, size - len, " insecure=%d ca=%s", opt->insecure,
                     opt->ca_file ? opt->ca_file : "");
        if (n < 0 || (size_t)n >= size - len) {
            return GREET_ETOOBIG;
        }
        len += (size_t)n;
    }
    if (proxy) {
        /* A connection to a proxy serves only what goes through it, as the same user. */
        n = snprintf(key + len, size - len, " proxy=%s://%s %s", gi_proxy_scheme(proxy->kind),
                     proxy->authority, proxy->authorization);
        if (n < 0 || (size_t)n >= size - len) {
            return GREET_ETOOBIG;
        }
    }
    return GREET_OK;
}

int gi_session_take(greet_fetch_session *s, const char *key, struct gi_transport **out)
{
    struct gi_transport *stale[IDLE_MAX];
    size_t n_stale = 0, i = 0;
    uint64_t now = gp_clock_ms();

    *out = NULL;
    gp_mutex_lock(s->lock);
    while (i < s->idle_count) {
        struct idle *e = &s->idle[i];
        int old = now - e->since > IDLE_MS;
        if (old || (!*out && strcmp(e->key, key) == 0)) {
            if (old) {
                stale[n_stale++] = e->conn;
            } else {
                *out = e->conn; /* the most recently used ones sit at the end: fine either way */
            }
            memmove(e, e + 1, (s->idle_count - i - 1) * sizeof *e);
            s->idle_count--;
        } else {
            i++;
        }
    }
    gp_mutex_unlock(s->lock);
    for (i = 0; i < n_stale; i++) {
        stale[i]->ops->close(stale[i]);
    }
    return *out ? GREET_OK : GREET_ENOENT;
}

void gi_session_put(greet_fetch_session *s, const char *key, struct gi_transport *conn)
{
    struct gi_transport *oldest = NULL;
    struct idle *e;

    gp_mutex_lock(s->lock);
    if (s->idle_count == IDLE_MAX) {
        oldest = s->idle[0].conn;
        memmove(&s->idle[0], &s->idle[1], (IDLE_MAX - 1) * sizeof s->idle[0]);
        s->idle_count--;
    }
    e = &s->idle[s->idle_count++];
    e->conn = conn;
    snprintf(e->key, sizeof e->key, "%s", key);
    e->since = gp_clock_ms();
    gp_mutex_unlock(s->lock);
    if (oldest) {
        oldest->ops->close(oldest);
    }
}

static int same_ca(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int gi_session_tls(greet_fetch_session *s, const struct gp_tls_options *o, gp_tls_ctx **out)
{
    struct tls_entry *e;
    size_t i;
    int rc = GREET_OK;

    gp_mutex_lock(s->lock);
    for (i = 0; i < s->tls_count; i++) {
        if (s->tls[i].insecure == o->insecure && same_ca(s->tls[i].ca_file, o->ca_file)) {
            *out = s->tls[i].ctx;
            gp_mutex_unlock(s->lock);
            return GREET_OK;
        }
    }
    if (s->tls_count == TLS_MAX) {
        rc = GREET_ENOENT; /* the caller makes one of its own, for this fetch only */
    } else {
        e = &s->tls[s->tls_count];
        e->insecure = o->insecure;
        e->ca_file = o->ca_file ? malloc(strlen(o->ca_file) + 1) : NULL;
        rc = o->ca_file && !e->ca_file ? GREET_ENOMEM : gp_tls_ctx_create(o, &e->ctx);
        if (rc == GREET_OK) {
            if (e->ca_file) {
                memcpy(e->ca_file, o->ca_file, strlen(o->ca_file) + 1);
            }
            *out = e->ctx;
            s->tls_count++;
        } else {
            free(e->ca_file);
            e->ca_file = NULL;
        }
    }
    gp_mutex_unlock(s->lock);
    return rc;
}

/* Whether the comma-separated list value[0..len) holds token (case-insensitive). */
static int has_token(const char *value, size_t len, const char *token)
{
    size_t i = 0;

    while (i < len) {
        size_t start, end;
        while (i < len && (value[i] == ' ' || value[i] == '\t' || value[i] == ',')) {
            i++;
        }
        start = i;
        while (i < len && value[i] != ',') {
            i++;
        }
        end = i;
        while (end > start &&
               (value[end - 1] == ' ' || value[end - 1] == '\t' || value[end - 1] == '\r')) {
            end--;
        }
        if (end > start && gi_http_same_name(value + start, end - start, token)) {
            return 1;
        }
    }
    return 0;
}

/* Whether a field called name in the raw head (or one "Name: value" line) lists token. */
static int head_has(const char *head, size_t len, const char *name, const char *token)
{
    size_t at = 0, nlen = strlen(name);

    while (at < len) {
        const char *line = head + at;
        const char *eol = memchr(line, '\n', len - at);
        size_t llen = eol ? (size_t)(eol - line) : len - at;
        if (llen > nlen && line[nlen] == ':' && gi_http_same_name(line, nlen, name) &&
            has_token(line + nlen + 1, llen - nlen - 1, token)) {
            return 1;
        }
        at += llen + 1;
    }
    return 0;
}

int gi_head_keeps_open(int version_minor, const char *head, size_t len)
{
    if (head_has(head, len, "connection", "close")) {
        return 0;
    }
    /* HTTP/1.0 closes unless it says otherwise (RFC 9112 section 9.3). */
    return version_minor >= 1 || head_has(head, len, "connection", "keep-alive");
}

int gi_request_asks_close(const struct greet_fetch_options *opt)
{
    size_t i;

    for (i = 0; i < opt->header_count; i++) {
        const char *f = opt->headers[i];
        size_t flen = strlen(f);
        if (head_has(f, flen, "connection", "close")) {
            return 1;
        }
    }
    return 0;
}
