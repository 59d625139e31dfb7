/* The resolve-then-connect loop's second half, shared by the client and the fetch engine. */
#include <stdio.h>

#include "connect.h"

int gi_connect_first(const gp_addr *addrs, size_t count, const struct gi_connect_plan *plan,
                     gp_socket *out, size_t *which, char *name)
{
    int rc = GREET_ENOHOST;
    size_t i;

    *out = GP_SOCKET_INVALID;
    name[0] = '\0';
    for (i = 0; i < count; i++) {
        /* Named before the attempt: formatting after a failure would forget its OS detail. */
        if (gp_addr_format(&addrs[i], name, GP_ADDRSTR_MAX) != GREET_OK) {
            snprintf(name, GP_ADDRSTR_MAX, "?");
        }
        if (gp_deadline_passed(plan->deadline)) {
            return GREET_ETIMEDOUT;
        }
        if (plan->on_attempt) {
            plan->on_attempt(plan->ctx, name, 0);
        }
        rc = gp_sock_connect(
            &addrs[i], gp_deadline_min(gp_deadline_in(plan->attempt_ms), plan->deadline), out);
        if (rc == GREET_OK) {
            *which = i;
            if (plan->on_attempt) {
                plan->on_attempt(plan->ctx, name, 1);
            }
            return GREET_OK;
        }
    }
    return rc;
}
