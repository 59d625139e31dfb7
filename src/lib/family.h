/* The public address family (greet/net.h) in the platform's spelling (gp.h). */
#ifndef GREET_LIB_FAMILY_H
#define GREET_LIB_FAMILY_H

/* Maps an enum greet_family to the gp_family for gp_resolve; GREET_EINVAL for any other value.
 * Written out case by case: the two enums are separate contracts and need not share values. */
int gi_family(int family, int *out);

#endif
