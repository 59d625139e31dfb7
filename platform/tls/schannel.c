/* The TLS contract (gp_tls.h) on Windows SChannel through SSPI: InitializeSecurityContext for
 * the handshake, EncryptMessage/DecryptMessage for the records, our own socket I/O through gp.h
 * (so every wait is bounded by the call's deadline). The certificate is checked by us after the
 * handshake (SCH_CRED_MANUAL_CRED_VALIDATION), with CertGetCertificateChain and the SSL policy:
 * that is what lets --cacert use a chain engine whose only roots are the given file's
 * certificates (hExclusiveRoot), and lets every failure name its reason. Revocation is not
 * checked, as in the OpenSSL backend. TLS 1.3 and 1.2 are offered through SCH_CREDENTIALS where
 * the system takes it (Windows 10 1809 and later; 1.3 itself on Windows 11 and Server 2022),
 * TLS 1.2 alone through the older SCHANNEL_CRED elsewhere. TLS 1.3's post-handshake messages
 * (session tickets, key updates) reach DecryptMessage as SEC_I_RENEGOTIATE and go back through
 * the handshake; a server asking for an optional client certificate gets none
 * (SEC_I_INCOMPLETE_CREDENTIALS). */
#define SECURITY_WIN32
#define SCHANNEL_USE_BLACKLISTS /* SCH_CREDENTIALS and TLS_PARAMETERS */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <wincrypt.h>
#include <subauth.h> /* UNICODE_STRING, which SCH_CREDENTIALS uses */
#include <schannel.h>
#include <security.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/oserr.h"
#include "gp_tls.h"

#define TLS_IN_CAP        65536 /* encrypted bytes buffered: a few records, and handshake flights */
#define TLS_CONTENT_ALERT 0x15  /* TLS record type of alerts, close_notify among them */

static int record(int cert, int raw);

struct gp_tls_ctx {
    CredHandle cred;
    HCERTSTORE roots;        /* --cacert's certificates, or NULL for the system store */
    HCERTCHAINENGINE engine; /* trusts only roots; NULL: the default engine */
    int insecure;
};

struct gp_tls {
    gp_tls_ctx *ctx;
    CtxtHandle handle;
    int have_handle;
    gp_socket sock;
    SecPkgContext_StreamSizes sizes;
    unsigned char *in; /* TLS_IN_CAP bytes: encrypted data at in[in_start, in_start + in_len) */
    size_t in_start, in_len;
    unsigned char *plain; /* decrypted bytes not yet returned (inside in) */
    size_t plain_len;
    size_t extra_start, extra_len; /* encrypted bytes after the record just decrypted */
    unsigned char *out;            /* header + one record + trailer */
    int peer_closed;               /* close_notify received */
    int broken;                    /* a fatal error: no close_notify at close */
    int awaiting_peer;             /* mid-handshake, our flight sent: the peer's comes next */
    DWORD isc_flags;               /* isc_flags, plus USE_SUPPLIED_CREDS once asked for a cert */
    WCHAR *target;                 /* the server name for SNI, NULL for an IP literal */
};

static const DWORD isc_flags = ISC_REQ_SEQUENCE_DETECT | ISC_REQ_REPLAY_DETECT |
                               ISC_REQ_CONFIDENTIALITY | ISC_REQ_ALLOCATE_MEMORY | ISC_REQ_STREAM |
                               ISC_REQ_EXTENDED_ERROR;

/* DecryptMessage's SEC_I_RENEGOTIATE: handshake messages after the handshake (TLS 1.3). */
#define TLS_POST_HANDSHAKE 1

const char *gp_tls_backend(void)
{
    return "SChannel";
}

/* SSPI buffers are filled field by field, never with initialisers: older cl rejects aggregate
 * initialisers with non-constant values (C4204) or local addresses (C4221). */
static void set_buffer(SecBuffer *b, unsigned long type, unsigned long len, void *data)
{
    b->BufferType = type;
    b->cbBuffer = len;
    b->pvBuffer = data;
}

static void set_desc(SecBufferDesc *desc, SecBuffer *b, unsigned long n)
{
    desc->ulVersion = SECBUFFER_VERSION;
    desc->cBuffers = n;
    desc->pBuffers = b;
}

