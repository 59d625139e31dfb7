/* The receive schedule of limit_rate (rate.h). The arithmetic is in double: a rate may be up to
 * INT64_MAX bytes per second and a transfer may last days, whose product does not fit 64 bits,
 * and a double's 53 bits are exact far beyond any byte count or time that matters here. */
#include "rate.h"

/* Pauses are at least this long at a fast rate: 1/STEPS_PER_S of a second's bytes per read. */
#define STEPS_PER_S 50
/* The latest resume worth computing (about 31 years), so that the conversion stays in range. */
#define RESUME_MAX_MS 1e12

void gi_rate_init(struct gi_rate *r, int64_t rate, size_t cap)
{
    uint64_t step;

    r->rate = rate > 0 ? (uint64_t)rate : 0;
    r->start = 0;
    r->started = 0;
    r->bytes = 0;
    r->cap = cap;
    step = r->rate / STEPS_PER_S;
    r->step = step < 1 ? 1 : step > cap ? cap : (size_t)step;
}

void gi_rate_start(struct gi_rate *r, uint64_t now)
{
    if (!r->started) {
        r->start = now;
        r->started = 1;
    }
}

size_t gi_rate_allowed(const struct gi_rate *r, uint64_t now)
{
    double budget;

    if (r->rate == 0) {
        return r->cap;
    }
    if (!r->started || now <= r->start) {
        return 0;
    }
    budget = (double)r->rate * (double)(now - r->start) / 1000.0 - (double)r->bytes;
    if (budget >= (double)r->cap) {
        return r->cap;
    }
    return budget < (double)r->step ? 0 : (size_t)budget;
}

uint64_t gi_rate_resume(const struct gi_rate *r)
{
    double ms;

    if (r->rate == 0) {
        return r->start;
    }
    ms = ((double)r->bytes + (double)r->step) * 1000.0 / (double)r->rate;
    /* + 1: the millisecond after the exact point, so that the step is surely allowed then. */
    return r->start + (uint64_t)(ms < RESUME_MAX_MS ? ms : RESUME_MAX_MS) + 1;
}

void gi_rate_count(struct gi_rate *r, size_t n)
{
    r->bytes += n;
}
