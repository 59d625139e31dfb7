/* The TLS contract (gp_tls.h) for builds without a TLS library (GREET_TLS=off): every call fails
 * with GREET_EUNSUPPORTED, so https URLs get a clear "not supported in this build" error. */
#include "gp_tls.h"

const char *gp_tls_backend(void)
{
    return "none";
}

int gp_tls_ctx_create(const struct gp_tls_options *opts, gp_tls_ctx **out)
{
    gp_oserr_clear();
    (void)opts;
    *out = NULL;
    return GREET_EUNSUPPORTED;
}

void gp_tls_ctx_destroy(gp_tls_ctx *ctx)
{
    (void)ctx;
}

int gp_tls_connect(gp_tls_ctx *ctx, gp_socket s, const char *server_name, gp_deadline deadline,
                   gp_tls **out)
{
    gp_oserr_clear();
    (void)ctx;
    (void)s;
    (void)server_name;
    (void)deadline;
    *out = NULL;
    return GREET_EUNSUPPORTED;
}

int gp_tls_read(gp_tls *t, void *buf, size_t cap, size_t *got, gp_deadline deadline)
{
    gp_oserr_clear();
    (void)t;
    (void)buf;
    (void)cap;
    (void)deadline;
    *got = 0;
    return GREET_EUNSUPPORTED;
}

int gp_tls_write_all(gp_tls *t, const void *buf, size_t len, gp_deadline deadline)
{
    gp_oserr_clear();
    (void)t;
    (void)buf;
    (void)len;
    (void)deadline;
    return GREET_EUNSUPPORTED;
}

void gp_tls_close(gp_tls *t)
{
    (void)t;
}
