/* The failure-injection seam (gp.h) as the OS implementations see it; not for src/. */
#ifndef GREET_PLATFORM_COMMON_FAULT_H
#define GREET_PLATFORM_COMMON_FAULT_H

#include "gp.h"

/* Asks the installed hook about call (nothing to do, at the cost of one atomic load, when there is
 * none). GREET_OK: make the OS call, with call->host and call->len as the hook left them.
 * Otherwise the failure the hook chose, recorded as the OS's own (gp_oserr_set). */
int gp_fault_take(gp_fault_call *call);

/* gp_fault_take for a lookup of *host, which the hook may replace with another name, or answer
 * itself: then its addresses of the family asked for are in out[0..*count) (at most max; *count
 * starts at 0) and the OS is not asked (GREET_ENOHOST, recorded as the OS's, when none is left). */
int gp_fault_resolve(const char **host, int family, gp_addr *out, size_t max, size_t *count);

/* gp_fault_take for a call with no host and no length (connect, listen, accept). */
int gp_fault_at(int point);

/* One per OS: the raw error each gp_fault stands for there, indexed by gp_fault. */
struct gp_fault_raw {
    int kind; /* gp_oserr_kind */
    int raw;
};
#define GP_FAULT_COUNT (GP_FAULT_ADDRINUSE + 1)
extern const struct gp_fault_raw gp_fault_raws[GP_FAULT_COUNT];

#endif
