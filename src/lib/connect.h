/* Connecting to the first address that answers: the one routine behind greet_client_connect
 * (client.c) and the fetch engine (fetch_connect.c). The addresses race, as RFC 8305 ("happy
 * eyeballs") describes: see gi_connect_first. */
#ifndef GREET_LIB_CONNECT_H
#define GREET_LIB_CONNECT_H

#include <stddef.h>
#include <stdint.h>

#include "gp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* RFC 8305 section 5's recommended "connection attempt delay": how long an attempt runs alone
 * before the next address is tried beside it. */
#define GI_CONNECT_DELAY_MS 250

struct gi_connect_plan {
    gp_deadline deadline; /* for all the attempts together; GP_DEADLINE_NONE: none */
    int64_t attempt_ms;   /* each attempt's own limit within that, 0: none */
    /* Told when each attempt starts (connected 0) and when one answers (1), with the address as
     * "host:port"; may be NULL. */
    void (*on_attempt)(void *ctx, const char *addr, int connected);
    /* Asked at least every 100 ms while waiting whether to go on: GREET_OK, or the error that
     * ends the race (e.g. GREET_ECANCELED on the user's stop), returned as is; may be NULL. */
    int (*go_on)(void *ctx);
    void *ctx;
};

/* The order in which addrs[0..count) are tried (RFC 8305 section 4): the families interleaved,
 * the first address's family first, each family in the resolver's order. order gets count
 * indexes into addrs. */
void gi_connect_order(const gp_addr *addrs, size_t count, size_t *order);

/* How the race ended. */
struct gi_connect_result {
    gp_socket sock;            /* the winner's socket (blocking), or GP_SOCKET_INVALID */
    size_t which;              /* the winner's index in addrs */
    char name[GP_ADDRSTR_MAX]; /* without a winner: the address that failed last, or "" */
    gp_failure why;            /* without a winner: why, with its OS detail */
};

/* Connects to the first of addrs[0..count) that answers (at most GP_RESOLVE_MAX are tried). In
 * gi_connect_order's order, an attempt is started every GI_CONNECT_DELAY_MS, or at once when the
 * one before fails, with at most GP_CONNECT_WAIT_MAX running together; the first to connect wins
 * and the others are closed. GREET_OK with the winner in res, or res->why's code: the failure of
 * the attempt that failed last, GREET_ETIMEDOUT once the deadline has passed (or the last
 * attempt's own limit), or go_on's error. */
int gi_connect_first(const gp_addr *addrs, size_t count, const struct gi_connect_plan *plan,
                     struct gi_connect_result *res);

#ifdef __cplusplus
}
#endif

#endif
