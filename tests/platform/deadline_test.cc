// Deadlines from the platform contract: the one shape of time below the public API.
#include <gtest/gtest.h>

#include <climits>

#include "gp.h"

TEST(Deadline, ZeroAndNegativeMeanNone)
{
    EXPECT_EQ(gp_deadline_in(0), GP_DEADLINE_NONE);
    EXPECT_EQ(gp_deadline_in(-5), GP_DEADLINE_NONE);
    EXPECT_EQ(gp_deadline_left(GP_DEADLINE_NONE), -1);
    EXPECT_FALSE(gp_deadline_passed(GP_DEADLINE_NONE));
}

TEST(Deadline, OneMillisecondIsALimitNotNone)
{
    gp_deadline d = gp_deadline_in(1);

    EXPECT_NE(d, GP_DEADLINE_NONE);
    EXPECT_GE(d, gp_clock_ms());
    EXPECT_LE(gp_deadline_left(d), 1);
    gp_sleep_ms(5);
    EXPECT_TRUE(gp_deadline_passed(d));
    EXPECT_EQ(gp_deadline_left(d), 0);
}

TEST(Deadline, LeftCountsDownAndClamps)
{
    gp_deadline d = gp_deadline_in(60000);
    int left = gp_deadline_left(d);

    EXPECT_GT(left, 50000);
    EXPECT_LE(left, 60000);
    EXPECT_FALSE(gp_deadline_passed(d));
    EXPECT_EQ(gp_deadline_left(gp_deadline_in(INT64_C(1) << 40)), INT_MAX);
}

TEST(Deadline, MinTreatsNoneAsLatest)
{
    gp_deadline soon = gp_deadline_in(10);
    gp_deadline later = gp_deadline_in(100000);

    EXPECT_EQ(gp_deadline_min(soon, later), soon);
    EXPECT_EQ(gp_deadline_min(later, soon), soon);
    EXPECT_EQ(gp_deadline_min(GP_DEADLINE_NONE, later), later);
    EXPECT_EQ(gp_deadline_min(later, GP_DEADLINE_NONE), later);
    EXPECT_EQ(gp_deadline_min(GP_DEADLINE_NONE, GP_DEADLINE_NONE), GP_DEADLINE_NONE);
}

TEST(Deadline, PassedDeadlineOnlyLooks)
{
    gp_mutex *m = nullptr;
    gp_cond *c = nullptr;
    gp_deadline past = gp_deadline_in(1);

    ASSERT_EQ(gp_mutex_create(&m), GREET_OK);
    ASSERT_EQ(gp_cond_create(&c), GREET_OK);
    gp_sleep_ms(5);
    uint64_t start = gp_clock_ms();
    gp_mutex_lock(m);
    EXPECT_EQ(gp_cond_wait(c, m, past), GREET_ETIMEDOUT);
    gp_mutex_unlock(m);
    EXPECT_LT(gp_clock_ms() - start, 1000u);
    gp_cond_destroy(c);
    gp_mutex_destroy(m);
}

TEST(Deadline, SleepUntilReturnsOnceItPassed)
{
    gp_deadline d = gp_deadline_in(30);

    gp_sleep_until(d);
    EXPECT_TRUE(gp_deadline_passed(d));

    // A passed deadline and "none" do not wait at all.
    uint64_t start = gp_clock_ms();
    gp_sleep_until(d);
    gp_sleep_until(GP_DEADLINE_NONE);
    EXPECT_LT(gp_clock_ms() - start, 1000u);
}
