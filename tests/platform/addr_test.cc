// The address half of the platform contract: name lookup, numeric text, formatting.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "gp.h"
#include "support/fault.h"

namespace
{

class Addr : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        ASSERT_EQ(gp_net_init(), GREET_OK);
    }
    void TearDown() override
    {
        gp_net_fini();
    }

    // Resolves a numeric host and returns the first result.
    static gp_addr numeric(const char *host, uint16_t port)
    {
        gp_addr a[GP_RESOLVE_MAX];
        size_t n = 0;
        EXPECT_EQ(gp_resolve(host, port, GP_AF_ANY, 0, a, GP_RESOLVE_MAX, &n), GREET_OK) << host;
        EXPECT_GE(n, 1u);
        return a[0];
    }

    static std::string format(const gp_addr &a)
    {
        char buf[GP_ADDRSTR_MAX];
        EXPECT_EQ(gp_addr_format(&a, buf, sizeof buf), GREET_OK);
        return buf;
    }
};

TEST_F(Addr, LocalhostResolvesToLoopbackAddresses)
{
    gp_addr a[GP_RESOLVE_MAX];
    size_t n = 0;
    char host[GP_ADDRSTR_MAX];

    ASSERT_EQ(gp_resolve("localhost", 80, GP_AF_ANY, 0, a, GP_RESOLVE_MAX, &n), GREET_OK);
    ASSERT_GE(n, 1u);
    for (size_t i = 0; i < n; i++) {
        ASSERT_EQ(gp_addr_host(&a[i], host, sizeof host), GREET_OK);
        EXPECT_EQ(gp_addr_port(&a[i]), 80);
        if (gp_addr_family(&a[i]) == GP_AF_INET4) {
            EXPECT_EQ(std::string(host).rfind("127.", 0), 0u) << host;
        } else {
            EXPECT_EQ(gp_addr_family(&a[i]), GP_AF_INET6);
            EXPECT_STREQ(host, "::1");
        }
    }
}

TEST_F(Addr, UnknownHostIsENOHOSTWithResolverDetail)
{
    gp_addr a[GP_RESOLVE_MAX];
    size_t n = 7;
    char text[256];

    // The resolver's answer comes from the platform seam: no DNS query leaves the machine.
    ScopedFault f(ScopedFault::fail(GP_FAULT_RESOLVE, GP_FAULT_NOHOST));
    ASSERT_TRUE(f.installed());
    int rc = gp_resolve("no-such-host.example", 80, GP_AF_ANY, 0, a, GP_RESOLVE_MAX, &n);
    EXPECT_EQ(rc, GREET_ENOHOST) << greet_errname(rc);
    EXPECT_EQ(n, 0u);
    greet_error_text(rc, text, sizeof text);
    EXPECT_EQ(std::string(text).rfind("host not found (", 0), 0u) << text;
}

TEST_F(Addr, FamilyRestrictsTheResult)
{
    gp_addr a[GP_RESOLVE_MAX];
    size_t n = 0;

    ASSERT_EQ(gp_resolve("127.0.0.1", 1, GP_AF_INET4, 0, a, GP_RESOLVE_MAX, &n), GREET_OK);
    EXPECT_EQ(gp_addr_family(&a[0]), GP_AF_INET4);
    EXPECT_NE(gp_resolve("127.0.0.1", 1, GP_AF_INET6, 0, a, GP_RESOLVE_MAX, &n), GREET_OK);
    EXPECT_EQ(n, 0u);
}

TEST_F(Addr, FormatsIPv4AndBracketsIPv6)
{
    EXPECT_EQ(format(numeric("127.0.0.1", 12341)), "127.0.0.1:12341");
    EXPECT_EQ(format(numeric("::1", 8080)), "[::1]:8080");
    EXPECT_EQ(format(numeric("::ffff:10.1.2.3", 65535)), "[::ffff:10.1.2.3]:65535");
}

TEST_F(Addr, PassiveWithoutHostIsTheWildcard)
{
    gp_addr a[GP_RESOLVE_MAX];
    size_t n = 0;

    ASSERT_EQ(gp_resolve(nullptr, 0, GP_AF_INET4, 1, a, GP_RESOLVE_MAX, &n), GREET_OK);
    EXPECT_EQ(format(a[0]), "0.0.0.0:0");
    ASSERT_EQ(gp_resolve(nullptr, 443, GP_AF_INET6, 1, a, GP_RESOLVE_MAX, &n), GREET_OK);
    EXPECT_EQ(format(a[0]), "[::]:443");
}

TEST_F(Addr, ResultsAreCappedAtMax)
{
    gp_addr a[1];
    size_t n = 0;

    ASSERT_EQ(gp_resolve("localhost", 80, GP_AF_ANY, 0, a, 1, &n), GREET_OK);
    EXPECT_EQ(n, 1u);
}

TEST_F(Addr, TooSmallBufferIsAnErrorNotATruncation)
{
    gp_addr a = numeric("127.0.0.1", 80);
    char small[6];

    EXPECT_NE(gp_addr_host(&a, small, sizeof small), GREET_OK);
    EXPECT_NE(gp_addr_format(&a, small, sizeof small), GREET_OK);
}

TEST_F(Addr, RawBytesInNetworkOrder)
{
    unsigned char ip[16];
    size_t len = 0;
    gp_addr v4 = numeric("127.0.0.1", 80), v6 = numeric("::1", 80), none;

    ASSERT_EQ(gp_addr_ip(&v4, ip, &len), GREET_OK);
    ASSERT_EQ(len, 4u);
    EXPECT_EQ(std::memcmp(ip, "\x7f\x00\x00\x01", 4), 0);
    ASSERT_EQ(gp_addr_ip(&v6, ip, &len), GREET_OK);
    ASSERT_EQ(len, 16u);
    EXPECT_EQ(std::memcmp(ip, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16), 0);
    std::memset(&none, 0, sizeof none);
    EXPECT_EQ(gp_addr_ip(&none, ip, &len), GREET_EAFNOSUPPORT);
    EXPECT_EQ(len, 0u);
}

TEST_F(Addr, EmptyAddressHasNoFamilyOrPort)
{
    gp_addr a;
    char buf[GP_ADDRSTR_MAX];

    std::memset(&a, 0, sizeof a);
    EXPECT_EQ(gp_addr_family(&a), GP_AF_ANY);
    EXPECT_EQ(gp_addr_port(&a), 0);
    EXPECT_NE(gp_addr_format(&a, buf, sizeof buf), GREET_OK);
}

TEST_F(Addr, HostnameIsNonEmpty)
{
    char name[256];

    ASSERT_EQ(gp_hostname(name, sizeof name), GREET_OK);
    EXPECT_GT(std::strlen(name), 0u);
}

} // namespace
