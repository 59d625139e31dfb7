/* The OS's socket address types, and gp_addr seen as one of them, for the platform's address code
 * (common/addr.c and each OS's addr.c); not for src/. */
#ifndef GREET_PLATFORM_COMMON_SOCKADDR_H
#define GREET_PLATFORM_COMMON_SOCKADDR_H

/* GP_SOCKERR_KIND and GP_SOCKERR_LAST: how the OS reports a failed socket call (WSAGetLastError
 * on Windows, errno elsewhere), for gp_oserr_set. */
#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#define GP_SOCKERR_KIND GP_OSERR_SOCKET
#define GP_SOCKERR_LAST WSAGetLastError()
#else
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#define GP_SOCKERR_KIND GP_OSERR_ERRNO
#define GP_SOCKERR_LAST errno
#endif

#include "gp.h"

/* Copies addr into *ss (the rest zeroed) and returns its address family; AF_UNSPEC when addr's
 * length cannot be a socket address. */
int gp_addr_view(const gp_addr *addr, struct sockaddr_storage *ss);

#endif
