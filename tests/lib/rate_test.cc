// The receive schedule of limit_rate (src/lib/rate.c), on made-up clock times: how much may be
// read when, and that what was read never runs ahead of the rate.
#include <gtest/gtest.h>

#include <cstdint>

#include "rate.h"

namespace
{

const size_t kCap = 64 * 1024;

TEST(Rate, NoLimitAllowsAFullReadAtOnce)
{
    gi_rate r;
    gi_rate_init(&r, 0, kCap);
    EXPECT_EQ(gi_rate_allowed(&r, 0), kCap);
    gi_rate_init(&r, -5, kCap);
    EXPECT_EQ(gi_rate_allowed(&r, 0), kCap);
}

TEST(Rate, NothingBeforeAStepsWorthThenWhatTheTimeAllows)
{
    gi_rate r;
    gi_rate_init(&r, 100 * 1024, kCap); // a step is 1/50 s: 2048 bytes
    gi_rate_start(&r, 1000);
    EXPECT_EQ(gi_rate_allowed(&r, 1000), 0u);
    EXPECT_EQ(gi_rate_allowed(&r, 1019), 0u); // 1945.6 bytes: less than a step
    EXPECT_EQ(gi_rate_resume(&r), 1021u);     // 2048 bytes are due at 1020
    EXPECT_EQ(gi_rate_allowed(&r, 1021), 2150u);
    EXPECT_EQ(gi_rate_allowed(&r, 1500), 51200u);
    EXPECT_EQ(gi_rate_allowed(&r, 9000), kCap); // far behind: one full read at a time
    gi_rate_count(&r, 51200);
    EXPECT_EQ(gi_rate_allowed(&r, 1500), 0u);
    EXPECT_EQ(gi_rate_resume(&r), 1521u);
}

TEST(Rate, StartingAgainChangesNothing)
{
    gi_rate r;
    gi_rate_init(&r, 1000, kCap);
    gi_rate_start(&r, 50);
    gi_rate_start(&r, 5000);
    EXPECT_EQ(gi_rate_allowed(&r, 1050), 1000u);
}

TEST(Rate, SlowRateReadsAByteAtATime)
{
    gi_rate r;
    gi_rate_init(&r, 10, kCap); // a step would be 0.2 bytes: it is 1
    gi_rate_start(&r, 0);
    EXPECT_EQ(gi_rate_allowed(&r, 99), 0u);
    EXPECT_EQ(gi_rate_resume(&r), 101u);
    EXPECT_EQ(gi_rate_allowed(&r, 100), 1u);
    gi_rate_count(&r, 1);
    EXPECT_EQ(gi_rate_resume(&r), 201u);
}

TEST(Rate, FastRateStepsAreAFullRead)
{
    gi_rate r;
    gi_rate_init(&r, INT64_MAX, kCap);
    gi_rate_start(&r, 0);
    EXPECT_EQ(gi_rate_allowed(&r, 0), 0u);
    EXPECT_EQ(gi_rate_resume(&r), 1u);
    EXPECT_EQ(gi_rate_allowed(&r, 1), kCap);
    // Days later, with petabytes read, the arithmetic still holds.
    gi_rate_count(&r, kCap);
    EXPECT_EQ(gi_rate_allowed(&r, UINT64_C(1) << 40), kCap);
}

// Whatever the reads take, the bytes read by any moment never exceed the rate times the time
// since the start: the average over the transfer stays within the limit.
TEST(Rate, NeverAheadOfTheSchedule)
{
    const int64_t rates[] = {1, 7, 1000, 200 * 1024, 1536 * 1024, INT64_C(3) << 30};
    for (int64_t rate : rates) {
        gi_rate r;
        gi_rate_init(&r, rate, kCap);
        gi_rate_start(&r, 100);
        uint64_t now = 100;
        for (int i = 0; i < 2000; i++) {
            size_t n = gi_rate_allowed(&r, now);
            if (n == 0) {
                uint64_t resume = gi_rate_resume(&r);
                ASSERT_GT(resume, now) << rate;
                now = resume;
                ASSERT_GT(gi_rate_allowed(&r, now), 0u) << rate << " at " << now;
                continue;
            }
            gi_rate_count(&r, i % 3 == 0 ? n : n / 2 + 1); // reads take all or part of it
            ASSERT_LE(static_cast<double>(r.bytes),
                      static_cast<double>(rate) * static_cast<double>(now - 100) / 1000.0)
                << rate << " at " << now;
        }
    }
}

} // namespace
