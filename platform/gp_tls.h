/*
 * The TLS contract: a client-side TLS stream over a connected gp_socket. Exactly one backend is
 * compiled, picked by CMake's GREET_TLS option: platform/tls/openssl.c (OpenSSL 3),
 * platform/tls/schannel.c (Windows SChannel) or platform/tls/none.c (every call fails with
 * GREET_EUNSUPPORTED), so src/ never knows which one it talks to.
 *
 * Conventions are gp.h's: 0 or a negative greet_err. A failure records its detail for the calling
 * thread, for the caller to take (gp_failure_take) and say why: a rejected certificate GREET_ECERT,
 * with a detail that starts with the reason (expired, unknown issuer, name mismatch), any other TLS
 * failure GREET_ETLS with the library's text, a socket failure the socket's own error. The backend
 * renders its text when it records the failure (common/oserr.h), so the error record needs nothing
 * from it. The caller must have called gp_net_init (no SIGPIPE, Winsock started).
 */
#ifndef GREET_PLATFORM_GP_TLS_H
#define GREET_PLATFORM_GP_TLS_H

#include <stddef.h>

#include "gp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Client settings, shared by every connection made from one context. Secure by default: a
 * zeroed struct verifies the peer against the system's trusted roots and requires TLS 1.2+. */
struct gp_tls_options {
    const char *ca_file; /* PEM bundle of CAs to trust instead of the system store; NULL: system */
    int insecure;        /* non-zero: skip the chain and host name checks (still encrypted) */
};

typedef struct gp_tls_ctx gp_tls_ctx; /* client settings and loaded trust anchors */
typedef struct gp_tls gp_tls;         /* one TLS session over one socket */

/* The backend's name and version for `greet --version`: "OpenSSL 3.0.11", "SChannel", "none". */
const char *gp_tls_backend(void);

/* Creates a client context. A ca_file that cannot be read or holds no certificate fails here
 * (GREET_ENOENT, or GREET_ETLS with the library's reason), not at the first handshake. */
int gp_tls_ctx_create(const struct gp_tls_options *opts, gp_tls_ctx **out);
void gp_tls_ctx_destroy(gp_tls_ctx *ctx);

/* Runs the client handshake on s, a connected socket, before deadline (GP_DEADLINE_NONE: no
 * limit).
 * server_name is the URL's host without brackets: a DNS name is sent as SNI and checked against
 * the certificate's DNS names; an IP literal ("127.0.0.1", "::1") is not sent and is checked
 * against the certificate's IP addresses. s is put in non-blocking mode, stays owned by the
 * caller and must stay open until gp_tls_close. */
int gp_tls_connect(gp_tls_ctx *ctx, gp_socket s, const char *server_name, gp_deadline deadline,
                   gp_tls **out);

/* Reads at most cap decrypted bytes, waiting until deadline (GP_DEADLINE_NONE: forever) for some.
 * GREET_OK with *got > 0: data; GREET_OK with *got == 0: the peer ended the session cleanly
 * (close_notify). GREET_ECLOSED: the connection ended WITHOUT close_notify, so what came before
 * may have been cut short; the caller decides (an HTTP body of known, complete length is fine).
 * GREET_ETIMEDOUT when the deadline passed without data. */
int gp_tls_read(gp_tls *t, void *buf, size_t cap, size_t *got, gp_deadline deadline);

/* Encrypts and sends all len bytes before deadline (GP_DEADLINE_NONE: no limit). */
int gp_tls_write_all(gp_tls *t, const void *buf, size_t len, gp_deadline deadline);

/* Sends close_notify if the session is still healthy (best effort, without waiting for the
 * peer's) and frees t. The socket is left open for the caller to close. NULL is a no-op. */
void gp_tls_close(gp_tls *t);

#ifdef __cplusplus
}
#endif

#endif