static int tls_status(SECURITY_STATUS status)
{
    return record(0, (int)status);
}

/* ---- Trust anchors from a PEM file ---------------------------------------------------------- */

static int read_file(const char *path, char **text)
{
    int err = GREET_OK;
    FILE *f = gp_fopen(path, "rb", &err);
    size_t len = 0, n;
    char *buf = NULL, *grown;

    if (!f) {
        return err;
    }
    do {
        grown = realloc(buf, len + 65536 + 1);
        if (!grown) {
            free(buf);
            fclose(f);
            return GREET_ENOMEM;
        }
        buf = grown;
        n = fread(buf + len, 1, 65536, f);
        len += n;
    } while (n > 0 && len < 16 * 1024 * 1024);
    fclose(f);
    buf[len] = '\0';
    *text = buf;
    return GREET_OK;
}

/* Adds every "-----BEGIN CERTIFICATE-----" block of text to store; returns how many. */
static int add_pem_certs(HCERTSTORE store, const char *text)
{
    static const char end_mark[] = "-----END CERTIFICATE-----";
    const char *begin = text, *end;
    BYTE der[16384];
    DWORD len;
    int count = 0;

    while ((begin = strstr(begin, "-----BEGIN CERTIFICATE-----")) != NULL &&
           (end = strstr(begin, end_mark)) != NULL) {
        end += sizeof end_mark - 1;
        len = sizeof der;
        if (CryptStringToBinaryA(begin, (DWORD)(end - begin), CRYPT_STRING_BASE64HEADER, der, &len,
                                 NULL, NULL) &&
            CertAddEncodedCertificateToStore(store, X509_ASN_ENCODING, der, len,
                                             CERT_STORE_ADD_ALWAYS, NULL)) {
            count++;
        }
        begin = end;
    }
    return count;
}

static int load_roots(gp_tls_ctx *ctx, const char *ca_file)
{
    CERT_CHAIN_ENGINE_CONFIG config;
    char *text = NULL;
    int rc, count;

    rc = read_file(ca_file, &text);
    if (rc != GREET_OK) {
        return rc;
    }
    ctx->roots = CertOpenStore(CERT_STORE_PROV_MEMORY, 0, 0, 0, NULL);
    count = ctx->roots ? add_pem_certs(ctx->roots, text) : 0;
    free(text);
    if (count == 0) {
        return record(0, (int)CRYPT_E_NOT_FOUND);
    }
    memset(&config, 0, sizeof config);
    config.cbSize = sizeof config;
    config.hExclusiveRoot = ctx->roots;
    if (!CertCreateCertificateChainEngine(&config, &ctx->engine)) {
        return gp_oserr_set(GP_OSERR_WIN32, (int)GetLastError());
    }
    return GREET_OK;
}

#define CRED_FLAGS (SCH_CRED_MANUAL_CRED_VALIDATION | SCH_CRED_NO_DEFAULT_CREDS)

/* TLS 1.3 and 1.2 through SCH_CREDENTIALS (Windows 10 1809 and later): everything older than
 * TLS 1.2 is disabled, and the system enables 1.3 where it has it. */
static SECURITY_STATUS acquire_modern(CredHandle *cred)
{
    SCH_CREDENTIALS sch;
    TLS_PARAMETERS params;

    memset(&sch, 0, sizeof sch);
    memset(&params, 0, sizeof params);
    params.grbitDisabledProtocols = (DWORD) ~(SP_PROT_TLS1_2_CLIENT | SP_PROT_TLS1_3_CLIENT);
    sch.dwVersion = SCH_CREDENTIALS_VERSION;
    sch.dwFlags = CRED_FLAGS;
    sch.cTlsParameters = 1;
    sch.pTlsParameters = &params;
    return AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)UNISP_NAME_W, SECPKG_CRED_OUTBOUND, NULL,
                                     &sch, NULL, NULL, cred, NULL);
}

/* TLS 1.2 through SCHANNEL_CRED, which every supported Windows takes. */
static SECURITY_STATUS acquire_legacy(CredHandle *cred)
{
    SCHANNEL_CRED sc;

    memset(&sc, 0, sizeof sc);
    sc.dwVersion = SCHANNEL_CRED_VERSION;
    sc.grbitEnabledProtocols = SP_PROT_TLS1_2_CLIENT;
    sc.dwFlags = CRED_FLAGS;
    return AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)UNISP_NAME_W, SECPKG_CRED_OUTBOUND, NULL,
                                     &sc, NULL, NULL, cred, NULL);
}

