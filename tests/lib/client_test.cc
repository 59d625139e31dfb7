// The client library against an in-process server: its errors name the cause.
#include <gtest/gtest.h>

#include <string>

#include "support/fault.h"
#include "support/greet_server_fixture.h"

using greet_test::ClientPtr;
using greet_test::connect_local;
using greet_test::read_greeting;
using greet_test::TestServer;

TEST(Client, ExchangesInRawAndLineMode)
{
    TestServer s;
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr c;
    ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
    char buf[64];
    size_t got = 0;
    ASSERT_EQ(greet_client_recv(c.c, buf, sizeof buf, &got), GREET_OK);
    EXPECT_EQ(std::string(buf, got), "hello world!\n");
    ASSERT_EQ(greet_client_exchange(c.c, GREET_MODE_LINE, "ann", 3, buf, sizeof buf, &got),
              GREET_OK);
    EXPECT_EQ(std::string(buf, got), "Hello ann");
}

TEST(Client, PeerNamesTheAddressConnectedTo)
{
    TestServer s;
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr c;
    ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
    char peer[64];
    ASSERT_EQ(greet_client_peer(c.c, peer, sizeof peer), GREET_OK);
    EXPECT_EQ(std::string(peer), "127.0.0.1:" + std::to_string(s.port()));
}

TEST(Client, RefusedConnectionIsConnRefused)
{
    unsigned port;
    {
        TestServer s;
        ASSERT_EQ(s.start(), GREET_OK);
        port = s.port();
    }
    greet_client *c = nullptr;
    EXPECT_EQ(greet_client_connect("127.0.0.1", port, GREET_FAMILY_ANY, 5000, &c),
              GREET_ECONNREFUSED);
    EXPECT_EQ(c, nullptr);
}

TEST(Client, UnknownHostIsAResolveError)
{
    // The resolver's answer comes from the platform seam: no DNS query leaves the machine.
    ScopedFault f(ScopedFault::fail(GP_FAULT_RESOLVE, GP_FAULT_NOHOST));
    ASSERT_TRUE(f.installed());
    greet_client *c = nullptr;
    int rc = greet_client_connect("no-such-host.example", 12341, GREET_FAMILY_ANY, 5000, &c);
    EXPECT_EQ(rc, GREET_ENOHOST) << greet_errname(rc);
    EXPECT_EQ(c, nullptr);
}

TEST(Client, SlowReplyTimesOut)
{
    TestServer s;
    s.cfg.delay_ms = 60000; // stop cuts it short
    s.cfg.drain_ms = 0;
    ASSERT_EQ(s.start(), GREET_OK);
    greet_client *c = nullptr;
    // Long enough for the greeting on a loaded machine, far shorter than the delay.
    ASSERT_EQ(greet_client_connect("127.0.0.1", s.port(), GREET_FAMILY_ANY, 2000, &c), GREET_OK);
    read_greeting(c);
    char buf[64];
    size_t got = 0;
    EXPECT_EQ(greet_client_exchange(c, GREET_MODE_RAW, "x", 1, buf, sizeof buf, &got),
              GREET_ETIMEDOUT);
    greet_client_close(c);
}

TEST(Client, ServerClosingIsEclosed)
{
    TestServer s;
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr c;
    ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
    read_greeting(c.c);
    char buf[64];
    size_t got = 0;
    ASSERT_EQ(greet_client_send(c.c, GREET_MODE_LINE, "exit", 4), GREET_OK);
    EXPECT_EQ(greet_client_recv_line(c.c, buf, sizeof buf, &got), GREET_ECLOSED);
}

TEST(Client, LineLongerThanTheBufferIsTooBig)
{
    TestServer s;
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr c;
    ASSERT_EQ(connect_local(s.port(), c), GREET_OK);
    char buf[8];
    size_t got = 0;
    EXPECT_EQ(greet_client_recv_line(c.c, buf, sizeof buf, &got), GREET_ETOOBIG);
}

TEST(Client, EmptyRawMessageAndPortZeroAreInvalid)
{
    greet_client *c = nullptr;
    EXPECT_EQ(greet_client_connect("127.0.0.1", 0, GREET_FAMILY_ANY, 1000, &c), GREET_EINVAL);
    TestServer s;
    ASSERT_EQ(s.start(), GREET_OK);
    ClientPtr ok;
    ASSERT_EQ(connect_local(s.port(), ok), GREET_OK);
    EXPECT_EQ(greet_client_send(ok.c, GREET_MODE_RAW, "", 0), GREET_EINVAL);
}

TEST(Client, FamilyRestrictsTheAddressesTried)
{
    TestServer s; // listens on 127.0.0.1 only
    ASSERT_EQ(s.start(), GREET_OK);
    greet_client *c = nullptr;
    int rc = greet_client_connect("127.0.0.1", s.port(), GREET_FAMILY_IPV6, 1000, &c);
    EXPECT_NE(rc, GREET_OK);
    greet_client_close(c);
}
