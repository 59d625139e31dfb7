// The error model's public side: codes, names and messages come from one table.
#include <gtest/gtest.h>

#include <cstring>

#include "greet/error.h"

TEST(Error, OkIsZeroAndFailuresAreNegative)
{
    EXPECT_EQ(GREET_OK, 0);
    EXPECT_LT(GREET_EINVAL, 0);
    EXPECT_LT(GREET_ESYS, 0);
}

TEST(Error, MessagesAndNamesComeFromTheTable)
{
    EXPECT_STREQ(greet_strerror(GREET_ECONNREFUSED), "connection refused");
    EXPECT_STREQ(greet_errname(GREET_ECONNREFUSED), "ECONNREFUSED");
    EXPECT_STREQ(greet_strerror(GREET_OK), "success");
}

TEST(Error, UnknownCodesAreNamedSafely)
{
    EXPECT_STREQ(greet_strerror(12345), "unknown error");
    EXPECT_STREQ(greet_errname(-100000), "UNKNOWN");
}

TEST(Error, ErrorTextWithoutOsDetailIsTheMessage)
{
    char buf[128];
    EXPECT_STREQ(greet_error_text(GREET_EURL, buf, sizeof buf), "malformed URL");
}
