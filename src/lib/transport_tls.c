/* The TLS transport: a TLS session (gp_tls.h) over a plain TCP transport, with the same three
 * calls, so the HTTP engine does not know which one it talks over. */
#include <stdlib.h>
#include <string.h>

#include "gp_tls.h"
#include "transport.h"

struct tls_transport {
    struct gi_transport base; /* first, so a gi_transport * is a tls_transport * */
    struct gi_transport *tcp;
    gp_tls *tls;
};

static int tls_write(struct gi_transport *t, const void *buf, size_t len, gp_deadline deadline)
{
    int rc = gp_tls_write_all(((struct tls_transport *)t)->tls, buf, len, deadline);

    return rc != GREET_OK ? gp_failure_take(&t->fail, rc) : GREET_OK;
}

static int tls_read(struct gi_transport *t, void *buf, size_t cap, size_t *got,
                    gp_deadline deadline)
{
    int rc = GREET_ETIMEDOUT;

    *got = 0;
    if (!gp_deadline_passed(deadline)) {
        rc = gp_tls_read(((struct tls_transport *)t)->tls, buf, cap, got, deadline);
    }
    return rc != GREET_OK ? gp_failure_take(&t->fail, rc) : GREET_OK;
}

static void tls_close(struct gi_transport *t)
{
    struct tls_transport *tt = (struct tls_transport *)t;

    gp_tls_close(tt->tls);
    tt->tcp->ops->close(tt->tcp);
    free(tt);
}

static const struct gi_transport_ops tls_ops = {tls_write, tls_read, tls_close};

/* The name the certificate must carry: the host without an IPv6 zone ("fe80::1%eth0"), which
 * no certificate names. */
static void server_name(const char *host, char *buf, size_t size)
{
    size_t n = strcspn(host, "%");

    if (n >= size) {
        n = size - 1;
    }
    memcpy(buf, host, n);
    buf[n] = '\0';
}

int gi_transport_tls(struct gi_transport **conn, gp_tls_ctx *ctx, const char *host,
                     gp_deadline deadline)
{
    struct tls_transport *tt = calloc(1, sizeof *tt);
    char name[256];
    int rc;

    if (!tt) {
        return gp_failure_take(&(*conn)->fail, GREET_ENOMEM);
    }
    server_name(host, name, sizeof name);
    rc = gp_tls_connect(ctx, (*conn)->sock, name, deadline, &tt->tls);
    if (rc != GREET_OK) {
        gp_failure_take(&(*conn)->fail, rc);
        free(tt);
        return rc;
    }
    tt->base = **conn;
    tt->base.ops = &tls_ops;
    tt->tcp = *conn;
    *conn = &tt->base;
    return GREET_OK;
}
