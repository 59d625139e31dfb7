/* POSIX side of the error model: errno and getaddrinfo codes mapped to greet_err, the raw value
 * kept per thread for the message. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "gp.h"
#include "gp_tls.h"

static _Thread_local int last_kind = GP_OSERR_NONE;
static _Thread_local int last_raw;
static _Thread_local int last_code;

struct errno_entry {
    int raw;
    const char *name;
    int code;
};

static const struct errno_entry errno_table[] = {
    {EINVAL, "EINVAL", GREET_EINVAL},
    {ENOMEM, "ENOMEM", GREET_ENOMEM},
    {ENOBUFS, "ENOBUFS", GREET_ENOMEM},
    {EINTR, "EINTR", GREET_EINTR},
    {EAGAIN, "EAGAIN", GREET_EAGAIN},
#if EWOULDBLOCK != EAGAIN
    {EWOULDBLOCK, "EWOULDBLOCK", GREET_EAGAIN},
#endif
    {EINPROGRESS, "EINPROGRESS", GREET_EAGAIN},
    {ETIMEDOUT, "ETIMEDOUT", GREET_ETIMEDOUT},
    {ECONNREFUSED, "ECONNREFUSED", GREET_ECONNREFUSED},
    {ECONNRESET, "ECONNRESET", GREET_ECONNRESET},
    {ECONNABORTED, "ECONNABORTED", GREET_ECONNABORTED},
    {EPIPE, "EPIPE", GREET_EPIPE},
    {ENOTCONN, "ENOTCONN", GREET_ENOTCONN},
    {EADDRINUSE, "EADDRINUSE", GREET_EADDRINUSE},
    {EADDRNOTAVAIL, "EADDRNOTAVAIL", GREET_EADDRNOTAVAIL},
    {EAFNOSUPPORT, "EAFNOSUPPORT", GREET_EAFNOSUPPORT},
    {ENETDOWN, "ENETDOWN", GREET_ENETDOWN},
    {ENETUNREACH, "ENETUNREACH", GREET_ENETUNREACH},
    {EHOSTUNREACH, "EHOSTUNREACH", GREET_EHOSTUNREACH},
    {EACCES, "EACCES", GREET_EACCES},
    {EPERM, "EPERM", GREET_EACCES},
    {ENOENT, "ENOENT", GREET_ENOENT},
    {EEXIST, "EEXIST", GREET_EEXIST},
    {EISDIR, "EISDIR", GREET_EISDIR},
    {ENOTDIR, "ENOTDIR", GREET_ENOTDIR},
    {ENOSPC, "ENOSPC", GREET_ENOSPC},
    {EDQUOT, "EDQUOT", GREET_ENOSPC},
    {EROFS, "EROFS", GREET_EROFS},
    {EMFILE, "EMFILE", GREET_EMFILE},
    {ENFILE, "ENFILE", GREET_EMFILE},
    {EIO, "EIO", GREET_EIO},
    {ECANCELED, "ECANCELED", GREET_ECANCELED},
};

static const struct errno_entry *find_errno(int raw)
{
    size_t i;

    for (i = 0; i < sizeof errno_table / sizeof errno_table[0]; i++) {
        if (errno_table[i].raw == raw) {
            return &errno_table[i];
        }
    }
    return NULL;
}

static int gai_code(int raw)
{
    switch (raw) {
    case EAI_AGAIN:
        return GREET_ERESOLVE;
    case EAI_MEMORY:
        return GREET_ENOMEM;
    case EAI_FAMILY:
        return GREET_EAFNOSUPPORT;
    case EAI_SERVICE:
    case EAI_BADFLAGS:
        return GREET_EINVAL;
    default: /* EAI_NONAME, EAI_NODATA, EAI_FAIL: there is no such host for us */
        return GREET_ENOHOST;
    }
}

int gp_oserr_set(int kind, int raw)
{
    const struct errno_entry *e;
    int code = GREET_ESYS;

    if (kind == GP_OSERR_GAI) {
        code = gai_code(raw);
    } else if (kind == GP_OSERR_TLS || kind == GP_OSERR_CERT) {
        code = kind == GP_OSERR_CERT ? GREET_ECERT : GREET_ETLS;
    } else {
        e = find_errno(raw);
        code = e ? e->code : GREET_ESYS;
    }
    last_kind = kind;
    last_raw = raw;
    last_code = code;
    return code;
}

int gp_oserr_code(void)
{
    return last_kind == GP_OSERR_NONE ? GREET_OK : last_code;
}

void gp_oserr_clear(void)
{
    last_kind = GP_OSERR_NONE;
}

void gp_oserr_describe(char *buf, size_t size)
{
    const struct errno_entry *e;
    char text[160];

    if (size == 0) {
        return;
    }
    buf[0] = '\0';
    if (last_kind == GP_OSERR_NONE) {
        return;
    }
    if (last_kind == GP_OSERR_GAI) {
        snprintf(buf, size, "EAI %d: %s", last_raw, gai_strerror(last_raw));
        return;
    }
    if (last_kind == GP_OSERR_TLS || last_kind == GP_OSERR_CERT) {
        gp_tls_describe(last_kind, last_raw, buf, size);
        return;
    }
    /* strerror_r (POSIX version, from _POSIX_C_SOURCE) is the thread-safe one. */
    if (strerror_r(last_raw, text, sizeof text) != 0) {
        snprintf(text, sizeof text, "error %d", last_raw);
    }
    e = find_errno(last_raw);
    snprintf(buf, size, "%s %d: %s", e ? e->name : "errno", last_raw, text);
}
