/* The Winsock values behind the failures tests inject through gp.h's seam. GetAddrInfoW reports
 * its failures as Winsock codes, recorded as GP_OSERR_GAI like a real lookup's (addr.c). */
#include <winsock2.h>

#include "common/fault.h"

const struct gp_fault_raw gp_fault_raws[GP_FAULT_COUNT] = {
    {GP_OSERR_NONE, 0},
    {GP_OSERR_GAI, WSAHOST_NOT_FOUND},
    {GP_OSERR_GAI, WSATRY_AGAIN},
    {GP_OSERR_SOCKET, WSAEMFILE},
    {GP_OSERR_SOCKET, WSAENOBUFS},
    {GP_OSERR_SOCKET, WSAECONNREFUSED},
    {GP_OSERR_SOCKET, WSAECONNRESET},
    {GP_OSERR_SOCKET, WSAETIMEDOUT},
    {GP_OSERR_SOCKET, WSAEADDRINUSE},
};
