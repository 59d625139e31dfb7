/* A binary min-heap of timers for event loops: each timer is a field of its owner (no allocation
 * per timer) and knows its slot, so that changing or removing one is O(log n). */
#ifndef GREET_LIB_TIMER_HEAP_H
#define GREET_LIB_TIMER_HEAP_H

#include <stddef.h>
#include <stdint.h>

#include "greet/export.h"

GREET_BEGIN_DECLS

struct gi_timer {
    uint64_t at; /* when it is due: a gp_deadline (gp_clock_ms time) */
    size_t slot; /* its index in the heap + 1; 0 when not in a heap */
};

struct gi_timer_heap {
    struct gi_timer **items;
    size_t len, cap;
};

/* Puts t in the heap due at `at`, or moves it there if it is in already. 0 or GREET_ENOMEM. */
int gi_timer_set(struct gi_timer_heap *h, struct gi_timer *t, uint64_t at);

/* Takes t out of the heap if it is in. */
void gi_timer_cancel(struct gi_timer_heap *h, struct gi_timer *t);

/* The timer due first, NULL when the heap is empty. */
struct gi_timer *gi_timer_first(const struct gi_timer_heap *h);

void gi_timer_heap_free(struct gi_timer_heap *h);

GREET_END_DECLS

#endif
