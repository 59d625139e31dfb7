/* gp_sock_connect, once for every OS: one socket through the racing calls (start, wait, end), so
 * a single connect and a race of several take the same path in the OS layer. */
#include "gp.h"

int gp_sock_connect(const gp_addr *addr, gp_deadline deadline, gp_socket *out)
{
    gp_socket s = GP_SOCKET_INVALID;
    size_t done = 0;
    int rc = gp_sock_connect_start(addr, &s); /* forgets the last OS error first */

    *out = GP_SOCKET_INVALID;
    if (rc != GREET_OK) {
        return rc;
    }
    rc = gp_sock_connect_wait(&s, 1, deadline, &done);
    if (rc == GREET_OK) {
        rc = gp_sock_connect_end(s);
    }
    if (rc != GREET_OK) {
        gp_sock_close(s); /* keeps the failure's OS detail */
        return rc;
    }
    *out = s;
    return GREET_OK;
}
