/* Winsock start and stop. WSAStartup and WSACleanup are reference-counted and thread-safe in
 * Winsock itself, so each gp_net_init is one WSAStartup and each gp_net_fini one WSACleanup; the
 * platform layer's own users of Winsock (gp_resolve) pair them the same way.
 * Windows has no SIGPIPE: a send to a closed connection returns an error and never kills us. */
#include <winsock2.h>
#include <windows.h>

#include "gp.h"

int gp_net_init(void)
{
    gp_oserr_clear();
    WSADATA data;
    int rc = WSAStartup(MAKEWORD(2, 2), &data);

    if (rc != 0) {
        /* WSAStartup returns its error instead of setting WSAGetLastError. */
        return gp_oserr_set(GP_OSERR_SOCKET, rc);
    }
    if (LOBYTE(data.wVersion) != 2 || HIBYTE(data.wVersion) != 2) {
        WSACleanup();
        return gp_oserr_set(GP_OSERR_SOCKET, WSAVERNOTSUPPORTED);
    }
    return GREET_OK;
}

void gp_net_fini(void)
{
    WSACleanup();
}
