/* The service manager's protocols for library users: the platform layer does the work (gp.h). */
#include "gp.h"
#include "greet/server.h"
#include "greet/service.h"

int greet_service_listeners(uintptr_t *first, int *count)
{
    gp_socket s;
    int rc = gp_service_listeners(&s, count);

    *first = s == GP_SOCKET_INVALID ? GREET_NO_LISTENER : (uintptr_t)s;
    return rc;
}

int greet_service_notify(const char *state)
{
    return gp_service_notify(state);
}

int greet_service_stderr_is_journal(void)
{
    return gp_stderr_is_journal();
}
