/* POSIX addresses: getaddrinfo for lookups, gethostname; numeric text is common/addr.c's. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/fault.h"
#include "common/sockaddr.h"
#include "gp.h"

static int os_family(int family)
{
    switch (family) {
    case GP_AF_INET4:
        return AF_INET;
    case GP_AF_INET6:
        return AF_INET6;
    default:
        return AF_UNSPEC;
    }
}

static int resolve_failed(int rc)
{
    /* EAI_SYSTEM means the real cause is in errno. */
    if (rc == EAI_SYSTEM) {
        return gp_oserr_set(GP_OSERR_ERRNO, errno);
    }
    return gp_oserr_set(GP_OSERR_GAI, rc);
}

static size_t copy_results(const struct addrinfo *ai, gp_addr *out, size_t max)
{
    size_t n = 0;

    for (; ai != NULL && n < max; ai = ai->ai_next) {
        if (ai->ai_addrlen > sizeof out[n].u.bytes) {
            continue;
        }
        memset(&out[n], 0, sizeof out[n]);
        memcpy(out[n].u.bytes, ai->ai_addr, ai->ai_addrlen);
        out[n].len = (uint32_t)ai->ai_addrlen;
        n++;
    }
    return n;
}

int gp_resolve(const char *host, uint16_t port, int family, int passive, gp_addr *out, size_t max,
               size_t *count)
{
    gp_oserr_clear();
    struct addrinfo hints;
    struct addrinfo *res = NULL;
    char service[8];
    int rc;

    *count = 0;
    if (max == 0 || (host == NULL && !passive)) {
        return GREET_EINVAL;
    }
    rc = gp_fault_resolve(&host, family, out, max, count);
    if (rc != GREET_OK || *count > 0) {
        return rc; /* failed or answered by the fault hook */
    }
    /* No AI_ADDRCONFIG: it hides ::1 and 127.0.0.1 on machines whose only interface is the
     * loopback, which is exactly where the tests and local servers run. */
    memset(&hints, 0, sizeof hints);
    hints.ai_family = os_family(family);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
    snprintf(service, sizeof service, "%u", (unsigned)port);
    rc = getaddrinfo(host, service, &hints, &res);
    if (rc != 0) {
        return resolve_failed(rc);
    }
    *count = copy_results(res, out, max);
    freeaddrinfo(res);
    if (*count == 0) {
        return GREET_ENOHOST;
    }
    return GREET_OK;
}

int gp_hostname(char *buf, size_t size)
{
    gp_oserr_clear();
    if (size == 0) {
        return GREET_EINVAL;
    }
    if (gethostname(buf, size) != 0) {
        return gp_oserr_set(GP_OSERR_ERRNO, errno);
    }
    /* POSIX leaves a truncated name unterminated. */
    buf[size - 1] = '\0';
    return GREET_OK;
}
