/* The timer heap (timer_heap.h). */
#include <stdlib.h>

#include "greet/error.h"
#include "timer_heap.h"

static void place(struct gi_timer_heap *h, size_t i, struct gi_timer *t)
{
    h->items[i] = t;
    t->slot = i + 1;
}

static void sift_up(struct gi_timer_heap *h, size_t i)
{
    struct gi_timer *t = h->items[i];

    while (i > 0 && h->items[(i - 1) / 2]->at > t->at) {
        place(h, i, h->items[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    place(h, i, t);
}

static void sift_down(struct gi_timer_heap *h, size_t i)
{
    struct gi_timer *t = h->items[i];

    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= h->len) {
            break;
        }
        if (child + 1 < h->len && h->items[child + 1]->at < h->items[child]->at) {
            child++;
        }
        if (h->items[child]->at >= t->at) {
            break;
        }
        place(h, i, h->items[child]);
        i = child;
    }
    place(h, i, t);
}

int gi_timer_set(struct gi_timer_heap *h, struct gi_timer *t, uint64_t at)
{
    if (t->slot == 0) {
        if (h->len == h->cap) {
            size_t cap = h->cap ? h->cap * 2 : 64;
            struct gi_timer **grown = realloc(h->items, cap * sizeof *grown);
            if (!grown) {
                return GREET_ENOMEM;
            }
            h->items = grown;
            h->cap = cap;
        }
        t->at = at;
        place(h, h->len++, t);
        sift_up(h, h->len - 1);
    } else if (at < t->at) {
        t->at = at;
        sift_up(h, t->slot - 1);
    } else {
        t->at = at;
        sift_down(h, t->slot - 1);
    }
    return GREET_OK;
}

void gi_timer_cancel(struct gi_timer_heap *h, struct gi_timer *t)
{
    size_t i = t->slot;
    struct gi_timer *last;

    if (i == 0) {
        return;
    }
    i--;
    t->slot = 0;
    last = h->items[--h->len];
    if (i == h->len) {
        return;
    }
    place(h, i, last);
    if (i > 0 && h->items[(i - 1) / 2]->at > last->at) {
        sift_up(h, i);
    } else {
        sift_down(h, i);
    }
}

struct gi_timer *gi_timer_first(const struct gi_timer_heap *h)
{
    return h->len ? h->items[0] : NULL;
}

void gi_timer_heap_free(struct gi_timer_heap *h)
{
    free(h->items);
    h->items = NULL;
    h->len = h->cap = 0;
}
