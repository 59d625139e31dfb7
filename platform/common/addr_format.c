/* Address text that needs nothing from the OS beyond the contract: "host:port", IPv6 in
 * brackets so that the port stays unambiguous. */
#include <stdio.h>

#include "gp.h"

int gp_addr_format(const gp_addr *addr, char *buf, size_t size)
{
    gp_oserr_clear();
    char host[GP_ADDRSTR_MAX];
    int rc = gp_addr_host(addr, host, sizeof host);
    int n;

    if (rc != GREET_OK) {
        return rc;
    }
    if (gp_addr_family(addr) == GP_AF_INET6) {
        n = snprintf(buf, size, "[%s]:%u", host, (unsigned)gp_addr_port(addr));
    } else {
        n = snprintf(buf, size, "%s:%u", host, (unsigned)gp_addr_port(addr));
    }
    if (n < 0 || (size_t)n >= size) {
        return GREET_ETOOBIG;
    }
    return GREET_OK;
}
