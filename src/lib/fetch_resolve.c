/* Name resolution a caller can walk away from. getaddrinfo can be neither interrupted nor given
 * a time limit, so the lookup runs on a detached thread of its own and the caller waits for it
 * in slices, asking between slices whether to go on (the user's stop, the transfer's deadline).
 * A caller that gives up leaves the thread to finish alone; whichever of the two lets go last
 * frees what they share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch_int.h"

#define SLICE_MS 100

struct lookup {
    gp_mutex *mu;
    gp_cond *cv;
    int refs;       /* under mu: 2 while both the caller and the thread hold it */
    int done;       /* under mu */
    gp_failure why; /* the lookup's failure, taken on its own thread */
    uint16_t port;
    int family;
    gp_addr addrs[GP_RESOLVE_MAX];
    size_t count;
    char host[GREET_URL_HOST_MAX + 1];
};

static void lookup_free(struct lookup *l)
{
    gp_cond_destroy(l->cv);
    gp_mutex_destroy(l->mu);
    free(l);
}

/* Drops one reference; frees the lookup with the last one. Called with mu held; releases it. */
static void let_go(struct lookup *l)
{
    int last = --l->refs == 0;

    gp_mutex_unlock(l->mu);
    if (last) {
        lookup_free(l);
    }
}

static void lookup_run(void *arg)
{
    struct lookup *l = arg;
    int rc = gp_resolve(l->host, l->port, l->family, 0, l->addrs, GP_RESOLVE_MAX, &l->count);

    gp_failure_take(&l->why, rc);
    gp_mutex_lock(l->mu);
    l->done = 1;
    gp_cond_signal(l->cv);
    let_go(l);
}

static struct lookup *lookup_new(const char *host, uint16_t port, int family)
{
    struct lookup *l = calloc(1, sizeof *l);

    if (!l) {
        return NULL;
    }
    if (gp_mutex_create(&l->mu) != GREET_OK || gp_cond_create(&l->cv) != GREET_OK) {
        lookup_free(l);
        return NULL;
    }
    snprintf(l->host, sizeof l->host, "%s", host);
    l->port = port;
    l->family = family;
    l->refs = 2;
    return l;
}

/* Waits for l in slices until it is done, the deadline passes or go_on says stop. */
static int wait_for(struct lookup *l, gp_deadline deadline, const struct gi_go_on *go_on)
{
    int rc = GREET_OK;

    gp_mutex_lock(l->mu);
    while (!l->done && rc == GREET_OK) {
        if (gp_deadline_passed(deadline)) {
            rc = GREET_ETIMEDOUT;
            break;
        }
        gp_cond_wait(l->cv, l->mu, gp_deadline_min(gp_deadline_in(SLICE_MS), deadline));
        if (!l->done && go_on->fn) {
            gp_mutex_unlock(l->mu); /* the callback may take its time */
            rc = go_on->fn(go_on->ctx);
            gp_mutex_lock(l->mu);
        }
    }
    return rc;
}

int gi_resolve(const char *host, uint16_t port, int family, gp_deadline deadline,
               const struct gi_go_on *go_on, gp_addr *out, size_t *count, gp_failure *why)
{
    struct lookup *l = lookup_new(host, port, family);
    int rc;

    if (!l || gp_thread_start(NULL, lookup_run, l, 0) != GREET_OK) {
        /* No thread to spare: resolve here, the way that cannot be abandoned. */
        if (l) {
            lookup_free(l);
        }
        rc = gp_resolve(host, port, family, 0, out, GP_RESOLVE_MAX, count);
        return gp_failure_take(why, rc);
    }
    rc = wait_for(l, deadline, go_on);
    if (rc == GREET_OK) {
        *why = l->why; /* the lookup's failure came with it from its thread */
        memcpy(out, l->addrs, sizeof l->addrs);
        *count = l->count;
    } else {
        gp_failure_take(why, rc);
    }
    let_go(l);
    return why->code;
}
