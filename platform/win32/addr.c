/* Addresses on Windows: name resolution with GetAddrInfoW (UTF-8 host names converted, since the
 * ANSI getaddrinfo would read them in the local code page); numeric text is common/addr.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include "common/fault.h"
#include "common/sockaddr.h"
#include "gp.h"
#include "gpw.h"

static int family_to_af(int family, int *af)
{
    switch (family) {
    case GP_AF_ANY:
        *af = AF_UNSPEC;
        return GREET_OK;
    case GP_AF_INET4:
        *af = AF_INET;
        return GREET_OK;
    case GP_AF_INET6:
        *af = AF_INET6;
        return GREET_OK;
    default:
        return GREET_EINVAL;
    }
}

/* Copies the lookup's results into out, skipping any that would not fit a gp_addr. */
static size_t copy_results(const ADDRINFOW *list, gp_addr *out, size_t max)
{
    const ADDRINFOW *ai;
    size_t n = 0;

    for (ai = list; ai && n < max; ai = ai->ai_next) {
        if (ai->ai_addr && ai->ai_addrlen <= sizeof out[n].u.bytes) {
            memset(&out[n], 0, sizeof out[n]);
            memcpy(out[n].u.bytes, ai->ai_addr, ai->ai_addrlen);
            out[n].len = (uint32_t)ai->ai_addrlen;
            n++;
        }
    }
    return n;
}

/* The port as the decimal service string GetAddrInfoW wants; returns where it starts in buf. */
static const wchar_t *port_text(uint16_t port, wchar_t buf[8])
{
    int i = 7;

    buf[i] = L'\0';
    do {
        buf[--i] = (wchar_t)(L'0' + port % 10);
        port /= 10;
    } while (port != 0);
    return buf + i;
}

static int lookup(const wchar_t *host, uint16_t port, int af, int passive, gp_addr *out, size_t max,
                  size_t *count)
{
    ADDRINFOW hints;
    ADDRINFOW *list = NULL;
    wchar_t service[8];
    int rc;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = af;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    hints.ai_flags = passive ? AI_PASSIVE : 0;
    rc = GetAddrInfoW(host, port_text(port, service), &hints, &list);
    if (rc != 0) {
        return gp_oserr_set(GP_OSERR_GAI, rc);
    }
    *count = copy_results(list, out, max);
    FreeAddrInfoW(list);
    if (*count == 0) {
        return gp_oserr_set(GP_OSERR_GAI, WSANO_DATA);
    }
    return GREET_OK;
}

int gp_resolve(const char *host, uint16_t port, int family, int passive, gp_addr *out, size_t max,
               size_t *count)
{
    gp_oserr_clear();
    wchar_t *whost = NULL;
    int af;
    int rc;

    *count = 0;
    if (max == 0 || (!host && !passive) || family_to_af(family, &af) != GREET_OK) {
        return GREET_EINVAL;
    }
    rc = gp_fault_resolve(&host, family, out, max, count);
    if (rc != GREET_OK || *count > 0) {
        return rc; /* failed or answered by the fault hook */
    }
    if (host && (rc = gpw_widen(host, &whost)) != GREET_OK) {
        return rc;
    }
    /* GetAddrInfoW needs Winsock started; callers may resolve before gp_net_init. */
    rc = gp_net_init();
    if (rc == GREET_OK) {
        rc = lookup(whost, port, af, passive, out, max, count);
        gp_net_fini();
    }
    free(whost);
    return rc;
}

int gp_hostname(char *buf, size_t size)
{
    gp_oserr_clear();
    /* GetComputerNameExW rather than gethostname: the name comes as UTF-16, not in the local
     * code page, and Winsock need not be started. */
    wchar_t wide[256];
    DWORD n = sizeof wide / sizeof wide[0];

    if (!GetComputerNameExW(ComputerNameDnsHostname, wide, &n)) {
        return gp_oserr_set(GP_OSERR_WIN32, (int)GetLastError());
    }
    if (gpw_narrow(wide, buf, size) == 0) {
        return GREET_ETOOBIG;
    }
    return GREET_OK;
}