int gp_tls_ctx_create(const struct gp_tls_options *opts, gp_tls_ctx **out)
{
    gp_oserr_clear();
    SECURITY_STATUS status;
    gp_tls_ctx *ctx;
    int rc = GREET_OK;

    *out = NULL;
    ctx = calloc(1, sizeof *ctx);
    if (!ctx) {
        return GREET_ENOMEM;
    }
    ctx->insecure = opts->insecure;
    /* A system that predates SCH_CREDENTIALS refuses the structure: TLS 1.2 the old way. */
    status = acquire_modern(&ctx->cred);
    if (status != SEC_E_OK) {
        status = acquire_legacy(&ctx->cred);
    }
    if (status != SEC_E_OK) {
        free(ctx);
        return tls_status(status);
    }
    if (opts->ca_file) {
        rc = load_roots(ctx, opts->ca_file);
    }
    if (rc != GREET_OK) {
        gp_tls_ctx_destroy(ctx);
        return rc;
    }
    *out = ctx;
    return GREET_OK;
}

void gp_tls_ctx_destroy(gp_tls_ctx *ctx)
{
    if (!ctx) {
        return;
    }
    if (ctx->engine) {
        CertFreeCertificateChainEngine(ctx->engine);
    }
    if (ctx->roots) {
        CertCloseStore(ctx->roots, 0);
    }
    FreeCredentialsHandle(&ctx->cred);
    free(ctx);
}

/* ---- Socket I/O bounded by a deadline ------------------------------------------------------- */

/* Appends what the socket has to the encrypted buffer; GREET_ECLOSED at the end of the stream. */
static int receive_more(gp_tls *t, gp_deadline deadline)
{
    size_t got = 0;
    int rc;

    if (t->in_start > 0) {
        memmove(t->in, t->in + t->in_start, t->in_len);
        t->in_start = 0;
    }
    if (t->in_len == TLS_IN_CAP) {
        return record(0, (int)SEC_E_INVALID_TOKEN);
    }
    /* Checked before waiting: a peer that trickles bytes must not stretch the deadline. */
    if (gp_deadline_passed(deadline)) {
        return GREET_ETIMEDOUT;
    }
    rc = gp_sock_wait(t->sock, GP_WAIT_READ, deadline);
    if (rc == GREET_OK) {
        rc = gp_sock_recv(t->sock, t->in + t->in_len, TLS_IN_CAP - t->in_len, &got);
    }
    if (rc == GREET_OK && got == 0) {
        return GREET_ECLOSED;
    }
    t->in_len += got;
    return rc;
}

static int send_token(gp_tls *t, SecBuffer *token, gp_deadline deadline)
{
    int rc = GREET_OK;

    if (token->pvBuffer) {
        if (token->cbBuffer > 0) {
            rc = gp_sock_send_by(t->sock, token->pvBuffer, token->cbBuffer, deadline);
        }
        FreeContextBuffer(token->pvBuffer);
        token->pvBuffer = NULL;
    }
    return rc;
}

/* ---- Handshake ----------------------------------------------------------------------------- */

