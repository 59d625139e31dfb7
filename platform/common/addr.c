/* What a socket address says of itself (family, port, numeric host): the same sockaddr fields
 * and inet_ntop on every OS. */
#include <stdio.h>
#include <string.h>

#include "common/sockaddr.h"

int gp_addr_view(const gp_addr *addr, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (addr->len < sizeof ss->ss_family || addr->len > sizeof *ss) {
        return AF_UNSPEC;
    }
    memcpy(ss, addr->u.bytes, addr->len);
    return ss->ss_family;
}

uint16_t gp_addr_port(const gp_addr *addr)
{
    struct sockaddr_storage ss;
    int af = gp_addr_view(addr, &ss);

    if (af == AF_INET) {
        return ntohs(((const struct sockaddr_in *)&ss)->sin_port);
    }
    if (af == AF_INET6) {
        return ntohs(((const struct sockaddr_in6 *)&ss)->sin6_port);
    }
    return 0;
}

int gp_addr_family(const gp_addr *addr)
{
    struct sockaddr_storage ss;

    switch (gp_addr_view(addr, &ss)) {
    case AF_INET:
        return GP_AF_INET4;
    case AF_INET6:
        return GP_AF_INET6;
    default:
        return GP_AF_ANY;
    }
}

int gp_addr_ip(const gp_addr *addr, unsigned char *out, size_t *len)
{
    struct sockaddr_storage ss;
    int af = gp_addr_view(addr, &ss);

    gp_oserr_clear();
    *len = 0;
    if (af == AF_INET) {
        *len = 4;
        memcpy(out, &((const struct sockaddr_in *)&ss)->sin_addr, 4);
    } else if (af == AF_INET6) {
        *len = 16;
        memcpy(out, &((const struct sockaddr_in6 *)&ss)->sin6_addr, 16);
    } else {
        return GREET_EAFNOSUPPORT;
    }
    return GREET_OK;
}

int gp_addr_host(const gp_addr *addr, char *buf, size_t size)
{
    gp_oserr_clear();
    struct sockaddr_storage ss;
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&ss;
    char text[GP_ADDRSTR_MAX];
    int af = gp_addr_view(addr, &ss);
    const void *raw;
    size_t n;

    if (af == AF_INET) {
        raw = &((const struct sockaddr_in *)&ss)->sin_addr;
    } else if (af == AF_INET6) {
        raw = &sin6->sin6_addr;
    } else {
        return GREET_EAFNOSUPPORT;
    }
    if (!inet_ntop(af, raw, text, sizeof text)) {
        return gp_oserr_set(GP_SOCKERR_KIND, GP_SOCKERR_LAST);
    }
    n = strlen(text);
    /* A link-local IPv6 address means nothing without its interface: keep the scope number, as
     * "%N", which getaddrinfo understands. */
    if (af == AF_INET6 && sin6->sin6_scope_id != 0) {
        snprintf(text + n, sizeof text - n, "%%%lu", (unsigned long)sin6->sin6_scope_id);
        n = strlen(text);
    }
    if (n >= size) {
        return GREET_ETOOBIG;
    }
    memcpy(buf, text, n + 1);
    return GREET_OK;
}
