// The OS error detail's discipline (gp.h): every gp_ call that can fail forgets the detail on
// entry and records it when the OS fails it; void clean-up calls leave it alone. A failure taken
// where it happened (gp_failure) keeps its detail whatever runs after it.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "gp.h"
#include "support/fault.h"

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

std::string text_of(const gp_failure &f)
{
    char buf[512];
    return gp_failure_text(&f, buf, sizeof buf);
}

#ifdef _WIN32
const char *const kRefused = "WSAECONNREFUSED";
#else
const char *const kRefused = "ECONNREFUSED";
#endif

// The case matching afterwards lost: a connect fails (injected through the fault seam, recorded
// as the OS's own), then a clean-up call that can fail runs before the message is written, and
// forgets the record on entry. The failure taken at the failure site still says why.
TEST(OsErr, ATakenFailureKeepsItsDetailPastACleanUpThatForgetsTheRecord)
{
    ASSERT_EQ(gp_net_init(), GREET_OK);
    gp_addr addr;
    size_t count = 0;
    ASSERT_EQ(gp_resolve("127.0.0.1", 9, GP_AF_INET4, 0, &addr, 1, &count), GREET_OK);
    gp_socket sock = GP_SOCKET_INVALID;
    gp_failure why;
    {
        ScopedFault f(ScopedFault::fail(GP_FAULT_CONNECT, GP_FAULT_REFUSED));
        ASSERT_TRUE(f.installed());
        ASSERT_EQ(gp_failure_take(&why, gp_sock_connect(&addr, 0, &sock)), GREET_ECONNREFUSED);
    }
    std::string at_the_site = text_of(GREET_ECONNREFUSED);

    EXPECT_EQ(gp_file_remove("no-such-folder-greet/none.tmp"), GREET_ENOENT); // the clean-up
    gp_net_fini();

    EXPECT_EQ(text_of(GREET_ECONNREFUSED), greet_strerror(GREET_ECONNREFUSED)); // matching lost it
    EXPECT_EQ(why.code, GREET_ECONNREFUSED);
    EXPECT_NE(std::string(why.detail).find(kRefused), std::string::npos) << why.detail;
    EXPECT_EQ(text_of(why), at_the_site);
    EXPECT_EQ(text_of(why),
              std::string(greet_strerror(GREET_ECONNREFUSED)) + " (" + why.detail + ")");
}

TEST(OsErr, ACodeTheCallerChoseTakesNoDetail)
{
    gp_failure why;

    fail_with_enoent();
    EXPECT_EQ(gp_failure_take(&why, GREET_ETIMEDOUT), GREET_ETIMEDOUT);
    EXPECT_STREQ(why.detail, "");
    EXPECT_EQ(text_of(why), greet_strerror(GREET_ETIMEDOUT));
}

TEST(OsErr, ACarriedFailureCanBeRecordedAgainForThePublicApi)
{
    gp_addr addr;
    size_t count = 0;
    gp_failure why;

    fail_with_enoent();
    gp_failure_take(&why, GREET_ENOENT);
    ASSERT_EQ(gp_resolve("127.0.0.1", 80, GP_AF_INET4, 0, &addr, 1, &count), GREET_OK);
    ASSERT_EQ(gp_oserr_code(), GREET_OK);

    EXPECT_EQ(gp_failure_record(&why), GREET_ENOENT);
    EXPECT_EQ(gp_oserr_code(), GREET_ENOENT);
    EXPECT_EQ(text_of(GREET_ENOENT), text_of(why));

    gp_failure none;
    gp_failure_take(&none, GREET_EPROTO);
    EXPECT_EQ(gp_failure_record(&none), GREET_EPROTO);
    EXPECT_EQ(gp_oserr_code(), GREET_OK); // no detail: nothing recorded
}

} // namespace