static SECURITY_STATUS handshake_step(gp_tls *t, const WCHAR *target, SecBuffer *token)
{
    SecBuffer in[2];
    SecBufferDesc in_desc, out_desc;
    SECURITY_STATUS status;
    ULONG attrs = 0;

    set_buffer(token, SECBUFFER_TOKEN, 0, NULL);
    set_desc(&out_desc, token, 1);
    if (!t->have_handle) {
        status = InitializeSecurityContextW(&t->ctx->cred, NULL, (SEC_WCHAR *)target, t->isc_flags,
                                            0, 0, NULL, 0, &t->handle, &out_desc, &attrs, NULL);
        t->have_handle = status == SEC_I_CONTINUE_NEEDED || status == SEC_E_OK;
        return status;
    }
    set_buffer(&in[0], SECBUFFER_TOKEN, (unsigned long)t->in_len, t->in + t->in_start);
    set_buffer(&in[1], SECBUFFER_EMPTY, 0, NULL);
    set_desc(&in_desc, in, 2);
    status =
        InitializeSecurityContextW(&t->ctx->cred, &t->handle, (SEC_WCHAR *)target, t->isc_flags, 0,
                                   0, &in_desc, 0, NULL, &out_desc, &attrs, NULL);
    /* Nothing consumed: the same bytes go in again, with more (or without a certificate). */
    if (status == SEC_E_INCOMPLETE_MESSAGE || status == SEC_I_INCOMPLETE_CREDENTIALS) {
        return status;
    }
    /* What SChannel did not consume (the start of the next record) stays buffered. */
    if (in[1].BufferType == SECBUFFER_EXTRA && in[1].cbBuffer <= t->in_len) {
        t->in_start += t->in_len - in[1].cbBuffer;
        t->in_len = in[1].cbBuffer;
    } else {
        t->in_start = 0;
        t->in_len = 0;
    }
    return status;
}

static int handshake(gp_tls *t, const WCHAR *target, gp_deadline deadline)
{
    SecBuffer token;
    SECURITY_STATUS status;
    int rc;

    for (;;) {
        status = handshake_step(t, target, &token);
        /* Also on failure: with ISC_REQ_EXTENDED_ERROR the token is the alert for the peer. */
        rc = send_token(t, &token, deadline);
        if (status == SEC_E_OK) {
            t->awaiting_peer = 0;
            return rc;
        }
        /* The server asks for a client certificate, which may be optional: go on without one,
         * as browsers do (SCH_CRED_NO_DEFAULT_CREDS sends none); asked again, it is an error. */
        if (status == SEC_I_INCOMPLETE_CREDENTIALS &&
            !(t->isc_flags & ISC_REQ_USE_SUPPLIED_CREDS)) {
            t->isc_flags |= ISC_REQ_USE_SUPPLIED_CREDS;
            continue;
        }
        /* Failures, a second certificate request, and the peer closing mid-handshake. */
        if ((FAILED(status) && status != SEC_E_INCOMPLETE_MESSAGE) ||
            status == SEC_I_INCOMPLETE_CREDENTIALS || status == SEC_I_CONTEXT_EXPIRED) {
            return tls_status(status);
        }
        if (rc != GREET_OK) {
            return rc;
        }
        if (status == SEC_I_CONTINUE_NEEDED) {
            t->awaiting_peer = 1;
        }
        if (status == SEC_E_INCOMPLETE_MESSAGE || t->in_len == 0) {
            rc = receive_more(t, deadline);
            if (rc == GREET_ECLOSED) {
                return record(0, 0);
            }
            if (rc != GREET_OK) {
                return rc;
            }
        }
    }
}

/* ---- Certificate checks -------------------------------------------------------------------- */

/* Compares addr (4 or 16 bytes) with the certificate's IP address entries. */
static int cert_has_ip(PCCERT_CONTEXT cert, const BYTE *addr, DWORD len)
{
    PCERT_EXTENSION ext;
    CERT_ALT_NAME_INFO *names = NULL;
    DWORD size = 0, i;
    int found = 0;

    ext = CertFindExtension(szOID_SUBJECT_ALT_NAME2, cert->pCertInfo->cExtension,
                            cert->pCertInfo->rgExtension);
    if (!ext ||
        !CryptDecodeObjectEx(X509_ASN_ENCODING, X509_ALTERNATE_NAME, ext->Value.pbData,
                             ext->Value.cbData, CRYPT_DECODE_ALLOC_FLAG, NULL, &names, &size)) {
        return 0;
    }
    for (i = 0; i < names->cAltEntry && !found; i++) {
        const CERT_ALT_NAME_ENTRY *e = &names->rgAltEntry[i];
        found = e->dwAltNameChoice == CERT_ALT_NAME_IP_ADDRESS && e->IPAddress.cbData == len &&
                memcmp(e->IPAddress.pbData, addr, len) == 0;
    }
    LocalFree(names);
    return found;
}

/* Parses an IP literal into addr; returns its length (4 or 16), 0 for a host name. */
static DWORD parse_ip(const char *name, BYTE addr[16])
{
    if (inet_pton(AF_INET, name, addr) == 1) {
        return 4;
    }
    return inet_pton(AF_INET6, name, addr) == 1 ? 16 : 0;
}

