/* The TLS contract (gp_tls.h) on OpenSSL 3: a socket BIO on the caller's socket in non-blocking
 * mode, every wait done by gp_sock_wait against the call's deadline, so a stalled peer can never
 * hold a call past its timeout. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include <openssl/err.h>
#include <openssl/opensslv.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#ifdef _WIN32
#include <winsock2.h>
#endif

#include "common/oserr.h"
#include "gp_tls.h"

static int record(int cert, int raw);

struct gp_tls_ctx {
    SSL_CTX *ssl_ctx;
};

struct gp_tls {
    SSL *ssl;
    gp_socket sock;
    int broken; /* a fatal error happened: no close_notify at close */
};

const char *gp_tls_backend(void)
{
    return OpenSSL_version(OPENSSL_VERSION);
}

/* Records OpenSSL's oldest queued error (the root cause) as the thread's TLS detail. A system
 * error inside OpenSSL (a file it could not open) is recorded as the errno it carries. */
static int tls_fail(void)
{
    unsigned long e = ERR_peek_error();

    ERR_clear_error();
    if (e == 0) {
        return GREET_ETLS;
    }
    if (ERR_SYSTEM_ERROR(e)) {
        return gp_oserr_set(GP_OSERR_ERRNO, ERR_GET_REASON(e));
    }
    /* OpenSSL 3 packs library and reason into 31 bits, so the code fits an int. */
    return record(0, (int)(e & INT_MAX));
}

static int load_trust(SSL_CTX *c, const char *ca_file)
{
    if (!ca_file) {
        return SSL_CTX_set_default_verify_paths(c) == 1 ? GREET_OK : tls_fail();
    }
    return SSL_CTX_load_verify_locations(c, ca_file, NULL) == 1 ? GREET_OK : tls_fail();
}

int gp_tls_ctx_create(const struct gp_tls_options *opts, gp_tls_ctx **out)
{
    gp_oserr_clear();
    gp_tls_ctx *ctx;
    int rc;

    *out = NULL;
    ctx = calloc(1, sizeof *ctx);
    if (!ctx) {
        return GREET_ENOMEM;
    }
    ERR_clear_error();
    ctx->ssl_ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx->ssl_ctx) {
        free(ctx);
        return tls_fail();
    }
    SSL_CTX_set_min_proto_version(ctx->ssl_ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx->ssl_ctx, opts->insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, NULL);
    rc = opts->insecure && !opts->ca_file ? GREET_OK : load_trust(ctx->ssl_ctx, opts->ca_file);
    if (rc != GREET_OK) {
        gp_tls_ctx_destroy(ctx);
        return rc;
    }
    *out = ctx;
    return GREET_OK;
}

void gp_tls_ctx_destroy(gp_tls_ctx *ctx)
{
    if (ctx) {
        SSL_CTX_free(ctx->ssl_ctx);
        free(ctx);
    }
}

/* Milliseconds left until deadline (0: none, wait forever -> -1). */
/* The socket error behind SSL_ERROR_SYSCALL, recorded; GREET_ECLOSED when there was none, which
 * is how OpenSSL reports a peer that closed the connection without close_notify. */
static int syscall_fail(void)
{
#ifdef _WIN32
    int raw = WSAGetLastError();
    int kind = GP_OSERR_SOCKET;
#else
    int raw = errno;
    int kind = GP_OSERR_ERRNO;
#endif
    if (ERR_peek_error() != 0) {
        return tls_fail();
    }
    if (raw == 0) {
        return GREET_ECLOSED;
    }
    return gp_oserr_set(kind, raw);
}

/* Handles a failed SSL call: waits when OpenSSL needs the socket ready (returns GREET_EAGAIN to
 * ask for a retry) and turns anything else into an error. */
static int after_failure(gp_tls *t, int ret, gp_deadline deadline)
{
    int err = SSL_get_error(t->ssl, ret);
    int rc;

    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        /* Checked before waiting: a peer that trickles bytes must not stretch the deadline. */
        if (gp_deadline_passed(deadline)) {
            return GREET_ETIMEDOUT;
        }
        rc = gp_sock_wait(t->sock, err == SSL_ERROR_WANT_READ ? GP_WAIT_READ : GP_WAIT_WRITE,
                          deadline);
        return rc == GREET_OK ? GREET_EAGAIN : rc;
    }
    t->broken = 1;
    if (err == SSL_ERROR_ZERO_RETURN) {
        return GREET_ECLOSED;
    }
    if (err == SSL_ERROR_SYSCALL) {
        return syscall_fail();
    }
    if (ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
        ERR_clear_error();
        return GREET_ECLOSED;
    }
    return tls_fail();
}

/* Sets what the peer's certificate must match: an IP literal against its IP addresses, a name
 * against its DNS names (and that name goes out as SNI). */
static int set_peer_name(SSL *ssl, const char *name)
{
    X509_VERIFY_PARAM *param = SSL_get0_param(ssl);

    if (X509_VERIFY_PARAM_set1_ip_asc(param, name) == 1) {
        return GREET_OK;
    }
    ERR_clear_error();
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (SSL_set_tlsext_host_name(ssl, name) != 1 || SSL_set1_host(ssl, name) != 1) {
        return tls_fail();
    }
    return GREET_OK;
}

