/* Windows has no systemd: greet is never socket-activated there and no service manager waits
 * for its readiness (a Windows service would use the service control manager instead). */
#include "gp.h"

int gp_service_listeners(gp_socket *first, int *count)
{
    gp_oserr_clear();
    *first = GP_SOCKET_INVALID;
    *count = 0;
    return GREET_OK;
}

int gp_service_notify(const char *state)
{
    gp_oserr_clear();
    (void)state;
    return GREET_OK;
}

int gp_stderr_is_journal(void)
{
    return 0;
}