/* The chain's own verdict. The SSL policy already says no on Windows; Wine's policy lets a
 * chain that reaches no root at all (CERT_TRUST_IS_PARTIAL_CHAIN) pass, so we look ourselves. */
static DWORD chain_error(DWORD status)
{
    if (status & CERT_TRUST_IS_NOT_TIME_VALID) {
        return (DWORD)CERT_E_EXPIRED;
    }
    if (status & CERT_TRUST_IS_PARTIAL_CHAIN) {
        return (DWORD)CERT_E_CHAINING;
    }
    if (status & CERT_TRUST_IS_UNTRUSTED_ROOT) {
        return (DWORD)CERT_E_UNTRUSTEDROOT;
    }
    if (status & CERT_TRUST_IS_NOT_VALID_FOR_USAGE) {
        return (DWORD)CERT_E_WRONG_USAGE;
    }
    return status == CERT_TRUST_NO_ERROR ? 0 : (DWORD)TRUST_E_FAIL;
}

/* Chain to a trusted root (the engine's), valid dates, server-auth usage, and the name (Windows'
 * SSL policy for DNS names; our own comparison for IP literals, which the policy may not do). */
static DWORD check_chain(gp_tls *t, PCCERT_CONTEXT cert, WCHAR *dns_name)
{
    static LPSTR server_auth[] = {(LPSTR)szOID_PKIX_KP_SERVER_AUTH};
    CERT_CHAIN_PARA para;
    PCCERT_CHAIN_CONTEXT chain = NULL;
    SSL_EXTRA_CERT_CHAIN_POLICY_PARA ssl;
    CERT_CHAIN_POLICY_PARA policy;
    CERT_CHAIN_POLICY_STATUS status;

    memset(&para, 0, sizeof para);
    para.cbSize = sizeof para;
    para.RequestedUsage.dwType = USAGE_MATCH_TYPE_AND;
    para.RequestedUsage.Usage.cUsageIdentifier = 1;
    para.RequestedUsage.Usage.rgpszUsageIdentifier = server_auth;
    if (!CertGetCertificateChain(t->ctx->engine, cert, NULL, cert->hCertStore, &para, 0, NULL,
                                 &chain)) {
        return GetLastError();
    }
    memset(&ssl, 0, sizeof ssl);
    ssl.cbSize = sizeof ssl;
    ssl.dwAuthType = AUTHTYPE_SERVER;
    ssl.pwszServerName = dns_name;
    memset(&policy, 0, sizeof policy);
    policy.cbSize = sizeof policy;
    policy.pvExtraPolicyPara = &ssl;
    memset(&status, 0, sizeof status);
    status.cbSize = sizeof status;
    if (!CertVerifyCertificateChainPolicy(CERT_CHAIN_POLICY_SSL, chain, &policy, &status)) {
        status.dwError = GetLastError();
    }
    if (status.dwError == 0) {
        status.dwError = chain_error(chain->TrustStatus.dwErrorStatus);
    }
    CertFreeCertificateChain(chain);
    return status.dwError;
}

static int verify_peer(gp_tls *t, const char *name, WCHAR *wide_name)
{
    PCCERT_CONTEXT cert = NULL;
    SECURITY_STATUS status;
    BYTE addr[16];
    DWORD addr_len = parse_ip(name, addr);
    DWORD verdict;

    status = QueryContextAttributesW(&t->handle, SECPKG_ATTR_REMOTE_CERT_CONTEXT, &cert);
    if (status != SEC_E_OK || !cert) {
        return tls_status(status != SEC_E_OK ? status : SEC_E_CERT_UNKNOWN);
    }
    verdict = check_chain(t, cert, addr_len ? NULL : wide_name);
    if (verdict == 0 && addr_len && !cert_has_ip(cert, addr, addr_len)) {
        verdict = (DWORD)CERT_E_CN_NO_MATCH;
    }
    CertFreeCertificateContext(cert);
    return verdict == 0 ? GREET_OK : record(1, (int)verdict);
}

/* ---- Sessions ------------------------------------------------------------------------------ */

