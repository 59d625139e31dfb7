/* What a socket address says of itself (family, port): the same sockaddr fields on every OS. */
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