static int session_new(gp_tls_ctx *ctx, gp_socket s, const char *server_name, gp_tls **out)
{
    gp_tls *t;
    BIO *bio;
    int rc;

    t = calloc(1, sizeof *t);
    if (!t) {
        return GREET_ENOMEM;
    }
    t->sock = s;
    t->ssl = SSL_new(ctx->ssl_ctx);
    /* OpenSSL keeps sockets in an int, also on Windows, where SOCKET values fit. */
    bio = t->ssl ? BIO_new_socket((int)s, BIO_NOCLOSE) : NULL;
    if (!bio) {
        rc = tls_fail();
        SSL_free(t->ssl);
        free(t);
        return rc;
    }
    SSL_set_bio(t->ssl, bio, bio);
    *out = t;
    return set_peer_name(t->ssl, server_name);
}

/* The verification result explains a failed handshake better than the alert that followed. */
static int handshake_fail(gp_tls *t, int rc)
{
    long verdict = SSL_get_verify_result(t->ssl);

    if (rc != GREET_ETIMEDOUT && verdict != X509_V_OK) {
        ERR_clear_error();
        return record(1, (int)verdict);
    }
    return rc == GREET_ECLOSED ? record(0, 0) : rc;
}

int gp_tls_connect(gp_tls_ctx *ctx, gp_socket s, const char *server_name, gp_deadline deadline,
                   gp_tls **out)
{
    gp_oserr_clear();
    gp_tls *t = NULL;
    int rc, ret;

    *out = NULL;
    ERR_clear_error();
    rc = session_new(ctx, s, server_name, &t);
    if (rc == GREET_OK) {
        rc = gp_sock_set_nonblocking(s, 1);
    }
    while (rc == GREET_OK) {
        ret = SSL_connect(t->ssl);
        if (ret == 1) {
            *out = t;
            return GREET_OK;
        }
        rc = after_failure(t, ret, deadline);
        if (rc == GREET_EAGAIN) {
            rc = GREET_OK;
        } else {
            rc = handshake_fail(t, rc);
        }
    }
    if (t) {
        t->broken = 1;
        gp_tls_close(t);
    }
    return rc;
}

int gp_tls_read(gp_tls *t, void *buf, size_t cap, size_t *got, gp_deadline deadline)
{
    gp_oserr_clear();
    int rc, ret;

    *got = 0;
    for (;;) {
        ERR_clear_error();
        ret = SSL_read_ex(t->ssl, buf, cap, got);
        if (ret == 1) {
            return GREET_OK;
        }
        *got = 0;
        if (SSL_get_error(t->ssl, ret) == SSL_ERROR_ZERO_RETURN) {
            return GREET_OK; /* close_notify: the clean end */
        }
        rc = after_failure(t, ret, deadline);
        if (rc != GREET_EAGAIN) {
            return rc;
        }
    }
}

int gp_tls_write_all(gp_tls *t, const void *buf, size_t len, gp_deadline deadline)
{
    gp_oserr_clear();
    const unsigned char *p = buf;
    size_t sent;
    int rc, ret;

    while (len > 0) {
        ERR_clear_error();
        ret = SSL_write_ex(t->ssl, p, len, &sent);
        if (ret == 1) {
            p += sent;
            len -= sent;
            continue;
        }
        rc = after_failure(t, ret, deadline);
        if (rc != GREET_EAGAIN) {
            return rc;
        }
    }
    return GREET_OK;
}

void gp_tls_close(gp_tls *t)
{
    if (!t) {
        return;
    }
    if (!t->broken) {
        /* One attempt: the non-blocking socket takes the alert unless its buffer is full. */
        (void)SSL_shutdown(t->ssl);
    }
    ERR_clear_error();
    SSL_free(t->ssl);
    free(t);
}

/* Why a certificate was rejected, in the words a user searches for. */
static const char *cert_reason(int verdict)
{
    switch (verdict) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CRL_HAS_EXPIRED:
        return "expired";
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return "not yet valid";
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        return "unknown issuer (self-signed)";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
        return "unknown issuer";
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
        return "name mismatch";
    case X509_V_ERR_CERT_REVOKED:
        return "revoked";
    default:
        return "rejected";
    }
}

static void describe(int cert, int raw, char *buf, size_t size)
{
    char text[256];

    if (size == 0) {
        return;
    }
    if (cert) {
        snprintf(buf, size, "%s: %s; X509_V_ERR %d", cert_reason(raw),
                 X509_verify_cert_error_string(raw), raw);
    } else if (raw == 0) {
        snprintf(buf, size, "the peer closed the connection during the TLS handshake");
    } else {
        ERR_error_string_n((unsigned long)raw, text, sizeof text);
        snprintf(buf, size, "%s", text);
    }
}

/* Records a TLS failure (cert: a rejected certificate) with its text, rendered now, because only
 * this backend can render it. Returns GREET_ECERT or GREET_ETLS. */
static int record(int cert, int raw)
{
    char text[256];

    describe(cert, raw, text, sizeof text);
    return gp_oserr_set_text(cert ? GREET_ECERT : GREET_ETLS, text);
}
