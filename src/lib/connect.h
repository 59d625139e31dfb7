/* Connecting to the first address that answers: the one loop behind greet_client_connect
 * (client.c) and the fetch engine (fetch_connect.c). Addresses are tried in the resolver's order,
 * one at a time, as curl does without its parallel "happy eyeballs". */
#ifndef GREET_LIB_CONNECT_H
#define GREET_LIB_CONNECT_H

#include <stddef.h>
#include <stdint.h>

#include "gp.h"

struct gi_connect_plan {
    gp_deadline deadline; /* for all the attempts together; GP_DEADLINE_NONE: none */
    int64_t attempt_ms;   /* each attempt's own limit within that, 0: none */
    /* Told before each attempt (connected 0) and after the one that answers (1), with the
     * address as "host:port"; may be NULL. */
    void (*on_attempt)(void *ctx, const char *addr, int connected);
    void *ctx;
};

/* Tries addrs[0..count) in turn until one answers: *out is its connected socket and *which its
 * index. Otherwise the last attempt's error, with its OS detail still recorded (nothing is called
 * after it), or GREET_ETIMEDOUT once the deadline has passed; name (GP_ADDRSTR_MAX bytes) holds the
 * address that failed last, for the message. */
int gi_connect_first(const gp_addr *addrs, size_t count, const struct gi_connect_plan *plan,
                     gp_socket *out, size_t *which, char *name);

#endif
