/* POSIX tables of the error model: errno and getaddrinfo codes mapped to greet_err, named and
 * described. The per-thread record is common/oserr.c's. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "common/oserr.h"

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

int gp_os_code(int kind, int raw)
{
    const struct errno_entry *e;

    if (kind == GP_OSERR_GAI) {
        return gai_code(raw);
    }
    e = find_errno(raw);
    return e ? e->code : GREET_ESYS;
}

const char *gp_os_name(int kind, int raw)
{
    const struct errno_entry *e = kind == GP_OSERR_GAI ? NULL : find_errno(raw);

    if (e) {
        return e->name;
    }
    return kind == GP_OSERR_GAI ? "EAI" : "errno";
}

void gp_os_text(int kind, int raw, char *buf, size_t size)
{
    if (kind == GP_OSERR_GAI) {
        snprintf(buf, size, "%s", gai_strerror(raw));
        return;
    }
    /* strerror_r (POSIX version, from _POSIX_C_SOURCE) is the thread-safe one. */
    if (strerror_r(raw, buf, size) != 0) {
        snprintf(buf, size, "error %d", raw);
    }
}