static WCHAR *widen(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    WCHAR *w = n > 0 ? malloc((size_t)n * sizeof *w) : NULL;

    if (w && MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n) != n) {
        free(w);
        w = NULL;
    }
    return w;
}

static int session_ready(gp_tls *t)
{
    SECURITY_STATUS status;

    status = QueryContextAttributesW(&t->handle, SECPKG_ATTR_STREAM_SIZES, &t->sizes);
    if (status != SEC_E_OK) {
        return tls_status(status);
    }
    t->out = malloc(t->sizes.cbHeader + t->sizes.cbMaximumMessage + t->sizes.cbTrailer);
    return t->out ? GREET_OK : GREET_ENOMEM;
}

int gp_tls_connect(gp_tls_ctx *ctx, gp_socket s, const char *server_name, gp_deadline deadline,
                   gp_tls **out)
{
    gp_oserr_clear();
    BYTE addr[16];
    WCHAR *wide = widen(server_name);
    gp_tls *t = calloc(1, sizeof *t);
    int rc;

    *out = NULL;
    if (t) {
        t->in = malloc(TLS_IN_CAP);
    }
    if (!wide || !t || !t->in) {
        free(wide);
        gp_tls_close(t);
        return GREET_ENOMEM;
    }
    t->ctx = ctx;
    t->sock = s;
    t->isc_flags = isc_flags;
    /* No SNI for an IP literal (RFC 6066 allows host names only). */
    t->target = parse_ip(server_name, addr) ? NULL : wide;
    rc = gp_sock_set_nonblocking(s, 0);
    if (rc == GREET_OK) {
        rc = handshake(t, t->target, deadline);
    }
    if (rc == GREET_OK && !ctx->insecure) {
        rc = verify_peer(t, server_name, wide);
    }
    if (rc == GREET_OK) {
        rc = session_ready(t);
    }
    if (!t->target) {
        free(wide); /* otherwise kept for post-handshake messages, freed at close */
    }
    if (rc != GREET_OK) {
        t->broken = 1;
        gp_tls_close(t);
        return rc;
    }
    *out = t;
    return GREET_OK;
}

/* The size of the decrypted data in DecryptMessage's buffers. */
static unsigned long data_len(const SecBuffer b[4])
{
    int i;

    for (i = 1; i < 4; i++) {
        if (b[i].BufferType == SECBUFFER_DATA) {
            return b[i].cbBuffer;
        }
    }
    return 0;
}

/* The decrypted record is used up: what followed it becomes the buffer's content. */
static void consume_record(gp_tls *t)
{
    t->in_start = t->extra_start;
    t->in_len = t->extra_len;
    t->extra_len = 0;
}

/* Decrypts the next buffered record. GREET_OK: t->plain holds its data (maybe none);
 * GREET_EAGAIN: the record is incomplete; GREET_ECLOSED: it was the peer's close_notify, which
 * Windows reports as SEC_I_CONTEXT_EXPIRED and Wine as an alert record with no data (TLS 1.2
 * record types are in the clear; any other alert would be fatal and fail the call). */
static int decrypt_record(gp_tls *t)
{
    SecBuffer b[4];
    SecBufferDesc desc;
    SECURITY_STATUS status;
    unsigned char content_type;
    int i;

    set_buffer(&b[0], SECBUFFER_DATA, (unsigned long)t->in_len, t->in + t->in_start);
    for (i = 1; i < 4; i++) {
        set_buffer(&b[i], SECBUFFER_EMPTY, 0, NULL);
    }
    set_desc(&desc, b, 4);
    content_type = t->in_len > 0 ? t->in[t->in_start] : 0;
    status = DecryptMessage(&t->handle, &desc, 0, NULL);
    if (status == SEC_E_INCOMPLETE_MESSAGE) {
        return GREET_EAGAIN;
    }
    if (status == SEC_I_CONTEXT_EXPIRED ||
        (status == SEC_E_OK && data_len(b) == 0 && content_type == TLS_CONTENT_ALERT)) {
        return GREET_ECLOSED;
    }
    if (status != SEC_E_OK && status != SEC_I_RENEGOTIATE) {
        t->broken = 1;
        return tls_status(status);
    }
    t->extra_len = 0;
    t->plain_len = 0;
    for (i = 1; i < 4; i++) {
        if (b[i].BufferType == SECBUFFER_DATA) {
            t->plain = b[i].pvBuffer;
            t->plain_len = b[i].cbBuffer;
        } else if (b[i].BufferType == SECBUFFER_EXTRA) {
            t->extra_len = b[i].cbBuffer;
        }
    }
    t->extra_start = t->in_start + t->in_len - t->extra_len;
    if (status == SEC_I_RENEGOTIATE) {
        /* TLS 1.3 post-handshake messages (a session ticket, a key update; a TLS 1.2 server's
         * renegotiation alike): what follows the record is the handshake's input. */
        t->plain_len = 0;
        consume_record(t);
        return TLS_POST_HANDSHAKE;
    }
    return GREET_OK;
}

