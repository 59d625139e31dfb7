/* The receive schedule behind greet_fetch_options.limit_rate (greet fetch --limit-rate): from the
 * start of a transfer, no more than rate bytes per second may have been read at any moment, so
 * the average over the whole transfer never exceeds rate. The engine asks how much it may read
 * now and pauses when the answer is nothing: it does not read at all meanwhile, so the
 * connection's receive window fills and the server's TCP sends slow down (a client that read
 * fast and only delayed its writes would not slow the network). Plain arithmetic on gp_clock_ms
 * times, with no clock of its own, so that tests can give it any time. */
#ifndef GREET_LIB_RATE_H
#define GREET_LIB_RATE_H

#include <stddef.h>
#include <stdint.h>

#include "greet/export.h"

GREET_BEGIN_DECLS

struct gi_rate {
    uint64_t rate;  /* bytes per second; 0: no limit */
    uint64_t start; /* the gp_clock_ms() time the schedule began (gi_rate_start) */
    int started;
    uint64_t bytes; /* read since then */
    size_t cap;     /* the most one read takes */
    size_t step;    /* the fewest bytes worth a read: 1/50 s of the rate, from 1 to cap */
};

/* A schedule of rate bytes per second (0 or less: none) for reads of at most cap (> 0) bytes. */
void gi_rate_init(struct gi_rate *r, int64_t rate, size_t cap);

/* Starts the schedule at now (a gp_clock_ms() time), once: later calls change nothing. */
void gi_rate_start(struct gi_rate *r, uint64_t now);

/* How many bytes may be read at now, at most cap: 0 means pause until gi_rate_resume. Without a
 * limit always cap. Below a step's worth it is 0 too, so that a fast rate costs at most 50
 * wake-ups a second and a slow one not one per byte. */
size_t gi_rate_allowed(const struct gi_rate *r, uint64_t now);

/* When a step's worth will be allowed: a gp_deadline (gp_clock_ms time). */
uint64_t gi_rate_resume(const struct gi_rate *r);

/* Counts n bytes read. */
void gi_rate_count(struct gi_rate *r, size_t n);

GREET_END_DECLS

#endif
