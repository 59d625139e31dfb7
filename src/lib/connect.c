/* The resolve-then-connect loop's second half, shared by the client and the fetch engine: the
 * addresses race as RFC 8305 ("happy eyeballs") describes, so a dead first address (an IPv6
 * route that swallows SYNs, say) costs GI_CONNECT_DELAY_MS, not the whole connect timeout. */
#include <stdio.h>
#include <string.h>

#include "connect.h"

#define SLICE_MS 100 /* how often go_on is asked while waiting */

struct attempt {
    gp_socket sock;
    size_t index;              /* into addrs */
    gp_deadline until;         /* its own limit */
    char name[GP_ADDRSTR_MAX]; /* formatted when it started */
};

struct race {
    const gp_addr *addrs;
    const struct gi_connect_plan *plan;
    size_t order[GP_RESOLVE_MAX];
    size_t count, next; /* next: where in order the next attempt is */
    struct attempt live[GP_CONNECT_WAIT_MAX];
    gp_socket socks[GP_CONNECT_WAIT_MAX]; /* live[i].sock, as gp_sock_connect_wait wants them */
    size_t live_n;
    int start_now;                 /* the attempt before failed: the next one need not wait */
    gp_deadline next_at;           /* otherwise it starts then */
    struct gi_connect_result *res; /* why: the failure of the attempt that failed last, or the
                                      race's own; name: that attempt's address */
};

void gi_connect_order(const gp_addr *addrs, size_t count, size_t *order)
{
    int first = count > 0 ? gp_addr_family(&addrs[0]) : GP_AF_ANY;
    size_t same = 0, other = 0, n = 0;

    /* Two cursors that only move forward: the first family's next address, then the other's. */
    while (n < count) {
        while (same < count && gp_addr_family(&addrs[same]) != first) {
            same++;
        }
        if (same < count) {
            order[n++] = same++;
        }
        while (other < count && gp_addr_family(&addrs[other]) == first) {
            other++;
        }
        if (other < count) {
            order[n++] = other++;
        }
    }
}

/* An attempt is over without a connection: its failure taken (right after the call that failed),
 * its socket closed, and the next address may start at once (RFC 8305 section 5). */
static void lose(struct race *r, size_t k, int rc)
{
    gp_failure_take(&r->res->why, rc);
    memcpy(r->res->name, r->live[k].name, GP_ADDRSTR_MAX);
    gp_sock_close(r->live[k].sock);
    r->live_n--;
    r->live[k] = r->live[r->live_n];
    r->socks[k] = r->socks[r->live_n];
    r->start_now = 1;
}

static void start_next(struct race *r)
{
    const struct gi_connect_plan *plan = r->plan;
    struct attempt *a = &r->live[r->live_n];
    int rc;

    a->index = r->order[r->next++];
    if (gp_addr_format(&r->addrs[a->index], a->name, sizeof a->name) != GREET_OK) {
        snprintf(a->name, sizeof a->name, "?");
    }
    if (plan->on_attempt) {
        plan->on_attempt(plan->ctx, a->name, 0);
    }
    a->until = gp_deadline_min(gp_deadline_in(plan->attempt_ms), plan->deadline);
    rc = gp_sock_connect_start(&r->addrs[a->index], &a->sock);
    r->socks[r->live_n++] = a->sock;
    r->start_now = 0;
    r->next_at = gp_deadline_in(GI_CONNECT_DELAY_MS);
    if (rc != GREET_OK) {
        a->sock = GP_SOCKET_INVALID; /* closed already; closing it again is a no-op */
        lose(r, r->live_n - 1, rc);
    }
}

static int may_start(const struct race *r)
{
    return r->next < r->count && r->live_n < GP_CONNECT_WAIT_MAX &&
           (r->start_now || gp_deadline_passed(r->next_at));
}

/* Until something needs doing: an attempt ends or reaches its limit, the next one is due, the
 * deadline passes, or go_on is to be asked. GREET_OK with *k: live[k]'s connect ended. */
static int wait_some(const struct race *r, size_t *k)
{
    gp_deadline wake = r->plan->deadline;
    size_t i;

    if (r->next < r->count && r->live_n < GP_CONNECT_WAIT_MAX) {
        wake = gp_deadline_min(wake, r->next_at);
    }
    for (i = 0; i < r->live_n; i++) {
        wake = gp_deadline_min(wake, r->live[i].until);
    }
    if (r->plan->go_on) {
        wake = gp_deadline_min(wake, gp_deadline_in(SLICE_MS));
    }
    return gp_sock_connect_wait(r->socks, r->live_n, wake, k);
}

/* Attempts past their own limit lose with GREET_ETIMEDOUT. */
static void expire(struct race *r)
{
    size_t k = 0;

    while (k < r->live_n) {
        if (gp_deadline_passed(r->live[k].until)) {
            lose(r, k, GREET_ETIMEDOUT);
        } else {
            k++;
        }
    }
}

/* The race, until an attempt connects (GREET_OK, its index in live in *k) or it ends without. */
static int run(struct race *r, size_t *k)
{
    const struct gi_connect_plan *plan = r->plan;
    int rc;

    for (;;) {
        if (r->live_n == 0 && r->next == r->count) {
            return r->res->why.code;
        }
        if (gp_deadline_passed(plan->deadline)) {
            return gp_failure_take(&r->res->why, GREET_ETIMEDOUT);
        }
        if (plan->go_on && (rc = plan->go_on(plan->ctx)) != GREET_OK) {
            return gp_failure_take(&r->res->why, rc);
        }
        if (may_start(r)) {
            start_next(r);
            continue;
        }
        rc = wait_some(r, k);
        if (rc == GREET_OK) {
            rc = gp_sock_connect_end(r->live[*k].sock);
            if (rc == GREET_OK) {
                return GREET_OK;
            }
            lose(r, *k, rc);
        } else if (rc == GREET_ETIMEDOUT) {
            expire(r);
        } else {
            return gp_failure_take(&r->res->why, rc); /* the wait itself failed */
        }
    }
}

int gi_connect_first(const gp_addr *addrs, size_t count, const struct gi_connect_plan *plan,
                     struct gi_connect_result *res)
{
    struct race r;
    size_t i, k = 0;
    int rc;

    memset(&r, 0, sizeof r);
    r.addrs = addrs;
    r.plan = plan;
    r.count = count < GP_RESOLVE_MAX ? count : GP_RESOLVE_MAX;
    r.start_now = 1; /* the first attempt waits for nothing */
    r.res = res;
    res->sock = GP_SOCKET_INVALID;
    res->which = 0;
    res->name[0] = '\0';
    gp_failure_take(&res->why, GREET_ENOHOST); /* no address to try */
    gi_connect_order(addrs, r.count, r.order);
    rc = run(&r, &k);
    if (rc == GREET_OK) {
        res->sock = r.live[k].sock;
        res->which = r.live[k].index;
        r.live[k].sock = GP_SOCKET_INVALID;
        if (plan->on_attempt) {
            plan->on_attempt(plan->ctx, r.live[k].name, 1);
        }
    } else if (r.live_n > 0) {
        /* Stopped or out of time while attempts ran: one of them is the one to name. */
        memcpy(res->name, r.live[0].name, GP_ADDRSTR_MAX);
    }
    for (i = 0; i < r.live_n; i++) {
        gp_sock_close(r.live[i].sock); /* the losers */
    }
    return rc;
}