int gp_tls_read(gp_tls *t, void *buf, size_t cap, size_t *got, gp_deadline deadline)
{
    gp_oserr_clear();
    int rc;

    *got = 0;
    while (t->plain_len == 0) {
        if (t->peer_closed) {
            return GREET_OK;
        }
        /* A post-handshake exchange that an earlier read's deadline (fetch reads in 100 ms
         * slices) cut while it waited for the peer goes on: the next records are handshake
         * records, not data. Set only once SChannel has sent our part (SEC_I_CONTINUE_NEEDED). */
        if (t->awaiting_peer) {
            rc = t->in_len > 0 ? TLS_POST_HANDSHAKE : GREET_EAGAIN;
        } else {
            rc = t->in_len > 0 ? decrypt_record(t) : GREET_EAGAIN;
        }
        if (rc == GREET_OK) {
            if (t->plain_len == 0) {
                consume_record(t);
            }
            continue;
        }
        if (rc == GREET_ECLOSED) {
            t->peer_closed = 1;
            return GREET_OK;
        }
        if (rc == TLS_POST_HANDSHAKE) {
            rc = handshake(t, t->target, deadline);
            if (rc == GREET_OK) {
                continue;
            }
        } else if (rc == GREET_EAGAIN) {
            rc = receive_more(t, deadline);
        }
        if (rc != GREET_OK) {
            t->broken = rc != GREET_ETIMEDOUT;
            return rc;
        }
    }
    *got = cap < t->plain_len ? cap : t->plain_len;
    memcpy(buf, t->plain, *got);
    t->plain += *got;
    t->plain_len -= *got;
    if (t->plain_len == 0) {
        consume_record(t);
    }
    return GREET_OK;
}

static int encrypt_and_send(gp_tls *t, const unsigned char *data, size_t len, gp_deadline deadline)
{
    SecBuffer b[4];
    SecBufferDesc desc;
    SECURITY_STATUS status;

    memcpy(t->out + t->sizes.cbHeader, data, len);
    set_buffer(&b[0], SECBUFFER_STREAM_HEADER, t->sizes.cbHeader, t->out);
    set_buffer(&b[1], SECBUFFER_DATA, (unsigned long)len, t->out + t->sizes.cbHeader);
    set_buffer(&b[2], SECBUFFER_STREAM_TRAILER, t->sizes.cbTrailer,
               t->out + t->sizes.cbHeader + len);
    set_buffer(&b[3], SECBUFFER_EMPTY, 0, NULL);
    set_desc(&desc, b, 4);
    status = EncryptMessage(&t->handle, 0, &desc, 0);
    if (status != SEC_E_OK) {
        t->broken = 1;
        return tls_status(status);
    }
    return gp_sock_send_by(t->sock, t->out, (size_t)b[0].cbBuffer + b[1].cbBuffer + b[2].cbBuffer,
                           deadline);
}

int gp_tls_write_all(gp_tls *t, const void *buf, size_t len, gp_deadline deadline)
{
    gp_oserr_clear();
    const unsigned char *p = buf;
    size_t n;
    int rc;

    while (len > 0) {
        n = len < t->sizes.cbMaximumMessage ? len : t->sizes.cbMaximumMessage;
        rc = encrypt_and_send(t, p, n, deadline);
        if (rc != GREET_OK) {
            t->broken = 1;
            return rc;
        }
        p += n;
        len -= n;
    }
    return GREET_OK;
}

