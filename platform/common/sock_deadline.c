/* Socket calls bounded by a deadline that need nothing from the OS beyond the contract. */
#include "gp.h"

/* The send timeout is the OS's own per-call limit; set to the time left before each send, it makes
 * the blocking gp_sock_send_all end by the deadline. */
int gp_sock_send_by(gp_socket s, const void *buf, size_t len, gp_deadline deadline)
{
    gp_oserr_clear();
    int left = gp_deadline_left(deadline);
    int rc;

    if (left == 0) {
        return GREET_ETIMEDOUT;
    }
    rc = gp_sock_set_timeouts(s, 0, left < 0 ? 0 : left);
    return rc != GREET_OK ? rc : gp_sock_send_all(s, buf, len);
}
