// Clocks and sleeping from the platform contract.
#include <gtest/gtest.h>

#include <cctype>
#include <cstring>
#include <string>

#include "gp.h"

namespace
{

TEST(Time, MonotonicClockNeverGoesBackwards)
{
    uint64_t last = gp_clock_ms();

    for (int i = 0; i < 10000; i++) {
        uint64_t now = gp_clock_ms();
        ASSERT_GE(now, last);
        last = now;
    }
}

TEST(Time, SleepLastsAtLeastAboutAsLongAsAsked)
{
    uint64_t start = gp_clock_ms();
    gp_sleep_ms(60);
    uint64_t took = gp_clock_ms() - start;
    EXPECT_GE(took, 50u); // timers may round to their tick
    EXPECT_LT(took, 5000u);
}

TEST(Time, TimestampHasDateTimeAndMilliseconds)
{
    char buf[32];

    gp_timestamp(buf, sizeof buf);
    std::string s = buf;
    ASSERT_EQ(s.size(), 23u) << s;
    const char *shape = "dddd-dd-dd dd:dd:dd.ddd";
    for (size_t i = 0; i < s.size(); i++) {
        if (shape[i] == 'd') {
            EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(s[i]))) << s;
        } else {
            EXPECT_EQ(s[i], shape[i]) << s;
        }
    }
}

TEST(Time, TimestampIsTruncatedSafely)
{
    char buf[8];

    std::memset(buf, 'z', sizeof buf);
    gp_timestamp(buf, sizeof buf);
    EXPECT_EQ(std::strlen(buf), sizeof buf - 1);
}

} // namespace