/* Asks SChannel for the close_notify alert and sends it, waiting at most a second. */
static void send_close_notify(gp_tls *t)
{
    DWORD type = SCHANNEL_SHUTDOWN;
    SecBuffer control, token;
    SecBufferDesc control_desc, out_desc;
    ULONG attrs = 0;

    set_buffer(&control, SECBUFFER_TOKEN, sizeof type, &type);
    set_desc(&control_desc, &control, 1);
    set_buffer(&token, SECBUFFER_TOKEN, 0, NULL);
    set_desc(&out_desc, &token, 1);

    if (ApplyControlToken(&t->handle, &control_desc) != SEC_E_OK) {
        return;
    }
    if (!FAILED(InitializeSecurityContextW(&t->ctx->cred, &t->handle, NULL, isc_flags, 0, 0, NULL,
                                           0, NULL, &out_desc, &attrs, NULL))) {
        (void)send_token(t, &token, gp_deadline_in(1000));
    } else if (token.pvBuffer) {
        FreeContextBuffer(token.pvBuffer);
    }
}

void gp_tls_close(gp_tls *t)
{
    if (!t) {
        return;
    }
    if (t->have_handle) {
        if (!t->broken && !t->peer_closed) {
            send_close_notify(t);
        }
        DeleteSecurityContext(&t->handle);
    }
    free(t->target);
    free(t->out);
    free(t->in);
    free(t);
}

/* ---- Messages ------------------------------------------------------------------------------ */

struct cert_error {
    DWORD code;
    const char *name;
    const char *reason; /* in the words a user searches for */
};

static const struct cert_error cert_errors[] = {
    {(DWORD)CERT_E_EXPIRED, "CERT_E_EXPIRED", "expired"},
    {(DWORD)CERT_E_UNTRUSTEDROOT, "CERT_E_UNTRUSTEDROOT", "unknown issuer"},
    {(DWORD)CERT_E_UNTRUSTEDCA, "CERT_E_UNTRUSTEDCA", "unknown issuer"},
    {(DWORD)CERT_E_CHAINING, "CERT_E_CHAINING", "unknown issuer"},
    {(DWORD)TRUST_E_CERT_SIGNATURE, "TRUST_E_CERT_SIGNATURE", "unknown issuer"},
    {(DWORD)CERT_E_CN_NO_MATCH, "CERT_E_CN_NO_MATCH", "name mismatch"},
    {(DWORD)CERT_E_REVOKED, "CERT_E_REVOKED", "revoked"},
    {(DWORD)CERT_E_WRONG_USAGE, "CERT_E_WRONG_USAGE", "not for servers"},
};

static const struct cert_error *find_cert_error(DWORD code)
{
    size_t i;

    for (i = 0; i < sizeof cert_errors / sizeof cert_errors[0]; i++) {
        if (cert_errors[i].code == code) {
            return &cert_errors[i];
        }
    }
    return NULL;
}

/* The system's text for code, in UTF-8, without the trailing line break; "" if it has none. */
static void system_text(DWORD code, char *buf, int size)
{
    WCHAR wide[256];
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code,
                             0, wide, sizeof wide / sizeof wide[0], NULL);
    int len = 0;

    while (n > 0 && (wide[n - 1] == L'\r' || wide[n - 1] == L'\n' || wide[n - 1] == L'.')) {
        n--;
    }
    if (n > 0) {
        len = WideCharToMultiByte(CP_UTF8, 0, wide, (int)n, buf, size - 1, NULL, NULL);
    }
    buf[len > 0 ? len : 0] = '\0';
}

static void describe(int cert, int raw, char *buf, size_t size)
{
    const struct cert_error *e;
    char text[256];

    if (size == 0) {
        return;
    }
    system_text((DWORD)raw, text, (int)sizeof text);
    if (cert) {
        e = find_cert_error((DWORD)raw);
        snprintf(buf, size, "%s: %s 0x%08lX%s%s", e ? e->reason : "rejected", e ? e->name : "error",
                 (unsigned long)(DWORD)raw, text[0] ? ": " : "", text);
    } else if (raw == 0) {
        snprintf(buf, size, "the peer closed the connection during the TLS handshake");
    } else {
        snprintf(buf, size, "SChannel 0x%08lX%s%s", (unsigned long)(DWORD)raw, text[0] ? ": " : "",
                 text);
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
