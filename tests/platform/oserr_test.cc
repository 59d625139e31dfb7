// The OS error detail's discipline (gp.h): every gp_ call that can fail forgets the detail on
// entry and records it when the OS fails it; void clean-up calls leave it alone.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "gp.h"

namespace
{

// A real OS failure with a detail: opening a file in a folder that does not exist.
void fail_with_enoent()
{
    int err = GREET_OK;
    FILE *f = gp_fopen("no-such-folder-greet/none.txt", "rb", &err);

    ASSERT_EQ(f, nullptr);
    ASSERT_EQ(err, GREET_ENOENT);
    ASSERT_EQ(gp_oserr_code(), GREET_ENOENT);
}

std::string text_of(int err)
{
    char buf[512];
    return greet_error_text(err, buf, sizeof buf);
}

TEST(OsErr, FailureKeepsItsDetailWithItsCode)
{
    fail_with_enoent();
    std::string text = text_of(GREET_ENOENT);
    EXPECT_NE(text.find(" ("), std::string::npos) << text; // "no such file (ENOENT 2: ...)"
}

TEST(OsErr, CleanUpAfterAFailureKeepsTheDetail)
{
    fail_with_enoent();
    gp_sock_close(GP_SOCKET_INVALID);
    EXPECT_EQ(gp_oserr_code(), GREET_ENOENT);
}

TEST(OsErr, TheNextCallForgetsTheDetail)
{
    gp_addr addr;
    size_t count = 0;

    fail_with_enoent();
    ASSERT_EQ(gp_resolve("127.0.0.1", 80, GP_AF_INET4, 0, &addr, 1, &count), GREET_OK);
    EXPECT_EQ(gp_oserr_code(), GREET_OK);
}

TEST(OsErr, AFailureThatIsNotTheOsHasNoStaleDetail)
{
    fail_with_enoent();
    EXPECT_EQ(gp_sock_set_timeouts(GP_SOCKET_INVALID, -1, 0), GREET_EINVAL);
    EXPECT_EQ(gp_oserr_code(), GREET_OK);
    EXPECT_EQ(text_of(GREET_EINVAL), greet_strerror(GREET_EINVAL));
}

} // namespace
