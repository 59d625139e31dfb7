/* One place where the public address family meets the platform's. */
#include "family.h"
#include "gp.h"
#include "greet/net.h"

int gi_family(int family, int *out)
{
    switch (family) {
    case GREET_FAMILY_ANY:
        *out = GP_AF_ANY;
        return GREET_OK;
    case GREET_FAMILY_IPV4:
        *out = GP_AF_INET4;
        return GREET_OK;
    case GREET_FAMILY_IPV6:
        *out = GP_AF_INET6;
        return GREET_OK;
    default:
        return GREET_EINVAL;
    }
}
