// The event loops' timer heap: timers come out in due order whatever was set, moved or cancelled.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "greet/error.h"
#include "timer_heap.h"

namespace
{

// Pops every timer and returns their due times in the order they came out.
std::vector<uint64_t> drain(gi_timer_heap *h)
{
    std::vector<uint64_t> out;
    while (gi_timer *t = gi_timer_first(h)) {
        out.push_back(t->at);
        gi_timer_cancel(h, t);
        EXPECT_EQ(t->slot, 0u);
    }
    return out;
}

} // namespace

TEST(TimerHeap, TimersComeOutInDueOrderAfterMovesAndCancels)
{
    gi_timer_heap h{};
    std::vector<gi_timer> timers(500);
    std::mt19937 rng(7);
    std::vector<uint64_t> expected;
    for (auto &t : timers) {
        t = gi_timer{};
        ASSERT_EQ(gi_timer_set(&h, &t, rng() % 1000), GREET_OK);
    }
    for (size_t i = 0; i < timers.size(); i += 3) {
        ASSERT_EQ(gi_timer_set(&h, &timers[i], rng() % 2000), GREET_OK); // earlier or later
    }
    for (size_t i = 1; i < timers.size(); i += 7) {
        gi_timer_cancel(&h, &timers[i]);
        gi_timer_cancel(&h, &timers[i]); // twice is harmless
    }
    for (const auto &t : timers) {
        if (t.slot != 0) {
            expected.push_back(t.at);
        }
    }
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(h.len, expected.size());
    EXPECT_EQ(drain(&h), expected);
    EXPECT_EQ(gi_timer_first(&h), nullptr);
    gi_timer_heap_free(&h);
}
